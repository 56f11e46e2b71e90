// Package albtest tests handlers the way an Application Load Balancer calls
// them, without AWS and without a network.
//
// NewRequest builds the exact event bytes the ALB (and the local emulator,
// package emulator) would send for an HTTP request; Do invokes a handler
// with them, checks the response against every rule the ALB applies before
// it answers a client (Validate), and returns what the client would
// receive; DoBoth does the same in both event modes and reports where the
// client would see a difference; Benchmark profiles a route on a realistic
// event with go test -bench. With the Strict option, a warning the
// framework logs about the response fails the test instead of passing by
// unnoticed.
//
//	func TestHello(t *testing.T) {
//		r := alb.New()
//		r.GET("/hello/:name", hello)
//		resp := albtest.Do(t, r, albtest.NewRequest("GET", "/hello/Ada?lang=en"))
//		if resp.Status != 200 || string(resp.Body) != "Hello, Ada!" {
//			t.Errorf("got %d %q", resp.Status, resp.Body)
//		}
//	}
package albtest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/albkit/alb/internal/albcheck"
	"github.com/albkit/alb/internal/albevent"
	"github.com/albkit/alb/internal/warnhook"
)

// TraceID is the x-amzn-trace-id of every request NewRequest builds, unless
// WithTraceID says otherwise, so that events are the same on every run.
const TraceID = "Root=1-67a0c2f1-000000000000000000000000"

// Request is an HTTP request as the ALB receives it. Build one with
// NewRequest; its methods are not safe for concurrent use, its Event is.
type Request struct {
	r      albevent.Request
	strict bool
}

// Option sets a part of a Request. The With functions and Strict make
// them; a nil Option is ignored.
type Option interface {
	apply(req *Request)
}

// optionFunc is an Option made of a function.
type optionFunc func(req *Request)

func (f optionFunc) apply(req *Request) { f(req) }

// NewRequest returns a request for method and target, the request target as
// a client sends it: a raw path, then optionally "?" and a raw query
// ("/search?q=caf%C3%A9+au+lait"). Nothing is decoded. The request comes
// from a browser-like client at 203.0.113.7 over HTTPS to host example.com,
// in single-value mode (a new target group's default), unless options say
// otherwise. Options apply in order.
func NewRequest(method, target string, opts ...Option) *Request {
	req := &Request{r: albevent.Request{
		Method:     method,
		Target:     target,
		ClientAddr: "203.0.113.7",
		Proto:      "https",
		TraceID:    TraceID,
	}}
	for _, opt := range opts {
		if opt != nil {
			opt.apply(req)
		}
	}
	// The browser-like defaults, unless an option set the header.
	for _, h := range defaultHeaders {
		if !hasHeader(req.r.Header, h[0]) {
			req.r.Header = append(req.r.Header, h)
		}
	}
	return req
}

// defaultHeaders are the headers every request has unless an option sets
// them.
var defaultHeaders = [...][2]string{{"host", "example.com"}, {"user-agent", "albtest/1.0"}, {"accept", "*/*"}}

func hasHeader(header [][2]string, name string) bool {
	for _, h := range header {
		if strings.EqualFold(h[0], name) {
			return true
		}
	}
	return false
}

// addHeader appends a header line.
func (req *Request) addHeader(name, value string) {
	req.r.Header = append(req.r.Header, [2]string{name, value})
}

// setHeader replaces every line of the header name with one line.
func (req *Request) setHeader(name, value string) {
	req.r.Header = slices.DeleteFunc(req.r.Header, func(h [2]string) bool { return strings.EqualFold(h[0], name) })
	req.addHeader(name, value)
}

// WithHeader adds a header line. Names are lower-cased in the event, as the
// ALB does; a repeated name keeps its last value in single-value mode and
// every value in multi-value mode. Setting host, user-agent or accept
// replaces NewRequest's default for it.
func WithHeader(name, value string) Option {
	return optionFunc(func(req *Request) { req.addHeader(name, value) })
}

// WithBody sets the body and adds a Content-Type line for it, unless
// contentType is "". The event carries the body as text or as base64 by the
// ALB's rule (contract rule 17): text for text/*, application/json,
// application/javascript and application/xml without a Content-Encoding,
// base64 for everything else.
func WithBody(contentType string, body []byte) Option {
	body = bytes.Clone(body)
	return optionFunc(func(req *Request) {
		req.r.Body = body
		if contentType != "" {
			req.addHeader("content-type", contentType)
		}
	})
}

// WithJSON sets the body to v encoded by encoding/json, as application/json.
// It panics if v cannot be encoded: that is a mistake in the test.
func WithJSON(v any) Option {
	b, err := json.Marshal(v)
	if err != nil {
		panic("albtest: WithJSON: " + err.Error())
	}
	return WithBody("application/json", b)
}

// WithForm sets the body to form, encoded as an HTML form is
// (url.Values.Encode: keys sorted), as
// application/x-www-form-urlencoded. The ALB sends such a body as base64.
func WithForm(form url.Values) Option {
	return WithBody("application/x-www-form-urlencoded", []byte(form.Encode()))
}

// File is a file in a multipart/form-data body; see WithMultipart.
type File struct {
	Field       string // the name of the form field
	Name        string // the file name the client sends
	ContentType string // "" means application/octet-stream
	Content     []byte
}

// WithMultipart sets the body to a multipart/form-data form, as a browser
// sends one: a part for each value of fields (keys sorted, values in
// order), then a part for each file, in order. The boundary is the same on
// every run unless a value or a file holds it, so events are reproducible.
// The ALB sends such a body as base64.
func WithMultipart(fields url.Values, files ...File) Option {
	boundary := "albtest-boundary"
	for n := 1; multipartHolds(fields, files, boundary); n++ {
		boundary = "albtest-boundary-" + strconv.Itoa(n)
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.SetBoundary(boundary); err != nil {
		panic("albtest: WithMultipart: " + err.Error()) // a constant boundary: cannot happen
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		for _, v := range fields[k] {
			_ = w.WriteField(k, v) // writes to a bytes.Buffer never fail
		}
	}
	for _, f := range files {
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		part, _ := w.CreatePart(textproto.MIMEHeader{
			"Content-Disposition": {multipart.FileContentDisposition(f.Field, f.Name)},
			"Content-Type":        {ct},
		})
		_, _ = part.Write(f.Content)
	}
	_ = w.Close()
	return WithBody(w.FormDataContentType(), b.Bytes())
}

// multipartHolds reports whether a field name or value, a file name or
// file content holds boundary.
func multipartHolds(fields url.Values, files []File, boundary string) bool {
	for k, vs := range fields {
		if strings.Contains(k, boundary) {
			return true
		}
		for _, v := range vs {
			if strings.Contains(v, boundary) {
				return true
			}
		}
	}
	for _, f := range files {
		if strings.Contains(f.Field, boundary) || strings.Contains(f.Name, boundary) ||
			strings.Contains(f.ContentType, boundary) || bytes.Contains(f.Content, []byte(boundary)) {
			return true
		}
	}
	return false
}

// WithBasicAuth sets the Authorization header to HTTP Basic credentials
// (RFC 7617): "Basic " and the base64 of user, ":" and password, sent as
// given (UTF-8 for non-ASCII). It replaces any Authorization line set
// before it.
func WithBasicAuth(user, password string) Option {
	cred := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	return optionFunc(func(req *Request) { req.setHeader("authorization", "Basic "+cred) })
}

// WithBearer sets the Authorization header to "Bearer " and token (RFC
// 6750), sent as given. It replaces any Authorization line set before it.
func WithBearer(token string) Option {
	return optionFunc(func(req *Request) { req.setHeader("authorization", "Bearer "+token) })
}

// WithCookie adds a cookie to the request's Cookie header line, as a
// browser does: all cookies on one line, separated by "; ". The value is
// sent as given.
func WithCookie(name, value string) Option {
	return optionFunc(func(req *Request) {
		for i, h := range req.r.Header {
			if strings.EqualFold(h[0], "cookie") {
				req.r.Header[i][1] += "; " + name + "=" + value
				return
			}
		}
		req.addHeader("cookie", name+"="+value)
	})
}

// WithMultiValue puts the request in multi-value mode, as a target group
// with lambda.multi_value_headers.enabled sends it.
func WithMultiValue() Option {
	return optionFunc(func(req *Request) { req.r.MultiValue = true })
}

// WithHealthCheck makes the request an ALB health check: its only header is
// user-agent: ELB-HealthChecker/2.0, with no host, no X-Forwarded-* and no
// trace id (contract rule 32).
func WithHealthCheck() Option {
	return optionFunc(func(req *Request) { req.r.HealthCheck = true })
}

// WithRawQuery replaces the query of the target with q, raw as a client
// sends it (no leading '?').
func WithRawQuery(q string) Option {
	return optionFunc(func(req *Request) {
		path, _, _ := strings.Cut(req.r.Target, "?")
		req.r.Target = path
		if q != "" {
			req.r.Target += "?" + q
		}
	})
}

// WithClientAddr sets the address of the peer that connected to the ALB,
// which the ALB appends to X-Forwarded-For.
func WithClientAddr(addr string) Option {
	return optionFunc(func(req *Request) { req.r.ClientAddr = addr })
}

// WithTraceID sets the x-amzn-trace-id the ALB adds; "" makes a new one for
// every event.
func WithTraceID(id string) Option {
	return optionFunc(func(req *Request) { req.r.TraceID = id })
}

// WithTargetGroupARN sets requestContext.elb.targetGroupArn.
func WithTargetGroupARN(arn string) Option {
	return optionFunc(func(req *Request) { req.r.TargetGroupARN = arn })
}

// Strict makes Do (and DoBoth, and Benchmark's first call) fail the test,
// with t.Errorf, for every warning the framework logs about the response
// while handling the request: a Set-Cookie dropped in single-value mode, an
// invalid header or cookie dropped, a status out of range replaced, a
// response too large replaced. Such a response is one the ALB accepts but
// not the one the handler meant. The warnings are still logged. Strict
// does not change the event.
//
// It works with handlers built on this module's Router (which report their
// warnings through the invocation context); for any other lambda.Handler
// it has no effect.
func Strict() Option {
	return optionFunc(func(req *Request) { req.strict = true })
}

// MultiValue reports whether the request is in multi-value mode.
func (req *Request) MultiValue() bool { return req.r.MultiValue }

// Event returns the event JSON the ALB would send for the request: the same
// bytes the local emulator builds.
func (req *Request) Event() []byte { return albevent.Build(req.r) }

// Response is what the client receives for a response the ALB accepted.
type Response struct {
	Status  int
	Header  http.Header    // canonical names; several Set-Cookie values in one key
	Cookies []*http.Cookie // parsed from the Set-Cookie headers
	Body    []byte         // base64-decoded when the response said so
	Raw     []byte         // the response JSON as the handler returned it
}

// Do invokes h with req's event, as the Lambda runtime does: with a context
// that carries a 30-second deadline and a lambdacontext.LambdaContext whose
// AwsRequestID is RequestID. It returns what the client would receive. It
// fails the test (t.Fatal) on an invocation error or a response the ALB
// would refuse with 502, saying which rule it breaks; with Strict, it also
// reports each warning the framework logged about the response (t.Errorf).
func Do(t testing.TB, h lambda.Handler, req *Request) *Response {
	t.Helper()
	ctx, cancel := invocationContext()
	defer cancel()
	var warnings *warningLog
	if req.strict {
		warnings = new(warningLog)
		ctx = warnhook.With(ctx, warnings.add)
	}
	raw, err := h.Invoke(ctx, req.Event())
	if warnings != nil {
		for _, w := range warnings.take() {
			t.Errorf("albtest: %s: Strict: the framework warned: %s", req.label(), w)
		}
	}
	if err != nil {
		t.Fatalf("albtest: %s: invocation error (the ALB answers 502): %v", req.label(), err)
	}
	resp, err := decode(raw, req.r.MultiValue)
	if err != nil {
		t.Fatalf("albtest: %s: the ALB would answer 502: %v\nresponse: %.2000s", req.label(), err, raw)
	}
	return resp
}

// label names req in failure messages.
func (req *Request) label() string {
	mode := " (single-value mode)"
	if req.r.MultiValue {
		mode = " (multi-value mode)"
	}
	return req.r.Method + " " + req.r.Target + mode
}

// warningLog collects the warnings a Strict invocation receives. It is
// safe for concurrent use: a handler may build its response from several
// goroutines.
type warningLog struct {
	mu   sync.Mutex
	msgs []string
}

// add is the warnhook.Func of a Strict invocation: it records msg and its
// attributes as slog's text handler writes them.
func (l *warningLog) add(msg string, attrs []slog.Attr) {
	for _, a := range attrs {
		msg += " " + a.String()
	}
	l.mu.Lock()
	l.msgs = append(l.msgs, msg)
	l.mu.Unlock()
}

// take returns the warnings recorded so far and forgets them.
func (l *warningLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	msgs := l.msgs
	l.msgs = nil
	return msgs
}

// DoBoth runs req through Do twice, in single-value mode and in multi-value
// mode, whichever mode req itself is in, and fails the test (t.Errorf) for
// each way the two answers differ as a client sees them. It returns the
// multi-value response: the one that loses nothing (it carries every
// Set-Cookie, each header line as set).
//
// It compares:
//
//   - the status code;
//   - the body, byte for byte, after base64 decoding;
//   - the header fields, by canonical name. A name's values are compared
//     joined by ", ": in single-value mode the ALB can carry one value per
//     name, and the framework joins repeated headers that way, which RFC
//     9110 (section 5.3) lets any recipient do, so a client cannot tell
//     the two apart. Set-Cookie is the exception (RFC 6265 forbids
//     joining): its lines are compared one by one, in order, so a cookie
//     dropped in single-value mode (alb.SetCookieLast, the default) is a
//     difference, while alb.SetCookieCaseVariants passes.
//
// It does not compare the response JSON (Response.Raw), whose shape
// differs by mode by design, nor anything else a client does not see.
//
// The two events differ only in their mode. A header or query key that req
// repeats keeps only its last value in the single-value event (contract
// rule 5), so a handler that reads every value may answer differently, and
// DoBoth reports that as it is: a difference a client would see. A handler
// that answers differently on every call (a time, a random id) differs too.
func DoBoth(t testing.TB, h lambda.Handler, req *Request) *Response {
	t.Helper()
	single, multi := *req, *req
	single.r.MultiValue = false
	multi.r.MultiValue = true
	sr := Do(t, h, &single)
	mr := Do(t, h, &multi)
	where := req.r.Method + " " + req.r.Target
	if sr.Status != mr.Status {
		t.Errorf("albtest: %s: status %d in single-value mode, %d in multi-value mode", where, sr.Status, mr.Status)
	}
	if !bytes.Equal(sr.Body, mr.Body) {
		t.Errorf("albtest: %s: the body differs by mode\nsingle-value: %.500q\nmulti-value:  %.500q", where, sr.Body, mr.Body)
	}
	names := slices.Collect(maps.Keys(sr.Header))
	for name := range mr.Header {
		if _, ok := sr.Header[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		sv, mv := sr.Header[name], mr.Header[name]
		if name == "Set-Cookie" {
			if !slices.Equal(sv, mv) {
				t.Errorf("albtest: %s: Set-Cookie differs by mode (several cookies need multi-value mode or alb.SetCookieCaseVariants)\nsingle-value: %q\nmulti-value:  %q", where, sv, mv)
			}
			continue
		}
		if s, m := strings.Join(sv, ", "), strings.Join(mv, ", "); s != m || (sv == nil) != (mv == nil) {
			t.Errorf("albtest: %s: header %s differs by mode\nsingle-value: %q\nmulti-value:  %q", where, name, sv, mv)
		}
	}
	return mr
}

// RequestID is the Lambda request id of every invocation Do makes.
const RequestID = "a1b2c3d4-0000-4000-8000-00000000a1b7"

// invocationContext returns a context like the one the Lambda runtime
// hands a handler.
func invocationContext() (context.Context, context.CancelFunc) {
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{
		AwsRequestID:       RequestID,
		InvokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:albtest",
	})
	return context.WithTimeout(ctx, 30*time.Second)
}

// Validate reports whether resp, a handler's response JSON, is one the ALB
// delivers to the client in the given mode (multiValue: the target group's
// lambda.multi_value_headers.enabled); nil means it is. The error names the
// contract rule broken. The local emulator applies the same code.
func Validate(resp []byte, multiValue bool) error {
	return albcheck.Validate(resp, multiValue)
}

func decode(raw []byte, multiValue bool) (*Response, error) {
	d, err := albcheck.Decode(raw, multiValue)
	if err != nil {
		return nil, err
	}
	resp := &Response{Status: d.StatusCode, Header: http.Header{}, Body: d.Body, Raw: raw}
	for _, h := range d.Headers {
		// Case-varied Set-Cookie names (SetCookieCaseVariants) reach the
		// client as Set-Cookie lines; canonical names gather them.
		name := textproto.CanonicalMIMEHeaderKey(h[0])
		resp.Header[name] = append(resp.Header[name], h[1])
	}
	for _, line := range resp.Header["Set-Cookie"] {
		if c, err := http.ParseSetCookie(line); err == nil {
			resp.Cookies = append(resp.Cookies, c)
		}
	}
	return resp, nil
}

// Benchmark times h on req's event with b.ReportAllocs, for go test -bench:
//
//	func BenchmarkGetUser(b *testing.B) {
//		albtest.Benchmark(b, newRouter(), albtest.NewRequest("GET", "/users/42"))
//	}
//
// It checks the first response like Do before timing, so a benchmark never
// measures an error path by accident.
func Benchmark(b *testing.B, h lambda.Handler, req *Request) {
	b.Helper()
	event := req.Event()
	Do(b, h, req)
	ctx, cancel := invocationContext()
	defer cancel()
	b.ReportAllocs()
	b.SetBytes(int64(len(event)))
	for b.Loop() {
		if _, err := h.Invoke(ctx, event); err != nil {
			b.Fatal(err)
		}
	}
}
