//go:build !go1.27

package alb

import (
	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Before Go 1.27, JSONv2 is github.com/go-json-experiment/json, the code
// that became encoding/json/v2; codec_jsonv2_go127.go selects the standard
// library's. The two declare the same names here, so codec_jsonv2.go builds
// with either.

type (
	jsonv2SemanticError  = json.SemanticError
	jsonv2SyntacticError = jsontext.SyntacticError
	jsonv2Options        = json.Options
	jsonv2Encoder        = jsontext.Encoder
)

var (
	jsonv2Marshal          = json.Marshal
	jsonv2MarshalWrite     = json.MarshalWrite
	jsonv2Unmarshal        = json.Unmarshal
	jsonv2ErrUnknownName   = json.ErrUnknownName
	jsonv2ErrDuplicateName = jsontext.ErrDuplicateName
	jsonv2MarshalEncode    = json.MarshalEncode
	jsonv2String           = jsontext.String
	jsonv2Null             = jsontext.Null
	jsonv2BeginObject      = jsontext.BeginObject
	jsonv2EndObject        = jsontext.EndObject
)

// jsonv2Opts returns the options of JSONv2 (see its doc comment).
func jsonv2Opts() (marshal, unmarshal, strict jsonv2Options) {
	compat := json.JoinOptions(
		jsonv1.FormatDurationAsNano(true),
		jsonv1.FormatByteArrayAsArray(true),
		jsonv1.StringifyWithLegacySemantics(true),
	)
	marshal = json.JoinOptions(compat,
		json.FormatNilSliceAsNull(true),
		json.FormatNilMapAsNull(true),
		jsonv1.OmitEmptyWithLegacySemantics(true),
		json.Deterministic(true),
		jsontext.AllowInvalidUTF8(true),
		jsontext.AllowDuplicateNames(true),
	)
	unmarshal = json.JoinOptions(compat, json.RejectUnknownMembers(false))
	strict = json.JoinOptions(compat, json.RejectUnknownMembers(true))
	return marshal, unmarshal, strict
}

// jsonv2MapMarshalers returns the option that has map[string]string and
// map[string]any values, at any depth, written by marshalSortedMap.
func jsonv2MapMarshalers() jsonv2Options {
	return json.WithMarshalers(json.JoinMarshalers(
		json.MarshalToFunc(func(enc *jsontext.Encoder, m map[string]string) error {
			return marshalSortedMap(enc, m, writeStringValue)
		}),
		json.MarshalToFunc(func(enc *jsontext.Encoder, m map[string]any) error {
			return marshalSortedMap(enc, m, writeAnyValue)
		}),
	))
}
