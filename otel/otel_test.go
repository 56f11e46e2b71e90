package otel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/middleware"
)

const (
	functionARN    = "arn:aws:lambda:eu-west-1:123456789012:function:notes"
	targetGroupARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/notes/0123456789abcdef"
)

func lambdaCtx(id string) context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{
		AwsRequestID: id, InvokedFunctionArn: functionARN,
	})
}

// traced is a router traced into a span recorder, whose Logger writes
// JSON to logs.
type traced struct {
	r    *alb.Router
	sr   *tracetest.SpanRecorder
	tp   *sdktrace.TracerProvider
	logs *bytes.Buffer
}

func newTraced(t *testing.T, opts Options, outer ...alb.Middleware) *traced {
	t.Helper()
	tr := &traced{sr: tracetest.NewSpanRecorder(), logs: new(bytes.Buffer)}
	tr.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tr.sr))
	if opts.TracerProvider == nil {
		opts.TracerProvider = tr.tp
	}
	tr.r = alb.New()
	tr.r.Logger = slog.New(slog.NewJSONHandler(tr.logs, nil))
	tr.r.Use(append(outer, Middleware(opts))...)
	tr.r.GET("/users/:id", func(c *alb.Context) error {
		c.Logger().Info("handling")
		_, child := tr.tp.Tracer("db").Start(c.Context(), "SELECT users")
		child.End()
		switch c.Param("id") {
		case "missing":
			return alb.NewHTTPError(http.StatusNotFound, "no such user")
		case "broken":
			return errors.New("db down")
		case "panic":
			panic("boom")
		}
		return c.String(http.StatusOK, c.Param("id"))
	})
	return tr
}

// invoke runs req and returns the status; every span started must have
// ended when Invoke returns.
func (tr *traced) invoke(t *testing.T, ctx context.Context, req *albtest.Request) int {
	t.Helper()
	out, err := tr.r.Invoke(ctx, req.Event())
	if err != nil {
		t.Fatal(err)
	}
	if s, e := len(tr.sr.Started()), len(tr.sr.Ended()); s != e {
		t.Errorf("%d spans started, %d ended when Invoke returned", s, e)
	}
	var resp struct{ StatusCode int }
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode
}

// server returns the one server span recorded.
func (tr *traced) server(t *testing.T) sdktrace.ReadOnlySpan {
	t.Helper()
	var found []sdktrace.ReadOnlySpan
	for _, s := range tr.sr.Ended() {
		if s.SpanKind() == trace.SpanKindServer {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d server spans, want 1", len(found))
	}
	return found[0]
}

func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

func TestSpanAttributes(t *testing.T) {
	tr := newTraced(t, Options{})
	req := albtest.NewRequest("GET", "/users/caf%C3%A9?x=1",
		albtest.WithTargetGroupARN(targetGroupARN), albtest.WithHeader("User-Agent", "test-agent/1.0"))
	if st := tr.invoke(t, lambdaCtx("req-1"), req); st != 200 {
		t.Fatalf("status %d", st)
	}
	s := tr.server(t)
	if s.Name() != "GET /users/:id" {
		t.Errorf("span name %q, want %q", s.Name(), "GET /users/:id")
	}
	got := attrs(s)
	for key, want := range map[attribute.Key]any{
		"http.request.method":       "GET",
		"http.route":                "/users/:id",
		"http.response.status_code": int64(200),
		"url.path":                  "/users/café",
		"url.scheme":                "https",
		"server.address":            "example.com",
		"server.port":               int64(443),
		"client.address":            "203.0.113.7",
		"user_agent.original":       "test-agent/1.0",
		"faas.trigger":              "http",
		"faas.invocation_id":        "req-1",
		"faas.coldstart":            true,
		"cloud.provider":            "aws",
		"cloud.region":              "eu-west-1",
		"cloud.account.id":          "123456789012",
		"cloud.resource_id":         functionARN,
		"aws.lambda.invoked_arn":    functionARN,
		"alb.target_group.arn":      targetGroupARN,
	} {
		if v, ok := got[key]; !ok || v.AsInterface() != want {
			t.Errorf("%s = %v, want %v", key, v.AsInterface(), want)
		}
	}
	if s.Status().Code != codes.Unset {
		t.Errorf("status %v, want unset", s.Status())
	}
	// The second request is not a cold start.
	tr.sr.Reset()
	tr.invoke(t, lambdaCtx("req-2"), req)
	if v := attrs(tr.server(t))["faas.coldstart"]; v.AsBool() {
		t.Error("faas.coldstart true on the second request")
	}
}

func TestSpanNames(t *testing.T) {
	for _, tc := range []struct {
		method, path, name string
		status             int
	}{
		{"GET", "/users/7", "GET /users/:id", 200},
		{"HEAD", "/users/7", "HEAD /users/:id", 200},
		{"GET", "/nowhere", "GET", 404},
		{"POST", "/users/7", "POST", 405},
		{"BREW", "/users/7", "HTTP", 405},
	} {
		tr := newTraced(t, Options{})
		if st := tr.invoke(t, context.Background(), albtest.NewRequest(tc.method, tc.path)); st != tc.status {
			t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, st, tc.status)
		}
		s := tr.server(t)
		a := attrs(s)
		if s.Name() != tc.name || a["http.response.status_code"].AsInt64() != int64(tc.status) {
			t.Errorf("%s %s: span %q with status %v, want %q and %d", tc.method, tc.path, s.Name(), a["http.response.status_code"].AsInterface(), tc.name, tc.status)
		}
		if _, ok := a["http.route"]; ok != strings.Contains(tc.name, "/") {
			t.Errorf("%s %s: http.route present = %v", tc.method, tc.path, ok)
		}
		if tc.method == "BREW" && (a["http.request.method"].AsString() != "_OTHER" || a["http.request.method_original"].AsString() != "BREW") {
			t.Errorf("BREW: method attributes %v", a)
		}
	}
}

func TestParentFromXRay(t *testing.T) {
	tr := newTraced(t, Options{})
	tr.invoke(t, context.Background(), albtest.NewRequest("GET", "/users/7",
		albtest.WithTraceID("Self=1-67a0c2f1-111111111111111111111111;Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")))
	s := tr.server(t)
	p := s.Parent()
	if !p.IsRemote() || p.TraceID().String() != "5759e988bd862e3fe1be46a994272793" || p.SpanID().String() != "53995c3f42cd8ad8" {
		t.Errorf("parent = %v %v (remote %v), want the X-Ray Root and Parent", p.TraceID(), p.SpanID(), p.IsRemote())
	}
	if s.SpanContext().TraceID() != p.TraceID() || !s.SpanContext().IsSampled() {
		t.Errorf("span trace %v sampled %v, want the parent's trace, sampled", s.SpanContext().TraceID(), s.SpanContext().IsSampled())
	}
}

func TestParentFromTraceparent(t *testing.T) {
	tr := newTraced(t, Options{})
	// The ALB's own header (a Root, no Parent) beside the W3C one.
	tr.invoke(t, context.Background(), albtest.NewRequest("GET", "/users/7",
		albtest.WithHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")))
	p := tr.server(t).Parent()
	if !p.IsRemote() || p.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || p.SpanID().String() != "00f067aa0ba902b7" {
		t.Errorf("parent = %v %v, want the traceparent's", p.TraceID(), p.SpanID())
	}
}

func TestNoParent(t *testing.T) {
	tr := newTraced(t, Options{})
	tr.invoke(t, context.Background(), albtest.NewRequest("GET", "/users/7")) // Root only
	if p := tr.server(t).Parent(); p.IsValid() {
		t.Errorf("parent = %v, want none for an X-Amzn-Trace-Id without Parent", p)
	}
}

func TestChildSpanAndLogger(t *testing.T) {
	tr := newTraced(t, Options{})
	tr.invoke(t, lambdaCtx("req-1"), albtest.NewRequest("GET", "/users/7"))
	s := tr.server(t)
	var child sdktrace.ReadOnlySpan
	for _, e := range tr.sr.Ended() {
		if e.Name() == "SELECT users" {
			child = e
		}
	}
	if child == nil || child.Parent().SpanID() != s.SpanContext().SpanID() {
		t.Fatalf("the handler's span is not a child of the server span")
	}
	var line map[string]any
	if err := json.Unmarshal(tr.logs.Bytes(), &line); err != nil {
		t.Fatalf("log %q: %v", tr.logs, err)
	}
	if line["trace_id"] != s.SpanContext().TraceID().String() || line["span_id"] != s.SpanContext().SpanID().String() || line["request_id"] != "req-1" {
		t.Errorf("log line %v, want trace_id %v and span_id %v", line, s.SpanContext().TraceID(), s.SpanContext().SpanID())
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		path    string
		status  int
		code    codes.Code
		errType string
	}{
		{"/users/missing", 404, codes.Unset, ""},
		{"/users/broken", 500, codes.Error, "*errors.errorString"},
	} {
		tr := newTraced(t, Options{})
		tr.r.Logger = slog.New(slog.DiscardHandler)
		if st := tr.invoke(t, context.Background(), albtest.NewRequest("GET", tc.path)); st != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, st, tc.status)
		}
		s := tr.server(t)
		if s.Status().Code != tc.code || attrs(s)["error.type"].AsString() != tc.errType {
			t.Errorf("%s: span status %v, error.type %q; want %v, %q", tc.path, s.Status(), attrs(s)["error.type"].AsString(), tc.code, tc.errType)
		}
		if ev := s.Events(); len(ev) != 1 || ev[0].Name != "exception" {
			t.Errorf("%s: events %v, want the error recorded", tc.path, ev)
		}
	}
}

func TestPanic(t *testing.T) {
	for _, recover := range []bool{false, true} {
		var outer []alb.Middleware
		if recover {
			outer = append(outer, middleware.Recover(middleware.RecoverOptions{Logger: slog.New(slog.DiscardHandler)}))
		}
		tr := newTraced(t, Options{}, outer...)
		tr.r.Logger = slog.New(slog.DiscardHandler)
		if st := tr.invoke(t, context.Background(), albtest.NewRequest("GET", "/users/panic")); st != 500 {
			t.Errorf("status %d, want 500", st)
		}
		s := tr.server(t)
		if s.Status().Code != codes.Error || !strings.Contains(s.Status().Description, "boom") {
			t.Errorf("span status %v, want Error with the panic", s.Status())
		}
		if ev := s.Events(); len(ev) != 1 || ev[0].Name != "exception" {
			t.Errorf("events %v, want the panic recorded", ev)
		}
		if attrs(s)["http.response.status_code"].AsInt64() != 500 {
			t.Errorf("status attribute %v, want 500", attrs(s)["http.response.status_code"])
		}
	}
}

func TestHealthChecks(t *testing.T) {
	tr := newTraced(t, Options{})
	tr.invoke(t, context.Background(), albtest.NewRequest("GET", "/users/7", albtest.WithHealthCheck()))
	for _, s := range tr.sr.Ended() {
		if s.SpanKind() == trace.SpanKindServer {
			t.Errorf("server span %q for a health check, want none", s.Name())
		}
	}
	tr = newTraced(t, Options{TraceHealthChecks: true})
	tr.invoke(t, context.Background(), albtest.NewRequest("GET", "/users/7", albtest.WithHealthCheck()))
	tr.server(t)
}

func TestGlobalProvider(t *testing.T) {
	prev := otel.GetTracerProvider()
	t.Cleanup(func() { otel.SetTracerProvider(prev) })
	sr := tracetest.NewSpanRecorder()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr)))
	r := alb.New()
	r.Use(Middleware(Options{}))
	r.GET("/", func(c *alb.Context) error { return nil })
	_, _ = r.Invoke(context.Background(), albtest.NewRequest("GET", "/").Event())
	if n := len(sr.Ended()); n != 1 {
		t.Errorf("%d spans through the global provider, want 1", n)
	}
}

func TestARNRegionAccount(t *testing.T) {
	for _, tc := range []struct{ arn, region, account string }{
		{targetGroupARN, "eu-west-1", "123456789012"},
		{"arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:targetgroup/a/b", "cn-north-1", "123456789012"},
		{"arn:aws:lambda:us-east-1:123456789012:function:f:alias", "us-east-1", "123456789012"},
		{"arn:aws:s3:::bucket", "", ""},
		{"arn:aws:elasticloadbalancing:eu-west-1:123456789012", "", ""},
		{"not an arn", "", ""},
		{"", "", ""},
	} {
		region, account, ok := arnRegionAccount(tc.arn)
		if region != tc.region || account != tc.account || ok != (tc.region != "") {
			t.Errorf("arnRegionAccount(%q) = %q, %q, %v; want %q, %q", tc.arn, region, account, ok, tc.region, tc.account)
		}
	}
}

func TestHostOf(t *testing.T) {
	for in, want := range map[string]string{
		"example.com": "example.com", "example.com:8443": "example.com",
		"[2001:db8::1]:443": "2001:db8::1", "[2001:db8::1]": "2001:db8::1", "[bad": "", "": "",
	} {
		if got := hostOf(in); got != want {
			t.Errorf("hostOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkMiddleware measures what tracing adds to Invoke: without the
// middleware, with it and tracing off (a no-op provider), and with it and
// tracing on (the SDK, every span sampled, handed to a processor that
// drops it).
func BenchmarkMiddleware(b *testing.B) {
	h := func(c *alb.Context) error { return c.String(http.StatusOK, c.Param("id")) }
	sampled := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(dropProcessor{}))
	unsampled := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))
	ev := albtest.NewRequest("GET", "/users/42", albtest.WithTargetGroupARN(targetGroupARN)).Event()
	for _, bc := range []struct {
		name string
		mw   []alb.Middleware
	}{
		{"none", nil},
		{"off", []alb.Middleware{Middleware(Options{TracerProvider: noop.NewTracerProvider()})}},
		{"unsampled", []alb.Middleware{Middleware(Options{TracerProvider: unsampled})}},
		{"on", []alb.Middleware{Middleware(Options{TracerProvider: sampled})}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := alb.New()
			r.Use(bc.mw...)
			r.GET("/users/:id", h)
			ctx := lambdaCtx("bench")
			b.ReportAllocs()
			for b.Loop() {
				_, _ = r.Invoke(ctx, ev)
			}
		})
	}
}

// dropProcessor ends the pipeline: spans are made and recorded, then
// dropped, so the benchmark measures the middleware and the SDK, not an
// exporter.
type dropProcessor struct{}

func (dropProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (dropProcessor) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (dropProcessor) Shutdown(context.Context) error                  { return nil }
func (dropProcessor) ForceFlush(context.Context) error                { return nil }
