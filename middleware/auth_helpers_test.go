package middleware

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/albkit/alb"
	"github.com/albkit/alb/internal/albcheck"
)

// authModes are the two header modes of a target group.
var authModes = []struct {
	name  string
	multi bool
}{
	{"single-value", false},
	{"multi-value", true},
}

// authForEachMode runs f as a subtest in each header mode.
func authForEachMode(t *testing.T, f func(t *testing.T, multi bool)) {
	t.Helper()
	for _, m := range authModes {
		t.Run(m.name, func(t *testing.T) { f(t, m.multi) })
	}
}

// authEvent returns the ALB event of a request, in the given mode, with
// the query fields (raw, as the ALB sends them) and headers (lower-cased
// as the ALB does). In single-value mode the last value of a repeated
// name wins, as at the ALB; in multi-value mode every value is kept.
func authEvent(multi bool, method, path string, query [][2]string, headers ...[2]string) []byte {
	ev := map[string]any{
		"requestContext": map[string]any{"elb": map[string]any{
			"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/auth/0123456789abcdef",
		}},
		"httpMethod":      method,
		"path":            path,
		"body":            "",
		"isBase64Encoded": false,
	}
	lower := make([][2]string, len(headers))
	for i, h := range headers {
		lower[i] = [2]string{strings.ToLower(h[0]), h[1]}
	}
	if multi {
		ev["multiValueHeaders"] = authMultiValues(lower)
		ev["multiValueQueryStringParameters"] = authMultiValues(query)
	} else {
		ev["headers"] = authLastValues(lower)
		ev["queryStringParameters"] = authLastValues(query)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return b
}

func authMultiValues(fields [][2]string) map[string][]string {
	m := map[string][]string{}
	for _, f := range fields {
		m[f[0]] = append(m[f[0]], f[1])
	}
	return m
}

func authLastValues(fields [][2]string) map[string]string {
	m := map[string]string{}
	for _, f := range fields {
		m[f[0]] = f[1]
	}
	return m
}

// authResponse is a decoded response.
type authResponse struct {
	status  int
	headers map[string][]string // by lower-cased name
	body    string
}

// header returns the first value of the response header name, or "".
func (r authResponse) header(name string) string {
	if vs := r.headers[strings.ToLower(name)]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// message returns the "message" of a JSON error body.
func (r authResponse) message(t testing.TB) string {
	t.Helper()
	var m struct{ Message string }
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("body %q is not a JSON error: %v", r.body, err)
	}
	return m.Message
}

// authInvoke runs payload through r with ctx and decodes the response,
// failing the test unless the ALB would accept it and it answers in the
// request's mode: "headers" in single-value mode, "multiValueHeaders" in
// multi-value mode, never the other.
func authInvoke(t testing.TB, ctx context.Context, r *alb.Router, multi bool, payload []byte) authResponse {
	t.Helper()
	out, err := r.Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("Invoke error: %v", err)
	}
	if err := albcheck.Validate(out, multi); err != nil {
		t.Fatalf("the ALB would refuse the response %s: %v", out, err)
	}
	var raw struct {
		StatusCode        int
		Headers           map[string]string
		MultiValueHeaders map[string][]string
		Body              string
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatalf("response %s: %v", out, err)
	}
	resp := authResponse{status: raw.StatusCode, headers: map[string][]string{}, body: raw.Body}
	if multi {
		if raw.Headers != nil || raw.MultiValueHeaders == nil {
			t.Fatalf("multi-value request, response %s: want \"multiValueHeaders\" only", out)
		}
		for k, vs := range raw.MultiValueHeaders {
			resp.headers[strings.ToLower(k)] = append(resp.headers[strings.ToLower(k)], vs...)
		}
	} else {
		if raw.MultiValueHeaders != nil || raw.Headers == nil {
			t.Fatalf("single-value request, response %s: want \"headers\" only", out)
		}
		for k, v := range raw.Headers {
			resp.headers[strings.ToLower(k)] = append(resp.headers[strings.ToLower(k)], v)
		}
	}
	return resp
}

// authWho is what authWhoAmI answers.
type authWho struct {
	Kind        string         `json:"kind"`
	Name        string         `json:"name"`
	Claims      map[string]any `json:"claims"`
	AccessToken string         `json:"accessToken"`
}

// authWhoAmI answers the Principal as JSON, or 200 "anonymous" without
// one.
func authWhoAmI(c *alb.Context) error {
	p := GetPrincipal(c)
	if p == nil {
		return c.String(http.StatusOK, "anonymous")
	}
	return c.JSON(http.StatusOK, authWho{p.Kind, p.Name, p.Claims, GetOIDCAccessToken(c)})
}

// authWhoOf decodes the body of authWhoAmI.
func authWhoOf(t testing.TB, resp authResponse) authWho {
	t.Helper()
	var w authWho
	if err := json.Unmarshal([]byte(resp.body), &w); err != nil {
		t.Fatalf("status %d, body %q: not a Principal: %v", resp.status, resp.body, err)
	}
	return w
}

// authErrors records the last error that reached the router's
// ErrorHandler; it is safe for concurrent use.
type authErrors struct {
	mu   sync.Mutex
	last error
}

func (e *authErrors) get() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.last
}

// authRouter returns a router with authWhoAmI at GET /private behind mw
// and at GET /public without it, and the recorder of its errors.
func authRouter(mw alb.Middleware) (*alb.Router, *authErrors) {
	errs := new(authErrors)
	r := alb.New()
	r.ErrorHandler = func(c *alb.Context, err error) {
		errs.mu.Lock()
		errs.last = err
		errs.mu.Unlock()
		alb.DefaultErrorHandler(c, err)
	}
	r.GET("/private", authWhoAmI, mw)
	r.GET("/public", authWhoAmI)
	return r, errs
}

// authOK answers 200 "ok" when a Principal is set and 200 "anonymous"
// otherwise, without allocating.
func authOK(c *alb.Context) error {
	if GetPrincipal(c) == nil {
		return c.String(http.StatusOK, "anonymous")
	}
	return c.String(http.StatusOK, "ok")
}

// authExtraAllocs returns the allocations per Invoke of payload on a
// router whose only route, GET /private, has mw, minus those on the same
// route without mw (both answered by authOK), after checking that the
// request passes. It skips the test under -race and -short.
func authExtraAllocs(t *testing.T, mw alb.Middleware, payload []byte) float64 {
	t.Helper()
	if raceEnabled {
		t.Skip("allocations are not measured under -race")
	}
	if testing.Short() {
		t.Skip("allocations are not measured with -short")
	}
	with, without := alb.New(), alb.New()
	with.GET("/private", authOK, mw)
	without.GET("/private", authOK)
	if resp := authInvoke(t, context.Background(), with, false, payload); resp.status != http.StatusOK || resp.body != "ok" {
		t.Fatalf("with the middleware: status %d, body %q; want 200 \"ok\"", resp.status, resp.body)
	}
	ctx := context.Background()
	count := func(r *alb.Router) float64 {
		return testing.AllocsPerRun(500, func() {
			if _, err := r.Invoke(ctx, payload); err != nil {
				panic(err)
			}
		})
	}
	base, got := count(without), count(with)
	t.Logf("allocs per Invoke: %v with the middleware, %v without", got, base)
	return got - base
}

// authPanics runs f and returns the panic's message, failing the test
// when f does not panic with a string.
func authPanics(t *testing.T, f func()) (msg string) {
	t.Helper()
	defer func() {
		p := recover()
		s, ok := p.(string)
		if !ok {
			t.Fatalf("panic = %#v, want a string message", p)
		}
		msg = s
	}()
	f()
	return ""
}
