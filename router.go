package alb

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/julienschmidt/httprouter"
)

// Router dispatches ALB events to handlers. It implements lambda.Handler, so
// lambda.Start(r) serves it; Start serves it inside Lambda with alb's own
// Runtime API loop (or lambda.Start, see WithAWSLambdaLoop) and locally
// elsewhere.
//
// Configure a Router and register every route before it serves its first
// request: the exported settings are read once, then, and later changes
// have no effect; registering a route or adding middleware then panics.
// Invoke and ServeEvent are safe for concurrent use.
type Router struct {
	// RedirectTrailingSlash redirects a request whose path has no route
	// but would have one with a trailing slash added or removed. Default
	// true.
	//
	// Automatic redirects (this one and RedirectFixedPath's) answer 301
	// for GET and HEAD and 308 otherwise, with a Location that is a path
	// plus the request's query, never an absolute URL: one built from the
	// Host header would let a client choose the host that a shared cache
	// stores the redirect under. (Earlier versions sent an absolute URL
	// when the request had X-Forwarded-Proto and a valid Host.)
	RedirectTrailingSlash bool

	// RedirectFixedPath redirects a request whose path has no route but
	// whose cleaned path (httprouter.CleanPath: no "..", "." or "//") has
	// one, matched case-insensitively. Default true.
	RedirectFixedPath bool

	// HandleMethodNotAllowed answers 405 with an Allow header, through the
	// MethodNotAllowed hook, when the path has routes but none for the
	// request's method. Otherwise such a request is not found. Default
	// true.
	HandleMethodNotAllowed bool

	// HandleOPTIONS answers OPTIONS requests that have no OPTIONS route:
	// with the Allow header set, it runs GlobalOPTIONS, or answers 204 when
	// that is nil. Default true.
	HandleOPTIONS bool

	// GlobalOPTIONS, when set, answers automatic OPTIONS requests (see
	// HandleOPTIONS); the Allow header is already set. A CORS middleware
	// usually answers preflights instead.
	GlobalOPTIONS HandlerFunc

	// NotFound answers requests that no route matches. nil means a handler
	// that returns ErrNotFound.
	NotFound HandlerFunc

	// MethodNotAllowed answers requests whose path has routes, none for the
	// request's method; the Allow header is already set. nil means a
	// handler that returns ErrMethodNotAllowed.
	MethodNotAllowed HandlerFunc

	// ErrorHandler turns an error returned by a handler (after the
	// middleware around it) into a response. The response it starts from
	// keeps the headers set before the failure (by middleware, say) except
	// those that describe a body (Content-Type, Content-Encoding,
	// Content-Length, Content-Disposition, ETag, Last-Modified and the
	// like), which the router removes first, and the body encoding is back
	// to BodyAuto. Caching headers such as Cache-Control are kept: an
	// ErrorHandler that must not let a shared cache keep an error sets its
	// own. It also answers the router's own errors: ErrNotFound,
	// ErrMethodNotAllowed, ErrDotDotSegment, a malformed event (400) and a
	// response too large for the ALB (see TooLargeStatus). nil means
	// DefaultErrorHandler.
	ErrorHandler func(c *Context, err error)

	// PanicHandler answers a request whose handler, middleware or hook
	// panicked; the response it finds is empty. nil means a 500 through
	// ErrorHandler. The panic is logged with its stack first either way. If
	// PanicHandler panics too, the client gets a fixed 500.
	PanicHandler func(c *Context, recovered any)

	// Logger receives the router's warnings and errors: panics, handler
	// errors of status 500 and above, and headers or cookies the encoder
	// had to drop. nil means slog.Default(). Its handler also writes the
	// request logger's records (Context.Logger); when Logger is nil, those
	// go to NewLogHandler(os.Stdout) instead: JSON lines on standard
	// output, configured by Lambda's logging controls.
	Logger *slog.Logger

	// SetCookiePolicy says what to do with several Set-Cookie headers in
	// single-value mode, where the ALB's "headers" object holds one value
	// per name (contract rule 27). Default SetCookieLast. Multi-value mode
	// sends every cookie.
	SetCookiePolicy SetCookiePolicy

	// TooLargeStatus is the status of the answer sent instead of a
	// response the ALB would refuse for its size: JSON over its 1 MB limit
	// (contract rule 30), after a text body was tried as base64, or a
	// header block over 32 KiB (rule 28). Default 500. That answer goes
	// through ErrorHandler like any error, with an *HTTPError of this
	// status, the message "response too large" and a cause matching
	// ErrResponseTooLarge, and a warning is logged with the size. If the
	// ErrorHandler's answer is too large as well, or it panics or writes
	// nothing, a plain-text "response too large" of this status goes out.
	// Middleware has already returned by then: an access log records the
	// response it saw.
	TooLargeStatus int

	// JSONCodec reads and writes the JSON bodies of BindJSON,
	// BindJSONStrict and Context.JSON. nil means JSONv2.
	JSONCodec JSONCodec

	// TrustedProxyHops is how many proxies in front of the ALB append to
	// X-Forwarded-For (CloudFront in front of the ALB is one). ClientIP
	// skips that many entries from the right. Default 0.
	TrustedProxyHops int

	middleware []Middleware
	trees      map[string]*tree[*route]
	ops        []*operation    // every route, in registration order
	docHidden  map[string]bool // "METHOD pattern" of routes the API document leaves out
	docBuilds  []func()        // ServeOpenAPI's document builds, run by freeze
	hasRoutes  bool
	firstRoute string // method and pattern, for messages

	start  sync.Once
	frozen bool
	served atomic.Bool // a request was served: the next is not a cold start

	stdoutLogOnce sync.Once
	stdoutLog     slog.Handler // Context.Logger's when Logger is nil
	cfg           settings     // the exported settings, as they were at freeze
	enc           encoder
	pool          sync.Pool
	notFound      HandlerFunc // the hooks, wrapped in the router's middleware
	notAllow      HandlerFunc
	options       HandlerFunc
	redirect      HandlerFunc
	dotDot        HandlerFunc
	onError       func(c *Context, err error)
}

// settings is the copy of the exported settings a serving router reads.
type settings struct {
	redirectTrailingSlash  bool
	redirectFixedPath      bool
	handleMethodNotAllowed bool
	handleOPTIONS          bool
	panicHandler           func(c *Context, recovered any)
	logger                 *slog.Logger // never nil
	loggerSet              bool         // Logger was set: Context.Logger writes to its handler
	trustedProxyHops       int
	jsonCodec              JSONCodec // never nil
}

// route is what the tree stores for one method and pattern.
type route struct {
	pattern string
	handler HandlerFunc // the handler wrapped in its middleware
}

// New returns a Router with RedirectTrailingSlash, RedirectFixedPath,
// HandleMethodNotAllowed and HandleOPTIONS on; every other setting is its
// zero value (see the fields).
func New() *Router {
	return &Router{
		RedirectTrailingSlash:  true,
		RedirectFixedPath:      true,
		HandleMethodNotAllowed: true,
		HandleOPTIONS:          true,
		trees:                  map[string]*tree[*route]{},
	}
}

// Use appends middleware that wraps every route, and the hooks (NotFound,
// MethodNotAllowed, automatic OPTIONS and redirects). The first middleware
// is the outermost. Use panics once a route is registered: chains are built
// at registration.
func (r *Router) Use(mw ...Middleware) {
	switch {
	case r.frozen:
		panic("alb: Router.Use called after the router started serving")
	case r.hasRoutes:
		panic("alb: Router.Use called after a route (" + strconv.Quote(r.firstRoute) + ") was registered; add middleware first")
	case hasNil(mw):
		panic("alb: Router.Use called with a nil middleware")
	}
	r.middleware = append(r.middleware, mw...)
}

// Handle registers h for method and pattern, wrapped in the router's
// middleware and then mw (the first outermost). The pattern syntax is in
// the package documentation. Handle panics, quoting the pattern, on a
// malformed pattern, a conflict with a registered route, a nil handler, an
// invalid method, or a router that already serves.
func (r *Router) Handle(method, pattern string, h HandlerFunc, mw ...Middleware) {
	r.handle(method, pattern, h, slices.Concat(r.middleware, mw))
}

func (r *Router) handle(method, pattern string, h HandlerFunc, chain []Middleware) {
	r.handleOp(&operation{method: method, pattern: pattern, chain: chain}, h)
}

// handleOp registers h for op's method and pattern, wrapped in op's
// chain, and records op.
func (r *Router) handleOp(op *operation, h HandlerFunc) {
	method, pattern, chain := op.method, op.pattern, op.chain
	switch {
	case r.frozen:
		panic("alb: route " + strconv.Quote(method+" "+pattern) + " registered after the router started serving")
	case h == nil:
		panic("alb: route " + strconv.Quote(method+" "+pattern) + " has a nil handler")
	case method == "" || !validHeaderName(method):
		panic("alb: route " + strconv.Quote(method+" "+pattern) + " has an invalid method")
	case hasNil(chain):
		panic("alb: route " + strconv.Quote(method+" "+pattern) + " has a nil middleware")
	}
	if r.trees == nil {
		r.trees = map[string]*tree[*route]{}
	}
	t := r.trees[method]
	if t == nil {
		t = new(tree[*route])
		r.trees[method] = t
	}
	handler := wrap(h, chain)
	if handler == nil {
		panic("alb: route " + strconv.Quote(method+" "+pattern) + ": a middleware returned a nil handler")
	}
	t.add(pattern, &route{pattern: pattern, handler: handler})
	r.ops = append(r.ops, op)
	if !r.hasRoutes {
		r.hasRoutes, r.firstRoute = true, method+" "+pattern
	}
}

func hasNil(mw []Middleware) bool {
	for _, m := range mw {
		if m == nil {
			return true
		}
	}
	return false
}

// wrap applies chain to h, the first middleware outermost. It returns nil
// if a middleware does.
func wrap(h HandlerFunc, chain []Middleware) HandlerFunc {
	for i := len(chain) - 1; i >= 0 && h != nil; i-- {
		h = chain[i](h)
	}
	return h
}

// GET registers h for GET requests to pattern; see Handle.
func (r *Router) GET(pattern string, h HandlerFunc, mw ...Middleware) {
	r.Handle(http.MethodGet, pattern, h, mw...)
}

// HEAD registers h for HEAD requests to pattern; see Handle. Without a HEAD
// route, HEAD requests run the GET route and the body is dropped.
func (r *Router) HEAD(pattern string, h HandlerFunc, mw ...Middleware) {
	r.Handle(http.MethodHead, pattern, h, mw...)
}

// POST registers h for POST requests to pattern; see Handle.
func (r *Router) POST(pattern string, h HandlerFunc, mw ...Middleware) {
	r.Handle(http.MethodPost, pattern, h, mw...)
}

// PUT registers h for PUT requests to pattern; see Handle.
func (r *Router) PUT(pattern string, h HandlerFunc, mw ...Middleware) {
	r.Handle(http.MethodPut, pattern, h, mw...)
}

// PATCH registers h for PATCH requests to pattern; see Handle.
func (r *Router) PATCH(pattern string, h HandlerFunc, mw ...Middleware) {
	r.Handle(http.MethodPatch, pattern, h, mw...)
}

// DELETE registers h for DELETE requests to pattern; see Handle.
func (r *Router) DELETE(pattern string, h HandlerFunc, mw ...Middleware) {
	r.Handle(http.MethodDelete, pattern, h, mw...)
}

// OPTIONS registers h for OPTIONS requests to pattern; see Handle.
func (r *Router) OPTIONS(pattern string, h HandlerFunc, mw ...Middleware) {
	r.Handle(http.MethodOptions, pattern, h, mw...)
}

// anyMethods are the methods Any registers. The ALB itself rejects TRACE.
var anyMethods = [...]string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions,
}

// Any registers h for GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS
// requests to pattern; see Handle.
func (r *Router) Any(pattern string, h HandlerFunc, mw ...Middleware) {
	for _, m := range anyMethods {
		r.Handle(m, pattern, h, mw...)
	}
}

// Group returns a group of routes under prefix (which must start with '/'
// and not end with one), wrapped in the router's middleware and then mw.
func (r *Router) Group(prefix string, mw ...Middleware) *Group {
	g := &Group{router: r}
	return g.Group(prefix, mw...)
}

// Group is a set of routes that share a path prefix and middleware. Its
// registration methods behave like the Router's, with the prefix prepended
// to the pattern and the group's middleware inside the router's.
type Group struct {
	router     *Router
	parent     *Group
	prefix     string
	middleware []Middleware
	hasRoutes  bool
}

// Group returns a nested group: its prefix is appended to g's and its
// middleware runs inside g's.
func (g *Group) Group(prefix string, mw ...Middleware) *Group {
	if prefix == "" || prefix[0] != '/' || (len(prefix) > 1 && prefix[len(prefix)-1] == '/') {
		panic("alb: group prefix " + strconv.Quote(prefix) + " must start with '/' and not end with one")
	}
	if prefix == "/" {
		prefix = ""
	}
	return &Group{router: g.router, parent: g, prefix: g.prefix + prefix, middleware: slices.Clone(mw)}
}

// Use appends middleware to the group. It panics once a route is registered
// in the group or in one of its nested groups.
func (g *Group) Use(mw ...Middleware) {
	if g.hasRoutes {
		panic("alb: Group.Use called after a route was registered in group " + strconv.Quote(g.prefix))
	}
	g.middleware = append(g.middleware, mw...)
}

// Handle registers h for method and the group's prefix plus pattern, which
// must start with '/' or be empty (the prefix itself); see Router.Handle.
func (g *Group) Handle(method, pattern string, h HandlerFunc, mw ...Middleware) {
	g.router.handle(method, g.fullPattern(method, pattern), h, g.chain(mw))
}

// fullPattern returns the group's prefix plus pattern, which must start
// with '/' or be empty.
func (g *Group) fullPattern(method, pattern string) string {
	if pattern != "" && pattern[0] != '/' {
		panic("alb: pattern " + strconv.Quote(pattern) + " (" + method + ") in group " + strconv.Quote(g.prefix) + " must start with '/'")
	}
	return g.prefix + pattern
}

// chain returns the middleware of a route in g: the router's, the
// groups' from the outermost, then mw. It marks g and its parents as
// having routes.
func (g *Group) chain(mw []Middleware) []Middleware {
	var chains [][]Middleware
	for p := g; p != nil; p = p.parent {
		p.hasRoutes = true
		chains = append(chains, p.middleware)
	}
	chains = append(chains, g.router.middleware)
	slices.Reverse(chains)
	chains = append(chains, mw)
	return slices.Concat(chains...)
}

// GET registers h for GET requests; see Router.GET.
func (g *Group) GET(pattern string, h HandlerFunc, mw ...Middleware) {
	g.Handle(http.MethodGet, pattern, h, mw...)
}

// HEAD registers h for HEAD requests; see Router.HEAD.
func (g *Group) HEAD(pattern string, h HandlerFunc, mw ...Middleware) {
	g.Handle(http.MethodHead, pattern, h, mw...)
}

// POST registers h for POST requests; see Router.POST.
func (g *Group) POST(pattern string, h HandlerFunc, mw ...Middleware) {
	g.Handle(http.MethodPost, pattern, h, mw...)
}

// PUT registers h for PUT requests; see Router.PUT.
func (g *Group) PUT(pattern string, h HandlerFunc, mw ...Middleware) {
	g.Handle(http.MethodPut, pattern, h, mw...)
}

// PATCH registers h for PATCH requests; see Router.PATCH.
func (g *Group) PATCH(pattern string, h HandlerFunc, mw ...Middleware) {
	g.Handle(http.MethodPatch, pattern, h, mw...)
}

// DELETE registers h for DELETE requests; see Router.DELETE.
func (g *Group) DELETE(pattern string, h HandlerFunc, mw ...Middleware) {
	g.Handle(http.MethodDelete, pattern, h, mw...)
}

// OPTIONS registers h for OPTIONS requests; see Router.OPTIONS.
func (g *Group) OPTIONS(pattern string, h HandlerFunc, mw ...Middleware) {
	g.Handle(http.MethodOptions, pattern, h, mw...)
}

// Any registers h for the methods Router.Any lists.
func (g *Group) Any(pattern string, h HandlerFunc, mw ...Middleware) {
	for _, m := range anyMethods {
		g.Handle(m, pattern, h, mw...)
	}
}

// freeze runs once, before the first request: it reads the settings and
// wraps the hooks in the router's middleware. It cannot fail: a middleware
// that returns nil for a hook leaves that hook unwrapped, with an error
// logged.
func (r *Router) freeze() {
	r.pool.New = func() any { return &Context{router: r} }
	r.frozen = true
	r.cfg = settings{
		redirectTrailingSlash:  r.RedirectTrailingSlash,
		redirectFixedPath:      r.RedirectFixedPath,
		handleMethodNotAllowed: r.HandleMethodNotAllowed,
		handleOPTIONS:          r.HandleOPTIONS,
		panicHandler:           r.PanicHandler,
		logger:                 r.Logger,
		trustedProxyHops:       r.TrustedProxyHops,
		jsonCodec:              r.JSONCodec,
	}
	if r.cfg.jsonCodec == nil {
		r.cfg.jsonCodec = JSONv2{}
	}
	r.cfg.loggerSet = r.cfg.logger != nil
	if r.cfg.logger == nil {
		r.cfg.logger = slog.Default()
	}
	r.enc = encoder{logger: r.cfg.logger, cookies: r.SetCookiePolicy, tooLargeStatus: r.TooLargeStatus}
	r.onError = r.ErrorHandler
	if r.onError == nil {
		r.onError = DefaultErrorHandler
	}
	notFound := r.NotFound
	if notFound == nil {
		notFound = func(*Context) error { return ErrNotFound }
	}
	notAllowed := r.MethodNotAllowed
	if notAllowed == nil {
		notAllowed = func(*Context) error { return ErrMethodNotAllowed }
	}
	options := r.GlobalOPTIONS
	if options == nil {
		options = func(c *Context) error { return c.NoContent(http.StatusNoContent) }
	}
	r.notFound = r.wrapHook(notFound)
	r.notAllow = r.wrapHook(notAllowed)
	r.options = r.wrapHook(options)
	r.redirect = r.wrapHook(serveRedirect)
	r.dotDot = r.wrapHook(func(*Context) error { return ErrDotDotSegment })
	for _, build := range r.docBuilds {
		build()
	}
}

// wrapHook wraps a hook in the router's middleware, or leaves it as it is
// when a middleware returns nil or panics.
func (r *Router) wrapHook(h HandlerFunc) (wrapped HandlerFunc) {
	defer func() {
		if p := recover(); p != nil || wrapped == nil {
			r.logger().Error("alb: a middleware failed to wrap a hook; the hook runs without middleware", "panic", p)
			wrapped = h
		}
	}()
	return wrap(h, r.middleware)
}

// jsonCodec returns the router's JSONCodec: as frozen once serving, as set
// before (for a Context made outside Invoke, in a test).
func (r *Router) jsonCodec() JSONCodec {
	if r.frozen {
		return r.cfg.jsonCodec
	}
	if r.JSONCodec != nil {
		return r.JSONCodec
	}
	return JSONv2{}
}

// logger returns the router's logger: as frozen once serving, as set before.
func (r *Router) logger() *slog.Logger {
	if r.frozen {
		return r.cfg.logger
	}
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}

// requestLogHandler returns the handler of Context.Logger: the Logger's
// handler as frozen once serving (as set before, for a Context made
// outside Invoke, in a test), else NewLogHandler(os.Stdout), made on
// first use: a program that never calls Context.Logger does not link it.
func (r *Router) requestLogHandler() slog.Handler {
	if r.frozen {
		if r.cfg.loggerSet {
			return r.cfg.logger.Handler()
		}
		r.stdoutLogOnce.Do(func() { r.stdoutLog = NewLogHandler(os.Stdout) })
		return r.stdoutLog
	}
	if r.Logger != nil {
		return r.Logger.Handler()
	}
	return NewLogHandler(os.Stdout)
}

// isColdStart reports whether this is the first request r serves, once.
func (r *Router) isColdStart() bool {
	return !r.served.Load() && r.served.CompareAndSwap(false, true)
}

// Invoke handles one ALB event: payload is the event JSON, and the result is
// the response JSON for the ALB. It makes *Router a lambda.Handler.
//
// Invoke copies payload before it reads it, so the caller may reuse payload
// as soon as Invoke returns (the Lambda runtime does), and nothing handed to
// a handler points into it. Every outcome is a well-formed ALB response in
// the request's mode (contract rule 31): a malformed event gets 400, a
// handler error goes to ErrorHandler, a panic becomes 500. The error is
// always nil: the ALB turns an invocation error into a bare 502.
func (r *Router) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	r.start.Do(r.freeze)
	c := r.pool.Get().(*Context)
	out := r.invoke(ctx, c, payload)
	c.reset()
	r.pool.Put(c)
	return out, nil
}

func (r *Router) invoke(ctx context.Context, c *Context, payload []byte) (out []byte) {
	defer func() {
		if p := recover(); p != nil { // a panic outside any handler: a bug
			out = fixedResponse(c.req.multiValue)
			r.logPanic(c, p)
		}
	}()
	c.ctx = ctx
	c.coldStart = r.isColdStart()
	if err := c.req.decodePayload(payload); err != nil {
		c.req.multiValue = guessMultiValue(payload)
		r.fail(c, &HTTPError{Status: http.StatusBadRequest, Message: "malformed ALB event", Err: err})
	} else {
		r.serve(c)
	}
	return r.encodeResponse(ctx, c)
}

// ServeEvent handles a typed event, for code that already holds one, and
// returns the response Invoke would encode, as a typed response whose
// Headers and MultiValueHeaders are never nil (the one of the other mode is
// empty). It is slower than Invoke: the response is encoded and decoded
// again. The error is always nil.
func (r *Router) ServeEvent(ctx context.Context, ev events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	r.start.Do(r.freeze)
	c := r.pool.Get().(*Context)
	defer func() {
		c.reset()
		r.pool.Put(c)
	}()
	out := func() (out []byte) {
		defer func() {
			if p := recover(); p != nil {
				out = fixedResponse(c.req.multiValue)
				r.logPanic(c, p)
			}
		}()
		c.ctx = ctx
		c.coldStart = r.isColdStart()
		c.req.fromEvent(&ev)
		r.serve(c)
		return r.encodeResponse(ctx, c)
	}()
	return responseEventFromJSON(out), nil
}

// serve routes the decoded request in c and runs its handler, turning
// errors and panics into responses.
func (r *Router) serve(c *Context) {
	defer func() {
		if p := recover(); p != nil {
			r.recovered(c, p)
		}
		if c.req.method == http.MethodHead {
			c.resp.body = nil // contract rule 34
		}
	}()
	if c.req.isBase64 {
		body, err := c.req.decodedBody()
		if err != nil {
			r.fail(c, &HTTPError{Status: http.StatusBadRequest, Message: "request body is not valid base64", Err: err})
			return
		}
		c.body = body
	} else {
		c.body = stringBytes(c.req.body)
	}
	if err := r.dispatch(c)(c); err != nil && !c.errorHandled {
		r.answerError(c, err)
	}
}

// handleError answers err with the ErrorHandler, for Context.HandleError.
func (r *Router) handleError(c *Context, err error) {
	r.start.Do(r.freeze) // a Context made outside Invoke, in a test
	r.answerError(c, err)
}

// answerError answers err through the ErrorHandler. The response keeps the
// headers set so far (middleware's CORS or request-id headers, say) but
// none of those that describe a body, which the error answer replaces: a
// Content-Encoding or ETag that a handler set before it failed would
// otherwise describe the error's body.
func (r *Router) answerError(c *Context, err error) {
	c.resp.dropBodyHeaders()
	c.resp.encoding = BodyAuto
	r.onError(c, err)
}

// encodeResponse encodes c's response for the invocation whose context is
// ctx. When the ALB would refuse it for its
// size, it answers the request again through the ErrorHandler with an
// *HTTPError of status TooLargeStatus whose cause matches
// ErrResponseTooLarge: from a response that keeps the headers that do not
// describe the body (as for any error) when the JSON was too large, from a
// clean one when the header block was. If that answer is too large as
// well, or the ErrorHandler panics or writes nothing, the encoder's
// plain-text replacement goes out.
func (r *Router) encodeResponse(ctx context.Context, c *Context) []byte {
	enc := r.enc // a copy that hands its warnings to ctx's hook, if any
	enc.ctx = ctx
	out, tooLarge := enc.tryEncode(&c.resp, c.req.multiValue)
	if tooLarge == nil {
		return out
	}
	status := r.enc.tooLargeStatus
	if status == 0 {
		status = http.StatusInternalServerError
	}
	enc.warn("alb: response over the ALB's size limit; answered through the ErrorHandler",
		slog.String("error", tooLarge.Error()), slog.Int("status", status))
	func() {
		defer func() {
			if p := recover(); p != nil {
				r.logPanic(c, p)
				c.resp.setTooLarge(status)
			}
		}()
		if tooLarge.what == "header block" {
			c.resp.reset()
		} else { // keep the headers that do not describe the body, as for any error
			c.resp.status, c.resp.body = 0, nil
			c.resp.dropBodyHeaders()
			c.resp.encoding = BodyAuto
		}
		r.onError(c, &HTTPError{Status: status, Message: "response too large", Err: tooLarge})
		if c.resp.status == 0 && len(c.resp.body) == 0 { // the ErrorHandler wrote nothing
			c.resp.setTooLarge(status)
		}
	}()
	if c.req.method == http.MethodHead {
		c.resp.body = nil // contract rule 34
	}
	return enc.encode(&c.resp, c.req.multiValue)
}

// fail answers with err through the ErrorHandler, from a clean response.
func (r *Router) fail(c *Context, err error) {
	c.resp.reset()
	r.onError(c, err)
}

// recovered answers a request whose handling panicked with p.
func (r *Router) recovered(c *Context, p any) {
	r.logPanic(c, p)
	c.resp.reset()
	defer func() {
		if p := recover(); p != nil {
			r.logPanic(c, p)
			c.resp.reset()
			c.resp.status = http.StatusInternalServerError
			c.resp.headers = append(c.resp.headers, field{"Content-Type", "application/json"})
			c.resp.body = []byte(internalErrorBody)
		}
	}()
	if r.cfg.panicHandler != nil {
		r.cfg.panicHandler(c, p)
		return
	}
	r.onError(c, &HTTPError{Status: http.StatusInternalServerError})
}

const internalErrorBody = `{"message":"Internal Server Error"}`

// logPanic logs a recovered panic with its stack. A logger that panics
// itself is ignored: nothing may escape Invoke (contract rule 31).
func (r *Router) logPanic(c *Context, p any) {
	defer func() { _ = recover() }()
	r.logger().LogAttrs(c.Context(), slog.LevelError, "alb: panic while serving a request",
		slog.Any("panic", p),
		slog.String("method", c.req.method),
		slog.String("path", c.req.rawPath),
		slog.String("stack", string(debug.Stack())))
}

// fixedResponse is the response of last resort, when even encoding failed.
func fixedResponse(multiValue bool) []byte {
	header := `"headers":{"Content-Type":"application/json"}`
	if multiValue {
		header = `"multiValueHeaders":{"Content-Type":["application/json"]}`
	}
	return []byte(`{"statusCode":500,"statusDescription":"500 Internal Server Error","isBase64Encoded":false,` +
		header + `,"body":` + strconv.Quote(internalErrorBody) + `}`)
}

// guessMultiValue looks for a "multiValueHeaders" object in a payload that
// did not decode, so that the error response can use the right header field.
func guessMultiValue(payload []byte) bool {
	const key = `"multiValueHeaders"`
	i := bytes.Index(payload, []byte(key))
	if i < 0 {
		return false
	}
	rest := bytes.TrimLeft(payload[i+len(key):], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return false
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	return len(rest) > 0 && rest[0] == '{'
}

// DefaultErrorHandler answers err as JSON {"message": "..."}: an *HTTPError
// with its status and public message (the status text when it has none),
// any other error with 500 and "Internal Server Error", so that error text
// never reaches the client. An *HTTPError with a status outside 200-599 is
// a 500. Errors of status 500 and above are logged with their cause, unless
// the error is a bare *HTTPError with no cause (the router's answer to a
// panic, already logged, is one).
//
// An error that is or wraps a *ProblemError (every error of a typed route,
// see Register) is answered as that problem, application/problem+json, as
// ProblemErrorHandler answers it.
func DefaultErrorHandler(c *Context, err error) {
	// Through an interface, so that a program that never makes a
	// *ProblemError does not link the code that writes one.
	var pw problemWriter
	if errors.As(err, &pw) {
		pw.writeProblemFor(c, err)
		return
	}
	var he *HTTPError
	if !errors.As(err, &he) {
		he = &HTTPError{Status: http.StatusInternalServerError, Err: err}
	}
	status, msg := he.Status, he.Message
	if status < 200 || status > 599 {
		status = http.StatusInternalServerError
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	if status >= 500 && (he.Err != nil || he != err) { // a bare *HTTPError says all there is
		c.router.logger().LogAttrs(c.Context(), slog.LevelError, "alb: request failed",
			slog.Int("status", status),
			slog.String("method", c.req.method),
			slog.String("path", c.req.rawPath),
			slog.Any("error", err))
	}
	if !utf8.ValidString(msg) {
		msg = strings.ToValidUTF8(msg, "\uFFFD")
	}
	body := appendJSONString(append(make([]byte, 0, len(msg)+14), `{"message":"`...), msg)
	_ = c.Blob(status, "application/json", append(body, `"}`...))
}

// dispatch finds the handler for c's request: a route, or a hook.
func (r *Router) dispatch(c *Context) HandlerFunc {
	method, path := c.req.method, c.req.rawPath
	tsr := false
	if t := r.trees[method]; t != nil {
		rt, ok, slash := t.lookup(path, &c.params)
		if ok {
			return r.matched(c, rt)
		}
		tsr = slash
	}
	if method == http.MethodHead {
		if t := r.trees[http.MethodGet]; t != nil {
			rt, ok, slash := t.lookup(path, &c.params)
			if ok {
				return r.matched(c, rt)
			}
			tsr = tsr || slash
		}
	}
	if method != http.MethodConnect && path != "/" {
		if h := r.redirectFor(c, method, path, tsr); h != nil {
			return h
		}
	}
	automaticOPTIONS := method == http.MethodOptions && r.cfg.handleOPTIONS
	if !automaticOPTIONS && !r.cfg.handleMethodNotAllowed {
		return r.notFound
	}
	allow := r.allowed(path, method) // looked up once, for either answer
	switch {
	case allow == "":
		return r.notFound
	case automaticOPTIONS:
		c.SetHeader("Allow", allow)
		return r.options
	case r.cfg.handleMethodNotAllowed:
		c.SetHeader("Allow", allow)
		return r.notAllow
	}
	return r.notFound
}

// matched returns the handler of the route rt that matched c's path, or
// the dot-segment hook when a parameter's value, or the decoded path the
// parameters come from, holds a ".." segment. The second catches values
// that make one only when a handler joins them: "/files/..%2f.x" on
// "/files/:base.:ext" gives base "." and ext "/.x".
func (r *Router) matched(c *Context, rt *route) HandlerFunc {
	c.route = rt.pattern
	if c.params.n > 0 && mayDecodeToDotDot(c.req.rawPath) &&
		(paramsHoldDotDot(&c.params) || rawHasDotDotSegment(c.req.rawPath)) {
		return r.dotDot
	}
	return rt.handler
}

// mayDecodeToDotDot reports whether a raw path can hold "..", as it is or
// once percent-decoded: only when it holds ".." or an encoded dot.
func mayDecodeToDotDot(raw string) bool {
	if strings.Contains(raw, "..") {
		return true
	}
	for {
		i := strings.IndexByte(raw, '%')
		if i < 0 || i+2 >= len(raw) {
			return false
		}
		if raw[i+1] == '2' && (raw[i+2] == 'e' || raw[i+2] == 'E') {
			return true
		}
		raw = raw[i+1:]
	}
}

// paramsHoldDotDot reports whether a parameter value in ps holds ".." as a
// whole segment.
func paramsHoldDotDot(ps *params) bool {
	for i := 0; i < ps.n; i++ {
		if hasDotDotSegment(ps.values[i]) {
			return true
		}
	}
	return false
}

// rawHasDotDotSegment reports whether the raw path holds a segment that
// is ".." once decoded, each valid escape standing for its byte (so "%2F"
// separates segments as '/' does) and a malformed '%' for itself, as the
// tree decodes parameter values. It allocates nothing, and one malformed
// escape elsewhere in the path does not hide a ".." (as it would in the
// all-or-nothing decoding of Context.Path).
func rawHasDotDotSegment(raw string) bool {
	dots, other := 0, false // of the current segment
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '%' {
			if b, ok := unescapeAt(raw, i); ok {
				c = b
				i += 2
			}
		}
		switch c {
		case '/':
			if dots == 2 && !other {
				return true
			}
			dots, other = 0, false
		case '.':
			dots++
		default:
			other = true
		}
	}
	return dots == 2 && !other
}

// hasDotDotSegment reports whether s holds ".." as a whole segment: "..",
// "../x", "x/.." or "a/../b".
func hasDotDotSegment(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '.' && s[i+1] == '.' && (i == 0 || s[i-1] == '/') && (i+2 == len(s) || s[i+2] == '/') {
			return true
		}
	}
	return false
}

// ErrDotDotSegment is the error of the router's answer (400), through the
// middleware and the ErrorHandler, to a request that matched a route with
// parameters when a parameter or catch-all value, or the decoded path,
// holds a ".." segment, whether percent-decoding made it or the path
// carried it: "/files/%2e%2e/%2e%2e/etc/passwd", "/files/..%2fx" and
// "/files/../x" reach no handler, so a handler that joins parameters to a
// directory cannot be led out of it. Routes without parameters are not
// affected.
var ErrDotDotSegment = &HTTPError{Status: http.StatusBadRequest, Message: "path holds a '..' segment"}

// redirectFor returns the redirect hook, with the target stored in c, when
// the path has a route after fixing its trailing slash or cleaning it. HEAD
// requests look in the HEAD routes, then in the GET routes.
func (r *Router) redirectFor(c *Context, method, path string, tsr bool) HandlerFunc {
	if tsr && r.cfg.redirectTrailingSlash {
		if strings.HasSuffix(path, "/") {
			c.redirect = path[:len(path)-1]
		} else {
			c.redirect = path + "/"
		}
		return r.redirect
	}
	if !r.cfg.redirectFixedPath {
		return nil
	}
	clean := httprouter.CleanPath(path)
	for _, m := range [2]string{method, http.MethodGet} {
		if t := r.trees[m]; t != nil {
			if fixed, ok := t.lookupCaseInsensitive(clean, r.cfg.redirectTrailingSlash); ok && fixed != path {
				c.redirect = fixed
				return r.redirect
			}
		}
		if method != http.MethodHead {
			break
		}
	}
	return nil
}

// serveRedirect is the redirect hook: 301 for GET and HEAD, 308 otherwise
// (so the method and body are kept), to c.redirect with the query kept.
// The Location is always a path (plus the query), never an absolute URL:
// one built from the request's Host would let any client choose the host
// that a shared cache stores the redirect under. A client resolves the path
// against the URL it asked for, which keeps its scheme and host. Bytes that
// may not appear in a URL are percent-encoded.
func serveRedirect(c *Context) error {
	status := http.StatusPermanentRedirect
	if c.req.method == http.MethodGet || c.req.method == http.MethodHead {
		status = http.StatusMovedPermanently
	}
	// A path that starts with "//" would be read as another host.
	loc := escapeLocation("/" + strings.TrimLeft(c.redirect, "/"))
	if q := c.RawQuery(); q != "" {
		loc += "?" + escapeLocation(q)
	}
	return c.Redirect(status, loc)
}

// escapeLocation percent-encodes the bytes of a redirect path or query
// that may not appear in a URL: non-ASCII bytes (a route's own text is
// decoded), controls, space, '#' and the delimiters "<>\\^`{|}. Escapes
// already there are kept as they are, and so is every other byte. A
// backslash is encoded because browsers read "/\\host" as "//host".
func escapeLocation(p string) string {
	n := 0
	for i := 0; i < len(p); i++ {
		if shouldEscapeInPath(p[i]) {
			n++
		}
	}
	if n == 0 {
		return p
	}
	b := make([]byte, 0, len(p)+2*n)
	for i := 0; i < len(p); i++ {
		if c := p[i]; shouldEscapeInPath(c) {
			b = append(b, '%', upperHex[c>>4], upperHex[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}

const upperHex = "0123456789ABCDEF"

func shouldEscapeInPath(c byte) bool {
	return c <= ' ' || c >= 0x7f || strings.IndexByte("\"#<>\\^`{|}", c) >= 0
}

// allowed returns the Allow header for path: the methods with a route for
// it, sorted, with HEAD where GET has a route and OPTIONS when automatic
// OPTIONS is on; "" when no method has one. It ignores the request's own
// method unless that is OPTIONS.
func (r *Router) allowed(path, reqMethod string) string {
	var methods []string
	var ps params
	for method, t := range r.trees {
		if method == reqMethod && method != http.MethodOptions {
			continue
		}
		if _, ok, _ := t.lookup(path, &ps); ok {
			methods = append(methods, method)
			if method == http.MethodGet { // HEAD falls back to GET
				methods = append(methods, http.MethodHead)
			}
		}
	}
	if len(methods) == 0 {
		return ""
	}
	if r.cfg.handleOPTIONS && !slices.Contains(methods, http.MethodOptions) {
		methods = append(methods, http.MethodOptions)
	}
	slices.Sort(methods)
	return strings.Join(slices.Compact(methods), ", ")
}
