// Package sonic is an alb.JSONCodec over github.com/bytedance/sonic, a JSON
// library that generates machine code for each Go type at run time (a JIT,
// on amd64 and arm64 with Go before 1.28; elsewhere sonic falls back to
// encoding/json, and so does Codec).
//
// Codec uses sonic's encoding/json-compatible configuration (ConfigStd):
// decoded strings are copies, so nothing a handler gets points into the
// request body; invalid UTF-8 becomes U+FFFD, as with encoding/json and not
// passed on to handlers and responses; HTML characters are escaped and map
// keys sorted on output, so responses are the same bytes as with
// alb.StandardJSON. ConfigDefault, faster, does none of these. The
// differences from alb.StandardJSON that remain are listed, with their
// reasons, in this package's differential test.
//
// Each Go type costs a compilation on its first use, in the first
// invocation that meets it: call Pretouch on a cold start for the types of
// the hot routes.
//
// Set it on a router:
//
//	r := alb.New()
//	r.JSONCodec = sonic.Codec{}
package sonic

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"

	"github.com/albkit/alb"
	"github.com/bytedance/sonic"
)

// Codec is the alb.JSONCodec of github.com/bytedance/sonic, configured as
// sonic.ConfigStd. Its zero value is ready to use and safe for concurrent
// use.
type Codec struct{}

var _ alb.JSONCodec = Codec{}

var (
	std = sonic.Config{
		EscapeHTML: true, SortMapKeys: true, CompactMarshaler: true, CopyString: true, ValidateString: true,
	}.Froze()
	strict = sonic.Config{
		EscapeHTML: true, SortMapKeys: true, CompactMarshaler: true, CopyString: true, ValidateString: true,
		DisallowUnknownFields: true,
	}.Froze()
)

// Pretouch compiles sonic's code for the type of v, and the types it
// holds, ahead of the first request that needs it.
func Pretouch(v any) error { return sonic.Pretouch(reflect.TypeOf(v)) }

// AppendMarshal appends sonic's encoding of v to dst: encoding/json's
// bytes. (sonic's EncodeInto, which appends, allocates more: it grows dst
// step by step and its HTML escaping copies the whole buffer.)
func (Codec) AppendMarshal(dst []byte, v any) ([]byte, error) {
	b, err := std.Marshal(v)
	if err != nil {
		return dst, err
	}
	if dst == nil {
		return b, nil
	}
	return append(dst, b...), nil
}

// Unmarshal decodes data into v with sonic, rejecting unknown members when
// strict is set. A bad body gives an *alb.JSONError.
func (Codec) Unmarshal(data []byte, v any, strictly bool) error {
	api := std
	if strictly {
		api = strict
	}
	if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &json.InvalidUnmarshalError{Type: reflect.TypeOf(v)}
	}
	err := api.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var invalid *json.InvalidUnmarshalError
	if errors.As(err, &invalid) {
		return err
	}
	return jsonError(err)
}

// jsonError translates an error of sonic for a bad body.
func jsonError(err error) *alb.JSONError {
	if je := nativeError(err); je != nil {
		return je
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		if strings.Contains(syntax.Error(), "after top-level value") {
			return &alb.JSONError{Kind: alb.JSONTrailingData, Offset: syntax.Offset, Err: err}
		}
		return &alb.JSONError{Kind: alb.JSONSyntax, Offset: syntax.Offset, Err: err}
	case errors.As(err, &typ):
		return &alb.JSONError{Kind: alb.JSONType, Offset: offsetOr(typ.Offset), Field: typ.Field,
			Got: jsonTypeOfValue(typ.Value), Want: alb.JSONTypeOf(typ.Type), Err: err}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if unquoted, uerr := strconv.Unquote(name); uerr == nil {
			name = unquoted
		}
		return &alb.JSONError{Kind: alb.JSONUnknownField, Offset: -1, Field: name, Err: err}
	}
	return &alb.JSONError{Kind: alb.JSONInvalid, Offset: -1, Err: err}
}

// offsetOr returns offset, or -1 (not known) for 0, which sonic leaves
// in the errors it does not place.
func offsetOr(offset int64) int64 {
	if offset == 0 {
		return -1
	}
	return offset
}

// jsonTypeOfValue returns the JSON type an UnmarshalTypeError's Value
// describes ("number", "number 300", "300", "bool", "string"...).
func jsonTypeOfValue(value string) string {
	value, _, _ = strings.Cut(value, " ")
	switch value {
	case "bool", "boolean":
		return "boolean"
	case "string", "number", "null", "object", "array":
		return value
	}
	if value != "" && (value[0] == '-' || '0' <= value[0] && value[0] <= '9') {
		return "number" // sonic gives the number that does not fit alone
	}
	return "" // not known: say nothing rather than something wrong
}

// jsonTypeAt returns the JSON type of the value that starts at src[pos].
func jsonTypeAt(src string, pos int) string {
	if pos < 0 || pos >= len(src) {
		return ""
	}
	switch src[pos] {
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "number"
	}
	return ""
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()
)
