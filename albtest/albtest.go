// Package albtest tests handlers the way an Application Load Balancer calls
// them, without AWS and without a network.
//
// NewRequest builds the exact event bytes the ALB (and the local emulator,
// package emulator) would send for an HTTP request; Do invokes a handler
// with them, checks the response against every rule the ALB applies before
// it answers a client (Validate), and returns what the client would
// receive; Benchmark profiles a route on a realistic event with go test
// -bench.
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
	"encoding/json"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/albkit/alb/internal/albcheck"
	"github.com/albkit/alb/internal/albevent"
)

// TraceID is the x-amzn-trace-id of every request NewRequest builds, unless
// WithTraceID says otherwise, so that events are the same on every run.
const TraceID = "Root=1-67a0c2f1-000000000000000000000000"

// Request is an HTTP request as the ALB receives it. Build one with
// NewRequest; its methods are not safe for concurrent use, its Event is.
type Request struct {
	r albevent.Request
}

// Option sets a part of a Request.
type Option func(*albevent.Request)

// NewRequest returns a request for method and target, the request target as
// a client sends it: a raw path, then optionally "?" and a raw query
// ("/search?q=caf%C3%A9+au+lait"). Nothing is decoded. The request comes
// from a browser-like client at 203.0.113.7 over HTTPS to host example.com,
// in single-value mode (a new target group's default), unless options say
// otherwise.
func NewRequest(method, target string, opts ...Option) *Request {
	req := &Request{r: albevent.Request{
		Method:     method,
		Target:     target,
		ClientAddr: "203.0.113.7",
		Proto:      "https",
		TraceID:    TraceID,
	}}
	for _, opt := range opts {
		opt(&req.r)
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

// WithHeader adds a header line. Names are lower-cased in the event, as the
// ALB does; a repeated name keeps its last value in single-value mode and
// every value in multi-value mode. Setting host, user-agent or accept
// replaces NewRequest's default for it.
func WithHeader(name, value string) Option {
	return func(r *albevent.Request) {
		r.Header = append(r.Header, [2]string{name, value})
	}
}

// WithBody sets the body and its Content-Type. The event carries it as text
// or as base64 by the ALB's rule (contract rule 17): text for text/*,
// application/json, application/javascript and application/xml without a
// Content-Encoding, base64 for everything else.
func WithBody(contentType string, body []byte) Option {
	return func(r *albevent.Request) {
		r.Body = bytes.Clone(body)
		if contentType != "" {
			WithHeader("content-type", contentType)(r)
		}
	}
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

// WithCookie adds a cookie to the request's Cookie header line, as a
// browser does: all cookies on one line, separated by "; ". The value is
// sent as given.
func WithCookie(name, value string) Option {
	return func(r *albevent.Request) {
		for i, h := range r.Header {
			if strings.EqualFold(h[0], "cookie") {
				r.Header[i][1] += "; " + name + "=" + value
				return
			}
		}
		r.Header = append(r.Header, [2]string{"cookie", name + "=" + value})
	}
}

// WithMultiValue puts the request in multi-value mode, as a target group
// with lambda.multi_value_headers.enabled sends it.
func WithMultiValue() Option {
	return func(r *albevent.Request) { r.MultiValue = true }
}

// WithHealthCheck makes the request an ALB health check: its only header is
// user-agent: ELB-HealthChecker/2.0, with no host, no X-Forwarded-* and no
// trace id (contract rule 32).
func WithHealthCheck() Option {
	return func(r *albevent.Request) { r.HealthCheck = true }
}

// WithRawQuery replaces the query of the target with q, raw as a client
// sends it (no leading '?').
func WithRawQuery(q string) Option {
	return func(r *albevent.Request) {
		path, _, _ := strings.Cut(r.Target, "?")
		r.Target = path
		if q != "" {
			r.Target += "?" + q
		}
	}
}

// WithClientAddr sets the address of the peer that connected to the ALB,
// which the ALB appends to X-Forwarded-For.
func WithClientAddr(addr string) Option {
	return func(r *albevent.Request) { r.ClientAddr = addr }
}

// WithTraceID sets the x-amzn-trace-id the ALB adds; "" makes a new one for
// every event.
func WithTraceID(id string) Option {
	return func(r *albevent.Request) { r.TraceID = id }
}

// WithTargetGroupARN sets requestContext.elb.targetGroupArn.
func WithTargetGroupARN(arn string) Option {
	return func(r *albevent.Request) { r.TargetGroupARN = arn }
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
// would refuse with 502, saying which rule it breaks.
func Do(t testing.TB, h lambda.Handler, req *Request) *Response {
	t.Helper()
	ctx, cancel := invocationContext()
	defer cancel()
	raw, err := h.Invoke(ctx, req.Event())
	if err != nil {
		t.Fatalf("albtest: %s %s: invocation error (the ALB answers 502): %v", req.r.Method, req.r.Target, err)
	}
	resp, err := decode(raw, req.r.MultiValue)
	if err != nil {
		t.Fatalf("albtest: %s %s: the ALB would answer 502: %v\nresponse: %.2000s", req.r.Method, req.r.Target, err, raw)
	}
	return resp
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
