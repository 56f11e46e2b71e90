// Package goccy is an alb.JSONCodec over github.com/goccy/go-json, a
// faster drop-in replacement of encoding/json with the same semantics:
// member names match fields case-insensitively, the last of duplicate
// members wins, and invalid UTF-8 in strings becomes U+FFFD. The
// differences from alb.StandardJSON that remain are listed, with their
// reasons, in this package's differential test.
//
// Set it on a router:
//
//	r := alb.New()
//	r.JSONCodec = goccy.Codec{}
package goccy

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/albkit/alb"
	json "github.com/goccy/go-json"
)

// Codec is the alb.JSONCodec of github.com/goccy/go-json. Its zero value is
// ready to use and safe for concurrent use.
type Codec struct{}

var _ alb.JSONCodec = Codec{}

// AppendMarshal appends go-json's encoding of v to dst. The encoding is
// encoding/json's: HTML characters escaped, map keys sorted.
func (Codec) AppendMarshal(dst []byte, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return dst, err
	}
	if dst == nil {
		return b, nil
	}
	return append(dst, b...), nil
}

// Unmarshal decodes data into v as go-json's Unmarshal does, or as its
// Decoder with DisallowUnknownFields when strict is set. A bad body gives
// an *alb.JSONError.
func (Codec) Unmarshal(data []byte, v any, strict bool) error {
	var err error
	if strict {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err = dec.Decode(v); err == nil && len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
			return &alb.JSONError{Kind: alb.JSONTrailingData, Offset: dec.InputOffset()}
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
	return jsonError(err)
}

// jsonError translates an error of go-json for a bad body.
func jsonError(err error) *alb.JSONError {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		if strings.Contains(syntax.Error(), "after top-level value") {
			return &alb.JSONError{Kind: alb.JSONTrailingData, Offset: syntax.Offset, Err: err}
		}
		return &alb.JSONError{Kind: alb.JSONSyntax, Offset: syntax.Offset, Err: err}
	case errors.As(err, &typ):
		return &alb.JSONError{Kind: alb.JSONType, Offset: typ.Offset, Field: typ.Field,
			Got: jsonTypeOfValue(typ.Value), Want: alb.JSONTypeOf(typ.Type), Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &alb.JSONError{Kind: alb.JSONTruncated, Offset: -1, Err: err}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if unquoted, uerr := strconv.Unquote(name); uerr == nil {
			name = unquoted
		}
		return &alb.JSONError{Kind: alb.JSONUnknownField, Offset: -1, Field: name, Err: err}
	}
	return &alb.JSONError{Kind: alb.JSONInvalid, Offset: -1, Err: err}
}

// jsonTypeOfValue returns the JSON type an UnmarshalTypeError's Value
// describes ("number", "number 300", "bool", "string"...).
func jsonTypeOfValue(value string) string {
	value, _, _ = strings.Cut(value, " ")
	switch value {
	case "bool", "boolean":
		return "boolean"
	case "string", "number", "null", "object", "array":
		return value
	}
	return "" // not known: say nothing rather than something wrong
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()
)
