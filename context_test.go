package alb

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// serveContext registers fn for the method of s and pattern on r (a new
// Router when nil), invokes the event for s and returns the response. It
// fails the test if fn did not run.
func serveContext(t *testing.T, r *Router, pattern string, s eventSpec, fn HandlerFunc) *wireResponse {
	t.Helper()
	if r == nil {
		r = New()
	}
	method := s.method
	if method == "" {
		method = http.MethodGet
	}
	ran := false
	r.Handle(method, pattern, func(c *Context) error {
		ran = true
		return fn(c)
	})
	w := rtInvokeSpec(t, r, s)
	if !ran {
		t.Fatalf("handler for %s %s did not run for %q (status %d)", method, pattern, s.path, w.status)
	}
	return w
}

func TestContextMethodAndPath(t *testing.T) {
	tests := []struct {
		method, raw, path string
	}{
		{"GET", "/", "/"},
		{"POST", "/hello/world", "/hello/world"},
		{"DELETE", "/a%20b", "/a b"},
		{"PUT", "/files/a%2Fb", "/files/a/b"},
		{"PATCH", "/caf%C3%A9", "/café"},
		{"PROPFIND", "/%41%42", "/AB"},
		{"GET", "/a+b", "/a+b"},
		{"GET", "/%2541", "/%41"},
		{"GET", "/100%", "/100%"},
		{"GET", "/a%zzb", "/a%zzb"},
		{"GET", "/a%2", "/a%2"},
		{"GET", "/ok%20then%zz", "/ok%20then%zz"},
	}
	for _, multi := range bothModes {
		for _, tt := range tests {
			serveContext(t, nil, "/*p", eventSpec{method: tt.method, path: tt.raw, multi: multi}, func(c *Context) error {
				if got := c.Method(); got != tt.method {
					t.Errorf("%s Method() = %q, want %q", modeLabel(multi), got, tt.method)
				}
				if got := c.RawPath(); got != tt.raw {
					t.Errorf("%s RawPath() = %q, want %q", modeLabel(multi), got, tt.raw)
				}
				for range 2 { // decoded once, the same every time
					if got := c.Path(); got != tt.path {
						t.Errorf("%s Path() for %q = %q, want %q", modeLabel(multi), tt.raw, got, tt.path)
					}
				}
				return nil
			})
		}
	}
}

func TestContextParam(t *testing.T) {
	tests := []struct {
		pattern, path string
		params        map[string]string
	}{
		{"/users/:id", "/users/42", map[string]string{"id": "42"}},
		{"/users/:id", "/users/a%2Fb", map[string]string{"id": "a/b"}},
		{"/users/:id", "/users/a%20b+c", map[string]string{"id": "a b+c"}},
		{"/users/:id", "/users/bad%zz", map[string]string{"id": "bad%zz"}},
		{"/users/:id/files/*path", "/users/7/files/x%2Fy/z", map[string]string{"id": "7", "path": "/x/y/z"}},
		{"/files/*path", "/files/", map[string]string{"path": "/"}},
		{"/v:version/:name", "/v2/caf%C3%A9", map[string]string{"version": "2", "name": "café"}},
		{"/static", "/static", map[string]string{}},
	}
	for _, multi := range bothModes {
		for _, tt := range tests {
			serveContext(t, nil, tt.pattern, eventSpec{path: tt.path, multi: multi}, func(c *Context) error {
				if got := c.Route(); got != tt.pattern {
					t.Errorf("%s Route() = %q, want %q", modeLabel(multi), got, tt.pattern)
				}
				for name, want := range tt.params {
					if got := c.Param(name); got != want {
						t.Errorf("%s %s: Param(%q) = %q, want %q", modeLabel(multi), tt.path, name, got, want)
					}
				}
				if got := c.Param("missing"); got != "" {
					t.Errorf("%s Param(%q) = %q, want \"\"", modeLabel(multi), "missing", got)
				}
				return nil
			})
		}
	}
}

func TestContextQuery(t *testing.T) {
	query := [][2]string{
		{"name", "Ada+Lovelace"},
		{"q", "caf%C3%A9"},
		{"a%5B0%5D", "x"},
		{"first+name", "Grace"},
		{"bad", "100%"},
		{"bad2", "%zz"},
		{"bad%zzkey", "v"},
		{"pct", "%2541"},
		{"empty", ""},
		{"sp", "a%20b+c"},
		{"plus", "%2B"},
		{"amp", "a%26b%3Dc"},
		{"k", "1"},
		{"k", "2"},
	}
	tests := []struct {
		key    string
		single string // want in single-value mode
		multi  string // want in multi-value mode
		ok     bool
	}{
		{"name", "Ada Lovelace", "Ada Lovelace", true},
		{"q", "café", "café", true},
		{"a[0]", "x", "x", true},
		{"a%5B0%5D", "", "", false},
		{"first name", "Grace", "Grace", true},
		{"first+name", "", "", false},
		{"bad", "100%", "100%", true},
		{"bad2", "%zz", "%zz", true},
		{"bad%zzkey", "v", "v", true},
		{"pct", "%41", "%41", true},
		{"empty", "", "", true},
		{"sp", "a b c", "a b c", true},
		{"plus", "+", "+", true},
		{"amp", "a&b=c", "a&b=c", true},
		{"k", "2", "1", true},
		{"missing", "", "", false},
		{"", "", "", false},
	}
	for _, multi := range bothModes {
		serveContext(t, nil, "/", eventSpec{query: query, multi: multi}, func(c *Context) error {
			for range 2 { // decoded once: the same on every call
				for _, tt := range tests {
					want := tt.single
					if multi {
						want = tt.multi
					}
					if got := c.Query(tt.key); got != want {
						t.Errorf("%s Query(%q) = %q, want %q", modeLabel(multi), tt.key, got, want)
					}
					if got, ok := c.LookupQuery(tt.key); got != want || ok != tt.ok {
						t.Errorf("%s LookupQuery(%q) = %q, %v, want %q, %v", modeLabel(multi), tt.key, got, ok, want, tt.ok)
					}
				}
			}
			if got, want := c.QueryValues("name"), []string{"Ada Lovelace"}; !slices.Equal(got, want) {
				t.Errorf("%s QueryValues(%q) = %q, want %q", modeLabel(multi), "name", got, want)
			}
			if got := c.QueryValues("missing"); got != nil {
				t.Errorf("%s QueryValues(%q) = %q, want nil", modeLabel(multi), "missing", got)
			}
			if multi {
				if got, want := c.QueryValues("k"), []string{"1", "2"}; !slices.Equal(got, want) {
					t.Errorf("%s QueryValues(%q) = %q, want %q", modeLabel(multi), "k", got, want)
				}
			}
			var raw []string
			for _, f := range query {
				raw = append(raw, f[0]+"="+f[1])
			}
			if got, want := c.RawQuery(), strings.Join(raw, "&"); got != want {
				t.Errorf("%s RawQuery() = %q, want %q", modeLabel(multi), got, want)
			}
			return nil
		})
	}
}

// TestContextQueryKeysDecodingAlike covers distinct raw keys that decode to
// the same key: the ALB delivers both.
func TestContextQueryKeysDecodingAlike(t *testing.T) {
	query := [][2]string{{"a", "1"}, {"%61", "2"}, {"b+c", "3"}, {"b%20c", "4"}}
	for _, multi := range bothModes {
		serveContext(t, nil, "/", eventSpec{query: query, multi: multi}, func(c *Context) error {
			wantA, wantBC := "2", "4" // single-value: the last
			if multi {
				wantA, wantBC = "1", "3" // multi-value: the first
			}
			if got := c.Query("a"); got != wantA {
				t.Errorf("%s Query(%q) = %q, want %q", modeLabel(multi), "a", got, wantA)
			}
			if got := c.Query("b c"); got != wantBC {
				t.Errorf("%s Query(%q) = %q, want %q", modeLabel(multi), "b c", got, wantBC)
			}
			if got, want := c.QueryValues("a"), []string{"1", "2"}; !slices.Equal(got, want) {
				t.Errorf("%s QueryValues(%q) = %q, want %q", modeLabel(multi), "a", got, want)
			}
			if got, want := c.RawQuery(), "a=1&%61=2&b+c=3&b%20c=4"; got != want {
				t.Errorf("%s RawQuery() = %q, want %q", modeLabel(multi), got, want)
			}
			return nil
		})
	}
}

func TestContextQueryNone(t *testing.T) {
	for _, multi := range bothModes {
		serveContext(t, nil, "/", eventSpec{multi: multi}, func(c *Context) error {
			if got := c.RawQuery(); got != "" {
				t.Errorf("%s RawQuery() = %q, want \"\"", modeLabel(multi), got)
			}
			if got, ok := c.LookupQuery("a"); got != "" || ok {
				t.Errorf("%s LookupQuery(%q) = %q, %v, want \"\", false", modeLabel(multi), "a", got, ok)
			}
			if got := c.QueryValues("a"); got != nil {
				t.Errorf("%s QueryValues(%q) = %q, want nil", modeLabel(multi), "a", got)
			}
			return nil
		})
	}
}

// TestContextQueryRecordedEvents reads the recorded events named in the
// contract's suggested tests.
func TestContextQueryRecordedEvents(t *testing.T) {
	tests := []struct {
		file       string
		multi      bool
		key, value string
		raw        string
	}{
		{"lambda-request-handler_alb-event.json", false, "param", "ab cd", "param=ab%20cd"},
		{"lambda-request-handler_alb-multi-header-event.json", true, "param", "ab cd", "param=ab%20cd"},
	}
	for _, tt := range tests {
		r := New()
		ran := false
		r.GET("/inspect", func(c *Context) error {
			ran = true
			if got := c.Query(tt.key); got != tt.value {
				t.Errorf("%s: Query(%q) = %q, want %q", tt.file, tt.key, got, tt.value)
			}
			if got := c.RawQuery(); got != tt.raw {
				t.Errorf("%s: RawQuery() = %q, want %q", tt.file, got, tt.raw)
			}
			if got := c.MultiValue(); got != tt.multi {
				t.Errorf("%s: MultiValue() = %v, want %v", tt.file, got, tt.multi)
			}
			return nil
		})
		rtInvoke(t, r, readEvent(t, tt.file), tt.multi)
		if !ran {
			t.Errorf("%s: handler did not run", tt.file)
		}
	}
}

func TestContextBrowserEvent(t *testing.T) {
	for _, multi := range bothModes {
		r := New()
		ran := false
		r.GET("/hello/:name", func(c *Context) error {
			ran = true
			checks := []struct{ what, got, want string }{
				{"Param(name)", c.Param("name"), "world"},
				{"Query(name)", c.Query("name"), "Ada Lovelace"},
				{"Query(q)", c.Query("q"), "café"},
				{"Query(lang)", c.Query("lang"), "en"},
				{"RawQuery()", c.RawQuery(), "name=Ada+Lovelace&lang=en&q=caf%C3%A9"},
				{"Header(Host)", c.Header("Host"), "my-alb-1234567890.eu-west-1.elb.amazonaws.com"},
				{"Header(Sec-CH-UA)", c.Header("Sec-CH-UA"), `"Chromium";v="131", "Not_A Brand";v="24", "Google Chrome";v="131"`},
				{"ClientIP()", c.ClientIP(), "203.0.113.7"},
				{"TraceID()", c.TraceID(), "Root=1-67a0c2f1-3b9d2c1e0f4a5b6c7d8e9f01"},
				{"TargetGroupARN()", c.TargetGroupARN(), "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hello/0123456789abcdef"},
			}
			for _, ch := range checks {
				if ch.got != ch.want {
					t.Errorf("%s %s = %q, want %q", modeLabel(multi), ch.what, ch.got, ch.want)
				}
			}
			if v, ok := c.Cookie("theme"); v != "dark" || !ok {
				t.Errorf("%s Cookie(%q) = %q, %v, want %q, true", modeLabel(multi), "theme", v, ok, "dark")
			}
			if n := len(c.Cookies()); n != 3 {
				t.Errorf("%s len(Cookies()) = %d, want 3", modeLabel(multi), n)
			}
			if c.IsHealthCheck() || c.MultiValue() != multi {
				t.Errorf("%s IsHealthCheck() = %v, MultiValue() = %v", modeLabel(multi), c.IsHealthCheck(), c.MultiValue())
			}
			return c.String(200, "ok")
		})
		w := rtInvoke(t, r, browserEvent(multi), multi)
		if !ran || w.status != 200 {
			t.Errorf("%s browser event: ran %v, status %d", modeLabel(multi), ran, w.status)
		}
	}
}

func TestContextHeader(t *testing.T) {
	headers := [][2]string{
		{"content-type", "application/json"},
		{"x-list", "a, b"},
		{"x-dup", "1"},
		{"x-dup", "2"},
		{"X-Upper", "v"},
		{"x-empty", ""},
		{"accept", "text/html;q=0.9, */*;q=0.8"},
	}
	tests := []struct {
		name                 string
		single, multi        string
		singleVals, multiVal []string
	}{
		{"Content-Type", "application/json", "application/json", []string{"application/json"}, []string{"application/json"}},
		{"CONTENT-TYPE", "application/json", "application/json", []string{"application/json"}, []string{"application/json"}},
		{"x-list", "a, b", "a, b", []string{"a, b"}, []string{"a, b"}},
		{"X-Dup", "2", "1", []string{"2"}, []string{"1", "2"}},
		{"x-upper", "v", "v", []string{"v"}, []string{"v"}},
		{"x-empty", "", "", []string{""}, []string{""}},
		{"Accept", "text/html;q=0.9, */*;q=0.8", "text/html;q=0.9, */*;q=0.8", []string{"text/html;q=0.9, */*;q=0.8"}, []string{"text/html;q=0.9, */*;q=0.8"}},
		{"missing", "", "", nil, nil},
		{"content-typ", "", "", nil, nil},
	}
	for _, multi := range bothModes {
		serveContext(t, nil, "/", eventSpec{headers: headers, multi: multi}, func(c *Context) error {
			for _, tt := range tests {
				want, wantVals := tt.single, tt.singleVals
				if multi {
					want, wantVals = tt.multi, tt.multiVal
				}
				if got := c.Header(tt.name); got != want {
					t.Errorf("%s Header(%q) = %q, want %q", modeLabel(multi), tt.name, got, want)
				}
				got := c.HeaderValues(tt.name)
				if !slices.Equal(got, wantVals) || (got == nil) != (wantVals == nil) {
					t.Errorf("%s HeaderValues(%q) = %#v, want %#v", modeLabel(multi), tt.name, got, wantVals)
				}
			}
			return nil
		})
	}
}

func TestContextCookie(t *testing.T) {
	type lookup struct {
		name, value string
		ok          bool
	}
	tests := []struct {
		name    string
		multi   bool
		headers [][2]string
		lookups []lookup
		all     []string // Cookies(), as name=value
	}{
		{"single line", false, [][2]string{{"cookie", `a=1; b=2; q="x y"; e=; h=h3c%2Fky%3D%3Bva`}},
			[]lookup{{"a", "1", true}, {"b", "2", true}, {"q", "x y", true}, {"e", "", true}, {"h", "h3c%2Fky%3D%3Bva", true}, {"missing", "", false}, {"A", "", false}},
			[]string{"a=1", "b=2", "q=x y", "e=", "h=h3c%2Fky%3D%3Bva"}},
		{"single line without spaces", false, [][2]string{{"cookie", "a=1;b=2"}},
			[]lookup{{"a", "1", true}, {"b", "2", true}},
			[]string{"a=1", "b=2"}},
		{"single line, repeated name", false, [][2]string{{"cookie", "a=1; a=2"}},
			[]lookup{{"a", "1", true}},
			[]string{"a=1", "a=2"}},
		{"single-value: the last line only", false, [][2]string{{"cookie", "a=1"}, {"cookie", "b=2"}},
			[]lookup{{"a", "", false}, {"b", "2", true}},
			[]string{"b=2"}},
		{"capitalised header name", false, [][2]string{{"Cookie", "a=1"}},
			[]lookup{{"a", "1", true}},
			[]string{"a=1"}},
		{"no cookie", false, nil,
			[]lookup{{"a", "", false}},
			nil},
		{"invalid name skipped by Cookies", false, [][2]string{{"cookie", "a b=1; ok=2; =3"}},
			[]lookup{{"ok", "2", true}},
			[]string{"ok=2"}},
		{"multi-value lines", true, [][2]string{{"cookie", "a=1; b=2"}, {"cookie", "c=3; a=9"}},
			[]lookup{{"a", "1", true}, {"b", "2", true}, {"c", "3", true}, {"missing", "", false}},
			[]string{"a=1", "b=2", "c=3", "a=9"}},
		{"multi-value quoted", true, [][2]string{{"cookie", `q="quoted"`}, {"cookie", `r=""`}},
			[]lookup{{"q", "quoted", true}, {"r", "", true}},
			[]string{"q=quoted", "r="}},
		{"multi-value no cookie", true, [][2]string{{"x", "y"}},
			[]lookup{{"a", "", false}},
			nil},
	}
	for _, tt := range tests {
		serveContext(t, nil, "/", eventSpec{headers: tt.headers, multi: tt.multi}, func(c *Context) error {
			for _, l := range tt.lookups {
				if v, ok := c.Cookie(l.name); v != l.value || ok != l.ok {
					t.Errorf("%s: Cookie(%q) = %q, %v, want %q, %v", tt.name, l.name, v, ok, l.value, l.ok)
				}
			}
			var all []string
			for _, ck := range c.Cookies() {
				all = append(all, ck.Name+"="+ck.Value)
			}
			if !slices.Equal(all, tt.all) {
				t.Errorf("%s: Cookies() = %q, want %q", tt.name, all, tt.all)
			}
			return nil
		})
	}
}

func TestContextBody(t *testing.T) {
	binary := []byte{0, 1, 2, 0x80, 0xfe, 0xff}
	tests := []struct {
		name   string
		body   string
		base64 bool
		want   []byte
	}{
		{"empty", "", false, nil},
		{"text", "hello, world", false, []byte("hello, world")},
		{"JSON with escapes", `{"a":"\"q\"\n"}`, false, []byte(`{"a":"\"q\"\n"}`)},
		{"unicode", "café ☕", false, []byte("café ☕")},
		{"base64 text", base64.StdEncoding.EncodeToString([]byte("hello")), true, []byte("hello")},
		{"base64 binary", base64.StdEncoding.EncodeToString(binary), true, binary},
		{"base64 empty", "", true, nil},
		{"base64 text not flagged", "aGVsbG8=", false, []byte("aGVsbG8=")},
	}
	for _, multi := range bothModes {
		for _, tt := range tests {
			serveContext(t, nil, "/", eventSpec{method: "POST", body: tt.body, base64: tt.base64, multi: multi}, func(c *Context) error {
				if got := c.Body(); !bytes.Equal(got, tt.want) {
					t.Errorf("%s %s: Body() = %q, want %q", modeLabel(multi), tt.name, got, tt.want)
				}
				return nil
			})
		}
	}
}

type bindTarget struct {
	Name string   `json:"name"`
	Age  int      `json:"age"`
	Tags []string `json:"tags"`
}

func TestContextBindJSON(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		base64  bool
		strict  bool
		want    bindTarget
		message string // "" means no error; otherwise a substring of the 400's message
	}{
		{"ok", `{"name":"Ada","age":36,"tags":["math"]}`, false, false, bindTarget{"Ada", 36, []string{"math"}}, ""},
		{"ok strict", `{"name":"Ada","age":36}`, false, true, bindTarget{Name: "Ada", Age: 36}, ""},
		{"ok base64", base64.StdEncoding.EncodeToString([]byte(`{"name":"B64"}`)), true, false, bindTarget{Name: "B64"}, ""},
		{"ok with spaces", " \n{\"name\":\"Ada\"}\n ", false, true, bindTarget{Name: "Ada"}, ""},
		{"unknown field ignored", `{"name":"Ada","extra":1}`, false, false, bindTarget{Name: "Ada"}, ""},
		{"empty", "", false, false, bindTarget{}, "request body is empty"},
		{"empty strict", "", false, true, bindTarget{}, "request body is empty"},
		{"malformed", `{"name":}`, false, false, bindTarget{}, "malformed JSON at byte"},
		{"malformed strict", `{"name":}`, false, true, bindTarget{}, "malformed JSON at byte"},
		{"truncated strict", `{"name":"Ada"`, false, true, bindTarget{}, "truncated JSON"},
		{"truncated", `{"name":"Ada"`, false, false, bindTarget{}, "JSON"},
		{"wrong field type", `{"name":"Ada","age":"old"}`, false, false, bindTarget{}, `wrong type for field "age": got JSON string`},
		{"wrong field type strict", `{"age":1.5}`, false, true, bindTarget{}, `wrong type for field "age": got JSON number`},
		{"wrong top-level type", `[1,2]`, false, false, bindTarget{}, "wrong JSON type: got array"},
		{"unknown field strict", `{"name":"Ada","extra":1}`, false, true, bindTarget{}, `unknown field "extra"`},
		{"trailing data strict", `{"name":"Ada"} {"name":"Eve"}`, false, true, bindTarget{}, "data after the JSON value"},
		{"trailing data", `{"name":"Ada"} x`, false, false, bindTarget{}, "data after the JSON value"},
	}
	for _, multi := range bothModes {
		for _, tt := range tests {
			var bindErr error
			headers := [][2]string{{"content-type", "application/json"}}
			w := serveContext(t, nil, "/", eventSpec{method: "POST", headers: headers, body: tt.body, base64: tt.base64, multi: multi}, func(c *Context) error {
				var v bindTarget
				if tt.strict {
					bindErr = c.BindJSONStrict(&v)
				} else {
					bindErr = c.BindJSON(&v)
				}
				if bindErr == nil && !reflect.DeepEqual(v, tt.want) {
					t.Errorf("%s %s: bound %+v, want %+v", modeLabel(multi), tt.name, v, tt.want)
				}
				return bindErr
			})
			if tt.message == "" {
				if bindErr != nil {
					t.Errorf("%s %s: error = %v, want nil", modeLabel(multi), tt.name, bindErr)
				}
				continue
			}
			var he *HTTPError
			if !errors.As(bindErr, &he) {
				t.Errorf("%s %s: error = %#v, want an *HTTPError", modeLabel(multi), tt.name, bindErr)
				continue
			}
			if he.Status != http.StatusBadRequest || !strings.Contains(he.Message, tt.message) {
				t.Errorf("%s %s: HTTPError = %d %q, want 400 with %q", modeLabel(multi), tt.name, he.Status, he.Message, tt.message)
			}
			for _, leak := range []string{"Go ", "bindTarget", "json:", "int"} {
				if strings.Contains(he.Message, leak) {
					t.Errorf("%s %s: message %q names Go internals (%q)", modeLabel(multi), tt.name, he.Message, leak)
				}
			}
			var body struct{ Message string }
			if err := json.Unmarshal(w.body, &body); err != nil || w.status != 400 || body.Message != he.Message {
				t.Errorf("%s %s: response = %d %q, want 400 with message %q", modeLabel(multi), tt.name, w.status, w.body, he.Message)
			}
		}
	}
}

// TestContextBindJSONContentType: only a JSON media type is bound; any
// other Content-Type, or none, is 415 and leaves the target untouched, so a
// cross-site form (text/plain, urlencoded or multipart, which need no CORS
// preflight) cannot reach a JSON endpoint.
func TestContextBindJSONContentType(t *testing.T) {
	tests := []struct {
		contentType string // "-" means no Content-Type header
		ok          bool
	}{
		{"application/json", true},
		{"application/json; charset=utf-8", true},
		{"Application/JSON;charset=UTF-8", true},
		{" application/json ", true},
		{"application/problem+json", true},
		{"application/vnd.api+json; ext=bulk", true},
		{"application/merge-patch+JSON", true},
		{"-", false},
		{"", false},
		{"text/plain", false},
		{"text/plain; charset=utf-8", false},
		{"application/x-www-form-urlencoded", false},
		{"multipart/form-data; boundary=x", false},
		{"text/json", false},
		{"application/+json", false},
		{"application/jsonp", false},
		{"application/json-seq", false},
		{"application/xml", false},
		{"json", false},
		{"application/x/+json", false},
	}
	for _, multi := range bothModes {
		for _, tt := range tests {
			var headers [][2]string
			if tt.contentType != "-" {
				headers = [][2]string{{"content-type", tt.contentType}}
			}
			for _, strict := range []bool{false, true} {
				var v bindTarget
				w := serveContext(t, nil, "/", eventSpec{method: "POST", headers: headers, body: `{"name":"Ada"}`, multi: multi}, func(c *Context) error {
					if strict {
						return c.BindJSONStrict(&v)
					}
					return c.BindJSON(&v)
				})
				switch {
				case tt.ok && (w.status != 200 || v.Name != "Ada"):
					t.Errorf("%s Content-Type %q strict=%v: %d %s, bound %+v; want it bound", modeLabel(multi), tt.contentType, strict, w.status, w.body, v)
				case !tt.ok && (w.status != http.StatusUnsupportedMediaType || v.Name != ""):
					t.Errorf("%s Content-Type %q strict=%v: %d %s, bound %+v; want 415 and nothing bound", modeLabel(multi), tt.contentType, strict, w.status, w.body, v)
				case !tt.ok && !strings.Contains(string(w.body), "application/json expected"):
					t.Errorf("%s Content-Type %q: body %s, want it to say JSON is expected", modeLabel(multi), tt.contentType, w.body)
				}
			}
		}
	}
}

func TestContextFormValue(t *testing.T) {
	form := "a=1&b=x+y&c=%C3%A9&a=2&empty="
	tests := []struct {
		name        string
		contentType string
		body        string
		base64      bool
		want        map[string]string
	}{
		{"urlencoded, base64 as the ALB sends it", "application/x-www-form-urlencoded", base64.StdEncoding.EncodeToString([]byte(form)), true,
			map[string]string{"a": "1", "b": "x y", "c": "é", "empty": "", "d": "fromquery", "zz": ""}},
		{"urlencoded, text", "application/x-www-form-urlencoded; charset=UTF-8", form, false,
			map[string]string{"a": "1", "b": "x y", "d": "fromquery"}},
		{"upper-case content type", "APPLICATION/X-WWW-FORM-URLENCODED", form, false,
			map[string]string{"a": "1", "d": "fromquery"}},
		{"JSON body: the query only", "application/json", `a=1`, false,
			map[string]string{"a": "q", "d": "fromquery", "b": ""}},
		{"no content type: the query only", "", form, false,
			map[string]string{"a": "q", "b": ""}},
		{"bad pair skipped", "application/x-www-form-urlencoded", "a=%zz&b=2", false,
			map[string]string{"a": "q", "b": "2"}},
	}
	query := [][2]string{{"a", "q"}, {"d", "from%71uery"}}
	for _, multi := range bothModes {
		for _, tt := range tests {
			var headers [][2]string
			if tt.contentType != "" {
				headers = [][2]string{{"content-type", tt.contentType}}
			}
			serveContext(t, nil, "/", eventSpec{method: "POST", headers: headers, query: query, body: tt.body, base64: tt.base64, multi: multi}, func(c *Context) error {
				for range 2 {
					for name, want := range tt.want {
						if got := c.FormValue(name); got != want {
							t.Errorf("%s %s: FormValue(%q) = %q, want %q", modeLabel(multi), tt.name, name, got, want)
						}
					}
				}
				return nil
			})
		}
	}
}

func TestContextClientIP(t *testing.T) {
	tests := []struct {
		name  string
		multi bool
		xff   []string // one header line each
		hops  int
		want  string
	}{
		{"none", false, nil, 0, ""},
		{"one", false, []string{"203.0.113.7"}, 0, "203.0.113.7"},
		{"right-most", false, []string{"1.1.1.1, 2.2.2.2"}, 0, "2.2.2.2"},
		{"spoofed left entry", false, []string{"10.0.0.1, 198.51.100.9"}, 0, "198.51.100.9"},
		{"no spaces", false, []string{"1.1.1.1,2.2.2.2"}, 0, "2.2.2.2"},
		{"one trusted hop", false, []string{"1.1.1.1, 2.2.2.2"}, 1, "1.1.1.1"},
		{"two trusted hops", false, []string{"1.1.1.1, 2.2.2.2, 3.3.3.3"}, 2, "1.1.1.1"},
		{"more hops than entries", false, []string{"1.1.1.1, 2.2.2.2"}, 2, ""},
		{"v4 with a port", false, []string{"1.2.3.4:5678"}, 0, "1.2.3.4"},
		{"v6 with a port", false, []string{"[::1]:80"}, 0, "::1"},
		{"v6 in brackets", false, []string{"[2001:db8::1]"}, 0, "2001:db8::1"},
		{"v6", false, []string{"2001:db8::1"}, 0, "2001:db8::1"},
		{"ports with hops", false, []string{"[2001:db8::2]:1234, 1.2.3.4:5678"}, 1, "2001:db8::2"},
		{"garbage", false, []string{"garbage"}, 0, ""},
		{"garbage right-most", false, []string{"1.1.1.1, garbage"}, 0, ""},
		{"unclosed bracket", false, []string{"[::1"}, 0, ""},
		{"host name", false, []string{"example.com"}, 0, ""},
		{"empty value", false, []string{""}, 0, ""},
		{"empty entries skipped", false, []string{"1.1.1.1, , "}, 0, "1.1.1.1"},
		{"single-value: the last line only", false, []string{"1.1.1.1", "2.2.2.2"}, 1, ""},
		{"multi-value one line", true, []string{"1.1.1.1, 2.2.2.2"}, 0, "2.2.2.2"},
		{"multi-value lines", true, []string{"1.1.1.1", "2.2.2.2, 3.3.3.3"}, 0, "3.3.3.3"},
		{"multi-value hops across lines", true, []string{"1.1.1.1", "2.2.2.2, 3.3.3.3"}, 2, "1.1.1.1"},
		{"multi-value too many hops", true, []string{"1.1.1.1", "2.2.2.2, 3.3.3.3"}, 3, ""},
		{"multi-value none", true, nil, 0, ""},
		{"v6 zone dropped", false, []string{"fe80::1%eth0"}, 0, "fe80::1"},
		{"v6 zone index dropped", false, []string{"fe80::1%2"}, 0, "fe80::1"},
		{"v6 zone in brackets with a port", false, []string{"[fe80::1%en0]:443"}, 0, "fe80::1"},
		{"v6 zone multi-value", true, []string{"fe80::1%eth0"}, 0, "fe80::1"},
		{"v6 zone junk", false, []string{"fe80::1%<script>"}, 0, ""},
		{"v6 zone with a space", false, []string{"[fe80::1%a b]"}, 0, ""},
		{"v6 zone too long", false, []string{"fe80::1%abcdefghijklmnop"}, 0, ""},
		{"v6 empty zone", false, []string{"fe80::1%"}, 0, ""},
		{"v4 with a zone", false, []string{"1.2.3.4%eth0"}, 0, ""},
		{"zone alone", false, []string{"%eth0"}, 0, ""},
	}
	for _, tt := range tests {
		var headers [][2]string
		for _, line := range tt.xff {
			headers = append(headers, [2]string{"x-forwarded-for", line})
		}
		r := New()
		r.TrustedProxyHops = tt.hops
		serveContext(t, r, "/", eventSpec{headers: headers, multi: tt.multi}, func(c *Context) error {
			if got := c.ClientIP(); got != tt.want {
				t.Errorf("%s: X-Forwarded-For %q, TrustedProxyHops %d: ClientIP() = %q, want %q", tt.name, tt.xff, tt.hops, got, tt.want)
			}
			return nil
		})
	}

	// The header name is matched case-insensitively.
	serveContext(t, nil, "/", eventSpec{headers: [][2]string{{"X-Forwarded-For", "9.9.9.9"}}}, func(c *Context) error {
		if got, want := c.ClientIP(), "9.9.9.9"; got != want {
			t.Errorf("X-Forwarded-For spelled in capitals: ClientIP() = %q, want %q", got, want)
		}
		return nil
	})
}

// TestContextHealthCheck replays the recorded health check that has no
// host, no X-Forwarded-* and no trace header.
func TestContextHealthCheck(t *testing.T) {
	r := New()
	r.TrustedProxyHops = 1
	ran := false
	r.GET("/v1/health/", func(c *Context) error {
		ran = true
		checks := []struct{ what, got, want string }{
			{"ClientIP()", c.ClientIP(), ""},
			{"TraceID()", c.TraceID(), ""},
			{"Header(Host)", c.Header("Host"), ""},
			{"Header(User-Agent)", c.Header("User-Agent"), "ELB-HealthChecker/2.0"},
			{"TargetGroupARN()", c.TargetGroupARN(), "arn:aws:elasticloadbalancing:us-east-1:111111111:targetgroup/cdn-ingestor-tg-usea1-dev/3fe2aca58c0da101"},
			{"RawQuery()", c.RawQuery(), ""},
		}
		for _, ch := range checks {
			if ch.got != ch.want {
				t.Errorf("health check %s = %q, want %q", ch.what, ch.got, ch.want)
			}
		}
		if !c.IsHealthCheck() || c.MultiValue() {
			t.Errorf("health check IsHealthCheck() = %v, MultiValue() = %v, want true, false", c.IsHealthCheck(), c.MultiValue())
		}
		return c.String(200, "ok")
	})
	w := rtInvoke(t, r, readEvent(t, "aws-lambda-rust-runtime_alb_no_host.json"), false)
	if !ran || w.status != 200 || string(w.body) != "ok" {
		t.Errorf("health check: ran %v, response %d %q, want 200 \"ok\"", ran, w.status, w.body)
	}
}

func TestContextRequestInfo(t *testing.T) {
	tests := []struct {
		name        string
		headers     [][2]string
		multi       bool
		traceID     string
		healthCheck bool
	}{
		{"browser", [][2]string{{"user-agent", "Mozilla/5.0"}, {"x-amzn-trace-id", "Root=1-abc"}}, false, "Root=1-abc", false},
		{"browser multi-value", [][2]string{{"user-agent", "Mozilla/5.0"}, {"x-amzn-trace-id", "Root=1-abc"}}, true, "Root=1-abc", false},
		{"health check", [][2]string{{"user-agent", "ELB-HealthChecker/2.0"}}, false, "", true},
		{"health check multi-value", [][2]string{{"user-agent", "ELB-HealthChecker/2.0"}}, true, "", true},
		{"health checker of another version", [][2]string{{"user-agent", "ELB-HealthChecker/3.1"}}, false, "", true},
		{"health checker in the middle", [][2]string{{"user-agent", "curl ELB-HealthChecker/2.0"}}, false, "", false},
		{"no user agent", nil, false, "", false},
		{"trace header in capitals", [][2]string{{"X-Amzn-Trace-Id", "Root=1-def"}}, true, "Root=1-def", false},
	}
	for _, tt := range tests {
		serveContext(t, nil, "/", eventSpec{headers: tt.headers, multi: tt.multi}, func(c *Context) error {
			if got := c.TraceID(); got != tt.traceID {
				t.Errorf("%s: TraceID() = %q, want %q", tt.name, got, tt.traceID)
			}
			if got := c.IsHealthCheck(); got != tt.healthCheck {
				t.Errorf("%s: IsHealthCheck() = %v, want %v", tt.name, got, tt.healthCheck)
			}
			if got := c.MultiValue(); got != tt.multi {
				t.Errorf("%s: MultiValue() = %v, want %v", tt.name, got, tt.multi)
			}
			if got := c.TargetGroupARN(); got != testTargetGroupARN {
				t.Errorf("%s: TargetGroupARN() = %q, want %q", tt.name, got, testTargetGroupARN)
			}
			return nil
		})
	}
}

type ctxTestKey struct{}

func TestContextSetGet(t *testing.T) {
	r := New()
	type user struct{ name string }
	u := &user{"ada"}
	r.Use(func(next HandlerFunc) HandlerFunc {
		return func(c *Context) error {
			if got := c.Get(ctxTestKey{}); got != nil {
				t.Errorf("Get before Set = %v, want nil (a value leaked from an earlier request)", got)
			}
			c.Set(ctxTestKey{}, u)
			c.Set("n", 1)
			return next(c)
		}
	})
	r.GET("/", func(c *Context) error {
		if got := c.Get(ctxTestKey{}); got != u {
			t.Errorf("Get(ctxTestKey{}) = %v, want %v", got, u)
		}
		if got := c.Get("n"); got != 1 {
			t.Errorf("Get(%q) = %v, want 1", "n", got)
		}
		c.Set("n", 2)
		if got := c.Get("n"); got != 2 {
			t.Errorf("Get(%q) after a second Set = %v, want 2", "n", got)
		}
		if got := c.Get("missing"); got != nil {
			t.Errorf("Get(%q) = %v, want nil", "missing", got)
		}
		if got := c.Get(struct{}{}); got != nil {
			t.Errorf("Get(struct{}{}) = %v, want nil", got)
		}
		return nil
	})
	for range 3 {
		rtInvokeSpec(t, r, eventSpec{})
	}
}

func TestContextEventRoundTrip(t *testing.T) {
	specs := []eventSpec{
		{method: "POST", path: "/users/a%2Fb", headers: [][2]string{{"content-type", "application/json"}, {"x-a", "1"}},
			query: [][2]string{{"q", "a+b"}, {"k%5B%5D", "1"}}, body: `{"a":1}`},
		{method: "PUT", path: "/bin", headers: [][2]string{{"content-type", "image/png"}},
			body: base64.StdEncoding.EncodeToString([]byte{0, 1, 2}), base64: true},
		{path: "/"},
		{method: "GET", path: "/multi", headers: [][2]string{{"cookie", "a=1"}, {"cookie", "b=2"}, {"x", "y"}},
			query: [][2]string{{"k", "1"}, {"k", "2"}}},
	}
	for _, multi := range bothModes {
		for _, s := range specs {
			s.multi = multi
			payload := testEvent(t, s)
			var want events.ALBTargetGroupRequest
			if err := json.Unmarshal(payload, &want); err != nil {
				t.Fatal(err)
			}
			var got events.ALBTargetGroupRequest
			wire := serveContext(t, nil, "/*p", s, func(c *Context) error {
				got = c.Event()
				if ev := c.Event(); !reflect.DeepEqual(ev, got) {
					t.Errorf("two Event() calls differ")
				}
				return c.JSON(200, map[string]string{"p": c.Param("p"), "q": c.Query("q"), "body": string(c.Body())})
			})
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s %s: Event() = %+v\nwant %+v", modeLabel(multi), s.method, s.path, got, want)
			}
			// The event serves the same response through ServeEvent.
			method := s.method
			if method == "" {
				method = http.MethodGet
			}
			r := New()
			r.Handle(method, "/*p", func(c *Context) error {
				return c.JSON(200, map[string]string{"p": c.Param("p"), "q": c.Query("q"), "body": string(c.Body())})
			})
			resp, err := r.ServeEvent(context.Background(), got)
			if err != nil || resp.StatusCode != wire.status || resp.Body != wire.bodyField {
				t.Errorf("%s %s %s: ServeEvent(Event()) = %d %q %v, want %d %q", modeLabel(multi), method, s.path,
					resp.StatusCode, resp.Body, err, wire.status, wire.bodyField)
			}
		}
	}
}

// TestContextCopy keeps a Copy and values read in the handler, then runs
// more requests through the same pooled Contexts, overwriting the payload
// buffer as the Lambda runtime does.
func TestContextCopy(t *testing.T) {
	for _, multi := range bothModes {
		r := New()
		var kept *Context
		var keptStrings []string
		var keptBody []byte
		r.GET("/users/:id/*rest", func(c *Context) error {
			c.Set("k", "v-"+c.Param("id"))
			if kept == nil {
				kept = c.Copy()
				keptStrings = []string{c.Param("id"), c.Param("rest"), c.Query("q"), c.Header("X-A"), c.Path(), c.RawQuery()}
				keptBody = c.Body()
				// The copy's response side is detached.
				_ = kept.String(http.StatusTeapot, "from the copy")
				kept.SetHeader("X-Copy", "1")
			}
			return c.String(200, "id "+c.Param("id"))
		})
		first := eventSpec{path: "/users/first%20one/a/b", query: [][2]string{{"q", "first+query"}},
			headers: [][2]string{{"x-a", "first-header"}, {"cookie", "c=first"}, {"x-forwarded-for", "1.1.1.1"}}, multi: multi}
		payload := testEvent(t, first)
		w := rtInvoke(t, r, payload, multi)
		if w.status != 200 || string(w.body) != "id first one" || w.header("X-Copy") != "" {
			t.Fatalf("%s first request = %d %q X-Copy %q, want 200 \"id first one\" and no X-Copy", modeLabel(multi), w.status, w.body, w.header("X-Copy"))
		}
		// Reuse the payload buffer, then serve other requests.
		for i := range payload {
			payload[i] = '#'
		}
		for _, id := range []string{"second", "third", "fourth-xxxxxxxxxxxxxxxxxxxxxx"} {
			other := eventSpec{path: "/users/" + id + "/c", query: [][2]string{{"q", id}},
				headers: [][2]string{{"x-a", id}, {"cookie", "c=" + id}, {"x-forwarded-for", "2.2.2.2"}}, multi: multi}
			rtInvokeSpec(t, r, other)
		}
		checks := []struct{ what, got, want string }{
			{"Method()", kept.Method(), "GET"},
			{"Path()", kept.Path(), "/users/first one/a/b"},
			{"RawPath()", kept.RawPath(), "/users/first%20one/a/b"},
			{"Route()", kept.Route(), "/users/:id/*rest"},
			{"Param(id)", kept.Param("id"), "first one"},
			{"Param(rest)", kept.Param("rest"), "/a/b"},
			{"Query(q)", kept.Query("q"), "first query"},
			{"RawQuery()", kept.RawQuery(), "q=first+query"},
			{"Header(X-A)", kept.Header("X-A"), "first-header"},
			{"ClientIP()", kept.ClientIP(), "1.1.1.1"},
			{"TargetGroupARN()", kept.TargetGroupARN(), testTargetGroupARN},
		}
		for _, ch := range checks {
			if ch.got != ch.want {
				t.Errorf("%s Copy %s = %q, want %q", modeLabel(multi), ch.what, ch.got, ch.want)
			}
		}
		if v, _ := kept.Cookie("c"); v != "first" {
			t.Errorf("%s Copy Cookie(c) = %q, want %q", modeLabel(multi), v, "first")
		}
		if got := kept.Get("k"); got != "v-first one" {
			t.Errorf("%s Copy Get(k) = %v, want %q", modeLabel(multi), got, "v-first one")
		}
		if kept.MultiValue() != multi {
			t.Errorf("%s Copy MultiValue() = %v", modeLabel(multi), kept.MultiValue())
		}
		if kept.Context() == nil || kept.Context().Err() != nil {
			t.Errorf("%s Copy Context() = %v (err %v), want a live context", modeLabel(multi), kept.Context(), kept.Context().Err())
		}
		if got, want := keptStrings, []string{"first one", "/a/b", "first query", "first-header", "/users/first one/a/b", "q=first+query"}; !slices.Equal(got, want) {
			t.Errorf("%s values read in the handler changed: %q, want %q", modeLabel(multi), got, want)
		}
		if len(keptBody) != 0 {
			t.Errorf("%s Body() kept = %q, want empty", modeLabel(multi), keptBody)
		}
	}
}

// TestContextCopyBody keeps the body slices of a copy and of the handler
// after the payload is overwritten and the pool reused.
func TestContextCopyBody(t *testing.T) {
	for _, base64Body := range []bool{false, true} {
		r := New()
		var copies []*Context
		var bodies [][]byte
		r.POST("/", func(c *Context) error {
			copies = append(copies, c.Copy())
			bodies = append(bodies, c.Body())
			return nil
		})
		var wants []string
		for i := range 5 {
			body := strings.Repeat(string(rune('a'+i)), 64)
			wants = append(wants, body)
			sent := body
			if base64Body {
				sent = base64.StdEncoding.EncodeToString([]byte(body))
			}
			payload := testEvent(t, eventSpec{method: "POST", body: sent, base64: base64Body})
			rtInvoke(t, r, payload, false)
			clear(payload)
		}
		for i, want := range wants {
			if got := string(copies[i].Body()); got != want {
				t.Errorf("base64 %v: copy %d Body() = %q, want %q", base64Body, i, got, want)
			}
			if got := string(bodies[i]); got != want {
				t.Errorf("base64 %v: kept Body() %d = %q, want %q", base64Body, i, got, want)
			}
		}
	}
}

func TestContextContext(t *testing.T) {
	r := New()
	type mwKey struct{}
	r.Use(func(next HandlerFunc) HandlerFunc {
		return func(c *Context) error {
			if got := c.Context().Value(ctxTestKey{}); got != "invocation" {
				t.Errorf("middleware: Context().Value = %v, want %q", got, "invocation")
			}
			c.SetContext(context.WithValue(c.Context(), mwKey{}, "middleware"))
			return next(c)
		}
	})
	var cp *Context
	r.GET("/", func(c *Context) error {
		if got := c.Context().Value(ctxTestKey{}); got != "invocation" {
			t.Errorf("handler: Context().Value(ctxTestKey{}) = %v, want %q", got, "invocation")
		}
		if got := c.Context().Value(mwKey{}); got != "middleware" {
			t.Errorf("handler: Context().Value(mwKey{}) = %v, want %q", got, "middleware")
		}
		cp = c.Copy()
		return nil
	})
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxTestKey{}, "invocation"))
	if _, err := r.Invoke(ctx, testEvent(t, eventSpec{})); err != nil {
		t.Fatal(err)
	}
	cancel()
	if got := cp.Context().Value(ctxTestKey{}); got != "invocation" {
		t.Errorf("Copy().Context().Value = %v, want %q", got, "invocation")
	}
	if err := cp.Context().Err(); err != nil {
		t.Errorf("Copy().Context().Err() after the invocation's context ended = %v, want nil", err)
	}
	// A later invocation does not see an earlier one's context.
	r2 := New()
	r2.GET("/", func(c *Context) error {
		if got := c.Context().Value(ctxTestKey{}); got != nil {
			t.Errorf("Context().Value in a later invocation = %v, want nil", got)
		}
		return nil
	})
	if _, err := r2.Invoke(context.WithValue(context.Background(), ctxTestKey{}, "x"), testEvent(t, eventSpec{path: "/nowhere"})); err != nil {
		t.Fatal(err)
	}
	if _, err := r2.Invoke(context.Background(), testEvent(t, eventSpec{})); err != nil {
		t.Fatal(err)
	}
}

func TestContextResponse(t *testing.T) {
	binary := []byte{0x89, 'P', 'N', 'G', 0, 0xff, 0xfe}
	tests := []struct {
		name    string
		handler HandlerFunc
		status  int
		headers map[string][]string // want, by exact name; nil value means absent
		base64  bool
		body    string
	}{
		{"nothing", func(c *Context) error { return nil }, 200, nil, false, ""},
		{"Status only", func(c *Context) error { c.Status(http.StatusCreated); return nil }, 201, nil, false, ""},
		{"String", func(c *Context) error { return c.String(http.StatusAccepted, "hi ☕") }, 202,
			map[string][]string{"Content-Type": {"text/plain; charset=utf-8"}}, false, "hi ☕"},
		{"HTML", func(c *Context) error { return c.HTML(200, "<b>hi</b>") }, 200,
			map[string][]string{"Content-Type": {"text/html; charset=utf-8"}}, false, "<b>hi</b>"},
		{"JSON", func(c *Context) error { return c.JSON(http.StatusCreated, map[string]any{"a": 1, "b": "<x>"}) }, 201,
			map[string][]string{"Content-Type": {"application/json"}}, false, `{"a":1,"b":"<x>"}`},
		{"JSON unencodable", func(c *Context) error {
			err := c.JSON(200, map[string]any{"f": func() {}})
			if err == nil {
				return errors.New("JSON returned nil for a func")
			}
			if c.ResponseStatus() != 200 || c.ResponseBody() != nil || c.ResponseHeader("Content-Type") != "" {
				return errors.New("JSON wrote a response for a value it cannot encode")
			}
			return NewHTTPError(http.StatusUnprocessableEntity, "not encodable")
		}, 422, map[string][]string{"Content-Type": {"application/json"}}, false, `{"message":"not encodable"}`},
		{"Blob binary", func(c *Context) error { return c.Blob(200, "image/png", binary) }, 200,
			map[string][]string{"Content-Type": {"image/png"}}, true, string(binary)},
		{"Blob text", func(c *Context) error { return c.Blob(200, "application/xml", []byte("<a/>")) }, 200,
			map[string][]string{"Content-Type": {"application/xml"}}, false, "<a/>"},
		{"Blob invalid UTF-8 text", func(c *Context) error { return c.Blob(200, "text/plain", []byte("a\xffb")) }, 200,
			map[string][]string{"Content-Type": {"text/plain"}}, true, "a\xffb"},
		{"Blob keeps a Content-Type set before", func(c *Context) error {
			c.SetHeader("Content-Type", "application/pdf")
			return c.Blob(200, "", []byte("%PDF"))
		}, 200, map[string][]string{"Content-Type": {"application/pdf"}}, true, "%PDF"},
		{"Blob without any Content-Type", func(c *Context) error { return c.Blob(200, "", []byte("plain")) }, 200,
			map[string][]string{"Content-Type": nil}, true, "plain"},
		{"Content-Encoding means base64", func(c *Context) error {
			c.SetHeader("Content-Encoding", "gzip")
			return c.String(200, "not really gzip")
		}, 200, map[string][]string{"Content-Encoding": {"gzip"}}, true, "not really gzip"},
		{"SetBodyEncoding base64", func(c *Context) error {
			c.SetBodyEncoding(BodyBase64)
			return c.String(200, "forced")
		}, 200, nil, true, "forced"},
		{"SetBodyEncoding text", func(c *Context) error {
			c.SetBodyEncoding(BodyText)
			return c.Blob(200, "application/octet-stream", []byte("readable"))
		}, 200, nil, false, "readable"},
		{"SetBodyEncoding text with invalid UTF-8", func(c *Context) error {
			c.SetBodyEncoding(BodyText)
			return c.Blob(200, "text/plain", []byte{0xff})
		}, 200, nil, true, "\xff"},
		{"SetBodyEncoding base64, empty body", func(c *Context) error {
			c.SetBodyEncoding(BodyBase64)
			return c.NoContent(204)
		}, 204, nil, false, ""},
		{"NoContent", func(c *Context) error { return c.NoContent(http.StatusNoContent) }, 204, nil, false, ""},
		{"NoContent after a body", func(c *Context) error {
			_ = c.String(200, "dropped")
			return c.NoContent(http.StatusResetContent)
		}, 205, nil, false, ""},
		{"Redirect", func(c *Context) error { return c.Redirect(http.StatusFound, "/elsewhere?a=1") }, 302,
			map[string][]string{"Location": {"/elsewhere?a=1"}}, false, ""},
		{"Redirect 303", func(c *Context) error { return c.Redirect(http.StatusSeeOther, "https://example.com/") }, 303,
			map[string][]string{"Location": {"https://example.com/"}}, false, ""},
		{"Redirect not 3xx", func(c *Context) error {
			for _, status := range []int{200, 299, 400, 0, 1000} {
				if err := c.Redirect(status, "/x"); err == nil {
					return errors.New("Redirect accepted a status that is not 3xx")
				}
			}
			if c.ResponseHeader("Location") != "" || c.ResponseStatus() != 200 {
				return errors.New("a refused Redirect wrote a response")
			}
			return c.String(200, "refused")
		}, 200, map[string][]string{"Location": nil}, false, "refused"},
		{"SetHeader, AddHeader", func(c *Context) error {
			c.SetHeader("X-A", "1")
			c.AddHeader("X-A", "2")
			c.AddHeader("X-B", "b")
			return nil
		}, 200, map[string][]string{"X-A": {"1", "2"}, "X-B": {"b"}}, false, ""},
		{"SetHeader replaces every value, case-insensitively", func(c *Context) error {
			c.AddHeader("X-A", "1")
			c.AddHeader("x-a", "2")
			c.SetHeader("X-a", "3")
			return nil
		}, 200, map[string][]string{"X-a": {"3"}, "X-A": nil, "x-a": nil}, false, ""},
		{"DelHeader", func(c *Context) error {
			c.SetHeader("X-A", "1")
			c.AddHeader("x-a", "2")
			c.SetHeader("X-Keep", "k")
			c.DelHeader("X-A")
			c.DelHeader("X-Missing")
			return nil
		}, 200, map[string][]string{"X-A": nil, "x-a": nil, "X-Keep": {"k"}}, false, ""},
		{"hop-by-hop headers dropped", func(c *Context) error {
			c.SetHeader("Connection", "close")
			c.SetHeader("Content-Length", "5")
			c.SetHeader("Transfer-Encoding", "chunked")
			return c.String(200, "hello")
		}, 200, map[string][]string{"Connection": nil, "Content-Length": nil, "Transfer-Encoding": nil}, false, "hello"},
		{"SetCookie", func(c *Context) error {
			c.SetCookie(&http.Cookie{Name: "s", Value: "v", Path: "/", Secure: true})
			return nil
		}, 200, map[string][]string{"Set-Cookie": {"s=v; Path=/; Secure"}}, false, ""},
		{"Status after a body", func(c *Context) error {
			_ = c.String(200, "body")
			c.Status(http.StatusAccepted)
			return nil
		}, 202, nil, false, "body"},
	}
	for _, multi := range bothModes {
		for _, tt := range tests {
			logger, _ := bufferLogger()
			r := New()
			r.Logger = logger
			w := serveContext(t, r, "/", eventSpec{multi: multi}, tt.handler)
			if w.status != tt.status {
				t.Errorf("%s %s: status = %d, want %d", modeLabel(multi), tt.name, w.status, tt.status)
			}
			if w.base64 != tt.base64 {
				t.Errorf("%s %s: isBase64Encoded = %v, want %v", modeLabel(multi), tt.name, w.base64, tt.base64)
			}
			if string(w.body) != tt.body {
				t.Errorf("%s %s: body = %q, want %q", modeLabel(multi), tt.name, w.body, tt.body)
			}
			for name, want := range tt.headers {
				got := w.headers[name]
				if want != nil && !multi {
					want = []string{strings.Join(want, ", ")}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s %s: header %q = %q, want %q (all: %v)", modeLabel(multi), tt.name, name, got, want, w.headers)
				}
			}
		}
	}
}

func TestContextResponseAccessors(t *testing.T) {
	serveContext(t, nil, "/", eventSpec{}, func(c *Context) error {
		if c.ResponseStatus() != 200 || c.ResponseBody() != nil || c.ResponseHeader("Content-Type") != "" {
			t.Errorf("fresh response: ResponseStatus() = %d, ResponseBody() = %q, ResponseHeader(Content-Type) = %q; want 200, nil, \"\"",
				c.ResponseStatus(), c.ResponseBody(), c.ResponseHeader("Content-Type"))
		}
		c.AddHeader("X-A", "first")
		c.AddHeader("X-A", "second")
		if got, want := c.ResponseHeader("x-a"), "first"; got != want {
			t.Errorf("ResponseHeader(%q) = %q, want %q", "x-a", got, want)
		}
		_ = c.String(http.StatusCreated, "body")
		if got, want := c.ResponseStatus(), 201; got != want {
			t.Errorf("ResponseStatus() = %d, want %d", got, want)
		}
		if got, want := string(c.ResponseBody()), "body"; got != want {
			t.Errorf("ResponseBody() = %q, want %q", got, want)
		}
		if got, want := c.ResponseHeader("content-type"), "text/plain; charset=utf-8"; got != want {
			t.Errorf("ResponseHeader(%q) = %q, want %q", "content-type", got, want)
		}
		c.DelHeader("X-A")
		if got := c.ResponseHeader("X-A"); got != "" {
			t.Errorf("ResponseHeader(%q) after DelHeader = %q, want \"\"", "X-A", got)
		}
		return nil
	})
}

// TestContextResponseBodyOutlivesHandler: the Context doc promises that
// every byte slice its methods return stays valid and unchanged after the
// handler returns.
func TestContextResponseBodyOutlivesHandler(t *testing.T) {
	r := New()
	var kept []byte
	var want string
	r.GET("/json/:v", func(c *Context) error {
		err := c.JSON(200, map[string]string{"v": c.Param("v")})
		if kept == nil {
			kept = c.ResponseBody()
			want = string(kept)
		}
		return err
	})
	rtInvokeSpec(t, r, eventSpec{path: "/json/first"})
	for range 20 {
		rtInvokeSpec(t, r, eventSpec{path: "/json/other"})
	}
	if got := string(kept); got != want {
		t.Errorf("ResponseBody() kept from the first request = %q, want %q", got, want)
	}
}

func TestContextSetCookieInvalid(t *testing.T) {
	for _, multi := range bothModes {
		logger, logs := bufferLogger()
		r := New()
		r.Logger = logger
		w := serveContext(t, r, "/", eventSpec{multi: multi}, func(c *Context) error {
			c.SetCookie(&http.Cookie{Name: "bad name", Value: "v"})
			c.SetCookie(&http.Cookie{Name: "good", Value: "v"})
			return nil
		})
		if got, want := w.values("Set-Cookie"), []string{"good=v"}; !slices.Equal(got, want) {
			t.Errorf("%s Set-Cookie = %q, want %q", modeLabel(multi), got, want)
		}
		if lines := logLines(logs, "level=WARN"); len(lines) != 1 || !strings.Contains(lines[0], "bad name") {
			t.Errorf("%s log = %q, want one warning naming the cookie", modeLabel(multi), lines)
		}
	}
}

// TestContextPoolReuse checks that nothing of one request reaches the next
// through the pooled Context.
func TestContextPoolReuse(t *testing.T) {
	for _, multi := range bothModes {
		r := New()
		r.GET("/first/:id", func(c *Context) error {
			c.Set("leak", true)
			c.SetBodyEncoding(BodyBase64)
			c.SetHeader("X-First", "1")
			c.Status(http.StatusAccepted)
			_ = c.Path()
			_ = c.Query("q")
			_ = c.FormValue("f")
			_ = c.RawQuery()
			return c.JSON(202, map[string]string{"long": strings.Repeat("x", 100)})
		})
		r.GET("/second", func(c *Context) error {
			checks := []struct{ what, got, want string }{
				{"Path()", c.Path(), "/second"},
				{"Param(id)", c.Param("id"), ""},
				{"Query(q)", c.Query("q"), ""},
				{"RawQuery()", c.RawQuery(), ""},
				{"FormValue(f)", c.FormValue("f"), ""},
				{"Route()", c.Route(), "/second"},
				{"ResponseHeader(X-First)", c.ResponseHeader("X-First"), ""},
				{"Header(X-Req)", c.Header("X-Req"), ""},
			}
			for _, ch := range checks {
				if ch.got != ch.want {
					t.Errorf("%s second request %s = %q, want %q", modeLabel(multi), ch.what, ch.got, ch.want)
				}
			}
			if c.Get("leak") != nil || c.ResponseStatus() != 200 || c.ResponseBody() != nil || len(c.Body()) != 0 {
				t.Errorf("%s second request sees Get(leak) %v, status %d, response body %q, body %q",
					modeLabel(multi), c.Get("leak"), c.ResponseStatus(), c.ResponseBody(), c.Body())
			}
			return c.String(200, "second")
		})
		for range 5 {
			rtInvokeSpec(t, r, eventSpec{path: "/first/1", query: [][2]string{{"q", "v"}, {"f", "g"}},
				headers: [][2]string{{"x-req", "1"}, {"content-type", "application/x-www-form-urlencoded"}}, body: "f=h", multi: multi})
			w := rtInvokeSpec(t, r, eventSpec{path: "/second", multi: multi})
			if w.status != 200 || w.base64 || string(w.body) != "second" || w.header("X-First") != "" {
				t.Errorf("%s second response = %d base64 %v %q X-First %q, want 200 false \"second\" \"\"",
					modeLabel(multi), w.status, w.base64, w.body, w.header("X-First"))
			}
		}
	}
}

func TestContextSendResponseOf(t *testing.T) {
	r := New()
	r.GET("/x", func(c *Context) error {
		c.SetHeader("X-Before", "kept")
		c.SetHeader("X-From", "replaced")
		cp := c.Copy()
		done := make(chan struct{})
		go func() {
			defer close(done)
			cp.SetHeader("X-From", "copy")
			cp.SetBodyEncoding(BodyBase64)
			_ = cp.String(http.StatusAccepted, "from the copy")
		}()
		<-done
		c.SendResponseOf(cp)
		return nil
	})
	for _, multi := range bothModes {
		out, _ := r.Invoke(context.Background(), testEventJSON("GET", "/x", nil, nil, multi))
		d := decodeResponse(t, out)
		xFrom, xBefore := d.Headers["X-From"], d.Headers["X-Before"]
		if multi {
			xFrom, xBefore = strings.Join(d.MultiValueHeaders["X-From"], ","), strings.Join(d.MultiValueHeaders["X-Before"], ",")
		}
		if d.StatusCode != http.StatusAccepted || !d.IsBase64Encoded || xFrom != "copy" || xBefore != "kept" {
			t.Errorf("%s: %s", modeLabel(multi), out)
		}
	}
}

func TestContextResetResponse(t *testing.T) {
	r := New()
	r.GET("/x", func(c *Context) error {
		c.SetHeader("X-Half", "written")
		c.SetBodyEncoding(BodyBase64)
		_ = c.String(http.StatusTeapot, "half")
		c.ResetResponse()
		if c.ResponseStatus() != http.StatusOK || c.ResponseHeader("X-Half") != "" || c.ResponseBody() != nil {
			t.Errorf("after ResetResponse: %d %q %q", c.ResponseStatus(), c.ResponseHeader("X-Half"), c.ResponseBody())
		}
		return c.String(http.StatusOK, "fresh")
	})
	out, _ := r.Invoke(context.Background(), testEventJSON("GET", "/x", nil, nil, false))
	if want := `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"text/plain; charset=utf-8"},"body":"fresh"}`; string(out) != want {
		t.Errorf("got %s, want %s", out, want)
	}
}

// TestContextRedirectRefusesControlCharacters: a location that could split
// or cut the Location header is refused with an error, which the router
// answers with 500, and no header carries it.
func TestContextRedirectRefusesControlCharacters(t *testing.T) {
	for _, loc := range []string{
		"/next\r\nSet-Cookie: session=evil",
		"/next\nX-Injected: 1",
		"/next\rX",
		"/a\x00b",
		"/tab\there",
		"/del\x7f",
		"https://example.com/\x1b[31m",
		"/caf\xe9",
	} {
		for _, multi := range bothModes {
			var redirectErr error
			w := serveContext(t, New(), "/", eventSpec{multi: multi}, func(c *Context) error {
				redirectErr = c.Redirect(http.StatusFound, loc)
				return redirectErr
			})
			if redirectErr == nil || !strings.Contains(redirectErr.Error(), "control character") && !strings.Contains(redirectErr.Error(), "UTF-8") {
				t.Errorf("%s Redirect(302, %q) error = %v, want one about a control character or UTF-8", modeLabel(multi), loc, redirectErr)
			}
			if w.status != http.StatusInternalServerError {
				t.Errorf("%s Redirect(302, %q): status %d, want 500", modeLabel(multi), loc, w.status)
			}
			if got := w.header("Location"); got != "" {
				t.Errorf("%s Redirect(302, %q): Location = %q, want none", modeLabel(multi), loc, got)
			}
		}
	}
	// Printable bytes, including non-ASCII, are the caller's business.
	w := serveContext(t, New(), "/", eventSpec{}, func(c *Context) error {
		return c.Redirect(http.StatusFound, "/caf%C3%A9?q=a b")
	})
	if w.status != http.StatusFound || w.header("Location") != "/caf%C3%A9?q=a b" {
		t.Errorf("Redirect of a printable location: %d %q, want 302 with it", w.status, w.header("Location"))
	}
}

// carveRouter serves /hello/world with a handler that decodes two query
// values and sets two cookies, the strings Invoke carves from the free room
// of the request's own memory.
func carveRouter(seen func(name, q, cookie string)) *Router {
	r := New()
	r.SetCookiePolicy = SetCookieCaseVariants // both cookies, no warning
	r.GET("/hello/world", func(c *Context) error {
		c.SetCookie(&http.Cookie{Name: "session", Value: "8f14e45fceea167a5a36dedd4bea2543", Path: "/",
			HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
		c.SetCookie(&http.Cookie{Name: "theme", Value: "dark", Path: "/", MaxAge: 31536000})
		if seen != nil {
			seen(c.Query("name"), c.Query("q"), c.ResponseHeader("Set-Cookie"))
		}
		return c.String(http.StatusOK, c.Query("name")+c.Query("q"))
	})
	return r
}

// TestContextCarvedAllocs: decoded query values and cookies take no
// allocation of their own: Invoke allocates the request's own memory and
// the response, nothing else.
func TestContextCarvedAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	r := carveRouter(nil)
	for _, multi := range bothModes {
		ev := browserEvent(multi)
		out, _ := r.Invoke(context.Background(), ev)
		if !bytes.Contains(out, []byte(`Ada Lovelacecafé`)) || !bytes.Contains(out, []byte(`theme=dark; Path=/; Max-Age=31536000`)) {
			t.Fatalf("%s: %s", modeLabel(multi), out)
		}
		// The body, the handler's string concatenation, is a third.
		if got := testing.AllocsPerRun(200, func() { _, _ = r.Invoke(context.Background(), ev) }); got != 3 {
			t.Errorf("%s: Invoke allocates %v times, want 3", modeLabel(multi), got)
		}
	}
}

// TestContextCarvedLifetime: strings carved from the request's own memory stay
// unchanged after later carving, after Invoke returns and after the pooled
// Context serves other requests, including from other goroutines.
func TestContextCarvedLifetime(t *testing.T) {
	type got struct{ name, q, cookie string }
	var mu sync.Mutex
	var all []got
	r := carveRouter(func(name, q, cookie string) {
		mu.Lock()
		all = append(all, got{name, q, cookie})
		mu.Unlock()
	})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for range 50 {
				_, _ = r.Invoke(context.Background(), browserEvent(g%2 == 0))
			}
		})
	}
	wg.Wait()
	want := got{"Ada Lovelace", "café", "session=8f14e45fceea167a5a36dedd4bea2543; Path=/; HttpOnly; Secure; SameSite=Lax"}
	for _, g := range all {
		if g != want {
			t.Fatalf("a string handed out earlier now reads %q, want %q", g, want)
		}
	}
}

// TestContextCopyCarving: a Copy and its original decode into memory of
// their own, so values each handed out stay as they were.
func TestContextCopyCarving(t *testing.T) {
	serveContext(t, nil, "/", eventSpec{query: [][2]string{{"a", "x+1"}, {"b", "y%202"}}}, func(c *Context) error {
		cp := c.Copy()
		a1, b1 := c.Query("a"), cp.Query("b")
		a2, b2 := cp.Query("a"), c.Query("b")
		if a1 != "x 1" || a2 != "x 1" || b1 != "y 2" || b2 != "y 2" {
			t.Errorf("Query on the original and its copy, interleaved: %q %q %q %q, want \"x 1\" twice, \"y 2\" twice", a1, a2, b1, b2)
		}
		return nil
	})
}

func TestQueryKeyEqualPlus(t *testing.T) {
	for _, tt := range []struct {
		raw, key string
		want     bool
	}{
		{"a+b", "a b", true}, {"a+b", "a+b", false}, {"a%2Bb", "a+b", true}, {"a+%zz", "a+%zz", true},
		{"a+%zz", "a %zz", false}, {"ab", "a", false}, {"a", "ab", false}, {"a%62", "ab", true}, {"a%62", "ac", false},
	} {
		if got := queryKeyEqual(tt.raw, tt.key); got != tt.want {
			t.Errorf("queryKeyEqual(%q, %q) = %v, want %v", tt.raw, tt.key, got, tt.want)
		}
	}
}
