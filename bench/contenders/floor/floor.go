// Package floor serves the benchmark application with the least work that
// still produces alb's exact response bytes: a pooled fastjson parser for
// the event and the order, a small segment matcher for the routes, and an
// append-only encoder that writes the response JSON, the JSON body already
// escaped for its place inside it. There is no framework, no reflection
// and no map.
//
// It does per request what the application asks: it decodes the query,
// parses the order, base64-encodes the PNG and escapes every string. It
// caches no response. It is a measuring stick, not a design to copy: it
// has no middleware, no hooks, no header API, and it checks only what this
// application needs.
package floor

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/valyala/fastjson"

	"github.com/albkit/alb/bench/app"
)

// Handler is the application. It implements lambda.Handler and is safe for
// concurrent use.
type Handler struct {
	trees map[string]*node // by method
	pool  sync.Pool        // *state
}

// route kinds.
const (
	kindSearch = iota
	kindOrder
	kindSession
	kindLogo
	kindRest
)

type route struct {
	kind    int
	pattern string
	sorted  []int // parameter indexes in name order, for the REST answer
}

// node is one path segment of a method's route tree.
type node struct {
	seg       string
	static    []*node
	param     *node  // ":name" child
	paramName string // of param
	catchAll  string // "*name" child's name, "" if none
	catchRt   *route
	rt        *route
}

// maxParams is the most parameters a route of the table has.
const maxParams = 4

type param struct {
	name  string
	value []byte
}

// state is the per-invocation scratch memory, pooled.
type state struct {
	event, order fastjson.Parser
	params       [maxParams]param
	n            int
	scratch      []byte // decoded query values, the order body
	out          []byte // the response being built
}

// maxPooled is the largest buffer a state keeps when it goes back to the
// pool.
const maxPooled = 64 << 10

// New returns the application.
func New() *Handler {
	h := &Handler{trees: map[string]*node{}}
	h.pool.New = func() any { return new(state) }
	h.add("GET", "/search", &route{kind: kindSearch})
	h.add("POST", "/orders", &route{kind: kindOrder})
	h.add("GET", "/session", &route{kind: kindSession})
	h.add("GET", "/logo.png", &route{kind: kindLogo})
	for _, rt := range app.RestRoutes {
		names := app.ParamNames(rt.Pattern)
		sorted := make([]int, len(names))
		for i := range sorted {
			sorted[i] = i
		}
		for i := 1; i < len(sorted); i++ { // insertion sort by name
			for j := i; j > 0 && names[sorted[j]] < names[sorted[j-1]]; j-- {
				sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
			}
		}
		h.add(rt.Method, rt.Pattern, &route{kind: kindRest, pattern: rt.Pattern, sorted: sorted})
	}
	return h
}

func (h *Handler) add(method, pattern string, rt *route) {
	n := h.trees[method]
	if n == nil {
		n = &node{}
		h.trees[method] = n
	}
	for seg := range strings.SplitSeq(pattern[1:], "/") {
		switch seg[0] {
		case ':':
			if n.param == nil {
				n.param, n.paramName = &node{}, seg[1:]
			}
			n = n.param
		case '*':
			n.catchAll, n.catchRt = seg[1:], rt
			return
		default:
			var next *node
			for _, c := range n.static {
				if c.seg == seg {
					next = c
				}
			}
			if next == nil {
				next = &node{seg: seg}
				n.static = append(n.static, next)
			}
			n = next
		}
	}
	n.rt = rt
}

// match finds the route for the part of path from off on (just after a
// '/'), filling s's parameters. Static segments win over parameters, with
// backtracking.
func (s *state) match(n *node, path []byte, off int) *route {
	end := off
	for end < len(path) && path[end] != '/' {
		end++
	}
	seg, more := path[off:end], end < len(path)
	for _, c := range n.static {
		if string(seg) == c.seg {
			if !more {
				if c.rt != nil {
					return c.rt
				}
			} else if rt := s.match(c, path, end+1); rt != nil {
				return rt
			}
		}
	}
	if n.param != nil && len(seg) > 0 && s.n < maxParams {
		s.params[s.n] = param{n.paramName, seg}
		s.n++
		if !more {
			if n.param.rt != nil {
				return n.param.rt
			}
		} else if rt := s.match(n.param, path, end+1); rt != nil {
			return rt
		}
		s.n--
	}
	if n.catchRt != nil && s.n < maxParams {
		// The value keeps the '/' before it, as httprouter's does.
		s.params[s.n] = param{n.catchAll, path[off-1:]}
		s.n++
		return n.catchRt
	}
	return nil
}

// Invoke serves one ALB event.
func (h *Handler) Invoke(_ context.Context, payload []byte) ([]byte, error) {
	s := h.pool.Get().(*state)
	out := h.serve(s, payload)
	res := make([]byte, len(out))
	copy(res, out)
	s.n = 0
	s.params = [maxParams]param{}
	if cap(out) <= maxPooled && cap(s.scratch) <= maxPooled {
		s.out, s.scratch = out[:0], s.scratch[:0]
		h.pool.Put(s)
	}
	return res, nil
}

func (h *Handler) serve(s *state, payload []byte) []byte {
	out := s.out[:0]
	ev, err := s.event.ParseBytes(payload)
	if err != nil || ev.Type() != fastjson.TypeObject {
		return appendError(out, false, 400, "malformed ALB event")
	}
	mvh := ev.Get("multiValueHeaders")
	multi := mvh != nil && mvh.Type() == fastjson.TypeObject
	method, path := ev.GetStringBytes("httpMethod"), ev.GetStringBytes("path")
	var rt *route
	if n := h.trees[string(method)]; n != nil && len(path) > 0 && path[0] == '/' {
		rt = s.match(n, path, 1)
	}
	if rt == nil {
		return appendError(out, multi, 404, "Not Found")
	}
	switch rt.kind {
	case kindSearch:
		return s.search(out, ev, multi)
	case kindOrder:
		return s.createOrder(out, ev, multi)
	case kindSession:
		return appendSession(out, multi)
	case kindLogo:
		return appendLogo(out, multi)
	}
	return s.rest(out, rt, multi)
}

// search answers GET /search with the decoded query and page.
func (s *state) search(out []byte, ev *fastjson.Value, multi bool) []byte {
	var q, page []byte
	field := "queryStringParameters"
	if multi {
		field = "multiValueQueryStringParameters"
	}
	if o := ev.GetObject(field); o != nil {
		o.Visit(func(key []byte, v *fastjson.Value) {
			if multi {
				a, _ := v.Array()
				if len(a) == 0 {
					return
				}
				v = a[0]
			}
			raw, err := v.StringBytes()
			if err != nil {
				return
			}
			var k []byte
			k, s.scratch = unescapeQuery(s.scratch, key)
			switch {
			case string(k) == "q" && (q == nil || !multi):
				q, s.scratch = unescapeQuery(s.scratch, raw)
			case string(k) == "page" && (page == nil || !multi):
				page, s.scratch = unescapeQuery(s.scratch, raw)
			}
		})
	}
	n, err := strconv.Atoi(string(page))
	if err != nil {
		n = 1
	}
	out = appendHead(out, 200, false, multi)
	out = appendHeader(out, multi, "Content-Type", "application/json", true)
	out = append(out, `},"body":"{\"query\":\"`...)
	out = appendEscapedTwice(out, q)
	out = append(out, `\",\"page\":`...)
	out = strconv.AppendInt(out, int64(n), 10)
	return append(out, `}"}`...)
}

// unescapeQuery decodes s with form rules ('+' is a space) into scratch,
// returning the decoded bytes (s itself when it has nothing to decode) and
// the grown scratch. A bad escape keeps the raw text.
func unescapeQuery(scratch, s []byte) ([]byte, []byte) {
	needs := false
	for _, c := range s {
		if c == '%' || c == '+' {
			needs = true
			break
		}
	}
	if !needs {
		return s, scratch
	}
	start := len(scratch)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			scratch = append(scratch, ' ')
		case '%':
			if i+2 >= len(s) || unhex(s[i+1]) < 0 || unhex(s[i+2]) < 0 {
				return s, scratch[:start]
			}
			scratch = append(scratch, byte(unhex(s[i+1])<<4|unhex(s[i+2])))
			i += 2
		default:
			scratch = append(scratch, c)
		}
	}
	return scratch[start:], scratch
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// createOrder answers POST /orders with the order's receipt.
func (s *state) createOrder(out []byte, ev *fastjson.Value, multi bool) []byte {
	body := ev.GetStringBytes("body")
	if ev.GetBool("isBase64Encoded") {
		start := len(s.scratch)
		var err error
		s.scratch, err = base64.StdEncoding.AppendDecode(s.scratch, body)
		if err != nil {
			return appendError(out, multi, 400, "request body is not valid base64")
		}
		body = s.scratch[start:]
	}
	o, err := s.order.ParseBytes(body)
	if err != nil || o.Type() != fastjson.TypeObject {
		return appendError(out, multi, 400, "the body is not a JSON object")
	}
	ref := o.Get("reference")
	if ref == nil || ref.Type() != fastjson.TypeString {
		return appendError(out, multi, 400, "reference: want a string")
	}
	reference, _ := ref.StringBytes()
	units, total := 0, 0
	for _, it := range o.GetArray("items") {
		qty, err1 := it.Get("quantity").Int()
		price, err2 := it.Get("unitPrice").Int()
		if it.Get("quantity") == nil || it.Get("unitPrice") == nil || err1 != nil || err2 != nil {
			return appendError(out, multi, 400, "items: want integer quantity and unitPrice")
		}
		units += qty
		total += qty * price
	}
	out = appendHead(out, 201, false, multi)
	out = appendHeaderPrefix(out, multi, "Location", true)
	out = append(out, "/orders/"...)
	out = appendEscapedOnce(out, reference)
	out = appendHeaderEnd(out, multi)
	out = appendHeader(out, multi, "Content-Type", "application/json", false)
	out = append(out, `},"body":"{\"id\":\"`...)
	out = appendEscapedTwice(out, reference)
	out = append(out, `\",\"status\":\"accepted\",\"units\":`...)
	out = strconv.AppendInt(out, int64(units), 10)
	out = append(out, `,\"total\":`...)
	out = strconv.AppendInt(out, int64(total), 10)
	return append(out, `}"}`...)
}

// The session answer's two cookies, under case-varied names in
// single-value mode, as alb.SetCookieCaseVariants sends them.
const (
	sessionSingle = `"headers":{"Set-Cookie":"` + app.SessionCookie + `","set-Cookie":"` + app.ThemeCookie +
		`","Content-Type":"text/plain; charset=utf-8"},"body":"` + app.SessionBody + `"}`
	sessionMulti = `"multiValueHeaders":{"Set-Cookie":["` + app.SessionCookie + `","` + app.ThemeCookie +
		`"],"Content-Type":["text/plain; charset=utf-8"]},"body":"` + app.SessionBody + `"}`
)

func appendSession(out []byte, multi bool) []byte {
	out = append(out, `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,`...)
	if multi {
		return append(out, sessionMulti...)
	}
	return append(out, sessionSingle...)
}

func appendLogo(out []byte, multi bool) []byte {
	out = appendHead(out, 200, true, multi)
	out = appendHeader(out, multi, "Cache-Control", app.LogoCacheControl, true)
	out = appendHeader(out, multi, "Content-Type", "image/png", false)
	out = append(out, `},"body":"`...)
	out = base64.StdEncoding.AppendEncode(out, app.Logo)
	return append(out, `"}`...)
}

// rest answers a REST route with its pattern and parameters, in name order
// (encoding/json's order for a map).
func (s *state) rest(out []byte, rt *route, multi bool) []byte {
	out = appendHead(out, 200, false, multi)
	out = appendHeader(out, multi, "Content-Type", "application/json", true)
	out = append(out, `},"body":"{\"route\":\"`...)
	out = appendEscapedTwice(out, []byte(rt.pattern))
	out = append(out, `\",\"params\":{`...)
	for i, pi := range rt.sorted {
		if i > 0 {
			out = append(out, ',')
		}
		p := &s.params[pi]
		out = append(out, `\"`...)
		out = appendEscapedTwice(out, []byte(p.name))
		out = append(out, `\":\"`...)
		var v []byte
		v, s.scratch = unescapePath(s.scratch, p.value)
		out = appendEscapedTwice(out, v)
		out = append(out, `\"`...)
	}
	return append(out, `}}"}`...)
}

// unescapePath percent-decodes a path parameter into scratch, keeping the
// raw text on a bad escape.
func unescapePath(scratch, s []byte) ([]byte, []byte) {
	i := 0
	for i < len(s) && s[i] != '%' {
		i++
	}
	if i == len(s) {
		return s, scratch
	}
	start := len(scratch)
	for i = 0; i < len(s); i++ {
		if c := s[i]; c != '%' {
			scratch = append(scratch, c)
			continue
		}
		if i+2 >= len(s) || unhex(s[i+1]) < 0 || unhex(s[i+2]) < 0 {
			return s, scratch[:start]
		}
		scratch = append(scratch, byte(unhex(s[i+1])<<4|unhex(s[i+2])))
		i += 2
	}
	return scratch[start:], scratch
}

func statusLine(status int) string {
	switch status {
	case 200:
		return "200 OK"
	case 201:
		return "201 Created"
	case 400:
		return "400 Bad Request"
	}
	return "404 Not Found"
}

// appendHead appends the response object up to the opening of the header
// object.
func appendHead(out []byte, status int, b64, multi bool) []byte {
	out = append(out, `{"statusCode":`...)
	out = strconv.AppendInt(out, int64(status), 10)
	out = append(out, `,"statusDescription":"`...)
	out = append(out, statusLine(status)...)
	if b64 {
		out = append(out, `","isBase64Encoded":true,`...)
	} else {
		out = append(out, `","isBase64Encoded":false,`...)
	}
	if multi {
		return append(out, `"multiValueHeaders":{`...)
	}
	return append(out, `"headers":{`...)
}

// appendHeader appends one header of the header object; name and value
// need no escaping.
func appendHeader(out []byte, multi bool, name, value string, first bool) []byte {
	out = appendHeaderPrefix(out, multi, name, first)
	out = append(out, value...)
	return appendHeaderEnd(out, multi)
}

func appendHeaderPrefix(out []byte, multi bool, name string, first bool) []byte {
	if !first {
		out = append(out, ',')
	}
	out = append(out, '"')
	out = append(out, name...)
	if multi {
		return append(out, `":["`...)
	}
	return append(out, `":"`...)
}

func appendHeaderEnd(out []byte, multi bool) []byte {
	if multi {
		return append(out, `"]`...)
	}
	return append(out, '"')
}

// appendError answers status with a JSON message, as alb's
// DefaultErrorHandler does.
func appendError(out []byte, multi bool, status int, msg string) []byte {
	out = appendHead(out, status, false, multi)
	out = appendHeader(out, multi, "Content-Type", "application/json", true)
	out = append(out, `},"body":"{\"message\":\"`...)
	out = appendEscapedTwice(out, []byte(msg))
	return append(out, `\"}"}`...)
}

const hexDigits = "0123456789abcdef"

// appendEscapedOnce appends s escaped for the inside of a JSON string,
// the way alb's encoder escapes header values: '"', '\\' and control
// bytes. s must be valid UTF-8.
func appendEscapedOnce(out, s []byte) []byte {
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c < 0x20:
			out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			out = append(out, c)
		}
	}
	return out
}

// appendEscapedTwice appends s as encoding/json escapes a string value
// (HTML-safe), itself escaped for the inside of the response's "body"
// string: a JSON body written directly in its final place.
func appendEscapedTwice(out, s []byte) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(s[i:])
			if r != utf8.RuneError && r != '\u2028' && r != '\u2029' {
				i += size
				continue
			}
			out = append(out, s[start:i]...)
			switch {
			case r == utf8.RuneError && size == 1:
				out = append(out, `\\ufffd`...)
			case r == utf8.RuneError:
				out = append(out, s[i:i+size]...)
			default:
				out = append(out, `\\u202`...)
				out = append(out, hexDigits[r&15])
			}
			i += size
			start = i
			continue
		}
		out = append(out, s[start:i]...)
		switch c {
		case '"':
			out = append(out, `\\\"`...)
		case '\\':
			out = append(out, `\\\\`...)
		case '\n':
			out = append(out, `\\n`...)
		case '\r':
			out = append(out, `\\r`...)
		case '\t':
			out = append(out, `\\t`...)
		case '\b':
			out = append(out, `\\b`...)
		case '\f':
			out = append(out, `\\f`...)
		default: // other controls, '<', '>', '&'
			out = append(out, '\\', '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		}
		i++
		start = i
	}
	return append(out, s[start:]...)
}
