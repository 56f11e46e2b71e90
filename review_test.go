package alb

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestRouterSettingsFrozenAtFirstRequest(t *testing.T) {
	r := New()
	r.GET("/x", func(c *Context) error { return c.NoContent(http.StatusNoContent) })
	post := testEventJSON("POST", "/x", nil, nil, false)
	if d := decodeResponse(t, mustInvoke(t, r, post)); d.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("status %d, want 405", d.StatusCode)
	}
	r.HandleMethodNotAllowed = false // too late: read once, at the first request
	r.ErrorHandler = func(c *Context, _ error) { _ = c.NoContent(http.StatusTeapot) }
	if d := decodeResponse(t, mustInvoke(t, r, post)); d.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("after changing settings: status %d, want 405 still", d.StatusCode)
	}
}

func mustInvoke(t *testing.T, r *Router, ev []byte) []byte {
	t.Helper()
	out, err := r.Invoke(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRedirectLocationIsSafe(t *testing.T) {
	r := New()
	r.GET("/login", func(c *Context) error { return c.NoContent(http.StatusNoContent) })
	for _, tt := range []struct{ host, query, want string }{
		{"good.example", "", "https://good.example/login"},
		{"good.example:8443", "", "https://good.example:8443/login"},
		{"[2001:db8::1]:443", "", "https://[2001:db8::1]:443/login"},
		{"good.example@evil.example", "", "/login"},
		{"evil.example/", "", "/login"},
		{"evil.example#", "", "/login"},
		{"a b", "", "/login"},
		{"good.example:x", "", "/login"},
		{"good.example", "q=a b&r=%zz&s=\xff", "https://good.example/login?q=a%20b&r=%zz&s=%FF"},
	} {
		var query [][2]string
		if tt.query != "" {
			for _, kv := range strings.Split(tt.query, "&") {
				k, v, _ := strings.Cut(kv, "=")
				query = append(query, [2]string{k, v})
			}
		}
		ev := testEventJSON("GET", "/login/", [][2]string{{"host", tt.host}, {"x-forwarded-proto", "https"}}, query, false)
		d := decodeResponse(t, mustInvoke(t, r, ev))
		if d.StatusCode != http.StatusMovedPermanently || d.Headers["Location"] != tt.want {
			t.Errorf("Host %q, query %q: %d Location %q, want %q", tt.host, tt.query, d.StatusCode, d.Headers["Location"], tt.want)
		}
	}
}

type failingUnmarshal struct{}

func (*failingUnmarshal) UnmarshalJSON([]byte) error { return errors.New("secret internal detail") }

func TestBindJSONKeepsInternalsPrivate(t *testing.T) {
	r := New()
	r.Logger = slog.New(slog.DiscardHandler)
	r.POST("/nonpointer", func(c *Context) error {
		var v struct{ A int }
		return c.BindJSON(v) // a bug in the handler: not a pointer
	})
	r.POST("/custom", func(c *Context) error {
		var v failingUnmarshal
		return c.BindJSON(&v)
	})
	body := []byte(`{"httpMethod":"POST","path":"/nonpointer","headers":{},"body":"{\"A\":1}"}`)
	if d := decodeResponse(t, mustInvoke(t, r, body)); d.StatusCode != http.StatusInternalServerError || strings.Contains(d.Body, "Unmarshal") {
		t.Errorf("non-pointer: %d %s, want a 500 without Go names", d.StatusCode, d.Body)
	}
	body = []byte(`{"httpMethod":"POST","path":"/custom","headers":{},"body":"{}"}`)
	d := decodeResponse(t, mustInvoke(t, r, body))
	var msg struct{ Message string }
	_ = json.Unmarshal([]byte(d.Body), &msg)
	if d.StatusCode != http.StatusBadRequest || msg.Message != "invalid JSON" {
		t.Errorf("custom UnmarshalJSON error: %d %s, want 400 invalid JSON", d.StatusCode, d.Body)
	}
}

// panickingHandler is a slog.Handler that panics.
type panickingHandler struct{ slog.Handler }

func (panickingHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (panickingHandler) Handle(context.Context, slog.Record) error { panic("logger broke") }

func TestPanickingLoggerCannotEscapeInvoke(t *testing.T) {
	r := New()
	r.Logger = slog.New(panickingHandler{})
	r.GET("/boom", func(*Context) error { panic("handler broke") })
	out := mustInvoke(t, r, testEventJSON("GET", "/boom", nil, nil, true))
	if d := decodeResponse(t, out); d.StatusCode != http.StatusInternalServerError || d.MultiValueHeaders == nil {
		t.Errorf("got %s, want a well-formed multi-value 500", out)
	}
}

func TestSendResponseOfCarriesHandledError(t *testing.T) {
	calls := 0
	r := New()
	r.ErrorHandler = func(c *Context, err error) {
		calls++
		DefaultErrorHandler(c, err)
	}
	r.Use(func(next HandlerFunc) HandlerFunc { // runs the rest on a copy, like a timeout
		return func(c *Context) error {
			cp := c.Copy()
			err := next(cp)
			c.SendResponseOf(cp)
			return err
		}
	}, func(next HandlerFunc) HandlerFunc { // answers the error early, like a logger
		return func(c *Context) error {
			err := next(c)
			c.HandleError(err)
			return err
		}
	})
	r.GET("/x", func(*Context) error { return NewHTTPError(http.StatusConflict, "taken") })
	d := decodeResponse(t, mustInvoke(t, r, testEventJSON("GET", "/x", nil, nil, false)))
	if d.StatusCode != http.StatusConflict || calls != 1 {
		t.Errorf("status %d, ErrorHandler ran %d times; want 409 once", d.StatusCode, calls)
	}
}

func TestIsHealthCheckCannotBeSpoofed(t *testing.T) {
	var got []bool
	r := New()
	r.Any("/*path", func(c *Context) error {
		got = append(got, c.IsHealthCheck())
		return c.NoContent(http.StatusNoContent)
	})
	ua := [2]string{"user-agent", "ELB-HealthChecker/2.0"}
	for _, ev := range [][]byte{
		mustRead("aws-lambda-rust-runtime_alb_no_host.json"),                                                                       // GET health check
		mustRead("lambda-request-handler_health-event.json"),                                                                       // HEAD health check
		testEventJSON("GET", "/x", [][2]string{ua}, nil, true),                                                                     // multi-value health check
		testEventJSON("GET", "/x", [][2]string{ua, {"x-forwarded-proto", "https"}, {"x-amzn-trace-id", "Root=1-a-b"}}, nil, false), // a client's claim
		testEventJSON("POST", "/x", [][2]string{ua}, nil, false),                                                                   // health checks are GET or HEAD
		testEventJSON("GET", "/x", [][2]string{ua, {"x-amzn-trace-id", "Root=1-a-b"}}, nil, false),
	} {
		mustInvoke(t, r, ev)
	}
	if want := []bool{true, true, true, false, false, false}; !slices.Equal(got, want) {
		t.Errorf("IsHealthCheck = %v, want %v", got, want)
	}
}
