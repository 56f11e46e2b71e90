package alb

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// allocInput binds one value of each cheap kind from each source.
type allocInput struct {
	ID     int64   `path:"id"`
	Limit  int     `query:"limit" default:"20" minimum:"1" maximum:"100"`
	Active bool    `query:"active"`
	Name   string  `query:"name" minLength:"1"`
	Ratio  float64 `query:"ratio"`
	Level  uint16  `header:"x-level"`
	Agent  string  `header:"user-agent"`
	Theme  string  `cookie:"theme" enum:"dark,light"`
	Count  uint8   `query:"count,omitempty"`
}

// allocEvent is a GET with the values allocInput binds, among a browser's
// headers.
func allocEvent(tb testing.TB, multi bool) []byte {
	return testEvent(tb, eventSpec{
		path:    "/items/42",
		query:   [][2]string{{"limit", "50"}, {"active", "true"}, {"name", "Ada+Lovelace"}, {"ratio", "0.5"}},
		headers: append([][2]string{{"x-level", "3"}}, browserHeaders...),
		multi:   multi,
	})
}

// TestTypedBindAllocs: binding path, query, header and cookie values into
// numeric, bool and string fields allocates nothing: a typed route costs
// one allocation more than a plain route that answers the same, the input
// struct itself.
func TestTypedBindAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	var got allocInput
	typed := New()
	Register(typed, Operation{Method: "GET", Path: "/items/:id"}, func(c *Context, in *allocInput) (struct{}, error) {
		got = *in
		return struct{}{}, nil
	})
	plain := New()
	plain.GET("/items/:id", func(c *Context) error { return c.NoContent(http.StatusNoContent) })
	for _, multi := range bothModes {
		ev := allocEvent(t, multi)
		out, _ := typed.Invoke(context.Background(), ev)
		if d := decodeResponse(t, out); d.StatusCode != http.StatusNoContent {
			t.Fatalf("%s: %s", modeLabel(multi), out)
		}
		want := allocInput{ID: 42, Limit: 50, Active: true, Name: "Ada Lovelace", Ratio: 0.5, Level: 3,
			Agent: got.Agent, Theme: "dark"}
		if got != want || !strings.HasPrefix(got.Agent, "Mozilla/5.0") {
			t.Fatalf("%s: bound %+v, want %+v", modeLabel(multi), got, want)
		}
		base := testing.AllocsPerRun(200, func() { _, _ = plain.Invoke(context.Background(), ev) })
		n := testing.AllocsPerRun(200, func() { _, _ = typed.Invoke(context.Background(), ev) })
		if n != base+1 {
			t.Errorf("%s: a typed route allocates %v times, a plain one %v; want one more", modeLabel(multi), n, base)
		}
	}
}

// TestTypedBodyAllocs: a typed JSON body costs what the codec costs: as
// many allocations as BindJSONStrict into the same type.
func TestTypedBodyAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	typed := New()
	Register(typed, Operation{Method: "POST", Path: "/orders"}, func(c *Context, in *benchOrder) (struct{}, error) {
		return struct{}{}, nil
	})
	plain := New()
	plain.POST("/orders", func(c *Context) error {
		o := new(benchOrder)
		if err := c.BindJSONStrict(o); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	})
	ev := postEvent(t, "/orders", benchOrderJSON)
	for _, r := range []*Router{typed, plain} {
		if d := decodeResponse(t, must(r.Invoke(context.Background(), ev))); d.StatusCode != http.StatusNoContent {
			t.Fatalf("status %d: %s", d.StatusCode, d.Body)
		}
	}
	base := testing.AllocsPerRun(100, func() { _, _ = plain.Invoke(context.Background(), ev) })
	n := testing.AllocsPerRun(100, func() { _, _ = typed.Invoke(context.Background(), ev) })
	if n != base {
		t.Errorf("a typed body allocates %v times, BindJSONStrict %v", n, base)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// fuzzQuery is the input of the query fuzzer: one value per kind.
type fuzzQuery struct {
	I int64   `query:"i"`
	U uint8   `query:"u"`
	F float64 `query:"f"`
	B bool    `query:"b"`
	S string  `query:"s"`
}

// FuzzBindQuery binds one raw query value into each kind and checks the
// answer against net/url's decoding and strconv's parsing.
func FuzzBindQuery(f *testing.F) {
	for _, s := range []string{"42", "-1", "255", "256", "1e3", "NaN", "inf", "true", "0x10", "%2B7", "caf%C3%A9+au+lait", "1_000", "", "%zz", "+", " 1"} {
		f.Add(s, false)
	}
	r := New()
	Register(r, Operation{Method: "GET", Path: "/q"}, func(c *Context, in *fuzzQuery) (*fuzzQuery, error) { return in, nil })
	f.Fuzz(func(t *testing.T, raw string, multi bool) {
		ev := testEvent(t, eventSpec{path: "/q", multi: multi,
			query: [][2]string{{"i", raw}, {"u", raw}, {"f", raw}, {"b", raw}, {"s", raw}}})
		out, err := r.Invoke(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		d := decodeResponse(t, out)
		decoded, uerr := url.QueryUnescape(raw)
		if uerr != nil { // alb keeps a malformed escape as it is; only the status is checked
			if d.StatusCode != 200 && d.StatusCode != 400 {
				t.Fatalf("%q: status %d", raw, d.StatusCode)
			}
			return
		}
		var want []string // the locations that must fail
		i, ierr := strconv.ParseInt(decoded, 10, 64)
		u, uerr2 := strconv.ParseUint(decoded, 10, 8)
		fl, ferr := strconv.ParseFloat(decoded, 64)
		b, berr := strconv.ParseBool(decoded)
		if ierr != nil {
			want = append(want, "query.i")
		}
		if uerr2 != nil {
			want = append(want, "query.u")
		}
		if ferr != nil || math.IsInf(fl, 0) || math.IsNaN(fl) {
			want = append(want, "query.f")
		}
		if berr != nil {
			want = append(want, "query.b")
		}
		if len(want) > 0 {
			if d.StatusCode != 400 {
				t.Fatalf("%q: status %d, want 400 for %v: %s", raw, d.StatusCode, want, d.Body)
			}
			for _, loc := range want {
				if !strings.Contains(d.Body, `"location":"`+loc+`"`) {
					t.Fatalf("%q: %s does not name %s", raw, d.Body, loc)
				}
			}
			if n := strings.Count(d.Body, `"location"`); n != len(want) {
				t.Fatalf("%q: %d errors, want %v: %s", raw, n, want, d.Body)
			}
			return
		}
		var got fuzzQuery
		if err := (JSONv2{}).Unmarshal([]byte(d.Body), &got, true); err != nil || d.StatusCode != 200 {
			t.Fatalf("%q: %d %s (%v)", raw, d.StatusCode, d.Body, err)
		}
		if wantQ := (fuzzQuery{I: i, U: uint8(u), F: fl, B: b, S: string([]rune(decoded))}); got != wantQ && !(got.F == 0 && wantQ.F == 0) {
			t.Fatalf("%q: bound %+v, want %+v", raw, got, wantQ)
		}
	})
}

// fuzzForm is the input of the form fuzzer.
type fuzzForm struct {
	I *int     `form:"i"`
	S string   `form:"s,omitempty"`
	L []string `form:"l,omitempty"`
}

// FuzzBindForm binds an urlencoded body and checks the answer against
// url.ParseQuery and strconv.
func FuzzBindForm(f *testing.F) {
	for _, s := range []string{"i=1&s=a&l=x&l=y", "i=x", "s=%zz", "i=1;s=2", "l=&l=&i=-0", "i=1&i=2", "=&&i=3", "s=caf%C3%A9+au+lait&i=0"} {
		f.Add(s)
	}
	r := New()
	Register(r, Operation{Method: "POST", Path: "/f"}, func(c *Context, in *fuzzForm) (*fuzzForm, error) { return in, nil })
	f.Fuzz(func(t *testing.T, body string) {
		ev := testEvent(t, eventSpec{method: "POST", path: "/f", body: body,
			headers: [][2]string{{"content-type", "application/x-www-form-urlencoded"}}})
		out, err := r.Invoke(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		d := decodeResponse(t, out)
		values, perr := url.ParseQuery(body)
		if perr != nil {
			if d.StatusCode != 400 || !strings.Contains(d.Body, `"location":"body"`) {
				t.Fatalf("%q: %d %s, want 400 at body", body, d.StatusCode, d.Body)
			}
			return
		}
		var wantI *int
		if vs := values["i"]; len(vs) > 0 {
			n, err := strconv.ParseInt(vs[0], 10, 0)
			if err != nil {
				if d.StatusCode != 400 || !strings.Contains(d.Body, `"location":"form.i"`) {
					t.Fatalf("%q: %d %s, want 400 at form.i", body, d.StatusCode, d.Body)
				}
				return
			}
			wantI = new(int(n))
		}
		var got fuzzForm
		if err := (JSONv2{}).Unmarshal([]byte(d.Body), &got, true); err != nil || d.StatusCode != 200 {
			t.Fatalf("%q: %d %s (%v)", body, d.StatusCode, d.Body, err)
		}
		// The answer is JSON: invalid UTF-8 comes back replaced.
		want := fuzzForm{I: wantI, S: string([]rune(values.Get("s")))}
		for _, l := range values["l"] {
			want.L = append(want.L, string([]rune(l)))
		}
		if (got.I == nil) != (want.I == nil) || got.I != nil && *got.I != *want.I || got.S != want.S || strings.Join(got.L, "\x00") != strings.Join(want.L, "\x00") || len(got.L) != len(want.L) {
			t.Fatalf("%q: bound %+v, want %+v", body, got, want)
		}
	})
}

// TestOperationsRecorded: every route is recorded in registration order,
// with its full pattern, chain and, for typed routes, the plan the API
// document reads.
func TestOperationsRecorded(t *testing.T) {
	mw := func(next HandlerFunc) HandlerFunc { return next }
	r := New()
	r.Use(mw)
	r.GET("/health", func(c *Context) error { return nil })
	g := r.Group("/api", mw)
	Register(g, Operation{Method: "POST", Path: "/orders/:shop", Status: 201, Tags: []string{"orders"}},
		func(c *Context, in *struct {
			Shop string `path:"shop" doc:"the shop" example:"lyon"`
			Dry  *bool  `query:"dry"`
			Body typedOrder
		}) (*receipt, error) {
			return nil, nil
		})
	Register(g, Operation{Method: "GET", Path: "/search"}, func(c *Context, in *searchInput) (*searchResult, error) { return nil, nil })
	Register(g, Operation{Method: "GET", Path: "/raw"}, func(c *Context, in *struct {
		Name string `query:"name,omitempty"`
	}) ([]byte, error) {
		return nil, nil
	})
	ops := r.operations()
	if len(ops) != 4 {
		t.Fatalf("%d operations", len(ops))
	}
	plain, post, search, raw := ops[0], ops[1], ops[2], ops[3]
	if plain.typed || plain.method != "GET" || plain.pattern != "/health" || len(plain.chain) != 1 || plain.problemStatuses() != nil {
		t.Errorf("plain: %+v", plain)
	}
	if !post.typed || post.pattern != "/api/orders/:shop" || len(post.chain) != 2 || post.status != 201 ||
		post.meta.Tags[0] != "orders" || post.output != reflect.TypeFor[*receipt]() {
		t.Errorf("post: %+v", post)
	}
	if len(post.params) != 2 || post.params[0].source != sourcePath || post.params[0].name != "shop" || !post.params[0].required ||
		post.params[0].rules.doc != "the shop" || post.params[0].rules.example != "lyon" ||
		post.params[1].source != sourceQuery || post.params[1].required {
		t.Errorf("post params: %+v", post.params)
	}
	if b := post.body; b == nil || b.kind != bodyJSON || b.typ != reflect.TypeFor[typedOrder]() || !b.refuseUnknown || !b.required {
		t.Errorf("post body: %+v", post.body)
	}
	if len(post.out.headers) != 1 || post.out.headers[0].name != "Location" || post.out.body != reflect.TypeFor[receipt]() {
		t.Errorf("post output: %+v", post.out)
	}
	if got := post.problemStatuses(); !slices.Equal(got, []int{400, 415, 422}) {
		t.Errorf("post problems %v", got)
	}
	if got := search.problemStatuses(); !slices.Equal(got, []int{400, 422}) || search.params[1].def != "1" || !search.params[1].hasDefault {
		t.Errorf("search problems %v, params %+v", got, search.params)
	}
	if got := raw.problemStatuses(); got != nil || raw.out.kind != outputBytes || raw.out.contentType != "application/octet-stream" {
		t.Errorf("raw problems %v, output %+v", got, raw.out)
	}
	// The document reads body field rules through fieldRules.
	sf, _ := reflect.TypeFor[typedOrder]().FieldByName("Items")
	if r, err := fieldRules(sf); err != nil || *r.minItems != 1 || *r.maxItems != 100 || !r.required {
		t.Errorf("fieldRules(Items) = %+v, %v", r, err)
	}
}

// FuzzPresence: the scan for missing members ends without panicking on
// any text, and on JSON agrees with a decoding of it into a map.
func FuzzPresence(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":{"c":[{"d":null}]}}`, `[1}`, `{"a"`, `{"a":"\"","b":[{},{"d":2}]}`, `{"\u0061":1}`, `{]`, `"x`, `{"b":{"c":{}}}`} {
		f.Add(s)
	}
	leaf := &jsonShape{fields: []shapeField{{name: "d", required: true}}}
	mid := &jsonShape{fields: []shapeField{{name: "c", list: true, sub: leaf}}}
	root := &shapeField{sub: &jsonShape{fields: []shapeField{{name: "a", required: true}, {name: "b", sub: mid}}}}
	f.Fuzz(func(t *testing.T, body string) {
		var v violations
		v.root = "body"
		checkPresence([]byte(body), root, false, &v)
		var m map[string]any
		if err := (JSONv2{}).Unmarshal([]byte(body), &m, false); err != nil {
			return
		}
		missing := map[string]bool{}
		if m["a"] == nil {
			missing["body.a"] = true
		}
		if b, ok := m["b"].(map[string]any); ok {
			if c, ok := b["c"].([]any); ok {
				for i, item := range c {
					if o, ok := item.(map[string]any); ok && o["d"] == nil {
						missing["body.b.c["+strconv.Itoa(i)+"].d"] = true
					}
				}
			}
		}
		got := map[string]bool{}
		for _, e := range v.list {
			got[e.Location] = true
		}
		if len(got) != len(missing) || len(v.list) != len(got) {
			t.Fatalf("%s: missing %v, want %v", body, got, missing)
		}
		for loc := range missing {
			if !got[loc] {
				t.Fatalf("%s: missing %v, want %v", body, got, missing)
			}
		}
	})
}

// allocOut is an output of one pointer-shaped field besides a header.
type allocOut struct {
	ETag string `header:"ETag" json:"-"`
	Name string `json:"name"`
}

// TestTypedPointerOutputAllocs: a pointer output is written from the
// pointer itself: a typed route returning one allocates as much as a
// plain route sending the same JSON (an empty input costs nothing).
func TestTypedPointerOutputAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	out := &allocOut{ETag: `"1"`, Name: "n"}
	typed := New()
	Register(typed, Operation{Method: "GET", Path: "/items/:id"}, func(c *Context, in *struct{}) (*allocOut, error) {
		return out, nil
	})
	plain := New()
	plain.GET("/items/:id", func(c *Context) error {
		c.SetHeader("ETag", out.ETag)
		return c.JSON(http.StatusOK, out)
	})
	for _, multi := range bothModes {
		ev := allocEvent(t, multi)
		a, _ := typed.Invoke(context.Background(), ev)
		b, _ := plain.Invoke(context.Background(), ev)
		if string(a) != string(b) {
			t.Fatalf("%s: typed %s, plain %s", modeLabel(multi), a, b)
		}
		base := testing.AllocsPerRun(200, func() { _, _ = plain.Invoke(context.Background(), ev) })
		n := testing.AllocsPerRun(200, func() { _, _ = typed.Invoke(context.Background(), ev) })
		if n != base {
			t.Errorf("%s: a typed route allocates %v times, a plain one %v", modeLabel(multi), n, base)
		}
	}
}
