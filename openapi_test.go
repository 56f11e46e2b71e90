package alb

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// The types of the document test: a named struct reached twice (one
// component), a recursive one, an embedded one, every constraint.
type (
	oaAddress struct {
		Street  string `json:"street" minLength:"1" doc:"Street and number"`
		Country string `json:"country" pattern:"^[A-Z]{2}$" example:"FR"`
	}
	oaBase struct {
		ID      string    `json:"id" format:"uuid" doc:"Assigned by the server"`
		Created time.Time `json:"created"`
	}
	oaUser struct {
		oaBase
		Name     string            `json:"name" minLength:"1" maxLength:"50"`
		Email    string            `json:"email,omitempty" format:"email"`
		Age      *int              `json:"age" minimum:"0" exclusiveMaximum:"150"`
		Score    float64           `json:"score" multipleOf:"0.5"`
		Role     string            `json:"role" enum:"admin,member"`
		Tags     []string          `json:"tags" maxItems:"5" uniqueItems:"true" pattern:"^[a-z]+$"`
		Home     oaAddress         `json:"home"`
		Work     *oaAddress        `json:"work,omitempty"`
		Labels   map[string]string `json:"labels,omitempty"`
		Friends  []*oaUser         `json:"friends,omitempty"`
		Timeout  time.Duration     `json:"timeout"`
		Avatar   []byte            `json:"avatar,omitempty"`
		Count    int64             `json:"count,string"`
		Extra    any               `json:"extra,omitempty"`
		internal string
		Skipped  string `json:"-"`
	}
	oaGetIn struct {
		ID    int64      `path:"id" minimum:"1" doc:"The user's id"`
		Limit int        `query:"limit" default:"20" maximum:"100"`
		Tag   []string   `query:"tag,comma" required:"false"`
		Since *time.Time `query:"since"`
		Trace string     `header:"X-Trace" required:"false"`
		Theme string     `cookie:"theme" enum:"dark,light" default:"light"`
	}
	oaCreateIn struct {
		Body oaUser
	}
	oaCreated struct {
		Location string `header:"Location" json:"-" doc:"Where the user is"`
		Body     oaUser
	}
	oaFormIn struct {
		Name  string `form:"name" maxLength:"20"`
		Agree bool   `form:"agree"`
	}
	oaRawIn struct {
		Body []byte `contentType:"image/png"`
	}
)

// docRouter is the router of the document test.
func docRouter() *Router {
	r := New()
	bearer := DescribeSecurity(func(next HandlerFunc) HandlerFunc { return next }, Security{
		Schemes: []SecurityScheme{{Name: "bearerAuth", Type: "http", Scheme: "bearer"}},
		Errors:  []ErrorResponse{{Status: http.StatusUnauthorized, Description: "No token"}},
	})
	Register(r, Operation{Method: "GET", Path: "/users/:id", OperationID: "getUser", Summary: "Get a user",
		Tags: []string{"users"}, Errors: []ErrorResponse{{Status: http.StatusNotFound, Description: "No such user"}}},
		func(c *Context, in *oaGetIn) (*oaUser, error) { return &oaUser{internal: "not in the document"}, nil })
	limit := DescribeErrors(func(next HandlerFunc) HandlerFunc { return next },
		ErrorResponse{Status: http.StatusRequestEntityTooLarge, Description: "Too large"})
	admin := r.Group("/admin", bearer, limit)
	Register(admin, Operation{Method: "POST", Path: "/users", OperationID: "createUser", Tags: []string{"admin", "users"},
		Status: http.StatusCreated, Statuses: []int{http.StatusAccepted}, Deprecated: true, Description: "Creates a user."},
		func(c *Context, in *oaCreateIn) (*oaCreated, error) { return &oaCreated{}, nil })
	Register(r, Operation{Method: "POST", Path: "/signup"}, func(c *Context, in *oaFormIn) (struct{}, error) { return struct{}{}, nil })
	Register(r, Operation{Method: "PUT", Path: "/avatars/:name.png", ContentType: "image/png"},
		func(c *Context, in *oaRawIn) ([]byte, error) { return in.Body, nil })
	Register(r, Operation{Method: "GET", Path: "/tags/:name"}, func(c *Context, in *struct {
		Name string `path:"name"`
	}) (*oaAddress, error) {
		return &oaAddress{}, nil
	})
	r.GET("/files/*path", func(c *Context) error { return nil })
	admin.DELETE("/cache", func(c *Context) error { return nil })
	r.ServeOpenAPI(OpenAPIOptions{Title: "Users", Version: "1.2.3", DocsPath: "-"})
	return r
}

var docOptions = OpenAPIOptions{
	Title: "Users", Version: "1.2.3", Description: "The users API.",
	Servers: []OpenAPIServer{{URL: "https://api.example.com", Description: "production"}},
}

// TestOpenAPIGolden compares the document of docRouter with
// testdata/openapi/users.json (go test -run OpenAPIGolden -update
// rewrites it), and checks that it is the same on every build.
func TestOpenAPIGolden(t *testing.T) {
	got, err := docRouter().OpenAPI(docOptions)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := docRouter().OpenAPI(docOptions)
	if !bytes.Equal(got, again) {
		t.Fatal("two builds of the same routes give different documents")
	}
	golden := filepath.Join("testdata", "openapi", "users.json")
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the document differs from %s (go test -run OpenAPIGolden -update rewrites it):\n%s", golden, got)
	}
}

// docOf builds the document of r and decodes it.
func docOf(t *testing.T, r *Router) map[string]any {
	t.Helper()
	b, err := r.OpenAPI(docOptions)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// at walks a decoded document by keys and indexes.
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: %v is not an object", path, v)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("at %v: no %q in %v", path, k, m)
			}
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("at %v: no item %d in %v", path, k, v)
			}
			v = l[k]
		}
	}
	return v
}

func TestOpenAPIOperations(t *testing.T) {
	doc := docOf(t, docRouter())
	if at(t, doc, "openapi") != "3.1.0" || at(t, doc, "info", "title") != "Users" || at(t, doc, "servers", 0, "url") != "https://api.example.com" {
		t.Errorf("openapi, info or servers wrong: %v", doc)
	}
	paths := at(t, doc, "paths").(map[string]any)
	var keys []string
	for k := range paths {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// Routes in OpenAPI syntax; the document's own route left out.
	want := []string{"/admin/cache", "/admin/users", "/avatars/{name}.png", "/files/{path}", "/signup", "/tags/{name}", "/users/{id}"}
	if !slices.Equal(keys, want) {
		t.Fatalf("paths %v, want %v", keys, want)
	}
	get := at(t, paths, "/users/{id}", "get").(map[string]any)
	if get["operationId"] != "getUser" || get["summary"] != "Get a user" {
		t.Errorf("metadata: %v", get)
	}
	params := map[string]map[string]any{}
	for _, p := range get["parameters"].([]any) {
		pm := p.(map[string]any)
		params[pm["in"].(string)+"."+pm["name"].(string)] = pm
	}
	for name, check := range map[string]func(p map[string]any) bool{
		"path.id":        func(p map[string]any) bool { return p["required"] == true && at(t, p, "schema", "minimum") == 1.0 },
		"query.limit":    func(p map[string]any) bool { return p["required"] == nil && at(t, p, "schema", "default") == 20.0 },
		"query.tag":      func(p map[string]any) bool { return p["explode"] == false && at(t, p, "schema", "type") == "array" },
		"query.since":    func(p map[string]any) bool { return at(t, p, "schema", "format") == "date-time" },
		"header.X-Trace": func(p map[string]any) bool { return p["required"] == nil },
		"cookie.theme":   func(p map[string]any) bool { return len(at(t, p, "schema", "enum").([]any)) == 2 },
	} {
		if p, ok := params[name]; !ok || !check(p) {
			t.Errorf("parameter %s: %v", name, p)
		}
	}
	for _, st := range []string{"200", "400", "404", "422", "500"} {
		if _, ok := at(t, get, "responses").(map[string]any)[st]; !ok {
			t.Errorf("GET /users/{id} does not list %s", st)
		}
	}
	if _, ok := at(t, get, "responses").(map[string]any)["415"]; ok {
		t.Error("a route without a body lists 415")
	}

	post := at(t, paths, "/admin/users", "post").(map[string]any)
	if post["deprecated"] != true || at(t, post, "security", 0, "bearerAuth") == nil {
		t.Errorf("deprecated or security: %v", post)
	}
	if at(t, post, "responses", "201", "headers", "Location", "description") != "Where the user is" ||
		at(t, post, "responses", "202", "content", "application/json", "schema", "$ref") != "#/components/schemas/oaUser" {
		t.Errorf("201/202: %v", at(t, post, "responses"))
	}
	if at(t, post, "responses", "401", "content", "application/json", "schema", "$ref") != "#/components/schemas/Error" {
		t.Errorf("401 of the bearer middleware: %v", at(t, post, "responses"))
	}
	if at(t, post, "responses", "413", "description") != "Too large" {
		t.Errorf("413 of the described middleware: %v", at(t, post, "responses"))
	}
	if at(t, post, "requestBody", "content", "application/json", "schema", "unevaluatedProperties") != false {
		t.Errorf("a strict body does not refuse other members: %v", post["requestBody"])
	}
	if at(t, post, "requestBody", "required") != true {
		t.Errorf("requestBody: %v", post["requestBody"])
	}
	if at(t, doc, "components", "securitySchemes", "bearerAuth", "scheme") != "bearer" {
		t.Errorf("securitySchemes: %v", at(t, doc, "components"))
	}

	// A route whose only parameter is a string route parameter without
	// rules can answer neither 400 nor 422.
	for _, st := range []string{"400", "422"} {
		if _, ok := at(t, paths, "/tags/{name}", "get", "responses").(map[string]any)[st]; ok {
			t.Errorf("GET /tags/{name} lists %s", st)
		}
	}
	form := at(t, paths, "/signup", "post", "requestBody", "content").(map[string]any)
	for _, ct := range []string{"application/x-www-form-urlencoded", "multipart/form-data"} {
		if at(t, form, ct, "schema", "properties", "name", "maxLength") != 20.0 {
			t.Errorf("form %s: %v", ct, form)
		}
	}
	if _, ok := at(t, paths, "/signup", "post", "responses").(map[string]any)["204"]; !ok {
		t.Errorf("struct{} output: want 204: %v", at(t, paths, "/signup", "post", "responses"))
	}
	if at(t, paths, "/avatars/{name}.png", "put", "responses", "200", "content", "image/png", "schema", "type") != "string" ||
		at(t, paths, "/avatars/{name}.png", "put", "requestBody", "content", "image/png") == nil {
		t.Errorf("raw body and output: %v", at(t, paths, "/avatars/{name}.png", "put"))
	}
	// Plain routes: path parameters and a generic answer; security from
	// the group.
	files := at(t, paths, "/files/{path}", "get").(map[string]any)
	if at(t, files, "parameters", 0, "name") != "path" || at(t, files, "responses", "default") == nil {
		t.Errorf("plain route: %v", files)
	}
	if at(t, paths, "/admin/cache", "delete", "security", 0, "bearerAuth") == nil ||
		at(t, paths, "/admin/cache", "delete", "responses", "401") == nil {
		t.Errorf("plain route in the secured group: %v", at(t, paths, "/admin/cache"))
	}
}

func TestOpenAPISchemas(t *testing.T) {
	doc := docOf(t, docRouter())
	schemas := at(t, doc, "components", "schemas").(map[string]any)
	user := schemas["oaUser"].(map[string]any)
	props := user["properties"].(map[string]any)
	checks := map[string]func(s map[string]any) bool{
		// Embedded fields are inlined, in the order of the fields.
		"id": func(s map[string]any) bool {
			return s["format"] == "uuid" && s["description"] == "Assigned by the server"
		},
		"name":  func(s map[string]any) bool { return s["minLength"] == 1.0 && s["maxLength"] == 50.0 },
		"email": func(s map[string]any) bool { return s["format"] == "email" && s["type"] == "string" },
		"age": func(s map[string]any) bool {
			return s["minimum"] == 0.0 && s["exclusiveMaximum"] == 150.0 && len(s["type"].([]any)) == 2
		},
		"score": func(s map[string]any) bool { return s["multipleOf"] == 0.5 },
		"role":  func(s map[string]any) bool { return len(s["enum"].([]any)) == 2 },
		"tags": func(s map[string]any) bool {
			return s["maxItems"] == 5.0 && s["uniqueItems"] == true && at(t, s, "items", "pattern") == "^[a-z]+$"
		},
		"home": func(s map[string]any) bool { return s["$ref"] == "#/components/schemas/oaAddress" },
		"work": func(s map[string]any) bool { return s["$ref"] == "#/components/schemas/oaAddress" }, // omitempty: never null
		"labels": func(s map[string]any) bool {
			return s["type"] == "object" && at(t, s, "additionalProperties", "type") == "string"
		},
		"friends": func(s map[string]any) bool {
			return at(t, s, "items", "anyOf", 0, "$ref") == "#/components/schemas/oaUser"
		},
		"timeout": func(s map[string]any) bool { return s["type"] == "integer" },
		"avatar":  func(s map[string]any) bool { return s["contentEncoding"] == "base64" },
		"count":   func(s map[string]any) bool { return s["type"] == "string" },
		"extra":   func(s map[string]any) bool { return s["type"] == nil },
		"created": func(s map[string]any) bool { return s["format"] == "date-time" },
	}
	for name, check := range checks {
		s, ok := props[name].(map[string]any)
		if !ok || !check(s) {
			t.Errorf("property %s: %v", name, props[name])
		}
	}
	for _, name := range []string{"internal", "Skipped", "oaBase"} {
		if _, ok := props[name]; ok {
			t.Errorf("property %s should not be in the schema", name)
		}
	}
	req := user["required"].([]any)
	for _, name := range []string{"id", "name", "role", "tags", "home"} {
		if !slices.Contains(req, any(name)) {
			t.Errorf("%s is not required: %v", name, req)
		}
	}
	for _, name := range []string{"email", "age", "work"} {
		if slices.Contains(req, any(name)) {
			t.Errorf("%s is required: %v", name, req)
		}
	}
	if at(t, schemas, "oaAddress", "properties", "country", "examples", 0) != "FR" {
		t.Errorf("example: %v", schemas["oaAddress"])
	}
	if _, ok := schemas["Problem"]; !ok {
		t.Error("no Problem schema")
	}
}

// TestOpenAPIRulesAgree checks that every rule the validation of a field
// enforces is in the document: both read fieldRules.
func TestOpenAPIRulesAgree(t *testing.T) {
	doc := docOf(t, docRouter())
	props := at(t, doc, "components", "schemas", "oaUser", "properties").(map[string]any)
	ut := reflect.TypeFor[oaUser]()
	for i := range ut.NumField() {
		sf := ut.Field(i)
		name, _, ok := jsonName(sf)
		if !ok || name == "" {
			continue
		}
		r, err := fieldRules(sf)
		if err != nil {
			t.Fatal(err)
		}
		s := props[name].(map[string]any)
		if isListType(derefType(sf.Type)) {
			if r.maxItems != nil && s["maxItems"] != float64(*r.maxItems) {
				t.Errorf("%s: maxItems", name)
			}
			s, _ = s["items"].(map[string]any)
		}
		if r.minLength != nil && s["minLength"] != float64(*r.minLength) ||
			r.maxLength != nil && s["maxLength"] != float64(*r.maxLength) ||
			r.minimum != nil && s["minimum"] != *r.minimum ||
			r.exclusiveMaximum != nil && s["exclusiveMaximum"] != *r.exclusiveMaximum ||
			r.multipleOf != nil && s["multipleOf"] != *r.multipleOf ||
			r.pattern != "" && s["pattern"] != r.pattern ||
			r.format != "" && s["format"] != r.format ||
			len(r.enum) != 0 && len(s["enum"].([]any)) != len(r.enum) {
			t.Errorf("%s: the document %v does not say what validation checks", name, s)
		}
	}
}

// TestOpenAPIComponentNames: names unique by package when two types share
// one, the reserved Problem and Error names never taken by a user type.
func TestOpenAPIComponentNames(t *testing.T) {
	type Problem struct {
		A int `json:"a"`
	}
	g := newDocGen(New())
	g.nameTypes([]*operation{{typed: true, out: outputPlan{kind: outputJSON, body: reflect.TypeFor[struct {
		P Problem   `json:"p"`
		U oaUser    `json:"u"`
		A oaAddress `json:"a"`
	}]()}}})
	if n := g.names[reflect.TypeFor[Problem]()]; n != "alb.Problem" {
		t.Errorf("a user type named Problem is %q, want alb.Problem", n)
	}
	if n := g.names[reflect.TypeFor[oaUser]()]; n != "oaUser" {
		t.Errorf("oaUser is %q", n)
	}
	for in, want := range map[string]string{"Page[main.Note]": "Page_main.Note_", "a-b.c_d": "a-b.c_d"} {
		if got := sanitizeName(in); got != want {
			t.Errorf("sanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"/users/:id":        "/users/{id}",
		"/files/*path":      "/files/{path}",
		"/qr/:code.png":     "/qr/{code}.png",
		"/a/:b/c/:d_e":      "/a/{b}/c/{d_e}",
		"/static/text.json": "/static/text.json",
	} {
		if got, _ := openAPIPath(in); got != want {
			t.Errorf("openAPIPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOpenAPISecurity: two described middleware on one route must both
// hold (one requirement with both schemes); a middleware with two schemes
// offers alternatives; the ErrorHandler decides the errors' shape.
func TestOpenAPISecurity(t *testing.T) {
	noop := func(next HandlerFunc) HandlerFunc { return next }
	key := DescribeSecurity(func(next HandlerFunc) HandlerFunc { return next }, Security{Schemes: []SecurityScheme{
		{Name: "keyHeader", Type: "apiKey", In: "header", ParamName: "X-Key"},
		{Name: "keyQuery", Type: "apiKey", In: "query", ParamName: "key"},
	}, Errors: []ErrorResponse{{Status: 401}}})
	basic := DescribeSecurity(func(next HandlerFunc) HandlerFunc { return next }, Security{Schemes: []SecurityScheme{
		{Name: "basic", Type: "http", Scheme: "basic"}}, Errors: []ErrorResponse{{Status: 403, Description: "Forbidden here"}}})
	r := New()
	r.ErrorHandler = ProblemErrorHandler
	r.GET("/both", func(c *Context) error { return nil }, noop, key, basic)
	r.GET("/open", func(c *Context) error { return nil }, noop)
	doc := docOf(t, r)
	sec := at(t, doc, "paths", "/both", "get", "security").([]any)
	if len(sec) != 2 || len(sec[0].(map[string]any)) != 2 || at(t, sec, 0, "basic") == nil || at(t, sec, 1, "keyQuery") == nil {
		t.Errorf("security %v, want [{keyHeader, basic}, {keyQuery, basic}]", sec)
	}
	if at(t, doc, "paths", "/both", "get", "responses", "403", "content", "application/problem+json") == nil ||
		at(t, doc, "paths", "/both", "get", "responses", "403", "description") != "Forbidden here" {
		t.Errorf("403 with ProblemErrorHandler: %v", at(t, doc, "paths", "/both", "get", "responses"))
	}
	if _, ok := at(t, doc, "paths", "/open", "get").(map[string]any)["security"]; ok {
		t.Error("a route without described middleware has a security requirement")
	}
	r = New()
	r.ErrorHandler = func(c *Context, err error) { DefaultErrorHandler(c, err) }
	r.GET("/x", func(c *Context) error { return nil }, key)
	doc = docOf(t, r)
	content := at(t, doc, "paths", "/x", "get", "responses", "401", "content").(map[string]any)
	if len(content) != 2 {
		t.Errorf("a custom ErrorHandler: want both shapes, got %v", content)
	}

	// Two different schemes under one name are an error, not a silent pick.
	other := DescribeSecurity(func(next HandlerFunc) HandlerFunc { return next }, Security{Schemes: []SecurityScheme{
		{Name: "basic", Type: "http", Scheme: "bearer"}}})
	r = New()
	r.GET("/a", func(c *Context) error { return nil }, basic)
	r.GET("/b", func(c *Context) error { return nil }, other)
	if _, err := r.OpenAPI(OpenAPIOptions{}); err == nil || !strings.Contains(err.Error(), `"basic"`) {
		t.Errorf("conflicting schemes: %v", err)
	}
}

// TestServeOpenAPI: the document is served from bytes built once, and
// answering allocates only what any answer does.
func TestServeOpenAPI(t *testing.T) {
	r := docRouter()
	want, _ := r.OpenAPI(OpenAPIOptions{Title: "Users", Version: "1.2.3", DocsPath: "-"})
	for _, multi := range bothModes {
		ev := invokeEvent("/openapi.json", multi)
		out, err := r.Invoke(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		var resp struct {
			StatusCode int    `json:"statusCode"`
			Body       string `json:"body"`
		}
		if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode != 200 || resp.Body != string(want) {
			t.Fatalf("%s: %d %v\n%.300s", modeLabel(multi), resp.StatusCode, err, resp.Body)
		}
		if raceEnabled || testing.Short() {
			continue
		}
		static := New()
		static.GET("/openapi.json", func(c *Context) error { return c.Blob(http.StatusOK, "application/json", want) })
		base := testing.AllocsPerRun(50, func() { _, _ = static.Invoke(context.Background(), ev) })
		if got := testing.AllocsPerRun(50, func() { _, _ = r.Invoke(context.Background(), ev) }); got > base {
			t.Errorf("%s: serving the document allocates %v times, a static body %v", modeLabel(multi), got, base)
		}
	}
}

// TestOpenAPIUnsupportedType: a type the document cannot describe is an
// error from OpenAPI, and a 500 from ServeOpenAPI, never a panic.
func TestOpenAPIUnsupportedType(t *testing.T) {
	r := New()
	Register(r, Operation{Method: "GET", Path: "/c"}, func(c *Context, in *struct{}) (*struct {
		C chan int `json:"c"`
	}, error) {
		return nil, nil
	})
	if _, err := r.OpenAPI(OpenAPIOptions{}); err == nil || !strings.Contains(err.Error(), "chan int") {
		t.Fatalf("err = %v, want one naming chan int", err)
	}
	r.Logger = slog.New(slog.DiscardHandler)
	r.ServeOpenAPI(OpenAPIOptions{DocsPath: "-"})
	out, _ := r.Invoke(context.Background(), invokeEvent("/openapi.json", false))
	if !bytes.HasPrefix(out, []byte(`{"statusCode":500`)) {
		t.Errorf("ServeOpenAPI with a bad type: %s", out)
	}
}

// newClosure returns a middleware that is a closure of its own.
func newClosure(n int) Middleware {
	name := strconv.Itoa(n) // a pointer: not the tiny allocator's
	return func(next HandlerFunc) HandlerFunc {
		if name == "" {
			return nil
		}
		return next
	}
}

// TestDescribeSecurityAddressReuse: a described middleware that is no
// longer used must not lend its description to a new closure that the
// allocator places at its old address.
func TestDescribeSecurityAddressReuse(t *testing.T) {
	for i := range 200 {
		DescribeSecurity(newClosure(i), Security{Schemes: []SecurityScheme{{Name: "gone", Type: "http", Scheme: "basic"}}})
	}
	runtime.GC()
	runtime.GC()
	for i := range 5000 {
		if s := securityOf(newClosure(i)); s != nil {
			t.Fatalf("a new closure has the description of a collected one: %+v", s)
		}
	}
}

// TestOpenAPIRangesAndShapes: sized integers carry their range, narrowed
// by their rules; required members are never null; a custom ErrorHandler
// may answer a typed route's problems in either shape.
func TestOpenAPIRangesAndShapes(t *testing.T) {
	type in struct {
		Small int8   `query:"small"`
		Byte  uint8  `query:"byte" maximum:"100"`
		Word  uint16 `query:"word" minimum:"10"`
		Big   uint64 `query:"big"`
	}
	r := New()
	r.ErrorHandler = func(c *Context, err error) { DefaultErrorHandler(c, err) }
	Register(r, Operation{Method: "GET", Path: "/r"}, func(c *Context, in *in) (*oaAddress, error) { return &oaAddress{}, nil })
	doc := docOf(t, r)
	want := map[string][2]any{
		"small": {-128.0, 127.0},
		"byte":  {0.0, 100.0},
		"word":  {10.0, 65535.0},
		"big":   {0.0, nil},
	}
	for _, p := range at(t, doc, "paths", "/r", "get", "parameters").([]any) {
		name := at(t, p, "name").(string)
		s := at(t, p, "schema").(map[string]any)
		if w := want[name]; s["minimum"] != w[0] || s["maximum"] != w[1] {
			t.Errorf("%s: minimum %v maximum %v, want %v", name, s["minimum"], s["maximum"], w)
		}
	}
	content := at(t, doc, "paths", "/r", "get", "responses", "422", "content").(map[string]any)
	if len(content) != 2 {
		t.Errorf("a custom ErrorHandler: 422 content %v, want both shapes", content)
	}
	schemas := at(t, docOf(t, docRouter()), "components", "schemas", "oaUser", "properties").(map[string]any)
	if typ := at(t, schemas, "tags", "type"); typ != "array" {
		t.Errorf("a required slice may be null in the document (type %v); validation refuses null", typ)
	}
}

// TestServeOpenAPIBuildsAtStart: a document that cannot be built is
// logged when the router starts serving, before anyone asks for it.
func TestServeOpenAPIBuildsAtStart(t *testing.T) {
	var log bytes.Buffer
	r := New()
	r.Logger = slog.New(slog.NewTextHandler(&log, nil))
	Register(r, Operation{Method: "GET", Path: "/c"}, func(c *Context, in *struct{}) (*struct {
		F func() `json:"f"`
	}, error) {
		return nil, nil
	})
	r.ServeOpenAPI(OpenAPIOptions{DocsPath: "-"})
	_, _ = r.Invoke(context.Background(), invokeEvent("/elsewhere", false))
	if !strings.Contains(log.String(), "cannot be built") || !strings.Contains(log.String(), "func()") {
		t.Errorf("log after the first request to another route: %q", log.String())
	}
}
