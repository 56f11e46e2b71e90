// Package otel traces alb requests with OpenTelemetry: Middleware starts a
// server span for every request, named after its route, with the HTTP and
// FaaS semantic conventions (go.opentelemetry.io/otel/semconv/v1.43.0, the
// version the OpenTelemetry Go release it builds with uses), and gives its
// trace and span ids to the request's log lines (alb.Context.Logger).
//
// It is a module of its own, github.com/albkit/alb/otel, so that alb's own
// go.mod does not grow. It works with any exporter: the spans go to the
// TracerProvider given, or the global one (otel.SetTracerProvider), whose
// SDK exports them to an OTLP collector (the ADOT Lambda layer runs one),
// to standard output, or anywhere else.
//
//	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter))
//	defer tp.Shutdown(context.Background())
//	r := alb.New()
//	r.Use(albotel.Middleware(albotel.Options{TracerProvider: tp}))
//
// Inside Lambda, the execution environment may be frozen as soon as the
// response is returned: a function that exports with a batching span
// processor calls the provider's ForceFlush before it returns, or uses a
// simple (synchronous) span processor, or exports through the ADOT layer's
// collector, which flushes itself.
package otel

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"go.opentelemetry.io/contrib/propagators/aws/xray"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/albkit/alb"
)

// ScopeName is the instrumentation scope of the spans Middleware starts.
const ScopeName = "github.com/albkit/alb/otel"

// Options configures Middleware. The zero value is ready to use.
type Options struct {
	// TracerProvider makes the tracer. nil means the global provider
	// (otel.GetTracerProvider()), which starts spans with the provider
	// later given to otel.SetTracerProvider.
	TracerProvider trace.TracerProvider

	// Propagator extracts the parent span from the request's headers. nil
	// means the AWS X-Ray propagator (X-Amzn-Trace-Id), then W3C Trace
	// Context (traceparent, tracestate) and W3C Baggage: a request that
	// carries both a valid traceparent and an X-Amzn-Trace-Id with a
	// Parent has the traceparent's span as its parent. An
	// X-Amzn-Trace-Id the ALB made itself has a Root but no Parent, so a
	// request with nothing else starts a new trace.
	Propagator propagation.TextMapPropagator

	// TraceHealthChecks traces ALB health checks too (see
	// alb.Context.IsHealthCheck). By default they are not traced.
	TraceHealthChecks bool
}

// serverKind is made once: as an interface value it would be allocated
// on every request.
var serverKind = trace.WithSpanKind(trace.SpanKindServer)

// defaultPropagator is the propagator of Options' zero value.
var defaultPropagator = propagation.NewCompositeTextMapPropagator(
	xray.Propagator{}, propagation.TraceContext{}, propagation.Baggage{})

// Middleware returns middleware that runs each request inside a server
// span. The span is named "METHOD ROUTE" ("GET /users/:id"), or "METHOD"
// when no route matched (not found, redirects, automatic OPTIONS), with
// "HTTP" for a method that is not one of the nine of RFC 9110 and PATCH.
// It carries:
//
//	http.request.method        the method, "_OTHER" for an unknown one
//	                           (then also http.request.method_original)
//	http.route                 the matched pattern, when one matched
//	http.response.status_code  the status of the response sent
//	url.path                   the percent-decoded path
//	url.scheme                 X-Forwarded-Proto: "https" or "http"
//	server.address             the Host header, without a port
//	server.port                X-Forwarded-Port
//	client.address             alb.Context.ClientIP
//	user_agent.original        the User-Agent header
//	faas.trigger               "http"
//	faas.invocation_id         the Lambda request id
//	faas.coldstart             alb.Context.ColdStart
//	cloud.provider             "aws"
//	cloud.region               from the target group ARN of the event
//	cloud.account.id           from the target group ARN
//	cloud.resource_id          the ARN of the function invoked
//	aws.lambda.invoked_arn     the same, from the Lambda context
//	alb.target_group.arn       the target group ARN (not a convention)
//
// The span's context becomes the request's (alb.Context.SetContext), so
// spans the handler starts from c.Context() are its children, and its
// trace and span ids go to the request's log lines (alb.Context.SetTrace).
//
// When the handler returns an error, Middleware has it answered at once by
// the router's ErrorHandler (alb.Context.HandleError), so that the status
// is that of the response the client gets, records the error on the span,
// and returns it. A 5xx status sets the span's status to Error, with
// error.type the error's type, or the status code when there is no error;
// a 4xx leaves it unset, as the conventions say for server spans. A panic
// is recorded as an exception event with status Error, the span is ended,
// and the panic goes on (to Recover, which should run outside Middleware,
// or to the router). The span always ends before the middleware returns,
// so before Invoke does.
func Middleware(opts Options) alb.Middleware {
	tp := opts.TracerProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	tracer := tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL))
	prop := opts.Propagator
	if prop == nil {
		prop = defaultPropagator
	}
	return func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) (err error) {
			if !opts.TraceHealthChecks && c.IsHealthCheck() {
				return next(c)
			}
			ctx := prop.Extract(c.Context(), carrier{c})
			method, known := methodOf(c.Method())
			ctx, span := tracer.Start(ctx, spanName(method, known, c.Route()),
				serverKind, trace.WithAttributes(startAttributes(c, method, known)...))
			c.SetContext(ctx)
			if sc := span.SpanContext(); sc.IsValid() {
				c.SetTrace(sc.TraceID().String(), sc.SpanID().String())
			}
			panicked := true
			defer func() {
				if panicked { // a panic, or runtime.Goexit when p is nil
					p := recover()
					endPanic(span, p)
					if p != nil {
						panic(p)
					}
				}
			}()
			err = next(c)
			panicked = false
			c.HandleError(err)
			end(span, c, err)
			return err
		}
	}
}

// endPanic records a panic on span and ends it.
func endPanic(span trace.Span, p any) {
	defer span.End()
	if !span.IsRecording() {
		return
	}
	msg := fmt.Sprint(p)
	if p == nil {
		msg = "the handler's goroutine exited (runtime.Goexit)"
	}
	span.SetAttributes(semconv.HTTPResponseStatusCode(http.StatusInternalServerError),
		semconv.ErrorTypeKey.String(fmt.Sprintf("%T", p)))
	span.AddEvent("exception", trace.WithAttributes(
		semconv.ExceptionType(fmt.Sprintf("%T", p)),
		semconv.ExceptionMessage(msg),
	))
	span.SetStatus(codes.Error, "panic: "+msg)
}

// end sets what the response says on span and ends it.
func end(span trace.Span, c *alb.Context, err error) {
	defer span.End()
	if !span.IsRecording() {
		return
	}
	status := c.ResponseStatus()
	span.SetAttributes(semconv.HTTPResponseStatusCode(status))
	if err != nil {
		span.RecordError(err)
	}
	if status >= 500 {
		errType := strconv.Itoa(status)
		if err != nil {
			errType = fmt.Sprintf("%T", err)
		}
		span.SetAttributes(semconv.ErrorTypeKey.String(errType))
		span.SetStatus(codes.Error, http.StatusText(status))
	}
}

// startAttributes returns the attributes known when the span starts.
func startAttributes(c *alb.Context, method string, known bool) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, 20)
	attrs = append(attrs,
		semconv.HTTPRequestMethodKey.String(method),
		semconv.URLPath(c.Path()),
		semconv.FaaSTriggerHTTP,
		semconv.FaaSColdstart(c.ColdStart()),
		semconv.CloudProviderAWS,
	)
	if !known {
		attrs = append(attrs, semconv.HTTPRequestMethodOriginal(c.Method()))
	}
	if route := c.Route(); route != "" {
		attrs = append(attrs, semconv.HTTPRoute(route))
	}
	if proto := c.Header("X-Forwarded-Proto"); proto == "https" || proto == "http" {
		attrs = append(attrs, semconv.URLScheme(proto))
	}
	if host := hostOf(c.Header("Host")); host != "" {
		attrs = append(attrs, semconv.ServerAddress(host))
	}
	if port, err := strconv.ParseUint(c.Header("X-Forwarded-Port"), 10, 16); err == nil {
		attrs = append(attrs, semconv.ServerPort(int(port)))
	}
	if ip := c.ClientIP(); ip != "" {
		attrs = append(attrs, semconv.ClientAddress(ip))
	}
	if ua := c.Header("User-Agent"); ua != "" {
		attrs = append(attrs, semconv.UserAgentOriginal(ua))
	}
	if lc, ok := lambdacontext.FromContext(c.Context()); ok {
		if lc.AwsRequestID != "" {
			attrs = append(attrs, semconv.FaaSInvocationID(lc.AwsRequestID))
		}
		if lc.InvokedFunctionArn != "" {
			attrs = append(attrs, semconv.CloudResourceID(lc.InvokedFunctionArn), semconv.AWSLambdaInvokedARN(lc.InvokedFunctionArn))
		}
	}
	if arn := c.TargetGroupARN(); arn != "" {
		attrs = append(attrs, attribute.String("alb.target_group.arn", arn))
		if region, account, ok := arnRegionAccount(arn); ok {
			attrs = append(attrs, semconv.CloudRegion(region), semconv.CloudAccountID(account))
		}
	}
	return attrs
}

// arnRegionAccount returns the region and account of an ARN
// ("arn:partition:service:region:account:resource").
func arnRegionAccount(arn string) (region, account string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:")
	if !ok {
		return "", "", false
	}
	_, rest, _ = strings.Cut(rest, ":") // partition
	_, rest, _ = strings.Cut(rest, ":") // service
	region, rest, _ = strings.Cut(rest, ":")
	account, _, ok = strings.Cut(rest, ":")
	if !ok || region == "" || account == "" {
		return "", "", false
	}
	return region, account, true
}

// methodOf returns the method as the conventions record it, and whether it
// is a known one.
func methodOf(m string) (string, bool) {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return m, true
	}
	return "_OTHER", false
}

// spanName returns "METHOD ROUTE", "METHOD" without a route, and "HTTP" in
// place of an unknown method.
func spanName(method string, known bool, route string) string {
	if !known {
		method = "HTTP"
	}
	if route == "" {
		return method
	}
	return method + " " + route
}

// hostOf returns a Host header's host, without a port.
func hostOf(h string) string {
	if strings.HasPrefix(h, "[") { // [v6]:port
		if i := strings.IndexByte(h, ']'); i > 0 {
			return h[1:i]
		}
		return ""
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		return h[:i]
	}
	return h
}

// carrier reads the request's headers for a propagator.
type carrier struct{ c *alb.Context }

func (k carrier) Get(key string) string { return k.c.Header(key) }

// Set does nothing: the request's headers are read-only.
func (carrier) Set(string, string) {}

// Keys returns the names of the request's headers.
func (k carrier) Keys() []string {
	ev := k.c.Event()
	keys := make([]string, 0, len(ev.Headers)+len(ev.MultiValueHeaders))
	for name := range ev.Headers {
		keys = append(keys, name)
	}
	for name := range ev.MultiValueHeaders {
		keys = append(keys, name)
	}
	return keys
}
