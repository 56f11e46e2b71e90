package alb_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
)

// level is a named string type: bound by its kind.
type level string

// allQuery binds every supported type from query.
type allQuery struct {
	S    string        `query:"s,omitempty"`
	B    bool          `query:"b,omitempty"`
	I    int           `query:"i,omitempty"`
	I8   int8          `query:"i8,omitempty"`
	I16  int16         `query:"i16,omitempty"`
	I32  int32         `query:"i32,omitempty"`
	I64  int64         `query:"i64,omitempty"`
	U    uint          `query:"u,omitempty"`
	U8   uint8         `query:"u8,omitempty"`
	U16  uint16        `query:"u16,omitempty"`
	U32  uint32        `query:"u32,omitempty"`
	U64  uint64        `query:"u64,omitempty"`
	Uptr uintptr       `query:"uptr,omitempty"`
	F32  float32       `query:"f32,omitempty"`
	F64  float64       `query:"f64,omitempty"`
	T    time.Time     `query:"t,omitempty"`
	D    time.Duration `query:"d,omitempty"`
	A    netip.Addr    `query:"a,omitempty"`
	P    *int          `query:"p,omitempty"`
	PS   *string       `query:"ps,omitempty"`
	N    level         `query:"n,omitempty"`
	L    []int         `query:"l,omitempty"`
	C    []string      `query:"c,comma,omitempty"`
}

// allHeader binds every supported type from header.
type allHeader struct {
	S    string        `header:"s,omitempty"`
	B    bool          `header:"b,omitempty"`
	I    int           `header:"i,omitempty"`
	I8   int8          `header:"i8,omitempty"`
	I16  int16         `header:"i16,omitempty"`
	I32  int32         `header:"i32,omitempty"`
	I64  int64         `header:"i64,omitempty"`
	U    uint          `header:"u,omitempty"`
	U8   uint8         `header:"u8,omitempty"`
	U16  uint16        `header:"u16,omitempty"`
	U32  uint32        `header:"u32,omitempty"`
	U64  uint64        `header:"u64,omitempty"`
	Uptr uintptr       `header:"uptr,omitempty"`
	F32  float32       `header:"f32,omitempty"`
	F64  float64       `header:"f64,omitempty"`
	T    time.Time     `header:"t,omitempty"`
	D    time.Duration `header:"d,omitempty"`
	A    netip.Addr    `header:"a,omitempty"`
	P    *int          `header:"p,omitempty"`
	PS   *string       `header:"ps,omitempty"`
	N    level         `header:"n,omitempty"`
	L    []int         `header:"l,omitempty"`
	C    []string      `header:"c,omitempty"`
}

// allCookie binds every supported type from cookie.
type allCookie struct {
	S    string        `cookie:"s,omitempty"`
	B    bool          `cookie:"b,omitempty"`
	I    int           `cookie:"i,omitempty"`
	I8   int8          `cookie:"i8,omitempty"`
	I16  int16         `cookie:"i16,omitempty"`
	I32  int32         `cookie:"i32,omitempty"`
	I64  int64         `cookie:"i64,omitempty"`
	U    uint          `cookie:"u,omitempty"`
	U8   uint8         `cookie:"u8,omitempty"`
	U16  uint16        `cookie:"u16,omitempty"`
	U32  uint32        `cookie:"u32,omitempty"`
	U64  uint64        `cookie:"u64,omitempty"`
	Uptr uintptr       `cookie:"uptr,omitempty"`
	F32  float32       `cookie:"f32,omitempty"`
	F64  float64       `cookie:"f64,omitempty"`
	T    time.Time     `cookie:"t,omitempty"`
	D    time.Duration `cookie:"d,omitempty"`
	A    netip.Addr    `cookie:"a,omitempty"`
	P    *int          `cookie:"p,omitempty"`
	PS   *string       `cookie:"ps,omitempty"`
	N    level         `cookie:"n,omitempty"`
}

// allForm binds every supported type from form.
type allForm struct {
	S    string        `form:"s,omitempty"`
	B    bool          `form:"b,omitempty"`
	I    int           `form:"i,omitempty"`
	I8   int8          `form:"i8,omitempty"`
	I16  int16         `form:"i16,omitempty"`
	I32  int32         `form:"i32,omitempty"`
	I64  int64         `form:"i64,omitempty"`
	U    uint          `form:"u,omitempty"`
	U8   uint8         `form:"u8,omitempty"`
	U16  uint16        `form:"u16,omitempty"`
	U32  uint32        `form:"u32,omitempty"`
	U64  uint64        `form:"u64,omitempty"`
	Uptr uintptr       `form:"uptr,omitempty"`
	F32  float32       `form:"f32,omitempty"`
	F64  float64       `form:"f64,omitempty"`
	T    time.Time     `form:"t,omitempty"`
	D    time.Duration `form:"d,omitempty"`
	A    netip.Addr    `form:"a,omitempty"`
	P    *int          `form:"p,omitempty"`
	PS   *string       `form:"ps,omitempty"`
	N    level         `form:"n,omitempty"`
	L    []int         `form:"l,omitempty"`
	C    []string      `form:"c,comma,omitempty"`
}

// allPath binds scalar types from route parameters.
type allPath struct {
	S string        `path:"s"`
	I int16         `path:"i"`
	B bool          `path:"b"`
	F float64       `path:"f"`
	T time.Time     `path:"t"`
	D time.Duration `path:"d"`
	A netip.Addr    `path:"a"`
}

// dump prints the fields of the struct *in that are not zero, as
// "Name=value" separated by spaces, pointers followed.
func dump(in any) string {
	v := reflect.ValueOf(in).Elem()
	var parts []string
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.IsZero() {
			continue
		}
		if f.Kind() == reflect.Pointer {
			f = f.Elem()
		}
		s := fmt.Sprint(f.Interface())
		if t, ok := f.Interface().(time.Time); ok {
			s = t.Format(time.RFC3339)
		}
		parts = append(parts, v.Type().Field(i).Name+"="+s)
	}
	return strings.Join(parts, " ")
}

func echo[In any](_ *alb.Context, in *In) (string, error) { return dump(in), nil }

// bindRouter serves the all* inputs: GET /query, /header, /cookie, POST
// /form and GET /path/...
func bindRouter() *alb.Router {
	r := alb.New()
	alb.Register(r, alb.Operation{Method: "GET", Path: "/query"}, echo[allQuery])
	alb.Register(r, alb.Operation{Method: "GET", Path: "/header"}, echo[allHeader])
	alb.Register(r, alb.Operation{Method: "GET", Path: "/cookie"}, echo[allCookie])
	alb.Register(r, alb.Operation{Method: "POST", Path: "/form"}, echo[allForm])
	alb.Register(r, alb.Operation{Method: "GET", Path: "/path/:s/:i/:b/:f/:t/:d/:a"}, echo[allPath])
	return r
}

// bindCases are a raw value for each key of the all* inputs and the dump
// it binds to. A case with multiOnly repeats a key, which only multi-value
// mode keeps; noHeader cases hold what a header value cannot.
var bindCases = []struct {
	key, raw, want string
	multiOnly      bool
	queryOnly      bool
	noCookie       bool
}{
	{key: "s", raw: "hello", want: "S=hello"},
	{key: "s", raw: "caf%C3%A9+au+lait", want: "S=café au lait", queryOnly: true},
	{key: "b", raw: "true", want: "B=true"},
	{key: "b", raw: "1", want: "B=true"},
	{key: "b", raw: "false", want: ""},
	{key: "i", raw: "-42", want: "I=-42"},
	{key: "i8", raw: "-128", want: "I8=-128"},
	{key: "i16", raw: "32767", want: "I16=32767"},
	{key: "i32", raw: "-2147483648", want: "I32=-2147483648"},
	{key: "i64", raw: "9223372036854775807", want: "I64=9223372036854775807"},
	{key: "u", raw: "42", want: "U=42"},
	{key: "u8", raw: "255", want: "U8=255"},
	{key: "u16", raw: "65535", want: "U16=65535"},
	{key: "u32", raw: "4294967295", want: "U32=4294967295"},
	{key: "u64", raw: "18446744073709551615", want: "U64=18446744073709551615"},
	{key: "uptr", raw: "7", want: "Uptr=7"},
	{key: "f32", raw: "1.5", want: "F32=1.5"},
	{key: "f64", raw: "-2.5e3", want: "F64=-2500"},
	{key: "t", raw: "2025-01-17T10:30:00Z", want: "T=2025-01-17T10:30:00Z"},
	{key: "t", raw: "2025-01-17T10:30:00%2B02:00", want: "T=2025-01-17T10:30:00+02:00", queryOnly: true},
	{key: "d", raw: "1m30s", want: "D=1m30s"},
	{key: "a", raw: "2001:db8::1", want: "A=2001:db8::1", noCookie: true},
	{key: "a", raw: "192.0.2.1", want: "A=192.0.2.1"},
	{key: "p", raw: "0", want: "P=0"},
	{key: "ps", raw: "", want: "PS=", queryOnly: true},
	{key: "n", raw: "debug", want: "N=debug"},
	{key: "c", raw: "a,b,c", want: "C=[a b c]", noCookie: true},
	{key: "l", raw: "1", want: "L=[1]", noCookie: true},
	{key: "l", raw: "1&l=2", want: "L=[1 2]", multiOnly: true, queryOnly: true, noCookie: true},
}

// TestBindSources binds every type from the query, headers, cookies and
// form bodies (urlencoded and multipart), in both event modes.
func TestBindSources(t *testing.T) {
	r := bindRouter()
	for _, tc := range bindCases {
		reqs := map[string]*albtest.Request{
			"query": albtest.NewRequest("GET", "/query?"+tc.key+"="+tc.raw),
		}
		if !tc.queryOnly {
			reqs["header"] = albtest.NewRequest("GET", "/header", albtest.WithHeader(tc.key, tc.raw))
			reqs["form"] = albtest.NewRequest("POST", "/form", albtest.WithForm(url.Values{tc.key: {tc.raw}}))
			reqs["multipart"] = albtest.NewRequest("POST", "/form", albtest.WithMultipart(url.Values{tc.key: {tc.raw}}))
			if !tc.noCookie {
				reqs["cookie"] = albtest.NewRequest("GET", "/cookie", albtest.WithCookie(tc.key, tc.raw))
			}
		}
		for src, req := range reqs {
			var resp *albtest.Response
			if tc.multiOnly {
				resp = albtest.Do(t, r, albtest.NewRequest("GET", "/query?"+tc.key+"="+tc.raw, albtest.WithMultiValue()))
			} else {
				resp = albtest.DoBoth(t, r, req)
			}
			if resp.Status != http.StatusOK || string(resp.Body) != tc.want {
				t.Errorf("%s %s=%q: %d %s, want 200 %s", src, tc.key, tc.raw, resp.Status, resp.Body, tc.want)
			}
		}
	}
	// Form bodies also repeat keys in single-value mode.
	resp := albtest.DoBoth(t, r, albtest.NewRequest("POST", "/form", albtest.WithForm(url.Values{"l": {"1", "2"}})))
	if string(resp.Body) != "L=[1 2]" {
		t.Errorf("form l=1&l=2: %s", resp.Body)
	}
	// Header lists are comma-separated, line by line.
	resp = albtest.Do(t, r, albtest.NewRequest("GET", "/header", albtest.WithMultiValue(),
		albtest.WithHeader("l", "1, 2"), albtest.WithHeader("l", "3")))
	if string(resp.Body) != "L=[1 2 3]" {
		t.Errorf("header l: %s", resp.Body)
	}
}

// TestBindPath binds every scalar kind from route parameters, decoded.
func TestBindPath(t *testing.T) {
	r := bindRouter()
	resp := albtest.DoBoth(t, r, albtest.NewRequest("GET", "/path/a%20b/-7/true/0.25/2025-01-17T10:30:00Z/2h/::1"))
	want := "S=a b I=-7 B=true F=0.25 T=2025-01-17T10:30:00Z D=2h0m0s A=::1"
	if resp.Status != http.StatusOK || string(resp.Body) != want {
		t.Errorf("got %d %s, want %s", resp.Status, resp.Body, want)
	}
	resp = albtest.DoBoth(t, r, albtest.NewRequest("GET", "/path/a/x/maybe/0.25/2025-01-17T10:30:00Z/2h/::1"))
	checkProblem(t, resp, http.StatusBadRequest, "path.i", "path.b")
}

// problem decodes a problem+json body.
func problem(t *testing.T, resp *albtest.Response) alb.Problem {
	t.Helper()
	var p alb.Problem
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, resp.Body)
	}
	if err := json.Unmarshal(resp.Body, &p); err != nil {
		t.Fatalf("problem body %s: %v", resp.Body, err)
	}
	return p
}

// checkProblem checks that resp is a problem of status listing exactly
// the locations, in order.
func checkProblem(t *testing.T, resp *albtest.Response, status int, locations ...string) alb.Problem {
	t.Helper()
	if resp.Status != status {
		t.Fatalf("status %d, want %d; body %s", resp.Status, status, resp.Body)
	}
	p := problem(t, resp)
	if p.Status != status || p.Type != "about:blank" || p.Title != http.StatusText(status) {
		t.Errorf("problem %+v, want status %d, about:blank, %q", p, status, http.StatusText(status))
	}
	var got []string
	for _, e := range p.Errors {
		got = append(got, e.Location)
	}
	if strings.Join(got, " ") != strings.Join(locations, " ") {
		t.Errorf("locations %q, want %q; body %s", got, locations, resp.Body)
	}
	return p
}

// TestBindMalformed: a value that does not parse is a 400 naming it, its
// message and the raw value; all of them are listed.
func TestBindMalformed(t *testing.T) {
	r := bindRouter()
	cases := []struct{ query, msg string }{
		{"b=yes", "must be true or false"},
		{"i8=128", "must be an integer from -128 to 127"},
		{"i=1.5", "must be an integer"},
		{"u=-1", "must be an integer of 0 or more"},
		{"u8=256", "must be an integer from 0 to 255"},
		{"f64=NaN", "must be a number"},
		{"f32=1e39", "must be a number"},
		{"t=2025-01-17", "must be a date-time in RFC 3339 format"},
		{"d=5", "must be a duration such as 1m30s"},
		{"a=x", "is not a valid value"},
		{"p=x", "must be an integer"},
		{"l=x", "must be an integer"},
	}
	for _, tc := range cases {
		resp := albtest.DoBoth(t, r, albtest.NewRequest("GET", "/query?"+tc.query))
		key, raw, _ := strings.Cut(tc.query, "=")
		p := checkProblem(t, resp, http.StatusBadRequest, "query."+key)
		if len(p.Errors) == 1 && (p.Errors[0].Message != tc.msg || p.Errors[0].Value != raw) {
			t.Errorf("%s: %+v, want message %q and value %q", tc.query, p.Errors[0], tc.msg, raw)
		}
	}
	resp := albtest.DoBoth(t, r, albtest.NewRequest("GET", "/query?b=x&i=y&t=z"))
	checkProblem(t, resp, http.StatusBadRequest, "query.b", "query.i", "query.t")
}
