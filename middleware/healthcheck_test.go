package middleware

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/albkit/alb"
)

// countingRouter returns a router with mw whose handler (on every path)
// counts its calls and answers "app".
func countingRouter(calls *int, mw ...alb.Middleware) *alb.Router {
	return newRouter(func(c *alb.Context) error {
		*calls++
		return c.String(http.StatusOK, "app")
	}, mw...)
}

func TestHealthCheckRecordedEvents(t *testing.T) {
	for _, tc := range []struct {
		file, path string
		wantBody   string
	}{
		{"aws-lambda-rust-runtime_alb_no_host.json", "/v1/health/", `{"status":"ok"}`}, // GET
		{"lambda-request-handler_health-event.json", "/", ""},                          // HEAD: no body
	} {
		for _, path := range []string{tc.path, ""} {
			calls := 0
			r := countingRouter(&calls, HealthCheck(HealthCheckOptions{Path: path}))
			resp := invokePayload(t, context.Background(), r, readEvent(t, tc.file))
			checkStatus(t, resp, http.StatusOK)
			if string(resp.body) != tc.wantBody {
				t.Errorf("%s: body = %q, want %q", tc.file, resp.body, tc.wantBody)
			}
			checkHeader(t, resp, "Content-Type", "application/json")
			if calls != 0 {
				t.Errorf("%s: handler ran %d times, want 0", tc.file, calls)
			}
		}
	}
}

func TestHealthCheck(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		calls := 0
		r := countingRouter(&calls, HealthCheck(HealthCheckOptions{Path: "/health"}))
		resp := invoke(t, r, newHealthCheck("GET", "/health").mode(multi))
		checkStatus(t, resp, http.StatusOK)
		checkJSONBody(t, resp, `{"status":"ok"}`)

		// Not health checks, or not at the path: the application answers.
		for _, ev := range []event{
			newEvent("GET", "/health"),        // a browser
			newHealthCheck("GET", "/"),        // another path
			newHealthCheck("GET", "/health/"), // exact match only
			newHealthCheck("POST", "/health"), // not GET or HEAD
			newHealthCheck("GET", "/health").without("user-agent").header("User-Agent", "curl/8.0"),
		} {
			resp := invoke(t, r, ev.mode(multi))
			if string(resp.body) != "app" {
				t.Errorf("%s %s: body = %q, want the application's answer", ev.method, ev.path, resp.body)
			}
		}
		if calls != 5 {
			t.Errorf("handler ran %d times, want 5", calls)
		}
	})
}

// HealthCheck installed with Use answers a path with no route too: the
// router's not-found answer runs the router's middleware.
func TestHealthCheckWithoutRoute(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := alb.New()
		r.Use(HealthCheck(HealthCheckOptions{}))
		r.GET("/users", okHandler)
		resp := invoke(t, r, newHealthCheck("GET", "/v1/health/").mode(multi))
		checkStatus(t, resp, http.StatusOK)
		checkJSONBody(t, resp, `{"status":"ok"}`)
	})
}

func TestHealthCheckReady(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		var ready error
		logger, logs := newTestLogger()
		ctx := context.WithValue(context.Background(), readyKey{}, "invocation")
		r := newRouter(nil, HealthCheck(HealthCheckOptions{
			Logger: logger,
			Ready: func(ctx context.Context) error {
				if ctx.Value(readyKey{}) != "invocation" {
					t.Errorf("Ready got a context without the invocation's values")
				}
				return ready
			},
		}))
		resp := invokeCtx(t, ctx, r, newHealthCheck("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusOK)
		checkJSONBody(t, resp, `{"status":"ok"}`)

		ready = errors.New("database unreachable")
		resp = invokeCtx(t, ctx, r, newHealthCheck("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusServiceUnavailable)
		checkJSONBody(t, resp, `{"status":"unavailable"}`)
		recs := logs.records(t)
		if len(recs) != 1 || recs[0]["level"] != "WARN" || recs[0]["error"] != "database unreachable" {
			t.Errorf("logged %v, want one WARN line with the error", recs)
		}
	})
}

type readyKey struct{}

func TestHealthCheckBadPath(t *testing.T) {
	if got, want := mustPanic(t, func() { HealthCheck(HealthCheckOptions{Path: "health"}) }),
		`middleware: HealthCheck: Path must start with '/', got "health"`; got != want {
		t.Errorf("panic = %q, want %q", got, want)
	}
}

func TestHealthCheckAllocs(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			payload := newEvent("GET", "/health").mode(m.multiValue).json()
			with := newRouter(nil, HealthCheck(HealthCheckOptions{Path: "/health"}))
			assertNoExtraAllocs(t, with, newRouter(nil), context.Background(), payload)
		})
	}
}
