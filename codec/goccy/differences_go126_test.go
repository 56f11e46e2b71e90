//go:build !go1.27

package goccy_test

// toolchainDifferences are the differences from encoding/json before Go
// 1.27: go-json v0.12 reports errors as encoding/json of Go 1.27 does.
var toolchainDifferences = map[string]string{
	// Better errors, as encoding/json of Go 1.27 gives them.
	"decode/type-nested":           "the field path holds the array index: items.1.quantity",
	"decode/type-deeply-nested":    "the field path holds the array index: orders.0.customer.id",
	"decode/type-string-into-time": "a number for a time.Time is a JSONType error (field, got number), not JSONInvalid",
	"decode/bytes-bad-base64":      "bad base64 is a JSONType error (field, got string), not JSONInvalid",
	"decode/map-int-key-bad":       "a bad integer map key is reported at ik.x, not ik",
	// Worse errors.
	"decode/string-option-unquoted": `a bare number for a ",string" field is a JSONType error that says "got JSON number, want number", not JSONInvalid`,
	"decode/string-option-bad":      `"abc" for a ",string" int is a JSONType error that says "got JSON number, want number"`,
}
