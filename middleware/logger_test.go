package middleware

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"

	"github.com/albkit/alb"
)

func TestLoggerLine(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		logger, logs := newTestLogger()
		r := alb.New()
		r.Use(RequestID(RequestIDOptions{}), Logger(LoggerOptions{Logger: logger}))
		r.GET("/files/:name", func(c *alb.Context) error {
			return c.String(http.StatusCreated, "hello")
		})
		ev := newEvent("GET", "/files/a%20b").mode(multi).without("x-forwarded-for").
			header("X-Forwarded-For", "198.51.100.1, 203.0.113.9")
		invokeCtx(t, lambdaCtx("lambda-id"), r, ev)

		recs := logs.records(t)
		if len(recs) != 1 {
			t.Fatalf("logged %d lines, want 1: %v", len(recs), recs)
		}
		rec := recs[0]
		mode := "single"
		if multi {
			mode = "multi"
		}
		for key, want := range map[string]any{
			"level": "INFO", "msg": "request", "method": "GET", "path": "/files/a%20b",
			"route": "/files/:name", "status": 201.0, "bytes": 5.0, "request_id": "lambda-id",
			"trace_id": testTraceRoot, "client_ip": "203.0.113.9", "mode": mode, "cold_start": true,
		} {
			if got := rec[key]; got != want {
				t.Errorf("log %s = %v (%T), want %v", key, got, got, want)
			}
		}
		if d, ok := rec["duration"].(float64); !ok || d < 0 {
			t.Errorf("log duration = %v, want a non-negative number", rec["duration"])
		}
		for _, key := range []string{"error", "panic"} {
			if v, ok := rec[key]; ok {
				t.Errorf("log has %s = %v, want none", key, v)
			}
		}
	})
}

func TestLoggerStatusAndLevel(t *testing.T) {
	for _, tc := range []struct {
		name      string
		h         alb.HandlerFunc
		status    float64
		level     string
		wantError bool
	}{
		{"ok", okHandler, 200, "INFO", false},
		{"redirect", func(c *alb.Context) error { return c.Redirect(http.StatusFound, "/x") }, 302, "INFO", false},
		{"written 404", func(c *alb.Context) error { return c.String(http.StatusNotFound, "no") }, 404, "WARN", false},
		{"HTTPError", func(*alb.Context) error { return alb.NewHTTPError(http.StatusTeapot, "") }, 418, "WARN", true},
		{"wrapped HTTPError", func(*alb.Context) error {
			return errors.Join(errors.New("context"), alb.NewHTTPError(http.StatusConflict, ""))
		}, 409, "WARN", true},
		{"HTTPError out of range", func(*alb.Context) error { return alb.NewHTTPError(42, "") }, 500, "ERROR", true},
		{"plain error", func(*alb.Context) error { return errors.New("db down") }, 500, "ERROR", true},
	} {
		forEachModeIn(t, tc.name, func(t *testing.T, multi bool) {
			logger, logs := newTestLogger()
			r := newRouter(tc.h, Logger(LoggerOptions{Logger: logger}))
			resp := invoke(t, r, newEvent("GET", "/").mode(multi))
			recs := logs.records(t)
			if len(recs) != 1 {
				t.Fatalf("%s: logged %d lines, want 1", tc.name, len(recs))
			}
			if got := recs[0]["status"]; got != tc.status {
				t.Errorf("%s: log status = %v, want %v", tc.name, got, tc.status)
			}
			if got := float64(resp.status); got != tc.status {
				t.Errorf("%s: response status = %v, want the logged %v", tc.name, got, tc.status)
			}
			if got := recs[0]["level"]; got != tc.level {
				t.Errorf("%s: log level = %v, want %v", tc.name, got, tc.level)
			}
			if _, got := recs[0]["error"]; got != tc.wantError {
				t.Errorf("%s: log has error = %v, want %v", tc.name, got, tc.wantError)
			}
		})
	}
}

func TestLoggerLevelOption(t *testing.T) {
	logger, logs := newTestLogger()
	r := newRouter(nil, Logger(LoggerOptions{Logger: logger, Level: func(status int) slog.Level {
		return slog.LevelDebug
	}}))
	invoke(t, r, newEvent("GET", "/"))
	if recs := logs.records(t); len(recs) != 1 || recs[0]["level"] != "DEBUG" {
		t.Errorf("logged %v, want one DEBUG line", recs)
	}

	quietLogs := new(logBuffer)
	quiet := slog.New(slog.NewJSONHandler(quietLogs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	r = newRouter(nil, Logger(LoggerOptions{Logger: quiet}))
	invoke(t, r, newEvent("GET", "/"))
	if recs := quietLogs.records(t); len(recs) != 0 {
		t.Errorf("a 200 was logged at Info by a Warn handler: %v", recs)
	}
}

func TestLoggerHealthChecks(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		logger, logs := newTestLogger()
		r := newRouter(nil, Logger(LoggerOptions{Logger: logger}))
		invoke(t, r, newHealthCheck("GET", "/").mode(multi))
		if recs := logs.records(t); len(recs) != 0 {
			t.Errorf("health check logged by default: %v", recs)
		}

		r = newRouter(nil, Logger(LoggerOptions{Logger: logger, LogHealthChecks: true}))
		invoke(t, r, newHealthCheck("HEAD", "/").mode(multi))
		recs := logs.records(t)
		if len(recs) != 1 {
			t.Fatalf("LogHealthChecks: logged %d lines, want 1", len(recs))
		}
		if recs[0]["method"] != "HEAD" || recs[0]["client_ip"] != "" || recs[0]["trace_id"] != "" {
			t.Errorf("health check line = %v, want HEAD with empty client_ip and trace_id", recs[0])
		}
	})
}

func TestLoggerPanic(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		logger, logs := newTestLogger()
		r := newRouter(panicky, Recover(RecoverOptions{Logger: discardLogger()}), Logger(LoggerOptions{Logger: logger}))
		resp := invoke(t, r, newEvent("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusInternalServerError)
		recs := logs.records(t)
		if len(recs) != 1 {
			t.Fatalf("logged %d lines, want 1", len(recs))
		}
		if recs[0]["status"] != 500.0 || recs[0]["panic"] != true || recs[0]["level"] != "ERROR" {
			t.Errorf("line = %v, want status 500, panic true, level ERROR", recs[0])
		}
	})
}

func TestLoggerHealthCheckAllocs(t *testing.T) {
	logger, _ := newTestLogger()
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			payload := newHealthCheck("GET", "/").mode(m.multiValue).json()
			with := newRouter(nil, Logger(LoggerOptions{Logger: logger}))
			without := newRouter(nil)
			assertNoExtraAllocs(t, with, without, context.Background(), payload)
		})
	}
}

func TestLoggerSeesCustomErrorHandler(t *testing.T) {
	// The logged status is the one the client gets, even when a custom
	// ErrorHandler picks it, and the ErrorHandler runs once.
	forEachMode(t, func(t *testing.T, multi bool) {
		logger, logs := newTestLogger()
		calls := 0
		r := alb.New()
		r.ErrorHandler = func(c *alb.Context, err error) {
			calls++
			_ = c.String(http.StatusTeapot, "custom: "+err.Error())
		}
		r.Use(Logger(LoggerOptions{Logger: logger}))
		r.GET("/fail", func(*alb.Context) error { return errors.New("boom") })
		resp := invoke(t, r, newEvent("GET", "/fail").mode(multi))
		checkStatus(t, resp, http.StatusTeapot)
		recs := logs.records(t)
		if len(recs) != 1 || recs[0]["status"] != float64(http.StatusTeapot) || recs[0]["bytes"] != float64(len("custom: boom")) {
			t.Errorf("log %v, want status 418 and the custom body's length", recs)
		}
		if calls != 1 {
			t.Errorf("ErrorHandler ran %d times, want 1", calls)
		}
	})
}

// TestLoggerSharesRequestFields: the access line carries the request's log
// attributes with the values the request logger's records carry.
func TestLoggerSharesRequestFields(t *testing.T) {
	logger, logs := newTestLogger()
	r := alb.New()
	r.Logger = logger
	r.Use(RequestID(RequestIDOptions{}), Logger(LoggerOptions{Logger: logger}))
	r.GET("/users/:id", func(c *alb.Context) error {
		c.SetTrace("67a0c2f13b9d2c1e0f4a5b6c7d8e9f01", "00f067aa0ba902b7")
		c.Logger().Info("inside")
		return c.NoContent(http.StatusNoContent)
	})
	for i := range 2 {
		invokeCtx(t, lambdaCtx("id-"+string(rune('a'+i))), r, newEvent("GET", "/users/7"))
	}
	recs := logs.records(t)
	if len(recs) != 4 {
		t.Fatalf("logged %d lines, want 4", len(recs))
	}
	for i := 0; i < 4; i += 2 {
		inside, access := recs[i], recs[i+1]
		if inside["msg"] != "inside" || access["msg"] != "request" {
			t.Fatalf("lines %d, %d = %v, %v: want the handler's line, then the access line", i, i+1, inside, access)
		}
		want := map[string]any{
			"request_id": "id-" + string(rune('a'+i/2)), "trace_id": "67a0c2f13b9d2c1e0f4a5b6c7d8e9f01",
			"span_id": "00f067aa0ba902b7", "method": "GET", "route": "/users/:id",
			"client_ip": "203.0.113.7", "cold_start": i == 0,
		}
		for key, w := range want {
			if inside[key] != w || access[key] != w {
				t.Errorf("request %d: %s = %v in the handler's line, %v in the access line, want %v", i/2, key, inside[key], access[key], w)
			}
		}
	}
}
