package goccy_test

import (
	"testing"

	"github.com/albkit/alb"
	"github.com/albkit/alb/codec/goccy"
	"github.com/albkit/alb/internal/jsoncorpus"
)

// differences are the inputs on which go-json differs from encoding/json,
// and why.
var differences = map[string]string{
	// Better errors.
	"decode/type-nested":           "the field path holds the array index: items.1.quantity",
	"decode/type-deeply-nested":    "the field path holds the array index: orders.0.customer.id",
	"decode/type-string-into-time": "a number for a time.Time is a JSONType error (field, got number), not JSONInvalid",
	"decode/bytes-bad-base64":      "bad base64 is a JSONType error (field, got string), not JSONInvalid",
	"decode/map-int-key-bad":       "a bad integer map key is reported at ik.x, not ik",
	// Worse errors.
	"decode/string-option-unquoted": `a bare number for a ",string" field is a JSONType error that says "got JSON number, want number", not JSONInvalid`,
	"decode/string-option-bad":      `"abc" for a ",string" int is a JSONType error that says "got JSON number, want number"`,
	// Decoding.
	"decode/bytes-null": "null leaves a []byte as it was instead of setting it to nil",
}

func TestCorpus(t *testing.T) { jsoncorpus.Compare(t, goccy.Codec{}, differences) }

func BenchmarkJSON(b *testing.B) {
	b.Run("codec=std", func(b *testing.B) { jsoncorpus.Bench(b, alb.StandardJSON{}) })
	b.Run("codec=goccy", func(b *testing.B) { jsoncorpus.Bench(b, goccy.Codec{}) })
}
