//go:build unix && !lambda.norpc

package alb

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SIGUSR1 sends one health check, the same event as the periodic ones,
// and logs its result; the banner says how.
func TestServeLocalHealthCheckSignal(t *testing.T) {
	r := New()
	r.GET("/health", func(c *Context) error {
		if !c.IsHealthCheck() || c.Header("User-Agent") != "ELB-HealthChecker/2.0" || c.Header("Host") != "" {
			return c.String(500, "not a health check")
		}
		return c.String(200, "ok")
	})
	_, out, logs := localServer(t, r, WithAddr("127.0.0.1:0"), WithHealthChecks("/health", 0))
	if want := "kill -USR1 " + strconv.Itoa(os.Getpid()) + " sends a health check (GET /health)"; !strings.Contains(out.String(), want) {
		t.Errorf("banner %q, want it to contain %q", out.String(), want)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	// Signal delivery is asynchronous: wait for the log line (the
	// deadline is a guard, not the assertion).
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "alb: health check") && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if got := logs.String(); !strings.Contains(got, "path=/health trigger=SIGUSR1 status=200") {
		t.Errorf("log %q, want a health check of /health with status 200", got)
	}
	if strings.Count(logs.String(), "alb: health check") != 1 {
		t.Errorf("log %q, want one health check (the interval is 0)", logs.String())
	}
}
