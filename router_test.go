package alb

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/albkit/alb/internal/albcheck"
)

// testTargetGroupARN is the target group of the events testEvent builds.
const testTargetGroupARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/test/0123456789abcdef"

// eventSpec describes an ALB event for testEvent.
type eventSpec struct {
	method  string      // "" means GET
	path    string      // "" means "/"
	headers [][2]string // name, value, in order; a name may repeat
	query   [][2]string // raw (still percent-encoded) key, value, in order
	body    string      // as sent: base64 text when base64 is set
	base64  bool        // isBase64Encoded
	multi   bool        // multi-value mode
}

// testEvent returns the event JSON for s, as the ALB writes it in s's mode.
// In multi-value mode the values of a repeated name become one array; in
// single-value mode a repeated name is written as repeated JSON keys.
func testEvent(tb testing.TB, s eventSpec) []byte {
	tb.Helper()
	method, path := s.method, s.path
	if method == "" {
		method = http.MethodGet
	}
	if path == "" {
		path = "/"
	}
	var b strings.Builder
	b.WriteString(`{"requestContext":{"elb":{"targetGroupArn":` + jsonString(testTargetGroupARN) + `}},`)
	b.WriteString(`"httpMethod":` + jsonString(method) + `,"path":` + jsonString(path) + `,`)
	writeEventFields(&b, "queryStringParameters", s.query, s.multi)
	b.WriteByte(',')
	writeEventFields(&b, "headers", s.headers, s.multi)
	b.WriteString(`,"body":` + jsonString(s.body) + `,"isBase64Encoded":` + strconv.FormatBool(s.base64) + `}`)
	return []byte(b.String())
}

// writeEventFields writes a header or query object in the form of the mode.
func writeEventFields(b *strings.Builder, key string, fields [][2]string, multi bool) {
	if !multi {
		b.WriteString(`"` + key + `":{`)
		for i, f := range fields {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(jsonString(f[0]) + ":" + jsonString(f[1]))
		}
		b.WriteByte('}')
		return
	}
	b.WriteString(`"multiValue` + strings.ToUpper(key[:1]) + key[1:] + `":{`)
	var names []string
	values := map[string][]string{}
	for _, f := range fields {
		if _, ok := values[f[0]]; !ok {
			names = append(names, f[0])
		}
		values[f[0]] = append(values[f[0]], f[1])
	}
	for i, name := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(jsonString(name) + ":[")
		for j, v := range values[name] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(jsonString(v))
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
}

// jsonString returns s as a JSON string literal.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// modeLabel names a mode for subtests.
func modeLabel(multi bool) string {
	if multi {
		return "multi-value"
	}
	return "single-value"
}

// bothModes is the list of modes that tests run in.
var bothModes = []bool{false, true}

// wireResponse is a decoded ALB response.
type wireResponse struct {
	status      int
	description string
	base64      bool
	multi       bool
	headers     map[string][]string // names as sent; one value each in single-value mode
	body        []byte              // base64-decoded when flagged
	bodyField   string              // the "body" string as sent
	raw         []byte
}

// header returns the first value of the response header name, matched
// case-insensitively, or "".
func (w *wireResponse) header(name string) string {
	if vs := w.values(name); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// values returns the values of the response header name, matched
// case-insensitively; nil when it is absent.
func (w *wireResponse) values(name string) []string {
	for _, k := range slices.Sorted(maps.Keys(w.headers)) {
		if strings.EqualFold(k, name) {
			return w.headers[k]
		}
	}
	return nil
}

// decodeWire decodes and checks the response JSON out: it must be an object
// with exactly statusCode (an integer), statusDescription, isBase64Encoded,
// body and the header field of the mode, and no null anywhere.
func decodeWire(tb testing.TB, out []byte, multi bool) *wireResponse {
	tb.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(out, &obj); err != nil {
		tb.Fatalf("response is not a JSON object: %v\n%s", err, out)
	}
	headerKey, otherKey := "headers", "multiValueHeaders"
	if multi {
		headerKey, otherKey = otherKey, headerKey
	}
	if _, ok := obj[otherKey]; ok {
		tb.Errorf("response has %q in %s mode: %s", otherKey, modeLabel(multi), out)
	}
	for _, k := range []string{"statusCode", "statusDescription", "isBase64Encoded", "body", headerKey} {
		v, ok := obj[k]
		if !ok {
			tb.Fatalf("response has no %q: %s", k, out)
		}
		if string(v) == "null" {
			tb.Fatalf("response has %q: null: %s", k, out)
		}
	}
	if len(obj) != 5 {
		tb.Errorf("response has %d keys, want 5: %s", len(obj), out)
	}
	var tree any
	if err := json.Unmarshal(out, &tree); err != nil || hasJSONNull(tree) {
		tb.Errorf("response holds a JSON null: %s", out)
	}
	w := &wireResponse{multi: multi, raw: out, headers: map[string][]string{}}
	if err := json.Unmarshal(obj["statusCode"], &w.status); err != nil {
		tb.Fatalf("statusCode is not an integer: %v: %s", err, out)
	}
	if err := json.Unmarshal(obj["statusDescription"], &w.description); err != nil {
		tb.Fatalf("statusDescription is not a string: %v: %s", err, out)
	}
	if !strings.HasPrefix(w.description, strconv.Itoa(w.status)+" ") {
		tb.Errorf("statusDescription = %q, want it to start with %q", w.description, strconv.Itoa(w.status)+" ")
	}
	if err := json.Unmarshal(obj["isBase64Encoded"], &w.base64); err != nil {
		tb.Fatalf("isBase64Encoded is not a boolean: %v: %s", err, out)
	}
	if err := json.Unmarshal(obj["body"], &w.bodyField); err != nil {
		tb.Fatalf("body is not a string: %v: %s", err, out)
	}
	if multi {
		if err := json.Unmarshal(obj[headerKey], &w.headers); err != nil {
			tb.Fatalf("multiValueHeaders is not an object of string arrays: %v: %s", err, out)
		}
		for k, vs := range w.headers {
			if vs == nil {
				tb.Errorf("multiValueHeaders[%q] is null: %s", k, out)
			}
		}
	} else {
		var hs map[string]string
		if err := json.Unmarshal(obj[headerKey], &hs); err != nil {
			tb.Fatalf("headers is not an object of strings: %v: %s", err, out)
		}
		for k, v := range hs {
			w.headers[k] = []string{v}
		}
	}
	w.body = []byte(w.bodyField)
	if w.base64 {
		b, err := base64.StdEncoding.DecodeString(w.bodyField)
		if err != nil {
			tb.Fatalf("body is flagged base64 but does not decode: %v", err)
		}
		w.body = b
	}
	return w
}

// hasJSONNull reports whether a decoded JSON value holds a null.
func hasJSONNull(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		for _, e := range v {
			if hasJSONNull(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasJSONNull(e) {
				return true
			}
		}
	}
	return false
}

// rtInvoke invokes r with event, checks that Invoke returns no error,
// and decodes the response of the mode.
func rtInvoke(tb testing.TB, r *Router, event []byte, multi bool) *wireResponse {
	tb.Helper()
	out, err := r.Invoke(context.Background(), event)
	if err != nil {
		tb.Fatalf("Invoke error = %v, want nil", err)
	}
	return decodeWire(tb, out, multi)
}

// rtInvokeSpec invokes r with the event for s.
func rtInvokeSpec(tb testing.TB, r *Router, s eventSpec) *wireResponse {
	tb.Helper()
	return rtInvoke(tb, r, testEvent(tb, s), s.multi)
}

// bufferLogger returns a logger writing text lines into the returned buffer.
func bufferLogger() (*slog.Logger, *bytes.Buffer) {
	buf := new(bytes.Buffer)
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// logLines returns the lines of buf that contain substr.
func logLines(buf *bytes.Buffer, substr string) []string {
	var lines []string
	for line := range strings.Lines(buf.String()) {
		if strings.Contains(line, substr) {
			lines = append(lines, line)
		}
	}
	return lines
}

// text returns a handler that answers 200 with body as text.
func textHandler(body string) HandlerFunc {
	return func(c *Context) error { return c.String(http.StatusOK, body) }
}

// wantPanic calls fn and checks that it panics with a message holding every
// one of want.
func wantPanic(t *testing.T, fn func(), want ...string) {
	t.Helper()
	defer func() {
		t.Helper()
		p := recover()
		if p == nil {
			t.Errorf("no panic, want one with %q", want)
			return
		}
		msg := fmt.Sprint(p)
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Errorf("panic %q does not contain %q", msg, w)
			}
		}
	}()
	fn()
}

// recordMW returns middleware that appends "name>" before and "<name" after
// the handler it wraps.
func recordMW(log *[]string, name string) Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(c *Context) error {
			*log = append(*log, name+">")
			err := next(c)
			*log = append(*log, "<"+name)
			return err
		}
	}
}

func TestRouterRegistrationMethods(t *testing.T) {
	r := New()
	r.GET("/m", textHandler("GET"))
	r.POST("/m", textHandler("POST"))
	r.PUT("/m", textHandler("PUT"))
	r.PATCH("/m", textHandler("PATCH"))
	r.DELETE("/m", textHandler("DELETE"))
	r.HEAD("/m", func(c *Context) error { c.SetHeader("X-Method", "HEAD"); return nil })
	r.OPTIONS("/m", textHandler("OPTIONS"))
	r.Handle("PROPFIND", "/m", textHandler("PROPFIND"))
	r.Any("/any", func(c *Context) error { return c.String(http.StatusOK, "any "+c.Method()) })
	g := r.Group("/g")
	g.GET("/m", textHandler("g GET"))
	g.POST("/m", textHandler("g POST"))
	g.PUT("/m", textHandler("g PUT"))
	g.PATCH("/m", textHandler("g PATCH"))
	g.DELETE("/m", textHandler("g DELETE"))
	g.HEAD("/m", func(c *Context) error { c.SetHeader("X-Method", "g HEAD"); return nil })
	g.OPTIONS("/m", textHandler("g OPTIONS"))
	g.Handle("PROPFIND", "/m", textHandler("g PROPFIND"))
	g.Any("/any", func(c *Context) error { return c.String(http.StatusOK, "g any "+c.Method()) })

	for _, multi := range bothModes {
		for _, prefix := range []string{"", "/g"} {
			label := ""
			if prefix != "" {
				label = "g "
			}
			for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"} {
				w := rtInvokeSpec(t, r, eventSpec{method: m, path: prefix + "/m", multi: multi})
				if got, want := string(w.body), label+m; w.status != 200 || got != want {
					t.Errorf("%s %s %s/m = %d %q, want 200 %q", modeLabel(multi), m, prefix, w.status, got, want)
				}
			}
			w := rtInvokeSpec(t, r, eventSpec{method: "HEAD", path: prefix + "/m", multi: multi})
			if got, want := w.header("X-Method"), label+"HEAD"; w.status != 200 || got != want {
				t.Errorf("%s HEAD %s/m: status %d, X-Method %q, want 200 %q", modeLabel(multi), prefix, w.status, got, want)
			}
			for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
				w := rtInvokeSpec(t, r, eventSpec{method: m, path: prefix + "/any", multi: multi})
				if got, want := string(w.body), label+"any "+m; w.status != 200 || got != want {
					t.Errorf("%s %s %s/any = %d %q, want 200 %q", modeLabel(multi), m, prefix, w.status, got, want)
				}
			}
			w = rtInvokeSpec(t, r, eventSpec{method: "HEAD", path: prefix + "/any", multi: multi})
			if w.status != 200 || len(w.body) != 0 {
				t.Errorf("%s HEAD %s/any = %d %q, want 200 with no body", modeLabel(multi), prefix, w.status, w.body)
			}
			// Any does not register methods beyond its list.
			w = rtInvokeSpec(t, r, eventSpec{method: "PROPFIND", path: prefix + "/any", multi: multi})
			if w.status != http.StatusMethodNotAllowed {
				t.Errorf("%s PROPFIND %s/any status = %d, want 405", modeLabel(multi), prefix, w.status)
			}
		}
	}
}

func TestRouterRegistrationPanics(t *testing.T) {
	ok := textHandler("ok")
	mw := func(next HandlerFunc) HandlerFunc { return next }
	invoke := func(r *Router) {
		if _, err := r.Invoke(context.Background(), testEvent(t, eventSpec{})); err != nil {
			t.Fatalf("Invoke error = %v, want nil", err)
		}
	}
	tests := []struct {
		name string
		fn   func(r *Router)
		want []string
	}{
		{"nil handler", func(r *Router) { r.GET("/x", nil) }, []string{`"GET /x"`, "nil handler"}},
		{"nil handler in Handle", func(r *Router) { r.Handle("PROPFIND", "/x", nil) }, []string{`"PROPFIND /x"`, "nil handler"}},
		{"empty method", func(r *Router) { r.Handle("", "/x", ok) }, []string{`" /x"`, "invalid method"}},
		{"method with a space", func(r *Router) { r.Handle("GE T", "/x", ok) }, []string{`"GE T /x"`, "invalid method"}},
		{"method with a newline", func(r *Router) { r.Handle("GET\n", "/x", ok) }, []string{`"GET\n /x"`, "invalid method"}},
		{"method with a slash", func(r *Router) { r.Handle("GET/1", "/x", ok) }, []string{`"GET/1 /x"`, "invalid method"}},
		{"empty pattern", func(r *Router) { r.GET("", ok) }, []string{`""`, "must begin with '/'"}},
		{"pattern without a leading slash", func(r *Router) { r.GET("users", ok) }, []string{`"users"`}},
		{"parameter without a name", func(r *Router) { r.GET("/users/:", ok) }, []string{`"/users/:"`, "empty name"}},
		{"catch-all without a name", func(r *Router) { r.GET("/files/*", ok) }, []string{`"/files/*"`, "empty name"}},
		{"catch-all not at the end", func(r *Router) { r.GET("/files/*path/x", ok) }, []string{`"/files/*path/x"`}},
		{"catch-all not after a slash", func(r *Router) { r.GET("/files*path", ok) }, []string{`"/files*path"`}},
		{"two wildcards in one segment", func(r *Router) { r.GET("/:a:b", ok) }, []string{`"/:a:b"`}},
		{"duplicate route", func(r *Router) { r.GET("/x", ok); r.GET("/x", ok) }, []string{`"/x"`, "already registered"}},
		{"parameters with different names", func(r *Router) {
			r.GET("/users/:id", ok)
			r.GET("/users/:name/posts", ok)
		}, []string{`"/users/:name/posts"`, `"/users/:id"`}},
		{"parameter beside a catch-all", func(r *Router) {
			r.GET("/files/*path", ok)
			r.GET("/files/:name", ok)
		}, []string{`"/files/:name"`, `"/files/*path"`}},
		{"catch-all beside a parameter", func(r *Router) {
			r.GET("/files/:name", ok)
			r.GET("/files/*path", ok)
		}, []string{`"/files/*path"`, `"/files/:name"`}},
		{"Any over an existing route", func(r *Router) { r.POST("/x", ok); r.Any("/x", ok) }, []string{`"/x"`, "already registered"}},
		{"group nil handler", func(r *Router) { r.Group("/api").GET("/x", nil) }, []string{`"GET /api/x"`, "nil handler"}},
		{"group bad method", func(r *Router) { r.Group("/api").Handle("G(T", "/x", ok) }, []string{`"G(T /api/x"`, "invalid method"}},
		{"group conflict", func(r *Router) {
			r.GET("/api/:id", ok)
			r.Group("/api").GET("/:name", ok)
		}, []string{`"/api/:name"`, `"/api/:id"`}},
		{"Use after a route", func(r *Router) { r.GET("/x", ok); r.Use(mw) }, []string{"Use", "after a route"}},
		{"Use after a group route", func(r *Router) { r.Group("/api").GET("/x", ok); r.Use(mw) }, []string{"Use", "after a route"}},
		{"Group.Use after a group route", func(r *Router) {
			g := r.Group("/api")
			g.GET("/x", ok)
			g.Use(mw)
		}, []string{"Group.Use", `"/api"`}},
		{"Group.Use after a nested group route", func(r *Router) {
			g := r.Group("/api")
			g.Group("/v1").GET("/x", ok)
			g.Use(mw)
		}, []string{"Group.Use", `"/api"`}},
		{"empty group prefix", func(r *Router) { r.Group("") }, []string{`group prefix ""`}},
		{"group prefix without a leading slash", func(r *Router) { r.Group("api") }, []string{`"api"`}},
		{"group prefix with a trailing slash", func(r *Router) { r.Group("/api/") }, []string{`"/api/"`}},
		{"nested group prefix with a trailing slash", func(r *Router) { r.Group("/api").Group("/v1/") }, []string{`"/v1/"`}},
		{"route after the first Invoke", func(r *Router) {
			r.GET("/a", ok)
			invoke(r)
			r.GET("/late", ok)
		}, []string{`"GET /late"`, "started serving"}},
		{"group route after the first Invoke", func(r *Router) {
			g := r.Group("/api")
			invoke(r)
			g.POST("/late", ok)
		}, []string{`"POST /api/late"`, "started serving"}},
		{"route after the first ServeEvent", func(r *Router) {
			_, _ = r.ServeEvent(context.Background(), events.ALBTargetGroupRequest{HTTPMethod: "GET", Path: "/"})
			r.PUT("/late", ok)
		}, []string{`"PUT /late"`, "started serving"}},
		{"route on an empty router after the first Invoke", func(r *Router) {
			invoke(r)
			r.GET("/late", ok)
		}, []string{`"GET /late"`, "started serving"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantPanic(t, func() { tt.fn(New()) }, tt.want...)
		})
	}
}

// TestRouterRegistrationPanicKeepsRoutes checks that a route whose
// registration panicked leaves the router serving what it had.
func TestRouterRegistrationPanicKeepsRoutes(t *testing.T) {
	r := New()
	r.GET("/users/:id", func(c *Context) error { return c.String(200, "user "+c.Param("id")) })
	wantPanic(t, func() { r.GET("/users/:name", textHandler("bad")) }, `"/users/:name"`)
	wantPanic(t, func() { r.GET("/users/:id", textHandler("dup")) }, "already registered")
	w := rtInvokeSpec(t, r, eventSpec{path: "/users/7"})
	if got, want := string(w.body), "user 7"; w.status != 200 || got != want {
		t.Errorf("GET /users/7 = %d %q, want 200 %q", w.status, got, want)
	}
}

func TestRouterGroupPrefixes(t *testing.T) {
	r := New()
	r.Group("/").GET("/root", textHandler("root group"))
	api := r.Group("/api")
	api.GET("", textHandler("api"))
	api.GET("/", textHandler("api slash"))
	v1 := api.Group("/v1")
	v1.GET("/users/:id", func(c *Context) error { return c.String(200, c.Route()+" "+c.Param("id")) })
	api.Group("/").GET("/x", textHandler("api x"))
	tests := []struct{ path, want string }{
		{"/root", "root group"},
		{"/api", "api"},
		{"/api/", "api slash"},
		{"/api/v1/users/3", "/api/v1/users/:id 3"},
		{"/api/x", "api x"},
	}
	for _, tt := range tests {
		w := rtInvokeSpec(t, r, eventSpec{path: tt.path})
		if got := string(w.body); w.status != 200 || got != tt.want {
			t.Errorf("GET %s = %d %q, want 200 %q", tt.path, w.status, got, tt.want)
		}
	}
}

func TestRouterMiddlewareOrder(t *testing.T) {
	var log []string
	handler := func(c *Context) error {
		log = append(log, "h")
		return c.NoContent(http.StatusNoContent)
	}
	r := New()
	r.Use(recordMW(&log, "a"), recordMW(&log, "b"))
	outer := r.Group("/api", recordMW(&log, "g1"))
	outer.Use(recordMW(&log, "g2"))
	inner := outer.Group("/v1", recordMW(&log, "i1"))
	// Router middleware added after a group was made, before its routes,
	// still wraps them: chains are built when a route is registered.
	r.Use(recordMW(&log, "late"))
	r.GET("/plain", handler, recordMW(&log, "c"))
	r.GET("/bare", handler)
	outer.GET("/outer", handler, recordMW(&log, "c"))
	inner.GET("/inner", handler, recordMW(&log, "c1"), recordMW(&log, "c2"))
	inner.Any("/any", handler)

	tests := []struct {
		method, path string
		want         string
	}{
		{"GET", "/plain", "a> b> late> c> h <c <late <b <a"},
		{"GET", "/bare", "a> b> late> h <late <b <a"},
		{"GET", "/api/outer", "a> b> late> g1> g2> c> h <c <g2 <g1 <late <b <a"},
		{"GET", "/api/v1/inner", "a> b> late> g1> g2> i1> c1> c2> h <c2 <c1 <i1 <g2 <g1 <late <b <a"},
		{"HEAD", "/api/v1/inner", "a> b> late> g1> g2> i1> c1> c2> h <c2 <c1 <i1 <g2 <g1 <late <b <a"},
		{"DELETE", "/api/v1/any", "a> b> late> g1> g2> i1> h <i1 <g2 <g1 <late <b <a"},
	}
	for _, multi := range bothModes {
		for _, tt := range tests {
			log = nil
			w := rtInvokeSpec(t, r, eventSpec{method: tt.method, path: tt.path, multi: multi})
			if w.status != http.StatusNoContent {
				t.Errorf("%s %s %s status = %d, want 204", modeLabel(multi), tt.method, tt.path, w.status)
			}
			if got := strings.Join(log, " "); got != tt.want {
				t.Errorf("%s %s %s ran %q, want %q", modeLabel(multi), tt.method, tt.path, got, tt.want)
			}
		}
	}
}

// TestRouterMiddlewareWrapsHooks checks that the router's middleware, and
// only it, wraps the NotFound, MethodNotAllowed, automatic OPTIONS and
// redirect hooks, custom or default.
func TestRouterMiddlewareWrapsHooks(t *testing.T) {
	for _, custom := range []bool{false, true} {
		var log []string
		var routes []string
		r := New()
		r.Use(recordMW(&log, "r"), func(next HandlerFunc) HandlerFunc {
			return func(c *Context) error {
				routes = append(routes, c.Route())
				return next(c)
			}
		})
		if custom {
			r.NotFound = func(c *Context) error { log = append(log, "notfound"); return c.String(404, "nf") }
			r.MethodNotAllowed = func(c *Context) error { log = append(log, "notallowed"); return c.String(405, "na") }
			r.GlobalOPTIONS = func(c *Context) error { log = append(log, "options"); return c.NoContent(200) }
		}
		g := r.Group("/g", recordMW(&log, "g"))
		g.GET("/users", textHandler("users"), recordMW(&log, "route"))

		tests := []struct {
			name, method, path string
			status             int
			want               string
		}{
			{"not found", "GET", "/nowhere", 404, "r> <r"},
			{"not found under the group", "GET", "/g/nowhere", 404, "r> <r"},
			{"method not allowed", "POST", "/g/users", 405, "r> <r"},
			{"automatic OPTIONS", "OPTIONS", "/g/users", 204, "r> <r"},
			{"trailing slash redirect", "GET", "/g/users/", 301, "r> <r"},
			{"fixed path redirect", "GET", "/G/USERS", 301, "r> <r"},
		}
		if custom {
			tests[0].want = "r> notfound <r"
			tests[1].want = "r> notfound <r"
			tests[2].want = "r> notallowed <r"
			tests[3].status, tests[3].want = 200, "r> options <r"
		}
		for _, tt := range tests {
			log, routes = nil, nil
			w := rtInvokeSpec(t, r, eventSpec{method: tt.method, path: tt.path})
			if w.status != tt.status {
				t.Errorf("custom=%v %s: status = %d, want %d", custom, tt.name, w.status, tt.status)
			}
			if got := strings.Join(log, " "); got != tt.want {
				t.Errorf("custom=%v %s: ran %q, want %q", custom, tt.name, got, tt.want)
			}
			if len(routes) != 1 || routes[0] != "" {
				t.Errorf("custom=%v %s: Route() in middleware = %q, want one \"\"", custom, tt.name, routes)
			}
		}
	}
}

// TestRouterMiddlewareComposedOnce counts the calls of middleware
// constructors: once per route (and hook) when the router is set up, never
// per request.
func TestRouterMiddlewareComposedOnce(t *testing.T) {
	var routerMW, groupMW, routeMW int
	counting := func(n *int) Middleware {
		return func(next HandlerFunc) HandlerFunc {
			*n++
			return next
		}
	}
	r := New()
	r.Use(counting(&routerMW))
	g := r.Group("/g", counting(&groupMW))
	r.GET("/a", textHandler("a"), counting(&routeMW))
	r.POST("/a", textHandler("a"))
	g.GET("/b", textHandler("b"), counting(&routeMW))
	g.Any("/any", textHandler("any"))
	routes := 3 + len(anyMethods)
	if routerMW != routes || groupMW != 1+len(anyMethods) || routeMW != 2 {
		t.Fatalf("after registration: router, group, route middleware built %d, %d, %d times; want %d, %d, 2",
			routerMW, groupMW, routeMW, routes, 1+len(anyMethods))
	}
	rtInvokeSpec(t, r, eventSpec{path: "/a"})
	afterFirst := routerMW
	if afterFirst < routes {
		t.Fatalf("router middleware built %d times after the first Invoke, want at least %d", afterFirst, routes)
	}
	paths := []eventSpec{
		{path: "/a"}, {path: "/g/b"}, {path: "/nowhere"}, {method: "PUT", path: "/a"},
		{method: "OPTIONS", path: "/a"}, {path: "/a/"}, {path: "/G/B"}, {method: "DELETE", path: "/g/any"},
	}
	for range 10 {
		for _, s := range paths {
			rtInvokeSpec(t, r, s)
		}
	}
	if routerMW != afterFirst || groupMW != 1+len(anyMethods) || routeMW != 2 {
		t.Errorf("after 80 requests: router, group, route middleware built %d, %d, %d times; want %d, %d, 2",
			routerMW, groupMW, routeMW, afterFirst, 1+len(anyMethods))
	}
}

// echoRoute answers with the matched pattern and the named parameters.
func echoRoute(names ...string) HandlerFunc {
	return func(c *Context) error {
		s := c.Route()
		for _, n := range names {
			s += " " + n + "=" + c.Param(n)
		}
		return c.String(http.StatusOK, s)
	}
}

func TestRouterDispatch(t *testing.T) {
	r := New()
	r.GET("/", echoRoute())
	r.GET("/users", echoRoute())
	r.GET("/users/new", echoRoute())
	r.GET("/users/:id", echoRoute("id"))
	r.GET("/users/:id/posts/:post", echoRoute("id", "post"))
	r.GET("/files/*path", echoRoute("path"))
	r.GET("/files/list", echoRoute())
	r.GET("/doc/:name", echoRoute("name"))
	r.GET("/user_:name", echoRoute("name"))
	r.GET("/café", echoRoute())
	r.POST("/users", echoRoute())

	tests := []struct {
		method, path string
		want         string // body; "" means 404
	}{
		{"GET", "/", "/"},
		{"GET", "/users", "/users"},
		{"POST", "/users", "/users"},
		{"GET", "/users/new", "/users/new"},
		{"GET", "/users/42", "/users/:id id=42"},
		{"GET", "/users/newer", "/users/:id id=newer"},
		{"GET", "/users/ne", "/users/:id id=ne"},
		{"GET", "/users/42/posts/7", "/users/:id/posts/:post id=42 post=7"},
		{"GET", "/users/new/posts/7", "/users/:id/posts/:post id=new post=7"},
		{"GET", "/files/", "/files/*path path=/"},
		{"GET", "/files/a/b.txt", "/files/*path path=/a/b.txt"},
		{"GET", "/files/list", "/files/list"},
		{"GET", "/files/list/x", "/files/*path path=/list/x"},
		{"GET", "/files/a%20b/c", "/files/*path path=/a b/c"},
		{"GET", "/doc/a%2Fb", "/doc/:name name=a/b"},
		{"GET", "/doc/caf%C3%A9", "/doc/:name name=café"},
		{"GET", "/doc/a%zz", "/doc/:name name=a%zz"},
		{"GET", "/doc/a+b", "/doc/:name name=a+b"},
		{"GET", "/users/new%2Fx", "/users/:id id=new/x"},
		{"GET", "/users/%34%32", "/users/:id id=42"},
		{"GET", "/us%65rs", "/users"},
		{"GET", "/caf%C3%A9", "/café"},
		{"GET", "/user_ada", "/user_:name name=ada"},
		{"GET", "/users/42/posts", ""},
		{"GET", "/nowhere", ""},
		{"GET", "/doc/a/b", ""},
	}
	for _, multi := range bothModes {
		for _, tt := range tests {
			w := rtInvokeSpec(t, r, eventSpec{method: tt.method, path: tt.path, multi: multi})
			if tt.want == "" {
				if w.status != http.StatusNotFound {
					t.Errorf("%s %s %s status = %d, want 404", modeLabel(multi), tt.method, tt.path, w.status)
				}
				continue
			}
			if got := string(w.body); w.status != 200 || got != tt.want {
				t.Errorf("%s %s %s = %d %q, want 200 %q", modeLabel(multi), tt.method, tt.path, w.status, got, tt.want)
			}
		}
	}
}

// TestRouterRouteEmptyForHooks checks that Route is "" where no route
// matched.
func TestRouterRouteEmptyForHooks(t *testing.T) {
	var got []string
	r := New()
	record := func(c *Context) error { got = append(got, c.Route()); return nil }
	r.NotFound = record
	r.MethodNotAllowed = record
	r.GlobalOPTIONS = record
	r.GET("/users/:id", record)
	for _, s := range []eventSpec{{path: "/x"}, {method: "PUT", path: "/users/1"}, {method: "OPTIONS", path: "/users/1"}, {method: "HEAD", path: "/users/1"}} {
		got = nil
		rtInvokeSpec(t, r, s)
		want := ""
		if s.method == "HEAD" {
			want = "/users/:id"
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s %s: Route() = %q, want [%q]", s.method, s.path, got, want)
		}
	}
}

func TestRouterHEAD(t *testing.T) {
	getHandler := func(c *Context) error {
		c.SetHeader("X-Custom", "kept")
		c.SetHeader("ETag", `"abc"`)
		return c.JSON(http.StatusCreated, map[string]string{"hello": "world"})
	}
	r := New()
	r.GET("/get-only", getHandler)
	r.GET("/both", textHandler("from GET"))
	r.HEAD("/both", func(c *Context) error {
		c.SetHeader("X-Route", "HEAD")
		// An explicit HEAD route that writes a body still sends none.
		return c.String(http.StatusOK, "from HEAD")
	})
	r.GET("/binary", func(c *Context) error { return c.Blob(200, "image/png", []byte{0x89, 'P', 'N', 'G', 0}) })
	r.GET("/fails", func(c *Context) error { return NewHTTPError(http.StatusTeapot, "short and stout") })
	r.GET("/panics", func(c *Context) error { panic("boom") })
	r.POST("/post-only", textHandler("post"))
	logger, _ := bufferLogger()
	r.Logger = logger

	tests := []struct {
		path        string
		status      int
		contentType string
		header      [2]string
	}{
		{"/get-only", 201, "application/json", [2]string{"X-Custom", "kept"}},
		{"/both", 200, "text/plain; charset=utf-8", [2]string{"X-Route", "HEAD"}},
		{"/binary", 200, "image/png", [2]string{}},
		{"/fails", 418, "application/json", [2]string{}},
		{"/panics", 500, "application/json", [2]string{}},
		{"/nowhere", 404, "application/json", [2]string{}},
		{"/post-only", 405, "application/json", [2]string{"Allow", "OPTIONS, POST"}},
	}
	for _, multi := range bothModes {
		for _, tt := range tests {
			w := rtInvokeSpec(t, r, eventSpec{method: "HEAD", path: tt.path, multi: multi})
			if w.status != tt.status {
				t.Errorf("%s HEAD %s status = %d, want %d", modeLabel(multi), tt.path, w.status, tt.status)
			}
			if w.bodyField != "" || w.base64 {
				t.Errorf("%s HEAD %s body = %q (base64 %v), want \"\" (false)", modeLabel(multi), tt.path, w.bodyField, w.base64)
			}
			if got := w.header("Content-Type"); got != tt.contentType {
				t.Errorf("%s HEAD %s Content-Type = %q, want %q", modeLabel(multi), tt.path, got, tt.contentType)
			}
			if tt.header[0] != "" {
				if got := w.header(tt.header[0]); got != tt.header[1] {
					t.Errorf("%s HEAD %s %s = %q, want %q", modeLabel(multi), tt.path, tt.header[0], got, tt.header[1])
				}
			}
		}
		// GET still gets the body.
		w := rtInvokeSpec(t, r, eventSpec{path: "/get-only", multi: multi})
		if got, want := string(w.body), `{"hello":"world"}`; got != want {
			t.Errorf("%s GET /get-only body = %q, want %q", modeLabel(multi), got, want)
		}
		w = rtInvokeSpec(t, r, eventSpec{path: "/both", multi: multi})
		if got, want := string(w.body), "from GET"; got != want {
			t.Errorf("%s GET /both body = %q, want %q", modeLabel(multi), got, want)
		}
	}
}

// TestRouterHEADHealthCheck replays a recorded HEAD health check.
func TestRouterHEADHealthCheck(t *testing.T) {
	r := New()
	r.GET("/", func(c *Context) error {
		if !c.IsHealthCheck() {
			t.Errorf("IsHealthCheck() = false, want true")
		}
		return c.String(200, "healthy")
	})
	w := rtInvoke(t, r, readEvent(t, "lambda-request-handler_health-event.json"), false)
	if w.status != 200 || w.bodyField != "" {
		t.Errorf("HEAD health check = %d %q, want 200 \"\"", w.status, w.bodyField)
	}
	// The recorded GET check asks for "/v1/health/", which has no route:
	// it is redirected with a path-only Location, as it has no host.
	r = New()
	r.GET("/v1/health", textHandler("healthy"))
	w = rtInvoke(t, r, readEvent(t, "aws-lambda-rust-runtime_alb_no_host.json"), false)
	if got, want := w.header("Location"), "/v1/health"; w.status != 301 || got != want {
		t.Errorf("GET /v1/health/ health check = %d Location %q, want 301 %q", w.status, got, want)
	}
	r = New()
	r.GET("/v1/health/", func(c *Context) error { return c.String(200, c.ClientIP()+"|"+c.Header("Host")+"|"+c.TraceID()) })
	w = rtInvoke(t, r, readEvent(t, "aws-lambda-rust-runtime_alb_no_host.json"), false)
	if got, want := string(w.body), "||"; w.status != 200 || got != want {
		t.Errorf("GET /v1/health/ health check = %d %q, want 200 %q", w.status, got, want)
	}
}

func TestRouterNotFound(t *testing.T) {
	for _, multi := range bothModes {
		r := New()
		r.GET("/users", textHandler("users"))
		w := rtInvokeSpec(t, r, eventSpec{path: "/nowhere", multi: multi})
		if w.status != 404 || w.description != "404 Not Found" {
			t.Errorf("%s status = %d %q, want 404 \"404 Not Found\"", modeLabel(multi), w.status, w.description)
		}
		if got, want := string(w.body), `{"message":"Not Found"}`; got != want {
			t.Errorf("%s body = %q, want %q", modeLabel(multi), got, want)
		}
		if got, want := w.header("Content-Type"), "application/json"; got != want {
			t.Errorf("%s Content-Type = %q, want %q", modeLabel(multi), got, want)
		}
		if got := w.header("Allow"); got != "" {
			t.Errorf("%s Allow = %q, want none", modeLabel(multi), got)
		}

		// A router with no routes at all.
		w = rtInvokeSpec(t, New(), eventSpec{path: "/", multi: multi})
		if w.status != 404 || string(w.body) != `{"message":"Not Found"}` {
			t.Errorf("%s empty router = %d %q, want 404", modeLabel(multi), w.status, w.body)
		}

		r = New()
		r.GET("/users", textHandler("users"))
		r.NotFound = func(c *Context) error {
			c.SetHeader("X-Hook", "nf")
			return c.String(http.StatusNotFound, "no "+c.Path())
		}
		w = rtInvokeSpec(t, r, eventSpec{path: "/nowhere", multi: multi})
		if got, want := string(w.body), "no /nowhere"; w.status != 404 || got != want || w.header("X-Hook") != "nf" {
			t.Errorf("%s custom NotFound = %d %q X-Hook %q, want 404 %q nf", modeLabel(multi), w.status, got, w.header("X-Hook"), want)
		}

		// A NotFound that returns an error goes through the ErrorHandler.
		r = New()
		r.NotFound = func(c *Context) error { return NewHTTPError(http.StatusGone, "gone") }
		w = rtInvokeSpec(t, r, eventSpec{path: "/x", multi: multi})
		if got, want := string(w.body), `{"message":"gone"}`; w.status != 410 || got != want {
			t.Errorf("%s NotFound error = %d %q, want 410 %q", modeLabel(multi), w.status, got, want)
		}
	}
}

func TestRouterMethodNotAllowed(t *testing.T) {
	newRouter := func() *Router {
		r := New()
		r.GET("/x", textHandler("get"))
		r.POST("/x", textHandler("post"))
		r.PUT("/x", textHandler("put"))
		r.Handle("PROPFIND", "/x", textHandler("propfind"))
		r.DELETE("/y", textHandler("delete"))
		r.GET("/users/:id", textHandler("user"))
		r.PATCH("/users/:id", textHandler("user"))
		r.OPTIONS("/o", textHandler("options"))
		r.POST("/o", textHandler("post"))
		return r
	}
	tests := []struct {
		method, path string
		allow        string
	}{
		{"DELETE", "/x", "GET, HEAD, OPTIONS, POST, PROPFIND, PUT"},
		{"PATCH", "/x", "GET, HEAD, OPTIONS, POST, PROPFIND, PUT"},
		{"GET", "/y", "DELETE, OPTIONS"},
		{"HEAD", "/y", "DELETE, OPTIONS"},
		{"POST", "/users/42", "GET, HEAD, OPTIONS, PATCH"},
		{"GET", "/o", "OPTIONS, POST"},
	}
	for _, multi := range bothModes {
		r := newRouter()
		for _, tt := range tests {
			w := rtInvokeSpec(t, r, eventSpec{method: tt.method, path: tt.path, multi: multi})
			if w.status != 405 || w.description != "405 Method Not Allowed" {
				t.Errorf("%s %s %s status = %d %q, want 405", modeLabel(multi), tt.method, tt.path, w.status, w.description)
			}
			if got := w.header("Allow"); got != tt.allow {
				t.Errorf("%s %s %s Allow = %q, want %q", modeLabel(multi), tt.method, tt.path, got, tt.allow)
			}
			if tt.method != "HEAD" {
				if got, want := string(w.body), `{"message":"Method Not Allowed"}`; got != want {
					t.Errorf("%s %s %s body = %q, want %q", modeLabel(multi), tt.method, tt.path, got, want)
				}
			}
			if got, want := w.header("Content-Type"), "application/json"; got != want {
				t.Errorf("%s %s %s Content-Type = %q, want %q", modeLabel(multi), tt.method, tt.path, got, want)
			}
		}

		// A HEAD-only route: GET is not allowed.
		r = New()
		r.HEAD("/z", textHandler("head"))
		w := rtInvokeSpec(t, r, eventSpec{path: "/z", multi: multi})
		if got, want := w.header("Allow"), "HEAD, OPTIONS"; w.status != 405 || got != want {
			t.Errorf("%s GET /z (HEAD only) = %d Allow %q, want 405 %q", modeLabel(multi), w.status, got, want)
		}

		// Without automatic OPTIONS, Allow does not list OPTIONS unless a
		// route has it.
		r = newRouter()
		r.HandleOPTIONS = false
		for _, tt := range []struct{ method, path, allow string }{
			{"DELETE", "/x", "GET, HEAD, POST, PROPFIND, PUT"},
			{"GET", "/o", "OPTIONS, POST"},
			{"OPTIONS", "/x", "GET, HEAD, POST, PROPFIND, PUT"},
		} {
			w := rtInvokeSpec(t, r, eventSpec{method: tt.method, path: tt.path, multi: multi})
			if got := w.header("Allow"); w.status != 405 || got != tt.allow {
				t.Errorf("%s HandleOPTIONS=false %s %s = %d Allow %q, want 405 %q", modeLabel(multi), tt.method, tt.path, w.status, got, tt.allow)
			}
		}

		// A custom hook finds the Allow header set.
		r = newRouter()
		r.MethodNotAllowed = func(c *Context) error {
			return c.String(http.StatusMethodNotAllowed, "allowed: "+c.ResponseHeader("Allow"))
		}
		w = rtInvokeSpec(t, r, eventSpec{method: "DELETE", path: "/users/1", multi: multi})
		if got, want := string(w.body), "allowed: GET, HEAD, OPTIONS, PATCH"; w.status != 405 || got != want {
			t.Errorf("%s custom MethodNotAllowed = %d %q, want 405 %q", modeLabel(multi), w.status, got, want)
		}
		if got, want := w.header("Allow"), "GET, HEAD, OPTIONS, PATCH"; got != want {
			t.Errorf("%s custom MethodNotAllowed Allow = %q, want %q", modeLabel(multi), got, want)
		}

		// HandleMethodNotAllowed=false: not found, no Allow.
		r = newRouter()
		r.HandleMethodNotAllowed = false
		w = rtInvokeSpec(t, r, eventSpec{method: "DELETE", path: "/x", multi: multi})
		if w.status != 404 || w.header("Allow") != "" || string(w.body) != `{"message":"Not Found"}` {
			t.Errorf("%s HandleMethodNotAllowed=false = %d Allow %q body %q, want 404 without Allow", modeLabel(multi), w.status, w.header("Allow"), w.body)
		}
	}
}

// TestRouterAllowListsHEADBesideOtherHEADRoutes: a HEAD request falls back
// to the GET route whenever the path has no HEAD route, so Allow must list
// HEAD for a GET route even when HEAD routes exist for other paths.
func TestRouterAllowListsHEADBesideOtherHEADRoutes(t *testing.T) {
	r := New()
	r.GET("/x", textHandler("x"))
	r.HEAD("/y", textHandler("y"))
	w := rtInvokeSpec(t, r, eventSpec{method: "HEAD", path: "/x"})
	if w.status != 200 {
		t.Fatalf("HEAD /x status = %d, want 200", w.status)
	}
	w = rtInvokeSpec(t, r, eventSpec{method: "PUT", path: "/x"})
	if got, want := w.header("Allow"), "GET, HEAD, OPTIONS"; w.status != 405 || got != want {
		t.Errorf("PUT /x = %d Allow %q, want 405 %q", w.status, got, want)
	}
	w = rtInvokeSpec(t, r, eventSpec{method: "OPTIONS", path: "/x"})
	if got, want := w.header("Allow"), "GET, HEAD, OPTIONS"; w.status != 204 || got != want {
		t.Errorf("OPTIONS /x = %d Allow %q, want 204 %q", w.status, got, want)
	}
}

func TestRouterOptions(t *testing.T) {
	newRouter := func() *Router {
		r := New()
		r.GET("/x", textHandler("get"))
		r.POST("/x", textHandler("post"))
		r.DELETE("/users/:id", textHandler("delete"))
		r.OPTIONS("/explicit", textHandler("explicit options"))
		r.GET("/explicit", textHandler("get"))
		return r
	}
	for _, multi := range bothModes {
		r := newRouter()
		tests := []struct{ path, allow string }{
			{"/x", "GET, HEAD, OPTIONS, POST"},
			{"/users/7", "DELETE, OPTIONS"},
		}
		for _, tt := range tests {
			w := rtInvokeSpec(t, r, eventSpec{method: "OPTIONS", path: tt.path, multi: multi})
			if w.status != 204 || w.bodyField != "" {
				t.Errorf("%s OPTIONS %s = %d %q, want 204 with no body", modeLabel(multi), tt.path, w.status, w.bodyField)
			}
			if got := w.header("Allow"); got != tt.allow {
				t.Errorf("%s OPTIONS %s Allow = %q, want %q", modeLabel(multi), tt.path, got, tt.allow)
			}
		}
		// An explicit OPTIONS route wins.
		w := rtInvokeSpec(t, r, eventSpec{method: "OPTIONS", path: "/explicit", multi: multi})
		if got, want := string(w.body), "explicit options"; w.status != 200 || got != want || w.header("Allow") != "" {
			t.Errorf("%s OPTIONS /explicit = %d %q Allow %q, want 200 %q without Allow", modeLabel(multi), w.status, got, w.header("Allow"), want)
		}
		// No route for the path: not found.
		w = rtInvokeSpec(t, r, eventSpec{method: "OPTIONS", path: "/nowhere", multi: multi})
		if w.status != 404 || w.header("Allow") != "" {
			t.Errorf("%s OPTIONS /nowhere = %d Allow %q, want 404 without Allow", modeLabel(multi), w.status, w.header("Allow"))
		}

		// GlobalOPTIONS answers, with Allow already set.
		r = newRouter()
		r.GlobalOPTIONS = func(c *Context) error {
			c.SetHeader("Access-Control-Allow-Methods", c.ResponseHeader("Allow"))
			return c.String(http.StatusOK, "global "+c.Path())
		}
		w = rtInvokeSpec(t, r, eventSpec{method: "OPTIONS", path: "/x", multi: multi})
		if got, want := string(w.body), "global /x"; w.status != 200 || got != want {
			t.Errorf("%s GlobalOPTIONS = %d %q, want 200 %q", modeLabel(multi), w.status, got, want)
		}
		if got, want := w.header("Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS, POST"; got != want {
			t.Errorf("%s GlobalOPTIONS saw Allow %q, want %q", modeLabel(multi), got, want)
		}
		if got, want := w.header("Allow"), "GET, HEAD, OPTIONS, POST"; got != want {
			t.Errorf("%s GlobalOPTIONS Allow = %q, want %q", modeLabel(multi), got, want)
		}
		w = rtInvokeSpec(t, r, eventSpec{method: "OPTIONS", path: "/explicit", multi: multi})
		if got, want := string(w.body), "explicit options"; got != want {
			t.Errorf("%s OPTIONS /explicit with GlobalOPTIONS = %q, want %q", modeLabel(multi), got, want)
		}

		// HandleOPTIONS=false: OPTIONS is a method like any other.
		r = newRouter()
		r.HandleOPTIONS = false
		called := false
		r.GlobalOPTIONS = func(c *Context) error { called = true; return nil }
		w = rtInvokeSpec(t, r, eventSpec{method: "OPTIONS", path: "/x", multi: multi})
		if got, want := w.header("Allow"), "GET, HEAD, POST"; w.status != 405 || got != want || called {
			t.Errorf("%s HandleOPTIONS=false = %d Allow %q GlobalOPTIONS called %v, want 405 %q false", modeLabel(multi), w.status, got, called, want)
		}
		r = newRouter()
		r.HandleOPTIONS = false
		r.HandleMethodNotAllowed = false
		w = rtInvokeSpec(t, r, eventSpec{method: "OPTIONS", path: "/x", multi: multi})
		if w.status != 404 {
			t.Errorf("%s HandleOPTIONS=false HandleMethodNotAllowed=false status = %d, want 404", modeLabel(multi), w.status)
		}
	}
}

// redirectRouter returns the router the redirect tests use.
func redirectRouter() *Router {
	r := New()
	r.GET("/users", textHandler("users"))
	r.GET("/docs/", textHandler("docs"))
	r.POST("/orders", textHandler("orders"))
	r.DELETE("/orders", textHandler("orders"))
	r.GET("/files/:name", echoRoute("name"))
	r.GET("/evil.com", textHandler("evil"))
	r.GET("/v1/health", textHandler("health"))
	return r
}

func TestRouterRedirect(t *testing.T) {
	absolute := [][2]string{{"host", "example.com"}, {"x-forwarded-proto", "https"}}
	tests := []struct {
		name     string
		method   string
		path     string
		headers  [][2]string
		query    [][2]string
		status   int
		location string // "" means no redirect: status only
	}{
		{"remove trailing slash", "GET", "/users/", absolute, nil, 301, "/users"},
		{"add trailing slash", "GET", "/docs", absolute, nil, 301, "/docs/"},
		{"HEAD", "HEAD", "/users/", absolute, nil, 301, "/users"},
		{"HEAD add slash", "HEAD", "/docs", absolute, nil, 301, "/docs/"},
		{"POST keeps the method", "POST", "/orders/", absolute, nil, 308, "/orders"},
		{"DELETE keeps the method", "DELETE", "/orders/", absolute, nil, 308, "/orders"},
		{"case", "GET", "/USERS", absolute, nil, 301, "/users"},
		{"case and slash", "GET", "/Users/", absolute, nil, 301, "/users"},
		{"POST case", "POST", "/Orders", absolute, nil, 308, "/orders"},
		{"double slash", "GET", "//users", absolute, nil, 301, "/users"},
		{"inner double slash", "GET", "/files//a", absolute, nil, 301, "/files/a"},
		{"dot dot", "GET", "/a/../users", absolute, nil, 301, "/users"},
		{"dot", "GET", "/./users", absolute, nil, 301, "/users"},
		{"parameter keeps its case", "GET", "/FILES/ReadMe", absolute, nil, 301, "/files/ReadMe"},
		{"query kept", "GET", "/users/", absolute, [][2]string{{"a", "1"}, {"b", "x+y%26z"}}, 301, "/users?a=1&b=x+y%26z"},
		{"query kept on fixed path", "GET", "/USERS", absolute, [][2]string{{"q", "caf%C3%A9"}}, 301, "/users?q=caf%C3%A9"},
		{"http: path only", "GET", "/users/", [][2]string{{"host", "example.com:8080"}, {"x-forwarded-proto", "http"}}, nil, 301, "/users"},
		{"no host: path only", "GET", "/users/", nil, nil, 301, "/users"},
		{"no host: path and query", "GET", "/users/", nil, [][2]string{{"a", "1"}}, 301, "/users?a=1"},
		{"host without proto: path only", "GET", "/users/", [][2]string{{"host", "example.com"}}, nil, 301, "/users"},
		{"proto without host: path only", "GET", "/users/", [][2]string{{"x-forwarded-proto", "https"}}, nil, 301, "/users"},
		{"unknown proto: path only", "GET", "/users/", [][2]string{{"host", "example.com"}, {"x-forwarded-proto", "ftp"}}, nil, 301, "/users"},
		{"health check", "GET", "/v1/health/", [][2]string{{"user-agent", "ELB-HealthChecker/2.0"}}, nil, 301, "/v1/health"},
		{"open redirect with host", "GET", "//evil.com/", absolute, nil, 301, "/evil.com"},
		{"open redirect without host", "GET", "//evil.com/", nil, nil, 301, "/evil.com"},
		{"open redirect triple slash", "GET", "///evil.com", nil, nil, 301, "/evil.com"},
		{"root is never redirected", "GET", "/", absolute, nil, 404, ""},
		{"no route either way", "GET", "/nowhere/", absolute, nil, 404, ""},
		{"PUT has no tree", "PUT", "/users/", absolute, nil, 404, ""},
	}
	for _, multi := range bothModes {
		r := redirectRouter()
		for _, tt := range tests {
			w := rtInvokeSpec(t, r, eventSpec{method: tt.method, path: tt.path, headers: tt.headers, query: tt.query, multi: multi})
			if w.status != tt.status {
				t.Errorf("%s %s: %s %s status = %d, want %d", modeLabel(multi), tt.name, tt.method, tt.path, w.status, tt.status)
			}
			loc := w.header("Location")
			if loc != tt.location {
				t.Errorf("%s %s: %s %s Location = %q, want %q", modeLabel(multi), tt.name, tt.method, tt.path, loc, tt.location)
			}
			if strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) {
				t.Errorf("%s %s: Location %q names another host", modeLabel(multi), tt.name, loc)
			}
			if tt.location != "" && w.bodyField != "" {
				t.Errorf("%s %s: redirect body = %q, want \"\"", modeLabel(multi), tt.name, w.bodyField)
			}
			if multi && tt.location != "" && len(w.values("Location")) != 1 {
				t.Errorf("%s %s: Location values = %q, want one", modeLabel(multi), tt.name, w.values("Location"))
			}
		}
	}
}

// TestRouterRedirectNeverProtocolRelative registers patterns that start
// with "//": whatever the router redirects to, the Location must not be
// read as another host.
func TestRouterRedirectNeverProtocolRelative(t *testing.T) {
	r := New()
	r.GET("//evil.com", textHandler("a"))
	r.GET("//evil.org/", textHandler("b"))
	r.GET("/:name/x", textHandler("c"))
	for _, path := range []string{"//evil.com/", "//evil.org", "//EVIL.com", "///evil.com/", "//evil.com//", "/evil.com/", "//x/"} {
		for _, headers := range [][][2]string{nil, {{"host", "example.com"}, {"x-forwarded-proto", "https"}}} {
			w := rtInvokeSpec(t, r, eventSpec{path: path, headers: headers})
			loc := w.header("Location")
			if w.status/100 == 3 && loc == "" {
				t.Errorf("GET %s: status %d without Location", path, w.status)
			}
			if strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) {
				t.Errorf("GET %s: Location = %q, which names another host", path, loc)
			}
			if loc != "" && !strings.HasPrefix(loc, "/") {
				t.Errorf("GET %s: Location = %q, want a path", path, loc)
			}
		}
	}
}

func TestRouterRedirectDisabled(t *testing.T) {
	tests := []struct {
		trailing, fixed bool
		path            string
		status          int
	}{
		{false, true, "/users/", 404},
		{false, true, "/docs", 404},
		{false, true, "/USERS", 301},
		{false, true, "/USERS/", 404},
		{true, false, "/USERS", 404},
		{true, false, "//users", 404},
		{true, false, "/users/", 301},
		{false, false, "/users/", 404},
		{false, false, "/Users", 404},
	}
	for _, tt := range tests {
		r := redirectRouter()
		r.RedirectTrailingSlash = tt.trailing
		r.RedirectFixedPath = tt.fixed
		w := rtInvokeSpec(t, r, eventSpec{path: tt.path})
		if w.status != tt.status {
			t.Errorf("RedirectTrailingSlash=%v RedirectFixedPath=%v GET %s status = %d, want %d",
				tt.trailing, tt.fixed, tt.path, w.status, tt.status)
		}
		if w.status == 404 && w.header("Location") != "" {
			t.Errorf("GET %s: 404 with Location %q", tt.path, w.header("Location"))
		}
	}
}

// TestRouterRedirectHEADFixedPath: HEAD is served by the GET route, so a
// HEAD request is redirected to the fixed path exactly as a GET is, even
// when HEAD routes exist for other paths.
func TestRouterRedirectHEADFixedPath(t *testing.T) {
	r := New()
	r.GET("/users", textHandler("users"))
	r.HEAD("/other", textHandler("other"))
	for _, method := range []string{"GET", "HEAD"} {
		w := rtInvokeSpec(t, r, eventSpec{method: method, path: "/USERS"})
		if got, want := w.header("Location"), "/users"; w.status != 301 || got != want {
			t.Errorf("%s /USERS = %d Location %q, want 301 %q", method, w.status, got, want)
		}
	}
}

// TestRouterRedirectEscapesLocation: the fixed path is spelled as the route
// is registered, in UTF-8; a Location header must carry an ASCII URI, so
// bytes outside ASCII are percent-encoded (as net/http's Redirect does, and
// as tree.lookupCaseInsensitive's doc asks of its callers).
func TestRouterRedirectEscapesLocation(t *testing.T) {
	r := New()
	r.GET("/café", textHandler("cafe"))
	w := rtInvokeSpec(t, r, eventSpec{path: "/CAF%C3%A9"})
	if got, want := w.header("Location"), "/caf%C3%A9"; w.status != 301 || got != want {
		t.Errorf("GET /CAF%%C3%%A9 = %d Location %q, want 301 %q", w.status, got, want)
	}
}

func TestRouterErrors(t *testing.T) {
	secret := errors.New("db password=hunter2")
	tests := []struct {
		name    string
		err     error
		status  int
		message string
		logged  bool
	}{
		{"HTTPError", NewHTTPError(http.StatusBadRequest, "bad input"), 400, "bad input", false},
		{"HTTPError with a cause", &HTTPError{Status: http.StatusConflict, Message: "taken", Err: secret}, 409, "taken", false},
		{"HTTPError without a message", &HTTPError{Status: http.StatusForbidden}, 403, "Forbidden", false},
		{"HTTPError 5xx with a cause", &HTTPError{Status: http.StatusServiceUnavailable, Err: secret}, 503, "Service Unavailable", true},
		{"HTTPError 5xx with a message", &HTTPError{Status: http.StatusBadGateway, Message: "upstream down", Err: secret}, 502, "upstream down", true},
		{"wrapped HTTPError", fmt.Errorf("loading user: %w", &HTTPError{Status: http.StatusNotFound, Message: "no such user", Err: secret}), 404, "no such user", false},
		{"doubly wrapped HTTPError", fmt.Errorf("a: %w", fmt.Errorf("b: %w", NewHTTPError(http.StatusTooManyRequests, ""))), 429, "Too Many Requests", false},
		{"joined with an HTTPError", errors.Join(secret, NewHTTPError(http.StatusUnauthorized, "log in")), 401, "log in", false},
		{"plain error", secret, 500, "Internal Server Error", true},
		{"wrapped plain error", fmt.Errorf("saving: %w", secret), 500, "Internal Server Error", true},
		{"ErrNotFound", ErrNotFound, 404, "Not Found", false},
		{"ErrMethodNotAllowed", ErrMethodNotAllowed, 405, "Method Not Allowed", false},
		{"message needing escapes", NewHTTPError(http.StatusBadRequest, "bad \"name\"\n<tab>\t\\"), 400, "bad \"name\"\n<tab>\t\\", false},
		{"message with invalid UTF-8", NewHTTPError(http.StatusBadRequest, "bad \xff byte"), 400, "bad \uFFFD byte", false},
		{"status out of range", &HTTPError{Status: 1000, Message: "odd", Err: secret}, 500, "odd", true},
	}
	for _, multi := range bothModes {
		for _, tt := range tests {
			logger, logs := bufferLogger()
			r := New()
			r.Logger = logger
			r.GET("/x", func(c *Context) error {
				c.SetHeader("Content-Type", "text/html")
				return tt.err
			})
			w := rtInvokeSpec(t, r, eventSpec{path: "/x", multi: multi})
			if w.status != tt.status {
				t.Errorf("%s %s: status = %d, want %d", modeLabel(multi), tt.name, w.status, tt.status)
			}
			var body struct{ Message string }
			if err := json.Unmarshal(w.body, &body); err != nil {
				t.Errorf("%s %s: body %q is not JSON: %v", modeLabel(multi), tt.name, w.body, err)
			}
			if body.Message != tt.message {
				t.Errorf("%s %s: message = %q, want %q", modeLabel(multi), tt.name, body.Message, tt.message)
			}
			if bytes.Contains(w.raw, []byte("hunter2")) {
				t.Errorf("%s %s: response holds the internal error: %s", modeLabel(multi), tt.name, w.raw)
			}
			if got, want := w.header("Content-Type"), "application/json"; got != want {
				t.Errorf("%s %s: Content-Type = %q, want %q", modeLabel(multi), tt.name, got, want)
			}
			lines := logLines(logs, "level=ERROR")
			if tt.logged {
				if len(lines) != 1 {
					t.Errorf("%s %s: %d error lines logged, want 1:\n%s", modeLabel(multi), tt.name, len(lines), logs)
				} else {
					for _, want := range []string{"hunter2", "status=" + strconv.Itoa(tt.status), "path=/x", "method=GET"} {
						if !strings.Contains(lines[0], want) {
							t.Errorf("%s %s: log line %q does not contain %q", modeLabel(multi), tt.name, lines[0], want)
						}
					}
				}
			} else if logs.Len() != 0 {
				t.Errorf("%s %s: logged %q, want nothing for a 4xx", modeLabel(multi), tt.name, logs)
			}
		}
	}
}

func TestRouterErrorHandler(t *testing.T) {
	for _, multi := range bothModes {
		var got []error
		r := New()
		r.ErrorHandler = func(c *Context, err error) {
			got = append(got, err)
			c.SetHeader("X-Error", "custom")
			_ = c.String(http.StatusTeapot, "custom: "+err.Error())
		}
		r.GET("/fail", func(c *Context) error {
			c.SetHeader("X-Before", "kept")
			return errors.New("boom")
		})
		w := rtInvokeSpec(t, r, eventSpec{path: "/fail", multi: multi})
		if want := "custom: boom"; w.status != 418 || string(w.body) != want {
			t.Errorf("%s custom ErrorHandler = %d %q, want 418 %q", modeLabel(multi), w.status, w.body, want)
		}
		if w.header("X-Error") != "custom" || w.header("X-Before") != "kept" {
			t.Errorf("%s custom ErrorHandler headers = %v, want X-Error and X-Before", modeLabel(multi), w.headers)
		}
		// The default hooks' errors go through the custom handler too.
		got = nil
		w = rtInvokeSpec(t, r, eventSpec{path: "/nowhere", multi: multi})
		if len(got) != 1 || !errors.Is(got[0], ErrNotFound) || w.status != 418 {
			t.Errorf("%s not found: ErrorHandler got %v, status %d, want ErrNotFound, 418", modeLabel(multi), got, w.status)
		}
		got = nil
		w = rtInvokeSpec(t, r, eventSpec{method: "POST", path: "/fail", multi: multi})
		if len(got) != 1 || !errors.Is(got[0], ErrMethodNotAllowed) || w.status != 418 || w.header("Allow") == "" {
			t.Errorf("%s 405: ErrorHandler got %v, status %d, Allow %q, want ErrMethodNotAllowed, 418 and Allow", modeLabel(multi), got, w.status, w.header("Allow"))
		}
		// A malformed event too, with an *HTTPError of status 400.
		got = nil
		w = rtInvoke(t, r, []byte(`{`), false)
		var he *HTTPError
		if len(got) != 1 || !errors.As(got[0], &he) || he.Status != 400 || !errors.Is(got[0], ErrMalformedEvent) || w.status != 418 {
			t.Errorf("malformed event: ErrorHandler got %v, status %d, want a 400 *HTTPError matching ErrMalformedEvent, 418", got, w.status)
		}
		// An ErrorHandler that writes nothing sends 200 with an empty body.
		r = New()
		r.ErrorHandler = func(*Context, error) {}
		r.GET("/fail", func(c *Context) error { return errors.New("boom") })
		w = rtInvokeSpec(t, r, eventSpec{path: "/fail", multi: multi})
		if w.status != 200 || len(w.body) != 0 {
			t.Errorf("%s silent ErrorHandler = %d %q, want 200 \"\"", modeLabel(multi), w.status, w.body)
		}
	}
}

// TestRouterDefaultErrorHandlerDirect calls DefaultErrorHandler from a
// custom one, as wrappers do.
func TestRouterDefaultErrorHandlerDirect(t *testing.T) {
	logger, logs := bufferLogger()
	r := New()
	r.Logger = logger
	r.ErrorHandler = func(c *Context, err error) {
		c.SetHeader("X-Wrapped", "1")
		DefaultErrorHandler(c, err)
	}
	r.GET("/x", func(c *Context) error { return fmt.Errorf("query failed: %w", errors.New("secret-cause")) })
	w := rtInvokeSpec(t, r, eventSpec{path: "/x"})
	if w.status != 500 || string(w.body) != internalErrorBody || w.header("X-Wrapped") != "1" {
		t.Errorf("wrapped DefaultErrorHandler = %d %q X-Wrapped %q, want 500 %q 1", w.status, w.body, w.header("X-Wrapped"), internalErrorBody)
	}
	if !strings.Contains(logs.String(), "secret-cause") || !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("log = %q, want an error line with the cause", logs)
	}
}

func TestRouterPanics(t *testing.T) {
	boom := func(*Context) error { panic("boom") }
	tests := []struct {
		name   string
		setup  func(r *Router)
		spec   eventSpec
		panics int // how many panics occur, each logged once
	}{
		{"handler", func(r *Router) { r.GET("/x", boom) }, eventSpec{path: "/x"}, 1},
		{"handler after writing", func(r *Router) {
			r.GET("/x", func(c *Context) error {
				c.SetHeader("X-Partial", "1")
				_ = c.String(200, "partial")
				panic("boom")
			})
		}, eventSpec{path: "/x"}, 1},
		{"handler with an error value", func(r *Router) {
			r.GET("/x", func(*Context) error { panic(errors.New("boom")) })
		}, eventSpec{path: "/x"}, 1},
		{"handler with nil", func(r *Router) {
			r.GET("/x", func(*Context) error { panic(nil) })
		}, eventSpec{path: "/x"}, 1},
		{"handler of a group", func(r *Router) { r.Group("/g").GET("/x", boom) }, eventSpec{path: "/g/x"}, 1},
		{"HEAD through GET", func(r *Router) { r.GET("/x", boom) }, eventSpec{method: "HEAD", path: "/x"}, 1},
		{"middleware before next", func(r *Router) {
			r.Use(func(next HandlerFunc) HandlerFunc { return func(c *Context) error { panic("mw") } })
			r.GET("/x", textHandler("never"))
		}, eventSpec{path: "/x"}, 1},
		{"middleware after next", func(r *Router) {
			r.Use(func(next HandlerFunc) HandlerFunc {
				return func(c *Context) error { _ = next(c); panic("mw after") }
			})
			r.GET("/x", textHandler("written"))
		}, eventSpec{path: "/x"}, 1},
		{"route middleware", func(r *Router) {
			r.GET("/x", textHandler("never"), func(next HandlerFunc) HandlerFunc { return func(c *Context) error { panic("mw") } })
		}, eventSpec{path: "/x"}, 1},
		{"NotFound hook", func(r *Router) { r.NotFound = boom }, eventSpec{path: "/nowhere"}, 1},
		{"MethodNotAllowed hook", func(r *Router) {
			r.GET("/x", textHandler("x"))
			r.MethodNotAllowed = boom
		}, eventSpec{method: "POST", path: "/x"}, 1},
		{"GlobalOPTIONS hook", func(r *Router) {
			r.GET("/x", textHandler("x"))
			r.GlobalOPTIONS = boom
		}, eventSpec{method: "OPTIONS", path: "/x"}, 1},
		{"middleware around a redirect", func(r *Router) {
			r.Use(func(next HandlerFunc) HandlerFunc {
				return func(c *Context) error {
					if c.Route() == "" {
						panic("hook mw")
					}
					return next(c)
				}
			})
			r.GET("/x", textHandler("x"))
		}, eventSpec{path: "/x/"}, 1},
		// The ErrorHandler panics on the handler's error, and again when it
		// is asked to answer that panic: two panics.
		{"ErrorHandler", func(r *Router) {
			r.ErrorHandler = func(*Context, error) { panic("error handler") }
			r.GET("/x", func(*Context) error { return errors.New("fail") })
		}, eventSpec{path: "/x"}, 2},
		{"ErrorHandler on a panic", func(r *Router) {
			r.ErrorHandler = func(*Context, error) { panic("error handler") }
			r.GET("/x", boom)
		}, eventSpec{path: "/x"}, 2},
		{"ErrorHandler on a malformed event", func(r *Router) {
			r.ErrorHandler = func(*Context, error) { panic("error handler") }
		}, eventSpec{path: "\x00bad"}, 1},
		{"PanicHandler", func(r *Router) {
			r.PanicHandler = func(*Context, any) { panic("panic handler") }
			r.GET("/x", boom)
		}, eventSpec{path: "/x"}, 2},
		{"PanicHandler after writing", func(r *Router) {
			r.PanicHandler = func(c *Context, _ any) { _ = c.String(200, "half"); panic("panic handler") }
			r.GET("/x", boom)
		}, eventSpec{path: "/x"}, 2},
	}
	for _, multi := range bothModes {
		for _, tt := range tests {
			logger, logs := bufferLogger()
			r := New()
			r.Logger = logger
			tt.setup(r)
			event := testEvent(t, eventSpec{method: tt.spec.method, path: tt.spec.path, multi: multi})
			if tt.name == "ErrorHandler on a malformed event" {
				event = []byte(`{"path":5}`)
				if multi {
					event = []byte(`{"multiValueHeaders":{},"path":5}`)
				}
			}
			w := rtInvoke(t, r, event, multi)
			if w.status != 500 || w.description != "500 Internal Server Error" {
				t.Errorf("%s panic in %s: status = %d %q, want 500", modeLabel(multi), tt.name, w.status, w.description)
			}
			if tt.spec.method != "HEAD" && string(w.body) != internalErrorBody {
				t.Errorf("%s panic in %s: body = %q, want %q", modeLabel(multi), tt.name, w.body, internalErrorBody)
			}
			if got, want := w.header("Content-Type"), "application/json"; got != want {
				t.Errorf("%s panic in %s: Content-Type = %q, want %q", modeLabel(multi), tt.name, got, want)
			}
			if w.header("X-Partial") != "" {
				t.Errorf("%s panic in %s: response kept X-Partial written before the panic", modeLabel(multi), tt.name)
			}
			lines := logLines(logs, "panic")
			if len(lines) != tt.panics {
				t.Errorf("%s panic in %s: %d log lines mention a panic, want %d:\n%s", modeLabel(multi), tt.name, len(lines), tt.panics, logs)
			}
			for _, line := range lines {
				if !strings.Contains(line, "level=ERROR") || !strings.Contains(line, "stack=") || !strings.Contains(line, "goroutine ") {
					t.Errorf("%s panic in %s: log line %q lacks level=ERROR or a stack", modeLabel(multi), tt.name, line)
				}
			}
		}
	}
}

func TestRouterPanicHandler(t *testing.T) {
	for _, multi := range bothModes {
		logger, logs := bufferLogger()
		var recovered []any
		r := New()
		r.Logger = logger
		r.PanicHandler = func(c *Context, p any) {
			recovered = append(recovered, p)
			if c.ResponseStatus() != 200 || c.ResponseBody() != nil || c.ResponseHeader("X-Partial") != "" {
				t.Errorf("PanicHandler found status %d, body %q, X-Partial %q; want an empty response",
					c.ResponseStatus(), c.ResponseBody(), c.ResponseHeader("X-Partial"))
			}
			c.SetHeader("X-Recovered", "1")
			_ = c.JSON(http.StatusServiceUnavailable, map[string]string{"error": "try later", "path": c.Path()})
		}
		r.GET("/x", func(c *Context) error {
			c.SetHeader("X-Partial", "1")
			_ = c.String(200, "partial")
			panic("kaboom")
		})
		w := rtInvokeSpec(t, r, eventSpec{path: "/x", multi: multi})
		if got, want := string(w.body), `{"error":"try later","path":"/x"}`; w.status != 503 || got != want {
			t.Errorf("%s custom PanicHandler = %d %q, want 503 %q", modeLabel(multi), w.status, got, want)
		}
		if w.header("X-Recovered") != "1" || w.header("X-Partial") != "" {
			t.Errorf("%s custom PanicHandler headers = %v, want X-Recovered and no X-Partial", modeLabel(multi), w.headers)
		}
		if len(recovered) != 1 || recovered[0] != "kaboom" {
			t.Errorf("%s PanicHandler got %v, want [kaboom]", modeLabel(multi), recovered)
		}
		lines := logLines(logs, "panic")
		if len(lines) != 1 || !strings.Contains(lines[0], "kaboom") || !strings.Contains(lines[0], "goroutine ") {
			t.Errorf("%s panic log = %q, want one line with the value and a stack", modeLabel(multi), lines)
		}
	}
}

func TestRouterMalformedEvents(t *testing.T) {
	full := browserEvent(false)
	fullMulti := browserEvent(true)
	tests := []struct {
		name    string
		payload string
		multi   bool
	}{
		{"empty payload", "", false},
		{"whitespace", "  \n", false},
		{"not JSON", "hello", false},
		{"open brace", "{", false},
		{"JSON null", "null", false},
		{"array", "[]", false},
		{"string", `"GET /"`, false},
		{"numeric path", `{"httpMethod":"GET","path":5}`, false},
		{"numeric method", `{"httpMethod":1,"path":"/"}`, false},
		{"boolean as string", `{"path":"/","isBase64Encoded":"yes"}`, false},
		{"headers as array", `{"path":"/","headers":[]}`, false},
		{"header value as number", `{"path":"/","headers":{"a":1}}`, false},
		{"data after the object", `{"path":"/"} {}`, false},
		{"truncated", string(full[:len(full)/2]), false},
		{"truncated at the end", string(full[:len(full)-1]), false},
		{"multi-value truncated", string(fullMulti[:len(fullMulti)-20]), true},
		{"multi-value numeric path", `{"multiValueHeaders":{"a":["b"]},"path":5}`, true},
		{"multi-value spaced", `{"multiValueHeaders" :  {"a":["b"]},"path":5}`, true},
		{"multi-value header not an array", `{"multiValueHeaders":{"a":"b"},"path":"/"}`, true},
		{"multi-value null", `{"multiValueHeaders":null,"path":5}`, false},
	}
	for _, tt := range tests {
		logger, logs := bufferLogger()
		called := false
		r := New()
		r.Logger = logger
		r.Handle("GET", "/*path", func(c *Context) error { called = true; return nil })
		w := rtInvoke(t, r, []byte(tt.payload), tt.multi)
		if w.status != 400 || w.description != "400 Bad Request" {
			t.Errorf("%s: status = %d %q, want 400", tt.name, w.status, w.description)
		}
		if got, want := string(w.body), `{"message":"malformed ALB event"}`; got != want {
			t.Errorf("%s: body = %q, want %q", tt.name, got, want)
		}
		if got, want := w.header("Content-Type"), "application/json"; got != want {
			t.Errorf("%s: Content-Type = %q, want %q", tt.name, got, want)
		}
		if called {
			t.Errorf("%s: the handler ran", tt.name)
		}
		if logs.Len() != 0 {
			t.Errorf("%s: logged %q for a 400", tt.name, logs)
		}
	}
}

func TestRouterBadBase64Body(t *testing.T) {
	for _, multi := range bothModes {
		for _, body := range []string{"!!!", "aGVsbG8", "aGVsbG8=!", "a"} {
			called := false
			r := New()
			r.POST("/x", func(c *Context) error { called = true; return nil })
			w := rtInvokeSpec(t, r, eventSpec{method: "POST", path: "/x", body: body, base64: true, multi: multi})
			if got, want := string(w.body), `{"message":"request body is not valid base64"}`; w.status != 400 || got != want {
				t.Errorf("%s base64 body %q = %d %q, want 400 %q", modeLabel(multi), body, w.status, got, want)
			}
			if called {
				t.Errorf("%s base64 body %q: the handler ran", modeLabel(multi), body)
			}
		}
		// The same text without the flag is an ordinary body.
		r := New()
		r.POST("/x", func(c *Context) error { return c.Blob(200, "text/plain", c.Body()) })
		w := rtInvokeSpec(t, r, eventSpec{method: "POST", path: "/x", body: "!!!", multi: multi})
		if w.status != 200 || string(w.body) != "!!!" {
			t.Errorf("%s unflagged body = %d %q, want 200 \"!!!\"", modeLabel(multi), w.status, w.body)
		}
	}
}

func TestRouterSetCookie(t *testing.T) {
	twoCookies := func(c *Context) error {
		c.SetCookie(&http.Cookie{Name: "a", Value: "1", Path: "/", HttpOnly: true})
		c.SetCookie(&http.Cookie{Name: "b", Value: "2"})
		return c.NoContent(http.StatusNoContent)
	}
	// Multi-value mode: every cookie, whatever the policy.
	for _, policy := range []SetCookiePolicy{SetCookieLast, SetCookieCaseVariants} {
		logger, logs := bufferLogger()
		r := New()
		r.Logger = logger
		r.SetCookiePolicy = policy
		r.GET("/", twoCookies)
		w := rtInvokeSpec(t, r, eventSpec{multi: true})
		if got, want := w.headers["Set-Cookie"], []string{"a=1; Path=/; HttpOnly", "b=2"}; !slices.Equal(got, want) {
			t.Errorf("policy %d multi-value Set-Cookie = %q, want %q (headers %v)", policy, got, want, w.headers)
		}
		if logs.Len() != 0 {
			t.Errorf("policy %d multi-value: logged %q", policy, logs)
		}
	}

	// Single-value mode, default: the last cookie, and a warning.
	logger, logs := bufferLogger()
	r := New()
	r.Logger = logger
	r.GET("/", twoCookies)
	w := rtInvokeSpec(t, r, eventSpec{})
	if got, want := w.headers["Set-Cookie"], []string{"b=2"}; !slices.Equal(got, want) {
		t.Errorf("single-value Set-Cookie = %q, want %q (headers %v)", got, want, w.headers)
	}
	if lines := logLines(logs, "level=WARN"); len(lines) != 1 || !strings.Contains(lines[0], "Set-Cookie") || !strings.Contains(lines[0], "a") {
		t.Errorf("single-value warning = %q, want one WARN line naming the dropped cookie", lines)
	}

	// Single-value mode, case variants: two keys.
	logger, logs = bufferLogger()
	r = New()
	r.Logger = logger
	r.SetCookiePolicy = SetCookieCaseVariants
	r.GET("/", twoCookies)
	w = rtInvokeSpec(t, r, eventSpec{})
	var keys []string
	var values []string
	for k, vs := range w.headers {
		if strings.EqualFold(k, "Set-Cookie") {
			keys = append(keys, k)
			values = append(values, vs...)
		}
	}
	slices.Sort(keys)
	slices.Sort(values)
	if len(keys) != 2 || keys[0] == keys[1] {
		t.Errorf("case variants: Set-Cookie keys = %q, want two distinct spellings", keys)
	}
	if want := []string{"a=1; Path=/; HttpOnly", "b=2"}; !slices.Equal(values, want) {
		t.Errorf("case variants: Set-Cookie values = %q, want %q", values, want)
	}
	if w.headers["Set-Cookie"] == nil {
		t.Errorf("case variants: no key spelled \"Set-Cookie\": %v", w.headers)
	}
	if logs.Len() != 0 {
		t.Errorf("case variants: logged %q", logs)
	}

	// One cookie: no warning in either mode.
	for _, multi := range bothModes {
		logger, logs := bufferLogger()
		r := New()
		r.Logger = logger
		r.GET("/", func(c *Context) error {
			c.SetCookie(&http.Cookie{Name: "only", Value: "1"})
			return nil
		})
		w := rtInvokeSpec(t, r, eventSpec{multi: multi})
		if got := w.values("Set-Cookie"); !slices.Equal(got, []string{"only=1"}) || logs.Len() != 0 {
			t.Errorf("%s one cookie: Set-Cookie %q, log %q; want [only=1] and no log", modeLabel(multi), got, logs)
		}
	}
}

// TestRouterTooLargeStatus: a response the ALB would refuse for its size
// is answered again through the ErrorHandler, from a clean response, with
// an *HTTPError of status TooLargeStatus whose cause is
// ErrResponseTooLarge, so a JSON API keeps its error shape.
func TestRouterTooLargeStatus(t *testing.T) {
	big := bytes.Repeat([]byte("a"), 2<<20)
	manyHeaders := func(c *Context) error {
		for i := range 40 {
			c.AddHeader("X-H"+strconv.Itoa(i), strings.Repeat("v", 1000))
		}
		return c.String(http.StatusOK, "ok")
	}
	for _, multi := range bothModes {
		for _, tt := range []struct{ setting, want int }{{0, 500}, {http.StatusRequestEntityTooLarge, 413}, {http.StatusBadGateway, 502}} {
			logger, logs := bufferLogger()
			r := New()
			r.Logger = logger
			r.TooLargeStatus = tt.setting
			var handled []error
			r.ErrorHandler = func(c *Context, err error) {
				handled = append(handled, err)
				DefaultErrorHandler(c, err)
			}
			r.GET("/big", func(c *Context) error {
				c.SetHeader("X-Big", "1")
				return c.Blob(http.StatusOK, "application/octet-stream", big)
			})
			r.GET("/bigbinary", func(c *Context) error { return c.Blob(http.StatusOK, "application/octet-stream", big[:800_000]) })
			r.GET("/headers", manyHeaders)
			for _, path := range []string{"/big", "/bigbinary", "/headers"} {
				handled = handled[:0]
				out, err := r.Invoke(context.Background(), testEvent(t, eventSpec{path: path, multi: multi}))
				if err != nil {
					t.Fatalf("Invoke error = %v", err)
				}
				if len(out) > 1_000_000 {
					t.Errorf("%s %s: response is %d bytes, over the ALB's limit", modeLabel(multi), path, len(out))
				}
				w := decodeWire(t, out, multi)
				if want := `{"message":"response too large"}`; w.status != tt.want || string(w.body) != want || w.header("Content-Type") != "application/json" {
					t.Errorf("%s TooLargeStatus=%d %s = %d %q (%s), want %d %q as JSON", modeLabel(multi), tt.setting, path, w.status, w.body, w.header("Content-Type"), tt.want, want)
				}
				// A header block too large starts the answer from a clean
				// response; a body too large keeps the headers that do not
				// describe the body, as any error answer does.
				if w.header("X-H1") != "" || path == "/big" && w.header("X-Big") != "1" {
					t.Errorf("%s %s: X-H1 %q, X-Big %q; want the header block dropped, X-Big kept", modeLabel(multi), path, w.header("X-H1"), w.header("X-Big"))
				}
				if got := w.values("Content-Type"); len(got) != 1 {
					t.Errorf("%s %s: Content-Type = %q, want one", modeLabel(multi), path, got)
				}
				var he *HTTPError
				if len(handled) != 1 || !errors.As(handled[0], &he) || he.Status != tt.want || !errors.Is(handled[0], ErrResponseTooLarge) {
					t.Errorf("%s %s: ErrorHandler got %v, want one *HTTPError %d wrapping ErrResponseTooLarge", modeLabel(multi), path, handled, tt.want)
				}
			}
			if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "over the ALB's limit of") {
				t.Errorf("%s TooLargeStatus=%d: log %q, want a warning with the size", modeLabel(multi), tt.setting, logs)
			}
		}
	}
}

// TestRouterTooLargeErrorAnswer: when the ErrorHandler's own answer is too
// large too, or it panics, the plain-text replacement goes out.
func TestRouterTooLargeErrorAnswer(t *testing.T) {
	big := bytes.Repeat([]byte{0xff}, 2<<20)
	for _, multi := range bothModes {
		for name, eh := range map[string]func(*Context, error){
			"too large":      func(c *Context, err error) { _ = c.Blob(500, "application/octet-stream", big) },
			"panics":         func(c *Context, err error) { panic("error handler fails") },
			"writes nothing": func(c *Context, err error) {},
		} {
			r := New()
			r.Logger = slog.New(slog.DiscardHandler)
			r.ErrorHandler = eh
			r.GET("/big", func(c *Context) error { return c.Blob(http.StatusOK, "application/octet-stream", big) })
			w := rtInvokeSpec(t, r, eventSpec{path: "/big", multi: multi})
			if w.status != 500 || string(w.body) != tooLargeBody || w.header("Content-Type") != "text/plain; charset=utf-8" {
				t.Errorf("%s ErrorHandler %s: %d %q, want the 500 plain-text replacement", modeLabel(multi), name, w.status, w.body)
			}
		}
	}
}

// TestRouterTextBodyTooLargeAsText: a text body whose escaped form would
// take the response over 1 MB goes out as base64 when that fits, instead of
// becoming an error; the client gets exactly the same bytes.
func TestRouterTextBodyTooLargeAsText(t *testing.T) {
	bodies := map[string][]byte{
		"control characters": bytes.Repeat([]byte{0x01}, 700_000), // 4.2 MB escaped, 0.93 MB as base64
		"quotes":             bytes.Repeat([]byte(`"`), 600_000),  // 1.2 MB escaped
		"html":               bytes.Repeat([]byte("<p>&</p>"), 90_000),
	}
	for _, multi := range bothModes {
		for name, body := range bodies {
			for _, enc := range []BodyEncoding{BodyAuto, BodyText} {
				r := New()
				r.Logger = slog.New(slog.DiscardHandler)
				r.GET("/", func(c *Context) error {
					c.SetBodyEncoding(enc)
					return c.Blob(http.StatusOK, "text/plain; charset=utf-8", body)
				})
				out := mustInvoke(t, r, testEvent(t, eventSpec{multi: multi}))
				if err := albcheck.Validate(out, multi); err != nil {
					t.Fatalf("%s %s: invalid response: %v", modeLabel(multi), name, err)
				}
				w := decodeWire(t, out, multi)
				if w.status != http.StatusOK || !bytes.Equal(w.body, body) {
					t.Errorf("%s %s encoding %d: status %d, %d body bytes; want 200 with the %d bytes", modeLabel(multi), name, enc, w.status, len(w.body), len(body))
				}
			}
		}
	}
	// A text body that fits as text still goes out as text.
	r := New()
	r.GET("/", func(c *Context) error { return c.String(http.StatusOK, strings.Repeat("a", 900_000)) })
	if out := mustInvoke(t, r, testEvent(t, eventSpec{})); !bytes.Contains(out, []byte(`"isBase64Encoded":false`)) {
		t.Errorf("a 900 kB text body went out as base64")
	}
}

// TestRouterServeEvent compares ServeEvent with Invoke for the same events.
func TestRouterServeEvent(t *testing.T) {
	newRouter := func() *Router {
		logger, _ := bufferLogger()
		r := New()
		r.Logger = logger
		r.GET("/users/:id", func(c *Context) error {
			c.SetHeader("X-Id", c.Param("id"))
			c.AddHeader("X-Multi", "1")
			c.AddHeader("X-Multi", "2")
			return c.JSON(200, map[string]string{"id": c.Param("id"), "q": c.Query("q"), "ua": c.Header("User-Agent")})
		})
		r.POST("/echo", func(c *Context) error { return c.Blob(201, c.Header("Content-Type"), c.Body()) })
		r.GET("/panic", func(*Context) error { panic("boom") })
		r.GET("/cookies", func(c *Context) error {
			c.SetCookie(&http.Cookie{Name: "a", Value: "1"})
			c.SetCookie(&http.Cookie{Name: "b", Value: "2"})
			return nil
		})
		return r
	}
	specs := []eventSpec{
		{path: "/users/42", query: [][2]string{{"q", "a+b"}}, headers: [][2]string{{"user-agent", "test"}}},
		{method: "POST", path: "/echo", headers: [][2]string{{"content-type", "text/plain"}}, body: "hello"},
		{method: "POST", path: "/echo", headers: [][2]string{{"content-type", "application/octet-stream"}}, body: base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 0xff}), base64: true},
		{method: "POST", path: "/echo", body: "!!", base64: true},
		{method: "HEAD", path: "/users/1"},
		{path: "/users/1/"},
		{path: "/nowhere"},
		{method: "DELETE", path: "/users/1"},
		{method: "OPTIONS", path: "/users/1"},
		{path: "/panic"},
		{path: "/cookies"},
	}
	for _, multi := range bothModes {
		r := newRouter()
		for _, s := range specs {
			s.multi = multi
			payload := testEvent(t, s)
			var ev events.ALBTargetGroupRequest
			if err := json.Unmarshal(payload, &ev); err != nil {
				t.Fatalf("decoding %s: %v", payload, err)
			}
			resp, err := r.ServeEvent(context.Background(), ev)
			if err != nil {
				t.Errorf("%s ServeEvent(%s %s) error = %v, want nil", modeLabel(multi), s.method, s.path, err)
			}
			if resp.Headers == nil || resp.MultiValueHeaders == nil {
				t.Errorf("%s ServeEvent(%s %s): Headers nil %v, MultiValueHeaders nil %v; want neither nil",
					modeLabel(multi), s.method, s.path, resp.Headers == nil, resp.MultiValueHeaders == nil)
			}
			w := rtInvoke(t, r, payload, multi)
			if resp.StatusCode != w.status || resp.StatusDescription != w.description ||
				resp.IsBase64Encoded != w.base64 || resp.Body != w.bodyField {
				t.Errorf("%s %s %s: ServeEvent = %d %q %v %q, Invoke = %d %q %v %q", modeLabel(multi), s.method, s.path,
					resp.StatusCode, resp.StatusDescription, resp.IsBase64Encoded, resp.Body,
					w.status, w.description, w.base64, w.bodyField)
			}
			if multi {
				if len(resp.Headers) != 0 {
					t.Errorf("%s %s %s: ServeEvent Headers = %v, want empty", modeLabel(multi), s.method, s.path, resp.Headers)
				}
				if !mapsEqualSlices(resp.MultiValueHeaders, w.headers) {
					t.Errorf("%s %s %s: ServeEvent MultiValueHeaders = %v, Invoke %v", modeLabel(multi), s.method, s.path, resp.MultiValueHeaders, w.headers)
				}
			} else {
				if len(resp.MultiValueHeaders) != 0 {
					t.Errorf("%s %s %s: ServeEvent MultiValueHeaders = %v, want empty", modeLabel(multi), s.method, s.path, resp.MultiValueHeaders)
				}
				single := map[string][]string{}
				for k, v := range resp.Headers {
					single[k] = []string{v}
				}
				if !mapsEqualSlices(single, w.headers) {
					t.Errorf("%s %s %s: ServeEvent Headers = %v, Invoke %v", modeLabel(multi), s.method, s.path, resp.Headers, w.headers)
				}
			}
		}
	}
	// A zero event: no method, no path, no headers.
	resp, err := newRouter().ServeEvent(context.Background(), events.ALBTargetGroupRequest{})
	if err != nil || resp.StatusCode != 404 || resp.Headers == nil || resp.MultiValueHeaders == nil {
		t.Errorf("ServeEvent(zero event) = %d, %v, maps nil %v %v; want 404, nil, non-nil maps",
			resp.StatusCode, err, resp.Headers == nil, resp.MultiValueHeaders == nil)
	}
}

func mapsEqualSlices(a, b map[string][]string) bool {
	return maps.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

// TestRouterConcurrentInvokes runs invocations in parallel on one router: each must
// get its own answer (run with -race).
func TestRouterConcurrentInvokes(t *testing.T) {
	r := New()
	r.Logger = slog.New(slog.DiscardHandler)
	r.GET("/users/:id", func(c *Context) error {
		c.Set("id", c.Param("id"))
		return c.String(200, c.Param("id")+" "+c.Query("n")+" "+c.Header("X-N")+" "+c.Get("id").(string))
	})
	r.POST("/echo", func(c *Context) error { return c.Blob(200, "application/octet-stream", c.Body()) })
	const goroutines, rounds = 8, 50
	var wg sync.WaitGroup
	errs := make(chan string, goroutines*rounds)
	for g := range goroutines {
		wg.Go(func() {
			for i := range rounds {
				n := strconv.Itoa(g*1000 + i)
				multi := i%2 == 0
				out, err := r.Invoke(context.Background(), testEvent(t, eventSpec{
					path: "/users/" + n, query: [][2]string{{"n", n}}, headers: [][2]string{{"x-n", n}}, multi: multi,
				}))
				if err != nil {
					errs <- err.Error()
					continue
				}
				var resp struct{ Body string }
				if err := json.Unmarshal(out, &resp); err != nil {
					errs <- err.Error()
					continue
				}
				if want := n + " " + n + " " + n + " " + n; resp.Body != want {
					errs <- fmt.Sprintf("GET /users/%s body = %q, want %q", n, resp.Body, want)
				}
				body := []byte("payload " + n)
				out, _ = r.Invoke(context.Background(), testEvent(t, eventSpec{
					method: "POST", path: "/echo", body: base64.StdEncoding.EncodeToString(body), base64: true, multi: multi,
				}))
				if err := json.Unmarshal(out, &resp); err != nil {
					errs <- err.Error()
					continue
				}
				if got, _ := base64.StdEncoding.DecodeString(resp.Body); !bytes.Equal(got, body) {
					errs <- fmt.Sprintf("POST /echo body = %q, want %q", got, body)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestRouterInvokeKeepsNoReferenceToPayload reuses one payload buffer, as the
// Lambda runtime does, and checks that the response does not change with it.
func TestRouterInvokeKeepsNoReferenceToPayload(t *testing.T) {
	r := New()
	r.GET("/users/:id", func(c *Context) error { return c.String(200, c.Param("id")+c.Header("X-A")) })
	payload := testEvent(t, eventSpec{path: "/users/abc", headers: [][2]string{{"x-a", "1"}}})
	out, _ := r.Invoke(context.Background(), payload)
	saved := bytes.Clone(out)
	for i := range payload {
		payload[i] = 'x'
	}
	if !bytes.Equal(out, saved) {
		t.Errorf("response changed with the payload: %s, want %s", out, saved)
	}
	w := decodeWire(t, out, false)
	if string(w.body) != "abc1" {
		t.Errorf("body = %q, want %q", w.body, "abc1")
	}
}

// TestRouterGroupPatternWithoutSlash: a Group's registration methods behave
// like the Router's, which panics on a pattern that does not begin with '/'.
func TestRouterGroupPatternWithoutSlash(t *testing.T) {
	r := New()
	wantPanic(t, func() { r.Group("/api").GET("x", textHandler("x")) }, `"x"`)
}

// TestRouterRedirectNeverBackslashRelative: browsers read a Location of
// "/\host" as "//host", another host, like the "//" that serveRedirect
// already guards against.
func TestRouterRedirectNeverBackslashRelative(t *testing.T) {
	r := New()
	r.GET("/:name", textHandler("name"))
	w := rtInvokeSpec(t, r, eventSpec{path: `/\evil.com/`})
	if loc := w.header("Location"); w.status != 301 || strings.HasPrefix(loc, `/\`) {
		t.Errorf("GET /\\evil.com/ = %d Location %q, want 301 with a Location that does not start with /\\", w.status, loc)
	}
}

// TestRouterInvokeNilMiddleware: a nil Middleware is a setup mistake. Use
// may reject it with a panic; if it does not, Invoke must still answer with
// a well-formed response and never panic (Invoke's doc, contract rule 31).
func TestRouterInvokeNilMiddleware(t *testing.T) {
	r := New()
	usePanicked := func() (panicked bool) {
		defer func() { panicked = recover() != nil }()
		r.Use(nil)
		return false
	}()
	if usePanicked {
		return // rejected at setup: fine
	}
	for i := range 2 {
		var out []byte
		p := func() (p any) {
			defer func() { p = recover() }()
			out, _ = r.Invoke(context.Background(), testEvent(t, eventSpec{}))
			return nil
		}()
		if p != nil {
			t.Fatalf("Invoke call %d panicked: %v", i+1, p)
		}
		decodeWire(t, out, false)
	}
}

func TestContextHandleError(t *testing.T) {
	calls := 0
	r := New()
	r.ErrorHandler = func(c *Context, err error) {
		calls++
		DefaultErrorHandler(c, err)
	}
	var seen int
	r.Use(func(next HandlerFunc) HandlerFunc {
		return func(c *Context) error {
			err := next(c)
			c.HandleError(err)
			seen = c.ResponseStatus()
			return err // still returned to the router, which does not answer it again
		}
	})
	r.GET("/missing", func(*Context) error { return NewHTTPError(http.StatusNotFound, "no such thing") })
	r.GET("/ok", func(c *Context) error { return c.NoContent(http.StatusNoContent) })
	out, _ := r.Invoke(context.Background(), testEventJSON("GET", "/missing", nil, nil, false))
	if d := decodeResponse(t, out); d.StatusCode != http.StatusNotFound || seen != http.StatusNotFound || calls != 1 {
		t.Errorf("got %s, middleware saw %d, ErrorHandler ran %d times; want 404, 404, 1", out, seen, calls)
	}
	calls = 0
	out, _ = r.Invoke(context.Background(), testEventJSON("GET", "/ok", nil, nil, false))
	if d := decodeResponse(t, out); d.StatusCode != http.StatusNoContent || calls != 0 {
		t.Errorf("HandleError(nil): got %s, ErrorHandler ran %d times", out, calls)
	}
}

func TestRouterSettingsFrozenAtFirstRequest(t *testing.T) {
	r := New()
	r.GET("/x", func(c *Context) error { return c.NoContent(http.StatusNoContent) })
	post := testEventJSON("POST", "/x", nil, nil, false)
	if d := decodeResponse(t, mustInvoke(t, r, post)); d.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("status %d, want 405", d.StatusCode)
	}
	r.HandleMethodNotAllowed = false // too late: read once, at the first request
	r.ErrorHandler = func(c *Context, _ error) { _ = c.NoContent(http.StatusTeapot) }
	if d := decodeResponse(t, mustInvoke(t, r, post)); d.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("after changing settings: status %d, want 405 still", d.StatusCode)
	}
}

func mustInvoke(t *testing.T, r *Router, ev []byte) []byte {
	t.Helper()
	out, err := r.Invoke(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRedirectLocationIsSafe: an automatic redirect's Location is a path
// whatever the Host header says, so no client can make a shared cache store
// a redirect to a host of its choosing, and bytes that may not appear in a
// URL are escaped.
func TestRedirectLocationIsSafe(t *testing.T) {
	r := New()
	r.GET("/login", func(c *Context) error { return c.NoContent(http.StatusNoContent) })
	for _, tt := range []struct{ host, query, want string }{
		{"good.example", "", "/login"},
		{"good.example:8443", "", "/login"},
		{"[2001:db8::1]:443", "", "/login"},
		{"evil.example", "", "/login"},
		{"good.example@evil.example", "", "/login"},
		{"evil.example/", "", "/login"},
		{"a b", "", "/login"},
		{"good.example", "q=a b&r=%zz&s=\xff", "/login?q=a%20b&r=%zz&s=%FF"},
	} {
		var query [][2]string
		if tt.query != "" {
			for _, kv := range strings.Split(tt.query, "&") {
				k, v, _ := strings.Cut(kv, "=")
				query = append(query, [2]string{k, v})
			}
		}
		for _, multi := range bothModes {
			ev := testEventJSON("GET", "/login/", [][2]string{{"host", tt.host}, {"x-forwarded-proto", "https"}, {"x-forwarded-host", "evil.example"}}, query, multi)
			w := rtInvoke(t, r, ev, multi)
			if w.status != http.StatusMovedPermanently || w.header("Location") != tt.want {
				t.Errorf("%s Host %q, query %q: %d Location %q, want %q", modeLabel(multi), tt.host, tt.query, w.status, w.header("Location"), tt.want)
			}
		}
	}
}

type failingUnmarshal struct{}

func (*failingUnmarshal) UnmarshalJSON([]byte) error { return errors.New("secret internal detail") }

func TestBindJSONKeepsInternalsPrivate(t *testing.T) {
	r := New()
	r.Logger = slog.New(slog.DiscardHandler)
	r.POST("/nonpointer", func(c *Context) error {
		var v struct{ A int }
		return c.BindJSON(v) // a bug in the handler: not a pointer
	})
	r.POST("/custom", func(c *Context) error {
		var v failingUnmarshal
		return c.BindJSON(&v)
	})
	body := []byte(`{"httpMethod":"POST","path":"/nonpointer","headers":{"content-type":"application/json"},"body":"{\"A\":1}"}`)
	if d := decodeResponse(t, mustInvoke(t, r, body)); d.StatusCode != http.StatusInternalServerError || strings.Contains(d.Body, "Unmarshal") {
		t.Errorf("non-pointer: %d %s, want a 500 without Go names", d.StatusCode, d.Body)
	}
	body = []byte(`{"httpMethod":"POST","path":"/custom","headers":{"content-type":"application/json"},"body":"{}"}`)
	d := decodeResponse(t, mustInvoke(t, r, body))
	var msg struct{ Message string }
	_ = json.Unmarshal([]byte(d.Body), &msg)
	if d.StatusCode != http.StatusBadRequest || msg.Message != "invalid JSON" {
		t.Errorf("custom UnmarshalJSON error: %d %s, want 400 invalid JSON", d.StatusCode, d.Body)
	}
}

// panickingHandler is a slog.Handler that panics.
type panickingHandler struct{ slog.Handler }

func (panickingHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (panickingHandler) Handle(context.Context, slog.Record) error { panic("logger broke") }

func TestPanickingLoggerCannotEscapeInvoke(t *testing.T) {
	r := New()
	r.Logger = slog.New(panickingHandler{})
	r.GET("/boom", func(*Context) error { panic("handler broke") })
	out := mustInvoke(t, r, testEventJSON("GET", "/boom", nil, nil, true))
	if d := decodeResponse(t, out); d.StatusCode != http.StatusInternalServerError || d.MultiValueHeaders == nil {
		t.Errorf("got %s, want a well-formed multi-value 500", out)
	}
}

func TestSendResponseOfCarriesHandledError(t *testing.T) {
	calls := 0
	r := New()
	r.ErrorHandler = func(c *Context, err error) {
		calls++
		DefaultErrorHandler(c, err)
	}
	r.Use(func(next HandlerFunc) HandlerFunc { // runs the rest on a copy, like a timeout
		return func(c *Context) error {
			cp := c.Copy()
			err := next(cp)
			c.SendResponseOf(cp)
			return err
		}
	}, func(next HandlerFunc) HandlerFunc { // answers the error early, like a logger
		return func(c *Context) error {
			err := next(c)
			c.HandleError(err)
			return err
		}
	})
	r.GET("/x", func(*Context) error { return NewHTTPError(http.StatusConflict, "taken") })
	d := decodeResponse(t, mustInvoke(t, r, testEventJSON("GET", "/x", nil, nil, false)))
	if d.StatusCode != http.StatusConflict || calls != 1 {
		t.Errorf("status %d, ErrorHandler ran %d times; want 409 once", d.StatusCode, calls)
	}
}

func TestIsHealthCheckCannotBeSpoofed(t *testing.T) {
	var got []bool
	r := New()
	r.Any("/*path", func(c *Context) error {
		got = append(got, c.IsHealthCheck())
		return c.NoContent(http.StatusNoContent)
	})
	ua := [2]string{"user-agent", "ELB-HealthChecker/2.0"}
	for _, ev := range [][]byte{
		mustRead("aws-lambda-rust-runtime_alb_no_host.json"),                                                                       // GET health check
		mustRead("lambda-request-handler_health-event.json"),                                                                       // HEAD health check
		testEventJSON("GET", "/x", [][2]string{ua}, nil, true),                                                                     // multi-value health check
		testEventJSON("GET", "/x", [][2]string{ua, {"x-forwarded-proto", "https"}, {"x-amzn-trace-id", "Root=1-a-b"}}, nil, false), // a client's claim
		testEventJSON("POST", "/x", [][2]string{ua}, nil, false),                                                                   // health checks are GET or HEAD
		testEventJSON("GET", "/x", [][2]string{ua, {"x-amzn-trace-id", "Root=1-a-b"}}, nil, false),
	} {
		mustInvoke(t, r, ev)
	}
	if want := []bool{true, true, true, false, false, false}; !slices.Equal(got, want) {
		t.Errorf("IsHealthCheck = %v, want %v", got, want)
	}
}

// TestRouterRefusesDotDotParameters: no handler is handed a parameter or
// catch-all value holding a ".." segment, whether percent-decoding made it
// or the path carried it; the router answers 400 through its middleware
// and ErrorHandler. Dots that are not a whole segment are ordinary text.
func TestRouterRefusesDotDotParameters(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
		want string // the parameter's value when ok
	}{
		{"/files/%2e%2e/%2e%2e/etc/passwd", false, ""},
		{"/files/%2E%2E/x", false, ""},
		{"/files/..%2fetc%2fpasswd", false, ""},
		{"/files/%zz/%2e%2e/etc", false, ""},
		{"/files/%/..%2fsecret", false, ""},
		{"/files/a/..%2F..%2Fb", false, ""},
		{"/files/a/%2e%2e", false, ""},
		{"/files/a%2f%2e%2e%2fb", false, ""},
		{"/files/../etc/passwd", false, ""},
		{"/files/a/..", false, ""},
		{"/users/%2e%2e", false, ""},
		{"/users/..", false, ""},
		{"/users/..%2f..", false, ""},
		{"/files/a..b/c", true, "/a..b/c"},
		{"/files/...", true, "/..."},
		{"/files/.../x", true, "/.../x"},
		{"/files/..a", true, "/..a"},
		{"/files/a../b", true, "/a../b"},
		{"/files/%2e/x", true, "/./x"},
		{"/files/.hidden", true, "/.hidden"},
		{"/users/..x", true, "..x"},
		{"/users/%2e", true, "."},
	}
	for _, multi := range bothModes {
		r := New()
		r.Logger = slog.New(slog.DiscardHandler)
		var ran []string
		r.Use(func(next HandlerFunc) HandlerFunc {
			return func(c *Context) error {
				err := next(c)
				ran = append(ran, c.Route())
				return err
			}
		})
		var got string
		r.GET("/files/*path", func(c *Context) error { got = c.Param("path"); return c.NoContent(204) })
		r.GET("/users/:id", func(c *Context) error { got = c.Param("id"); return c.NoContent(204) })
		for _, tt := range tests {
			got, ran = "", nil
			for _, method := range []string{"GET", "HEAD"} {
				w := rtInvokeSpec(t, r, eventSpec{method: method, path: tt.path, multi: multi})
				switch {
				case tt.ok && (w.status != 204 || got != tt.want):
					t.Errorf("%s %s %s: %d, parameter %q; want 204 with %q", modeLabel(multi), method, tt.path, w.status, got, tt.want)
				case !tt.ok && (w.status != 400 || got != ""):
					t.Errorf("%s %s %s: %d, handler saw %q; want 400 and no handler", modeLabel(multi), method, tt.path, w.status, got)
				case !tt.ok && method == "GET" && !strings.Contains(string(w.body), "'..' segment"):
					t.Errorf("%s %s: body %s, want it to name the '..' segment", modeLabel(multi), tt.path, w.body)
				}
			}
			if len(ran) != 2 {
				t.Errorf("%s %s: middleware ran %d times, want once per request", modeLabel(multi), tt.path, len(ran))
			}
		}
	}
}

// TestRouterErrorDropsBodyHeaders: an error answer starts with none of the
// headers that described the failed handler's body, whether the router
// answers a returned error or middleware calls HandleError, and keeps the
// others (a middleware's X-Request-Id, say).
func TestRouterErrorDropsBodyHeaders(t *testing.T) {
	bodyHeaders := [][2]string{
		{"Content-Encoding", "gzip"}, {"content-disposition", "attachment; filename=report.pdf"},
		{"ETag", `"v1"`}, {"Content-Length", "123"}, {"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"},
		{"Content-Language", "de"}, {"Content-Range", "bytes 0-9/10"}, {"Expires", "0"},
		{"Content-Type", "application/pdf"}, {"Content-Location", "/r.pdf"},
	}
	failing := func(c *Context) error {
		for _, h := range bodyHeaders {
			c.AddHeader(h[0], h[1])
		}
		c.SetHeader("Cache-Control", "no-store")
		c.SetBodyEncoding(BodyBase64)
		_ = c.Blob(200, "", []byte("%PDF-1.7"))
		return &HTTPError{Status: http.StatusConflict, Message: "report is stale"}
	}
	for _, viaHandleError := range []bool{false, true} {
		for _, multi := range bothModes {
			r := New()
			r.Use(func(next HandlerFunc) HandlerFunc {
				return func(c *Context) error {
					c.SetHeader("X-Request-Id", "req-1")
					err := next(c)
					if viaHandleError {
						c.HandleError(err)
					}
					return err
				}
			})
			r.GET("/report", failing)
			out := mustInvoke(t, r, testEvent(t, eventSpec{path: "/report", multi: multi}))
			w := decodeWire(t, out, multi)
			if w.status != 409 || string(w.body) != `{"message":"report is stale"}` || !bytes.Contains(out, []byte(`"isBase64Encoded":false`)) {
				t.Errorf("%s HandleError=%v: %d %s, want the 409 JSON error as text", modeLabel(multi), viaHandleError, w.status, out)
			}
			for _, h := range bodyHeaders {
				if got := w.values(h[0]); h[0] != "Content-Type" && len(got) != 0 {
					t.Errorf("%s HandleError=%v: %s = %q on the error answer, want none", modeLabel(multi), viaHandleError, h[0], got)
				}
			}
			if got := w.values("Content-Type"); len(got) != 1 || got[0] != "application/json" {
				t.Errorf("%s HandleError=%v: Content-Type = %q, want only application/json", modeLabel(multi), viaHandleError, got)
			}
			if w.header("X-Request-Id") != "req-1" || w.header("Cache-Control") != "no-store" {
				t.Errorf("%s HandleError=%v: X-Request-Id %q Cache-Control %q, want both kept", modeLabel(multi), viaHandleError, w.header("X-Request-Id"), w.header("Cache-Control"))
			}
		}
	}
}

// TestRouterStaticTextAfterParameter runs the parameter-then-text syntax
// through the whole router: matching, parameters, the trailing-slash and
// case-fix redirects, 405 and HEAD, in both modes.
func TestRouterStaticTextAfterParameter(t *testing.T) {
	r := New()
	echo := func(names ...string) HandlerFunc {
		return func(c *Context) error {
			var b strings.Builder
			for _, n := range names {
				b.WriteString(n + "=" + c.Param(n) + ";")
			}
			return c.String(http.StatusOK, c.Route()+" "+b.String())
		}
	}
	r.GET("/qr/:code.png", echo("code"))
	r.GET("/qr/:code", echo("code"))
	r.GET("/v1/:name.json", echo("name"))
	r.GET("/files/:base.:ext", echo("base", "ext"))
	r.GET("/flights/:from-:to/", echo("from", "to"))
	r.GET("/v/:ver/:a.:b", echo("ver", "a", "b"))
	tests := []struct {
		method, path string
		status       int
		want         string // body, or Location for a redirect
	}{
		{"GET", "/qr/abc.png", 200, "/qr/:code.png code=abc;"},
		{"GET", "/qr/abc", 200, "/qr/:code code=abc;"},
		{"GET", "/qr/a.png.png", 200, "/qr/:code.png code=a.png;"},
		{"GET", "/qr/a%2Epng", 200, "/qr/:code.png code=a;"},
		{"HEAD", "/qr/abc.png", 200, ""},
		{"GET", "/v1/users.json", 200, "/v1/:name.json name=users;"},
		{"GET", "/v1/users", 404, `{"message":"Not Found"}`},
		{"GET", "/v1/.json", 404, `{"message":"Not Found"}`},
		{"GET", "/files/report.tar.gz", 200, "/files/:base.:ext base=report;ext=tar.gz;"},
		{"GET", "/files/report", 404, `{"message":"Not Found"}`},
		{"GET", "/flights/LHR-JFK/", 200, "/flights/:from-:to/ from=LHR;to=JFK;"},
		{"GET", "/flights/LHR-JFK", 301, "/flights/LHR-JFK/"},
		{"GET", "/V1/users.JSON", 301, "/v1/users.json"},
		{"POST", "/v1/users.json", 405, `{"message":"Method Not Allowed"}`},
		{"GET", "/files/..%2f.x", 400, `{"message":"path holds a '..' segment"}`},
		{"GET", "/v/%zz/..%2fsecret.txt", 400, `{"message":"path holds a '..' segment"}`},
		{"GET", "/v/%/..%2fsecret.txt", 400, `{"message":"path holds a '..' segment"}`},
		{"GET", "/v/1/a..b.txt", 200, "/v/:ver/:a.:b ver=1;a=a;b=.b.txt;"},
	}
	for _, multi := range bothModes {
		for _, tt := range tests {
			w := rtInvokeSpec(t, r, eventSpec{method: tt.method, path: tt.path, multi: multi})
			got := string(w.body)
			if tt.status/100 == 3 {
				got = w.header("Location")
			}
			if w.status != tt.status || got != tt.want {
				t.Errorf("%s %s %s = %d %q, want %d %q", modeLabel(multi), tt.method, tt.path, w.status, got, tt.status, tt.want)
			}
		}
	}
}

// FuzzDotDotSegment checks the router's ".." detection against an oracle:
// hasDotDotSegment is "a '/'-separated segment equals ..", and
// mayDecodeToDotDot, the fast pre-check, never says no for a raw path
// whose decoded form or decoded segments hold "..".
func FuzzDotDotSegment(f *testing.F) {
	for _, s := range []string{"", "..", "/..", "../", "/a/../b", "a..b", "...", "/%2e%2e/", "%2E.", "..%2f.x", "%2", "%%2e", "/a%2fb/%2E%2e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := hasDotDotSegment(s), slices.Contains(strings.Split(s, "/"), ".."); got != want {
			t.Errorf("hasDotDotSegment(%q) = %v, want %v", s, got, want)
		}
		if got, want := rawHasDotDotSegment(s), slices.Contains(strings.Split(decodeEachEscape(s), "/"), ".."); got != want {
			t.Errorf("rawHasDotDotSegment(%q) = %v, want %v", s, got, want)
		}
		if !mayDecodeToDotDot(s) {
			if decoded := unescapePath(s); strings.Contains(decoded, "..") {
				t.Errorf("mayDecodeToDotDot(%q) = false, but it decodes to %q", s, decoded)
			}
		}
	})
}

// decodeEachEscape decodes every valid "%XX" of s on its own and keeps a
// malformed '%' as it is: the oracle for rawHasDotDotSegment.
func decodeEachEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil && s[i+1] != '+' && s[i+1] != '-' {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// TestRouterServeEventTooLarge: ServeEvent answers a response too large for
// the ALB as Invoke does, through the ErrorHandler.
func TestRouterServeEventTooLarge(t *testing.T) {
	r := New()
	r.Logger = slog.New(slog.DiscardHandler)
	r.GET("/big", func(c *Context) error {
		c.SetHeader("X-Keep", "1")
		return c.Blob(http.StatusOK, "application/octet-stream", make([]byte, 900_000))
	})
	for _, multi := range bothModes {
		ev := events.ALBTargetGroupRequest{HTTPMethod: "GET", Path: "/big"}
		get := func(resp events.ALBTargetGroupResponse, name string) string { return resp.Headers[name] }
		if multi {
			ev.MultiValueHeaders = map[string][]string{}
			get = func(resp events.ALBTargetGroupResponse, name string) string {
				if vs := resp.MultiValueHeaders[name]; len(vs) > 0 {
					return vs[0]
				}
				return ""
			}
		}
		resp, err := r.ServeEvent(context.Background(), ev)
		if err != nil || resp.StatusCode != 500 || resp.Body != `{"message":"response too large"}` || get(resp, "X-Keep") != "1" || get(resp, "Content-Type") != "application/json" {
			t.Errorf("%s: ServeEvent = %d %q X-Keep %q (%v), want the 500 JSON error with X-Keep", modeLabel(multi), resp.StatusCode, resp.Body, get(resp, "X-Keep"), err)
		}
	}
}
