// Package albcheck checks a Lambda function's response JSON the way an
// Application Load Balancer does before it answers the client.
//
// The rules are those of the project's ALB contract (docs/wire-contract.md,
// sections F to H), and every refusal names its rule number. A response the
// real ALB refuses reaches the client as the ALB's own 502 Bad Gateway page.
//
// Checking is strict: on top of what the ALB is reported to enforce, it
// applies the rules that this project's own responses must satisfy (a
// statusCode in 200-599, a statusDescription that starts with the code, no
// hop-by-hop or Content-Length headers, valid header names and values, no
// unknown top-level keys, valid UTF-8 everywhere). So an accepted response
// is one the ALB delivers, but a refused one is not necessarily one the ALB
// would refuse.
//
// The package keeps no state; its functions are safe for concurrent use.
// It is meant for tests and tools, not for the request path: it decodes the
// whole response with encoding/json.
package albcheck

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// MaxResponseSize is the largest response JSON the ALB accepts (contract
// rule 30, the smaller reading of "1 MB").
const MaxResponseSize = 1_000_000

// MaxHeaderBlock is the largest header block Validate accepts (contract
// rule 28: a response header block over 32 K makes the ALB answer 502). The
// block's size is the sum of len(name)+len(value)+4 (": " and CRLF) over
// every header line.
const MaxHeaderBlock = 32 << 10

// Error reports the first rule a response breaks, in the order in which
// Validate checks them.
type Error struct {
	Rule   int    // the contract rule number (20-30)
	Reason string // e.g. `"statusCode" is a string, not a number`
}

// Error returns "albcheck: rule N: reason".
func (e *Error) Error() string {
	return "albcheck: rule " + strconv.Itoa(e.Rule) + ": " + e.Reason
}

// fail returns an *Error for rule with a formatted reason.
func fail(rule int, format string, args ...any) *Error {
	return &Error{Rule: rule, Reason: fmt.Sprintf(format, args...)}
}

// Response is the decoded view of an accepted response, for the emulator:
// what the ALB would send to the client.
type Response struct {
	StatusCode int

	// StatusDescription is the response's "statusDescription", "" when
	// absent. Whether the ALB sends it as the reason phrase is unknown
	// (contract open question 7).
	StatusDescription string

	// Headers holds the name, value pairs in the order of the response
	// JSON: one per member of "headers" in single-value mode, one per array
	// element of "multiValueHeaders" in multi-value mode (several per name,
	// in array order; an empty array gives none). Names keep their case.
	// The real ALB does not promise to keep this order (contract rule 26).
	Headers [][2]string

	// Body is the body the client receives: the base64-decoded "body" when
	// "isBase64Encoded" is true, its UTF-8 bytes otherwise. It is nil when
	// the body is empty or absent.
	Body []byte
}

// topLevelKeys are the members a response may have (contract rule 21).
var topLevelKeys = [...]string{
	"statusCode", "statusDescription", "headers", "multiValueHeaders",
	"isBase64Encoded", "body",
}

// Validate reports whether resp is a response the ALB delivers to the client
// for a target group in the given mode (multiValue:
// lambda.multi_value_headers.enabled). nil means accepted; otherwise the
// error is an *Error naming the first rule broken, checked in this order:
//
//   - rule 30: resp is at most MaxResponseSize bytes (checked before
//     parsing);
//   - rule 20: resp is well-formed JSON holding a single object, with no
//     duplicate key in any object; "statusCode" is present and an integer
//     number written without fraction or exponent, in 200-599 (a 1xx is not a final status);
//   - rule 21: the object has no key other than "statusCode",
//     "statusDescription", "headers", "multiValueHeaders",
//     "isBase64Encoded" and "body" (keys are case-sensitive). Rule 21
//     lists the fields; whether the ALB minds extras is contract open
//     question 6;
//   - rule 22: no value at any depth is null;
//   - rule 23: "statusDescription", if present, is a string of valid UTF-8
//     that starts with the status code and a space ("200 OK") and holds no
//     CR, LF or NUL;
//   - rule 25: in single-value mode "multiValueHeaders" is absent, in
//     multi-value mode "headers" is absent (either may be omitted);
//   - rule 24: "headers" is an object of strings, "multiValueHeaders" an
//     object of arrays of strings;
//   - rule 28: every header name, even one with an empty array of values,
//     is a non-empty HTTP token and is not Content-Length or a hop-by-hop
//     header (Connection, Keep-Alive, Proxy-Connection, Proxy-Authenticate,
//     Proxy-Authorization, TE, Trailer, Transfer-Encoding, Upgrade; ASCII
//     case-insensitive); every value is valid UTF-8 with no CR, LF or NUL;
//     the header block is at most MaxHeaderBlock bytes;
//   - rule 29: "isBase64Encoded", if present, is a boolean and "body", if
//     present, a string; when "isBase64Encoded" is true the body is
//     standard padded base64 (RFC 4648, canonical padding bits) with no CR
//     or LF, otherwise it is valid UTF-8.
//
// Valid UTF-8 means the raw bytes are valid UTF-8 and no \u escape is an
// unpaired surrogate: encoding/json would silently turn either into U+FFFD.
// Every string of an accepted response is valid UTF-8 in this sense.
func Validate(resp []byte, multiValue bool) error {
	if _, err := decode(resp, multiValue); err != nil {
		return err
	}
	return nil
}

// Decode validates resp like Validate and returns what the ALB would send
// the client. The error, if not nil, is an *Error and the Response is nil.
// The Response shares no memory with resp.
func Decode(resp []byte, multiValue bool) (*Response, error) {
	r, err := decode(resp, multiValue)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// decode is Decode with a concrete error type, so that Validate and Decode
// never return a typed nil inside a non-nil error.
func decode(resp []byte, multiValue bool) (*Response, *Error) {
	if len(resp) > MaxResponseSize {
		return nil, fail(30, "the response is %d bytes, over the %d-byte limit", len(resp), MaxResponseSize)
	}
	obj, err := parse(resp)
	if err != nil {
		return nil, err
	}
	r := new(Response)
	if r.StatusCode, err = statusCode(obj); err != nil {
		return nil, err
	}
	for _, k := range obj.keys {
		if !isTopLevelKey(k) {
			return nil, fail(21, "unknown key %s in the response object", quote(k))
		}
	}
	for i, v := range obj.vals {
		if path, ok := findNull(v); ok {
			return nil, fail(22, "%s%s is null", quote(obj.keys[i]), path)
		}
	}
	if r.StatusDescription, err = statusDescription(obj, r.StatusCode); err != nil {
		return nil, err
	}
	if r.Headers, err = headers(obj, multiValue); err != nil {
		return nil, err
	}
	if r.Body, err = body(obj); err != nil {
		return nil, err
	}
	return r, nil
}

func isTopLevelKey(k string) bool {
	for _, t := range topLevelKeys {
		if k == t {
			return true
		}
	}
	return false
}

// statusCode returns the response's "statusCode" (rule 20).
func statusCode(obj *object) (int, *Error) {
	v, ok := obj.get("statusCode")
	if !ok {
		return 0, fail(20, `"statusCode" is missing`)
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, fail(20, `"statusCode" is %s, not a number`, kind(v))
	}
	s := n.String()
	if !isInteger(s) {
		return 0, fail(20, `"statusCode" %s is not an integer`, cut(s))
	}
	code, convErr := strconv.Atoi(s)
	if convErr != nil || code < 200 || code > 599 {
		return 0, fail(20, `"statusCode" %s is outside 200-599 (a 1xx is not a final status)`, cut(s))
	}
	return code, nil
}

// isInteger reports whether the JSON number s is written as an integer: an
// optional minus sign and digits, with no fraction or exponent.
func isInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// statusDescription returns the response's "statusDescription", "" when
// absent (rule 23).
func statusDescription(obj *object, code int) (string, *Error) {
	v, ok := obj.get("statusDescription")
	if !ok {
		return "", nil
	}
	t, ok := v.(text)
	if !ok {
		return "", fail(23, `"statusDescription" is %s, not a string`, kind(v))
	}
	if !t.valid {
		return "", fail(23, `"statusDescription" is not valid UTF-8`)
	}
	if prefix := strconv.Itoa(code) + " "; !strings.HasPrefix(t.s, prefix) {
		return "", fail(23, `"statusDescription" %s does not start with %s`, quote(t.s), quote(prefix))
	}
	if strings.ContainsAny(t.s, "\r\n\x00") {
		return "", fail(23, `"statusDescription" %s contains CR, LF or NUL`, quote(t.s))
	}
	return t.s, nil
}

// body returns the bytes the client receives (rule 29).
func body(obj *object) ([]byte, *Error) {
	b64 := false
	if v, ok := obj.get("isBase64Encoded"); ok {
		if b64, ok = v.(bool); !ok {
			return nil, fail(29, `"isBase64Encoded" is %s, not a boolean`, kind(v))
		}
	}
	v, ok := obj.get("body")
	if !ok {
		return nil, nil
	}
	t, ok := v.(text)
	if !ok {
		return nil, fail(29, `"body" is %s, not a string`, kind(v))
	}
	if t.s == "" {
		return nil, nil
	}
	if !b64 {
		if !t.valid {
			return nil, fail(29, `"body" is not valid UTF-8`)
		}
		return []byte(t.s), nil
	}
	// base64.StdEncoding skips CR and LF while decoding, so look for them
	// first: MIME-style line breaks made the ALB answer 502.
	if i := strings.IndexAny(t.s, "\r\n"); i >= 0 {
		return nil, fail(29, `"body" has a line break at offset %d of its base64`, i)
	}
	b, err := base64.StdEncoding.Strict().DecodeString(t.s)
	if err != nil {
		return nil, fail(29, `"body" is not standard padded base64: %v`, err)
	}
	return b, nil
}

// kind names the JSON type of a parsed value, with its article.
func kind(v any) string {
	switch v.(type) {
	case *object:
		return "an object"
	case []any:
		return "an array"
	case text:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// maxQuoted is how many bytes of a string quote shows.
const maxQuoted = 64

// quote returns s Go-quoted, cut to maxQuoted bytes with "..." after the
// closing quote when longer, so that a reason stays readable.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:maxQuoted]) + "..."
}

// cut returns s, which needs no quoting (a JSON number), cut to maxQuoted
// bytes with "..." when longer.
func cut(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	return s[:maxQuoted] + "..."
}
