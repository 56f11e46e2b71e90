package albtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/internal/albcheck"
)

func TestNewRequestEvent(t *testing.T) {
	req := albtest.NewRequest("POST", "/orders/7?x=a+b&x=c%20d",
		albtest.WithHeader("X-Tag", "1"), albtest.WithHeader("x-tag", "2"),
		albtest.WithCookie("a", "1"), albtest.WithCookie("b", "2"),
		albtest.WithJSON(map[string]int{"n": 1}))
	var ev events.ALBTargetGroupRequest
	if err := json.Unmarshal(req.Event(), &ev); err != nil {
		t.Fatal(err)
	}
	want := events.ALBTargetGroupRequest{
		HTTPMethod:            "POST",
		Path:                  "/orders/7",
		QueryStringParameters: map[string]string{"x": "c%20d"}, // raw, the last wins (rules 5, 8)
		Headers: map[string]string{
			"accept": "*/*", "content-type": "application/json", "cookie": "a=1; b=2", "host": "example.com",
			"user-agent": "albtest/1.0", "x-tag": "2", "x-amzn-trace-id": albtest.TraceID,
			"x-forwarded-for": "203.0.113.7", "x-forwarded-port": "443", "x-forwarded-proto": "https",
		},
		Body: `{"n":1}`,
	}
	want.RequestContext.ELB.TargetGroupArn = ev.RequestContext.ELB.TargetGroupArn
	if got, _ := json.Marshal(ev); !bytes.Equal(got, mustJSON(t, want)) {
		t.Errorf("event:\n got %s\nwant %s", got, mustJSON(t, want))
	}

	multi := albtest.NewRequest("GET", "/", albtest.WithMultiValue(), albtest.WithRawQuery("k=1&k=2"),
		albtest.WithHeader("x-tag", "1"), albtest.WithHeader("X-Tag", "2"), albtest.WithBody("image/png", []byte{0x89, 'P'}))
	ev = events.ALBTargetGroupRequest{}
	if err := json.Unmarshal(multi.Event(), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Headers != nil || strings.Join(ev.MultiValueHeaders["x-tag"], ",") != "1,2" ||
		strings.Join(ev.MultiValueQueryStringParameters["k"], ",") != "1,2" || !ev.IsBase64Encoded || ev.Body != "iVA=" {
		t.Errorf("multi-value event: %s", multi.Event())
	}
	if !bytes.Equal(multi.Event(), multi.Event()) {
		t.Error("the same request gives different events")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNewRequestHealthCheck(t *testing.T) {
	var ev events.ALBTargetGroupRequest
	req := albtest.NewRequest("GET", "/health", albtest.WithHealthCheck(), albtest.WithHeader("x-a", "dropped"))
	if err := json.Unmarshal(req.Event(), &ev); err != nil {
		t.Fatal(err)
	}
	if len(ev.Headers) != 1 || ev.Headers["user-agent"] != "ELB-HealthChecker/2.0" {
		t.Errorf("health check headers = %v, want only user-agent", ev.Headers)
	}
}

func newRouter() *alb.Router {
	r := alb.New()
	r.GET("/hello/:name", func(c *alb.Context) error {
		c.SetCookie(&http.Cookie{Name: "seen", Value: "1", Path: "/"})
		c.SetCookie(&http.Cookie{Name: "lang", Value: c.Query("lang")})
		return c.String(http.StatusOK, "Hello, "+c.Param("name")+"!")
	})
	r.POST("/echo", func(c *alb.Context) error {
		var v map[string]any
		if err := c.BindJSON(&v); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, v)
	})
	return r
}

func TestDo(t *testing.T) {
	r := newRouter()
	resp := albtest.Do(t, r, albtest.NewRequest("GET", "/hello/Ada?lang=en", albtest.WithMultiValue()))
	if resp.Status != 200 || string(resp.Body) != "Hello, Ada!" || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("got %d %q %v", resp.Status, resp.Body, resp.Header)
	}
	if len(resp.Cookies) != 2 || resp.Cookies[0].Name != "seen" || resp.Cookies[1].Value != "en" {
		t.Errorf("cookies = %v, want seen and lang=en", resp.Cookies)
	}
	if err := albtest.Validate(resp.Raw, true); err != nil {
		t.Errorf("Validate: %v", err)
	}

	variants := newRouter()
	variants.SetCookiePolicy = alb.SetCookieCaseVariants
	resp = albtest.Do(t, variants, albtest.NewRequest("GET", "/hello/Ada?lang=en"))
	if len(resp.Cookies) != 2 {
		t.Errorf("single-value mode with case variants: cookies = %v, want 2", resp.Cookies)
	}

	resp = albtest.Do(t, r, albtest.NewRequest("POST", "/echo", albtest.WithBody("application/json", []byte(`{"a":`))))
	if resp.Status != http.StatusBadRequest || !bytes.Contains(resp.Body, []byte("malformed JSON")) {
		t.Errorf("bad JSON: %d %s", resp.Status, resp.Body)
	}
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		resp  string
		multi bool
		rule  int
	}{
		{`{"statusCode":200}`, false, 0},
		{`{"statusCode":"200"}`, false, 20},
		{`{"statusCode":200,"body":null}`, false, 22},
		{`{"statusCode":200,"headers":{"a":"1"}}`, true, 25},
		{`{"statusCode":200,"multiValueHeaders":{"a":["1"]}}`, true, 0},
		{`{"statusCode":200,"headers":{"a":true}}`, false, 24},
	} {
		err := albtest.Validate([]byte(tt.resp), tt.multi)
		var ae *albcheck.Error
		switch {
		case tt.rule == 0 && err != nil:
			t.Errorf("Validate(%s) = %v, want nil", tt.resp, err)
		case tt.rule != 0 && (!errors.As(err, &ae) || ae.Rule != tt.rule):
			t.Errorf("Validate(%s) = %v, want rule %d", tt.resp, err, tt.rule)
		}
	}
}

// failT records what Do reports instead of failing the test.
type failT struct {
	testing.TB
	msg string
}

func (f *failT) Helper() {}

func (f *failT) Fatalf(format string, args ...any) {
	f.msg = format
	panic(f)
}

// invokeFunc is a lambda.Handler made of a function.
type invokeFunc func(payload []byte) ([]byte, error)

func (f invokeFunc) Invoke(_ context.Context, payload []byte) ([]byte, error) { return f(payload) }

func TestDoReportsRefusedResponses(t *testing.T) {
	for _, h := range []invokeFunc{
		func([]byte) ([]byte, error) { return []byte(`{"statusCode":200,"body":null}`), nil },
		func([]byte) ([]byte, error) { return nil, errors.New("boom") },
	} {
		f := &failT{TB: t}
		func() {
			defer func() {
				if p := recover(); p != nil && p != f {
					panic(p)
				}
			}()
			albtest.Do(f, h, albtest.NewRequest("GET", "/"))
		}()
		if f.msg == "" {
			t.Error("Do accepted a response the ALB refuses")
		}
	}
}

func TestWithHeaderRepeatsDefaults(t *testing.T) {
	req := albtest.NewRequest("GET", "/", albtest.WithMultiValue(),
		albtest.WithHeader("Accept", "text/html"), albtest.WithHeader("Accept", "application/json"))
	var ev events.ALBTargetGroupRequest
	if err := json.Unmarshal(req.Event(), &ev); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ev.MultiValueHeaders["accept"], ","); got != "text/html,application/json" {
		t.Errorf("accept = %q, want both values the test set and not the default", got)
	}
	if ev.MultiValueHeaders["host"][0] != "example.com" {
		t.Errorf("host = %q, want the default", ev.MultiValueHeaders["host"])
	}
}

func TestDoGivesALambdaContext(t *testing.T) {
	var id string
	var hasDeadline bool
	r := alb.New()
	r.GET("/", func(c *alb.Context) error {
		lc, _ := lambdacontext.FromContext(c.Context())
		id = lc.AwsRequestID
		_, hasDeadline = c.Context().Deadline()
		return c.NoContent(http.StatusNoContent)
	})
	albtest.Do(t, r, albtest.NewRequest("GET", "/"))
	if id != albtest.RequestID || !hasDeadline {
		t.Errorf("request id %q, deadline %v; want %q and a deadline", id, hasDeadline, albtest.RequestID)
	}
}
