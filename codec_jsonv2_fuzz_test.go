package alb

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzJSONv2Unmarshal checks JSONv2 against encoding/json: where both
// accept a body, they decode it to the same value unless the body is one
// of the documented differences (a name matched in another case, a
// duplicate name, a Go array of the wrong length, base64 with line
// breaks); where JSONv2 rejects it, its error is a well-formed client
// message.
func FuzzJSONv2Unmarshal(f *testing.F) {
	for _, tc := range jsonDiffCases {
		f.Add([]byte(tc.body), tc.strict)
	}
	f.Fuzz(func(t *testing.T, body []byte, strict bool) {
		var std, v2 dtOrder
		errStd := StandardJSON{}.Unmarshal(body, &std, strict)
		errV2 := JSONv2{}.Unmarshal(body, &v2, strict)
		if errV2 != nil {
			checkClientError(t, string(body), errV2)
			return
		}
		if errStd != nil {
			// JSON v2 accepts nothing encoding/json refuses, except
			// what tells them apart by design: ",string" and arrays.
			var a any
			if err := (StandardJSON{}).Unmarshal(body, &a, false); err != nil {
				t.Fatalf("JSON v2 accepts %q, which encoding/json finds malformed: %v", body, errStd)
			}
			return
		}
		if !utf8.Valid(body) {
			t.Fatalf("JSON v2 accepts invalid UTF-8 in %q", body)
		}
		// Both accept: the values agree unless a member name matched a
		// field in another case, or a Go array got the wrong length.
		if !reflect.DeepEqual(std, v2) && !foldedNameOrArray(body) {
			t.Fatalf("%q:\n\tencoding/json: %+v\n\tJSON v2:       %+v", body, std, v2)
		}
	})
}

// foldedNameOrArray reports whether body may hold a documented difference
// that decodes without error: a member name in another case than its
// field's (or a duplicate, which encoding/json takes last and JSON v2
// never sees for a folded name), or a Go array member.
func foldedNameOrArray(body []byte) bool {
	var m map[string]any
	if err := (StandardJSON{}).Unmarshal(body, &m, false); err != nil {
		return true // not an object at the top: decide nothing
	}
	fields := map[string]bool{}
	for _, name := range []string{"id", "name", "items", "tags", "small", "u", "f32", "n", "p", "qty", "ok", "at", "raw", "any", "intKeys", "d", "NoTag"} {
		fields[name] = true
	}
	for k, v := range m {
		if !fields[k] || k == "arr" {
			return true
		}
		if k == "items" && v != nil {
			return true // nested names: not checked member by member
		}
	}
	_, hasArr := m["arr"]
	return hasArr
}
