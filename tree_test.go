package alb

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/julienschmidt/httprouter"
)

// treeRoutes is the route table of the table tests, the allocation test and
// the benchmarks. It uses what httprouter rejects as well: static text,
// parameters and catch-alls side by side.
var treeRoutes = []string{
	"/",
	"/hi/",
	"/users",
	"/users/new",
	"/users/new/confirm",
	"/users/:id",
	"/users/:id/posts",
	"/users/:id/posts/:post",
	"/files/list",
	"/files/*path",
	"/src/:dir/*filepath",
	"/doc/",
	"/doc/go_faq.html",
	"/doc/go1.html",
	"/search/",
	"/search/:query",
	"/cmd/:tool/",
	"/cmd/:tool/:sub",
	"/user_:name",
	"/user_:name/about",
	"/org/new/members",
	"/org/:org/repos",
	"/info/:user/public",
	"/info/:user/project/:project",
	"/café",
	"/α",
	"/100%",
}

// treeParam is one expected parameter: name and value.
type treeParam [2]string

// treeLookupTests are lookups in treeRoutes. route is "" where nothing
// matches; tsr is the trailing-slash hint expected then.
// treeLookupTest is one lookup and what it must give.
type treeLookupTest struct {
	path  string
	route string // "" means no match
	ps    []treeParam
	tsr   bool
}

var treeLookupTests = []treeLookupTest{
	// Static routes.
	{"/", "/", nil, false},
	{"/users", "/users", nil, false},
	{"/users/", "", nil, true},
	{"/doc/", "/doc/", nil, false},
	{"/doc", "", nil, true},
	{"/doc/go1.html", "/doc/go1.html", nil, false},
	{"/doc/go1.html/", "", nil, true},
	{"/doc/go", "", nil, false},
	{"/hi", "", nil, true},
	{"/hi/", "/hi/", nil, false},
	{"/nope", "", nil, false},
	{"/nope/", "", nil, false},
	{"/α", "/α", nil, false},
	{"/café", "/café", nil, false},

	// ":id" matches one non-empty segment.
	{"/users/42", "/users/:id", []treeParam{{"id", "42"}}, false},
	{"/users/42/", "", nil, true},
	{"/users/42/x", "", nil, false},
	{"/users/42/posts", "/users/:id/posts", []treeParam{{"id", "42"}}, false},
	{"/users/42/posts/7", "/users/:id/posts/:post", []treeParam{{"id", "42"}, {"post", "7"}}, false},
	{"/users/42/posts/", "", nil, true},
	{"/users//posts", "", nil, false},
	{"/users/a+b", "/users/:id", []treeParam{{"id", "a+b"}}, false},
	{"/users/ünï", "/users/:id", []treeParam{{"id", "ünï"}}, false},
	{"/search/", "/search/", nil, false},
	{"/search/gopher", "/search/:query", []treeParam{{"query", "gopher"}}, false},
	{"/search/gopher/", "", nil, true},
	{"/search", "", nil, true},
	{"/cmd/vet/", "/cmd/:tool/", []treeParam{{"tool", "vet"}}, false},
	{"/cmd/vet", "", nil, true},
	{"/cmd/vet/3", "/cmd/:tool/:sub", []treeParam{{"tool", "vet"}, {"sub", "3"}}, false},
	{"/cmd/vet/3/", "", nil, true},
	{"/info/gordon/public", "/info/:user/public", []treeParam{{"user", "gordon"}}, false},
	{"/info/gordon/project/go", "/info/:user/project/:project", []treeParam{{"user", "gordon"}, {"project", "go"}}, false},
	{"/info/gordon", "", nil, false},

	// A parameter may start inside a segment.
	{"/user_gopher", "/user_:name", []treeParam{{"name", "gopher"}}, false},
	{"/user_gopher/about", "/user_:name/about", []treeParam{{"name", "gopher"}}, false},
	{"/user_", "", nil, false},
	{"/user_/about", "", nil, false},

	// "*path" matches the rest, from the '/' before it.
	{"/files/a/b", "/files/*path", []treeParam{{"path", "/a/b"}}, false},
	{"/files/", "/files/*path", []treeParam{{"path", "/"}}, false},
	{"/files", "", nil, true},
	{"/files//", "/files/*path", []treeParam{{"path", "//"}}, false},
	{"/src/js/inc/app.js", "/src/:dir/*filepath", []treeParam{{"dir", "js"}, {"filepath", "/inc/app.js"}}, false},
	{"/src/js/", "/src/:dir/*filepath", []treeParam{{"dir", "js"}, {"filepath", "/"}}, false},
	{"/src/js", "", nil, true},
	{"/src/", "", nil, false},

	// Static wins over the parameter, the parameter over the catch-all,
	// and a lookup backs up when the winner leads nowhere.
	{"/users/new", "/users/new", nil, false},
	{"/users/new/confirm", "/users/new/confirm", nil, false},
	{"/users/new/posts", "/users/:id/posts", []treeParam{{"id", "new"}}, false},
	{"/users/new/posts/1", "/users/:id/posts/:post", []treeParam{{"id", "new"}, {"post", "1"}}, false},
	{"/users/newer", "/users/:id", []treeParam{{"id", "newer"}}, false},
	{"/users/ne", "/users/:id", []treeParam{{"id", "ne"}}, false},
	{"/users/new/", "", nil, true},
	{"/users/new/x", "", nil, false},
	{"/org/new/members", "/org/new/members", nil, false},
	{"/org/new/repos", "/org/:org/repos", []treeParam{{"org", "new"}}, false},
	{"/org/acme/repos", "/org/:org/repos", []treeParam{{"org", "acme"}}, false},
	{"/org/acme/members", "", nil, false},
	{"/files/list", "/files/list", nil, false},
	{"/files/list/", "/files/*path", []treeParam{{"path", "/list/"}}, false},
	{"/files/list/x", "/files/*path", []treeParam{{"path", "/list/x"}}, false},
	{"/files/listing", "/files/*path", []treeParam{{"path", "/listing"}}, false},
	{"/files/lis", "/files/*path", []treeParam{{"path", "/lis"}}, false},

	// Matching is on the raw path; values are decoded.
	{"/users/a%2Fb", "/users/:id", []treeParam{{"id", "a/b"}}, false},
	{"/users/a%2fb/posts", "/users/:id/posts", []treeParam{{"id", "a/b"}}, false},
	{"/users/%34%32", "/users/:id", []treeParam{{"id", "42"}}, false},
	{"/users/bad%zz", "/users/:id", []treeParam{{"id", "bad%zz"}}, false},
	{"/users/%", "/users/:id", []treeParam{{"id", "%"}}, false},
	{"/users/%C3%BC%zz", "/users/:id", []treeParam{{"id", "%C3%BC%zz"}}, false},
	{"/users/a%20b+c", "/users/:id", []treeParam{{"id", "a b+c"}}, false},
	{"/files/a%2Fb", "/files/*path", []treeParam{{"path", "/a/b"}}, false},
	{"/files/a%20b/c%2", "/files/*path", []treeParam{{"path", "/a%20b/c%2"}}, false},
	{"/caf%C3%A9", "/café", nil, false},
	{"/caf%c3%a9", "/café", nil, false},
	{"/caf%C3%A9/", "", nil, true},
	{"/%CE%B1", "/α", nil, false},
	{"/us%65rs/42", "/users/:id", []treeParam{{"id", "42"}}, false},
	{"/us%65rs/n%65w", "/users/new", nil, false},
	{"/%75sers", "/users", nil, false},
	{"/users%2F42", "", nil, false},
	{"/users%2f", "", nil, false},
	{"%2Fusers", "", nil, false},
	{"/100%", "/100%", nil, false},
	{"/100%25", "/100%", nil, false},
	{"/100%2", "", nil, false},
	{"/users/%2F", "/users/:id", []treeParam{{"id", "/"}}, false},
}

// newTestTree returns a tree that maps each of routes to itself.
func newTestTree(tb testing.TB, routes []string) *tree[string] {
	tb.Helper()
	t := new(tree[string])
	for _, r := range routes {
		t.add(r, r)
	}
	return t
}

// treeParamPairs returns the parameters in ps.
func treeParamPairs(ps *params) []treeParam {
	var out []treeParam
	for i := 0; i < ps.n; i++ {
		out = append(out, treeParam{ps.keys[i], ps.values[i]})
	}
	return out
}

func equalTreeParams(a, b []treeParam) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTreeLookup(t *testing.T) {
	checkTreeLookups(t, newTestTree(t, treeRoutes), treeLookupTests)
}

// checkTreeLookups runs every lookup of tests on tr and checks the route,
// the parameters, the trailing-slash hint, and that the entries of params
// after the match are empty.
func checkTreeLookups(t *testing.T, tr *tree[string], tests []treeLookupTest) {
	t.Helper()
	var ps params
	for _, tt := range tests {
		route, ok, tsr := tr.lookup(tt.path, &ps)
		if ok != (tt.route != "") || route != tt.route {
			t.Errorf("lookup(%q) = %q, %v; want %q", tt.path, route, ok, tt.route)
			continue
		}
		if got := treeParamPairs(&ps); !equalTreeParams(got, tt.ps) {
			t.Errorf("lookup(%q) params = %q, want %q", tt.path, got, tt.ps)
		}
		if tsr != tt.tsr {
			t.Errorf("lookup(%q) tsr = %v, want %v", tt.path, tsr, tt.tsr)
		}
		for i := ps.n; i < maxParams; i++ {
			if ps.keys[i] != "" || ps.values[i] != "" {
				t.Errorf("lookup(%q) left entry %d set: %q=%q", tt.path, i, ps.keys[i], ps.values[i])
			}
		}
	}
}

// TestTreeLookupReusesParams checks that a lookup starts from empty params
// and that a miss leaves them empty.
func TestTreeLookupReusesParams(t *testing.T) {
	tr := newTestTree(t, treeRoutes)
	var ps params
	tr.lookup("/users/42/posts/7", &ps)
	tr.lookup("/search/go", &ps)
	if got, want := treeParamPairs(&ps), []treeParam{{"query", "go"}}; !equalTreeParams(got, want) {
		t.Errorf("params after two lookups = %q, want %q", got, want)
	}
	tr.lookup("/users/new/x", &ps)
	if ps != (params{}) {
		t.Errorf("params after a miss = %+v, want empty", ps)
	}
}

func TestTreeEmpty(t *testing.T) {
	var tr tree[int]
	var ps params
	for _, path := range []string{"", "/", "/a", "/a/"} {
		if v, ok, tsr := tr.lookup(path, &ps); ok || tsr || v != 0 {
			t.Errorf("empty tree: lookup(%q) = %v, %v, %v", path, v, ok, tsr)
		}
		if fixed, ok := tr.lookupCaseInsensitive(path, true); ok {
			t.Errorf("empty tree: lookupCaseInsensitive(%q) = %q, true", path, fixed)
		}
	}
}

// TestTreeConcurrentLookup runs lookups from several goroutines, for the
// race detector: lookups only read the tree.
func TestTreeConcurrentLookup(t *testing.T) {
	tr := newTestTree(t, treeRoutes)
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			var ps params
			for _, tt := range treeLookupTests {
				tr.lookup(tt.path, &ps)
				tr.lookupCaseInsensitive(tt.path, true)
			}
		}()
	}
	for range 4 {
		<-done
	}
}

func TestTreeMaxParams(t *testing.T) {
	var pattern, path strings.Builder
	var want []treeParam
	for i := range maxParams {
		fmt.Fprintf(&pattern, "/:p%d", i)
		fmt.Fprintf(&path, "/v%d", i)
		want = append(want, treeParam{fmt.Sprint("p", i), fmt.Sprint("v", i)})
	}
	tr := newTestTree(t, []string{pattern.String()})
	var ps params
	if _, ok, _ := tr.lookup(path.String(), &ps); !ok {
		t.Fatalf("lookup(%q) found nothing", path.String())
	}
	if got := treeParamPairs(&ps); !equalTreeParams(got, want) {
		t.Errorf("params = %q, want %q", got, want)
	}
	if v, ok := ps.get("p31"); !ok || v != "v31" {
		t.Errorf("get(p31) = %q, %v; want v31, true", v, ok)
	}
}

func TestParams(t *testing.T) {
	var ps params
	ps.push("id", "1")
	ps.push("name", "x")
	ps.push("id", "2")
	if v, ok := ps.get("id"); !ok || v != "1" {
		t.Errorf("get(id) = %q, %v; want 1, true (the first)", v, ok)
	}
	if v, ok := ps.get("name"); !ok || v != "x" {
		t.Errorf("get(name) = %q, %v; want x, true", v, ok)
	}
	if v, ok := ps.get("other"); ok || v != "" {
		t.Errorf("get(other) = %q, %v; want \"\", false", v, ok)
	}
	ps.reset()
	if ps != (params{}) {
		t.Errorf("after reset: %+v, want empty", ps)
	}
	if _, ok := ps.get("id"); ok {
		t.Error("get(id) after reset found a value")
	}
}

func TestTreeLookupAllocs(t *testing.T) {
	checkTreeLookupAllocs(t, treeRoutes, treeLookupTests,
		// A decoded value costs its one string; decoding static text nothing.
		map[string]float64{"/users/a%2Fb": 1, "/us%65rs/42": 0, "/caf%C3%A9": 0, "/users/bad%zz": 0})
}

// checkTreeLookupAllocs checks that no lookup of tests without an escape
// allocates, and that each lookup of decoding allocates as many times as it
// says.
func checkTreeLookupAllocs(t *testing.T, routes []string, tests []treeLookupTest, decoding map[string]float64) {
	t.Helper()
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	tr := newTestTree(t, routes)
	var ps params
	for _, tt := range tests {
		if strings.Contains(tt.path, "%") {
			continue
		}
		if n := testing.AllocsPerRun(100, func() { tr.lookup(tt.path, &ps) }); n != 0 {
			t.Errorf("lookup(%q): %v allocations, want 0", tt.path, n)
		}
	}
	for path, want := range decoding {
		if n := testing.AllocsPerRun(100, func() { tr.lookup(path, &ps) }); n != want {
			t.Errorf("lookup(%q): %v allocations, want %v", path, n, want)
		}
	}
}

// treePanicTests are patterns that add must reject, after the patterns of
// before were added. The panic message must hold every string of want.
var treePanicTests = []struct {
	before  []string
	pattern string
	want    []string
}{
	{nil, "", []string{`pattern ""`, "must begin with '/'"}},
	{nil, "users", []string{`pattern "users"`, "must begin with '/'"}},
	{nil, "*path", []string{`pattern "*path"`, "must begin with '/'"}},
	{nil, "/users/:", []string{`pattern "/users/:"`, `":"`, "empty name"}},
	{nil, "/users/:/x", []string{`pattern "/users/:/x"`, "empty name"}},
	{nil, "/user:", []string{`pattern "/user:"`, "empty name"}},
	{nil, "/files/*", []string{`pattern "/files/*"`, "empty name"}},
	{nil, "/files/*path/x", []string{`pattern "/files/*path/x"`, `"*path"`, "not at the end"}},
	{nil, "/files/*path/", []string{`pattern "/files/*path/"`, "not at the end"}},
	{nil, "/files*path", []string{`pattern "/files*path"`, `"*path"`, "does not directly follow a '/'"}},
	{nil, "/:a:b", []string{`parameter ":a" in pattern "/:a:b"`, "directly followed by another wildcard"}},
	{nil, "/:a*b/", []string{`pattern "/:a*b/"`, "directly followed by another wildcard"}},
	{nil, "/x.:a:b.png", []string{`parameter ":a" in pattern "/x.:a:b.png"`, "directly followed by another wildcard"}},
	{nil, "/:a.*b", []string{`catch-all "*b" in pattern "/:a.*b"`, "does not directly follow a '/'"}},
	{nil, "/x/*a:b", []string{`catch-all "*a:b" in pattern "/x/*a:b"`, "holds a second ':' or '*'"}},
	{nil, "/qr/:.png", []string{`wildcard ":" in pattern "/qr/:.png"`, "empty name"}},
	{nil, "/qr/:-x", []string{`pattern "/qr/:-x"`, "empty name"}},
	{[]string{"/files/:base.:ext"}, "/files/:base.:type", []string{
		`parameter ":type" in pattern "/files/:base.:type"`, `conflicts with parameter ":ext" of existing pattern "/files/:base.:ext"`}},
	{[]string{"/qr/:code.png"}, "/qr/:id.jpg", []string{
		`parameter ":id" in pattern "/qr/:id.jpg"`, `conflicts with parameter ":code" of existing pattern "/qr/:code.png"`}},
	{[]string{"/files/*path"}, "/files/:name.txt", []string{
		`parameter ":name" in pattern "/files/:name.txt"`, `conflicts with catch-all "*path" of existing pattern "/files/*path"`}},
	{[]string{"/qr/:code.png"}, "/qr/:code.png", []string{`pattern "/qr/:code.png" is already registered`}},
	{[]string{"/qr/:code.png/x", "/qr/:code.png"}, "/qr/:code.png", []string{`pattern "/qr/:code.png" is already registered`}},
	{[]string{"/f/:a.:b", "/f/:a.:b.gz"}, "/f/:a.:b", []string{`pattern "/f/:a.:b" is already registered`}},
	{nil, strings.Repeat("/:p", maxParams+1), []string{"more than 32 wildcards"}},
	{nil, strings.Repeat("/:p", maxParams) + "/*rest", []string{"more than 32 wildcards"}},
	{[]string{"/users/:id"}, "/users/:name", []string{
		`parameter ":name" in pattern "/users/:name"`, `conflicts with parameter ":id" of existing pattern "/users/:id"`}},
	{[]string{"/users/:id/x"}, "/users/:name/y", []string{
		`pattern "/users/:name/y"`, `":id" of existing pattern "/users/:id/x"`}},
	{[]string{"/users/:id"}, "/users/:i", []string{`pattern "/users/:i"`, `existing pattern "/users/:id"`}},
	{[]string{"/user_:name"}, "/user_:id/x", []string{`pattern "/user_:id/x"`, `existing pattern "/user_:name"`}},
	{[]string{"/users/:id"}, "/users/*rest", []string{
		`catch-all "*rest" in pattern "/users/*rest"`, `conflicts with parameter ":id" of existing pattern "/users/:id"`}},
	{[]string{"/users/*rest"}, "/users/:id/x", []string{
		`parameter ":id" in pattern "/users/:id/x"`, `conflicts with catch-all "*rest" of existing pattern "/users/*rest"`}},
	{[]string{"/files/*path"}, "/files/*other", []string{
		`catch-all "*other" in pattern "/files/*other"`, `conflicts with catch-all "*path" of existing pattern "/files/*path"`}},
	{[]string{"/"}, "/", []string{`pattern "/" is already registered`}},
	{[]string{"/users/:id"}, "/users/:id", []string{`pattern "/users/:id" is already registered`}},
	{[]string{"/users/:id/x", "/users/:id"}, "/users/:id", []string{`pattern "/users/:id" is already registered`}},
	{[]string{"/files/*path"}, "/files/*path", []string{`pattern "/files/*path" is already registered`}},
	{[]string{"/doc/go1.html", "/doc/go2.html"}, "/doc/go1.html", []string{`pattern "/doc/go1.html" is already registered`}},
}

// addPanic returns what t.add(pattern) panicked with, or nil.
func addPanic(t *tree[string], pattern string) (recovered any) {
	defer func() { recovered = recover() }()
	t.add(pattern, pattern)
	return nil
}

func TestTreeAddPanics(t *testing.T) {
	for _, tt := range treePanicTests {
		tr := newTestTree(t, tt.before)
		// Record what the tree answers before, to check the failed add
		// changed nothing.
		probes := append([]string{tt.pattern, tt.pattern + "/", "/users/new", "/files/a"}, tt.before...)
		type answer struct {
			route string
			ok    bool
			tsr   bool
			ps    []treeParam
		}
		var ps params
		before := make([]answer, len(probes))
		for i, p := range probes {
			r, ok, tsr := tr.lookup(p, &ps)
			before[i] = answer{r, ok, tsr, treeParamPairs(&ps)}
		}

		r := addPanic(tr, tt.pattern)
		msg, isString := r.(string)
		if !isString {
			t.Errorf("add(%q) after %q: recovered %v, want a panic with a string", tt.pattern, tt.before, r)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(msg, w) {
				t.Errorf("add(%q) after %q panicked with %q, want it to contain %q", tt.pattern, tt.before, msg, w)
			}
		}
		if !strings.HasPrefix(msg, "alb: ") {
			t.Errorf("add(%q) panicked with %q, want the prefix \"alb: \"", tt.pattern, msg)
		}
		for i, p := range probes {
			r, ok, tsr := tr.lookup(p, &ps)
			if got := (answer{r, ok, tsr, treeParamPairs(&ps)}); fmt.Sprint(got) != fmt.Sprint(before[i]) {
				t.Errorf("after the failed add(%q), lookup(%q) = %v, was %v", tt.pattern, p, got, before[i])
			}
		}
	}
}

// TestTreeAddAccepts lists route sets httprouter rejects and the tree
// accepts: static text, a parameter and a catch-all side by side.
func TestTreeAddAccepts(t *testing.T) {
	sets := [][]string{
		{"/users/:id", "/users/new"},
		{"/users/new", "/users/:id"},
		{"/files/*path", "/files/list", "/files/"},
		{"/files/", "/files/*path"},
		{"/", "/*path"},
		{"/*path", "/", "/static/x"},
		{"/src/:x", "/src/:x/y", "/src/a/b"},
		{"/user_:name", "/user_x", "/users"},
		{"/id:id", "/id/:id"},
		{"/x:a", "/x/*rest"},
		{"/:a/:b", "/:a/b", "/a/:b", "/a/b"},
		{"/a/:id/:id"},
		{"/qr/:code", "/qr/:code.png", "/qr/:code.jpg", "/qr/static.png", "/qr/:code.png/x", "/qr/:code/x"},
		{"/files/:base.:ext", "/files/:base.", "/files/:base.tar.gz", "/files/:base", "/files/list"},
		{"/f/:a-:b", "/f/:a.:b", "/f/:a.:b-:c.txt"},
	}
	for _, routes := range sets {
		tr := new(tree[string])
		for _, r := range routes {
			if p := addPanic(tr, r); p != nil {
				t.Errorf("add(%q) after %q panicked: %v", r, routes, p)
			}
		}
	}
	newTestTree(t, treeRoutes)
}

// TestTreePriority checks the order of the branches at one position: static
// before parameter, static before catch-all.
func TestTreePriority(t *testing.T) {
	tr := newTestTree(t, []string{
		"/:a/:b", "/:a/b", "/a/:b", "/a/b",
		"/s/x/y", "/s/*rest",
	})
	tests := []struct {
		path, route string
		ps          []treeParam
	}{
		{"/a/b", "/a/b", nil},
		{"/a/c", "/a/:b", []treeParam{{"b", "c"}}},
		{"/c/b", "/:a/b", []treeParam{{"a", "c"}}},
		{"/c/d", "/:a/:b", []treeParam{{"a", "c"}, {"b", "d"}}},
		{"/s/x/y", "/s/x/y", nil},
		{"/s/x/z", "/s/*rest", []treeParam{{"rest", "/x/z"}}},
		{"/s/x/w", "/s/*rest", []treeParam{{"rest", "/x/w"}}},
		{"/s/x", "/s/*rest", []treeParam{{"rest", "/x"}}},
		{"/s/", "/s/*rest", []treeParam{{"rest", "/"}}},
		{"/s/q/z/", "/s/*rest", []treeParam{{"rest", "/q/z/"}}},
	}
	var ps params
	for _, tt := range tests {
		route, ok, _ := tr.lookup(tt.path, &ps)
		if !ok || route != tt.route {
			t.Errorf("lookup(%q) = %q, %v; want %q", tt.path, route, ok, tt.route)
		} else if got := treeParamPairs(&ps); !equalTreeParams(got, tt.ps) {
			t.Errorf("lookup(%q) params = %q, want %q", tt.path, got, tt.ps)
		}
	}
}

// caseInsensitiveRoutes and caseInsensitiveTests are httprouter's
// TestTreeFindCaseInsensitivePath, then cases for escapes and for what
// httprouter does not have.
var caseInsensitiveRoutes = []string{
	"/hi",
	"/b/",
	"/ABC/",
	"/search/:query",
	"/cmd/:tool/",
	"/src/*filepath",
	"/x",
	"/x/y",
	"/y/",
	"/y/z",
	"/0/:id",
	"/0/:id/1",
	"/1/:id/",
	"/1/:id/2",
	"/aa",
	"/a/",
	"/doc",
	"/doc/go_faq.html",
	"/doc/go1.html",
	"/doc/go/away",
	"/no/a",
	"/no/b",
	"/Π",
	"/u/apfêl/",
	"/u/äpfêl/",
	"/u/öpfêl",
	"/v/Äpfêl/",
	"/v/Öpfêl",
	"/w/♬",  // 3 byte
	"/w/♭/", // 3 byte, last byte differs
	"/w/𠜎",  // 4 byte
	"/w/𠜏/", // 4 byte

	"/users/new",
	"/users/:id/posts",
	"/files/list",
	"/files/*path",
	"/k",
	"/café",
	"/100%",
	"/odd?#",
}

var caseInsensitiveTests = []struct {
	in    string
	out   string
	found bool
	slash bool // found only with fixTrailingSlash
}{
	{"/HI", "/hi", true, false},
	{"/HI/", "/hi", true, true},
	{"/B", "/b/", true, true},
	{"/B/", "/b/", true, false},
	{"/abc", "/ABC/", true, true},
	{"/abc/", "/ABC/", true, false},
	{"/aBc", "/ABC/", true, true},
	{"/aBc/", "/ABC/", true, false},
	{"/abC", "/ABC/", true, true},
	{"/abC/", "/ABC/", true, false},
	{"/SEARCH/QUERY", "/search/QUERY", true, false},
	{"/SEARCH/QUERY/", "/search/QUERY", true, true},
	{"/CMD/TOOL/", "/cmd/TOOL/", true, false},
	{"/CMD/TOOL", "/cmd/TOOL/", true, true},
	{"/SRC/FILE/PATH", "/src/FILE/PATH", true, false},
	{"/x/Y", "/x/y", true, false},
	{"/x/Y/", "/x/y", true, true},
	{"/X/y", "/x/y", true, false},
	{"/X/y/", "/x/y", true, true},
	{"/X/Y", "/x/y", true, false},
	{"/X/Y/", "/x/y", true, true},
	{"/Y/", "/y/", true, false},
	{"/Y", "/y/", true, true},
	{"/Y/z", "/y/z", true, false},
	{"/Y/z/", "/y/z", true, true},
	{"/Y/Z", "/y/z", true, false},
	{"/Y/Z/", "/y/z", true, true},
	{"/y/Z", "/y/z", true, false},
	{"/y/Z/", "/y/z", true, true},
	{"/Aa", "/aa", true, false},
	{"/Aa/", "/aa", true, true},
	{"/AA", "/aa", true, false},
	{"/AA/", "/aa", true, true},
	{"/aA", "/aa", true, false},
	{"/aA/", "/aa", true, true},
	{"/A/", "/a/", true, false},
	{"/A", "/a/", true, true},
	{"/DOC", "/doc", true, false},
	{"/DOC/", "/doc", true, true},
	{"/NO", "", false, true},
	{"/DOC/GO", "", false, true},
	{"/π", "/Π", true, false},
	{"/π/", "/Π", true, true},
	{"/u/ÄPFÊL/", "/u/äpfêl/", true, false},
	{"/u/ÄPFÊL", "/u/äpfêl/", true, true},
	{"/u/ÖPFÊL/", "/u/öpfêl", true, true},
	{"/u/ÖPFÊL", "/u/öpfêl", true, false},
	{"/v/äpfêL/", "/v/Äpfêl/", true, false},
	{"/v/äpfêL", "/v/Äpfêl/", true, true},
	{"/v/öpfêL/", "/v/Öpfêl", true, true},
	{"/v/öpfêL", "/v/Öpfêl", true, false},
	{"/w/♬/", "/w/♬", true, true},
	{"/w/♭", "/w/♭/", true, true},
	{"/w/𠜎/", "/w/𠜎", true, true},
	{"/w/𠜏", "/w/𠜏/", true, true},

	// Static text beside a parameter and a catch-all.
	{"/USERS/NEW", "/users/new", true, false},
	{"/USERS/NEW/POSTS", "/users/NEW/posts", true, false},
	{"/Users/42/Posts/", "/users/42/posts", true, true},
	{"/FILES/LIST", "/files/list", true, false},
	{"/FILES/LIST/X", "/files/LIST/X", true, false},
	{"/FILES/", "/files/", true, false},
	{"/FILES", "/files/", true, true},
	// Unicode folding beyond ToUpper and ToLower: KELVIN SIGN folds to k.
	{"/\u212a", "/k", true, false},
	{"/K", "/k", true, false},
	// Escapes are decoded in static text and kept in wildcard text.
	{"/CAF%C3%89", "/café", true, false},
	{"/caf%C3%A9/", "/café", true, true},
	{"/%55SERS/NEW", "/users/new", true, false},
	{"/USERS/A%2FB/POSTS", "/users/A%2FB/posts", true, false},
	{"/FILES/A%2Fb", "/files/A%2Fb", true, false},
	{"/USERS%2FNEW", "", false, false},
	{"/100%", "/100%25", true, false},
	{"/100%25", "/100%25", true, false},
	{"/ODD%3F%23", "/odd%3F%23", true, false},
	// Not UTF-8: the byte only matches itself.
	{"/\xff", "", false, false},
}

func TestTreeLookupCaseInsensitive(t *testing.T) {
	tr := newTestTree(t, caseInsensitiveRoutes)

	// Every route whose static text needs no escaping finds itself.
	for _, route := range caseInsensitiveRoutes {
		if strings.ContainsAny(route, "%?#") {
			continue
		}
		for _, fix := range []bool{true, false} {
			if out, found := tr.lookupCaseInsensitive(route, fix); !found || out != route {
				t.Errorf("lookupCaseInsensitive(%q, %v) = %q, %v; want the route itself", route, fix, out, found)
			}
		}
	}

	var ps params
	for _, tt := range caseInsensitiveTests {
		out, found := tr.lookupCaseInsensitive(tt.in, true)
		if found != tt.found || out != tt.out {
			t.Errorf("lookupCaseInsensitive(%q, true) = %q, %v; want %q, %v", tt.in, out, found, tt.out, tt.found)
			continue
		}
		if found {
			if _, ok, _ := tr.lookup(out, &ps); !ok {
				t.Errorf("lookupCaseInsensitive(%q, true) = %q, which lookup does not find", tt.in, out)
			}
		}
		out, found = tr.lookupCaseInsensitive(tt.in, false)
		if tt.slash {
			if found {
				t.Errorf("lookupCaseInsensitive(%q, false) = %q, true; want nothing (it needs a slash fix)", tt.in, out)
			}
		} else if found != tt.found || out != tt.out {
			t.Errorf("lookupCaseInsensitive(%q, false) = %q, %v; want %q, %v", tt.in, out, found, tt.out, tt.found)
		}
	}
}

// TestTreeCaseInsensitivePrefersExact checks that among routes that differ
// only in case the spelling of the path wins.
func TestTreeCaseInsensitivePrefersExact(t *testing.T) {
	tr := newTestTree(t, []string{"/ab", "/AB", "/aB"})
	for in, want := range map[string]string{"/ab": "/ab", "/AB": "/AB", "/aB": "/aB", "/Ab": "/AB", "/ab/": "/ab"} {
		if out, ok := tr.lookupCaseInsensitive(in, true); !ok || out != want {
			t.Errorf("lookupCaseInsensitive(%q) = %q, %v; want %q", in, out, ok, want)
		}
	}
}

// Route sets that httprouter accepts, for the differential test: those of
// its own tree tests, a GitHub-like API and catch-all routes.
var httprouterRouteSets = map[string][]string{
	"httprouter-add-and-get": {
		"/hi", "/contact", "/co", "/c", "/a", "/ab", "/doc/", "/doc/go_faq.html", "/doc/go1.html", "/α", "/β",
	},
	"httprouter-wildcard": {
		"/", "/cmd/:tool/:sub", "/cmd/:tool/", "/src/*filepath", "/search/", "/search/:query",
		"/user_:name", "/user_:name/about", "/files/:dir/*filepath", "/doc/", "/doc/go_faq.html",
		"/doc/go1.html", "/info/:user/public", "/info/:user/project/:project",
	},
	"httprouter-tsr": {
		"/hi", "/b/", "/search/:query", "/cmd/:tool/", "/src/*filepath", "/x", "/x/y", "/y/", "/y/z",
		"/0/:id", "/0/:id/1", "/1/:id/", "/1/:id/2", "/aa", "/a/", "/admin", "/admin/:category",
		"/admin/:category/:page", "/doc", "/doc/go_faq.html", "/doc/go1.html", "/no/a", "/no/b",
		"/api/hello/:name",
	},
	"httprouter-case-insensitive": caseInsensitiveRoutes[:32],
	"catch-all": {
		"/", "/static/*filepath", "/files/:dir/*filepath", "/a/b/*rest", "/x/:y/z/*w", "/doc", "/doc/x/",
		"/p:q", "/r/:s/", "/t/u/", "/t/v", "/con:tact", "/who/are/*you", "/who/foo/hello",
	},
	"github": githubRoutes,
}

// githubRoutes are the GET routes of the GitHub API, as in the common router
// benchmarks.
var githubRoutes = []string{
	"/authorizations", "/authorizations/:id", "/applications/:client_id/tokens/:access_token",
	"/events", "/repos/:owner/:repo/events", "/networks/:owner/:repo/events", "/orgs/:org/events",
	"/users/:user/received_events", "/users/:user/received_events/public", "/users/:user/events",
	"/users/:user/events/public", "/users/:user/events/orgs/:org", "/feeds", "/notifications",
	"/repos/:owner/:repo/notifications", "/notifications/threads/:id",
	"/notifications/threads/:id/subscription", "/repos/:owner/:repo/stargazers",
	"/users/:user/starred", "/user/starred", "/user/starred/:owner/:repo",
	"/repos/:owner/:repo/subscribers", "/users/:user/subscriptions", "/user/subscriptions",
	"/repos/:owner/:repo/subscription", "/user/subscriptions/:owner/:repo", "/users/:user/gists",
	"/gists", "/gists/:id", "/gists/:id/star", "/repos/:owner/:repo/git/blobs/:sha",
	"/repos/:owner/:repo/git/commits/:sha", "/repos/:owner/:repo/git/refs",
	"/repos/:owner/:repo/git/tags/:sha", "/repos/:owner/:repo/git/trees/:sha", "/issues",
	"/user/issues", "/orgs/:org/issues", "/repos/:owner/:repo/issues",
	"/repos/:owner/:repo/issues/:number", "/repos/:owner/:repo/assignees",
	"/repos/:owner/:repo/assignees/:assignee", "/repos/:owner/:repo/issues/:number/comments",
	"/repos/:owner/:repo/issues/:number/events", "/repos/:owner/:repo/labels",
	"/repos/:owner/:repo/labels/:name", "/repos/:owner/:repo/issues/:number/labels",
	"/repos/:owner/:repo/milestones/:number/labels", "/repos/:owner/:repo/milestones",
	"/repos/:owner/:repo/milestones/:number", "/emojis", "/gitignore/templates",
	"/gitignore/templates/:name", "/meta", "/rate_limit", "/users/:user/orgs", "/user/orgs",
	"/orgs/:org", "/orgs/:org/members", "/orgs/:org/members/:user", "/orgs/:org/public_members",
	"/orgs/:org/public_members/:user", "/orgs/:org/teams", "/teams/:id", "/teams/:id/members",
	"/teams/:id/members/:user", "/teams/:id/repos", "/teams/:id/repos/:owner/:repo", "/user/teams",
	"/repos/:owner/:repo/pulls", "/repos/:owner/:repo/pulls/:number",
	"/repos/:owner/:repo/pulls/:number/commits", "/repos/:owner/:repo/pulls/:number/files",
	"/repos/:owner/:repo/pulls/:number/merge", "/repos/:owner/:repo/pulls/:number/comments",
	"/user/repos", "/users/:user/repos", "/orgs/:org/repos", "/repositories", "/repos/:owner/:repo",
	"/repos/:owner/:repo/contributors", "/repos/:owner/:repo/languages", "/repos/:owner/:repo/teams",
	"/repos/:owner/:repo/tags", "/repos/:owner/:repo/branches", "/repos/:owner/:repo/branches/:branch",
	"/repos/:owner/:repo/collaborators", "/repos/:owner/:repo/collaborators/:user",
	"/repos/:owner/:repo/comments", "/repos/:owner/:repo/commits/:sha/comments",
	"/repos/:owner/:repo/comments/:id", "/repos/:owner/:repo/commits",
	"/repos/:owner/:repo/commits/:sha", "/repos/:owner/:repo/readme", "/repos/:owner/:repo/keys",
	"/repos/:owner/:repo/keys/:id", "/repos/:owner/:repo/downloads",
	"/repos/:owner/:repo/downloads/:id", "/repos/:owner/:repo/forks", "/repos/:owner/:repo/hooks",
	"/repos/:owner/:repo/hooks/:id", "/repos/:owner/:repo/releases",
	"/repos/:owner/:repo/releases/:id", "/repos/:owner/:repo/releases/:id/assets",
	"/repos/:owner/:repo/stats/contributors", "/repos/:owner/:repo/stats/commit_activity",
	"/repos/:owner/:repo/stats/code_frequency", "/repos/:owner/:repo/stats/participation",
	"/repos/:owner/:repo/stats/punch_card", "/repos/:owner/:repo/statuses/:ref",
	"/search/repositories", "/search/code", "/search/issues", "/search/users",
	"/legacy/issues/search/:owner/:repository/:state/:keyword", "/legacy/repos/search/:keyword",
	"/legacy/user/search/:keyword", "/legacy/user/email/:email", "/users/:user", "/user",
	"/users", "/user/emails", "/users/:user/followers", "/user/followers",
	"/users/:user/following", "/user/following", "/user/following/:user",
	"/users/:user/following/:target_user", "/users/:user/keys", "/user/keys", "/user/keys/:id",
}

// routerOracle is an httprouter.Router holding the same routes as a tree.
type routerOracle struct {
	router      *httprouter.Router
	matched     string // the pattern of the handle that ran last
	invalidUTF8 bool   // whether a route is not UTF-8
}

// newRouterOracle registers routes in an httprouter.Router. ok is false if
// httprouter rejects one of them.
func newRouterOracle(routes []string) (o *routerOracle, ok bool) {
	o = &routerOracle{router: httprouter.New()}
	defer func() {
		if recover() != nil {
			o, ok = nil, false
		}
	}()
	for _, r := range routes {
		o.router.Handle(http.MethodGet, r, func(http.ResponseWriter, *http.Request, httprouter.Params) { o.matched = r })
		o.invalidUTF8 = o.invalidUTF8 || !utf8.ValidString(r)
	}
	return o, true
}

// lookup is httprouter's answer for path: the pattern ("" if none), the
// parameters and the trailing-slash hint.
//
// httprouter v1.3.0 lets a parameter match an empty segment inside a path:
// "/users//events" matches "/users/:user/events" with user "" (but "/users/"
// does not match "/users/:user"). The tree keeps to the documented rule that
// a parameter matches a non-empty segment, so lookup counts such a match as
// none.
func (o *routerOracle) lookup(path string) (route string, ps []treeParam, tsr bool) {
	h, hps, tsr := o.router.Lookup(http.MethodGet, path)
	if h == nil {
		return "", nil, tsr
	}
	for _, p := range hps {
		if p.Value == "" {
			return "", nil, false
		}
		ps = append(ps, treeParam{p.Key, p.Value})
	}
	h(nil, nil, nil)
	return o.matched, ps, false
}

// toggleTrailingSlash is path with its trailing slash toggled the way a
// trailing-slash redirect toggles it.
func toggleTrailingSlash(path string) string {
	if l := len(path); l > 1 && path[l-1] == '/' {
		return path[:l-1]
	}
	return path + "/"
}

// compareTreeWithRouter checks the tree's answer for path against httprouter's.
//
// A path with escapes is compared with httprouter's answer for the decoded
// path (what httprouter sees behind net/http), unless it holds an encoded
// slash (which the tree keeps inside its segment and httprouter cannot) or
// an invalid escape.
//
// The trailing-slash hint must be the truth: whether httprouter finds a
// route for the toggled path. httprouter v1.3.0's own hint (the third result
// of Lookup) is wrong in some trees, so it is only reported (with -v), and
// counted in tsrDisagreements. Cases it gets wrong:
//
//   - routes "/a/b" and "/ac", path "/a/": httprouter hints at "/a", which
//     is not a route (its getValue says tsr whenever the rest of the path is
//     "/" at a node that does not match it); likewise "/x//" for the route
//     "/x/:y/z/*w";
//   - route "/files/:dir/*filepath", path "/files/v": httprouter gives no
//     hint, although "/files/v/" is a route (after a parameter it looks for
//     a "/" node and misses the catch-all);
//   - route "/repos/:owner/:repo" among the GitHub routes, path
//     "/repos/x/y/": no hint, although "/repos/x/y" is a route.
func compareTreeWithRouter(t *testing.T, tr *tree[string], o *routerOracle, path string, tsrDisagreements *int) {
	t.Helper()
	query := path
	if strings.Contains(path, "%") {
		if strings.Contains(strings.ToUpper(path), "%2F") {
			return
		}
		u, err := url.PathUnescape(path)
		if err != nil {
			return
		}
		query = u
	}
	var ps params
	got, ok, tsr := tr.lookup(path, &ps)
	want, wantPS, oracleTSR := o.lookup(query)
	if ok != (want != "") || got != want {
		t.Errorf("lookup(%q) = %q, %v; httprouter matches %q", path, got, ok, want)
		return
	}
	if gotPS := treeParamPairs(&ps); !equalTreeParams(gotPS, wantPS) {
		t.Errorf("lookup(%q) params = %q; httprouter has %q", path, gotPS, wantPS)
	}
	if ok {
		return
	}
	wantTSR := false
	if r, _, _ := o.lookup(toggleTrailingSlash(query)); r != "" {
		wantTSR = true
	}
	if tsr != wantTSR {
		t.Errorf("lookup(%q) tsr = %v; httprouter has a route for %q: %v", path, tsr, toggleTrailingSlash(query), wantTSR)
	}
	if oracleTSR != wantTSR && tsrDisagreements != nil {
		*tsrDisagreements++
		t.Logf("httprouter's tsr hint for %q is %v, but %q matching is %v", path, oracleTSR, toggleTrailingSlash(query), wantTSR)
	}
}

// compareFixedPathWithRouter checks lookupCaseInsensitive against the path
// httprouter redirects to with RedirectFixedPath, for a path without escapes
// that httprouter does not match.
//
// The trailing-slash fix is left out (RedirectTrailingSlash false): it
// inherits the gaps of httprouter's trailing-slash hint (see
// compareTreeWithRouter), such as "/REPOS/X/Y/" not being fixed to
// "/repos/X/Y" in the GitHub routes. The fix is checked by
// TestTreeLookupCaseInsensitive, and here by lookup finding its result.
//
// httprouter v1.3.0 also never finds a catch-all that follows a parameter
// ("/FILES/X/A" for "/files/:dir/*filepath"): at the empty static node
// between the two it reads no character. Where httprouter finds nothing,
// a fixed path from the tree is checked for what it must be: the path with
// only its case changed, and a path lookup matches.
func compareFixedPathWithRouter(t *testing.T, tr *tree[string], o *routerOracle, path string) {
	t.Helper()
	if strings.Contains(path, "%") || path == "" || path[0] != '/' {
		return
	}
	if h, _, _ := o.router.Lookup(http.MethodGet, path); h != nil {
		return
	}
	o.router.RedirectTrailingSlash = false
	o.router.RedirectFixedPath = true
	rec := httptest.NewRecorder()
	o.router.ServeHTTP(rec, &http.Request{Method: http.MethodGet, URL: &url.URL{Path: path}})
	want, wantFound := "", false
	if rec.Code == http.StatusMovedPermanently {
		loc, err := url.Parse(rec.Header().Get("Location"))
		if err != nil {
			t.Fatalf("httprouter redirected %q to %q: %v", path, rec.Header().Get("Location"), err)
		}
		want, wantFound = loc.Path, true
	}
	clean := httprouter.CleanPath(path)
	if r, _, _ := o.lookup(want); wantFound && (r == "" || !equalFoldUTF8(want, clean)) {
		// httprouter's fixed path is no answer if it only matches with an
		// empty parameter (see routerOracle.lookup), or if it is not the
		// path in another case: httprouter compares with strings.EqualFold,
		// for which all bytes that are not UTF-8 are equal (it fixes "/\x80"
		// to "/\x81" for the route "/\x81").
		want, wantFound = "", false
	}
	var ps params
	got, found := tr.lookupCaseInsensitive(clean, false)
	// The tree's fixed path is raw; httprouter's is decoded. The path has no
	// escapes, so the only ones in the fixed path are those of static text.
	//
	// Where routes differ only in case ("/user" and "/useR"), httprouter
	// prefers lower case at each character and the tree the case of the
	// path ("/USER" gives "/user" and "/useR"): any route spelled like the
	// path is a right answer then.
	switch decoded := unescapePath(got); {
	case found && (!wantFound || decoded != want && equalFoldUTF8(decoded, want)):
		if _, ok, _ := tr.lookup(got, &ps); !ok || !equalFoldUTF8(decoded, clean) {
			t.Errorf("lookupCaseInsensitive(%q, false) = %q, which is not a route spelled like the path", clean, got)
		}
	case wantFound && !found && o.invalidUTF8:
		// httprouter folds case byte by byte after the first byte of a
		// character, the tree character by character: with "/0a\xef:p",
		// httprouter fixes "/0A\xef\xbf\xbdV" to "/0a\xef\xbf\xbdV" (the
		// parameter taking the rest of the character U+FFFD), the tree finds
		// nothing. Only static text that is not UTF-8 can end inside a
		// character, and lookupCaseInsensitive documents the limit.
	case found != wantFound || decoded != want:
		t.Errorf("lookupCaseInsensitive(%q, false) = %q, %v; httprouter redirects to %q, %v", clean, got, found, want, wantFound)
	}
	if got, found := tr.lookupCaseInsensitive(clean, true); found {
		if _, ok, _ := tr.lookup(got, &ps); !ok {
			t.Errorf("lookupCaseInsensitive(%q, true) = %q, which lookup does not find", clean, got)
		}
	}
}

// equalFoldUTF8 is strings.EqualFold, except that a byte that is not UTF-8
// only equals itself (strings.EqualFold takes all of them for U+FFFD).
func equalFoldUTF8(a, b string) bool {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		badA, badB := ra == utf8.RuneError && na == 1, rb == utf8.RuneError && nb == 1
		switch {
		case badA || badB:
			if !badA || !badB || a[0] != b[0] {
				return false
			}
		case !strings.EqualFold(a[:na], b[:nb]):
			return false
		}
		a, b = a[na:], b[nb:]
	}
	return a == b
}

// instantiatePattern returns a path that pattern matches, with each parameter set
// to param and the catch-all to "/"+rest.
func instantiatePattern(pattern, param, rest string) string {
	var b strings.Builder
	for _, part := range parsePattern(pattern) {
		switch part.kind {
		case partStatic:
			b.WriteString(part.text)
		case partParam:
			b.WriteString(param)
		case partCatchAll:
			b.WriteString(rest)
		}
	}
	return b.String()
}

// pathMutations returns paths derived from path: with the trailing slash
// toggled, truncated, with segments added or replaced, with letters in
// upper case and with characters percent-encoded.
func pathMutations(rng *rand.Rand, path string, words []string) []string {
	out := []string{path, toggleTrailingSlash(path), path + "/x", path + "//", strings.ToUpper(path)}
	for range 3 {
		if len(path) > 0 {
			out = append(out, path[:rng.IntN(len(path))])
		}
	}
	segs := strings.Split(path, "/")
	for range 3 {
		s := append([]string(nil), segs...)
		s[rng.IntN(len(s))] = words[rng.IntN(len(words))]
		out = append(out, strings.Join(s, "/"))
	}
	var enc strings.Builder
	for i := 0; i < len(path); i++ {
		if c := path[i]; c != '/' && rng.IntN(3) == 0 {
			fmt.Fprintf(&enc, "%%%02X", c)
		} else {
			enc.WriteByte(c)
		}
	}
	return append(out, enc.String())
}

// patternWords are the static segments of routes, plus a few others, to
// build paths from.
func patternWords(routes []string) []string {
	words := []string{"", "x", "42", "new", "a.b", "ü"}
	for _, r := range routes {
		for _, s := range strings.Split(r, "/") {
			if s != "" && !strings.ContainsAny(s, ":*") {
				words = append(words, s)
			}
		}
	}
	return words
}

// TestTreeMatchesHTTPRouter is the differential test: the same routes in the
// tree and in httprouter must give the same answers for many paths.
func TestTreeMatchesHTTPRouter(t *testing.T) {
	for name, routes := range httprouterRouteSets {
		t.Run("routes="+name, func(t *testing.T) {
			o, ok := newRouterOracle(routes)
			if !ok {
				t.Fatal("httprouter rejects the routes")
			}
			tr := newTestTree(t, routes)
			rng := rand.New(rand.NewPCG(1, uint64(len(routes))))
			words := patternWords(routes)
			var paths []string
			for _, r := range routes {
				for _, v := range []string{"v", "42", "new", "a.b", "ünï", "x"} {
					for _, rest := range []string{"", "/", "/a", "/a/b/c", "/" + v} {
						paths = append(paths, pathMutations(rng, instantiatePattern(r, v, rest), words)...)
					}
				}
			}
			for range 2000 {
				var b strings.Builder
				for range 1 + rng.IntN(5) {
					b.WriteString("/" + words[rng.IntN(len(words))])
				}
				if rng.IntN(3) == 0 {
					b.WriteString("/")
				}
				paths = append(paths, b.String())
			}
			disagreements := 0
			for _, p := range paths {
				compareTreeWithRouter(t, tr, o, p, &disagreements)
				compareFixedPathWithRouter(t, tr, o, p)
			}
			t.Logf("%d paths; httprouter's own tsr hint was wrong for %d", len(paths), disagreements)
		})
	}
}

// FuzzTree registers a set of patterns, one a line, in the tree, in
// regexpOracle and, when none has static text after a parameter in its
// segment, in httprouter; when httprouter accepts them all, the tree must
// too. Their answers (lookup, trailing-slash hint and fixed path) must
// agree for the path and for paths built from the patterns.
func FuzzTree(f *testing.F) {
	f.Add("/users/:id\n/users/:id/posts\n/files/*path\n/", "/users/42/posts/")
	f.Add("/a/b\n/ac", "/a/")
	f.Add("/user_:name\n/user_:name/about\n/src/*filepath\n/search/", "/src")
	f.Add("/:a\n/:a/b/", "/x/b")
	f.Add("/doc/\n/doc/go_faq.html\n/doc/go1.html\n/α\n/β", "/DOC/GO1.HTML")
	f.Add("/cmd/:tool/:sub\n/cmd/:tool/\n/info/:user/project/:project", "/cmd/v%65t/a%2Fb")
	f.Add("/qr/:code\n/qr/:code.png\n/qr/:code.jpg\n/qr/static.png", "/qr/a.png.png")
	f.Add("/files/:base.:ext\n/files/:base.tar.gz\n/files/list", "/files/x.y.tar.gz")
	f.Add("/flights/:from-:to\n/d/:a.:b/", "/FLIGHTS/a-b-c")
	f.Fuzz(func(t *testing.T, patterns, path string) {
		lines := strings.Split(patterns, "\n")
		if len(lines) > 16 {
			lines = lines[:16]
		}

		// The tree must never panic on a lookup, whatever it holds.
		tr := new(tree[string])
		var accepted []string
		suffix := false
		for _, l := range lines {
			if addPanic(tr, l) == nil {
				accepted = append(accepted, l)
			}
			suffix = suffix || usesSuffix(l)
		}
		var ps params
		tr.lookup(path, &ps)
		tr.lookupCaseInsensitive(path, true)

		paths := []string{path, toggleTrailingSlash(path)}
		for _, l := range accepted {
			for _, p := range []string{instantiatePattern(l, "v", "/r"), instantiatePattern(l, "x", ""), instantiatePattern(l, "a.b-c", "")} {
				paths = append(paths, p, toggleTrailingSlash(p))
			}
		}
		o := newRegexpOracle(accepted)
		for _, p := range paths {
			compareTreeWithRegexp(t, tr, o, accepted, p)
			compareTreeWithRegexp(t, tr, o, accepted, strings.ToUpper(p))
		}

		if suffix {
			return
		}
		h, ok := newRouterOracle(lines)
		if !ok {
			return
		}
		if len(accepted) != len(lines) {
			t.Fatalf("httprouter accepts %q, the tree only %q", lines, accepted)
		}
		for _, p := range paths {
			compareTreeWithRouter(t, tr, h, p, nil)
			compareFixedPathWithRouter(t, tr, h, p)
			compareFixedPathWithRouter(t, tr, h, strings.ToUpper(p))
		}
	})
}

// rest50Routes is a 50-route REST API, with static text beside parameters.
var rest50Routes = func() []string {
	var routes []string
	for _, res := range []string{"users", "orders", "products", "invoices", "teams", "projects", "tickets", "reports", "webhooks", "sessions"} {
		routes = append(routes,
			"/v1/"+res,
			"/v1/"+res+"/new",
			"/v1/"+res+"/:id",
			"/v1/"+res+"/:id/events",
			"/v1/"+res+"/:id/events/:event",
		)
	}
	return routes
}()

// rest50Paths is one path for each route of rest50Routes.
var rest50Paths = func() []string {
	var paths []string
	for _, r := range rest50Routes {
		paths = append(paths, instantiatePattern(r, "8f14e45f", ""))
	}
	return paths
}()

func TestTreeRest50(t *testing.T) {
	if len(rest50Routes) != 50 {
		t.Fatalf("%d routes, want 50", len(rest50Routes))
	}
	tr := newTestTree(t, rest50Routes)
	var ps params
	for i, p := range rest50Paths {
		if r, ok, _ := tr.lookup(p, &ps); !ok || r != rest50Routes[i] {
			t.Errorf("lookup(%q) = %q, %v; want %q", p, r, ok, rest50Routes[i])
		}
		if testing.Short() || raceEnabled {
			continue
		}
		if n := testing.AllocsPerRun(100, func() { tr.lookup(p, &ps) }); n != 0 {
			t.Errorf("lookup(%q): %v allocations, want 0", p, n)
		}
	}
}

func BenchmarkTreeLookup(b *testing.B) {
	tr := newTestTree(b, treeRoutes)
	cases := []struct{ name, path string }{
		{"static", "/doc/go1.html"},
		{"param", "/users/42/posts/7"},
		{"catchall", "/src/js/inc/app.js"},
	}
	for _, c := range cases {
		b.Run("case="+c.name, func(b *testing.B) {
			var ps params
			if _, ok, _ := tr.lookup(c.path, &ps); !ok {
				b.Fatalf("lookup(%q) found nothing", c.path)
			}
			b.ReportAllocs()
			for b.Loop() {
				tr.lookup(c.path, &ps)
			}
		})
	}
	b.Run("case=suffix", func(b *testing.B) {
		tr := newTestTree(b, suffixRoutes)
		var ps params
		if r, _, _ := tr.lookup("/files/x.y.tar.gz", &ps); r != "/files/:base.:ext" {
			b.Fatalf("lookup found %q", r)
		}
		b.ReportAllocs()
		for b.Loop() {
			tr.lookup("/files/x.y.tar.gz", &ps)
		}
	})
	b.Run("case=rest50", func(b *testing.B) {
		tr := newTestTree(b, rest50Routes)
		var ps params
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			tr.lookup(rest50Paths[i], &ps)
			if i++; i == len(rest50Paths) {
				i = 0
			}
		}
	})
}

// suffixRoutes use static text after a parameter inside its segment.
var suffixRoutes = []string{
	"/qr/:code",
	"/qr/:code.png",
	"/qr/:code.jpg",
	"/qr/static.png",
	"/qr/:code.png/info",
	"/v1/:name.json",
	"/files/:base.:ext",
	"/files/:base.tar.gz",
	"/files/list",
	"/flights/:from-:to",
	"/d/:a.:b/",
	"/img_:id@2x.png",
}

// suffixLookupTests are lookups in suffixRoutes, as treeLookupTests.
var suffixLookupTests = []treeLookupTest{
	{"/qr/abc.png", "/qr/:code.png", []treeParam{{"code", "abc"}}, false},
	{"/qr/abc", "/qr/:code", []treeParam{{"code", "abc"}}, false},
	{"/qr/abc.jpg", "/qr/:code.jpg", []treeParam{{"code", "abc"}}, false},
	{"/qr/abc.gif", "/qr/:code", []treeParam{{"code", "abc.gif"}}, false},
	{"/qr/static.png", "/qr/static.png", nil, false},
	{"/qr/static.jpg", "/qr/:code.jpg", []treeParam{{"code", "static"}}, false},
	{"/qr/static", "/qr/:code", []treeParam{{"code", "static"}}, false},
	{"/qr/.png", "/qr/:code", []treeParam{{"code", ".png"}}, false},
	{"/qr/a.png.png", "/qr/:code.png", []treeParam{{"code", "a.png"}}, false},
	{"/qr/a.png.jpg", "/qr/:code.jpg", []treeParam{{"code", "a.png"}}, false},
	{"/qr/a.PNG", "/qr/:code", []treeParam{{"code", "a.PNG"}}, false},
	{"/qr/abc.png/info", "/qr/:code.png/info", []treeParam{{"code", "abc"}}, false},
	{"/qr/abc.png/", "", nil, true},
	{"/qr/abc/", "", nil, true},
	{"/qr/abc.png/info/", "", nil, true},
	{"/qr/abc/info", "", nil, false},
	{"/qr/abc%2Epng", "/qr/:code.png", []treeParam{{"code", "abc"}}, false},
	{"/qr/abc%2epng", "/qr/:code.png", []treeParam{{"code", "abc"}}, false},
	{"/qr/abc.p%6Eg", "/qr/:code.png", []treeParam{{"code", "abc"}}, false},
	{"/qr/a%2Fb.png", "/qr/:code.png", []treeParam{{"code", "a/b"}}, false},
	{"/qr/a.png%2F", "/qr/:code", []treeParam{{"code", "a.png/"}}, false},
	{"/qr/%2E.png", "/qr/:code.png", []treeParam{{"code", "."}}, false},
	{"/qr/%2Epng", "/qr/:code", []treeParam{{"code", ".png"}}, false},
	{"/qr/%zz.png", "/qr/:code.png", []treeParam{{"code", "%zz"}}, false},
	{"/qr/a.png%", "/qr/:code", []treeParam{{"code", "a.png%"}}, false},

	{"/v1/report.json", "/v1/:name.json", []treeParam{{"name", "report"}}, false},
	{"/v1/report", "", nil, false},
	{"/v1/.json", "", nil, false},
	{"/v1/a.json.json", "/v1/:name.json", []treeParam{{"name", "a.json"}}, false},
	{"/v1/report.json/", "", nil, true},

	{"/files/a.tar.gz", "/files/:base.tar.gz", []treeParam{{"base", "a"}}, false},
	{"/files/a.txt", "/files/:base.:ext", []treeParam{{"base", "a"}, {"ext", "txt"}}, false},
	{"/files/x.y.tar.gz", "/files/:base.:ext", []treeParam{{"base", "x"}, {"ext", "y.tar.gz"}}, false},
	{"/files/list", "/files/list", nil, false},
	{"/files/list.txt", "/files/:base.:ext", []treeParam{{"base", "list"}, {"ext", "txt"}}, false},
	{"/files/a", "", nil, false},
	{"/files/a.", "", nil, false},
	{"/files/.a", "", nil, false},
	{"/files/..a", "/files/:base.:ext", []treeParam{{"base", "."}, {"ext", "a"}}, false},
	{"/files/a%2Etar.gz", "/files/:base.tar.gz", []treeParam{{"base", "a"}}, false},
	{"/files/a%2Eb", "/files/:base.:ext", []treeParam{{"base", "a"}, {"ext", "b"}}, false},
	{"/files/a%2F.b", "/files/:base.:ext", []treeParam{{"base", "a/"}, {"ext", "b"}}, false},
	{"/files/a.txt/", "", nil, true},

	{"/flights/LAX-SFO", "/flights/:from-:to", []treeParam{{"from", "LAX"}, {"to", "SFO"}}, false},
	{"/flights/a-b-c", "/flights/:from-:to", []treeParam{{"from", "a"}, {"to", "b-c"}}, false},
	{"/flights/--a", "/flights/:from-:to", []treeParam{{"from", "-"}, {"to", "a"}}, false},
	{"/flights/-a", "", nil, false},
	{"/flights/a-", "", nil, false},

	{"/d/a.b/", "/d/:a.:b/", []treeParam{{"a", "a"}, {"b", "b"}}, false},
	{"/d/a.b", "", nil, true},
	{"/d/a/", "", nil, false},

	{"/img_7@2x.png", "/img_:id@2x.png", []treeParam{{"id", "7"}}, false},
	{"/img_@2x.png", "", nil, false},
	{"/img_7.png", "", nil, false},
}

func TestTreeSuffixLookup(t *testing.T) {
	checkTreeLookups(t, newTestTree(t, suffixRoutes), suffixLookupTests)
}

// TestTreeSuffixRegistrationOrder checks that the answers do not depend on
// the order the routes were added in.
func TestTreeSuffixRegistrationOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	want := newTestTree(t, suffixRoutes)
	for range 20 {
		routes := append([]string(nil), suffixRoutes...)
		rng.Shuffle(len(routes), func(i, j int) { routes[i], routes[j] = routes[j], routes[i] })
		tr := newTestTree(t, routes)
		var ps, wps params
		for _, tt := range suffixLookupTests {
			r, ok, tsr := tr.lookup(tt.path, &ps)
			wr, wok, wtsr := want.lookup(tt.path, &wps)
			if r != wr || ok != wok || tsr != wtsr || !equalTreeParams(treeParamPairs(&ps), treeParamPairs(&wps)) {
				t.Fatalf("routes added as %q: lookup(%q) = %q, %v, %v; added as suffixRoutes: %q, %v, %v", routes, tt.path, r, ok, tsr, wr, wok, wtsr)
			}
		}
	}
}

func TestTreeSuffixCaseInsensitive(t *testing.T) {
	tr := newTestTree(t, suffixRoutes)
	tests := []struct {
		in, out string
		found   bool
	}{
		{"/QR/abc.PNG", "/qr/abc.png", true},
		{"/QR/abc.Png/INFO", "/qr/abc.png/info", true},
		{"/QR/ABC/", "/qr/ABC", true},
		{"/qr/abc.PNG/", "/qr/abc.png", true},
		{"/V1/Report.JSON", "/v1/Report.json", true},
		{"/v1/a.JSON.JSON", "/v1/a.JSON.json", true},
		{"/V1/Report", "", false},
		{"/FILES/A.TAR.GZ", "/files/A.tar.gz", true},
		{"/Files/x.Y.Tar.Gz", "/files/x.Y.Tar.Gz", true},
		{"/FLIGHTS/lax-sfo", "/flights/lax-sfo", true},
		{"/D/A.B", "/d/A.B/", true},
		{"/IMG_7@2X.PNG", "/img_7@2x.png", true},
		{"/img_7%402X%2EPNG", "/img_7@2x.png", true},
		{"/QR/STATIC.PNG", "/qr/static.png", true},
	}
	var ps params
	for _, tt := range tests {
		out, found := tr.lookupCaseInsensitive(tt.in, true)
		if found != tt.found || out != tt.out {
			t.Errorf("lookupCaseInsensitive(%q, true) = %q, %v; want %q, %v", tt.in, out, found, tt.out, tt.found)
			continue
		}
		if found {
			if _, ok, _ := tr.lookup(out, &ps); !ok {
				t.Errorf("lookupCaseInsensitive(%q, true) = %q, which lookup does not find", tt.in, out)
			}
		}
	}
}

func TestTreeSuffixLookupAllocs(t *testing.T) {
	checkTreeLookupAllocs(t, suffixRoutes, suffixLookupTests,
		// A decoded value costs its one string; an escape in static text
		// nothing.
		map[string]float64{"/qr/abc%2Epng": 0, "/files/a%2Etar.gz": 0, "/qr/a%2Fb.png": 1, "/qr/%2E.png": 1, "/files/a%2F.b": 1})
}

// regexpOracle matches a path against each route on its own with a regular
// expression, independently of the tree, and picks the winner by the
// documented priority.
//
// It works on the path's units: a valid escape is one unit (the byte it
// encodes, or encodedSlash for "%2F"), every other byte one unit. A unit is
// written as the rune of the same value, so static text (every byte of it a
// rune below 256) matches an escape the way the tree's does, and never
// "%2F". In each segment a parameter is "([^/]+?)", so it takes the shortest
// value with which the route matches; a catch-all is "(/.*)".
type regexpOracle struct {
	routes []regexpRoute
}

type regexpRoute struct {
	pattern  string
	re, fold *regexp.Regexp
	names    []string
	catchAll bool // the last group is a catch-all
}

// encodedSlash is the unit of "%2F": no static text holds it.
const encodedSlash = 0x100

func newRegexpOracle(patterns []string) *regexpOracle {
	o := new(regexpOracle)
	for _, p := range patterns {
		var b strings.Builder
		r := regexpRoute{pattern: p}
		for _, part := range parsePattern(p) {
			switch part.kind {
			case partStatic:
				b.WriteString(regexp.QuoteMeta(latin1(part.text)))
			case partParam:
				b.WriteString("([^/]+?)")
				r.names = append(r.names, part.text)
			case partCatchAll:
				// The catch-all takes the '/' before it.
				expr := b.String()
				b.Reset()
				b.WriteString(strings.TrimSuffix(expr, "/"))
				b.WriteString("(/.*)")
				r.names = append(r.names, part.text)
				r.catchAll = true
			}
		}
		r.re = regexp.MustCompile("(?s)^" + b.String() + "$")
		r.fold = regexp.MustCompile("(?si)^" + b.String() + "$")
		o.routes = append(o.routes, r)
	}
	return o
}

// latin1 returns s with each byte as the rune of the same value.
func latin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// pathUnits returns the units of raw as a string, and for each byte offset
// of that string where a unit starts, the offset of the unit in raw.
func pathUnits(raw string) (units string, rawAt []int) {
	var b strings.Builder
	for i := 0; i < len(raw); {
		r, size := rune(raw[i]), 1
		if c, ok := unescapeAt(raw, i); ok {
			r, size = rune(c), 3
			if c == '/' {
				r = encodedSlash
			}
		}
		for len(rawAt) <= b.Len() {
			rawAt = append(rawAt, i)
		}
		b.WriteRune(r)
		i += size
	}
	for len(rawAt) <= b.Len() {
		rawAt = append(rawAt, len(raw))
	}
	return b.String(), rawAt
}

// regexpMatch is one route's match: its parameters, raw, and the kind of
// each byte of the units (0 static, 1 parameter, 2 catch-all).
type regexpMatch struct {
	route  *regexpRoute
	ps     []treeParam
	labels []byte
}

// lookup returns the winning match for raw, or nil: of the routes that
// match, the one that reads static text at the first unit where their
// readings differ, a parameter before a catch-all; at equal readings the
// route without a catch-all ("/files/" before "/files/*path").
func (o *regexpOracle) lookup(raw string) *regexpMatch {
	units, rawAt := pathUnits(raw)
	var best *regexpMatch
	for i := range o.routes {
		r := &o.routes[i]
		loc := r.re.FindStringSubmatchIndex(units)
		if loc == nil {
			continue
		}
		m := &regexpMatch{route: r, labels: make([]byte, len(units))}
		for g, name := range r.names {
			start, end := loc[2+2*g], loc[3+2*g]
			m.ps = append(m.ps, treeParam{name, unescapePath(raw[rawAt[start]:rawAt[end]])})
			kind := byte(1)
			if r.catchAll && g == len(r.names)-1 {
				kind, start = 2, start+1
			}
			for j := start; j < end; j++ {
				m.labels[j] = kind
			}
		}
		if best == nil {
			best = m
			continue
		}
		switch c := bytes.Compare(m.labels, best.labels); {
		case c < 0, c == 0 && best.route.catchAll && !r.catchAll:
			best = m
		}
	}
	return best
}

// matchesFold reports whether some route matches raw ignoring case. It is
// meaningful only for ASCII routes and paths.
func (o *regexpOracle) matchesFold(raw string) bool {
	units, _ := pathUnits(raw)
	for _, r := range o.routes {
		if r.fold.MatchString(units) {
			return true
		}
	}
	return false
}

// isASCII reports whether s and what its escapes encode are ASCII.
func isASCII(s string) bool {
	units, _ := pathUnits(s)
	for _, r := range units {
		if r >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// compareTreeWithRegexp checks the tree's answers for path against the
// oracle's: the route, its parameters and the trailing-slash hint of
// lookup, and for ASCII routes and paths whether lookupCaseInsensitive
// finds a route, and that lookup then matches what it returns.
func compareTreeWithRegexp(t *testing.T, tr *tree[string], o *regexpOracle, patterns []string, path string) {
	t.Helper()
	var ps params
	route, ok, tsr := tr.lookup(path, &ps)
	got := treeParamPairs(&ps)
	m := o.lookup(path)
	switch {
	case m == nil && ok:
		t.Fatalf("routes %q: lookup(%q) = %q %q; the oracle finds no route", patterns, path, route, got)
	case m != nil && (!ok || route != m.route.pattern || !equalTreeParams(got, m.ps)):
		t.Fatalf("routes %q: lookup(%q) = %q %q, %v; the oracle finds %q %q", patterns, path, route, got, ok, m.route.pattern, m.ps)
	case m == nil && tsr != (o.lookup(toggleTrailingSlash(path)) != nil):
		t.Fatalf("routes %q: lookup(%q) tsr = %v; the oracle says %v for %q", patterns, path, tsr, !tsr, toggleTrailingSlash(path))
	}

	for _, fix := range []bool{false, true} {
		fixed, found := tr.lookupCaseInsensitive(path, fix)
		if found {
			if _, ok, _ := tr.lookup(fixed, &ps); !ok {
				t.Fatalf("routes %q: lookupCaseInsensitive(%q, %v) = %q, which lookup does not find", patterns, path, fix, fixed)
			}
		}
		if !isASCII(path) || !isASCII(strings.Join(patterns, "")) {
			continue
		}
		want := o.matchesFold(path) || fix && o.matchesFold(toggleTrailingSlash(path))
		if found != want {
			t.Fatalf("routes %q: lookupCaseInsensitive(%q, %v) = %q, %v; the oracle says %v", patterns, path, fix, fixed, found, want)
		}
		fu, _ := pathUnits(fixed)
		pu, _ := pathUnits(path)
		if found && !fix && !strings.EqualFold(fu, pu) {
			t.Fatalf("routes %q: lookupCaseInsensitive(%q, %v) = %q, which differs in more than case", patterns, path, fix, fixed)
		}
	}
}

// usesSuffix reports whether pattern has static text after a parameter in
// its segment, which httprouter reads as part of the parameter's name.
// A malformed pattern has none.
func usesSuffix(pattern string) (uses bool) {
	defer func() {
		if recover() != nil {
			uses = false
		}
	}()
	parts := parsePattern(pattern)
	for i := 1; i < len(parts); i++ {
		if parts[i-1].kind == partParam && parts[i].kind == partStatic && parts[i].text[0] != '/' {
			return true
		}
	}
	return false
}

// randomSuffixRoutes returns a random route set for the differential test,
// built from segments with static text, parameters (also several in one
// segment), static text after parameters and catch-alls. A parameter's name
// depends on its position only, so that names seldom conflict.
func randomSuffixRoutes(rng *rand.Rand) []string {
	segments := []string{
		"a", "b", "qr", "x.y", "static.png", "a-b.txt", "list",
		":P", ":P.png", ":P.jpg", ":P.", ":P.:Q", ":P-:Q", ":P.:Q.gz", ":P.tar.gz", "v:P",
		"v:P.json", ":P@2x.png", ":P-:Q.txt", ":P.:Q-:R", ":P..:Q", ":Pa.b",
	}
	var routes []string
	seen := map[string]bool{}
	for range 2 + rng.IntN(10) {
		var b strings.Builder
		depth := 1 + rng.IntN(3)
		for d := range depth {
			b.WriteString("/")
			s := segments[rng.IntN(len(segments))]
			n := fmt.Sprint(d)
			s = strings.NewReplacer(":P", ":p"+n, ":Q", ":q"+n, ":R", ":r"+n).Replace(s)
			b.WriteString(s)
		}
		switch rng.IntN(6) {
		case 0:
			b.WriteString("/")
		case 1:
			b.WriteString("/*rest")
		}
		if r := b.String(); !seen[r] {
			seen[r] = true
			routes = append(routes, r)
		}
	}
	return routes
}

// suffixPathWords are path segments for the differential test, chosen to
// hit static texts that follow parameters, their escapes and their case.
var suffixPathWords = []string{
	"a", "b", "qr", "x.y", "static.png", "a-b.txt", "list", "v", "42", "a.png", "a.png.png", "b.jpg",
	"a.", ".png", "x.tar.gz", "a.b.gz", "a-b", "a-b-c", "-", "--", "a.b-c", "vx.json", "v.json", "7@2x.png",
	"a..b", "a...b", "xa.b", "a%2Epng", "a%2Fb.png", "a.PNG", "A.Tar.Gz", "a%2E", "%2E%2E", "a.b%2Fc", "%zz.png",
}

// TestTreeMatchesRegexpOracle is the differential test for what httprouter
// does not have: random route sets with static text after parameters, and
// the routes of the other tests, against regexpOracle.
func TestTreeMatchesRegexpOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	sets := [][]string{suffixRoutes, treeRoutes, caseInsensitiveRoutes, httprouterRouteSets["catch-all"]}
	n := 200
	if testing.Short() {
		n = 30
	}
	for range n {
		sets = append(sets, randomSuffixRoutes(rng))
	}
	paths, rejected := 0, 0
	for _, candidates := range sets {
		tr := new(tree[string])
		var routes []string
		for _, r := range candidates {
			if p := addPanic(tr, r); p != nil {
				if msg := fmt.Sprint(p); !strings.Contains(msg, "conflicts with") {
					t.Fatalf("add(%q) after %q: %v", r, routes, msg)
				}
				rejected++
				continue
			}
			routes = append(routes, r)
		}
		o := newRegexpOracle(routes)
		words := append(patternWords(routes), suffixPathWords...)
		var ps []string
		for _, r := range routes {
			for range 3 {
				var vals [3]string
				for i := range vals {
					vals[i] = suffixPathWords[rng.IntN(len(suffixPathWords))]
				}
				p := instantiatePattern(r, vals[rng.IntN(3)], "/"+vals[rng.IntN(3)])
				ps = append(ps, pathMutations(rng, p, words)...)
			}
		}
		for range 100 {
			var b strings.Builder
			for range 1 + rng.IntN(4) {
				b.WriteString("/" + words[rng.IntN(len(words))])
			}
			if rng.IntN(3) == 0 {
				b.WriteString("/")
			}
			ps = append(ps, b.String())
		}
		for _, p := range ps {
			compareTreeWithRegexp(t, tr, o, routes, p)
		}
		paths += len(ps)
	}
	t.Logf("%d route sets, %d paths; %d conflicting routes left out", len(sets), paths, rejected)
}

// TestTreeDocTable checks the rows of the route-syntax table in doc.go, each
// in a tree that holds only its pattern. A row that says "redirected" is a
// miss whose trailing-slash hint or case-insensitive lookup finds the path.
func TestTreeDocTable(t *testing.T) {
	tests := []struct {
		pattern, path string
		ps            []treeParam // nil: no match
		redirect      string
	}{
		{"/users", "/users", []treeParam{}, ""},
		{"/users", "/users/", nil, "/users"},
		{"/users/:id", "/users/42", []treeParam{{"id", "42"}}, ""},
		{"/users/:id", "/users/", nil, ""},
		{"/users/:id", "/users/42/orders", nil, ""},
		{"/users/:id", "/users/a%2Fb", []treeParam{{"id", "a/b"}}, ""},
		{"/café", "/caf%C3%A9", []treeParam{}, ""},
		{"/files/*path", "/files/", []treeParam{{"path", "/"}}, ""},
		{"/files/*path", "/files/a/b.txt", []treeParam{{"path", "/a/b.txt"}}, ""},
		{"/files/*path", "/files", nil, "/files/"},
		{"/qr/:code.png", "/qr/abc.png", []treeParam{{"code", "abc"}}, ""},
		{"/qr/:code.png", "/qr/abc", nil, ""},
		{"/qr/:code.png", "/qr/.png", nil, ""},
		{"/qr/:code.png", "/qr/a.png.png", []treeParam{{"code", "a.png"}}, ""},
		{"/qr/:code.png", "/qr/abc%2Epng", []treeParam{{"code", "abc"}}, ""},
		{"/qr/:code.png", "/qr/abc.PNG", nil, "/qr/abc.png"},
		{"/v1/:name.json", "/v1/report.json/", nil, "/v1/report.json"},
		{"/files/:base.:ext", "/files/a.tar.gz", []treeParam{{"base", "a"}, {"ext", "tar.gz"}}, ""},
		{"/files/:base.:ext", "/files/a%2F.b", []treeParam{{"base", "a/"}, {"ext", "b"}}, ""},
		{"/files/:base.:ext", "/files/a.", nil, ""},
		{"/flights/:from-:to", "/flights/LAX-SFO", []treeParam{{"from", "LAX"}, {"to", "SFO"}}, ""},
	}
	var ps params
	for _, tt := range tests {
		tr := newTestTree(t, []string{tt.pattern})
		_, ok, _ := tr.lookup(tt.path, &ps)
		if ok != (tt.ps != nil) || ok && !equalTreeParams(treeParamPairs(&ps), tt.ps) {
			t.Errorf("%s on %s: lookup = %v %q, want %v %q", tt.pattern, tt.path, ok, treeParamPairs(&ps), tt.ps != nil, tt.ps)
		}
		if ok {
			continue
		}
		fixed, found := tr.lookupCaseInsensitive(tt.path, true)
		if found != (tt.redirect != "") || fixed != tt.redirect {
			t.Errorf("%s on %s: lookupCaseInsensitive = %q, %v; want %q", tt.pattern, tt.path, fixed, found, tt.redirect)
		}
	}

	// The examples of priority.
	tr := newTestTree(t, []string{"/qr/static.png", "/qr/:code.png", "/qr/:code.jpg", "/qr/:code", "/files/:base.:ext", "/files/:base.tar.gz"})
	for path, want := range map[string]string{
		"/qr/static.png":    "/qr/static.png",
		"/qr/a.png":         "/qr/:code.png",
		"/qr/a.gif":         "/qr/:code",
		"/files/a.tar.gz":   "/files/:base.tar.gz",
		"/files/x.y.tar.gz": "/files/:base.:ext",
	} {
		if r, _, _ := tr.lookup(path, &ps); r != want {
			t.Errorf("lookup(%q) = %q, want %q", path, r, want)
		}
	}
}
