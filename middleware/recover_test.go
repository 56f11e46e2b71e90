package middleware

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/albkit/alb"
)

// panicky writes a response, then panics.
func panicky(c *alb.Context) error {
	c.SetHeader("X-Partial", "1")
	c.SetHeader("Content-Encoding", "gzip")
	_ = c.String(http.StatusAccepted, "half written")
	panic("boom")
}

func TestRecoverAnswers500(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		logger, logs := newTestLogger()
		routerLogger, routerLogs := newTestLogger()
		r := alb.New()
		r.Logger = routerLogger
		r.Use(Recover(RecoverOptions{Logger: logger}))
		r.GET("/items/:id", panicky)

		resp := invoke(t, r, newEvent("GET", "/items/42").mode(multi))
		checkStatus(t, resp, http.StatusInternalServerError)
		checkJSONBody(t, resp, `{"message":"Internal Server Error"}`)
		for _, h := range []string{"X-Partial", "Content-Encoding"} {
			if resp.hasHeader(h) {
				t.Errorf("header %s = %q survived the panic, want it dropped", h, resp.header(h))
			}
		}

		recs := logs.records(t)
		if len(recs) != 1 {
			t.Fatalf("Recover logged %d lines, want 1: %v", len(recs), recs)
		}
		rec := recs[0]
		for key, want := range map[string]string{
			"level": "ERROR", "panic": "boom", "method": "GET", "path": "/items/42", "route": "/items/:id",
		} {
			if got, _ := rec[key].(string); got != want {
				t.Errorf("log %s = %q, want %q", key, got, want)
			}
		}
		if stack, _ := rec["stack"].(string); !strings.Contains(stack, "panicky") {
			t.Errorf("log stack does not name the panicking function:\n%s", stack)
		}
		if recs := routerLogs.records(t); len(recs) != 0 {
			t.Errorf("the router logged too, want only Recover's line: %v", recs)
		}
	})
}

func TestRecoverHandler(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		var got any
		r := newRouter(panicky, Recover(RecoverOptions{
			Logger: discardLogger(),
			Handler: func(c *alb.Context, recovered any) error {
				got = recovered
				if body := c.ResponseBody(); len(body) != 0 {
					t.Errorf("Handler found body %q, want an empty response", body)
				}
				return c.String(http.StatusServiceUnavailable, "try later")
			},
		}))
		resp := invoke(t, r, newEvent("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusServiceUnavailable)
		if string(resp.body) != "try later" {
			t.Errorf("body = %q, want %q", resp.body, "try later")
		}
		if resp.hasHeader("X-Partial") {
			t.Errorf("header X-Partial survived the panic")
		}
		if got != "boom" {
			t.Errorf("Handler got %v, want %q", got, "boom")
		}
	})
}

func TestRecoverHandlerError(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(panicky, Recover(RecoverOptions{
			Logger: discardLogger(),
			Handler: func(c *alb.Context, recovered any) error {
				return alb.NewHTTPError(http.StatusBadGateway, "upstream broke")
			},
		}))
		resp := invoke(t, r, newEvent("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusBadGateway)
		checkJSONBody(t, resp, `{"message":"upstream broke"}`)
	})
}

func TestRecoverKeepsRequestID(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(panicky, Recover(RecoverOptions{Logger: discardLogger()}), RequestID(RequestIDOptions{}))
		resp := invoke(t, r, newEvent("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusInternalServerError)
		checkHeader(t, resp, "X-Request-Id", "1-67a0c2f1-3b9d2c1e0f4a5b6c7d8e9f01")
	})
}

func TestRecoverPassesThrough(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		logger, logs := newTestLogger()
		r := newRouter(nil, Recover(RecoverOptions{Logger: logger}))
		resp := invoke(t, r, newEvent("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusOK)
		if string(resp.body) != "ok" {
			t.Errorf("body = %q, want %q", resp.body, "ok")
		}
		if recs := logs.records(t); len(recs) != 0 {
			t.Errorf("Recover logged %v, want nothing", recs)
		}
	})
}

func TestRecoverReturnedErrorUntouched(t *testing.T) {
	want := errors.New("plain failure")
	var got error
	r := alb.New()
	r.Logger = discardLogger()
	r.ErrorHandler = func(c *alb.Context, err error) {
		got = err
		alb.DefaultErrorHandler(c, err)
	}
	r.Use(Recover(RecoverOptions{Logger: discardLogger()}))
	r.GET("/", func(*alb.Context) error { return want })
	resp := invoke(t, r, newEvent("GET", "/"))
	checkStatus(t, resp, http.StatusInternalServerError)
	if got != want {
		t.Errorf("ErrorHandler got %v, want %v", got, want)
	}
}

func TestRecoverAllocs(t *testing.T) {
	payload := newEvent("GET", "/").json()
	with := newRouter(nil, Recover(RecoverOptions{Logger: discardLogger()}))
	without := newRouter(nil)
	assertNoExtraAllocs(t, with, without, context.Background(), payload)
}
