package alb

import (
	"reflect"
	"strings"
	"testing"
)

// ruleCases check one keyword each: good passes, bad fails with msg (at
// loc below the field, for list items).
var ruleCases = []struct {
	tag       string
	good, bad any
	msg, loc  string
}{
	{`minimum:"1"`, 1, 0, "must be at least 1", ""},
	{`minimum:"-1.5"`, -1.5, -2.0, "must be at least -1.5", ""},
	{`maximum:"10"`, 10.0, 10.5, "must be at most 10", ""},
	{`maximum:"10"`, uint8(10), uint8(11), "must be at most 10", ""},
	{`exclusiveMinimum:"0"`, int64(1), int64(0), "must be greater than 0", ""},
	{`exclusiveMaximum:"1"`, float32(0.5), float32(1), "must be less than 1", ""},
	{`multipleOf:"0.1"`, 0.3, 0.35, "must be a multiple of 0.1", ""},
	{`multipleOf:"5"`, uint(10), uint(12), "must be a multiple of 5", ""},
	{`minLength:"2"`, "éé", "é", "must be at least 2 characters long", ""}, // characters, not bytes
	{`minLength:"1"`, "x", "", "must not be empty", ""},
	{`maxLength:"3"`, "héé", "abcd", "must be at most 3 characters long", ""},
	{`pattern:"^[a-z]+$"`, "abc", "aBc", "must match the pattern ^[a-z]+$", ""},
	{`pattern:"b"`, "abc", "ac", "must match the pattern b", ""}, // unanchored
	{`format:"email"`, "ada@example.com", "ada@", "must be a valid email", ""},
	{`format:"email"`, "ada@example.com", "Ada <ada@example.com>", "must be a valid email", ""},
	{`format:"uuid"`, "123e4567-e89b-12d3-a456-426614174000", "123e4567e89b12d3a456426614174000", "must be a valid uuid", ""},
	{`format:"uuid"`, "123E4567-E89B-12D3-A456-426614174000", "123e4567-e89b-12d3-a456-42661417400g", "must be a valid uuid", ""},
	{`format:"date-time"`, "2025-01-17T10:30:00+02:00", "2025-01-17 10:30:00", "must be a valid date-time", ""},
	{`format:"date"`, "2025-01-17", "2025-13-01", "must be a valid date", ""},
	{`format:"uri"`, "https://example.com/a?b", "/relative", "must be a valid uri", ""},
	{`format:"ipv4"`, "192.0.2.1", "::1", "must be a valid ipv4", ""},
	{`format:"ipv6"`, "2001:db8::1", "192.0.2.1", "must be a valid ipv6", ""},
	{`enum:"a,b"`, "b", "c", "must be one of a, b", ""},
	{`enum:"1,2"`, 2, 3, "must be one of 1, 2", ""},
	{`enum:"1,2"`, uint16(1), uint16(0), "must be one of 1, 2", ""},
	{`enum:"0.5,1"`, 0.5, 0.25, "must be one of 0.5, 1", ""},
	{`enum:"true"`, true, false, "must be one of true", ""},
	{`minItems:"1"`, []string{"a"}, []string{}, "must hold at least 1 items", ""},
	{`maxItems:"2"`, []int{1, 2}, []int{1, 2, 3}, "must hold at most 2 items", ""},
	{`uniqueItems:"true"`, []string{"a", "b"}, []string{"a", "a"}, "must not hold the same item twice", ""},
	{`uniqueItems:"true"`, [2]int{1, 2}, [2]int{2, 2}, "must not hold the same item twice", ""},
	{`pattern:"^[a-z]+$"`, []string{"a", "b"}, []string{"a", "B"}, "must match the pattern ^[a-z]+$", "[1]"},
	{`maximum:"3"`, []*int{ptr(1), nil}, []*int{ptr(1), ptr(4)}, "must be at most 3", "[1]"},
	{`minimum:"1"`, ptr(1), ptr(0), "must be at least 1", ""},
}

func ptr[T any](v T) *T { return &v }

// checkOne checks the value v as a field tagged tag, returning the
// violations.
func checkOne(t *testing.T, tag string, v any) []FieldError {
	t.Helper()
	sf := reflect.StructField{Name: "F", Type: reflect.TypeOf(v), Tag: reflect.StructTag(tag)}
	r, err := fieldRules(sf)
	if err != nil {
		t.Fatalf("fieldRules(%s %s): %v", sf.Type, tag, err)
	}
	fc := fieldCheckFor(sf.Type, r, map[reflect.Type]*structCheck{}, func(f, msg string) { t.Fatal(f, msg) })
	p := reflect.New(sf.Type)
	p.Elem().Set(reflect.ValueOf(v))
	vs := violations{root: "f"}
	vs.checkField(&fc, p.UnsafePointer())
	return vs.list
}

func TestValidateKeywords(t *testing.T) {
	for _, tc := range ruleCases {
		if got := checkOne(t, tc.tag, tc.good); len(got) != 0 {
			t.Errorf("%s %T %v: %v, want no violation", tc.tag, tc.good, tc.good, got)
		}
		got := checkOne(t, tc.tag, tc.bad)
		if len(got) != 1 || got[0].Message != tc.msg || got[0].Location != "f"+tc.loc {
			t.Errorf("%s %T %v: %+v, want one at %q: %q", tc.tag, tc.bad, tc.bad, got, "f"+tc.loc, tc.msg)
		}
	}
}

// TestFieldRulesErrors: a keyword that does not fit its field, or a bad
// value, is an error that names it.
func TestFieldRulesErrors(t *testing.T) {
	cases := []struct {
		typ  any
		tag  string
		want string
	}{
		{"", `minimum:"1"`, "applies to numbers only"},
		{0, `minLength:"1"`, "applies to strings only"},
		{0, `pattern:"x"`, "applies to strings only"},
		{"", `pattern:"("`, "missing closing )"},
		{"", `format:"phone"`, "is not one of email, uuid"},
		{0, `enum:"1,x"`, `item "x" does not fit`},
		{"", `minItems:"1"`, "applies to slices only"},
		{[]int{}, `uniqueItems:"yes"`, "invalid syntax"},
		{0.0, `multipleOf:"0"`, "must be greater than 0"},
		{0, `maximum:"ten"`, "is not a number"},
		{"", `minLength:"-1"`, "is not a whole number"},
		{"", `minLength:"3" maxLength:"2"`, "minLength is greater than maxLength"},
		{0, `minimum:"3" maximum:"2"`, "minimum is greater than maximum"},
		{[]int{}, `minItems:"3" maxItems:"2"`, "minItems is greater than maxItems"},
		{"", `required:"maybe"`, "is not true or false"},
		{struct{}{}, `enum:"a"`, "applies to strings, numbers and booleans only"},
	}
	for _, tc := range cases {
		sf := reflect.StructField{Name: "F", Type: reflect.TypeOf(tc.typ), Tag: reflect.StructTag(tc.tag)}
		_, err := fieldRules(sf)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("fieldRules(%s %s) = %v, want %q", sf.Type, tc.tag, err, tc.want)
		}
	}
}

// TestFieldRulesRequired: a body field is required when it is not a
// pointer and has no omitempty or omitzero, unless a required tag says.
func TestFieldRulesRequired(t *testing.T) {
	type body struct {
		A string
		B string  `json:"b,omitempty"`
		C *string `json:"c"`
		D string  `json:"d,omitzero"`
		E *string `json:"e" required:"true"`
		F string  `json:"f" required:"false"`
		G []int   `json:"g"`
	}
	want := map[string]bool{"A": true, "B": false, "C": false, "D": false, "E": true, "F": false, "G": true}
	typ := reflect.TypeFor[body]()
	for i := 0; i < typ.NumField(); i++ {
		sf := typ.Field(i)
		r, err := fieldRules(sf)
		if err != nil || r.required != want[sf.Name] {
			t.Errorf("%s: required %v (%v), want %v", sf.Name, r.required, err, want[sf.Name])
		}
	}
	sf, _ := typ.FieldByName("B")
	sf.Tag = `json:"b" doc:"the b" example:"bee"`
	if r, _ := fieldRules(sf); r.doc != "the b" || r.example != "bee" {
		t.Errorf("doc %q, example %q", r.doc, r.example)
	}
}

// TestValidFormat covers the edges of each format.
func TestValidFormat(t *testing.T) {
	cases := []struct {
		format, s string
		want      bool
	}{
		{"email", "a.b+c@example.co.uk", true},
		{"email", "a@b@c", false},
		{"email", "", false},
		{"uuid", "00000000-0000-0000-0000-000000000000", true},
		{"uuid", "00000000-0000-0000-0000-00000000000", false},
		{"uuid", "00000000_0000-0000-0000-000000000000", false},
		{"date-time", "2025-01-17T10:30:00.123Z", true},
		{"date-time", "2025-01-17T10:30:00", false},
		{"date", "2024-02-29", true},
		{"date", "2025-02-29", false},
		{"uri", "urn:isbn:0451450523", true},
		{"uri", "example.com", false},
		{"ipv4", "192.0.2.256", false},
		{"ipv6", "fe80::1%eth0", false},
		{"ipv6", "::ffff:192.0.2.1", true},
	}
	for _, tc := range cases {
		if got := validFormat(tc.format, tc.s); got != tc.want {
			t.Errorf("validFormat(%q, %q) = %v, want %v", tc.format, tc.s, got, tc.want)
		}
	}
}
