package alb

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

type dtItem struct {
	SKU   string  `json:"sku"`
	Qty   int     `json:"qty"`
	Price float64 `json:"price"`
}

type dtBase struct {
	ID string `json:"id"`
}

// dtOrder is the target of the differential corpus: a request body of the
// usual shape, with a field of each kind whose decoding differs.
type dtOrder struct {
	dtBase
	Name    string         `json:"name"`
	Items   []dtItem       `json:"items"`
	Tags    map[string]int `json:"tags"`
	Small   int8           `json:"small"`
	U       uint           `json:"u"`
	F32     float32        `json:"f32"`
	N       int            `json:"n"`
	P       *int           `json:"p"`
	Qty     int64          `json:"qty,string"`
	OK      bool           `json:"ok,string"`
	At      time.Time      `json:"at"`
	Raw     []byte         `json:"raw"`
	Any     any            `json:"any"`
	Arr     [2]int         `json:"arr"`
	IntKeys map[int]string `json:"intKeys"`
	D       time.Duration  `json:"d"`
	NoTag   string
	Skip    string `json:"-"`
}

// jsonDiffCases is the decoding corpus. diff is "" where JSONv2 and
// StandardJSON must agree (both decode to equal values, or both fail with
// the same JSONError kind, Got and Want), and otherwise why they differ.
var jsonDiffCases = []struct {
	name, body string
	strict     bool
	into       func() any
	diff       string
	// diff127, when set, replaces diff from Go 1.27, whose encoding/json
	// is built on JSON v2; "none" means no difference.
	diff127 string
}{
	{name: "empty object", body: `{}`},
	{name: "order", body: `{"id":"o1","name":"Ada","items":[{"sku":"a","qty":2,"price":9.5}],"tags":{"x":1},"n":-3,"p":7,"qty":"12","ok":"true","at":"2024-01-02T03:04:05.123+02:00","raw":"aGk=","any":{"a":[1,"x",null,true]},"arr":[1,2],"intKeys":{"1":"a"},"d":5,"NoTag":"t"}`},
	{name: "exact case", body: `{"name":"Ada"}`},
	{name: "name in other case", body: `{"Name":"Ada"}`, diff: "case-sensitive names: encoding/json fills name from Name, JSON v2 ignores Name"},
	{name: "name in upper case", body: `{"NAME":"Ada"}`, diff: "case-sensitive names"},
	{name: "untagged field in lower case", body: `{"notag":"x"}`, diff: "case-sensitive names: an untagged field is matched by its Go name exactly"},
	{name: "untagged field", body: `{"NoTag":"x"}`},
	{name: "embedded field in other case", body: `{"ID":"1"}`, diff: "case-sensitive names"},
	{name: "embedded field", body: `{"id":"1"}`},
	{name: "name in other case, strict", body: `{"Name":"Ada"}`, strict: true, diff: "case-sensitive names: Name is an unknown member"},
	{name: "both cases", body: `{"name":"a","Name":"b"}`, diff: "case-sensitive names: encoding/json takes the last, b; JSON v2 keeps a"},
	{name: "duplicate name", body: `{"name":"a","name":"b"}`, diff: "duplicate names refused"},
	{name: "duplicate name nested", body: `{"items":[{"sku":"a"},{"sku":"b","sku":"c"}]}`, diff: "duplicate names refused"},
	{name: "duplicate map key", body: `{"tags":{"a":1,"a":2}}`, diff: "duplicate names refused"},
	{name: "duplicate key into map", body: `{"a":1,"a":2}`, into: func() any { return new(map[string]any) }, diff: "duplicate names refused"},
	{name: "invalid UTF-8", body: "{\"name\":\"caf\xe9\"}", diff: "invalid UTF-8 refused; encoding/json makes it U+FFFD"},
	{name: "invalid UTF-8 into any", body: "\"\xff\"", into: func() any { return new(any) }, diff: "invalid UTF-8 refused"},
	{name: "lone surrogate escape", body: `{"name":"\ud800"}`, diff: "an escaped lone surrogate is invalid UTF-16, refused; encoding/json makes it U+FFFD"},
	{name: "escaped non-ASCII", body: `{"name":"caf\u00e9 \ud83d\ude00"}`},
	{name: "NUL escape", body: `{"name":"a\u0000b"}`},
	{name: "raw control character", body: "{\"name\":\"a\tb\"}"},
	{name: "integer", body: `{"n":42}`},
	{name: "negative zero", body: `{"n":-0}`},
	{name: "fraction into int", body: `{"n":1.5}`},
	{name: "exponent into int", body: `{"n":1e2}`},
	{name: "string into int", body: `{"n":"1"}`},
	{name: "int8 overflow", body: `{"small":300}`},
	{name: "int8 underflow", body: `{"small":-129}`},
	{name: "negative into uint", body: `{"u":-1}`},
	{name: "float32 overflow", body: `{"f32":1e40}`},
	{name: "float32", body: `{"f32":1.5}`},
	{name: "int overflow", body: `{"n":99999999999999999999}`},
	{name: "huge number into any", body: `{"any":12345678901234567890}`},
	{name: "number out of float range into any", body: `{"any":1e400}`},
	{name: "null into int", body: `{"n":null}`},
	{name: "null into pointer", body: `{"p":null}`},
	{name: "number into pointer", body: `{"p":5}`},
	{name: "null into string", body: `{"name":null}`},
	{name: "leading zero", body: `{"n":01}`},
	{name: "plus sign", body: `{"n":+1}`},
	{name: "NaN", body: `{"n":NaN}`},
	{name: "wrong type nested", body: `{"items":[{"qty":"x"}]}`},
	{name: "object for array", body: `{"items":{}}`},
	{name: "null array", body: `{"items":null}`},
	{name: "wrong map value", body: `{"tags":{"a":"x"}}`},
	{name: "int map key", body: `{"intKeys":{"1":"a","-2":"b"}}`},
	{name: "bad int map key", body: `{"intKeys":{"x":"a"}}`, diff: "message only: encoding/json says got JSON number x, JSON v2 got JSON string"},
	{name: "string-tagged int", body: `{"qty":"12"}`},
	{name: "string-tagged int unquoted", body: `{"qty":12}`, diff: "message only: encoding/json reports a misused ,string tag (invalid JSON), JSON v2 a wrong type"},
	{name: "string-tagged int not a number", body: `{"qty":"x"}`, diff: "message only: encoding/json says invalid JSON, JSON v2 a wrong type"},
	{name: "string-tagged bool", body: `{"ok":"true"}`},
	{name: "string-tagged bool unquoted", body: `{"ok":true}`, diff: "message only: encoding/json reports a misused ,string tag (invalid JSON), JSON v2 a wrong type"},
	{name: "time", body: `{"at":"2024-01-02T03:04:05Z"}`},
	{name: "time with offset", body: `{"at":"2024-01-02T03:04:05.5-07:00"}`},
	{name: "time not RFC 3339", body: `{"at":"2024-1-2"}`},
	{name: "time as number", body: `{"at":3}`, diff: "message only: JSON v2 says wrong type, encoding/json invalid JSON", diff127: "none"},
	{name: "base64", body: `{"raw":"aGk="}`},
	{name: "base64 with line break", body: `{"raw":"aG\nk="}`, diff: "base64 must not hold line breaks; encoding/json skips them"},
	{name: "base64 unpadded", body: `{"raw":"aGk"}`, diff127: "message only: Go 1.27's encoding/json says wrong type, JSON v2 invalid value"},
	{name: "array exact", body: `{"arr":[1,2]}`},
	{name: "array short", body: `{"arr":[1]}`, diff: "a Go array needs exactly its length; encoding/json zero-fills"},
	{name: "array long", body: `{"arr":[1,2,3]}`, diff: "a Go array needs exactly its length; encoding/json drops the rest"},
	{name: "duration in nanoseconds", body: `{"d":1500}`},
	{name: "ignored field", body: `{"Skip":"x"}`},
	{name: "unknown member", body: `{"zz":1}`},
	{name: "unknown member, strict", body: `{"zz":1}`, strict: true},
	{name: "unknown nested member, strict", body: `{"items":[{"zz":1}]}`, strict: true},
	{name: "trailing space", body: "{\"name\":\"a\"} \n"},
	{name: "trailing data", body: `{"name":"a"}x`},
	{name: "second value", body: `{"name":"a"}{}`},
	{name: "trailing data, strict", body: `{"name":"a"} 1`, strict: true},
	{name: "truncated", body: `{"name":"a"`, diff: "message only: JSON v2 says truncated JSON, encoding/json malformed JSON at the last byte"},
	{name: "truncated after colon", body: `{"name":`, diff: "message only: JSON v2 says truncated JSON, encoding/json malformed JSON at the last byte"},
	{name: "truncated string", body: `"abc`, into: func() any { return new(string) }, diff: "message only: JSON v2 says truncated JSON, encoding/json malformed JSON at the last byte"},
	{name: "single quotes", body: `{'name':1}`},
	{name: "trailing comma", body: `{"name":"a",}`},
	{name: "top-level null", body: `null`},
	{name: "array for object", body: `[]`},
	{name: "string for object", body: `"x"`},
	{name: "ints", body: `[1,2,3]`, into: func() any { return new([]int) }},
	{name: "interface", body: `{"a":[1,"x",null,true,{"b":1.5}]}`, into: func() any { return new(any) }},
	{name: "raw message", body: `{"a":[1, 2]}`, into: func() any { return new(json.RawMessage) }},
}

// jsonOutcome is what a codec made of a body: the value, or the error.
type jsonOutcome struct {
	v   any
	err error
}

func decodeWith(c JSONCodec, body string, strict bool, into func() any) jsonOutcome {
	if into == nil {
		into = func() any { return new(dtOrder) }
	}
	v := into()
	err := c.Unmarshal([]byte(body), v, strict)
	return jsonOutcome{reflect.ValueOf(v).Elem().Interface(), err}
}

// sameOutcome reports whether two outcomes agree: equal values, or
// JSONErrors of the same kind, Got and Want (offsets and paths are counted
// differently by the two codecs).
func sameOutcome(a, b jsonOutcome) bool {
	if a.err == nil && b.err == nil {
		return reflect.DeepEqual(a.v, b.v)
	}
	var ea, eb *JSONError
	if !errors.As(a.err, &ea) || !errors.As(b.err, &eb) {
		return false
	}
	return ea.Kind == eb.Kind && ea.Got == eb.Got && ea.Want == eb.Want
}

// goTypeName matches what must not reach a client: Go type names.
var goTypeName = regexp.MustCompile(`\b(alb\.|int8|int64|uint|float32|float64|struct|map\[|\[\]|\*|reflect|Go )`)

func checkClientError(t *testing.T, name string, err error) {
	t.Helper()
	var jerr *JSONError
	if !errors.As(err, &jerr) {
		t.Errorf("%s: JSONv2 error %v (%T) is not a *JSONError", name, err, err)
		return
	}
	msg := jerr.Error()
	// What the client sent (a member name, a number) may look like anything.
	bare := strings.ReplaceAll(msg, strconv.Quote(jerr.Field), `"field"`)
	bare = strings.ReplaceAll(bare, jerr.Got, "got")
	if msg == "" || goTypeName.MatchString(bare) {
		t.Errorf("%s: client message %q is empty or names a Go type", name, msg)
	}
}

func TestJSONv2Differential(t *testing.T) {
	if len(jsonDiffCases) < 60 {
		t.Fatalf("corpus has %d bodies, want at least 60", len(jsonDiffCases))
	}
	for _, tc := range jsonDiffCases {
		std := decodeWith(StandardJSON{}, tc.body, tc.strict, tc.into)
		v2 := decodeWith(JSONv2{}, tc.body, tc.strict, tc.into)
		same := sameOutcome(std, v2)
		if encodingJSONOnV2 && tc.diff127 != "" {
			tc.diff = tc.diff127
			if tc.diff == "none" {
				tc.diff = ""
			}
		}
		switch {
		case same && tc.diff != "":
			t.Errorf("%s: the expected difference (%s) is gone: both give %v / %v", tc.name, tc.diff, v2.v, v2.err)
		case !same && tc.diff == "":
			t.Errorf("%s: %s\n\tencoding/json: %+v / %v\n\tJSON v2:       %+v / %v", tc.name, tc.body, std.v, std.err, v2.v, v2.err)
		}
		if v2.err != nil {
			checkClientError(t, tc.name, v2.err)
		}
	}
}

type dtOmit struct {
	A int               `json:"a,omitempty"`
	B string            `json:"b,omitempty"`
	C []int             `json:"c,omitempty"`
	D map[string]int    `json:"d,omitempty"`
	E *int              `json:"e,omitempty"`
	F struct{}          `json:"f,omitempty"`
	G time.Time         `json:"g,omitzero"`
	H bool              `json:"h,omitempty"`
	I float64           `json:"i,omitempty"`
	J any               `json:"j,omitempty"`
	K []int             `json:"k"`
	L map[string]string `json:"l"`
}

type dtMarshaler struct{}

func (dtMarshaler) MarshalJSON() ([]byte, error) { return []byte(`{ "a" : [1, 2] }`), nil }

// jsonMarshalCases is the encoding corpus, as jsonDiffCases.
var jsonMarshalCases = []struct {
	name string
	v    any
	diff string
	// oldOnly: the difference is gone from Go 1.27, whose encoding/json
	// is built on JSON v2.
	oldOnly bool
}{
	{name: "nil slice and map", v: struct {
		S []int          `json:"s"`
		M map[string]int `json:"m"`
	}{}},
	{name: "empty slice and map", v: map[string]any{"s": []int{}, "m": map[string]int{}}},
	{name: "omitempty and omitzero", v: dtOmit{}},
	{name: "omitempty set", v: dtOmit{A: 1, B: "x", C: []int{}, D: map[string]int{}, H: true}},
	{name: "map order", v: map[string]int{"b": 1, "a": 2, "c": 3, "A": 4, "é": 5}},
	{name: "int map keys", v: map[int]string{10: "a", 9: "b", -1: "c"}},
	{name: "HTML characters", v: "<a href=\"x\">&</a>", diff: "<, > and & are not escaped (the bytes differ, the decoded string does not)"},
	{name: "line separators", v: "a\u2028b\u2029c", diff: "U+2028 and U+2029 are not escaped (the bytes differ, the decoded string does not)"},
	{name: "invalid UTF-8", v: "caf\xe9", diff: "both send U+FFFD: encoding/json as \\ufffd, JSON v2 as the character", oldOnly: true},
	{name: "control characters", v: "a\x00\x1f\t\n\"\\"},
	{name: "floats", v: []float64{0, 0.1, 1.5, 1e20, 1e21, 1e-6, 1e-7, 123456789, math.Copysign(0, -1), math.MaxFloat64, math.SmallestNonzeroFloat64}},
	{name: "float32", v: []float32{0.1, 1e21, 3.4e38, 1e-7}},
	{name: "NaN", v: math.NaN()},
	{name: "infinity", v: math.Inf(1)},
	{name: "ints", v: []any{int8(-128), uint64(math.MaxUint64), int64(math.MinInt64)}},
	{name: "string-tagged", v: struct {
		N int64 `json:"n,string"`
		B bool  `json:"b,string"`
		S string
	}{5, true, "x"}},
	{name: "embedded", v: dtOrder{dtBase: dtBase{ID: "1"}, Name: "Ada"}},
	{name: "time and duration", v: map[string]any{"t": time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC), "d": 1500 * time.Millisecond}},
	{name: "bytes", v: map[string]any{"b": []byte("hi\xff"), "a": [2]byte{1, 2}, "n": []byte(nil)}},
	{name: "raw message", v: json.RawMessage(`{ "a" : 1 }`)},
	{name: "marshaler", v: dtMarshaler{}},
	{name: "channel", v: make(chan int)},
	{name: "nil", v: nil},
	{name: "pointer cycle-free nesting", v: &dtItem{SKU: "a", Qty: 1, Price: 2.5}},
}

func TestJSONv2MarshalDifferential(t *testing.T) {
	for _, tc := range jsonMarshalCases {
		std, errStd := StandardJSON{}.AppendMarshal(nil, tc.v)
		v2, errV2 := JSONv2{}.AppendMarshal(nil, tc.v)
		same := (errStd != nil) == (errV2 != nil) && bytes.Equal(std, v2)
		if encodingJSONOnV2 && tc.oldOnly {
			tc.diff = ""
		}
		switch {
		case same && tc.diff != "":
			t.Errorf("%s: the expected difference (%s) is gone: both give %s", tc.name, tc.diff, v2)
		case !same && tc.diff == "":
			t.Errorf("%s:\n\tencoding/json: %s / %v\n\tJSON v2:       %s / %v", tc.name, std, errStd, v2, errV2)
		}
		if tc.diff != "" && errV2 == nil {
			// Only the bytes differ: both decode to the same value.
			var a, b any
			if json.Unmarshal(std, &a) != nil || json.Unmarshal(v2, &b) != nil || !reflect.DeepEqual(a, b) {
				t.Errorf("%s: %s and %s do not decode the same", tc.name, std, v2)
			}
		}
	}
}

// TestBindJSONDefaultCodec: a Router without a JSONCodec binds with JSON
// v2, so a body encoding/json would take is refused with a clear 400.
func TestBindJSONDefaultCodec(t *testing.T) {
	if _, ok := New().jsonCodec().(JSONv2); !ok {
		t.Fatalf("default codec is %T, want JSONv2", New().jsonCodec())
	}
	tests := []struct {
		name, body string
		strict     bool
		message    string
	}{
		{"duplicate name", `{"name":"a","name":"b"}`, false, `invalid JSON: duplicate field "name"`},
		{"name in other case, strict", `{"Name":"a"}`, true, `invalid JSON: unknown field "Name"`},
		{"invalid UTF-8", "{\"name\":\"caf\xe9\"}", false, "invalid JSON: string at byte 12 is not valid UTF-8"},
		{"nested type", `{"items":[{"qty":1},{"qty":"2"}]}`, false, `wrong type for field "items.1.qty": got JSON string, want number`},
		{"overflow", `{"small":300}`, false, `wrong type for field "small": got JSON number 300, want number`},
		{"bad time", `{"at":"yesterday"}`, false, `invalid JSON value for field "at"`},
		{"bad base64", `{"raw":"!"}`, false, `invalid JSON value for field "raw"`},
		{"truncated", `{"name":"a"`, false, "truncated JSON"},
		{"malformed", `{"name":}`, false, "malformed JSON at byte 8"},
	}
	for _, multi := range bothModes {
		for _, tt := range tests {
			var bindErr error
			headers := [][2]string{{"content-type", "application/json"}}
			// base64, so that invalid UTF-8 reaches the handler as it is
			body := base64.StdEncoding.EncodeToString([]byte(tt.body))
			serveContext(t, nil, "/", eventSpec{method: "POST", headers: headers, body: body, base64: true, multi: multi}, func(c *Context) error {
				var v dtOrder
				if tt.strict {
					bindErr = c.BindJSONStrict(&v)
				} else {
					bindErr = c.BindJSON(&v)
				}
				return bindErr
			})
			var he *HTTPError
			if !errors.As(bindErr, &he) || he.Status != 400 || he.Message != tt.message {
				t.Errorf("%s %s: error = %v, want 400 %q", modeLabel(multi), tt.name, bindErr, tt.message)
			}
		}
	}
}

// TestJSONv2AppendMarshal: AppendMarshal appends to dst, into its spare
// capacity or not, keeps dst on error, and never returns memory a later
// call writes to.
func TestJSONv2AppendMarshal(t *testing.T) {
	for _, dst := range [][]byte{nil, []byte("x"), append(make([]byte, 0, 64), 'x')} {
		prefix := string(dst)
		out, err := JSONv2{}.AppendMarshal(dst, map[string]int{"b": 1, "a": 2})
		if err != nil || string(out) != prefix+`{"a":2,"b":1}` {
			t.Errorf("AppendMarshal(%q) = %q, %v", prefix, out, err)
		}
		out, err = JSONv2{}.AppendMarshal(dst, make(chan int))
		if err == nil || string(out) != prefix {
			t.Errorf("AppendMarshal(%q, chan) = %q, %v; want dst and an error", prefix, out, err)
		}
	}
	first, _ := JSONv2{}.AppendMarshal(nil, "first")
	_, _ = JSONv2{}.AppendMarshal(nil, "second")
	if string(first) != `"first"` {
		t.Errorf("a later call changed an earlier result: %q", first)
	}
	if err := (JSONv2{}).Unmarshal([]byte(`{}`), dtOrder{}, false); err == nil || errors.As(err, new(*JSONError)) {
		t.Errorf("Unmarshal into a non-pointer: %v, want a plain error (a 500)", err)
	}
}
