package emulator

import (
	"regexp"
	"testing"
)

// The ALB keeps a valid client trace Root and adds its own Self field; an
// invalid value is replaced by a new Root (ELB User Guide, "Request
// tracing"; contract rule 14).
func TestRequestClientTraceID(t *testing.T) {
	const root = "Root=1-5759e988-bd862e3fe1be46a994272793"
	tests := []struct {
		client string
		want   *regexp.Regexp
	}{
		{root + ";CalledFrom=app", regexp.MustCompile(`^Self=1-[0-9a-f]{8}-[0-9a-f]{24};` + root + `;CalledFrom=app$`)},
		{"Self=1-5759e988-000000000000000000000000;" + root, regexp.MustCompile(`^Self=1-[0-9a-f]{8}-[0-9a-f]{24};` + root + `$`)},
		{"Root=not-a-trace-id", traceID},
	}
	for _, tt := range tests {
		f := &fake{resp: okResponse}
		srv, _ := start(t, f, Options{})
		if resp, body := do(t, srv, "GET", "/", nil, "X-Amzn-Trace-Id", tt.client); resp.StatusCode != 200 {
			t.Fatalf("got %d %q", resp.StatusCode, body)
		}
		got := f.event(t).Headers["x-amzn-trace-id"]
		if !tt.want.MatchString(got) || got == tt.client {
			t.Errorf("client %q: x-amzn-trace-id = %q, want %s", tt.client, got, tt.want)
		}
	}
}
