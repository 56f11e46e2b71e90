//go:build (amd64 && go1.17 && !go1.28) || (arm64 && go1.20 && !go1.28)

package sonic

import (
	"encoding/json"
	"errors"

	"github.com/albkit/alb"
	"github.com/bytedance/sonic/decoder"
)

// parsingInvalidChar is sonic's code for an unexpected byte.
const parsingInvalidChar = 2

// nativeError translates the errors of sonic's own decoder, or returns nil.
func nativeError(err error) *alb.JSONError {
	var syntax decoder.SyntaxError
	var syntaxPtr *decoder.SyntaxError
	var mismatch decoder.MismatchTypeError
	var mismatchPtr *decoder.MismatchTypeError
	switch {
	case errors.As(err, &syntaxPtr):
		syntax = *syntaxPtr
	case errors.As(err, &syntax):
	case errors.As(err, &mismatchPtr):
		return mismatchError(*mismatchPtr, err)
	case errors.As(err, &mismatch):
		return mismatchError(mismatch, err)
	default:
		return nil
	}
	kind := alb.JSONSyntax
	if syntax.Code == parsingInvalidChar && syntax.Pos > 0 && syntax.Pos <= len(syntax.Src) &&
		json.Valid([]byte(syntax.Src[:syntax.Pos])) {
		kind = alb.JSONTrailingData // a whole value, then more
	}
	return &alb.JSONError{Kind: kind, Offset: int64(syntax.Pos), Err: err}
}

func mismatchError(m decoder.MismatchTypeError, err error) *alb.JSONError {
	return &alb.JSONError{Kind: alb.JSONType, Offset: int64(m.Pos), Field: fieldAt(m.Src, m.Pos),
		Got: jsonTypeAt(m.Src, m.Pos), Want: alb.JSONTypeOf(m.Type), Err: err}
}
