package middleware

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/albkit/alb"
)

// shortTimeout is the deadline of the tests that wait for one.
const shortTimeout = 20 * time.Millisecond

func TestTimeoutHandlerInTime(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(func(c *alb.Context) error {
			if _, ok := c.Context().Deadline(); !ok {
				t.Errorf("the handler's context has no deadline")
			}
			c.SetHeader("X-Handler", "1")
			c.AddHeader("Set-Cookie", "a=1")
			c.AddHeader("Set-Cookie", "b=2")
			return c.JSON(http.StatusCreated, map[string]string{"id": c.Param("rest")})
		}, Timeout(TimeoutOptions{Duration: time.Minute}))
		resp := invoke(t, r, newEvent("POST", "/items").mode(multi))
		checkStatus(t, resp, http.StatusCreated)
		checkJSONBody(t, resp, `{"id":"/items"}`)
		checkHeader(t, resp, "X-Handler", "1")
		if multi {
			if got := resp.values("Set-Cookie"); len(got) != 2 {
				t.Errorf("Set-Cookie = %q, want both cookies", got)
			}
		}
	})
}

func TestTimeoutHandlerError(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(func(c *alb.Context) error {
			c.SetHeader("X-Handler", "1")
			return alb.NewHTTPError(http.StatusConflict, "taken")
		}, Timeout(TimeoutOptions{Duration: time.Minute}))
		resp := invoke(t, r, newEvent("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusConflict)
		checkJSONBody(t, resp, `{"message":"taken"}`)
		checkHeader(t, resp, "X-Handler", "1")
	})
}

// waitForCancel returns a handler that waits until its context is done,
// then reports the context's error on errs.
func waitForCancel(errs chan<- error) alb.HandlerFunc {
	return func(c *alb.Context) error {
		<-c.Context().Done()
		errs <- c.Context().Err()
		return c.String(http.StatusOK, "too late")
	}
}

func TestTimeoutDuration(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		errs := make(chan error, 1)
		r := newRouter(waitForCancel(errs), Timeout(TimeoutOptions{Duration: shortTimeout}))
		start := time.Now()
		resp := invoke(t, r, newEvent("GET", "/").mode(multi))
		if elapsed := time.Since(start); elapsed < shortTimeout {
			t.Errorf("answered after %v, before the %v deadline", elapsed, shortTimeout)
		}
		checkStatus(t, resp, http.StatusServiceUnavailable)
		checkJSONBody(t, resp, `{"message":"Service Unavailable"}`)
		if err := <-errs; !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("the handler's context ended with %v, want %v", err, context.DeadlineExceeded)
		}
	})
}

func TestTimeoutLambdaDeadline(t *testing.T) {
	const margin = time.Second
	forEachMode(t, func(t *testing.T, multi bool) {
		lambdaDeadline := time.Now().Add(margin + shortTimeout)
		ctx, cancel := context.WithDeadline(context.Background(), lambdaDeadline)
		defer cancel()
		deadlines := make(chan time.Time, 1)
		errs := make(chan error, 1)
		r := newRouter(func(c *alb.Context) error {
			d, _ := c.Context().Deadline()
			deadlines <- d
			return waitForCancel(errs)(c)
		}, Timeout(TimeoutOptions{Margin: margin, Duration: time.Minute, Status: http.StatusGatewayTimeout, Body: `{"error":"timeout"}`}))
		resp := invokeCtx(t, ctx, r, newEvent("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusGatewayTimeout)
		checkJSONBody(t, resp, `{"error":"timeout"}`)
		if got, want := <-deadlines, lambdaDeadline.Add(-margin); !got.Equal(want) {
			t.Errorf("the handler's deadline = %v, want the Lambda deadline less the margin, %v", got, want)
		}
		if err := <-errs; !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("the handler's context ended with %v, want %v", err, context.DeadlineExceeded)
		}
	})
}

func TestTimeoutDurationBeforeLambdaDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	errs := make(chan error, 1)
	r := newRouter(waitForCancel(errs), Timeout(TimeoutOptions{Duration: shortTimeout}))
	resp := invokeCtx(t, ctx, r, newEvent("GET", "/"))
	checkStatus(t, resp, http.StatusServiceUnavailable)
	<-errs
}

func TestTimeoutAlreadyPast(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		// 100ms left, less than the default margin of 500ms.
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		calls := 0
		r := countingRouter(&calls, Timeout(TimeoutOptions{}))
		resp := invokeCtx(t, ctx, r, newEvent("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusServiceUnavailable)
		if calls != 0 {
			t.Errorf("handler ran %d times past its deadline, want 0", calls)
		}
	})
}

func TestTimeoutPanic(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		routerLogger, routerLogs := newTestLogger()
		r := newRouter(panicky, Timeout(TimeoutOptions{Duration: time.Minute}))
		r.Logger = routerLogger
		resp := invoke(t, r, newEvent("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusInternalServerError)
		checkJSONBody(t, resp, `{"message":"Internal Server Error"}`)
		recs := routerLogs.records(t)
		if len(recs) != 1 {
			t.Fatalf("router logged %d lines, want 1", len(recs))
		}
		e, _ := recs[0]["panic"].(map[string]any) // panicked again on the request goroutine: logged by the router
		if msg, _ := e["message"].(string); msg != "middleware: Timeout: handler panicked: boom" {
			t.Errorf("logged error message = %q", msg)
		}
		if stack, _ := e["stack"].(string); !strings.Contains(stack, "panicky") {
			t.Errorf("logged stack does not name the panicking function: %v", recs[0])
		}
	})
}

// A handler that goes on after its deadline writes only to its own copy
// of the Context: nothing reaches its response or the next request's
// response, which is served from the same pooled Context while the late
// handler writes. Run with -race.
func TestTimeoutLateHandlerIsolated(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		release := make(chan struct{})
		finished := make(chan struct{})
		r := alb.New()
		r.GET("/slow", func(c *alb.Context) error {
			c.SetHeader("X-Early", "1")
			<-release
			c.SetHeader("X-Late", "1")
			c.AddHeader("Vary", "Late")
			c.Set("late", true)
			err := c.String(http.StatusTeapot, "late body")
			close(finished)
			return err
		}, Timeout(TimeoutOptions{Duration: shortTimeout}))
		r.GET("/after", okHandler, Timeout(TimeoutOptions{Duration: time.Minute}))
		r.GET("/next", func(c *alb.Context) error {
			close(release) // the late handler writes now...
			<-finished     // ...and is done before this one answers
			return c.String(http.StatusOK, "next")
		}, Timeout(TimeoutOptions{Duration: time.Minute}))

		first := invoke(t, r, newEvent("GET", "/slow").mode(multi))
		checkStatus(t, first, http.StatusServiceUnavailable)
		checkJSONBody(t, first, `{"message":"Service Unavailable"}`)
		second := invoke(t, r, newEvent("GET", "/next").mode(multi))
		checkStatus(t, second, http.StatusOK)
		if string(second.body) != "next" {
			t.Errorf("next body = %q, want %q", second.body, "next")
		}
		for _, resp := range []response{first, second} {
			for _, h := range []string{"X-Early", "X-Late", "Vary"} {
				if resp.hasHeader(h) {
					t.Errorf("header %s = %q leaked from the late handler", h, resp.header(h))
				}
			}
		}
		third := invoke(t, r, newEvent("GET", "/after").mode(multi))
		if third.hasHeader("X-Late") || third.status != http.StatusOK {
			t.Errorf("a later request got status %d and headers %v", third.status, third.headers)
		}
	})
}

func TestTimeoutLatePanicLogged(t *testing.T) {
	logger, logs := newTestLogger()
	logs.written = make(chan struct{}, 1)
	release := make(chan struct{})
	r := newRouter(func(c *alb.Context) error {
		<-release
		panic("late boom")
	}, Timeout(TimeoutOptions{Duration: shortTimeout, Logger: logger}))
	resp := invoke(t, r, newEvent("GET", "/"))
	checkStatus(t, resp, http.StatusServiceUnavailable)
	close(release)
	<-logs.written
	recs := logs.records(t)
	if len(recs) != 1 || recs[0]["panic"] != "late boom" || recs[0]["level"] != "ERROR" {
		t.Errorf("logged %v, want one ERROR line with the panic", recs)
	}
}

func TestTimeoutBadOptions(t *testing.T) {
	for _, tc := range []struct {
		opts TimeoutOptions
		want string
	}{
		{TimeoutOptions{Duration: -time.Second}, `middleware: Timeout: negative Duration "-1s"`},
		{TimeoutOptions{Status: 42}, `middleware: Timeout: invalid Status 42`},
		{TimeoutOptions{Status: 600}, `middleware: Timeout: invalid Status 600`},
		{TimeoutOptions{Body: "timed out"}, `middleware: Timeout: Body is not JSON: "timed out"`},
	} {
		if got := mustPanic(t, func() { Timeout(tc.opts) }); got != tc.want {
			t.Errorf("panic = %q, want %q", got, tc.want)
		}
	}
}

// Without a Lambda deadline and without Duration, Timeout runs the
// handler in place.
func TestTimeoutAllocs(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			payload := newEvent("GET", "/").mode(m.multiValue).json()
			assertNoExtraAllocs(t, newRouter(nil, Timeout(TimeoutOptions{})), newRouter(nil), context.Background(), payload)
		})
	}
}
