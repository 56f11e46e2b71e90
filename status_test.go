package alb

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// Contract rule 23: statusDescription is "<code> <reason>" for every code
// the encoder sends, with net/http's reason where it has one.
func TestStatusLinesMatchNetHTTP(t *testing.T) {
	for code := range len(statusLineIndex) {
		text := http.StatusText(code)
		want := ""
		if text != "" && code >= 100 {
			want = strconv.Itoa(code) + " " + text
		}
		if got := statusLine(code); got != want {
			t.Errorf("statusLine(%d) = %q, want %q", code, got, want)
		}
	}
}

// Contract rule 23: every code in 100-599 gets a non-empty reason, with no
// allocation beyond the destination buffer.
func TestStatusDescription(t *testing.T) {
	for code := 100; code < 600; code++ {
		got := string(appendStatusDescription(nil, code))
		prefix := strconv.Itoa(code) + " "
		reason, ok := strings.CutPrefix(got, prefix)
		if !ok || strings.TrimSpace(reason) == "" {
			t.Errorf("appendStatusDescription(%d) = %q, want %q and a reason", code, got, prefix)
			continue
		}
		if text := http.StatusText(code); text != "" && reason != text {
			t.Errorf("appendStatusDescription(%d) = %q, want %q", code, got, prefix+text)
		}
	}
	for _, tt := range []struct {
		code int
		want string
	}{
		{100, "100 Continue"},
		{150, "150 Informational"},
		{200, "200 OK"},
		{299, "299 Success"},
		{308, "308 Permanent Redirect"},
		{399, "399 Redirection"},
		{404, "404 Not Found"},
		{418, "418 I'm a teapot"},
		{499, "499 Client Error"},
		{599, "599 Server Error"},
	} {
		if got := string(appendStatusDescription(nil, tt.code)); got != tt.want {
			t.Errorf("appendStatusDescription(%d) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestStatusDescriptionAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts need a normal, full test run")
	}
	buf := make([]byte, 0, 64)
	for _, code := range []int{200, 299, 404, 599} {
		allocs := testing.AllocsPerRun(100, func() {
			buf = appendStatusDescription(buf[:0], code)
		})
		if allocs != 0 {
			t.Errorf("appendStatusDescription(%d) allocs = %v, want 0", code, allocs)
		}
	}
}
