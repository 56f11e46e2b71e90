package albtest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
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
	if resp.Status != http.StatusBadRequest || !bytes.Contains(resp.Body, []byte("truncated JSON")) {
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

// failT records what Do reports instead of failing the test: Errorf
// records and returns, Fatalf records and panics with f, which run
// recovers.
type failT struct {
	testing.TB
	msg    string   // the last Fatalf format
	errors []string // the Errorf messages
}

func (f *failT) Helper() {}

func (f *failT) Fatalf(format string, args ...any) {
	f.msg = format
	panic(f)
}

func (f *failT) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// run calls fn with f, recovering f's Fatalf.
func (f *failT) run(fn func(t testing.TB)) {
	defer func() {
		if p := recover(); p != nil && p != f {
			panic(p)
		}
	}()
	fn(f)
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
		f.run(func(t testing.TB) { albtest.Do(t, h, albtest.NewRequest("GET", "/")) })
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

// TestOptionIsOpaque checks that Option names no internal package: a
// caller outside the module can declare, store and compare it with nil.
func TestOptionIsOpaque(t *testing.T) {
	var opts []albtest.Option
	var none albtest.Option
	opts = append(opts, none, albtest.WithHeader("x-a", "1"))
	if opts[0] != nil {
		t.Fatal("a zero Option is not nil")
	}
	// A nil Option is ignored.
	ev := eventOf(t, albtest.NewRequest("GET", "/", opts...))
	if ev.Headers["x-a"] != "1" {
		t.Errorf("x-a = %q, want 1", ev.Headers["x-a"])
	}
}

// eventOf decodes req's event.
func eventOf(t *testing.T, req *albtest.Request) events.ALBTargetGroupRequest {
	t.Helper()
	var ev events.ALBTargetGroupRequest
	if err := json.Unmarshal(req.Event(), &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// body returns the body of ev, decoded from base64 when it says so.
func body(t *testing.T, ev events.ALBTargetGroupRequest) []byte {
	t.Helper()
	if !ev.IsBase64Encoded {
		return []byte(ev.Body)
	}
	b, err := base64.StdEncoding.DecodeString(ev.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWithForm(t *testing.T) {
	form := url.Values{"b": {"x y", "é"}, "a": {"1&2"}}
	ev := eventOf(t, albtest.NewRequest("POST", "/", albtest.WithForm(form)))
	if got, want := string(body(t, ev)), "a=1%262&b=x+y&b=%C3%A9"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	if got := ev.Headers["content-type"]; got != "application/x-www-form-urlencoded" {
		t.Errorf("content-type = %q", got)
	}
	if !ev.IsBase64Encoded {
		t.Error("a form body is sent as text; the ALB sends it as base64 (contract rule 17)")
	}

	var got string
	r := alb.New()
	r.POST("/", func(c *alb.Context) error {
		got = c.FormValue("b") + "|" + c.FormValue("a")
		return c.NoContent(http.StatusNoContent)
	})
	albtest.Do(t, r, albtest.NewRequest("POST", "/", albtest.WithForm(form)))
	if got != "x y|1&2" {
		t.Errorf("FormValue b|a = %q, want %q", got, "x y|1&2")
	}
}

func TestWithMultipart(t *testing.T) {
	fields := url.Values{"title": {"Holiday"}, "tags": {"sea", "sun"}}
	files := []albtest.File{
		{Field: "photo", Name: `a "quoted" name.png`, ContentType: "image/png", Content: []byte{0x89, 'P', 'N', 'G', 0}},
		{Field: "notes", Name: "notes.txt", Content: []byte("line\r\n--albtest-boundary\r\n")},
	}
	req := albtest.NewRequest("POST", "/upload", albtest.WithMultiValue(), albtest.WithMultipart(fields, files...))
	ev := eventOf(t, req)
	if !bytes.Equal(req.Event(), albtest.NewRequest("POST", "/upload", albtest.WithMultiValue(), albtest.WithMultipart(fields, files...)).Event()) {
		t.Error("the same multipart request gives different events")
	}
	mediaType, params, err := mime.ParseMediaType(ev.MultiValueHeaders["content-type"][0])
	if err != nil || mediaType != "multipart/form-data" {
		t.Fatalf("content-type = %q: %v", ev.MultiValueHeaders["content-type"], err)
	}
	if params["boundary"] == "albtest-boundary" {
		t.Error("the boundary is one a file holds")
	}
	form, err := multipart.NewReader(bytes.NewReader(body(t, ev)), params["boundary"]).ReadForm(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(form.Value) != fmt.Sprint(map[string][]string(fields)) {
		t.Errorf("fields = %v, want %v", form.Value, fields)
	}
	for _, want := range files {
		fhs := form.File[want.Field]
		if len(fhs) != 1 {
			t.Errorf("field %s: %d files, want 1", want.Field, len(fhs))
			continue
		}
		wantType := want.ContentType
		if wantType == "" {
			wantType = "application/octet-stream"
		}
		f, err := fhs[0].Open()
		if err != nil {
			t.Fatal(err)
		}
		content, _ := io.ReadAll(f)
		f.Close()
		if fhs[0].Filename != want.Name || fhs[0].Header.Get("Content-Type") != wantType || !bytes.Equal(content, want.Content) {
			t.Errorf("file %s = %q %q %q, want %q %q %q", want.Field,
				fhs[0].Filename, fhs[0].Header.Get("Content-Type"), content, want.Name, wantType, want.Content)
		}
	}
}

func TestWithAuthorization(t *testing.T) {
	for _, tt := range []struct {
		opts []albtest.Option
		want string
	}{
		{[]albtest.Option{albtest.WithBasicAuth("Aladdin", "open sesame")}, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}, // RFC 7617's example
		{[]albtest.Option{albtest.WithBearer("mF_9.B5f-4.1JqM")}, "Bearer mF_9.B5f-4.1JqM"},                       // RFC 6750's example
		{[]albtest.Option{albtest.WithHeader("Authorization", "x"), albtest.WithBearer("t")}, "Bearer t"},
		{[]albtest.Option{albtest.WithBearer("t"), albtest.WithBasicAuth("u", "")}, "Basic dTo="},
	} {
		ev := eventOf(t, albtest.NewRequest("GET", "/", append(tt.opts, albtest.WithMultiValue())...))
		if got := ev.MultiValueHeaders["authorization"]; len(got) != 1 || got[0] != tt.want {
			t.Errorf("authorization = %q, want only %q", got, tt.want)
		}
	}

	var user, pass string
	var ok bool
	r := alb.New()
	r.GET("/", func(c *alb.Context) error {
		hr := http.Request{Header: http.Header{"Authorization": {c.Header("Authorization")}}}
		user, pass, ok = hr.BasicAuth()
		return c.NoContent(http.StatusNoContent)
	})
	albtest.Do(t, r, albtest.NewRequest("GET", "/", albtest.WithBasicAuth("zoë", "pa:ss")))
	if !ok || user != "zoë" || pass != "pa:ss" {
		t.Errorf("BasicAuth() = %q, %q, %v; want zoë, pa:ss, true", user, pass, ok)
	}
}

// twoCookies sets two cookies: in single-value mode, with the default
// policy, the framework drops the first and logs a warning.
func twoCookies(c *alb.Context) error {
	c.SetCookie(&http.Cookie{Name: "a", Value: "1"})
	c.SetCookie(&http.Cookie{Name: "b", Value: "2"})
	return c.NoContent(http.StatusNoContent)
}

func TestStrict(t *testing.T) {
	quiet := slog.New(slog.DiscardHandler)
	r := alb.New()
	r.Logger = quiet
	r.GET("/cookies", twoCookies)
	r.GET("/bad-cookie", func(c *alb.Context) error {
		c.SetCookie(&http.Cookie{Name: "bad name", Value: "1"})
		return c.NoContent(http.StatusNoContent)
	})
	r.GET("/bad-header", func(c *alb.Context) error {
		c.SetHeader("X-Bad", "a\nb")
		return c.NoContent(http.StatusNoContent)
	})
	r.GET("/bad-status", func(c *alb.Context) error { return c.NoContent(999) })
	r.GET("/too-large", func(c *alb.Context) error { return c.String(http.StatusOK, strings.Repeat("x", 1_100_000)) })
	r.GET("/fine", func(c *alb.Context) error { return c.String(http.StatusOK, "fine") })

	for _, tt := range []struct {
		target string
		multi  bool
		want   string // a part of the only warning; "" for none
	}{
		{"/cookies", false, `several Set-Cookie headers in single-value mode; sent only the last (enable multi-value headers on the target group) kept=b dropped=a`},
		{"/cookies", true, ""},
		{"/bad-cookie", true, `dropped an invalid cookie name="bad name"`},
		{"/bad-header", false, `dropped an invalid response header header="X-Bad" reason=value holds a control character`},
		{"/bad-status", true, "status outside 200-599; sent 500 instead status=999"},
		{"/too-large", false, "response over the ALB's size limit; answered through the ErrorHandler"},
		{"/fine", false, ""},
	} {
		opts := []albtest.Option{albtest.Strict()}
		if tt.multi {
			opts = append(opts, albtest.WithMultiValue())
		}
		f := &failT{TB: t}
		f.run(func(t testing.TB) { albtest.Do(t, r, albtest.NewRequest("GET", tt.target, opts...)) })
		switch {
		case f.msg != "":
			t.Errorf("%s (multi %v): Do failed fatally: %s", tt.target, tt.multi, f.msg)
		case tt.want == "" && len(f.errors) != 0:
			t.Errorf("%s (multi %v): Strict reported %q, want nothing", tt.target, tt.multi, f.errors)
		case tt.want != "" && (len(f.errors) != 1 || !strings.Contains(f.errors[0], tt.want)):
			t.Errorf("%s (multi %v): Strict reported %q, want one error holding %q", tt.target, tt.multi, f.errors, tt.want)
		}

		// Without Strict, the same requests pass.
		f = &failT{TB: t}
		f.run(func(t testing.TB) { albtest.Do(t, r, albtest.NewRequest("GET", tt.target, opts[1:]...)) })
		if f.msg != "" || len(f.errors) != 0 {
			t.Errorf("%s (multi %v) without Strict: failed with %q %q", tt.target, tt.multi, f.msg, f.errors)
		}
	}
}

func TestStrictDoesNotChangeTheEvent(t *testing.T) {
	if !bytes.Equal(albtest.NewRequest("GET", "/", albtest.Strict()).Event(), albtest.NewRequest("GET", "/").Event()) {
		t.Error("Strict changed the event")
	}
}

func TestDoBoth(t *testing.T) {
	quiet := slog.New(slog.DiscardHandler)
	newRouter := func(policy alb.SetCookiePolicy) *alb.Router {
		r := alb.New()
		r.Logger = quiet
		r.SetCookiePolicy = policy
		r.GET("/same", func(c *alb.Context) error {
			// Repeated headers: joined in single-value mode, which a
			// client cannot tell from separate lines.
			c.AddHeader("Vary", "Accept")
			c.AddHeader("Vary", "Accept-Encoding")
			c.SetCookie(&http.Cookie{Name: "only", Value: "1"})
			return c.String(http.StatusOK, "same")
		})
		r.GET("/cookies", twoCookies)
		r.GET("/by-mode", func(c *alb.Context) error {
			if c.MultiValue() {
				c.SetHeader("X-Mode", "multi")
				return c.String(http.StatusOK, "multi")
			}
			c.SetHeader("X-Single", "")
			return c.String(http.StatusAccepted, "single")
		})
		r.GET("/query", func(c *alb.Context) error {
			return c.String(http.StatusOK, strings.Join(c.QueryValues("k"), ","))
		})
		return r
	}
	for _, tt := range []struct {
		policy alb.SetCookiePolicy
		target string
		want   []string // a part of each error, in order
	}{
		{alb.SetCookieLast, "/same", nil},
		{alb.SetCookieLast, "/cookies", []string{"Set-Cookie differs by mode"}},
		{alb.SetCookieCaseVariants, "/cookies", nil},
		{alb.SetCookieLast, "/by-mode", []string{"status 202 in single-value mode, 200 in multi-value mode", "body differs",
			"header X-Mode differs", "header X-Single differs"}},
		{alb.SetCookieLast, "/query?k=1&k=2", []string{"body differs"}},
	} {
		f := &failT{TB: t}
		var resp *albtest.Response
		f.run(func(t testing.TB) {
			resp = albtest.DoBoth(t, newRouter(tt.policy), albtest.NewRequest("GET", tt.target))
		})
		if f.msg != "" {
			t.Errorf("%s: DoBoth failed fatally: %s", tt.target, f.msg)
			continue
		}
		ok := len(f.errors) == len(tt.want)
		for i := 0; ok && i < len(tt.want); i++ {
			ok = strings.Contains(f.errors[i], tt.want[i])
		}
		if !ok {
			t.Errorf("%s (policy %v): DoBoth reported\n%s\nwant errors holding %q", tt.target, tt.policy, strings.Join(f.errors, "\n"), tt.want)
		}
		if resp == nil || !bytes.Contains(resp.Raw, []byte(`"multiValueHeaders"`)) {
			t.Errorf("%s: DoBoth did not return the multi-value response", tt.target)
		}
	}
}

func TestDoBothIgnoresTheRequestMode(t *testing.T) {
	var modes []bool
	r := alb.New()
	r.GET("/", func(c *alb.Context) error {
		modes = append(modes, c.MultiValue())
		return c.NoContent(http.StatusNoContent)
	})
	req := albtest.NewRequest("GET", "/", albtest.WithMultiValue())
	albtest.DoBoth(t, r, req)
	if fmt.Sprint(modes) != "[false true]" || !req.MultiValue() {
		t.Errorf("modes = %v, request multi-value %v; want [false true] and the request unchanged", modes, req.MultiValue())
	}
}
