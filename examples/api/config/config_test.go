package config

import "testing"

func TestMultiValueHeaders(t *testing.T) {
	tests := []struct {
		value   string
		want    bool
		wantErr bool
	}{
		{"", DefaultMultiValueHeaders, false},
		{"true", true, false},
		{"false", false, false},
		{"1", true, false},
		{"0", false, false},
		{"TRUE", true, false},
		{"yes", false, true},
		{"on", false, true},
		{" true", false, true},
	}
	for _, tt := range tests {
		getenv := func(name string) string {
			if name != MultiValueHeadersEnv {
				t.Errorf("getenv(%q), want %q", name, MultiValueHeadersEnv)
			}
			return tt.value
		}
		got, err := MultiValueHeaders(getenv)
		if (err != nil) != tt.wantErr || (err == nil && got != tt.want) {
			t.Errorf("MultiValueHeaders(%s=%q) = %v, %v; want %v, error %v", MultiValueHeadersEnv, tt.value, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestFormatMultiValueHeaders checks that what the deployment writes is
// read back as the same mode.
func TestFormatMultiValueHeaders(t *testing.T) {
	for _, on := range []bool{false, true} {
		v := FormatMultiValueHeaders(on)
		got, err := MultiValueHeaders(func(string) string { return v })
		if err != nil || got != on {
			t.Errorf("MultiValueHeaders(FormatMultiValueHeaders(%v) = %q) = %v, %v", on, v, got, err)
		}
	}
}
