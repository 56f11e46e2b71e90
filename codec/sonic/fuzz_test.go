package sonic_test

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/albkit/alb"
	"github.com/albkit/alb/codec/sonic"
	"github.com/albkit/alb/internal/jsoncorpus"
)

// FuzzDecode decodes bodies into an Order with Codec and with the
// reference, alb.StandardJSON: both accept the same bodies and decode the
// same values, and a type error names the same field (the one the corpus
// finds no difference in when sonic places the error).
func FuzzDecode(f *testing.F) {
	for _, c := range jsoncorpus.Decodes {
		f.Add([]byte(c.Body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var ref, got jsoncorpus.Order
		refErr := alb.StandardJSON{}.Unmarshal(body, &ref, false)
		gotErr := sonic.Codec{}.Unmarshal(body, &got, false)
		if refErr != nil && gotErr == nil && hasBadEscape(body) {
			return // sonic's known gap: decode/skipped-bad-escape in the differences
		}
		if (refErr == nil) != (gotErr == nil) {
			t.Fatalf("reference: %v, sonic: %v", refErr, gotErr)
		}
		if refErr == nil {
			if !reflect.DeepEqual(ref, got) {
				t.Fatalf("reference decodes %+v, sonic %+v", ref, got)
			}
			return
		}
		var r, g *alb.JSONError
		if !errors.As(gotErr, &g) {
			t.Fatalf("sonic's error is %T %v, not a *alb.JSONError", gotErr, gotErr)
		}
		if errors.As(refErr, &r) && r.Kind == alb.JSONType && g.Kind == alb.JSONType && g.Offset >= 0 && withoutIndexes(r.Field) != withoutIndexes(g.Field) {
			t.Fatalf("reference names field %q, sonic %q (%v)", r.Field, g.Field, gotErr)
		}
	})
}

// hasBadEscape reports whether body holds a backslash that no JSON escape
// character follows.
func hasBadEscape(body []byte) bool {
	for i := 0; i < len(body); i++ {
		if body[i] == '\\' {
			if i+1 == len(body) || !strings.ContainsRune(`"\\/bfnrtu`, rune(body[i+1])) {
				return true
			}
			i++
		}
	}
	return false
}

// withoutIndexes drops the array indexes from a dotted field path
// ("items.1.qty" gives "items.qty"): encoding/json names them from Go 1.27
// on, and not before.
func withoutIndexes(field string) string {
	parts := strings.Split(field, ".")
	kept := parts[:0]
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err != nil {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ".")
}
