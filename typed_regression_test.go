package alb_test

import (
	"encoding/json"
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
