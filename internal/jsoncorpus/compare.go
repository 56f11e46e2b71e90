package jsoncorpus

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/albkit/alb"
)

// Compare runs every case of Decodes and Encodes through codec and through
// alb.StandardJSON, and fails t on every difference that expected does not
// list and on every difference expected lists that did not happen.
// expected maps a case name ("decode/duplicate", "encode/html") to the
// reason the codec differs there; the differences it lists are logged.
//
// A difference is: one accepts a body or value that the other refuses;
// the decoded values are not reflect.DeepEqual; both refuse a body but
// tell the client something else (the JSONError's Kind, Field, Got or
// Want; offsets may differ); the encodings are not the same bytes.
//
// Whatever expected says, Compare also fails t when the codec panics,
// modifies the body, refuses a body with an error that is not a
// *JSONError, gives a *JSONError whose message is empty or names a Go
// type, answers misuse (a target that is not a non-nil pointer) with a
// *JSONError or no error, or does not append to AppendMarshal's dst as
// JSONCodec documents.
func Compare(t *testing.T, codec alb.JSONCodec, expected map[string]string) {
	t.Helper()
	compare(t, codec, expected, nil)
}

// compare is Compare that only logs the failed checks of a body error for
// the cases defects lists (case name → what is wrong), and fails t for
// each case it lists whose check did not fail.
func compare(t *testing.T, codec alb.JSONCodec, expected, defects map[string]string) {
	t.Helper()
	c := &checker{t: t, defects: defects, failed: map[string]bool{}}
	known := map[string]bool{}
	check := func(name, diff string) {
		t.Helper()
		known[name] = true
		reason, listed := expected[name]
		switch {
		case diff != "" && !listed:
			t.Errorf("%s: unexpected difference: %s", name, diff)
		case diff == "" && listed:
			t.Errorf("%s: expected difference (%s) did not happen", name, reason)
		case diff != "":
			t.Logf("%s: differs as expected (%s): %s", name, reason, diff)
		}
	}
	for _, dc := range Decodes {
		name := "decode/" + dc.Name
		check(name, c.decodeDiff(name, codec, dc))
	}
	for _, c := range Encodes {
		name := "encode/" + c.Name
		check(name, encodeDiff(t, name, codec, c))
	}
	for name := range expected {
		if !known[name] {
			t.Errorf("expected differences list %q, which is not a case", name)
		}
	}
	checkMisuse(t, codec)
	for name, reason := range defects {
		if !c.failed[name] {
			t.Errorf("%s: the known defect (%s) is gone", name, reason)
		}
	}
}

// checker reports the failed checks of body errors.
type checker struct {
	t       *testing.T
	defects map[string]string
	failed  map[string]bool
}

func (c *checker) errorf(name, format string, args ...any) {
	c.t.Helper()
	msg := name + ": " + fmt.Sprintf(format, args...)
	if reason, ok := c.defects[name]; ok {
		c.failed[name] = true
		c.t.Logf("%s (known defect: %s)", msg, reason)
		return
	}
	c.t.Error(msg)
}

// unmarshal calls codec.Unmarshal, turning a panic into a test failure.
func unmarshal(t *testing.T, name string, codec alb.JSONCodec, data []byte, v any, strict bool) (err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s: Unmarshal panics: %v", name, p)
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return codec.Unmarshal(data, v, strict)
}

func (ch *checker) decodeDiff(name string, codec alb.JSONCodec, c DecodeCase) string {
	t := ch.t
	t.Helper()
	ref, got := c.New(), c.New()
	refErr := alb.StandardJSON{}.Unmarshal([]byte(c.Body), ref, c.Strict)
	body := []byte(c.Body)
	gotErr := unmarshal(t, name, codec, body, got, c.Strict)
	if string(body) != c.Body {
		t.Errorf("%s: Unmarshal modified the body", name)
	}
	ch.checkBodyError(name, gotErr, got)

	switch {
	case refErr == nil && gotErr == nil:
		if !equal(ref, got) {
			return fmt.Sprintf("decoded values differ: reference %s, codec %s", show(ref), show(got))
		}
		return ""
	case refErr == nil:
		return fmt.Sprintf("the reference accepts it (%s), the codec refuses it: %s", show(ref), describe(gotErr))
	case gotErr == nil:
		return fmt.Sprintf("the reference refuses it (%s), the codec accepts it: %s", describe(refErr), show(got))
	}
	var r, g *alb.JSONError
	if !errors.As(refErr, &r) || !errors.As(gotErr, &g) {
		return "" // reported by checkBodyError
	}
	if r.Kind != g.Kind || r.Field != g.Field || jsonType(r.Got) != jsonType(g.Got) || r.Want != g.Want {
		return fmt.Sprintf("the client is told something else: reference %s, codec %s", describe(refErr), describe(gotErr))
	}
	return ""
}

// describe shows what a client learns from err and the codec's own error.
func describe(err error) string {
	var je *alb.JSONError
	if !errors.As(err, &je) {
		return fmt.Sprintf("non-JSONError %q", err)
	}
	return fmt.Sprintf("%q [kind %d field %q got %q want %q; %v]", je.Error(), je.Kind, je.Field, je.Got, je.Want, je.Err)
}

func show(v any) string {
	s := fmt.Sprintf("%+v", reflect.ValueOf(v).Elem().Interface())
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// equal is reflect.DeepEqual, except that times are equal when they are
// the same instant with the same offset (a decoded time.Time holds a
// *time.Location of its own).
func equal(a, b any) bool {
	if ta, ok := a.(*Times); ok {
		tb := b.(*Times)
		return ta.At.Equal(tb.At) && ta.At.Format("Z07:00") == tb.At.Format("Z07:00")
	}
	return reflect.DeepEqual(a, b)
}

// jsonTypes are the values JSONError.Got and Want may hold.
var jsonTypes = []string{"string", "number", "boolean", "null", "object", "array"}

// checkBodyError checks that err, the error for a bad body decoded into
// target, is a *JSONError that a client can read.
func (c *checker) checkBodyError(name string, err error, target any) {
	c.t.Helper()
	if err == nil || strings.HasPrefix(err.Error(), "panic: ") {
		return
	}
	var je *alb.JSONError
	if !errors.As(err, &je) {
		c.errorf(name, "a bad body gives %T %q, not a *alb.JSONError", err, err)
		return
	}
	msg := je.Error()
	if msg == "" {
		c.errorf(name, "the JSONError's message is empty")
	}
	if je.Kind < alb.JSONSyntax || je.Kind > alb.JSONInvalidUTF8 {
		c.errorf(name, "JSONError kind %d is not one of alb's", je.Kind)
	}
	if goType := namedGoType(msg, reflect.TypeOf(target)); goType != "" {
		c.errorf(name, "the message %q names the Go type %s", msg, goType)
	}
	if je.Kind == alb.JSONType {
		// A JSON type, or "number" and the literal that does not fit.
		if first, _, _ := strings.Cut(je.Got, " "); !slices.Contains(jsonTypes, first) || first != je.Got && first != "number" {
			c.errorf(name, "Got %q is not a JSON type", je.Got)
		}
		if je.Want != "" && !slices.Contains(jsonTypes, je.Want) {
			c.errorf(name, "Want %q is not a JSON type", je.Want)
		}
	}
}

// jsonType returns the JSON type a Got names: encoding/json says "bool"
// for "boolean" and adds the literal to "number" ("number 300").
func jsonType(got string) string {
	got, _, _ = strings.Cut(got, " ")
	if got == "bool" {
		return "boolean"
	}
	return got
}

var word = regexp.MustCompile(`[A-Za-z0-9_]+`)

// goKinds are the names of Go's predeclared types and kinds that are not
// also JSON type names or ordinary words of a message ("byte").
var goKinds = []string{"bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
	"uint32", "uint64", "uintptr", "float32", "float64", "complex64", "complex128", "rune",
	"struct", "interface", "map", "slice", "ptr", "pointer", "func", "chan"}

// namedGoType returns a Go type msg names: one of the types reachable from
// t, or a predeclared type or kind as a word; or "".
func namedGoType(msg string, t reflect.Type) string {
	for _, w := range word.FindAllString(msg, -1) {
		if slices.Contains(goKinds, w) {
			return w
		}
	}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type) string
	walk = func(t reflect.Type) string {
		if seen[t] {
			return ""
		}
		seen[t] = true
		if s := t.String(); (t.Name() == "" || t.PkgPath() != "") && strings.Contains(msg, s) {
			return s
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			return walk(t.Elem())
		case reflect.Map:
			if s := walk(t.Key()); s != "" {
				return s
			}
			return walk(t.Elem())
		case reflect.Struct:
			for i := range t.NumField() {
				if s := walk(t.Field(i).Type); s != "" {
					return s
				}
			}
		}
		return ""
	}
	return walk(t)
}

// checkMisuse checks that a target that is not a non-nil pointer gives an
// error that is not a *JSONError.
func checkMisuse(t *testing.T, codec alb.JSONCodec) {
	t.Helper()
	for _, m := range []struct {
		name string
		v    any
	}{{"non-pointer", Basic{}}, {"nil", nil}, {"nil pointer", (*Basic)(nil)}} {
		err := unmarshal(t, "misuse "+m.name, codec, []byte(`{"name":"a"}`), m.v, false)
		var je *alb.JSONError
		switch {
		case err == nil:
			t.Errorf("misuse: Unmarshal into a %s gives no error", m.name)
		case errors.As(err, &je):
			t.Errorf("misuse: Unmarshal into a %s gives a *JSONError (a 400), not a bug (a 500): %v", m.name, err)
		}
	}
}

// appendMarshal calls codec.AppendMarshal, turning a panic into a test
// failure.
func appendMarshal(t *testing.T, name string, codec alb.JSONCodec, dst []byte, v any) (out []byte, err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s: AppendMarshal panics: %v", name, p)
			out, err = dst, fmt.Errorf("panic: %v", p)
		}
	}()
	return codec.AppendMarshal(dst, v)
}

const prefix = "prefix <&>:"

func encodeDiff(t *testing.T, name string, codec alb.JSONCodec, c EncodeCase) string {
	t.Helper()
	ref, refErr := alb.StandardJSON{}.AppendMarshal(nil, c.Value())
	got, gotErr := appendMarshal(t, name, codec, nil, c.Value())

	dst := append(make([]byte, 0, 16), prefix...)
	appended, appendErr := appendMarshal(t, name, codec, dst, c.Value())
	switch {
	case (appendErr == nil) != (gotErr == nil):
		t.Errorf("%s: AppendMarshal fails with one dst and not the other: %v, %v", name, gotErr, appendErr)
	case appendErr != nil && string(appended) != prefix:
		t.Errorf("%s: on error AppendMarshal returns %q, not dst %q", name, appended, prefix)
	case appendErr == nil && string(appended) != prefix+string(got):
		t.Errorf("%s: AppendMarshal(dst) gives %q, not dst then %q", name, appended, got)
	}

	switch {
	case refErr == nil && gotErr == nil:
		if !bytes.Equal(ref, got) {
			return fmt.Sprintf("encodings differ: reference %s, codec %s", clip(ref, got), clip(got, ref))
		}
		return ""
	case refErr == nil:
		return fmt.Sprintf("the reference encodes it, the codec fails: %v", gotErr)
	case gotErr == nil:
		return fmt.Sprintf("the reference fails (%v), the codec encodes it: %s", refErr, clip(got, nil))
	}
	return ""
}

// clip shows b from a little before where it first differs from other.
func clip(b, other []byte) string {
	i := 0
	for i < len(b) && i < len(other) && b[i] == other[i] {
		i++
	}
	start := max(0, i-20)
	end := min(len(b), i+60)
	s := fmt.Sprintf("%q", b[start:end])
	if start > 0 {
		s = "…" + s
	}
	if end < len(b) {
		s += "…"
	}
	return s
}
