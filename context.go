package alb

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/aws/aws-lambda-go/events"

	"github.com/albkit/alb/internal/warnhook"
)

// HandlerFunc handles one request. It reads the request and writes the
// response through c, and returns nil or an error for the router's
// ErrorHandler.
type HandlerFunc func(c *Context) error

// Middleware wraps a handler into another. It runs once per route, at
// registration, never per request.
type Middleware func(next HandlerFunc) HandlerFunc

// Context is one request and the response being built for it.
//
// Lifetime: a Context is pooled. It is valid only until the handler (and
// the middleware around it) returns, and must not be used or kept after
// that; Copy returns what a goroutine may keep. Everything a Context hands
// out is different: every string and byte slice returned by its methods
// stays valid and unchanged for as long as anything refers to it, even
// after the handler returns, because it is memory of the request's own that
// is never reused, or a new allocation (a request header is copied there
// from the pooled buffer it is decoded in when a method hands it out).
//
// A Context is not safe for concurrent use.
type Context struct {
	router *Router
	ctx    context.Context
	req    request
	params params
	resp   response

	route    string // the matched pattern
	body     []byte // the request body, base64-decoded when flagged
	redirect string // the target of a redirect hook

	path       string // decoded, valid when pathDone
	pathDone   bool
	rawQuery   string
	rawQueryOK bool
	form       url.Values // parsed form body, valid when formDone
	formDone   bool
	clientIP   string // ClientIP's answer, valid when clientIPOK
	clientIPOK bool
	traceRoot  string // the Root of X-Amzn-Trace-Id, valid when traceOK
	traceOK    bool

	values       []contextValue
	errorHandled bool // HandleError has run

	log       *slog.Logger // Logger's, made on first use and kept with c
	requestID string       // SetRequestID
	traceID   string       // SetTrace
	spanID    string
	coldStart bool // the first request its router serves
}

type contextValue struct {
	key, value any
}

// reset readies c for the next request. The request's collections keep
// their entries until the next decode overwrites or clears them (see
// request.reset), so an idle pooled Context may keep its last payload
// alive; nothing of it is reachable through c's methods.
func (c *Context) reset() {
	c.ctx = nil
	c.req.reset()
	c.params.reset()
	c.resp.reset()
	c.route, c.body, c.redirect = "", nil, ""
	c.path, c.pathDone = "", false
	c.rawQuery, c.rawQueryOK = "", false
	c.form, c.formDone = nil, false
	c.clientIP, c.clientIPOK, c.traceRoot, c.traceOK = "", false, "", false
	clear(c.values)
	c.values = c.values[:0]
	c.errorHandled = false
	c.requestID, c.traceID, c.spanID, c.coldStart = "", "", "", false
}

// Context returns the invocation's context: it carries the Lambda deadline
// and is cancelled when the invocation ends.
func (c *Context) Context() context.Context {
	if c.ctx == nil {
		return context.Background()
	}
	return c.ctx
}

// SetContext replaces the context that Context returns, for middleware that
// adds values or a tighter deadline.
func (c *Context) SetContext(ctx context.Context) { c.ctx = ctx }

// Method returns the request method, such as "GET".
func (c *Context) Method() string { return c.req.method }

// RawPath returns the request path exactly as the ALB delivered it: still
// percent-encoded (contract rule 12).
func (c *Context) RawPath() string { return c.req.rawPath }

// Path returns the request path, percent-decoded once. If the raw path holds
// a malformed escape, Path returns the raw path unchanged. Decoding happens
// on the first call and allocates only when the path has escapes.
func (c *Context) Path() string {
	if !c.pathDone {
		c.path, c.pathDone = unescapePath(c.req.rawPath), true
	}
	return c.path
}

// Route returns the pattern of the route that matched, such as
// "/users/:id", or "" when none did (not found, redirects, automatic
// OPTIONS).
func (c *Context) Route() string { return c.route }

// Param returns the value of the path parameter name, percent-decoded, or ""
// when the route has no such parameter.
func (c *Context) Param(name string) string {
	v, _ := c.params.get(name)
	return v
}

// Query returns the value of the query parameter key, or "" when there is
// none. Keys and values are decoded with form rules ('+' is a space),
// exactly once each time they are read, never twice; an escape that is not
// '%' and two hex digits keeps the raw text (contract rules 8-10). Keys are
// matched without allocating; only a value that holds escapes allocates. In
// single-value mode the ALB keeps only the last value of a repeated key; in
// multi-value mode Query returns the first.
func (c *Context) Query(key string) string {
	v, _ := c.req.queryValue(key)
	return v
}

// LookupQuery is Query, also reporting whether the key is present (possibly
// with an empty value).
func (c *Context) LookupQuery(key string) (string, bool) { return c.req.queryValue(key) }

// QueryValues returns every value of the query parameter key, decoded, in
// the order the event lists them; nil when there is none. In single-value
// mode the ALB sends one value per raw key, but raw keys that decode alike
// ("a" and "%61") are separate.
func (c *Context) QueryValues(key string) []string {
	var vs []string
	for _, f := range c.req.query {
		if queryKeyEqual(f.name, key) {
			vs = append(vs, c.req.unescapeQuery(f.value))
		}
	}
	return vs
}

// RawQuery returns the query string rebuilt from the event's raw keys and
// values: "k=v" pairs joined with '&', still percent-encoded, without a
// leading '?' (contract rule 11). The ALB does not keep the order of
// different keys, nor the difference between "?a" and "?a=".
func (c *Context) RawQuery() string {
	if !c.rawQueryOK {
		if len(c.req.query) > 0 {
			c.rawQuery = string(c.req.appendRawQuery(nil))
		}
		c.rawQueryOK = true
	}
	return c.rawQuery
}

// Header returns the value of the request header name, matched
// case-insensitively, or "" when there is none. In single-value mode the ALB
// keeps only the last of repeated headers; in multi-value mode Header returns
// the first value (HeaderValues returns all). The value is copied out of the
// pooled buffer the event is decoded in, into the request's spare room:
// reading a few headers allocates nothing.
func (c *Context) Header(name string) string {
	v, _ := c.req.header(name)
	return c.req.stable(v)
}

// HeaderValues returns every value of the request header name, matched
// case-insensitively, in order; nil when there is none. A header line is
// never split at commas. In single-value mode the ALB sends one value per
// (lower-cased) name, so there is at most one: the value Header returns.
func (c *Context) HeaderValues(name string) []string {
	var vs []string
	for _, f := range c.req.headers {
		if equalFold(f.name, name) {
			vs = append(vs, f.value)
		}
	}
	if !c.req.multiValue && len(vs) > 1 {
		vs = vs[len(vs)-1:]
	}
	for i, v := range vs {
		vs[i] = c.req.stable(v)
	}
	return vs
}

// cookieLines calls fn for each Cookie header line the request carries:
// the one line in single-value mode, every line in multi-value mode
// (contract rule 15). fn returns false to stop.
func (c *Context) cookieLines(fn func(line string) bool) {
	if !c.req.multiValue {
		if line, ok := c.req.header("cookie"); ok {
			fn(line)
		}
		return
	}
	for _, f := range c.req.headers {
		if equalFold(f.name, "cookie") && !fn(f.value) {
			return
		}
	}
}

// Cookie returns the value of the first request cookie called name, and
// whether there is one. Values are returned as sent, without
// percent-decoding (contract rule 15); surrounding double quotes are
// removed, as net/http does.
func (c *Context) Cookie(name string) (string, bool) {
	value, found := "", false
	c.cookieLines(func(line string) bool {
		for line != "" {
			var pair string
			pair, line, _ = strings.Cut(line, ";")
			k, v, _ := strings.Cut(trimOWS(pair), "=")
			if k == name {
				value, found = unquoteCookie(v), true
				return false
			}
		}
		return true
	})
	return c.req.stable(value), found
}

// Cookies returns every request cookie with a valid name, in order. It
// allocates; Cookie copies the value it returns into the request's spare
// room, as Header does.
func (c *Context) Cookies() []*http.Cookie {
	var cookies []*http.Cookie
	c.cookieLines(func(line string) bool {
		for line != "" {
			var pair string
			pair, line, _ = strings.Cut(line, ";")
			k, v, _ := strings.Cut(trimOWS(pair), "=")
			if validHeaderName(k) {
				cookies = append(cookies, &http.Cookie{Name: c.req.stable(k), Value: c.req.stable(unquoteCookie(v))})
			}
		}
		return true
	})
	return cookies
}

func unquoteCookie(v string) string {
	if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

// Body returns the request body, base64-decoded when the event flagged it
// (contract rule 17: the flag decides, never the content type). The slice
// must not be modified.
func (c *Context) Body() []byte { return c.body }

// BindJSON decodes the JSON request body into v with the router's
// JSONCodec. The default, JSONv2, matches member names to fields exactly
// (case included) and refuses duplicate member names and invalid UTF-8;
// StandardJSON behaves as encoding/json. (Before JSONv2 was the default,
// BindJSON had encoding/json's semantics.)
//
// The request's Content-Type must be a JSON media type: application/json
// or application/<anything>+json, in any case, with or without parameters
// such as charset. Any other Content-Type, or none, gives an *HTTPError
// with status 415 Unsupported Media Type and nothing is decoded: text/plain
// and the form types are what a page on another site can make a browser
// send without a CORS preflight, so a JSON endpoint that accepted them
// would be open to cross-site request forgery. (Before this check, BindJSON
// read the body whatever its Content-Type.)
//
// A missing or malformed body, or one whose values have the wrong types,
// gives an *HTTPError with status 400 and a message that says what is
// wrong.
func (c *Context) BindJSON(v any) error { return c.bindJSON(v, false) }

// BindJSONStrict is BindJSON that also rejects fields v does not have.
func (c *Context) BindJSONStrict(v any) error { return c.bindJSON(v, true) }

// isJSONMediaType reports whether a Content-Type value names JSON:
// application/json or application/*+json, ignoring parameters and ASCII
// case.
func isJSONMediaType(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = trimOWS(mt)
	sub, ok := cutPrefixFold(mt, "application/")
	if !ok {
		return false
	}
	if equalFold(sub, "json") {
		return true
	}
	// application/<name>+json, with a non-empty name (RFC 6839).
	return len(sub) > len("+json") && equalFold(sub[len(sub)-len("+json"):], "+json") &&
		!strings.ContainsAny(sub, " \t/")
}

// cutPrefixFold is strings.CutPrefix with prefix matched ASCII
// case-insensitively; prefix must be lower case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !equalFoldLower(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

func (c *Context) bindJSON(v any, strict bool) error {
	if ct, ok := c.req.header("Content-Type"); !ok || !isJSONMediaType(ct) {
		msg := "Content-Type " + strconv.Quote(ct) + " is not JSON; application/json expected"
		if !ok {
			msg = "Content-Type is missing; application/json expected"
		}
		return &HTTPError{Status: http.StatusUnsupportedMediaType, Message: msg}
	}
	if len(bytes.TrimSpace(c.body)) == 0 {
		return &HTTPError{Status: http.StatusBadRequest, Message: "request body is empty; JSON expected"}
	}
	err := c.router.jsonCodec().Unmarshal(c.body, v, strict)
	if err == nil {
		return nil
	}
	var jerr *JSONError
	if !errors.As(err, &jerr) {
		return err // v is not a non-nil pointer: a bug in the handler, a 500
	}
	return &HTTPError{Status: http.StatusBadRequest, Message: jerr.Error(), Err: err}
}

// FormValue returns the first value of the form field name: from the body
// when it is application/x-www-form-urlencoded, otherwise, or when the body
// does not have the field, from the query (decoded as Query does). The body
// is parsed once, on first use.
func (c *Context) FormValue(name string) string {
	if !c.formDone {
		c.formDone = true
		ct, _, _ := strings.Cut(c.Header("Content-Type"), ";")
		if equalFold(trimOWS(ct), "application/x-www-form-urlencoded") {
			// ParseQuery keeps the pairs it can parse; a bad pair is skipped.
			c.form, _ = url.ParseQuery(string(c.body))
		}
	}
	if vs := c.form[name]; len(vs) > 0 {
		return vs[0]
	}
	return c.Query(name)
}

// ClientIP returns the address of the client as the ALB saw it, from
// X-Forwarded-For (contract rule 7): the ALB appends the address of the peer
// that connected to it, so ClientIP takes the right-most entry, skipping the
// router's TrustedProxyHops entries appended by proxies in front of the ALB.
// Entries to the left of that are written by the client and never trusted.
// A port (xff_client_port) and an IPv6 zone ("%eth0") are removed.
// ClientIP returns "" when there is no such entry or it is not an IP
// address (a zone that is not an interface name makes it not one), as on
// health checks.
func (c *Context) ClientIP() string {
	if !c.clientIPOK { // each record of Logger asks
		c.clientIP, c.clientIPOK = c.findClientIP(), true
	}
	return c.clientIP
}

// findClientIP is ClientIP's work, done once per request.
func (c *Context) findClientIP() string {
	skip := c.router.cfg.trustedProxyHops
	// Walk the lines from the last: the ALB appends to the last one.
	for i := len(c.req.headers) - 1; i >= 0; i-- {
		f := c.req.headers[i]
		if !equalFold(f.name, "x-forwarded-for") {
			continue
		}
		list := f.value
		for list != "" {
			var entry string
			if j := strings.LastIndexByte(list, ','); j >= 0 {
				entry, list = list[j+1:], list[:j]
			} else {
				entry, list = list, ""
			}
			entry = trimOWS(entry)
			if entry == "" {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			return c.req.stable(clientAddr(entry))
		}
		if !c.req.multiValue {
			break // single-value mode: only the last line counts
		}
	}
	return ""
}

// clientAddr returns the address in an X-Forwarded-For entry, without a
// port, or "" when the entry is not an address.
func clientAddr(entry string) string {
	host := entry
	if v6, ok := strings.CutPrefix(entry, "["); ok { // [v6] or [v6]:port
		var rest string
		host, rest, ok = strings.Cut(v6, "]")
		if !ok || rest != "" && (rest[0] != ':' || !isPort(rest[1:])) {
			return ""
		}
	} else if strings.Count(entry, ":") == 1 { // v4:port
		var port string
		host, port, _ = strings.Cut(entry, ":")
		if !isPort(port) {
			return ""
		}
	}
	if i := strings.IndexByte(host, '%'); i >= 0 {
		// An IPv6 zone ("fe80::1%eth0") names an interface of the machine
		// that wrote it and means nothing to this one: the address is
		// returned without it. A zone that is not an interface name or
		// index makes the entry not an address.
		if !validZone(host[i+1:]) {
			return ""
		}
		host = host[:i]
		if ip, err := netip.ParseAddr(host); err != nil || !ip.Is6() {
			return ""
		}
		return host
	}
	if _, err := netip.ParseAddr(host); err != nil {
		return ""
	}
	return host
}

// validZone reports whether s can be an IPv6 zone: an interface name or
// index of 1 to 15 letters, digits, '.', '-' or '_' (Linux's limit on
// interface names).
func validZone(s string) bool {
	if s == "" || len(s) > 15 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// isPort reports whether s is a decimal port number.
func isPort(s string) bool {
	_, err := strconv.ParseUint(s, 10, 16)
	return err == nil
}

// TraceID returns the X-Amzn-Trace-Id header the ALB adds ("Root=1-..."),
// or "" when there is none, as on health checks.
func (c *Context) TraceID() string { return c.Header("X-Amzn-Trace-Id") }

// TargetGroupARN returns the ARN of the target group that invoked the
// function.
func (c *Context) TargetGroupARN() string { return c.req.targetGroupARN }

// IsHealthCheck reports whether the request is an ALB health check: a GET
// or HEAD whose User-Agent starts with "ELB-HealthChecker/" (contract rule
// 32) and that has neither X-Amzn-Trace-Id nor X-Forwarded-Proto, which the
// ALB adds to every client request and never to a health check (rule 14).
// A client can send the User-Agent; it cannot remove what the ALB adds, so
// it cannot pass for a health check (and, say, stay out of an access log).
func (c *Context) IsHealthCheck() bool {
	if c.req.method != http.MethodGet && c.req.method != http.MethodHead {
		return false
	}
	if _, ok := c.req.header("X-Amzn-Trace-Id"); ok {
		return false
	}
	if _, ok := c.req.header("X-Forwarded-Proto"); ok {
		return false
	}
	ua, _ := c.req.header("User-Agent")
	return strings.HasPrefix(ua, "ELB-HealthChecker/")
}

// MultiValue reports whether the target group sends multi-value headers
// (lambda.multi_value_headers.enabled); the response answers in the same
// mode.
func (c *Context) MultiValue() bool { return c.req.multiValue }

// Set stores a request-scoped value under key, replacing any earlier value.
// Keys are compared with ==; packages should use an unexported type for
// their keys, as with context.WithValue.
func (c *Context) Set(key, value any) {
	for i := range c.values {
		if c.values[i].key == key {
			c.values[i].value = value
			return
		}
	}
	c.values = append(c.values, contextValue{key, value})
}

// Get returns the value stored under key by Set, or nil.
func (c *Context) Get(key any) any {
	for i := range c.values {
		if c.values[i].key == key {
			return c.values[i].value
		}
	}
	return nil
}

// Event returns the request as an events.ALBTargetGroupRequest, in the
// request's mode, for code that needs the typed event. It allocates a new
// event on every call.
func (c *Context) Event() events.ALBTargetGroupRequest {
	ev := events.ALBTargetGroupRequest{
		HTTPMethod:      c.req.method,
		Path:            c.req.rawPath,
		IsBase64Encoded: c.req.isBase64,
		Body:            c.req.stable(c.req.body),
		RequestContext: events.ALBTargetGroupRequestContext{
			ELB: events.ELBContext{TargetGroupArn: c.req.targetGroupARN},
		},
	}
	if c.req.multiValue {
		ev.MultiValueHeaders = map[string][]string{}
		ev.MultiValueQueryStringParameters = map[string][]string{}
		for _, f := range c.req.headers {
			name := c.req.stable(f.name)
			ev.MultiValueHeaders[name] = append(ev.MultiValueHeaders[name], c.req.stable(f.value))
		}
		for _, f := range c.req.query {
			ev.MultiValueQueryStringParameters[f.name] = append(ev.MultiValueQueryStringParameters[f.name], f.value)
		}
	} else {
		ev.Headers = map[string]string{}
		ev.QueryStringParameters = map[string]string{}
		for _, f := range c.req.headers {
			ev.Headers[c.req.stable(f.name)] = c.req.stable(f.value)
		}
		for _, f := range c.req.query {
			ev.QueryStringParameters[f.name] = f.value
		}
	}
	return ev
}

// Copy returns a Context that a goroutine may keep after the handler
// returns: the request side (method, path, parameters, query, headers,
// body, values set so far) and what the router decided about the request
// (the matched route, the target of an automatic redirect) are copied out
// of pooled storage, and its context is no longer cancelled with the
// invocation's. A handler, hook or middleware behaves on the copy exactly
// as on c. Its response side starts empty and is detached: what is written
// to it is never sent, unless SendResponseOf passes it to the original
// Context.
func (c *Context) Copy() *Context {
	cp := &Context{
		router:   c.router,
		ctx:      context.WithoutCancel(c.Context()),
		params:   c.params,
		route:    c.route,
		body:     c.body,
		redirect: c.redirect,

		requestID: c.RequestID(),
		traceID:   c.traceID,
		spanID:    c.spanID,
		coldStart: c.coldStart,
	}
	cp.req = c.req
	// The copy gets its own collections and headers out of c's pooled
	// buffer; the free room stays c's, as two carvers would share it.
	cp.req.detach()
	cp.values = append([]contextValue(nil), c.values...)
	return cp
}

// SendResponseOf makes the response built on cp, a Copy of c, c's
// response: its status, body and body encoding, and its headers, which
// replace c's headers of the same names; c's other headers are kept (those
// that middleware outside the copy set). Middleware that runs the handler on
// a copy (to abandon it at a deadline, say) calls it once the handler has
// returned. cp must not be used afterwards.
func (c *Context) SendResponseOf(cp *Context) {
	c.errorHandled = c.errorHandled || cp.errorHandled
	for _, f := range cp.resp.headers {
		c.DelHeader(f.name)
	}
	c.resp.headers = append(c.resp.headers, cp.resp.headers...)
	c.resp.status = cp.resp.status
	c.resp.body = cp.resp.body
	c.resp.encoding = cp.resp.encoding
}

// HandleError answers err now, through the router's ErrorHandler, instead
// of after the chain returns. Middleware that must see the final response
// (an access log, say) calls it with the error its handler returned, and
// may still return the error to the middleware around it: once HandleError
// has run, the router does not answer an error the chain returns again. A
// nil err does nothing.
func (c *Context) HandleError(err error) {
	if err == nil {
		return
	}
	c.errorHandled = true
	c.router.handleError(c, err)
}

// ResetResponse discards the response built so far: status, headers, body
// and body encoding. Middleware that answers instead of a failed handler
// (after a panic, say) starts from it.
func (c *Context) ResetResponse() { c.resp.reset() }

// Response side.

// Status sets the response status code, for a response that has no body
// yet or whose body is set otherwise.
func (c *Context) Status(code int) { c.resp.status = code }

// ResponseStatus returns the status of the response built so far: 200 when
// none was set.
func (c *Context) ResponseStatus() int {
	if c.resp.status == 0 {
		return http.StatusOK
	}
	return c.resp.status
}

// ResponseHeader returns the first value of the response header name set so
// far, matched case-insensitively, or "".
func (c *Context) ResponseHeader(name string) string {
	for _, f := range c.resp.headers {
		if equalFold(f.name, name) {
			return f.value
		}
	}
	return ""
}

// ResponseBody returns the response body set so far. The slice must not be
// modified.
func (c *Context) ResponseBody() []byte { return c.resp.body }

// SetHeader sets the response header name to value, replacing any values it
// had (names match case-insensitively). Headers that HTTP forbids in a
// response from the function (hop-by-hop, Content-Length) and invalid names
// or values are dropped when the response is encoded, with a warning for
// invalid ones.
func (c *Context) SetHeader(name, value string) {
	c.DelHeader(name)
	c.resp.headers = append(c.resp.headers, field{name, value})
}

// AddHeader adds value to the response header name, keeping the values it
// had. In multi-value mode each value is its own array element; in
// single-value mode the values are joined with ", ", except Set-Cookie (see
// Router.SetCookiePolicy).
func (c *Context) AddHeader(name, value string) {
	c.resp.headers = append(c.resp.headers, field{name, value})
}

// DelHeader removes every value of the response header name.
func (c *Context) DelHeader(name string) {
	hs := c.resp.headers
	i := 0
	for i < len(hs) && !equalFold(hs[i].name, name) {
		i++
	}
	if i == len(hs) {
		return // the usual case: nothing to remove, nothing to rewrite
	}
	kept := hs[:i]
	for _, f := range hs[i+1:] {
		if !equalFold(f.name, name) {
			kept = append(kept, f)
		}
	}
	clear(hs[len(kept):])
	c.resp.headers = kept
}

// SetCookie adds a Set-Cookie header for cookie, serialised exactly as
// cookie.String() in net/http does. A cookie whose name is not a valid
// token is dropped and logged. Attribute bytes that net/http drops (control
// characters, ';' and, in the value, '"' and '\\') and an invalid Domain
// are left out as net/http leaves them out, and logged on the router's
// Logger rather than the standard log package; an Expires before 1601 is
// left out silently, as net/http does.
func (c *Context) SetCookie(cookie *http.Cookie) {
	b, ok, sanitised := appendSetCookie(c.req.tail(setCookieSize(cookie)), cookie)
	if !ok {
		name := ""
		if cookie != nil {
			name = strconv.Quote(cookie.Name)
		}
		c.router.logger().Warn("alb: dropped an invalid cookie", "name", name)
		warnhook.Report(c.Context(), "alb: dropped an invalid cookie", slog.String("name", name))
		return
	}
	if sanitised {
		name := strconv.Quote(cookie.Name)
		c.router.logger().Warn("alb: left invalid attribute bytes out of a cookie", "name", name)
		warnhook.Report(c.Context(), "alb: left invalid attribute bytes out of a cookie", slog.String("name", name))
	}
	c.AddHeader("Set-Cookie", c.req.keep(b))
}

// SetBodyEncoding overrides how the response body goes on the wire. The
// default, BodyAuto, sends text types as text and everything else as base64;
// a text body too large for the ALB as text goes as base64 when that fits
// (see BodyEncoding). The client receives the same bytes either way.
func (c *Context) SetBodyEncoding(enc BodyEncoding) { c.resp.encoding = enc }

// Blob sends data with the given status and Content-Type. An empty
// contentType leaves the Content-Type header as it is. The body is encoded
// after the handler and all middleware have returned, so data must not be
// modified until Invoke (or ServeEvent) returns: a pooled buffer goes back
// to its pool only after that.
func (c *Context) Blob(status int, contentType string, data []byte) error {
	if contentType != "" {
		c.SetHeader("Content-Type", contentType)
	}
	c.resp.status = status
	c.resp.body = data
	return nil
}

// String sends s as text/plain; charset=utf-8.
func (c *Context) String(status int, s string) error {
	return c.Blob(status, "text/plain; charset=utf-8", stringBytes(s))
}

// HTML sends html as text/html; charset=utf-8.
func (c *Context) HTML(status int, html string) error {
	return c.Blob(status, "text/html; charset=utf-8", stringBytes(html))
}

// JSON sends v encoded by the router's JSONCodec as application/json. If
// v cannot be encoded, JSON sends nothing and returns the error. The
// encoded body is memory of its own, never reused. With the default codec,
// JSONv2, a pointer (c.JSON(200, &v)) saves the copy JSON v2 makes of a
// struct passed by value.
func (c *Context) JSON(status int, v any) error {
	b, err := c.router.jsonCodec().AppendMarshal(nil, v)
	if err != nil {
		return err
	}
	return c.Blob(status, "application/json", b)
}

// NoContent sends the status with no body.
func (c *Context) NoContent(status int) error {
	c.resp.status = status
	c.resp.body = nil
	return nil
}

// Redirect sends a redirect to location with status, which must be a 3xx
// code. location is sent as it is: a path ("/login") is resolved by the
// client against the URL it asked for. Redirect returns an error and sends
// nothing when status is not 3xx, when location holds a control byte
// (below 0x20, such as CR, LF and NUL, or DEL), which could split or
// truncate the header, or when it is not valid UTF-8, which no header
// value can carry; returned from a handler, that error becomes a 500.
func (c *Context) Redirect(status int, location string) error {
	if status < 300 || status > 399 {
		return errors.New("alb: redirect status " + strconv.Itoa(status) + " is not 3xx")
	}
	for i := 0; i < len(location); i++ {
		if b := location[i]; b < 0x20 || b == 0x7f {
			return errors.New("alb: redirect location " + strconv.Quote(location) + " holds a control character")
		}
	}
	if !utf8.ValidString(location) {
		return errors.New("alb: redirect location " + strconv.Quote(location) + " is not valid UTF-8")
	}
	c.SetHeader("Location", location)
	return c.NoContent(status)
}

// stringBytes returns s's bytes without copying; they must not be modified.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
