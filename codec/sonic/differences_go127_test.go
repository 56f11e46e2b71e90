//go:build go1.27

package sonic_test

// toolchainDifferences are the differences from encoding/json of Go 1.27
// on, where sonic still reports as encoding/json did before.
var toolchainDifferences = map[string]string{
	"decode/type-nested":           "the field path has no array index: items.quantity, not items.1.quantity",
	"decode/type-deeply-nested":    "the field path has no array index: orders.customer.id, not orders.0.customer.id",
	"decode/type-string-into-time": "a number for a time.Time is JSONInvalid, not a JSONType error",
	"decode/bytes-bad-base64":      "bad base64 is JSONInvalid, not a JSONType error",
	"encode/invalid-utf8":          `U+FFFD for invalid UTF-8 is written escaped, \ufffd, not as itself: the same string`,
}
