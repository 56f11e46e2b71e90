package alb_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
)

// noteBody is a note as examples/api takes it.
type noteBody struct {
	Title string   `json:"title" minLength:"1" maxLength:"200" doc:"the title"`
	Body  string   `json:"body,omitempty" maxLength:"10000"`
	Tags  []string `json:"tags,omitempty" maxItems:"10" uniqueItems:"true" pattern:"^[a-z0-9-]{1,32}$"`
}

type createNote struct {
	Body noteBody
}

type note struct {
	ID    string   `json:"id"`
	Title string   `json:"title"`
	Tags  []string `json:"tags"`
}

type listNotes struct {
	Limit int    `query:"limit" default:"50" minimum:"1" maximum:"100"`
	Tag   string `query:"tag,omitempty" pattern:"^[a-z0-9-]{1,32}$"`
}

type noteList struct {
	Notes []note `json:"notes"`
	Limit int    `json:"limit"`
	Total int    `header:"X-Total-Count" json:"-"`
}

// notesRouter serves a small notes API on typed handlers.
func notesRouter() *alb.Router {
	r := alb.New()
	api := r.Group("/api")
	alb.Register(api, alb.Operation{Method: "POST", Path: "/notes", Status: http.StatusCreated},
		func(c *alb.Context, in *createNote) (*note, error) {
			return &note{ID: "n1", Title: in.Body.Title, Tags: in.Body.Tags}, nil
		})
	alb.Register(api, alb.Operation{Method: "GET", Path: "/notes"},
		func(c *alb.Context, in *listNotes) (*noteList, error) {
			return &noteList{Notes: []note{}, Limit: in.Limit, Total: 7}, nil
		})
	return r
}

func postJSON(path, body string) *albtest.Request {
	return albtest.NewRequest("POST", path, albtest.WithBody("application/json", []byte(body)))
}

// TestTypedNotes: what examples/api needs: one 422 naming both an empty
// title and a bad tag; pagination with a default and a maximum.
func TestTypedNotes(t *testing.T) {
	r := notesRouter()
	resp := albtest.DoBoth(t, r, postJSON("/api/notes", `{"title":"","tags":["ok","Not OK"]}`))
	p := checkProblem(t, resp, http.StatusUnprocessableEntity, "body.title", "body.tags[1]")
	if p.Errors[0].Message != "must not be empty" || p.Errors[1].Value != "Not OK" {
		t.Errorf("errors %+v", p.Errors)
	}
	resp = albtest.DoBoth(t, r, postJSON("/api/notes", `{"title":"Hi","tags":["a"]}`))
	if resp.Status != http.StatusCreated || string(resp.Body) != `{"id":"n1","title":"Hi","tags":["a"]}` {
		t.Errorf("create: %d %s", resp.Status, resp.Body)
	}
	for _, tc := range []struct{ query, body string }{
		{"", `{"notes":[],"limit":50}`},
		{"?limit=100&tag=go", `{"notes":[],"limit":100}`},
	} {
		resp = albtest.DoBoth(t, r, albtest.NewRequest("GET", "/api/notes"+tc.query))
		if resp.Status != http.StatusOK || string(resp.Body) != tc.body || resp.Header.Get("X-Total-Count") != "7" {
			t.Errorf("list%s: %d %v %s, want %s", tc.query, resp.Status, resp.Header, resp.Body, tc.body)
		}
	}
	resp = albtest.DoBoth(t, r, albtest.NewRequest("GET", "/api/notes?limit=101&tag=A"))
	checkProblem(t, resp, http.StatusUnprocessableEntity, "query.limit", "query.tag")
	resp = albtest.DoBoth(t, r, albtest.NewRequest("GET", "/api/notes?limit=ten"))
	checkProblem(t, resp, http.StatusBadRequest, "query.limit")
}

// TestTypedBody: content types, unknown fields, empty bodies, required
// members and nested structs.
func TestTypedBody(t *testing.T) {
	type item struct {
		SKU string `json:"sku" minLength:"3"`
		Qty int    `json:"qty" minimum:"1"`
	}
	type order struct {
		Ref   string  `json:"ref"`
		Items []item  `json:"items" minItems:"1"`
		Gift  *bool   `json:"gift"`
		Ship  *item   `json:"ship,omitempty"`
		Note  *string `json:"note" maxLength:"5"`
	}
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "POST", Path: "/orders"}, func(c *alb.Context, in *order) (*order, error) {
		return in, nil
	})
	type loose struct {
		Body struct {
			A int `json:"a"`
		}
	}
	alb.Register(r, alb.Operation{Method: "POST", Path: "/loose", AllowUnknownFields: true}, func(c *alb.Context, in *loose) (int, error) {
		return in.Body.A, nil
	})
	type optional struct {
		Body *struct {
			A int `json:"a"`
		}
	}
	alb.Register(r, alb.Operation{Method: "POST", Path: "/optional"}, func(c *alb.Context, in *optional) (bool, error) {
		return in.Body != nil, nil
	})

	good := `{"ref":"r1","items":[{"sku":"abc","qty":2}],"gift":null,"note":"hi"}`
	resp := albtest.DoBoth(t, r, postJSON("/orders", good))
	if resp.Status != http.StatusOK || string(resp.Body) != `{"ref":"r1","items":[{"sku":"abc","qty":2}],"gift":null,"note":"hi"}` {
		t.Errorf("good order: %d %s", resp.Status, resp.Body)
	}
	cases := []struct {
		name   string
		req    *albtest.Request
		status int
		locs   []string
	}{
		{"text/plain", albtest.NewRequest("POST", "/orders", albtest.WithBody("text/plain", []byte(good))), 415, nil},
		{"no content type", albtest.NewRequest("POST", "/orders", albtest.WithBody("", []byte(good))), 415, nil},
		{"form", albtest.NewRequest("POST", "/orders", albtest.WithBody("application/x-www-form-urlencoded", []byte("a=1"))), 415, nil},
		{"empty", postJSON("/orders", ""), 400, []string{"body"}},
		{"malformed", postJSON("/orders", `nope`), 400, []string{"body"}},
		{"truncated", postJSON("/orders", `{"ref":`), 400, []string{"body.ref"}},
		{"wrong type", postJSON("/orders", `{"ref":"r","items":[{"sku":"abc","qty":"2"}]}`), 400, []string{"body.items[0].qty"}},
		{"unknown field", postJSON("/orders", `{"ref":"r","items":[],"extra":1}`), 400, []string{"body.extra"}},
		{"missing", postJSON("/orders", `{"items":[{"qty":0}]}`), 422, []string{"body.items[0].qty", "body.items[0].sku", "body.ref"}},
		{"null", postJSON("/orders", `{"ref":null,"items":[{"sku":"abc","qty":1}]}`), 422, []string{"body.ref"}},
		{"nested", postJSON("/orders", `{"ref":"r","items":[],"ship":{"sku":"x","qty":0},"note":"toolong"}`), 422,
			[]string{"body.items", "body.ship.sku", "body.ship.qty", "body.note"}},
		{"missing nested", postJSON("/orders", `{"ref":"r","items":[{"sku":"abc","qty":1}],"ship":{"qty":1}}`), 422, []string{"body.ship.sku"}},
	}
	for _, tc := range cases {
		resp := albtest.DoBoth(t, r, tc.req)
		if tc.locs == nil {
			if resp.Status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, resp.Status, resp.Body, tc.status)
			}
			if p := problem(t, resp); p.Status != tc.status || p.Detail == "" {
				t.Errorf("%s: %+v", tc.name, p)
			}
			continue
		}
		t.Run(tc.name, func(t *testing.T) { checkProblem(t, resp, tc.status, tc.locs...) })
	}
	if resp := albtest.DoBoth(t, r, postJSON("/loose", `{"a":1,"b":2}`)); string(resp.Body) != "1" {
		t.Errorf("AllowUnknownFields: %d %s", resp.Status, resp.Body)
	}
	if resp := albtest.DoBoth(t, r, albtest.NewRequest("POST", "/optional")); resp.Status != 200 || string(resp.Body) != "false" {
		t.Errorf("optional body absent: %d %s", resp.Status, resp.Body)
	}
	if resp := albtest.DoBoth(t, r, postJSON("/optional", `{"a":1}`)); string(resp.Body) != "true" {
		t.Errorf("optional body present: %d %s", resp.Status, resp.Body)
	}
}

// TestTypedStandardJSON: with encoding/json, members match
// case-insensitively, for the required check too.
func TestTypedStandardJSON(t *testing.T) {
	type in struct {
		Name string `json:"name"`
	}
	r := alb.New()
	r.JSONCodec = alb.StandardJSON{}
	alb.Register(r, alb.Operation{Method: "POST", Path: "/"}, func(c *alb.Context, in *in) (string, error) { return in.Name, nil })
	if resp := albtest.DoBoth(t, r, postJSON("/", `{"NAME":"x"}`)); resp.Status != 200 || string(resp.Body) != "x" {
		t.Errorf("got %d %s", resp.Status, resp.Body)
	}
	resp := albtest.DoBoth(t, r, postJSON("/", `{"nom":"x"}`))
	checkProblem(t, resp, http.StatusBadRequest, "body.nom")
}

// rangeInput checks a rule across fields.
type rangeInput struct {
	From int `query:"from"`
	To   int `query:"to"`
}

func (in *rangeInput) Validate() error {
	if in.From > in.To {
		return errors.Join(
			&alb.FieldError{Location: "query.from", Message: "must not be after to", Value: in.From},
			errors.New("the range is empty"))
	}
	return nil
}

type line struct {
	Qty   int `json:"qty" minimum:"0"`
	Price int `json:"price"`
}

func (l line) Validate() error {
	if l.Qty > 0 && l.Price == 0 {
		return errors.New("a line with a quantity needs a price")
	}
	return nil
}

// TestTypedValidate: Validate methods run once the tags pass: the input's
// and those of the body's structs, wherever they are.
func TestTypedValidate(t *testing.T) {
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "GET", Path: "/range"}, func(c *alb.Context, in *rangeInput) (struct{}, error) {
		return struct{}{}, nil
	})
	type cart struct {
		Lines []line `json:"lines"`
	}
	alb.Register(r, alb.Operation{Method: "POST", Path: "/cart"}, func(c *alb.Context, in *cart) (struct{}, error) {
		return struct{}{}, nil
	})
	if resp := albtest.DoBoth(t, r, albtest.NewRequest("GET", "/range?from=1&to=2")); resp.Status != http.StatusNoContent {
		t.Errorf("good range: %d %s", resp.Status, resp.Body)
	}
	resp := albtest.DoBoth(t, r, albtest.NewRequest("GET", "/range?from=3&to=2"))
	p := checkProblem(t, resp, http.StatusUnprocessableEntity, "query.from", "")
	if p.Errors[1].Message != "the range is empty" {
		t.Errorf("errors %+v", p.Errors)
	}
	resp = albtest.DoBoth(t, r, postJSON("/cart", `{"lines":[{"qty":0,"price":0},{"qty":1,"price":0}]}`))
	checkProblem(t, resp, http.StatusUnprocessableEntity, "body.lines[1]")
	// Validate runs only once the tags pass.
	resp = albtest.DoBoth(t, r, postJSON("/cart", `{"lines":[{"qty":-1,"price":0},{"qty":1,"price":0}]}`))
	checkProblem(t, resp, http.StatusUnprocessableEntity, "body.lines[0].qty")
}

// TestTypedParams: required parameters, defaults, pointers and cookies.
func TestTypedParams(t *testing.T) {
	type in struct {
		ID      string   `path:"id" format:"uuid"`
		Page    int      `query:"page" default:"1" minimum:"1"`
		Size    *int     `query:"size" maximum:"50"`
		Sort    string   `query:"sort" enum:"asc,desc"`
		Fields  []string `query:"fields,comma" default:"id,name" minItems:"1"`
		Trace   string   `header:"X-Trace-Id,omitempty"`
		Session string   `cookie:"session" minLength:"8"`
	}
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "GET", Path: "/things/:id"}, echo[in])
	const id = "123e4567-e89b-12d3-a456-426614174000"
	resp := albtest.DoBoth(t, r, albtest.NewRequest("GET", "/things/"+id+"?sort=asc&size=5",
		albtest.WithCookie("session", "abcdefgh"), albtest.WithHeader("x-trace-id", "t1")))
	want := "ID=" + id + " Page=1 Size=5 Sort=asc Fields=[id name] Trace=t1 Session=abcdefgh"
	if resp.Status != 200 || string(resp.Body) != want {
		t.Errorf("got %d %s, want %s", resp.Status, resp.Body, want)
	}
	resp = albtest.DoBoth(t, r, albtest.NewRequest("GET", "/things/x?page=0&size=51&fields="))
	checkProblem(t, resp, http.StatusUnprocessableEntity, "path.id", "query.page", "query.size", "query.sort", "cookie.session")
}

// TestTypedOutput: headers, a Body field, raw outputs, struct{}, statuses
// chosen at run time, and nil outputs.
func TestTypedOutput(t *testing.T) {
	type created struct {
		Location string   `header:"Location"`
		Count    int      `header:"X-Count"`
		Tags     []string `header:"X-Tag"`
		Body     note
	}
	type accept struct {
		Async bool `query:"async,omitempty"`
	}
	r := alb.New()
	r.Logger = discardLogger()
	alb.Register(r, alb.Operation{Method: "POST", Path: "/a", Status: 201}, func(c *alb.Context, _ *struct{}) (created, error) {
		return created{Location: "/a/1", Count: 2, Tags: []string{"x", "y"}, Body: note{ID: "1", Title: "t"}}, nil
	})
	alb.Register(r, alb.Operation{Method: "GET", Path: "/bytes", ContentType: "image/png"}, func(c *alb.Context, _ *struct{}) ([]byte, error) {
		return []byte{0x89, 'P', 'N', 'G'}, nil
	})
	alb.Register(r, alb.Operation{Method: "GET", Path: "/text"}, func(c *alb.Context, _ *struct{}) (string, error) {
		return "hello", nil
	})
	alb.Register(r, alb.Operation{Method: "GET", Path: "/csv"}, func(c *alb.Context, _ *struct{}) (string, error) {
		c.SetHeader("Content-Type", "text/csv")
		return "a,b", nil
	})
	alb.Register(r, alb.Operation{Method: "DELETE", Path: "/a"}, func(c *alb.Context, _ *struct{}) (struct{}, error) {
		return struct{}{}, nil
	})
	alb.Register(r, alb.Operation{Method: "PUT", Path: "/jobs", Statuses: []int{202}}, func(c *alb.Context, in *accept) (*note, error) {
		if in.Async {
			c.Status(http.StatusAccepted)
		}
		return &note{ID: "j"}, nil
	})
	alb.Register(r, alb.Operation{Method: "PUT", Path: "/bad"}, func(c *alb.Context, _ *struct{}) (*note, error) {
		c.Status(http.StatusAccepted) // not declared
		return &note{}, nil
	})
	alb.Register(r, alb.Operation{Method: "GET", Path: "/nil"}, func(c *alb.Context, _ *struct{}) (*note, error) {
		return nil, nil
	})
	cases := []struct {
		req    *albtest.Request
		status int
		ct     string
		body   string
		header map[string]string
	}{
		{albtest.NewRequest("POST", "/a"), 201, "application/json", `{"id":"1","title":"t","tags":null}`,
			map[string]string{"Location": "/a/1", "X-Count": "2", "X-Tag": "x, y"}},
		{albtest.NewRequest("GET", "/bytes"), 200, "image/png", "\x89PNG", nil},
		{albtest.NewRequest("GET", "/text"), 200, "text/plain; charset=utf-8", "hello", nil},
		{albtest.NewRequest("GET", "/csv"), 200, "text/csv", "a,b", nil},
		{albtest.NewRequest("DELETE", "/a"), 204, "", "", nil},
		{albtest.NewRequest("PUT", "/jobs"), 200, "application/json", `{"id":"j","title":"","tags":null}`, nil},
		{albtest.NewRequest("PUT", "/jobs?async=true"), 202, "application/json", `{"id":"j","title":"","tags":null}`, nil},
		{albtest.NewRequest("PUT", "/bad"), 500, "application/problem+json", `{"type":"about:blank","title":"Internal Server Error","status":500}`, nil},
		{albtest.NewRequest("GET", "/nil"), 200, "application/json", `null`, nil},
	}
	for _, tc := range cases {
		resp := albtest.DoBoth(t, r, tc.req)
		if resp.Status != tc.status || resp.Header.Get("Content-Type") != tc.ct || string(resp.Body) != tc.body {
			t.Errorf("%v: %d %q %s, want %d %q %s", tc.req.Event()[:0], resp.Status, resp.Header.Get("Content-Type"), resp.Body, tc.status, tc.ct, tc.body)
		}
		for k, v := range tc.header {
			if got := strings.Join(resp.Header.Values(k), ", "); got != v {
				t.Errorf("header %s = %q, want %q", k, got, v)
			}
		}
	}
}

// TestTypedErrors: handler errors are problems; an ErrorHandler can
// replace the shape; ProblemErrorHandler covers plain routes.
func TestTypedErrors(t *testing.T) {
	type in struct {
		N int `query:"n" minimum:"1"`
	}
	build := func(eh func(*alb.Context, error)) *alb.Router {
		r := alb.New()
		r.ErrorHandler = eh
		r.Logger = discardLogger()
		alb.Register(r, alb.Operation{Method: "GET", Path: "/t"}, func(c *alb.Context, in *in) (string, error) {
			switch in.N {
			case 1:
				return "", alb.NewHTTPError(http.StatusNotFound, "no such thing")
			case 2:
				return "", errors.New("database password is hunter2")
			case 3:
				return "", &alb.ProblemError{Problem: alb.Problem{Type: "https://example.com/probs/out-of-credit", Title: "Out of credit", Status: 403, Detail: "balance is 30"}}
			}
			return "ok", nil
		})
		r.GET("/plain", func(c *alb.Context) error { return alb.NewHTTPError(http.StatusConflict, "busy") })
		return r
	}
	r := build(nil)
	resp := albtest.DoBoth(t, r, albtest.NewRequest("GET", "/t?n=1"))
	if p := checkProblem(t, resp, 404); p.Detail != "no such thing" {
		t.Errorf("detail %q", p.Detail)
	}
	resp = albtest.DoBoth(t, r, albtest.NewRequest("GET", "/t?n=2"))
	if p := checkProblem(t, resp, 500); p.Detail != "" || strings.Contains(string(resp.Body), "hunter2") {
		t.Errorf("500 shows the error: %s", resp.Body)
	}
	resp = albtest.DoBoth(t, r, albtest.NewRequest("GET", "/t?n=3"))
	if string(resp.Body) != `{"type":"https://example.com/probs/out-of-credit","title":"Out of credit","status":403,"detail":"balance is 30"}` {
		t.Errorf("custom problem: %d %s", resp.Status, resp.Body)
	}
	// Plain routes keep the default shape.
	resp = albtest.DoBoth(t, r, albtest.NewRequest("GET", "/plain"))
	if resp.Status != 409 || string(resp.Body) != `{"message":"busy"}` {
		t.Errorf("plain route: %d %s", resp.Status, resp.Body)
	}

	// ProblemErrorHandler: everything is a problem.
	r = build(alb.ProblemErrorHandler)
	for path, status := range map[string]int{"/plain": 409, "/nothing": 404, "/t?n=0": 422} {
		resp = albtest.DoBoth(t, r, albtest.NewRequest("GET", path))
		if p := problem(t, resp); resp.Status != status || p.Status != status {
			t.Errorf("%s: %d %s, want %d", path, resp.Status, resp.Body, status)
		}
	}

	// An ErrorHandler of its own finds the *ProblemError and the
	// *HTTPError it wraps.
	r = build(func(c *alb.Context, err error) {
		var pe *alb.ProblemError
		var he *alb.HTTPError
		switch {
		case errors.As(err, &he):
			_ = c.String(he.Status, "http:"+he.Message)
		case errors.As(err, &pe):
			var locs []string
			for _, e := range pe.Errors {
				locs = append(locs, e.Location+"="+e.Message)
			}
			_ = c.String(pe.Status, strings.Join(locs, ";"))
		default:
			_ = c.String(500, "other")
		}
	})
	for path, want := range map[string]string{"/t?n=0": "query.n=must be at least 1", "/t?n=1": "http:no such thing", "/t?n=x": "query.n=must be an integer"} {
		if resp = albtest.DoBoth(t, r, albtest.NewRequest("GET", path)); string(resp.Body) != want {
			t.Errorf("%s: %s, want %s", path, resp.Body, want)
		}
	}
}

// TestTypedParity: a typed route is a HandlerFunc route: middleware in
// order, group prefixes, 405 with Allow, automatic OPTIONS and HEAD.
func TestTypedParity(t *testing.T) {
	var trace []string
	mw := func(name string) alb.Middleware {
		return func(next alb.HandlerFunc) alb.HandlerFunc {
			return func(c *alb.Context) error {
				trace = append(trace, name)
				c.SetHeader("X-"+name, "1")
				return next(c)
			}
		}
	}
	type in struct {
		ID int `path:"id"`
	}
	handler := func(c *alb.Context, in *in) (*note, error) { return &note{ID: "x"}, nil }
	plain := func(c *alb.Context) error { return c.JSON(200, &note{ID: "x"}) }

	build := func(typed bool) *alb.Router {
		r := alb.New()
		r.Use(mw("Router"))
		g := r.Group("/v1", mw("Group"))
		if typed {
			alb.Register(g, alb.Operation{Method: "GET", Path: "/items/:id", Middleware: []alb.Middleware{mw("Route")}}, handler)
		} else {
			g.GET("/items/:id", plain, mw("Route"))
		}
		g.DELETE("/items/:id", plain)
		return r
	}
	typed, hand := build(true), build(false)
	reqs := []*albtest.Request{
		albtest.NewRequest("GET", "/v1/items/1"),
		albtest.NewRequest("HEAD", "/v1/items/1"),
		albtest.NewRequest("POST", "/v1/items/1"),
		albtest.NewRequest("OPTIONS", "/v1/items/1"),
		albtest.NewRequest("GET", "/v1/items/1/"),
	}
	for _, req := range reqs {
		trace = nil
		a := albtest.DoBoth(t, typed, req)
		ta := trace
		trace = nil
		b := albtest.DoBoth(t, hand, req)
		if a.Status != b.Status || string(a.Body) != string(b.Body) || !equalHeaders(a.Header, b.Header) || !slices.Equal(ta, trace) {
			t.Errorf("%s: typed %d %v %s %v; plain %d %v %s %v", req.Event()[:0], a.Status, a.Header, a.Body, ta, b.Status, b.Header, b.Body, trace)
		}
	}
	trace = nil
	albtest.Do(t, typed, albtest.NewRequest("GET", "/v1/items/1"))
	if !slices.Equal(trace, []string{"Router", "Group", "Route"}) {
		t.Errorf("middleware order %v", trace)
	}
}

func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestRegisterPanics: mistakes in an input or output panic at
// registration, quoting the route and the field.
func TestRegisterPanics(t *testing.T) {
	type unsupported struct {
		M map[string]string `query:"m"`
	}
	type noParam struct {
		ID int `path:"id"`
	}
	type twoSources struct {
		X string `query:"x" header:"x"`
	}
	type dupName struct {
		A string `query:"a"`
		B string `query:"a"`
	}
	type badRule struct {
		N string `query:"n" minimum:"1"`
	}
	type badDefault struct {
		N int `query:"n" default:"x"`
	}
	type pathDefault struct {
		ID int `path:"id" default:"1"`
	}
	type loose struct {
		N    int `query:"n"`
		Name string
	}
	type bodyAndForm struct {
		F    string `form:"f"`
		Body struct{ A int }
	}
	type cookieList struct {
		C []string `cookie:"c"`
	}
	type commaScalar struct {
		C string `query:"c,comma"`
	}
	type badOption struct {
		C string `query:"c,explode"`
	}
	type headerInBody struct {
		ETag string `header:"ETag"`
		Name string `json:"name"`
	}
	type extraOut struct {
		Body  note
		Extra string
	}
	type badBodyRule struct {
		Body struct {
			Items []int `json:"items" pattern:"x"`
		}
	}
	type emptyTag struct {
		X string `query:""`
	}
	cases := []struct {
		name string
		reg  func(r *alb.Router)
		want string
	}{
		{"unsupported", func(r *alb.Router) { alb.Register(r, op("/u"), okHandler[unsupported]) }, `route "GET /u": field M: has type map[string]string`},
		{"no param", func(r *alb.Router) { alb.Register(r, op("/x/:key"), okHandler[noParam]) }, `field ID: path tag "id" names no parameter of the route`},
		{"two sources", func(r *alb.Router) { alb.Register(r, op("/t"), okHandler[twoSources]) }, "field X: has both a query and a header tag"},
		{"dup", func(r *alb.Router) { alb.Register(r, op("/d"), okHandler[dupName]) }, `field B: binds query "a" as field A does`},
		{"bad rule", func(r *alb.Router) { alb.Register(r, op("/b"), okHandler[badRule]) }, "field N: minimum tag \"1\": applies to numbers only"},
		{"bad default", func(r *alb.Router) { alb.Register(r, op("/b"), okHandler[badDefault]) }, `field N: default "x" must be an integer`},
		{"path default", func(r *alb.Router) { alb.Register(r, op("/p/:id"), okHandler[pathDefault]) }, "cannot have a default"},
		{"loose", func(r *alb.Router) { alb.Register(r, op("/l"), okHandler[loose]) }, "field Name: has no path, query, header, cookie or form tag"},
		{"body and form", func(r *alb.Router) { alb.Register(r, op("/bf"), okHandler[bodyAndForm]) }, "both into Body and into form fields"},
		{"cookie list", func(r *alb.Router) { alb.Register(r, op("/c"), okHandler[cookieList]) }, "cookie parameters take one value"},
		{"comma scalar", func(r *alb.Router) { alb.Register(r, op("/c"), okHandler[commaScalar]) }, "comma option but is not a slice"},
		{"bad option", func(r *alb.Router) { alb.Register(r, op("/c"), okHandler[badOption]) }, `unknown query tag option "explode"`},
		{"empty tag", func(r *alb.Router) { alb.Register(r, op("/e"), okHandler[emptyTag]) }, "empty query tag name"},
		{"not a struct", func(r *alb.Router) { alb.Register(r, op("/n"), okHandler[int]) }, "input type int is not a struct"},
		{"bad body rule", func(r *alb.Router) { alb.Register(r, op("/bb"), okHandler[badBodyRule]) }, "Items: pattern tag \"x\": applies to strings only"},
		{"header in body", func(r *alb.Router) {
			alb.Register(r, op("/h"), func(*alb.Context, *struct{}) (headerInBody, error) { return headerInBody{}, nil })
		}, `output field ETag: is a header and must be tagged json:"-"`},
		{"extra out", func(r *alb.Router) {
			alb.Register(r, op("/o"), func(*alb.Context, *struct{}) (*extraOut, error) { return nil, nil })
		}, "output field Extra: has no header tag"},
		{"undeclared error", func(r *alb.Router) {
			alb.Register(r, alb.Operation{Method: "GET", Path: "/s", Statuses: []int{404}}, okHandler[struct{}])
		}, "success status 404 is not 2xx or 3xx"},
		{"nil handler", func(r *alb.Router) {
			alb.Register[struct{}, string](r, op("/nil"), nil)
		}, "has a nil handler"},
		{"conflict", func(r *alb.Router) {
			r.GET("/same", func(*alb.Context) error { return nil })
			alb.Register(r, op("/same"), okHandler[struct{}])
		}, "/same"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				p := recover()
				if s, _ := p.(string); !strings.Contains(s, tc.want) {
					t.Errorf("panic %v, want one containing %q", p, tc.want)
				}
			}()
			tc.reg(alb.New())
		})
	}
}

func op(path string) alb.Operation { return alb.Operation{Method: "GET", Path: path} }

func okHandler[In any](*alb.Context, *In) (string, error) { return "ok", nil }

// TestTypedConcurrent: typed routes are safe for concurrent use and keep
// nothing from one request in the next.
func TestTypedConcurrent(t *testing.T) {
	r := notesRouter()
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			for i := 0; i < 50; i++ {
				title := strings.Repeat("x", g+1)
				ev := postJSON("/api/notes", `{"title":"`+title+`"}`).Event()
				out, err := r.Invoke(context.Background(), ev)
				if err != nil {
					done <- err
					return
				}
				var resp struct{ Body string }
				_ = json.Unmarshal(out, &resp)
				if !strings.Contains(resp.Body, `"title":"`+title+`"`) || strings.Contains(resp.Body, `"tags":["`) {
					done <- errors.New("wrong answer: " + resp.Body)
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestTypedFormFiles: multipart files bind to *multipart.FileHeader
// fields; a raw body binds to []byte or string.
func TestTypedFormFiles(t *testing.T) {
	type upload struct {
		Title string                  `form:"title" minLength:"1"`
		File  *multipart.FileHeader   `form:"file"`
		More  []*multipart.FileHeader `form:"more,omitempty"`
	}
	type raw struct {
		Body []byte `contentType:"image/png,image/jpeg"`
	}
	type text struct {
		Body string
	}
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "POST", Path: "/upload"}, func(c *alb.Context, in *upload) (string, error) {
		f, err := in.File.Open()
		if err != nil {
			return "", err
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		return in.Title + ":" + in.File.Filename + ":" + string(b) + ":" + strconv.Itoa(len(in.More)), nil
	})
	alb.Register(r, alb.Operation{Method: "PUT", Path: "/raw"}, func(c *alb.Context, in *raw) (int, error) { return len(in.Body), nil })
	alb.Register(r, alb.Operation{Method: "PUT", Path: "/text"}, func(c *alb.Context, in *text) (string, error) { return in.Body, nil })

	resp := albtest.DoBoth(t, r, albtest.NewRequest("POST", "/upload", albtest.WithMultipart(url.Values{"title": {"T"}},
		albtest.File{Field: "file", Name: "a.txt", Content: []byte("hello")}, albtest.File{Field: "more", Name: "b", Content: []byte("x")})))
	if resp.Status != 200 || string(resp.Body) != "T:a.txt:hello:1" {
		t.Errorf("upload: %d %s", resp.Status, resp.Body)
	}
	resp = albtest.DoBoth(t, r, albtest.NewRequest("POST", "/upload", albtest.WithForm(url.Values{"title": {""}})))
	checkProblem(t, resp, http.StatusUnprocessableEntity, "form.title", "form.file")
	resp = albtest.DoBoth(t, r, albtest.NewRequest("POST", "/upload", albtest.WithBody("application/json", []byte(`{}`))))
	checkProblem(t, resp, http.StatusUnsupportedMediaType)

	resp = albtest.DoBoth(t, r, albtest.NewRequest("PUT", "/raw", albtest.WithBody("image/png", []byte{1, 2, 3})))
	if resp.Status != 200 || string(resp.Body) != "3" {
		t.Errorf("raw: %d %s", resp.Status, resp.Body)
	}
	resp = albtest.DoBoth(t, r, albtest.NewRequest("PUT", "/raw", albtest.WithBody("image/gif", []byte{1})))
	checkProblem(t, resp, http.StatusUnsupportedMediaType)
	resp = albtest.DoBoth(t, r, albtest.NewRequest("PUT", "/text", albtest.WithBody("text/csv", []byte("a,b"))))
	if resp.Status != 200 || string(resp.Body) != "a,b" {
		t.Errorf("text: %d %s", resp.Status, resp.Body)
	}
}

// Page is embedded by inputs that page.
type Page struct {
	Limit  int    `query:"limit" default:"20" maximum:"100"`
	Cursor string `query:"cursor,omitempty"`
}

// tree is a recursive body type whose Validate is deep below.
type tree struct {
	Name     string  `json:"name" minLength:"1"`
	Children []*tree `json:"children,omitempty"`
}

func (t *tree) Validate() error {
	if t.Name == "bad" {
		return errors.New("bad name")
	}
	return nil
}

type forest struct {
	Trees []tree `json:"trees"`
}

// TestTypedEmbeddedAndRecursive: embedded structs share parameters;
// recursive body types are checked at every depth.
func TestTypedEmbeddedAndRecursive(t *testing.T) {
	type list struct {
		Page
		Tag string `query:"tag,omitempty"`
	}
	r := alb.New()
	alb.Register(r, op("/list"), func(c *alb.Context, in *list) (string, error) {
		return strconv.Itoa(in.Limit) + "|" + in.Cursor + "|" + in.Tag, nil
	})
	alb.Register(r, alb.Operation{Method: "POST", Path: "/forest"}, func(c *alb.Context, in *forest) (struct{}, error) {
		return struct{}{}, nil
	})
	if resp := albtest.DoBoth(t, r, albtest.NewRequest("GET", "/list?cursor=c&tag=t")); string(resp.Body) != "20|c|t" {
		t.Errorf("embedded: %d %s", resp.Status, resp.Body)
	}
	checkProblem(t, albtest.DoBoth(t, r, albtest.NewRequest("GET", "/list?limit=101")), 422, "query.limit")
	resp := albtest.DoBoth(t, r, postJSON("/forest", `{"trees":[{"name":"a","children":[{"name":"b","children":[{"name":""}]}]}]}`))
	checkProblem(t, resp, 422, "body.trees[0].children[0].children[0].name")
	resp = albtest.DoBoth(t, r, postJSON("/forest", `{"trees":[{"name":"a","children":[{"name":"b","children":[{"name":"bad"}]}]}]}`))
	checkProblem(t, resp, 422, "body.trees[0].children[0].children[0]")
	resp = albtest.DoBoth(t, r, postJSON("/forest", `{"trees":[{"name":"a","children":[{"children":[]}]}]}`))
	checkProblem(t, resp, 422, "body.trees[0].children[0].name")
}
