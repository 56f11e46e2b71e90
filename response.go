package alb

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/albkit/alb/internal/warnhook"
)

// BodyEncoding says how a response body goes on the wire: as a JSON string
// with "isBase64Encoded": false, or as standard padded base64 (RFC 4648, no
// line breaks) with "isBase64Encoded": true, which the ALB decodes before it
// sends the bytes to the client. Either way the client receives exactly the
// bytes of the body.
//
// Whatever the encoding, an empty body goes out as "body": "" with
// "isBase64Encoded": false, and a body that would go out as text but whose
// escaped JSON string would take the response over the ALB's 1 MB limit
// goes out as base64 when that fits (escaping can make text up to six
// times longer, base64 only 4/3). Values other than the constants below
// behave as BodyAuto.
type BodyEncoding uint8

const (
	// BodyAuto, the zero value, sends the body as text when all of these
	// hold, and as base64 otherwise:
	//   - the media type of the first Content-Type header (before any ';',
	//     trimmed, ASCII case-insensitive) is text/*, application/json,
	//     application/xml, application/javascript, application/ecmascript,
	//     application/x-www-form-urlencoded, or ends in +json or +xml;
	//   - there is no non-empty Content-Encoding header;
	//   - the body is valid UTF-8.
	//
	// A body with no Content-Type goes out as base64.
	BodyAuto BodyEncoding = iota

	// BodyText sends the body as text whatever its Content-Type and
	// Content-Encoding. A body that is not valid UTF-8 still goes out as
	// base64: a JSON string can only carry valid UTF-8, and anything else
	// would reach the client altered or make the ALB answer 502.
	BodyText

	// BodyBase64 always sends a non-empty body as base64.
	BodyBase64
)

// SetCookiePolicy says what the encoder does with several Set-Cookie headers
// in single-value mode, where the response's "headers" object holds one
// value per name (contract rule 27). It does not matter in multi-value mode,
// where every Set-Cookie is its own element of the "Set-Cookie" array; the
// contract recommends enabling multi-value headers on the target group
// (lambda.multi_value_headers.enabled) for any application that sets more
// than one cookie.
type SetCookiePolicy uint8

const (
	// SetCookieLast, the default, sends only the last Set-Cookie, under the
	// first spelling of the name, and logs a warning that names the cookies
	// it dropped (the text of each value before '=').
	SetCookieLast SetCookiePolicy = iota

	// SetCookieCaseVariants sends every Set-Cookie, each under a differently
	// cased header name: "Set-Cookie" for the first, then, for the i-th
	// cookie after it (i = 1, 2, ...), "Set-Cookie" with the case of its
	// j-th letter flipped for every bit j set in i: "set-Cookie",
	// "SEt-Cookie", "sEt-Cookie", "SeT-Cookie", and so on. The nine letters
	// give 512 distinct names; cookies beyond the 512th are dropped with a
	// logged warning.
	//
	// This relies on the ALB sending each distinctly spelled key as its own
	// header line. That is undocumented ALB behaviour, used by some adapters
	// but with no published proof against a real ALB (contract rule 27), so
	// it is opt-in; verify it on your load balancer before depending on it.
	SetCookieCaseVariants
)

// response is what a handler builds: the Context owns one and the encoder
// turns it into the ALB's response JSON.
type response struct {
	// status is the HTTP status code; 0 means 200.
	status int

	// headers holds the header fields in the order they were set, with names
	// spelled as the caller gave them. Several entries may share a name
	// (ASCII case-insensitively). Entries between len and cap are always
	// zero: code that shortens the slice must clear the entries it drops.
	headers []field

	// body is the response body, sent as encoding says.
	body []byte

	encoding BodyEncoding
}

// reset makes r ready for reuse from a pool: status 0, no headers, no body,
// BodyAuto. It keeps the capacity of headers but zeroes the old entries, so r
// retains no string and no body that the previous request set.
func (r *response) reset() {
	clear(r.headers)
	r.headers = r.headers[:0]
	r.body = nil
	r.status = 0
	r.encoding = BodyAuto
}

// dropBodyHeaders removes the headers that describe a body (the
// representation metadata of RFC 9110 section 8, plus Content-Disposition,
// ETag, Last-Modified and Expires), for an error answer that replaces the
// body. It keeps the order of the others and clears what it drops.
func (r *response) dropBodyHeaders() {
	hs := r.headers
	kept := hs[:0]
	for _, f := range hs {
		if !isBodyHeader(f.name) {
			kept = append(kept, f)
		}
	}
	clear(hs[len(kept):])
	r.headers = kept
}

// bodyHeaders are the lower-case names dropBodyHeaders removes.
var bodyHeaders = [...]string{
	"content-type", "content-encoding", "content-language", "content-length",
	"content-location", "content-range", "content-disposition", "content-md5",
	"digest", "content-digest", "repr-digest", "etag", "last-modified", "expires",
}

func isBodyHeader(name string) bool {
	if len(name) < 4 {
		return false
	}
	for _, h := range bodyHeaders {
		if equalFoldLower(name, h) {
			return true
		}
	}
	return false
}

// maxResponseSize is the largest response JSON, in bytes, the encoder hands
// to the ALB. The ALB answers a bare 502 to a response JSON over "1 MB"
// (contract rule 30); this is the smaller reading of that limit.
const maxResponseSize = 1_000_000

// maxCookieVariants is how many Set-Cookie headers SetCookieCaseVariants can
// send: one per case variant of the nine letters of "Set-Cookie".
const maxCookieVariants = 1 << 9

// maxPooledBuffer is the largest capacity of a buffer that encode returns to
// responseBuffers.
const maxPooledBuffer = 2 << 20

// responseBuffers holds the buffers (*[]byte) that encode writes into.
//
// Lifetime rule: a buffer belongs to a single encode call, from Get to Put,
// and nothing outside that call ever sees it, because encode returns a copy
// of its bytes. A buffer whose capacity grew beyond maxPooledBuffer is left
// to the garbage collector instead of going back, so one huge response does
// not pin its memory for the rest of the execution environment's warm life.
//
// It is a plain sync.Pool, not bytebufferpool's calibrated pool: that one
// keeps only the sizes it saw most in its last 42,000 returns, so after many
// small responses every large one paid for new buffers again (measured in
// bench/: a 256 KiB response took 2.4 times as long, with 26 allocations
// instead of 2).
var responseBuffers sync.Pool

// encoder turns responses into the JSON object the ALB expects. The Router
// fills it from its exported settings; the zero value logs to
// slog.Default(), uses SetCookieLast and answers 500 in place of a response
// that is too large.
//
// Its methods only read its fields, so one encoder may be used by many
// goroutines at once as long as nobody changes the fields meanwhile.
type encoder struct {
	// logger receives the warnings about responses the encoder had to
	// change. nil means slog.Default().
	logger *slog.Logger

	// cookies is the policy for several Set-Cookie headers in single-value
	// mode.
	cookies SetCookiePolicy

	// tooLargeStatus is the status of the response sent in place of one
	// whose JSON would exceed maxResponseSize. 0 means 500.
	tooLargeStatus int

	// quiet, when set, makes warn log nothing.
	quiet bool

	// ctx is the context of the invocation whose response is being
	// encoded, for the warning hook it may carry (internal/warnhook); nil
	// in the Router's own encoder, set in the copy Router.encodeResponse
	// makes.
	ctx context.Context
}

// encode returns the ALB response JSON for r, in multi-value mode when
// multiValue is true, as appendResponse writes it. The returned slice is
// freshly allocated, never shared with a pool or with r, and belongs to the
// caller. A response that sizeHint expects to be at most maxDirectHint
// bytes is written straight into it: that is the only allocation when
// nothing needs logging and the hint was large enough. A larger one is
// written into a pooled buffer, which grows once, to the size sizeHint
// expects, if need be, and copied out exactly.
func (e *encoder) encode(r *response, multiValue bool) []byte {
	out, _ := e.encodeBuffered(r, multiValue, true)
	return out
}

// tryEncode is encode for a response that may be too large: when r's
// response JSON would exceed maxResponseSize, or its header block
// maxHeaderBlock, it writes nothing, logs nothing and returns nil and a
// *tooLargeError, so that the caller can answer otherwise.
func (e *encoder) tryEncode(r *response, multiValue bool) ([]byte, *tooLargeError) {
	return e.encodeBuffered(r, multiValue, false)
}

// encodeBuffered writes r's response JSON into a new slice, or into a
// pooled buffer and returns a copy of it, as encode says. When it is too large, it writes the replacement if replace
// is true, and returns nil and the error otherwise.
func (e *encoder) encodeBuffered(r *response, multiValue, replace bool) ([]byte, *tooLargeError) {
	if hint := sizeHint(r); hint <= maxDirectHint {
		b, tooLarge := e.appendChecked(make([]byte, 0, hint), r, multiValue)
		if tooLarge != nil {
			if !replace {
				return nil, tooLarge
			}
			b = e.appendTooLarge(b[:0], multiValue, tooLarge)
		}
		return b, nil
	}
	bp, _ := responseBuffers.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	// Grow once to the likely size: growing append by append would cost an
	// allocation per doubling.
	b := slices.Grow((*bp)[:0], sizeHint(r))
	b, tooLarge := e.appendChecked(b, r, multiValue)
	var out []byte
	if tooLarge == nil || replace {
		if tooLarge != nil {
			b = e.appendTooLarge(b, multiValue, tooLarge)
		}
		out = append([]byte(nil), b...) // not make+copy: that would zero it first
		tooLarge = nil
	}
	if cap(b) <= maxPooledBuffer {
		*bp = b
		responseBuffers.Put(bp)
	}
	return out, tooLarge
}

// maxDirectHint is the largest sizeHint for which encode writes straight
// into the slice it returns, rather than into a pooled buffer that it then
// copies. The hint counts a text body as base64, so the returned slice may
// have up to a third of the body's size in spare capacity: this keeps that
// waste small, while the copy it saves matters most for small responses.
const maxDirectHint = 16 << 10

// sizeHint estimates the length of r's response JSON: the envelope, the
// headers and the body as base64 (the larger of its two forms, so that a
// text body with a few escapes fits too), capped at the size limit.
func sizeHint(r *response) int {
	n := 160 + len(r.body)/3*4 + 4
	for i := range r.headers {
		n += len(r.headers[i].name) + len(r.headers[i].value) + 8
	}
	return min(n, maxResponseSize+1024)
}

// appendResponse appends the ALB response JSON for r to dst and returns the
// extended slice. multiValue selects the request's mode: the object carries
// "multiValueHeaders" (arrays of strings) when it is true and "headers"
// (strings) otherwise, never both (contract rules 3 and 25).
//
// The object always has exactly these keys, in this order, and never a JSON
// null (rules 20-22):
//
//	{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{},"body":""}
//
// What it guarantees about the content:
//   - statusCode is r.status, 200 for 0; a status outside 200-599 (a 1xx
//     is not a final status) becomes 500 with a logged warning. statusDescription is "<code> <reason>"
//     (rule 23, see appendStatusDescription).
//   - Headers keep the order in which their names first appear. Entries
//     whose names are equal ASCII case-insensitively become one key, spelled
//     as first seen: an array of all the values in order in multi-value
//     mode, the values joined with ", " in single-value mode, except
//     Set-Cookie, which follows e.cookies (rule 27).
//   - A header whose name is not an RFC 9110 token, or whose value holds a
//     control byte other than horizontal tab, a DEL or invalid UTF-8, is
//     dropped with a logged warning, so no value can split the response
//     (rules 24 and 28). Hop-by-hop headers (Connection, Keep-Alive,
//     Proxy-Connection, Proxy-Authenticate, Proxy-Authorization, TE,
//     Trailer, Transfer-Encoding, Upgrade) and Content-Length are dropped
//     silently (rule 28).
//   - The body goes out as text or as base64 as r.encoding says (rule 29),
//     except that a text body whose escaped form would make the object
//     larger than maxResponseSize goes out as base64 when that fits.
//   - The object written is never larger than maxResponseSize (rule 30),
//     and its header block never larger than maxHeaderBlock (rule 28). When
//     r's would be, a response with status e.tooLargeStatus (500 if 0),
//     Content-Type "text/plain; charset=utf-8" and the body
//     "response too large\n" is appended instead, in the same mode, and a
//     warning with the refused size is logged. The replacement carries none
//     of r's headers.
//
// Nothing in r is modified, and nothing in the result refers to r's memory.
func (e *encoder) appendResponse(dst []byte, r *response, multiValue bool) []byte {
	dst, tooLarge := e.appendChecked(dst, r, multiValue)
	if tooLarge != nil {
		dst = e.appendTooLarge(dst, multiValue, tooLarge)
	}
	return dst
}

// appendChecked is appendResponse without the replacement: when r's
// response would be too large, it appends nothing and says why. A text
// body whose escaped form makes the response too large goes out as base64
// when that fits: escaping can make text up to six times longer
// ("\u0000"), base64 only 4/3.
func (e *encoder) appendChecked(dst []byte, r *response, multiValue bool) ([]byte, *tooLargeError) {
	if n := headerBlockSize(r.headers); n > maxHeaderBlock {
		return dst, &tooLargeError{what: "header block", size: n, limit: maxHeaderBlock}
	}
	if len(r.body) > maxResponseSize { // neither form can fit: encode nothing
		return dst, &tooLargeError{what: "body", size: len(r.body), limit: maxResponseSize}
	}
	start := len(dst)
	dst, asBase64 := e.appendObject(dst, r, multiValue)
	size := len(dst) - start
	if size > maxResponseSize && !asBase64 && len(r.body) > 0 &&
		base64.StdEncoding.EncodedLen(len(r.body)) < maxResponseSize {
		forced := *r
		forced.encoding = BodyBase64
		quiet := *e // the first pass logged what there was to log
		quiet.quiet = true
		dst, _ = quiet.appendObject(dst[:start], &forced, multiValue)
		size = len(dst) - start
	}
	if size > maxResponseSize {
		return dst[:start], &tooLargeError{what: "JSON", size: size, limit: maxResponseSize}
	}
	return dst, nil
}

// ErrResponseTooLarge is the cause (see HTTPError.Err and errors.Is) of the
// error the router answers through its ErrorHandler in place of a response
// that the ALB would refuse for its size: a response JSON over the ALB's 1
// MB limit (contract rule 30) or a header block over 32 KiB (rule 28).
var ErrResponseTooLarge = errors.New("alb: response too large for the ALB")

// tooLargeError says which limit a response exceeded, and by how much. It
// matches ErrResponseTooLarge.
type tooLargeError struct {
	what        string // "JSON", "body" or "header block"
	size, limit int
}

func (e *tooLargeError) Error() string {
	return "alb: response " + e.what + " of " + strconv.Itoa(e.size) + " bytes is over the ALB's limit of " + strconv.Itoa(e.limit)
}

// Is reports whether target is ErrResponseTooLarge.
func (e *tooLargeError) Is(target error) bool { return target == ErrResponseTooLarge }

// maxHeaderBlock is the largest response header block the ALB forwards: it
// answers 502 to one over 32 K (contract rule 28).
const maxHeaderBlock = 32 << 10

// headerBlockSize bounds the size of the header block hs gives on the
// wire: each field as its own "name: value\r\n" line. Joining values in
// single-value mode only makes the block smaller.
func headerBlockSize(hs []field) int {
	n := 0
	for i := range hs {
		n += len(hs[i].name) + len(hs[i].value) + 4
	}
	return n
}

// appendTooLarge appends the response sent in place of one the ALB would
// refuse for its size: status e.tooLargeStatus (500 if 0), a plain-text body
// and none of the original headers. It logs why, with the refused size.
func (e *encoder) appendTooLarge(dst []byte, multiValue bool, why *tooLargeError) []byte {
	tooLarge := response{
		status:  e.tooLargeStatus,
		headers: tooLargeHeaders[:],
		body:    []byte(tooLargeBody),
	}
	if tooLarge.status == 0 {
		tooLarge.status = 500
	}
	e.warn("alb: response "+why.what+" over the ALB's limit; sent a replacement",
		slog.Int("size", why.size), slog.Int("limit", why.limit), slog.Int("status", tooLarge.status))
	dst, _ = e.appendObject(dst, &tooLarge, multiValue)
	return dst
}

// setTooLarge makes r the plain-text "response too large" answer with
// status, as appendTooLarge writes it.
func (r *response) setTooLarge(status int) {
	r.reset()
	r.status = status
	r.headers = append(r.headers, tooLargeHeaders[0])
	r.body = []byte(tooLargeBody)
}

// tooLargeHeaders and tooLargeBody make the response that appendResponse
// sends in place of one that is too large.
var tooLargeHeaders = [1]field{{name: "Content-Type", value: "text/plain; charset=utf-8"}}

const tooLargeBody = "response too large\n"

// appendObject appends the response object for r with no size check, and
// reports whether the body went out as base64; see appendResponse for what
// it guarantees.
func (e *encoder) appendObject(dst []byte, r *response, multiValue bool) ([]byte, bool) {
	status := r.status
	if status == 0 {
		status = 200
	} else if status < 200 || status > 599 {
		// A 1xx is not a final status: net/http clients take it as an
		// interim response and go on waiting for one.
		e.warn("alb: response status outside 200-599; sent 500 instead",
			slog.Int("status", status))
		status = 500
	}

	// done marks the header entries that are not (or no longer) to be
	// written: dropped ones, and duplicates already written with the first
	// entry of their name. A stack array covers the usual case.
	var doneWords [8]uint64
	done := doneWords[:]
	if n := (len(r.headers) + 63) / 64; n > len(done) {
		done = make([]uint64, n)
	}
	contentType, contentEncoded := e.screenHeaders(r.headers, done)
	base64Body := isBase64Body(r.body, r.encoding, contentType, contentEncoded)

	dst = append(dst, `{"statusCode":`...)
	dst = strconv.AppendInt(dst, int64(status), 10)
	dst = append(dst, `,"statusDescription":"`...)
	dst = appendStatusDescription(dst, status)
	if base64Body {
		dst = append(dst, `","isBase64Encoded":true,`...)
	} else {
		dst = append(dst, `","isBase64Encoded":false,`...)
	}
	if multiValue {
		dst = append(dst, `"multiValueHeaders":{`...)
		dst = appendMultiValueHeaders(dst, r.headers, done)
	} else {
		dst = append(dst, `"headers":{`...)
		dst = e.appendSingleValueHeaders(dst, r.headers, done)
	}
	dst = append(dst, `},"body":"`...)
	if base64Body {
		dst = base64.StdEncoding.AppendEncode(dst, r.body)
	} else {
		dst = appendJSONString(dst, view(r.body))
	}
	return append(dst, `"}`...), base64Body
}

// screenHeaders marks in done every entry of hs that must not be written,
// logging a warning for each invalid one, and reports the value of the first
// Content-Type that will be written and whether a non-empty Content-Encoding
// will be. done must have at least len(hs) bits.
func (e *encoder) screenHeaders(hs []field, done []uint64) (contentType string, contentEncoded bool) {
	haveType := false
	for i := range hs {
		h := &hs[i]
		switch {
		case isHopByHop(h.name):
			markDone(done, i)
			continue
		case !validHeaderName(h.name):
			markDone(done, i)
			e.warnHeader(h.name, "name is not an HTTP token")
			continue
		case !validHeaderValue(h.value):
			markDone(done, i)
			e.warnHeader(h.name, "value holds a control character or invalid UTF-8")
			continue
		}
		if !haveType && equalFoldLower(h.name, "content-type") {
			contentType, haveType = h.value, true
		} else if equalFoldLower(h.name, "content-encoding") && trimOWS(h.value) != "" {
			contentEncoded = true
		}
	}
	return contentType, contentEncoded
}

// appendMultiValueHeaders appends the members of the "multiValueHeaders"
// object, one key per name with an array of all its values, skipping and
// updating the entries marked in done.
func appendMultiValueHeaders(dst []byte, hs []field, done []uint64) []byte {
	first := true
	for i := range hs {
		if isDone(done, i) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		name := hs[i].name
		dst = appendKey(dst, name)
		dst = append(dst, `["`...)
		dst = appendJSONString(dst, hs[i].value)
		for k := i + 1; k < len(hs); k++ {
			if isDone(done, k) || !equalFold(hs[k].name, name) {
				continue
			}
			markDone(done, k)
			dst = append(dst, `","`...)
			dst = appendJSONString(dst, hs[k].value)
		}
		dst = append(dst, `"]`...)
	}
	return dst
}

// appendSingleValueHeaders appends the members of the "headers" object, one
// key per name with its values joined by ", " (Set-Cookie as e.cookies
// says), skipping and updating the entries marked in done.
func (e *encoder) appendSingleValueHeaders(dst []byte, hs []field, done []uint64) []byte {
	first := true
	for i := range hs {
		if isDone(done, i) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		name := hs[i].name
		if equalFoldLower(name, "set-cookie") {
			dst = e.appendSetCookies(dst, hs, i, done)
			continue
		}
		dst = appendKey(dst, name)
		dst = append(dst, '"')
		dst = appendJSONString(dst, hs[i].value)
		for k := i + 1; k < len(hs); k++ {
			if isDone(done, k) || !equalFold(hs[k].name, name) {
				continue
			}
			markDone(done, k)
			dst = append(dst, ", "...)
			dst = appendJSONString(dst, hs[k].value)
		}
		dst = append(dst, '"')
	}
	return dst
}

// appendSetCookies appends the single-value members for hs[i], the first
// Set-Cookie to be written, and every later one, as e.cookies says, and
// marks the later ones in done. It appends at least one member.
func (e *encoder) appendSetCookies(dst []byte, hs []field, i int, done []uint64) []byte {
	var dropped []string // cookie names; only allocated when a cookie is dropped
	if e.cookies == SetCookieCaseVariants {
		n := 0
		for k := i; k < len(hs); k++ {
			if k > i && (isDone(done, k) || !equalFoldLower(hs[k].name, "set-cookie")) {
				continue
			}
			markDone(done, k)
			if n == maxCookieVariants {
				dropped = append(dropped, cookieName(hs[k].value))
				continue
			}
			if n > 0 {
				dst = append(dst, ',')
			}
			dst = appendCookieVariant(dst, n)
			dst = append(dst, '"')
			dst = appendJSONString(dst, hs[k].value)
			dst = append(dst, '"')
			n++
		}
		if dropped != nil {
			e.warn("alb: more Set-Cookie headers than case variants of the name in single-value mode; dropped the rest",
				slog.Int("sent", maxCookieVariants),
				slog.String("dropped", strings.Join(dropped, ", ")))
		}
		return dst
	}

	last := i
	for k := i + 1; k < len(hs); k++ {
		if isDone(done, k) || !equalFoldLower(hs[k].name, "set-cookie") {
			continue
		}
		markDone(done, k)
		dropped = append(dropped, cookieName(hs[last].value))
		last = k
	}
	dst = appendKey(dst, hs[i].name)
	dst = append(dst, '"')
	dst = appendJSONString(dst, hs[last].value)
	dst = append(dst, '"')
	if dropped != nil {
		e.warn("alb: several Set-Cookie headers in single-value mode; sent only the last (enable multi-value headers on the target group)",
			slog.String("kept", cookieName(hs[last].value)),
			slog.String("dropped", strings.Join(dropped, ", ")))
	}
	return dst
}

// appendCookieVariant appends the JSON key `"Set-Cookie":` with the case of
// the j-th letter of Set-Cookie flipped for every bit j set in n, which
// must be below maxCookieVariants.
func appendCookieVariant(dst []byte, n int) []byte {
	name := [...]byte{'S', 'e', 't', '-', 'C', 'o', 'o', 'k', 'i', 'e'}
	j := 0
	for p, c := range name {
		if c == '-' {
			continue
		}
		if n>>j&1 != 0 {
			name[p] = c ^ 0x20
		}
		j++
	}
	dst = append(dst, '"')
	dst = append(dst, name[:]...)
	return append(dst, `":`...)
}

// cookieName returns the name of the cookie that a Set-Cookie value sets:
// the text before the first '=', trimmed of spaces and tabs.
func cookieName(setCookie string) string {
	name, _, _ := strings.Cut(setCookie, "=")
	return trimOWS(name)
}

// appendKey appends name as a JSON object key, `"name":`. name must be a
// valid token (validHeaderName): tokens hold no byte that JSON escapes.
func appendKey(dst []byte, name string) []byte {
	dst = append(dst, '"')
	dst = append(dst, name...)
	return append(dst, `":`...)
}

// isBase64Body reports whether a body goes out as base64; see BodyEncoding.
// contentType is the value of the first Content-Type header ("" if none) and
// contentEncoded whether there is a non-empty Content-Encoding.
func isBase64Body(body []byte, enc BodyEncoding, contentType string, contentEncoded bool) bool {
	switch {
	case len(body) == 0:
		return false
	case enc == BodyBase64:
		return true
	case enc == BodyText:
		return !utf8.Valid(body)
	default:
		return contentEncoded || !isTextMediaType(contentType) || !utf8.Valid(body)
	}
}

// isTextMediaType reports whether the media type of a Content-Type value
// (before any ';', trimmed, ASCII case-insensitive) is one that BodyAuto
// sends as text.
func isTextMediaType(contentType string) bool {
	switch contentType { // the types Context's writers set
	case "application/json", "text/plain; charset=utf-8", "text/html; charset=utf-8", "application/problem+json":
		return true
	}
	mt, _, _ := strings.Cut(contentType, ";")
	mt = trimOWS(mt)
	slash := strings.IndexByte(mt, '/')
	if slash <= 0 {
		return false
	}
	if equalFoldLower(mt[:slash+1], "text/") {
		return true
	}
	if n := len(mt) - len("+json"); n > slash && equalFoldLower(mt[n:], "+json") {
		return true
	}
	if n := len(mt) - len("+xml"); n > slash && equalFoldLower(mt[n:], "+xml") {
		return true
	}
	switch len(mt) {
	case len("application/xml"):
		return equalFoldLower(mt, "application/xml")
	case len("application/json"):
		return equalFoldLower(mt, "application/json")
	case len("application/javascript"): // and "application/ecmascript"
		return equalFoldLower(mt, "application/javascript") || equalFoldLower(mt, "application/ecmascript")
	case len("application/x-www-form-urlencoded"):
		return equalFoldLower(mt, "application/x-www-form-urlencoded")
	}
	return false
}

// isHopByHop reports whether name (ASCII case-insensitively) is a hop-by-hop
// header or Content-Length, which the ALB computes itself (contract rule 28).
func isHopByHop(name string) bool {
	switch len(name) {
	case len("te"):
		return equalFoldLower(name, "te")
	case len("trailer"): // and "upgrade"
		return equalFoldLower(name, "trailer") || equalFoldLower(name, "upgrade")
	case len("connection"): // and "keep-alive"
		return equalFoldLower(name, "connection") || equalFoldLower(name, "keep-alive")
	case len("content-length"):
		return equalFoldLower(name, "content-length")
	case len("proxy-connection"):
		return equalFoldLower(name, "proxy-connection")
	case len("transfer-encoding"):
		return equalFoldLower(name, "transfer-encoding")
	case len("proxy-authenticate"):
		return equalFoldLower(name, "proxy-authenticate")
	case len("proxy-authorization"):
		return equalFoldLower(name, "proxy-authorization")
	}
	return false
}

// tcharLow and tcharHigh are the bytes 0-63 and 64-127 that RFC 9110 allows
// in a token (tchar), as bit sets.
const (
	tcharLow uint64 = 1<<'!' | 1<<'#' | 1<<'$' | 1<<'%' | 1<<'&' | 1<<'\'' |
		1<<'*' | 1<<'+' | 1<<'-' | 1<<'.' | (1<<10-1)<<'0'
	tcharHigh uint64 = (1<<26-1)<<('A'-64) | 1<<('^'-64) | 1<<('_'-64) |
		1<<('`'-64) | (1<<26-1)<<('a'-64) | 1<<('|'-64) | 1<<('~'-64)
)

// validHeaderName reports whether name is a non-empty RFC 9110 token.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c < 64:
			if tcharLow>>c&1 == 0 {
				return false
			}
		case c < 128:
			if tcharHigh>>(c-64)&1 == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// validHeaderValue reports whether v may go out as a header value: valid
// UTF-8 holding no control byte except horizontal tab and no DEL, as
// net/http requires of outgoing values. In particular it holds no CR, LF or
// NUL.
func validHeaderValue(v string) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	b := stringBytes(v) // read only
	var high uint64
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		high |= w
		del := w ^ (ones * 0x7f)
		if ((w-ones*0x20)&^w|(del-ones)&^del)&highs != 0 && !validHeaderBytes(v[i:i+8]) {
			return false
		}
	}
	if !validHeaderBytes(v[i:]) {
		return false
	}
	for ; i < len(v); i++ {
		high |= uint64(v[i])
	}
	return high&highs == 0 || utf8.ValidString(v)
}

// validHeaderBytes reports whether v holds no control byte but tab: the
// exact test behind validHeaderValue's word-sized one, which also flags
// tab (and, past a flagged byte, may flag bytes that are fine).
func validHeaderBytes(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// jsonEscapes gives, for each byte, the character that follows the
// backslash in its JSON escape: a short form, or 'u' for \u00XX. It is 0
// for the bytes that are copied as they are.
var jsonEscapes = [256]byte{
	0x00: 'u', 0x01: 'u', 0x02: 'u', 0x03: 'u', 0x04: 'u', 0x05: 'u', 0x06: 'u', 0x07: 'u',
	0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'u', 0x0c: 'f', 0x0d: 'r', 0x0e: 'u', 0x0f: 'u',
	0x10: 'u', 0x11: 'u', 0x12: 'u', 0x13: 'u', 0x14: 'u', 0x15: 'u', 0x16: 'u', 0x17: 'u',
	0x18: 'u', 0x19: 'u', 0x1a: 'u', 0x1b: 'u', 0x1c: 'u', 0x1d: 'u', 0x1e: 'u', 0x1f: 'u',
	'"': '"', '\\': '\\',
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s escaped for the inside of a JSON string: '"',
// '\\' and the bytes below 0x20 are escaped (\b \t \n \f \r, else \u00XX);
// every other byte is copied, in runs found eight bytes at a time by
// scanString (the bytes it stops at are exactly those). s must be valid
// UTF-8, which the callers check: the output is then valid UTF-8 too.
func appendJSONString(dst []byte, s string) []byte {
	b := stringBytes(s) // read only
	start := 0
	for i := scanString(b, 0); i < len(s); i = scanString(b, i) {
		dst = append(dst, s[start:i]...)
		if esc := jsonEscapes[s[i]]; esc == 'u' {
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[s[i]>>4], hexDigits[s[i]&0xf])
		} else {
			dst = append(dst, '\\', esc)
		}
		i++
		start = i
	}
	return append(dst, s[start:]...)
}

// equalFold reports whether a and b are equal under ASCII case folding.
// It compares from the end: header names that differ mostly differ there
// ("X-Custom-1", "X-Custom-2"; "Content-Type", "Content-Encoding" differ in
// length), so a mismatch is usually found at the first byte it looks at.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := len(a) - 1; i >= 0; i-- {
		if ca, cb := a[i], b[i]; ca != cb && lowerASCII(ca) != lowerASCII(cb) {
			return false
		}
	}
	return true
}

// equalFoldLower reports whether s equals lower under ASCII case folding;
// lower must be in lower case.
func equalFoldLower(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lowerASCII(s[i]) != lower[i] {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// trimOWS returns s without leading and trailing spaces and tabs.
func trimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

func isDone(done []uint64, i int) bool { return done[i/64]>>(i%64)&1 != 0 }

func markDone(done []uint64, i int) { done[i/64] |= 1 << (i % 64) }

// warnHeader logs that a response header was dropped. The name is quoted,
// as it may hold any byte; the value is not logged, as it may be a secret.
func (e *encoder) warnHeader(name, reason string) {
	e.warn("alb: dropped an invalid response header",
		slog.String("header", strconv.Quote(name)),
		slog.String("reason", reason))
}

// warn logs msg with attrs at level Warn on e's logger, and hands them to
// the warning hook of e.ctx, if any, unless e is quiet.
func (e *encoder) warn(msg string, attrs ...slog.Attr) {
	if e.quiet {
		return
	}
	logger := e.logger
	if logger == nil {
		logger = slog.Default()
	}
	logger.LogAttrs(context.Background(), slog.LevelWarn, msg, attrs...)
	warnhook.Report(e.ctx, msg, attrs...)
}
