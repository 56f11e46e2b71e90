package albevent

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// CheckUTF8 reports whether the ALB can forward r: nil, or an error naming
// the first part of r that is not valid UTF-8, checked in this order: the
// method, the target, each header name and value, and the body when it
// would travel as text (rule 17). The ALB refuses a request whose headers
// or text body are not valid UTF-8 (contract rule 16, access-log reason
// LambdaBadRequest) with a status the contract does not document. The
// method and target are checked too because a JSON event cannot carry
// them unchanged: Build would replace the bad bytes. For a health check
// only the method and target are checked.
func CheckUTF8(r Request) error {
	if !utf8.ValidString(r.Method) {
		return errors.New("albevent: rule 16: the method is not valid UTF-8")
	}
	if !utf8.ValidString(r.Target) {
		return errors.New("albevent: rule 16: the request target " + quote(r.Target) + " is not valid UTF-8")
	}
	if r.HealthCheck {
		return nil
	}
	for _, h := range r.Header {
		if !utf8.ValidString(h[0]) {
			return errors.New("albevent: rule 16: header name " + quote(h[0]) + " is not valid UTF-8")
		}
		if !utf8.ValidString(h[1]) {
			return errors.New("albevent: rule 16: header " + quote(h[0]) + " value is not valid UTF-8")
		}
	}
	if len(r.Body) > 0 && !isBase64(r.Header) && !utf8.Valid(r.Body) {
		return errors.New("albevent: rule 16: the text body is not valid UTF-8")
	}
	return nil
}

// maxQuoted is how many bytes of a string quote shows.
const maxQuoted = 64

// quote returns s Go-quoted, cut to maxQuoted bytes with "..." after the
// closing quote when longer.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:maxQuoted]) + "..."
}
