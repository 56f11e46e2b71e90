package middleware

// Shared test helpers for every middleware test in this package.
//
//   - newEvent, newHealthCheck and the event methods build a request as the
//     ALB sends it, in either header mode (mode); readEvent reads a
//     recorded one.
//   - invoke, invokeCtx and invokePayload run a request through a router's
//     Invoke and decode the response. They also fail the test when the
//     response is not one the ALB accepts in the request's header mode, so
//     every test checks that too.
//   - forEachMode and forEachModeIn run a test body once per header mode.
//   - checkStatus, checkHeader and checkJSONBody compare a response.
//   - newRouter, okHandler, newTestLogger and discardLogger set a test up;
//     mustPanic checks a constructor's panic message.
//   - assertNoExtraAllocs and assertExtraAllocs compare the allocations of
//     a router with and without the middleware under test.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/albkit/alb"
)

// eventsDir holds the recorded ALB events, seen from this directory.
const eventsDir = "../testdata/alb-events"

// readEvent returns a fresh copy of the recorded event file name.
func readEvent(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(eventsDir, name))
	if err != nil {
		tb.Fatalf("reading recorded event: %v", err)
	}
	return b
}

// event is a request as the ALB sends it to the function. Build one with
// newEvent and the methods below; each returns a modified copy and never
// changes its receiver, so a base event can be shared by several cases.
// json renders it.
type event struct {
	method     string
	path       string      // raw, as the ALB sends it (still percent-encoded)
	headers    [][2]string // names lower-cased, in the order sent
	query      [][2]string // raw keys and values, in order
	body       string      // as sent: base64 text when base64 is true
	base64     bool
	multiValue bool
}

// newEvent returns a single-value-mode event for method and path with the
// headers the ALB adds to every request but health checks (contract rule
// 14): x-amzn-trace-id, x-forwarded-for, x-forwarded-port and
// x-forwarded-proto, and a host.
func newEvent(method, path string) event {
	return event{method: method, path: path, headers: [][2]string{
		{"host", "api.example.com"},
		{"x-amzn-trace-id", "Root=1-67a0c2f1-3b9d2c1e0f4a5b6c7d8e9f01"},
		{"x-forwarded-for", "203.0.113.7"},
		{"x-forwarded-port", "443"},
		{"x-forwarded-proto", "https"},
	}}
}

// newHealthCheck returns the event of an ALB health check: its only header
// is the user agent (contract rule 32).
func newHealthCheck(method, path string) event {
	return event{method: method, path: path, headers: [][2]string{{"user-agent", "ELB-HealthChecker/2.0"}}}
}

// header returns e with one more header line. The name is lower-cased, as
// the ALB does (contract rule 13). A repeated name is kept as the ALB keeps
// it: every line in multi-value mode, only the last in single-value mode.
func (e event) header(name, value string) event {
	e.headers = append(slices.Clip(e.headers), [2]string{strings.ToLower(name), value})
	return e
}

// without returns e without any header line called name.
func (e event) without(name string) event {
	e.headers = slices.DeleteFunc(slices.Clone(e.headers), func(h [2]string) bool {
		return strings.EqualFold(h[0], name)
	})
	return e
}

// withQuery returns e with one more query parameter; key and value are raw
// (percent-encoded as the client sent them, contract rule 8).
func (e event) withQuery(key, value string) event {
	e.query = append(slices.Clip(e.query), [2]string{key, value})
	return e
}

// withBody returns e with a text body, sent as is.
func (e event) withBody(body string) event {
	e.body, e.base64 = body, false
	return e
}

// withBinaryBody returns e with body sent as base64, as the ALB sends any
// body that is not text (contract rule 17).
func (e event) withBinaryBody(body []byte) event {
	e.body, e.base64 = base64.StdEncoding.EncodeToString(body), true
	return e
}

// mode returns e in multi-value mode when multiValue is true, in
// single-value mode otherwise.
func (e event) mode(multiValue bool) event {
	e.multiValue = multiValue
	return e
}

// json renders e as the ALB does in its mode: "headers" and
// "queryStringParameters" with the last value of a repeated name in
// single-value mode, "multiValueHeaders" and
// "multiValueQueryStringParameters" with every value in multi-value mode.
func (e event) json() []byte {
	ev := map[string]any{
		"requestContext":  map[string]any{"elb": map[string]any{"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/test/0123456789abcdef"}},
		"httpMethod":      e.method,
		"path":            e.path,
		"body":            e.body,
		"isBase64Encoded": e.base64,
	}
	if e.multiValue {
		ev["multiValueHeaders"] = multiValues(e.headers)
		ev["multiValueQueryStringParameters"] = multiValues(e.query)
	} else {
		ev["headers"] = lastValues(e.headers)
		ev["queryStringParameters"] = lastValues(e.query)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return b
}

func multiValues(fields [][2]string) map[string][]string {
	m := map[string][]string{}
	for _, f := range fields {
		m[f[0]] = append(m[f[0]], f[1])
	}
	return m
}

func lastValues(fields [][2]string) map[string]string {
	m := map[string]string{}
	for _, f := range fields {
		m[f[0]] = f[1]
	}
	return m
}

// modes are the two header modes of a target group.
var modes = []struct {
	name       string
	multiValue bool
}{{"single", false}, {"multi", true}}

// forEachMode runs f as a subtest once per header mode.
func forEachMode(t *testing.T, f func(t *testing.T, multiValue bool)) {
	t.Helper()
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) { f(t, m.multiValue) })
	}
}

// forEachModeIn runs f as a subtest called name, then once per header mode
// inside it: for table-driven tests.
func forEachModeIn(t *testing.T, name string, f func(t *testing.T, multiValue bool)) {
	t.Helper()
	t.Run(name, func(t *testing.T) { forEachMode(t, f) })
}

// response is a decoded ALB response.
type response struct {
	status      int
	description string
	base64      bool   // the wire's isBase64Encoded
	rawBody     string // the wire's body field
	body        []byte // the body the client receives: rawBody, base64-decoded when flagged
	multiValue  bool   // the response used "multiValueHeaders"
	headers     [][2]string
	raw         []byte // the response JSON
}

// header returns the first value of the response header name (matched
// case-insensitively), or "". In single-value mode a header set several
// times arrives as one value joined with ", ".
func (r response) header(name string) string {
	if vs := r.values(name); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// values returns every value of the response header name, matched
// case-insensitively: one per array element in multi-value mode, the one
// value in single-value mode.
func (r response) values(name string) []string {
	var vs []string
	for _, h := range r.headers {
		if strings.EqualFold(h[0], name) {
			vs = append(vs, h[1])
		}
	}
	return vs
}

// hasHeader reports whether the response has a header called name.
func (r response) hasHeader(name string) bool { return r.values(name) != nil }

// tokens returns the comma-separated elements of every value of the
// response header name, trimmed, so that a test reads "Vary" alike in
// both modes.
func (r response) tokens(name string) []string {
	var ts []string
	for _, v := range r.values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				ts = append(ts, t)
			}
		}
	}
	return ts
}

// invoke runs ev through r with a background context; see invokeCtx.
func invoke(t testing.TB, r *alb.Router, ev event) response {
	t.Helper()
	return invokeCtx(t, context.Background(), r, ev)
}

// invokeCtx runs ev through r.Invoke with ctx and decodes the response,
// failing the test when the response is not one the ALB accepts in ev's
// mode.
func invokeCtx(t testing.TB, ctx context.Context, r *alb.Router, ev event) response {
	t.Helper()
	return invokePayload(t, ctx, r, ev.json())
}

// invokePayload runs a request event JSON (a recorded one, say) through
// r.Invoke with ctx and decodes the response, failing the test when the
// response is not one the ALB accepts: a JSON object with a numeric
// statusCode, no null anywhere, string header values, standard base64 when
// flagged, and exactly the header field of the request's mode (contract
// rules 20-25).
func invokePayload(t testing.TB, ctx context.Context, r *alb.Router, payload []byte) response {
	t.Helper()
	var req map[string]json.RawMessage
	if err := json.Unmarshal(payload, &req); err != nil {
		t.Fatalf("request event is not a JSON object: %v", err)
	}
	mv, ok := req["multiValueHeaders"]
	wantMulti := ok && string(mv) != "null"

	out, err := r.Invoke(ctx, payload)
	if err != nil {
		t.Fatalf("Invoke returned error %v, want nil", err)
	}
	return decodeResponse(t, out, wantMulti)
}

// decodeResponse decodes and checks a response JSON; see invokePayload.
func decodeResponse(t testing.TB, out []byte, wantMulti bool) response {
	t.Helper()
	if bytes.Contains(out, []byte("null")) {
		var v any
		if err := json.Unmarshal(out, &v); err == nil && hasNull(v) {
			t.Fatalf("response has a JSON null: %s", out)
		}
	}
	var wire struct {
		StatusCode        *int                 `json:"statusCode"`
		StatusDescription string               `json:"statusDescription"`
		IsBase64Encoded   bool                 `json:"isBase64Encoded"`
		Headers           *map[string]string   `json:"headers"`
		MultiValueHeaders *map[string][]string `json:"multiValueHeaders"`
		Body              string               `json:"body"`
	}
	if err := json.Unmarshal(out, &wire); err != nil {
		t.Fatalf("response is not an ALB response: %v\n%s", err, out)
	}
	if wire.StatusCode == nil {
		t.Fatalf("response has no statusCode: %s", out)
	}
	resp := response{
		status:      *wire.StatusCode,
		description: wire.StatusDescription,
		base64:      wire.IsBase64Encoded,
		rawBody:     wire.Body,
		multiValue:  wire.MultiValueHeaders != nil,
		raw:         out,
	}
	switch {
	case wantMulti && (wire.MultiValueHeaders == nil || wire.Headers != nil):
		t.Fatalf("multi-value request: response must carry only multiValueHeaders: %s", out)
	case !wantMulti && (wire.Headers == nil || wire.MultiValueHeaders != nil):
		t.Fatalf("single-value request: response must carry only headers: %s", out)
	}
	if wantMulti {
		for name, vs := range *wire.MultiValueHeaders {
			for _, v := range vs {
				resp.headers = append(resp.headers, [2]string{name, v})
			}
		}
	} else {
		for name, v := range *wire.Headers {
			resp.headers = append(resp.headers, [2]string{name, v})
		}
	}
	resp.body = []byte(wire.Body)
	if wire.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(wire.Body)
		if err != nil {
			t.Fatalf("body flagged base64 is not standard base64: %v", err)
		}
		resp.body = b
	}
	return resp
}

func hasNull(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		for _, e := range v {
			if hasNull(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasNull(e) {
				return true
			}
		}
	}
	return false
}

// checkStatus fails the test when the response status is not want.
func checkStatus(t testing.TB, resp response, want int) {
	t.Helper()
	if resp.status != want {
		t.Fatalf("status = %d, want %d (body %q)", resp.status, want, resp.body)
	}
}

// checkHeader fails the test when the first value of the response header
// name is not want ("" means absent).
func checkHeader(t testing.TB, resp response, name, want string) {
	t.Helper()
	if got := resp.header(name); got != want {
		t.Errorf("header %s = %q, want %q", name, got, want)
	}
}

// checkJSONBody fails the test when the response body is not the JSON
// value want (compared after decoding both), or the Content-Type is not
// application/json.
func checkJSONBody(t testing.TB, resp response, want string) {
	t.Helper()
	if ct := resp.header("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want %q", ct, "application/json")
	}
	var got, exp any
	if err := json.Unmarshal(resp.body, &got); err != nil {
		t.Fatalf("body %q is not JSON: %v", resp.body, err)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("bad want %q: %v", want, err)
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(exp)
	if !bytes.Equal(g, w) {
		t.Errorf("body = %s, want %s", resp.body, want)
	}
}

// okHandler answers 200 "ok" as text/plain.
func okHandler(c *alb.Context) error { return c.String(http.StatusOK, "ok") }

// newRouter returns a router with mw installed with Use and handler h on
// every method at "/" and "/*rest" (nil h means okHandler), so that any path has
// a route.
func newRouter(h alb.HandlerFunc, mw ...alb.Middleware) *alb.Router {
	if h == nil {
		h = okHandler
	}
	r := alb.New()
	r.Logger = discardLogger()
	r.Use(mw...)
	r.Any("/", h)
	r.Any("/*rest", h)
	return r
}

// discardLogger returns a logger that drops everything.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// logBuffer collects the lines a JSON slog.Handler writes; it is safe for
// concurrent use. When written is not nil, each write also sends on it,
// without blocking, so a test can wait for a line logged by another
// goroutine.
type logBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{}
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	if b.written != nil {
		select {
		case b.written <- struct{}{}:
		default:
		}
	}
	return n, err
}

// records returns the lines written so far, each decoded.
func (b *logBuffer) records(t testing.TB) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var recs []map[string]any
	for line := range bytes.Lines(b.buf.Bytes()) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		recs = append(recs, m)
	}
	return recs
}

// newTestLogger returns a logger that writes JSON lines, at every level
// from Debug up, into the returned buffer.
func newTestLogger() (*slog.Logger, *logBuffer) {
	b := new(logBuffer)
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// allocsPerInvoke returns the average number of allocations of one
// r.Invoke(ctx, payload).
func allocsPerInvoke(r *alb.Router, ctx context.Context, payload []byte) float64 {
	return testing.AllocsPerRun(200, func() {
		if _, err := r.Invoke(ctx, payload); err != nil {
			panic(err)
		}
	})
}

// assertNoExtraAllocs fails the test when r.Invoke(ctx, payload) allocates
// more with the middleware under test (with) than without it (without).
// It is skipped under -race and -short. The figures are logged (go test -v).
func assertNoExtraAllocs(t *testing.T, with, without *alb.Router, ctx context.Context, payload []byte) {
	t.Helper()
	assertExtraAllocs(t, with, without, ctx, payload, 0)
}

// assertExtraAllocs fails the test unless r.Invoke(ctx, payload) allocates
// exactly want more with the middleware under test (with) than without it
// (without). It is skipped under -race and -short. The figures are logged
// (go test -v).
func assertExtraAllocs(t *testing.T, with, without *alb.Router, ctx context.Context, payload []byte, want float64) {
	t.Helper()
	if raceEnabled {
		t.Skip("allocations are not measured under -race")
	}
	if testing.Short() {
		t.Skip("allocations are not measured with -short")
	}
	base := allocsPerInvoke(without, ctx, payload)
	got := allocsPerInvoke(with, ctx, payload)
	t.Logf("allocs per Invoke: %v with the middleware, %v without", got, base)
	if got-base != want {
		t.Errorf("allocs per Invoke = %v with the middleware, want %v (%v without it, plus %v)", got, base+want, base, want)
	}
}

// mustPanic calls f and returns what it panicked with, which must be a
// string; it fails the test when f does not panic.
func mustPanic(t testing.TB, f func()) (msg string) {
	t.Helper()
	defer func() {
		p := recover()
		if p == nil {
			t.Fatalf("no panic, want one")
		}
		s, ok := p.(string)
		if !ok {
			t.Fatalf("panic value %v is a %T, want a string", p, p)
		}
		msg = s
	}()
	f()
	return ""
}
