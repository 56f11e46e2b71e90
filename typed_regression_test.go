package alb_test

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
)

// eventModes runs f with a single-value and a multi-value event.
func eventModes(t *testing.T, f func(t *testing.T, opts ...albtest.Option)) {
	t.Run("single", func(t *testing.T) { f(t) })
	t.Run("multi", func(t *testing.T) { f(t, albtest.WithMultiValue()) })
}

// onePtrHeader and onePtrBody have exactly one pointer-shaped field: an
// interface holding one stores it in its data word itself.
type onePtrHeader struct {
	Loc *string `header:"Location" json:"-"`
}

type onePtrThing struct {
	Name string `json:"name"`
}

type onePtrBody struct {
	Body *onePtrThing
}

func TestTypedOutputOnePointerField(t *testing.T) {
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "GET", Path: "/header"},
		func(c *alb.Context, in *struct{}) (onePtrHeader, error) {
			s := "/somewhere"
			return onePtrHeader{Loc: &s}, nil
		})
	alb.Register(r, alb.Operation{Method: "GET", Path: "/header-nil"},
		func(c *alb.Context, in *struct{}) (onePtrHeader, error) { return onePtrHeader{}, nil })
	alb.Register(r, alb.Operation{Method: "GET", Path: "/body"},
		func(c *alb.Context, in *struct{}) (onePtrBody, error) {
			return onePtrBody{Body: &onePtrThing{Name: "hello"}}, nil
		})
	alb.Register(r, alb.Operation{Method: "GET", Path: "/body-nil"},
		func(c *alb.Context, in *struct{}) (onePtrBody, error) { return onePtrBody{}, nil })
	alb.Register(r, alb.Operation{Method: "GET", Path: "/ptr"},
		func(c *alb.Context, in *struct{}) (*onePtrBody, error) {
			return &onePtrBody{Body: &onePtrThing{Name: "p"}}, nil
		})
	eventModes(t, func(t *testing.T, opts ...albtest.Option) {
		resp := albtest.Do(t, r, albtest.NewRequest("GET", "/header", opts...))
		if resp.Status != 200 || resp.Header.Get("Location") != "/somewhere" {
			t.Errorf("header: %d Location %q", resp.Status, resp.Header.Get("Location"))
		}
		resp = albtest.Do(t, r, albtest.NewRequest("GET", "/header-nil", opts...))
		if resp.Status != 200 || resp.Header.Get("Location") != "" {
			t.Errorf("nil header: %d Location %q", resp.Status, resp.Header.Get("Location"))
		}
		resp = albtest.Do(t, r, albtest.NewRequest("GET", "/body", opts...))
		if resp.Status != 200 || string(resp.Body) != `{"name":"hello"}` {
			t.Errorf("body: %d %q", resp.Status, resp.Body)
		}
		resp = albtest.Do(t, r, albtest.NewRequest("GET", "/body-nil", opts...))
		if resp.Status != 200 || string(resp.Body) != `null` {
			t.Errorf("nil body: %d %q", resp.Status, resp.Body)
		}
		resp = albtest.Do(t, r, albtest.NewRequest("GET", "/ptr", opts...))
		if resp.Status != 200 || string(resp.Body) != `{"name":"p"}` {
			t.Errorf("pointer output: %d %q", resp.Status, resp.Body)
		}
	})
}

type uniqueCapped struct {
	Body struct {
		Tags []string `json:"tags" maxItems:"10" uniqueItems:"true"`
	}
}

// TestValidateUniqueItemsSkippedPastMaxItems checks that a list already
// refused by maxItems is not searched for duplicates.
func TestValidateUniqueItemsSkippedPastMaxItems(t *testing.T) {
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "POST", Path: "/u"},
		func(c *alb.Context, in *uniqueCapped) (string, error) { return "ok", nil })
	body := `{"tags":["a","a"` + strings.Repeat(`,"b"`, 20) + `]}`
	resp := albtest.Do(t, r, albtest.NewRequest("POST", "/u", albtest.WithBody("application/json", []byte(body))))
	if resp.Status != 422 || !strings.Contains(string(resp.Body), "at most 10 items") ||
		strings.Contains(string(resp.Body), "same item") {
		t.Errorf("%d %s", resp.Status, resp.Body)
	}
	body = `{"tags":["a","b","a"]}`
	resp = albtest.Do(t, r, albtest.NewRequest("POST", "/u", albtest.WithBody("application/json", []byte(body))))
	if resp.Status != 422 || !strings.Contains(string(resp.Body), "same item twice") {
		t.Errorf("%d %s", resp.Status, resp.Body)
	}
}

type manyItem struct {
	Name string `json:"name" minLength:"1"`
	Size int    `json:"size,omitempty" minimum:"1"`
}

type manyItems struct {
	Body struct {
		Items []manyItem `json:"items"`
	}
}

// TestProblemErrorsCapped checks that a body breaking thousands of rules
// is answered with a bounded 422: the first 100 errors and a count.
func TestProblemErrorsCapped(t *testing.T) {
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "POST", Path: "/m"},
		func(c *alb.Context, in *manyItems) (string, error) { return "ok", nil })
	const n = 5000
	body := `{"items":[` + strings.Repeat(`{"size":-1},`, n-1) + `{"size":-1}]}`
	resp := albtest.Do(t, r, albtest.NewRequest("POST", "/m", albtest.WithBody("application/json", []byte(body))))
	var p alb.Problem
	if err := json.Unmarshal(resp.Body, &p); err != nil {
		t.Fatalf("%d %s: %v", resp.Status, resp.Body, err)
	}
	if resp.Status != 422 || len(p.Errors) != 100 || !strings.Contains(p.Detail, "100 of 10000 errors") {
		t.Fatalf("%d, %d errors, detail %q", resp.Status, len(p.Errors), p.Detail)
	}
	if p.Errors[0].Location != "body.items[0].size" || p.Errors[1].Location != "body.items[1].size" {
		t.Errorf("first errors: %+v", p.Errors[:2])
	}
	// A missing required member hides its other errors, at any count.
	body = `{"items":[` + strings.Repeat(`{"size":1},`, n-1) + `{"size":1}]}`
	resp = albtest.Do(t, r, albtest.NewRequest("POST", "/m", albtest.WithBody("application/json", []byte(body))))
	p = alb.Problem{}
	_ = json.Unmarshal(resp.Body, &p)
	if resp.Status != 422 || len(p.Errors) != 100 || p.Errors[0].Message != "is required" ||
		!strings.Contains(p.Detail, "100 of 5000 errors") {
		t.Errorf("%d, %d errors, detail %q, first %+v", resp.Status, len(p.Errors), p.Detail, p.Errors[0])
	}
}

type multipleIn struct {
	I  int64   `query:"i,omitempty" multipleOf:"2"`
	U  uint64  `query:"u,omitempty" multipleOf:"5"`
	H  int     `query:"h,omitempty" multipleOf:"0.5"`
	F  float64 `query:"f,omitempty" multipleOf:"1"`
	D  float64 `query:"d,omitempty" multipleOf:"0.1"`
	F2 float32 `query:"f2,omitempty" multipleOf:"0.1"`
	E  float32 `query:"e,omitempty" enum:"0.1,0.2"`
	M  float32 `query:"m,omitempty" maximum:"0.1"`
	N  float32 `query:"n,omitempty" exclusiveMinimum:"0.1"`
}

// TestValidateMultipleOfAndFloat32 checks multipleOf exactly for
// integers, within float precision for floats, and float32 limits in
// float32.
func TestValidateMultipleOfAndFloat32(t *testing.T) {
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "GET", Path: "/m"},
		func(c *alb.Context, in *multipleIn) (string, error) { return "ok", nil })
	for q, want := range map[string]int{
		"i=3000000001": 422, "i=3000000000": 200, "i=9223372036854775807": 422, "i=9223372036854775806": 200,
		"i=-9223372036854775808": 200, "i=-3": 422,
		"u=18446744073709551615": 200, "u=18446744073709551614": 422,
		"h=3":            200,
		"f=1000000000.5": 422, "f=3000000000.5": 422, "f=1000000000": 200, "f=1e300": 200, "f=0.5": 422,
		"d=0.3": 200, "d=0.7": 200, "d=0.35": 422, "d=123456.7": 200, "d=123456.75": 422,
		"f2=0.1": 200, "f2=0.3": 200, "f2=0.35": 422,
		"e=0.1": 200, "e=0.2": 200, "e=0.3": 422,
		"m=0.1": 200, "m=0.10001": 422,
		"n=0.1": 422, "n=0.10001": 200,
	} {
		resp := albtest.Do(t, r, albtest.NewRequest("GET", "/m?"+q))
		if resp.Status != want {
			t.Errorf("%s: %d, want %d: %s", q, resp.Status, want, resp.Body)
		}
	}
}

type nullMembers struct {
	Tags []string `json:"tags"`
	Ptr  *int     `json:"ptr" required:"true"`
	Opt  *int     `json:"opt"`
}

// TestPresenceNullIsMissing checks that JSON null for a required member
// is answered as a missing member, and accepted for an optional one.
func TestPresenceNullIsMissing(t *testing.T) {
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "POST", Path: "/n"},
		func(c *alb.Context, in *struct{ Body nullMembers }) (string, error) { return "ok", nil })
	for body, want := range map[string]string{
		`{"tags":null,"ptr":1}`:          "body.tags",
		`{"tags":[],"ptr":null}`:         "body.ptr",
		`{"tags":[],"ptr":1,"opt":null}`: "",
	} {
		resp := albtest.Do(t, r, albtest.NewRequest("POST", "/n", albtest.WithBody("application/json", []byte(body))))
		if want == "" {
			if resp.Status != 200 {
				t.Errorf("%s: %d %s", body, resp.Status, resp.Body)
			}
			continue
		}
		var p alb.Problem
		_ = json.Unmarshal(resp.Body, &p)
		if resp.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Location != want || p.Errors[0].Message != "is required" {
			t.Errorf("%s: %d %s", body, resp.Status, resp.Body)
		}
	}
}

type listDefaults struct {
	Tags  []string `query:"tag" default:"a, b"`
	IDs   []int    `query:"id,comma" default:"1,2 , 3"`
	Modes []string `header:"X-Mode" default:"x,y"`
}

// TestBindListDefault checks that a list parameter's default is split at
// commas into items, spaces trimmed.
func TestBindListDefault(t *testing.T) {
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "GET", Path: "/l"},
		func(c *alb.Context, in *listDefaults) (map[string]any, error) {
			return map[string]any{"Tags": in.Tags, "IDs": in.IDs, "Modes": in.Modes}, nil
		})
	resp := albtest.Do(t, r, albtest.NewRequest("GET", "/l"))
	var got struct {
		Tags  []string
		IDs   []int
		Modes []string
	}
	if err := json.Unmarshal(resp.Body, &got); err != nil {
		t.Fatalf("%d %s", resp.Status, resp.Body)
	}
	if !slices.Equal(got.Tags, []string{"a", "b"}) || !slices.Equal(got.IDs, []int{1, 2, 3}) ||
		!slices.Equal(got.Modes, []string{"x", "y"}) {
		t.Errorf("defaults: %s", resp.Body)
	}
	resp = albtest.Do(t, r, albtest.NewRequest("GET", "/l?tag=c"))
	if err := json.Unmarshal(resp.Body, &got); err != nil || !slices.Equal(got.Tags, []string{"c"}) {
		t.Errorf("given: %s", resp.Body)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a bad list default item was accepted")
			}
		}()
		alb.Register(r, alb.Operation{Method: "GET", Path: "/bad"},
			func(c *alb.Context, in *struct {
				IDs []int `query:"id" default:"1,x"`
			}) (string, error) {
				return "", nil
			})
	}()
}

type nestedItem struct {
	Name string `json:"name" minLength:"1"`
	N    int    `json:"n"`
}

func (it *nestedItem) Validate() error {
	if it.Name == "bad" {
		return errors.New("is bad")
	}
	return nil
}

type nestedBody struct {
	Body struct {
		Grid  [][]nestedItem            `json:"grid,omitempty"`
		ByID  map[string]nestedItem     `json:"byId,omitempty"`
		Deep  map[string][]*nestedItem  `json:"deep,omitempty"`
		Cubes [][2][]nestedItem         `json:"cubes,omitempty"`
		Named map[int]map[string]string `json:"named,omitempty"`
	}
}

// TestValidateNestedContainers checks that the structs in lists of lists
// and in map values are validated, their required members checked and
// their Validate methods called, at the right locations.
func TestValidateNestedContainers(t *testing.T) {
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "POST", Path: "/n"},
		func(c *alb.Context, in *nestedBody) (string, error) { return "ok", nil })
	for body, want := range map[string]string{
		`{"grid":[[{"name":"a","n":1}],[{"name":"","n":1}]]}`:     "body.grid[1][0].name: must not be empty",
		`{"byId":{"b":{"name":"x","n":1},"a":{"name":"","n":1}}}`: "body.byId.a.name: must not be empty",
		`{"grid":[[{"name":"a"}]]}`:                               "body.grid[0][0].n: is required",
		`{"byId":{"k":{"name":"a"}}}`:                             "body.byId.k.n: is required",
		`{"deep":{"k":[null,{"name":"a","n":0}]}}`:                "",
		`{"deep":{"k":[null,{"name":"a"}]}}`:                      "body.deep.k[1].n: is required",
		`{"cubes":[[[],[{"name":"","n":1}]]]}`:                    "body.cubes[0][1][0].name: must not be empty",
		`{"grid":[[{"name":"bad","n":1}]]}`:                       "body.grid[0][0]: is bad",
		`{"byId":{"z":{"name":"bad","n":1}}}`:                     "body.byId.z: is bad",
		`{"named":{"1":{"a":"b"}}}`:                               "",
	} {
		resp := albtest.Do(t, r, albtest.NewRequest("POST", "/n", albtest.WithBody("application/json", []byte(body))))
		if want == "" {
			if resp.Status != 200 {
				t.Errorf("%s: %d %s", body, resp.Status, resp.Body)
			}
			continue
		}
		var p alb.Problem
		_ = json.Unmarshal(resp.Body, &p)
		if resp.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Location+": "+p.Errors[0].Message != want {
			t.Errorf("%s: %d %s, want %s", body, resp.Status, resp.Body, want)
		}
	}
}

type bodilessOut struct {
	ETag string `header:"ETag" json:"-"`
	ID   string `json:"id"`
}

// TestTypedNoBodyFor204And304 checks that a 204 or 304 answer sends the
// output's headers but no body, whichever way the status was chosen.
func TestTypedNoBodyFor204And304(t *testing.T) {
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "POST", Path: "/x", Status: http.StatusNoContent},
		func(c *alb.Context, in *struct{}) (*bodilessOut, error) {
			return &bodilessOut{ETag: `"1"`, ID: "1"}, nil
		})
	alb.Register(r, alb.Operation{Method: "GET", Path: "/y", Statuses: []int{http.StatusNotModified}},
		func(c *alb.Context, in *struct {
			Match string `header:"If-None-Match,omitempty"`
		}) (bodilessOut, error) {
			if in.Match != "" {
				c.Status(http.StatusNotModified)
			}
			return bodilessOut{ETag: `"2"`, ID: "2"}, nil
		})
	eventModes(t, func(t *testing.T, opts ...albtest.Option) {
		resp := albtest.Do(t, r, albtest.NewRequest("POST", "/x", opts...))
		if resp.Status != 204 || len(resp.Body) != 0 || resp.Header.Get("ETag") != `"1"` {
			t.Errorf("204: %d %q %v", resp.Status, resp.Body, resp.Header)
		}
		resp = albtest.Do(t, r, albtest.NewRequest("GET", "/y", append(opts, albtest.WithHeader("If-None-Match", `"2"`))...))
		if resp.Status != 304 || len(resp.Body) != 0 || resp.Header.Get("ETag") != `"2"` {
			t.Errorf("304: %d %q %v", resp.Status, resp.Body, resp.Header)
		}
		resp = albtest.Do(t, r, albtest.NewRequest("GET", "/y", opts...))
		if resp.Status != 200 || string(resp.Body) != `{"id":"2"}` {
			t.Errorf("200: %d %q", resp.Status, resp.Body)
		}
	})
}

// TestProblemTypedNilError checks that a handler returning a nil
// *HTTPError or *ProblemError in a non-nil error gets a 500, not a panic.
func TestProblemTypedNilError(t *testing.T) {
	var logs strings.Builder
	r := alb.New()
	r.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	alb.Register(r, alb.Operation{Method: "GET", Path: "/he"},
		func(c *alb.Context, in *struct{}) (string, error) {
			var he *alb.HTTPError
			return "", he
		})
	alb.Register(r, alb.Operation{Method: "GET", Path: "/pe"},
		func(c *alb.Context, in *struct{}) (string, error) {
			var pe *alb.ProblemError
			return "", pe
		})
	r.GET("/plain", func(c *alb.Context) error {
		var pe *alb.ProblemError
		return pe
	})
	r.GET("/plain-he", func(c *alb.Context) error {
		var he *alb.HTTPError
		return he
	})
	for _, path := range []string{"/he", "/pe", "/plain", "/plain-he"} {
		logs.Reset()
		resp := albtest.Do(t, r, albtest.NewRequest("GET", path))
		if resp.Status != 500 || !strings.Contains(logs.String(), "nil") {
			t.Errorf("%s: %d %s; log %s", path, resp.Status, resp.Body, logs.String())
		}
	}
	rp := alb.New()
	rp.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	rp.ErrorHandler = alb.ProblemErrorHandler
	rp.GET("/he", func(c *alb.Context) error {
		var he *alb.HTTPError
		return he
	})
	if resp := albtest.Do(t, rp, albtest.NewRequest("GET", "/he")); resp.Status != 500 {
		t.Errorf("ProblemErrorHandler, nil *HTTPError: %d %s", resp.Status, resp.Body)
	}
}

// TestRegisterDuplicateOperationID checks that an OperationID can name
// one route of a Router only, groups included.
func TestRegisterDuplicateOperationID(t *testing.T) {
	h := func(c *alb.Context, in *struct{}) (string, error) { return "", nil }
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "GET", Path: "/a", OperationID: "get"}, h)
	alb.Register(r, alb.Operation{Method: "GET", Path: "/b"}, h)
	alb.Register(r, alb.Operation{Method: "GET", Path: "/c"}, h)
	alb.Register(alb.New(), alb.Operation{Method: "GET", Path: "/b", OperationID: "get"}, h) // another router
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, `"GET /v1/b" has OperationID "get"`) || !strings.Contains(msg, `route "GET /a" already has`) {
			t.Errorf("panic %q", msg)
		}
	}()
	alb.Register(r.Group("/v1"), alb.Operation{Method: "GET", Path: "/b", OperationID: "get"}, h)
}

type formatIn struct {
	U string `query:"u,omitempty" format:"uri"`
	D string `query:"d,omitempty" format:"date-time"`
	E string `query:"e,omitempty" format:"email"`
}

// TestValidateFormats checks the uri, date-time and email formats
// through a route.
func TestValidateFormats(t *testing.T) {
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "GET", Path: "/f"},
		func(c *alb.Context, in *formatIn) (string, error) { return "ok", nil })
	bad := []string{"u=http://x/a%20b", "u=http://x/a+b", "u=http://x/%C3%A9", "u=a:%5B", "u=/rel",
		"d=2006-01-02T15:04:05,5Z", "d=2006-01-02T15:04:05.Z", "d=2006-01-02T15:04:60Z",
		"e=Bob+%3Cbob@example.com%3E", "e=bob", "e=%3Cbob@example.com%3E", "e=bob@example.com+(Bob)", "e=+bob@example.com"}
	good := []string{"u=http://x/a%2520b%3Fc", "u=urn:x:y", "d=2006-01-02t15:04:05z", "d=1990-12-31T23:59:60Z",
		"e=%22a+b%22@example.com", "e=bob@example.com"}
	for _, q := range bad {
		if resp := albtest.Do(t, r, albtest.NewRequest("GET", "/f?"+q)); resp.Status != 422 {
			t.Errorf("invalid %s accepted: %d", q, resp.Status)
		}
	}
	for _, q := range good {
		if resp := albtest.Do(t, r, albtest.NewRequest("GET", "/f?"+q)); resp.Status != 200 {
			t.Errorf("valid %s refused: %d %s", q, resp.Status, resp.Body)
		}
	}
}

type nullBodyOpt struct {
	Name string `json:"name,omitempty"`
}

// TestBindNullBody checks that a JSON null body is answered as an empty
// one when the body is required, and is nil for a pointer Body.
func TestBindNullBody(t *testing.T) {
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "POST", Path: "/o"},
		func(c *alb.Context, in *struct{ Body nullBodyOpt }) (string, error) { return "ok", nil })
	alb.Register(r, alb.Operation{Method: "POST", Path: "/p"},
		func(c *alb.Context, in *struct{ Body *nullBodyOpt }) (bool, error) { return in.Body == nil, nil })
	alb.Register(r, alb.Operation{Method: "POST", Path: "/i"},
		func(c *alb.Context, in *nullBodyOpt) (string, error) { return "ok", nil })
	for _, path := range []string{"/o", "/i"} {
		for _, body := range []string{"null", " null\n", ""} {
			resp := albtest.Do(t, r, albtest.NewRequest("POST", path, albtest.WithBody("application/json", []byte(body))))
			var p alb.Problem
			_ = json.Unmarshal(resp.Body, &p)
			if resp.Status != 400 || len(p.Errors) != 1 || p.Errors[0].Location != "body" ||
				!strings.Contains(p.Errors[0].Message, "a JSON body is required") {
				t.Errorf("%s %q: %d %s", path, body, resp.Status, resp.Body)
			}
		}
	}
	resp := albtest.Do(t, r, albtest.NewRequest("POST", "/p", albtest.WithBody("application/json", []byte("null"))))
	if resp.Status != 200 || string(resp.Body) != "true" {
		t.Errorf("pointer Body, null: %d %s", resp.Status, resp.Body)
	}
}

type optionalDefaults struct {
	Tags   []string `query:"tag"`
	IDs    []int    `header:"X-ID"`
	Flag   bool     `query:"flag"`
	Secure bool     `cookie:"secure"`
	Must   []string `query:"must" required:"true"`
	MustB  bool     `header:"X-Must" required:"true"`
	N      int      `query:"n"`
}

// TestBindListsAndBoolsOptional checks that list and bool parameters are
// optional unless tagged required:"true": absent, a list is nil and a
// bool false.
func TestBindListsAndBoolsOptional(t *testing.T) {
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "GET", Path: "/o"},
		func(c *alb.Context, in *optionalDefaults) ([]bool, error) {
			return []bool{in.Tags == nil, in.IDs == nil, in.Flag, in.Secure}, nil
		})
	alb.Register(r, alb.Operation{Method: "POST", Path: "/f"},
		func(c *alb.Context, in *struct {
			Names []string `form:"name"`
			Agree bool     `form:"agree"`
		}) (bool, error) {
			return in.Names == nil && !in.Agree, nil
		})
	resp := albtest.Do(t, r, albtest.NewRequest("GET", "/o"))
	var p alb.Problem
	_ = json.Unmarshal(resp.Body, &p)
	var locs []string
	for _, e := range p.Errors {
		locs = append(locs, e.Location+" "+e.Message)
	}
	if want := []string{"query.must is required", "header.X-Must is required", "query.n is required"}; resp.Status != 422 ||
		!slices.Equal(locs, want) {
		t.Errorf("absent: %d %v, want 422 %v", resp.Status, locs, want)
	}
	resp = albtest.Do(t, r, albtest.NewRequest("GET", "/o?must=a&n=1", albtest.WithHeader("X-Must", "true")))
	if resp.Status != 200 || string(resp.Body) != `[true,true,false,false]` {
		t.Errorf("optional absent: %d %s", resp.Status, resp.Body)
	}
	resp = albtest.Do(t, r, albtest.NewRequest("POST", "/f",
		albtest.WithBody("application/x-www-form-urlencoded", []byte("other=1"))))
	if resp.Status != 200 || string(resp.Body) != "true" {
		t.Errorf("form: %d %s", resp.Status, resp.Body)
	}
}
