package alb

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// JSONCodec reads and writes the JSON bodies of a Router's requests and
// responses: Context.BindJSON, Context.BindJSONStrict and Context.JSON go
// through it. Set one on Router.JSONCodec; adapters for other JSON
// libraries implement it. A JSONCodec must be safe for concurrent use.
type JSONCodec interface {
	// AppendMarshal appends the JSON encoding of v to dst and returns the
	// extended slice. On error, what it appended is discarded.
	AppendMarshal(dst []byte, v any) ([]byte, error)

	// Unmarshal decodes the one JSON value in data into v. With strict
	// set, an object member that v has no field for is an error. Data
	// after the value, other than white space, is an error.
	//
	// A body that is not valid JSON, or does not fit v, gives a
	// *JSONError that says what is wrong in terms a client understands.
	// Any other error (v is not a non-nil pointer, say) is a bug in the
	// handler, which the router answers with 500.
	Unmarshal(data []byte, v any, strict bool) error
}

// JSONErrorKind says what is wrong with a JSON body.
type JSONErrorKind uint8

const (
	// JSONSyntax: the body is not valid JSON; Offset says where.
	JSONSyntax JSONErrorKind = iota + 1
	// JSONTruncated: the body ends inside a value.
	JSONTruncated
	// JSONType: a value has the wrong JSON type for its field: Got is the
	// JSON type found and Want, when the codec knows it, the one expected.
	JSONType
	// JSONUnknownField: an object member has no field (strict decoding).
	JSONUnknownField
	// JSONDuplicateField: an object has the same member name twice.
	JSONDuplicateField
	// JSONTrailingData: something other than white space follows the value.
	JSONTrailingData
	// JSONInvalid: anything else, such as a value its field cannot take
	// (a time not in RFC 3339) or a custom UnmarshalJSON that failed; the
	// detail stays in Err, Field names the member when the codec says.
	JSONInvalid
	// JSONInvalidUTF8: a string holds bytes that are not UTF-8; Offset
	// says where. (encoding/json replaces them with U+FFFD instead.)
	JSONInvalidUTF8
)

// JSONError says what is wrong with a JSON request body. Its Error text is
// meant for the client: it names byte offsets, JSON members and JSON types
// ("string", "number", "boolean", "null", "object", "array"), never Go
// types. BindJSON answers it with a 400 whose message is that text.
type JSONError struct {
	Kind JSONErrorKind

	// Offset is the byte offset in the body the problem was found at, or -1
	// when the codec does not say.
	Offset int64

	// Field is the member concerned as a dotted path ("items.qty", or
	// "items.0.qty" from a codec that counts array elements, as JSONv2
	// does), or "" for the top-level value or when the codec does not say.
	Field string

	// Got and Want are JSON types, for JSONType; Want may be "". For a
	// number that does not fit its field, Got may also carry the literal
	// ("number 300").
	Got, Want string

	// Err is the codec's own error: logged, never sent.
	Err error
}

// Error returns the message for the client.
func (e *JSONError) Error() string {
	switch e.Kind {
	case JSONSyntax:
		if e.Offset >= 0 {
			return "malformed JSON at byte " + strconv.FormatInt(e.Offset, 10)
		}
		return "malformed JSON"
	case JSONTruncated:
		return "truncated JSON"
	case JSONType:
		msg := "wrong JSON type: got " + e.Got
		if e.Field != "" {
			msg = "wrong type for field " + strconv.Quote(e.Field) + ": got JSON " + e.Got
		}
		if e.Want != "" {
			msg += ", want " + e.Want
		}
		return msg
	case JSONUnknownField:
		return "invalid JSON: unknown field " + strconv.Quote(e.Field)
	case JSONDuplicateField:
		if e.Field == "" {
			return "invalid JSON: duplicate field"
		}
		return "invalid JSON: duplicate field " + strconv.Quote(e.Field)
	case JSONTrailingData:
		return "invalid JSON: data after the JSON value"
	case JSONInvalidUTF8:
		if e.Offset >= 0 {
			return "invalid JSON: string at byte " + strconv.FormatInt(e.Offset, 10) + " is not valid UTF-8"
		}
		return "invalid JSON: a string is not valid UTF-8"
	}
	if e.Field != "" {
		return "invalid JSON value for field " + strconv.Quote(e.Field)
	}
	return "invalid JSON"
}

// Unwrap returns the codec's own error.
func (e *JSONError) Unwrap() error { return e.Err }

// StandardJSON is the JSONCodec of encoding/json, with its semantics:
// member names match fields case-insensitively, the last of duplicate
// members wins, and invalid UTF-8 in strings becomes U+FFFD.
type StandardJSON struct{}

// AppendMarshal appends json.Marshal's encoding of v to dst.
func (StandardJSON) AppendMarshal(dst []byte, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return dst, err
	}
	if dst == nil {
		return b, nil
	}
	return append(dst, b...), nil
}

// Unmarshal decodes data into v as json.Unmarshal does, or as a Decoder
// with DisallowUnknownFields when strict is set.
func (StandardJSON) Unmarshal(data []byte, v any, strict bool) error {
	var err error
	if strict {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err = dec.Decode(v); err == nil && len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
			return &JSONError{Kind: JSONTrailingData, Offset: dec.InputOffset()}
		}
	} else {
		err = json.Unmarshal(data, v)
	}
	if err == nil {
		return nil
	}
	var invalid *json.InvalidUnmarshalError
	if errors.As(err, &invalid) {
		return err
	}
	return standardJSONError(err)
}

// standardJSONError translates an error of encoding/json for a bad body.
func standardJSONError(err error) *JSONError {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		if strings.Contains(syntax.Error(), "after top-level value") {
			return &JSONError{Kind: JSONTrailingData, Offset: syntax.Offset, Err: err}
		}
		return &JSONError{Kind: JSONSyntax, Offset: syntax.Offset, Err: err}
	case errors.As(err, &typ):
		return &JSONError{Kind: JSONType, Offset: typ.Offset, Field: typ.Field, Got: jsonValueType(typ.Value), Want: JSONTypeOf(typ.Type), Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &JSONError{Kind: JSONTruncated, Offset: -1, Err: err}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if unquoted, uerr := strconv.Unquote(name); uerr == nil {
			name = unquoted
		}
		return &JSONError{Kind: JSONUnknownField, Offset: -1, Field: name, Err: err}
	}
	return &JSONError{Kind: JSONInvalid, Offset: -1, Err: err}
}

// jsonValueType returns encoding/json's UnmarshalTypeError.Value as a
// JSONError.Got: a JSON type ("string"), or "number" and the literal of a
// number that does not fit ("number 300"); the Go name "bool" it uses for
// a JSON boolean becomes "boolean".
func jsonValueType(value string) string {
	if value == "bool" {
		return "boolean"
	}
	return value
}

// JSONTypeOf returns the JSON type a value of Go type t decodes from, as a
// JSONError's Want: "boolean", "number", "string" (also for []byte, which
// JSON carries as base64), "object" or "array"; "" when t takes several (an
// interface, a type with its own UnmarshalJSON or UnmarshalText). Pointers
// are followed. JSONCodec adapters use it to fill Want.
func JSONTypeOf(t reflect.Type) string {
	if t == nil {
		return ""
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(jsonUnmarshalerType) || reflect.PointerTo(t).Implements(jsonUnmarshalerType) ||
		t.Implements(textUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return ""
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string" // base64
		}
		return "array"
	case reflect.Array:
		return "array"
	}
	return ""
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()
)
