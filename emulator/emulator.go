// Package emulator serves a lambda.Handler over real HTTP the way an
// Application Load Balancer (ALB) does in front of a Lambda target group,
// for local development: serve it on a listener from NewListener and use
// curl or a browser as against the deployed function:
//
//	ln, err := net.Listen("tcp", "127.0.0.1:8080")
//	...
//	srv := &http.Server{Handler: emulator.New(h, emulator.Options{}), ReadHeaderTimeout: 10 * time.Second}
//	err = srv.Serve(emulator.NewListener(ln))
//
// (alb.Start does this, with timeouts fitted to the function timeout.)
// Served with http.ListenAndServe it works the same, but for the 400 to
// obs-folded header lines, which only a NewListener listener can see.
//
// The rules are those of the project's ALB contract (docs/wire-contract.md);
// comments and log lines cite them by number.
//
// What it emulates:
//
//   - the event: built by package internal/albevent from the request as
//     received (lower-cased header names, raw path and query, last value
//     wins or multi-value mode, x-forwarded-* added, x-amzn-trace-id added
//     or, when the client sent one with a valid Root, kept with a new
//     Self field, as the ELB User Guide ("Request tracing") describes;
//     base64 bodies by the ALB's content-type rule; rules 2-17);
//   - the ALB's own answers, which never reach the function: 413 for a
//     body over 1,000,000 bytes, 400 for a request line or header over
//     16 K or a header block over 64 K (rule 18; a block over the HTTP
//     server's own MaxHeaderBytes, 1 MB by default, gets net/http's 431
//     before the emulator sees it), 400 for a header line folded onto
//     the previous one (rule 16; see NewListener), 405 for TRACE (rule
//     35), 400 for a WebSocket upgrade (rule 38), as small HTML pages with
//     Server: awselb/2.0;
//   - the invocation: Invoke gets the event bytes, as from the Lambda
//     runtime, with a context that carries the function timeout as its
//     deadline and a lambdacontext.LambdaContext;
//   - the response check: package internal/albcheck validates the
//     response JSON (rules 20-30); a malformed response, an invocation
//     error, a panic or a timeout becomes the ALB's bare 502 page, with
//     one log line that says why;
//   - health checks (rules 32-33), on demand through HealthCheck: the
//     exact event the ALB sends (user-agent: ELB-HealthChecker/2.0 its
//     only header; no host, x-forwarded-* or trace id). A client request
//     with that User-Agent is an ordinary request, as through the ALB.
//
// What it does not emulate: listeners, rules and TLS termination (serve
// it with http.ListenAndServeTLS for https); load-balancer attributes
// other than the defaults (X-Forwarded-For in append mode, client port
// off, Host passed through, invalid header fields kept); Lambda itself
// (cold starts, concurrency, throttling, memory, the 504 of a Lambda
// service that does not answer, the runtime's own JSON handling); the
// health-check schedule; the reordering of response headers (rule 26:
// the emulator keeps the function's order); the reason phrase
// (statusDescription is not sent; contract open question 7). Response
// header names reach the client in net/http's canonical case, and
// net/http, not the ALB, writes the Date and Connection headers.
package emulator

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/albkit/alb/internal/albcheck"
	"github.com/albkit/alb/internal/albevent"
	"github.com/aws/aws-lambda-go/lambda"
)

// DefaultTimeout is the function timeout when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Header limits of the ALB (contract rule 18). A request over them gets
// 400 and the function is not invoked.
const (
	MaxRequestLine = 16 << 10 // method, target and protocol
	MaxHeaderLine  = 16 << 10 // name, ": " and value
	MaxHeaderBlock = 64 << 10 // the request line and all header lines, CRLF included
)

// Options configures an Emulator.
type Options struct {
	// MultiValue is the target group's lambda.multi_value_headers.enabled;
	// false by default, as for a new target group (contract rule 2).
	MultiValue bool

	// Timeout is the function timeout: the deadline of the context given
	// to Invoke. Zero means DefaultTimeout (30 s).
	Timeout time.Duration

	// Logger receives one line per request the emulator answers itself:
	// level Error for a 502, Warn for the other refusals. nil means
	// slog.Default().
	Logger *slog.Logger

	// TargetGroupARN is the events' requestContext.elb.targetGroupArn;
	// "" means albevent.DefaultTargetGroupARN.
	TargetGroupARN string
}

// Emulator is an http.Handler that turns each request into an ALB event,
// invokes a lambda.Handler with it and answers with what the ALB would
// send the client. Create it with New. It holds no per-request state and
// is safe for concurrent use.
type Emulator struct {
	handler    lambda.Handler
	multiValue bool
	timeout    time.Duration
	log        *slog.Logger
	arn        string
}

// New returns an Emulator for h, with the defaults of Options for its zero
// fields. It panics if h is nil or opts.Timeout is negative.
func New(h lambda.Handler, opts Options) *Emulator {
	if h == nil {
		panic("emulator: New: the lambda.Handler is nil")
	}
	if opts.Timeout < 0 {
		panic("emulator: New: negative Options.Timeout " + opts.Timeout.String())
	}
	e := &Emulator{
		handler:    h,
		multiValue: opts.MultiValue,
		timeout:    opts.Timeout,
		log:        opts.Logger,
		arn:        opts.TargetGroupARN,
	}
	if e.timeout == 0 {
		e.timeout = DefaultTimeout
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	return e
}

// ServeHTTP answers r as the ALB would, invoking the function unless the
// ALB itself refuses the request. It waits for the function at most the
// function timeout, and not after the client has gone; the function keeps
// running in its own goroutine, which never touches w. It does not panic,
// whatever the request and the function do.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.RequestURI
	if !strings.HasPrefix(target, "/") && target != "*" {
		target = r.URL.RequestURI() // absolute form: "http://host/path?query"
	}
	header := headerLines(r)

	switch {
	case folded(r):
		// Only on a NewListener listener, where the raw header lines are
		// seen. The framing that follows a folded line is not to be
		// trusted: the connection is closed after the answer.
		w.Header().Set("Connection", "close")
		e.refuse(w, r, target, http.StatusBadRequest, "rule 16: a header line starts with a space or a tab (obs-fold); multi-line headers are not supported")
		return
	case r.Method == http.MethodTrace:
		e.refuse(w, r, target, http.StatusMethodNotAllowed, "rule 35: the ALB refuses TRACE")
		return
	case isWebSocket(r.Header):
		e.refuse(w, r, target, http.StatusBadRequest, "rule 38: WebSocket upgrades are not supported for Lambda targets")
		return
	}
	if reason := checkHeaderSize(r, target, header); reason != "" {
		e.refuse(w, r, target, http.StatusBadRequest, reason)
		return
	}
	// With Expect: 100-continue a client waits before it sends the body,
	// so an announced large body is refused unread. Otherwise the body is
	// read, up to one byte over the limit, so that the client has sent it
	// all by the time it gets the 413.
	if r.ContentLength > albevent.MaxBodySize && r.Header.Get("Expect") != "" {
		e.refuse(w, r, target, http.StatusRequestEntityTooLarge, tooLarge)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, albevent.MaxBodySize+1))
	if err != nil {
		e.refuse(w, r, target, http.StatusBadRequest, "reading the request body: "+err.Error())
		return
	}
	if len(body) > albevent.MaxBodySize {
		e.refuse(w, r, target, http.StatusRequestEntityTooLarge, tooLarge)
		return
	}

	req := albevent.Request{
		Method:         r.Method,
		Target:         target,
		Header:         header,
		Body:           body,
		MultiValue:     e.multiValue,
		TargetGroupARN: e.arn,
		ClientAddr:     r.RemoteAddr,
		Proto:          "http",
		Port:           localPort(r),
	}
	if r.TLS != nil {
		req.Proto = "https"
	}
	if err := albevent.CheckUTF8(req); err != nil {
		// The status the client sees is not documented (rule 16); this
		// is the ALB's usual answer to a request it cannot forward.
		e.badGateway(w, r, target, err)
		return
	}
	res, err := e.respond(r.Context(), albevent.Build(req))
	if errors.Is(err, errAbandoned) {
		e.log.LogAttrs(r.Context(), slog.LevelWarn, "emulator: the client went away before the function returned",
			slog.String("method", r.Method), slog.String("target", target))
		return
	}
	if err != nil {
		e.badGateway(w, r, target, err)
		return
	}
	writeResponse(w, r, res)
}

// HealthCheck sends the function a health-check event (contract rules 32
// and 33): method (default GET) on path (default "/"), in the emulator's
// header mode, with user-agent: ELB-HealthChecker/2.0 as its only header.
// The event takes the same way as a request's, timeout included, and
// status is the one the ALB would see: the function's statusCode, or 502
// with err saying why (the albcheck error, or ErrFunction or ErrTimeout
// wrapped), logged as for a request. Whether the status
// counts as healthy (the target group's Matcher) is for the caller to
// decide. If ctx ends first, HealthCheck stops waiting for the function
// and returns 0 and an error wrapping ctx's cause.
//
// This is the only way to send the function a health-check event: a
// request with the ELB-HealthChecker User-Agent is an ordinary request,
// with x-forwarded-* and a trace id, as through the ALB. alb.Start sends
// one on SIGUSR1 and, with alb.WithHealthChecks, on a schedule.
func (e *Emulator) HealthCheck(ctx context.Context, path, method string) (status int, err error) {
	if path == "" {
		path = "/"
	}
	if method == "" {
		method = http.MethodGet
	}
	req := albevent.Request{
		Method:         method,
		Target:         path,
		MultiValue:     e.multiValue,
		TargetGroupARN: e.arn,
		HealthCheck:    true,
	}
	if err := albevent.CheckUTF8(req); err != nil {
		e.logBadGateway(ctx, method, path, true, err)
		return http.StatusBadGateway, err
	}
	res, err := e.respond(ctx, albevent.Build(req))
	if errors.Is(err, errAbandoned) {
		return 0, err
	}
	if err != nil {
		e.logBadGateway(ctx, method, path, true, err)
		return http.StatusBadGateway, err
	}
	return res.StatusCode, nil
}

// headerLines returns the request's header lines, one per value, with Host
// added: net/http moves it out of r.Header into r.Host. Lines of one name
// keep their order; the order of different names is lost, which does not
// matter because the event sorts them.
func headerLines(r *http.Request) [][2]string {
	n := 1
	for _, vs := range r.Header {
		n += len(vs)
	}
	lines := make([][2]string, 0, n)
	if r.Host != "" {
		lines = append(lines, [2]string{"Host", r.Host})
	}
	for name, vs := range r.Header {
		for _, v := range vs {
			lines = append(lines, [2]string{name, v})
		}
	}
	return lines
}

// isWebSocket reports whether an Upgrade header asks for a WebSocket
// (contract rule 38).
func isWebSocket(h http.Header) bool {
	for _, v := range h.Values("Upgrade") {
		for p := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(p), "websocket") {
				return true
			}
		}
	}
	return false
}

// checkHeaderSize applies the ALB's header limits (contract rule 18) to the
// request as net/http received it, and returns why it fails them, or "".
func checkHeaderSize(r *http.Request, target string, header [][2]string) string {
	line := len(r.Method) + 1 + len(target) + 1 + len(r.Proto)
	if line > MaxRequestLine {
		return "rule 18: the request line is " + strconv.Itoa(line) + " bytes, over the " + strconv.Itoa(MaxRequestLine) + "-byte limit"
	}
	total := line + 2
	for _, h := range header {
		n := len(h[0]) + 2 + len(h[1])
		if n > MaxHeaderLine {
			return "rule 18: header " + strconv.Quote(h[0]) + " is " + strconv.Itoa(n) + " bytes, over the " + strconv.Itoa(MaxHeaderLine) + "-byte limit"
		}
		total += n + 2
	}
	if total > MaxHeaderBlock {
		return "rule 18: the request header block is " + strconv.Itoa(total) + " bytes, over the " + strconv.Itoa(MaxHeaderBlock) + "-byte limit"
	}
	return ""
}

const tooLarge = "rule 18: the request body is over 1,000,000 bytes; the function is not invoked"

// localPort returns the port of the listener that accepted r, for
// x-forwarded-port: the port the client connected to, as on the ALB. ""
// when unknown.
func localPort(r *http.Request) string {
	addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return ""
	}
	_, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return ""
	}
	return port
}

// writeResponse sends the decoded response: the status, every header line
// (several Set-Cookie lines included), Server: awselb/2.0 and the body,
// which HEAD requests and 204 and 304 responses do not get. Content-Length
// is the decoded body's length (rule 28), and no Content-Type is added
// when the function sent none.
func writeResponse(w http.ResponseWriter, r *http.Request, res *albcheck.Response) {
	h := w.Header()
	for _, kv := range res.Headers {
		h.Add(kv[0], kv[1])
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // keeps net/http from sniffing one
	}
	h.Set("Server", serverName)
	bodyAllowed := res.StatusCode != http.StatusNoContent && res.StatusCode != http.StatusNotModified
	if bodyAllowed {
		h.Set("Content-Length", strconv.Itoa(len(res.Body)))
	}
	w.WriteHeader(res.StatusCode)
	if bodyAllowed && r.Method != http.MethodHead {
		_, _ = w.Write(res.Body) // a write error means the client has gone
	}
}

// refuse answers a request the ALB refuses without invoking the function,
// and logs why at level Warn.
func (e *Emulator) refuse(w http.ResponseWriter, r *http.Request, target string, status int, reason string) {
	e.log.LogAttrs(r.Context(), slog.LevelWarn, "emulator: "+strconv.Itoa(status)+" "+statusText(status),
		slog.String("method", r.Method), slog.String("target", target), slog.String("reason", reason))
	writePage(w, r, status)
}

// badGateway answers the ALB's 502 page and logs err.
func (e *Emulator) badGateway(w http.ResponseWriter, r *http.Request, target string, err error) {
	e.logBadGateway(r.Context(), r.Method, target, false, err)
	writePage(w, r, http.StatusBadGateway)
}

// logBadGateway writes the one log line of a 502: level Error, the error
// text (which names the contract rule or holds the function's message),
// the rule number for a refused response and the stack of a panic.
func (e *Emulator) logBadGateway(ctx context.Context, method, target string, healthCheck bool, err error) {
	attrs := []slog.Attr{slog.String("method", method), slog.String("target", target)}
	if healthCheck {
		attrs = append(attrs, slog.Bool("health_check", true))
	}
	attrs = append(attrs, slog.String("error", err.Error()))
	var ce *albcheck.Error
	if errors.As(err, &ce) {
		attrs = append(attrs, slog.Int("rule", ce.Rule))
	}
	var pe *panicError
	if errors.As(err, &pe) {
		attrs = append(attrs, slog.String("stack", string(pe.stack)))
	}
	e.log.LogAttrs(ctx, slog.LevelError, "emulator: 502 Bad Gateway", attrs...)
}
