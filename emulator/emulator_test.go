package emulator

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albkit/alb/internal/albcheck"
	"github.com/albkit/alb/internal/albevent"
	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// handlerFunc adapts a function to lambda.Handler.
type handlerFunc func(ctx context.Context, payload []byte) ([]byte, error)

func (f handlerFunc) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return f(ctx, payload)
}

// fake is a lambda.Handler that records the events it gets and returns a
// canned response.
type fake struct {
	resp string
	err  error

	mu     sync.Mutex
	events [][]byte
}

func (f *fake) Invoke(_ context.Context, payload []byte) ([]byte, error) {
	f.mu.Lock()
	f.events = append(f.events, bytes.Clone(payload))
	f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	return []byte(f.resp), nil
}

// calls returns the events received so far.
func (f *fake) calls() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.events)
}

// event returns the only event received, decoded.
func (f *fake) event(t *testing.T) events.ALBTargetGroupRequest {
	t.Helper()
	evs := f.calls()
	if len(evs) != 1 {
		t.Fatalf("the function got %d events, want 1", len(evs))
	}
	var ev events.ALBTargetGroupRequest
	dec := json.NewDecoder(bytes.NewReader(evs[0]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		t.Fatalf("event %s: %v", evs[0], err)
	}
	return ev
}

const okResponse = `{"statusCode":200,"headers":{"Content-Type":"text/plain"},"body":"ok"}`

// logBuffer collects log output; the server's goroutines write to it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records returns the JSON log records written so far.
func (b *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var recs []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		recs = append(recs, m)
	}
	return recs
}

// only returns the one log record, failing unless there is exactly one.
func (b *logBuffer) only(t *testing.T) map[string]any {
	t.Helper()
	recs := b.records(t)
	if len(recs) != 1 {
		t.Fatalf("got %d log lines, want 1: %v", len(recs), recs)
	}
	return recs[0]
}

// start serves an Emulator of h on a loopback test server and returns the
// server and the emulator's log.
func start(t *testing.T, h interface {
	Invoke(context.Context, []byte) ([]byte, error)
}, opts Options) (*httptest.Server, *logBuffer) {
	t.Helper()
	logs := new(logBuffer)
	opts.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := httptest.NewServer(New(h, opts))
	t.Cleanup(srv.Close)
	return srv, logs
}

// do sends a request and returns the response with its body read.
func do(t *testing.T, srv *httptest.Server, method, target string, body io.Reader, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+target, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// checkPage checks an answer from the emulator itself.
func checkPage(t *testing.T, resp *http.Response, body string, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("status = %d, want %d", resp.StatusCode, status)
	}
	if want := page(status); body != want {
		t.Errorf("body = %q, want %q", body, want)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/html" {
		t.Errorf("Content-Type = %q, want text/html", got)
	}
	if got := resp.Header.Get("Server"); got != "awselb/2.0" {
		t.Errorf("Server = %q, want awselb/2.0", got)
	}
}

// checkLog checks a log record's level and that its attribute key holds
// each of wants.
func checkLog(t *testing.T, rec map[string]any, level, key string, wants ...string) {
	t.Helper()
	if rec["level"] != level {
		t.Errorf("log level = %v, want %s: %v", rec["level"], level, rec)
	}
	got, _ := rec[key].(string)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("log %s = %q, want it to contain %q", key, got, w)
		}
	}
}

// The ALB's exact 502 page.
func TestBadGatewayPage(t *testing.T) {
	const want = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
</body>
</html>
`
	if got := page(http.StatusBadGateway); got != want {
		t.Errorf("page(502) = %q, want %q", got, want)
	}
}

// Request side, single-value mode: rules 5, 8, 9, 13, 14, 37.
func TestRequestSingleValue(t *testing.T) {
	f := &fake{resp: okResponse}
	srv, _ := start(t, f, Options{})
	resp, body := do(t, srv, "GET", "/a%20b/c?x=1&y=a+b&x=2&k%5B%5D=%28v%29&flag", nil,
		"X-Multi", "one", "X-Multi", "two, three", "Cookie", "a=1; b=2", "Cookie", "c=3",
		"X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https")
	if resp.StatusCode != 200 || body != "ok" {
		t.Fatalf("got %d %q, want 200 ok", resp.StatusCode, body)
	}
	ev := f.event(t)
	if ev.HTTPMethod != "GET" || ev.Path != "/a%20b/c" {
		t.Errorf("method, path = %q, %q, want GET, /a%%20b/c", ev.HTTPMethod, ev.Path)
	}
	wantQuery := map[string]string{"x": "2", "y": "a+b", "k%5B%5D": "%28v%29", "flag": ""}
	if !maps.Equal(ev.QueryStringParameters, wantQuery) {
		t.Errorf("queryStringParameters = %q, want %q", ev.QueryStringParameters, wantQuery)
	}
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	want := map[string]string{
		"host":              srv.Listener.Addr().String(),
		"x-multi":           "two, three",
		"cookie":            "c=3",
		"x-forwarded-for":   "203.0.113.9, 127.0.0.1",
		"x-forwarded-port":  port,
		"x-forwarded-proto": "http",
	}
	for k, w := range want {
		if got := ev.Headers[k]; got != w {
			t.Errorf("headers[%q] = %q, want %q", k, got, w)
		}
	}
	for k := range ev.Headers {
		if k != strings.ToLower(k) {
			t.Errorf("header name %q is not lower-case", k)
		}
	}
	if got := ev.Headers["x-amzn-trace-id"]; !traceID.MatchString(got) {
		t.Errorf("x-amzn-trace-id = %q, want Root=1-<8 hex>-<24 hex>", got)
	}
	if ev.MultiValueHeaders != nil || ev.MultiValueQueryStringParameters != nil {
		t.Errorf("single-value event has multi-value fields: %+v", ev)
	}
	if ev.RequestContext.ELB.TargetGroupArn != albevent.DefaultTargetGroupARN {
		t.Errorf("targetGroupArn = %q, want the default", ev.RequestContext.ELB.TargetGroupArn)
	}
}

var traceID = regexp.MustCompile(`^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$`)

// Request side, multi-value mode: rule 6.
func TestRequestMultiValue(t *testing.T) {
	f := &fake{resp: `{"statusCode":200}`}
	const arn = "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/t/1"
	srv, _ := start(t, f, Options{MultiValue: true, TargetGroupARN: arn})
	do(t, srv, "GET", "/?x=1&x=2&y=a+b", nil, "X-Multi", "one", "X-Multi", "two, three", "Cookie", "a=1; b=2")
	ev := f.event(t)
	check := func(what string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	check("x", ev.MultiValueQueryStringParameters["x"], []string{"1", "2"})
	check("y", ev.MultiValueQueryStringParameters["y"], []string{"a+b"})
	check("x-multi", ev.MultiValueHeaders["x-multi"], []string{"one", "two, three"})
	check("cookie", ev.MultiValueHeaders["cookie"], []string{"a=1; b=2"})
	check("host", ev.MultiValueHeaders["host"], []string{srv.Listener.Addr().String()})
	check("x-forwarded-for", ev.MultiValueHeaders["x-forwarded-for"], []string{"127.0.0.1"})
	if ev.Headers != nil || ev.QueryStringParameters != nil {
		t.Errorf("multi-value event has single-value fields: %+v", ev)
	}
	if ev.RequestContext.ELB.TargetGroupArn != arn {
		t.Errorf("targetGroupArn = %q, want %q", ev.RequestContext.ELB.TargetGroupArn, arn)
	}
}

// Rule 17: base64 by content type.
func TestRequestBody(t *testing.T) {
	tests := []struct {
		contentType string // "" sends none
		body        string
		b64         bool
	}{
		{"", "", false},
		{"", "abc", true},
		{"text/plain; charset=utf-8", "héllo", false},
		{"application/json", `{"a":1}`, false},
		{"application/x-www-form-urlencoded", "a=1&b=2", true},
		{"application/octet-stream", "\x00\xff", true},
		{"image/png", "\x89PNG", true},
	}
	for _, tt := range tests {
		f := &fake{resp: `{"statusCode":200}`}
		srv, _ := start(t, f, Options{})
		var hdr []string
		if tt.contentType != "" {
			hdr = []string{"Content-Type", tt.contentType}
		}
		do(t, srv, "POST", "/", strings.NewReader(tt.body), hdr...)
		ev := f.event(t)
		want := tt.body
		if tt.b64 {
			want = b64(tt.body)
		}
		if ev.IsBase64Encoded != tt.b64 || ev.Body != want {
			t.Errorf("%q with %q: body, isBase64Encoded = %q, %v; want %q, %v", tt.body, tt.contentType, ev.Body, ev.IsBase64Encoded, want, tt.b64)
		}
	}
}

// Content-Encoding always means base64 (rule 17).
func TestRequestContentEncoding(t *testing.T) {
	f := &fake{resp: `{"statusCode":200}`}
	srv, _ := start(t, f, Options{})
	do(t, srv, "POST", "/", strings.NewReader("text"), "Content-Type", "text/plain", "Content-Encoding", "gzip")
	if ev := f.event(t); !ev.IsBase64Encoded || ev.Body != b64("text") {
		t.Errorf("body, isBase64Encoded = %q, %v; want %q, true", ev.Body, ev.IsBase64Encoded, b64("text"))
	}
}

// x-forwarded-proto is https behind TLS (rule 14).
func TestRequestTLS(t *testing.T) {
	f := &fake{resp: `{"statusCode":200}`}
	srv := httptest.NewTLSServer(New(f, Options{Logger: slog.New(slog.DiscardHandler)}))
	defer srv.Close()
	do(t, srv, "GET", "/", nil)
	ev := f.event(t)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	if ev.Headers["x-forwarded-proto"] != "https" || ev.Headers["x-forwarded-port"] != port {
		t.Errorf("x-forwarded-proto, port = %q, %q; want https, %s", ev.Headers["x-forwarded-proto"], ev.Headers["x-forwarded-port"], port)
	}
}

// An absolute-form request target gives the same path and query.
func TestRequestAbsoluteForm(t *testing.T) {
	f := &fake{resp: `{"statusCode":200}`}
	srv, _ := start(t, f, Options{})
	resp := rawRequest(t, srv, "GET http://example.com/p%20q?a=b+c HTTP/1.1\r\nHost: example.com\r\nx-lower: v\r\n\r\n")
	if resp.StatusCode != 200 {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	ev := f.event(t)
	if ev.Path != "/p%20q" || ev.QueryStringParameters["a"] != "b+c" || ev.Headers["host"] != "example.com" || ev.Headers["x-lower"] != "v" {
		t.Errorf("event = %+v, want path /p%%20q, a=b+c, host example.com, x-lower v", ev)
	}
}

// rawRequest writes req on a new connection to srv and reads the response.
func rawRequest(t *testing.T, srv *httptest.Server, req string) *http.Response {
	t.Helper()
	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp
}

// Rule 18: a body over 1,000,000 bytes gets 413, the function is not
// invoked; 1,000,000 bytes pass.
func TestRequestBodyLimit(t *testing.T) {
	f := &fake{resp: `{"statusCode":200}`}
	srv, logs := start(t, f, Options{})
	resp, body := do(t, srv, "POST", "/", bytes.NewReader(make([]byte, albevent.MaxBodySize+1)))
	checkPage(t, resp, body, http.StatusRequestEntityTooLarge)
	if n := len(f.calls()); n != 0 {
		t.Errorf("the function was invoked %d times, want 0", n)
	}
	checkLog(t, logs.only(t), "WARN", "reason", "rule 18")

	resp, _ = do(t, srv, "POST", "/", bytes.NewReader(make([]byte, albevent.MaxBodySize)))
	if resp.StatusCode != 200 || len(f.calls()) != 1 {
		t.Errorf("a %d-byte body: status %d, %d invocations; want 200, 1", albevent.MaxBodySize, resp.StatusCode, len(f.calls()))
	}
}

// Rule 18: a large body announced with Expect: 100-continue is refused
// before it is sent.
func TestRequestBodyLimitExpect(t *testing.T) {
	f := &fake{resp: `{"statusCode":200}`}
	srv, _ := start(t, f, Options{})
	resp := rawRequest(t, srv, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n")
	if resp.StatusCode != http.StatusRequestEntityTooLarge || len(f.calls()) != 0 {
		t.Errorf("status %d, %d invocations; want 413, 0", resp.StatusCode, len(f.calls()))
	}
}

// Rule 18: header limits give 400.
func TestRequestHeaderLimits(t *testing.T) {
	tests := []struct {
		name   string
		target string
		header []string
	}{
		{"long header", "/", []string{"X-Big", strings.Repeat("a", MaxHeaderLine)}},
		{"long request line", "/" + strings.Repeat("a", MaxRequestLine), nil},
		{"large block", "/", []string{
			"X-A", strings.Repeat("a", 15000), "X-B", strings.Repeat("a", 15000), "X-C", strings.Repeat("a", 15000),
			"X-D", strings.Repeat("a", 15000), "X-E", strings.Repeat("a", 15000)}},
	}
	for _, tt := range tests {
		f := &fake{resp: `{"statusCode":200}`}
		srv, logs := start(t, f, Options{})
		resp, body := do(t, srv, "GET", tt.target, nil, tt.header...)
		checkPage(t, resp, body, http.StatusBadRequest)
		if len(f.calls()) != 0 {
			t.Errorf("%s: the function was invoked", tt.name)
		}
		checkLog(t, logs.only(t), "WARN", "reason", "rule 18")
	}
}

// Rule 35: TRACE gets 405.
func TestRequestTrace(t *testing.T) {
	f := &fake{resp: `{"statusCode":200}`}
	srv, logs := start(t, f, Options{})
	resp, body := do(t, srv, "TRACE", "/", nil)
	checkPage(t, resp, body, http.StatusMethodNotAllowed)
	if len(f.calls()) != 0 {
		t.Error("the function was invoked")
	}
	checkLog(t, logs.only(t), "WARN", "reason", "rule 35")
}

// Rule 38: a WebSocket upgrade gets 400.
func TestRequestWebSocket(t *testing.T) {
	f := &fake{resp: `{"statusCode":200}`}
	srv, logs := start(t, f, Options{})
	resp, body := do(t, srv, "GET", "/ws", nil, "Connection", "Upgrade", "Upgrade", "WebSocket", "Sec-WebSocket-Version", "13")
	checkPage(t, resp, body, http.StatusBadRequest)
	if len(f.calls()) != 0 {
		t.Error("the function was invoked")
	}
	checkLog(t, logs.only(t), "WARN", "reason", "rule 38")
}

// Rule 16: a header that is not valid UTF-8 is not forwarded.
func TestRequestInvalidUTF8(t *testing.T) {
	f := &fake{resp: `{"statusCode":200}`}
	srv, logs := start(t, f, Options{})
	resp, body := do(t, srv, "GET", "/", nil, "X-Bad", "a\xffb")
	checkPage(t, resp, body, http.StatusBadGateway)
	if len(f.calls()) != 0 {
		t.Error("the function was invoked")
	}
	checkLog(t, logs.only(t), "ERROR", "error", "rule 16", "X-Bad")
}

// The function's context: the timeout as deadline, a LambdaContext, and
// no link to the client's request.
func TestInvokeContext(t *testing.T) {
	type seen struct {
		deadline time.Time
		ok       bool
		lc       *lambdacontext.LambdaContext
	}
	got := make(chan seen, 1)
	h := handlerFunc(func(ctx context.Context, _ []byte) ([]byte, error) {
		d, ok := ctx.Deadline()
		lc, _ := lambdacontext.FromContext(ctx)
		got <- seen{d, ok, lc}
		return []byte(`{"statusCode":200}`), nil
	})
	srv, _ := start(t, h, Options{Timeout: time.Hour})
	before := time.Now()
	do(t, srv, "GET", "/", nil)
	s := <-got
	if !s.ok || s.deadline.Before(before.Add(time.Hour-time.Minute)) || s.deadline.After(time.Now().Add(time.Hour)) {
		t.Errorf("deadline = %v, %v; want about an hour from now", s.deadline, s.ok)
	}
	if s.lc == nil || s.lc.InvokedFunctionArn != FunctionARN || !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(s.lc.AwsRequestID) {
		t.Errorf("LambdaContext = %+v, want a request id and %s", s.lc, FunctionARN)
	}
}

// Response side: every malformed response is the bare 502 page with one
// log line naming the rule (contract F-H).
var badResponses = []struct {
	name       string
	multiValue bool
	resp       string
	rule       int    // the albcheck rule; 0 when not an albcheck error
	logText    string // in the log's error text
}{
	{"malformed JSON", false, `{"statusCode":200`, 20, "malformed JSON"},
	{"not an object", false, `[]`, 20, "not an object"},
	{"empty", false, ``, 20, "malformed JSON"},
	{"statusCode missing", false, `{"body":"x"}`, 20, `"statusCode" is missing`},
	{"statusCode a string", false, `{"statusCode":"200"}`, 20, `"statusCode" is a string`},
	{"body null", false, `{"statusCode":200,"body":null}`, 22, `"body" is null`},
	{"headers null", false, `{"statusCode":200,"headers":null}`, 22, `"headers" is null`},
	{"statusDescription null", false, `{"statusCode":200,"statusDescription":null}`, 22, `"statusDescription" is null`},
	{"boolean header", false, `{"statusCode":200,"headers":{"X-A":true}}`, 24, `header "X-A" is a boolean`},
	{"numeric header", false, `{"statusCode":200,"headers":{"Content-Type":"text/plain","X-N":5}}`, 24, `header "X-N" is a number`},
	{"numeric header in array", true, `{"statusCode":200,"multiValueHeaders":{"X-N":["a",5]}}`, 24, `header "X-N" value 1 is a number`},
	{"string header in multi-value mode", true, `{"statusCode":200,"multiValueHeaders":{"X-A":"a"}}`, 24, `header "X-A" is a string`},
	{"multiValueHeaders in single-value mode", false, `{"statusCode":200,"multiValueHeaders":{"X-A":["a"]}}`, 25, `"multiValueHeaders" is present in single-value mode`},
	{"headers in multi-value mode", true, `{"statusCode":200,"headers":{"X-A":"a"}}`, 25, `"headers" is present in multi-value mode`},
	{"invalid base64", false, `{"statusCode":200,"isBase64Encoded":true,"body":"!!!"}`, 29, "not standard padded base64"},
	{"MIME base64", false, `{"statusCode":200,"isBase64Encoded":true,"body":"aGVs\nbG8="}`, 29, "line break"},
	{"over 1 MB", false, `{"statusCode":200,"body":"` + strings.Repeat("a", albcheck.MaxResponseSize) + `"}`, 30, "over the 1000000-byte limit"},
	{"header block over 32 K", false, `{"statusCode":200,"headers":{"X-Big":"` + strings.Repeat("a", albcheck.MaxHeaderBlock) + `"}}`, 28, "header block"},
	{"informational status", false, `{"statusCode":101}`, 0, "1xx is not a final status"},
}

func TestBadResponses(t *testing.T) {
	for _, tt := range badResponses {
		t.Run(tt.name, func(t *testing.T) {
			f := &fake{resp: tt.resp}
			srv, logs := start(t, f, Options{MultiValue: tt.multiValue})
			resp, body := do(t, srv, "GET", "/", nil)
			checkPage(t, resp, body, http.StatusBadGateway)
			rec := logs.only(t)
			checkLog(t, rec, "ERROR", "error", tt.logText)
			if tt.rule != 0 {
				checkLog(t, rec, "ERROR", "error", "albcheck: rule "+strconv.Itoa(tt.rule)+":")
				if got, _ := rec["rule"].(float64); int(got) != tt.rule {
					t.Errorf("log rule = %v, want %d", rec["rule"], tt.rule)
				}
			}
		})
	}
}

// An invocation error is a 502 whose log line holds the function's message.
func TestInvocationError(t *testing.T) {
	f := &fake{err: errors.New("database unreachable")}
	srv, logs := start(t, f, Options{})
	resp, body := do(t, srv, "GET", "/", nil)
	checkPage(t, resp, body, http.StatusBadGateway)
	checkLog(t, logs.only(t), "ERROR", "error", "the function failed", "database unreachable")
}

// A panicking function is an invocation error.
func TestPanic(t *testing.T) {
	h := handlerFunc(func(context.Context, []byte) ([]byte, error) { panic("kaboom") })
	srv, logs := start(t, h, Options{})
	resp, body := do(t, srv, "GET", "/", nil)
	checkPage(t, resp, body, http.StatusBadGateway)
	rec := logs.only(t)
	checkLog(t, rec, "ERROR", "error", "the function failed: panic: kaboom")
	checkLog(t, rec, "ERROR", "stack", "TestPanic")
}

// A HEAD request gets the 502 page's headers only.
func TestBadGatewayHead(t *testing.T) {
	f := &fake{resp: `{}`}
	srv, _ := start(t, f, Options{})
	resp, body := do(t, srv, "HEAD", "/", nil)
	if resp.StatusCode != http.StatusBadGateway || body != "" || resp.ContentLength != int64(len(badGatewayPage)) {
		t.Errorf("HEAD: %d, %q, Content-Length %d; want 502, no body, %d", resp.StatusCode, body, resp.ContentLength, len(badGatewayPage))
	}
}

// A function that outlives its timeout gives 502 at the deadline; the
// emulator does not wait for it.
func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	finished := make(chan struct{})
	h := handlerFunc(func(ctx context.Context, _ []byte) ([]byte, error) {
		defer close(finished)
		<-release
		return []byte(`{"statusCode":200}`), ctx.Err()
	})
	srv, logs := start(t, h, Options{Timeout: 50 * time.Millisecond})
	resp, body := do(t, srv, "GET", "/", nil)
	checkPage(t, resp, body, http.StatusBadGateway)
	checkLog(t, logs.only(t), "ERROR", "error", "did not return before its timeout", "50ms")
	select {
	case <-finished:
		t.Fatal("the function finished before the 502 was sent")
	default:
	}
	close(release)
	<-finished
}

// When the client goes away the emulator stops waiting and logs it.
func TestClientGone(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	h := handlerFunc(func(context.Context, []byte) ([]byte, error) {
		close(started)
		<-release
		return []byte(`{"statusCode":200}`), nil
	})
	srv, logs := start(t, h, Options{})
	defer close(release)
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-started
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("client error = %v, want context.Canceled", err)
	}
	for range 500 {
		if len(logs.records(t)) > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	rec := logs.only(t)
	if rec["level"] != "WARN" || !strings.Contains(rec["msg"].(string), "client went away") {
		t.Errorf("log = %v, want a WARN line about the client", rec)
	}
}

// Valid responses in single-value mode.
func TestResponseSingleValue(t *testing.T) {
	f := &fake{resp: `{"statusCode":201,"statusDescription":"201 Created",` +
		`"headers":{"Content-Type":"application/json","x-custom":"a, b","Set-Cookie":"a=1","set-cookie":"b=2"},` +
		`"isBase64Encoded":false,"body":"{\"id\":1}"}`}
	srv, logs := start(t, f, Options{})
	resp, body := do(t, srv, "POST", "/", strings.NewReader("{}"), "Content-Type", "application/json")
	if resp.StatusCode != 201 || body != `{"id":1}` {
		t.Errorf("got %d %q, want 201 {\"id\":1}", resp.StatusCode, body)
	}
	checkHeaders(t, resp.Header, map[string][]string{
		"Content-Type":   {"application/json"},
		"X-Custom":       {"a, b"},
		"Set-Cookie":     {"a=1", "b=2"},
		"Server":         {"awselb/2.0"},
		"Content-Length": {"8"},
	})
	if recs := logs.records(t); len(recs) != 0 {
		t.Errorf("log = %v, want nothing", recs)
	}
}

// Valid responses in multi-value mode: two Set-Cookie lines and a base64
// body decoded.
func TestResponseMultiValue(t *testing.T) {
	f := &fake{resp: `{"statusCode":200,"statusDescription":"200 OK",` +
		`"multiValueHeaders":{"Set-Cookie":["a=1; Path=/; HttpOnly","b=2; Path=/"],"Content-Type":["application/octet-stream"],"X-Empty":[]},` +
		`"isBase64Encoded":true,"body":"` + b64("\x00\x01binary\xff") + `"}`}
	srv, _ := start(t, f, Options{MultiValue: true})
	resp, body := do(t, srv, "GET", "/", nil)
	if resp.StatusCode != 200 || body != "\x00\x01binary\xff" {
		t.Errorf("got %d %q, want 200 and the decoded body", resp.StatusCode, body)
	}
	checkHeaders(t, resp.Header, map[string][]string{
		"Set-Cookie":     {"a=1; Path=/; HttpOnly", "b=2; Path=/"},
		"Content-Type":   {"application/octet-stream"},
		"Server":         {"awselb/2.0"},
		"Content-Length": {"9"},
	})
	if _, ok := resp.Header["X-Empty"]; ok {
		t.Error("a header with no values reached the client")
	}
	if got := len(resp.Cookies()); got != 2 {
		t.Errorf("the client sees %d cookies, want 2", got)
	}
}

// The minimal response: no Content-Type is made up.
func TestResponseMinimal(t *testing.T) {
	f := &fake{resp: `{"statusCode":200}`}
	srv, _ := start(t, f, Options{})
	resp, body := do(t, srv, "GET", "/", nil)
	if resp.StatusCode != 200 || body != "" {
		t.Errorf("got %d %q, want 200 and no body", resp.StatusCode, body)
	}
	if _, ok := resp.Header["Content-Type"]; ok {
		t.Errorf("Content-Type = %q, want none", resp.Header["Content-Type"])
	}
	if resp.Header.Get("Server") != "awselb/2.0" {
		t.Errorf("Server = %q, want awselb/2.0", resp.Header.Get("Server"))
	}
}

// HEAD gets the headers without the body (rule 34); so do 204 and 304.
func TestResponseNoBody(t *testing.T) {
	f := &fake{resp: `{"statusCode":200,"headers":{"Content-Type":"text/plain"},"body":"hello"}`}
	srv, _ := start(t, f, Options{})
	resp, body := do(t, srv, "HEAD", "/", nil)
	if resp.StatusCode != 200 || body != "" || resp.ContentLength != 5 {
		t.Errorf("HEAD: %d %q, Content-Length %d; want 200, no body, 5", resp.StatusCode, body, resp.ContentLength)
	}
	if ev := f.event(t); ev.HTTPMethod != "HEAD" {
		t.Errorf("httpMethod = %q, want HEAD", ev.HTTPMethod)
	}
	for _, code := range []string{"204", "304"} {
		f := &fake{resp: `{"statusCode":` + code + `,"body":"hello"}`}
		srv, _ := start(t, f, Options{})
		resp, body := do(t, srv, "GET", "/", nil)
		if strconv.Itoa(resp.StatusCode) != code || body != "" {
			t.Errorf("status %s: got %d %q, want no body", code, resp.StatusCode, body)
		}
	}
}

// Health checks (rules 32-33) in both modes: only user-agent, no host.
func TestHealthCheck(t *testing.T) {
	for _, mv := range []bool{false, true} {
		f := &fake{resp: `{"statusCode":404}`}
		e := New(f, Options{MultiValue: mv, Logger: slog.New(slog.DiscardHandler)})
		if mv {
			f.resp = `{"statusCode":200,"multiValueHeaders":{"Content-Type":["text/plain"]},"body":"ok"}`
		}
		status, err := e.HealthCheck(t.Context(), "/v1/health/", "HEAD")
		want := 404
		if mv {
			want = 200
		}
		if status != want || err != nil {
			t.Errorf("multi-value %v: HealthCheck = %d, %v; want %d, nil", mv, status, err, want)
		}
		ev := f.event(t)
		headers := map[string][]string{}
		for k, v := range ev.Headers {
			headers[k] = []string{v}
		}
		if mv {
			headers = ev.MultiValueHeaders
			if ev.MultiValueQueryStringParameters == nil || len(ev.MultiValueQueryStringParameters) != 0 {
				t.Errorf("multiValueQueryStringParameters = %v, want {}", ev.MultiValueQueryStringParameters)
			}
		} else if ev.QueryStringParameters == nil || len(ev.QueryStringParameters) != 0 {
			t.Errorf("queryStringParameters = %v, want {}", ev.QueryStringParameters)
		}
		if !maps.EqualFunc(headers, map[string][]string{"user-agent": {"ELB-HealthChecker/2.0"}}, slices.Equal) {
			t.Errorf("multi-value %v: headers = %q, want only user-agent", mv, headers)
		}
		if ev.HTTPMethod != "HEAD" || ev.Path != "/v1/health/" || ev.Body != "" || ev.IsBase64Encoded {
			t.Errorf("multi-value %v: event = %+v", mv, ev)
		}
	}
}

// HealthCheck's defaults and its 502 causes.
func TestHealthCheckFailures(t *testing.T) {
	f := &fake{resp: `{"statusCode":200,"headers":{"X-A":"a"}}`}
	logs := new(logBuffer)
	e := New(f, Options{MultiValue: true, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	status, err := e.HealthCheck(t.Context(), "", "")
	var ce *albcheck.Error
	if status != 502 || !errors.As(err, &ce) || ce.Rule != 25 {
		t.Errorf("HealthCheck = %d, %v; want 502 and an albcheck rule 25 error", status, err)
	}
	if ev := f.event(t); ev.HTTPMethod != "GET" || ev.Path != "/" {
		t.Errorf("default method, path = %q, %q; want GET, /", ev.HTTPMethod, ev.Path)
	}
	rec := logs.only(t)
	checkLog(t, rec, "ERROR", "error", "rule 25")
	if rec["health_check"] != true {
		t.Errorf("log = %v, want health_check true", rec)
	}

	e = New(&fake{err: errors.New("boom")}, Options{Logger: slog.New(slog.DiscardHandler)})
	if status, err := e.HealthCheck(t.Context(), "/", "GET"); status != 502 || !errors.Is(err, ErrFunction) {
		t.Errorf("HealthCheck of a failing function = %d, %v; want 502, ErrFunction", status, err)
	}

	release := make(chan struct{})
	defer close(release)
	slow := handlerFunc(func(context.Context, []byte) ([]byte, error) {
		<-release
		return []byte(`{"statusCode":200}`), nil
	})
	e = New(slow, Options{Timeout: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if status, err := e.HealthCheck(t.Context(), "/", "GET"); status != 502 || !errors.Is(err, ErrTimeout) {
		t.Errorf("HealthCheck of a slow function = %d, %v; want 502, ErrTimeout", status, err)
	}

	e = New(slow, Options{Logger: slog.New(slog.DiscardHandler)})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if status, err := e.HealthCheck(ctx, "/", "GET"); status != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("HealthCheck with a canceled context = %d, %v; want 0, context.Canceled", status, err)
	}
}

func TestNewPanics(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    func()
	}{
		{"nil handler", func() { New(nil, Options{}) }},
		{"negative timeout", func() { New(&fake{}, Options{Timeout: -time.Second}) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New with %s did not panic", tt.name)
				}
			}()
			tt.f()
		}()
	}
}

func checkHeaders(t *testing.T, h http.Header, want map[string][]string) {
	t.Helper()
	for k, w := range want {
		if got := h.Values(k); !slices.Equal(got, w) {
			t.Errorf("header %s = %q, want %q", k, got, w)
		}
	}
}

func b64(s string) string {
	return base64.StdEncoding.EncodeToString([]byte(s))
}
