package alb

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math/bits"
	"slices"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// ErrMalformedEvent is matched, with errors.Is, by every error that reports
// an event payload that is not a well-formed ALB event.
var ErrMalformedEvent = errors.New("alb: malformed ALB event")

// EventError reports why an event payload could not be decoded. It matches
// ErrMalformedEvent with errors.Is.
type EventError struct {
	Offset int    // byte offset in the payload at which decoding stopped
	Reason string // what was expected or found there
}

// Error returns "alb: malformed ALB event at byte N: reason".
func (e *EventError) Error() string {
	return "alb: malformed ALB event at byte " + strconv.Itoa(e.Offset) + ": " + e.Reason
}

// Is reports whether target is ErrMalformedEvent.
func (e *EventError) Is(target error) bool { return target == ErrMalformedEvent }

// maxNesting is the deepest nesting of arrays and objects accepted in an
// event, counting the event object itself as 1. It is the limit of
// encoding/json, so that both accept and reject the same payloads.
const maxNesting = 10000

// The four collections an event can carry. Only the pair matching the mode is
// used; the other pair is decoded (it must be well-formed) and ignored.
const (
	colHeaders = iota
	colMultiHeaders
	colQuery
	colMultiQuery
	numCols
)

// request is the decoded view of one ALB event.
//
// Every string in it is a view into the payload given to decodeEvent. Invoke
// decodes a small payload in the request's pooled buffer (pool), which the
// next request overwrites, and then moves what the request always hands out
// (the path, the query, the target group ARN and a text body) to memory of
// its own that is never reused (own). Header names and values stay in the
// pool: they are most of an event and few are read, so each is copied out
// when it is handed out (stable). A large payload is decoded in a private
// copy of its own instead, which is never reused either.
type request struct {
	method         string
	rawPath        string // the path exactly as sent, still percent-encoded
	body           string // the body exactly as sent: base64 text when isBase64
	isBase64       bool
	targetGroupARN string

	// multiValue reports the target group's mode: true when the event
	// carried a non-null "multiValueHeaders" object (contract rule 3).
	multiValue bool

	// headers and query are the mode's collections, in event order. Header
	// names are as sent (the ALB lower-cases them); query keys and values
	// are raw, still percent-encoded (rule 8). In multi-value mode each
	// array element is one field, so a name may repeat.
	headers []field
	query   []field

	cols [numCols][]field // storage for the four collections, reused

	// spare is free room in memory of the request's own: the tail of the
	// allocation own makes, or of a large payload's private copy, or new
	// room made by tail. It has len 0, its capacity the room left. Small
	// strings the request hands out (decoded query values, cookies, header
	// values copied out of the pool by stable) are carved from it by keep,
	// front to back, so each byte is written once and never again: a
	// carved string stays unchanged for as long as anything refers to it.
	// It is nil until a decode or tail makes it, and never shared between
	// two requests (Context.Copy drops it).
	spare []byte

	// pool is the buffer small payloads are copied to and decoded in, kept
	// from request to request: nothing in it may be handed out (see stable).
	pool []byte

	// dirty[i] is how many entries of cols[i] may hold strings of earlier
	// requests. reset leaves them for the next decode to overwrite, which
	// is cheaper than clearing them twice; settle clears the rest.
	dirty [numCols]int
}

// reset empties r for reuse. The entries of its collections are left for
// the next decode to overwrite; settle, which every decode ends with, clears
// those it did not, so that nothing of an earlier payload stays reachable
// once the next request is decoded.
func (r *request) reset() {
	for i := range r.cols {
		r.dirty[i] = max(r.dirty[i], len(r.cols[i]))
		r.cols[i] = r.cols[i][:0]
	}
	r.method, r.rawPath, r.body, r.targetGroupARN = "", "", "", ""
	r.isBase64, r.multiValue = false, false
	r.headers, r.query = nil, nil
	r.spare = nil
}

// spareRoom is how many bytes of free room the request's own memory has
// at least, for the strings carved by keep: two cookies or a few decoded
// query values or header values.
const spareRoom = 256

// poolLimit is the largest payload decoded in the pooled buffer. A larger
// one is decoded in a private copy of its own: its body is most of it, and
// has to be copied out anyway.
const poolLimit = 32 << 10

// decodePayload decodes payload into r, as decodeEvent does, without
// modifying payload. A payload of at most poolLimit bytes is copied to r's
// pooled buffer and decoded there, and then what the request always hands
// out is moved to memory of its own (see own); a larger one is decoded in
// a private copy that is never reused. Either way the request ends with
// free room for carving (spare).
func (r *request) decodePayload(payload []byte) error {
	if len(payload) > poolLimit {
		// slices.Grow rounds the capacity up to the allocator's size
		// class: the room is spareRoom plus whatever that rounding leaves.
		raw := append(slices.Grow([]byte(nil), len(payload)+spareRoom), payload...)
		err := decodeEvent(raw, r)
		r.spare = raw[len(raw):]
		return err
	}
	r.pool = append(r.pool[:0], payload...)
	err := decodeEvent(r.pool, r)
	r.own() // on an error too: what was decoded may still be read
	return err
}

// own moves the request line, the query, the target group ARN and a text
// body out of the pooled buffer, into one new allocation with spareRoom
// bytes to spare beyond them. The method is one of the usual ones,
// interned, or copied too. A base64 body is left: it is decoded into new
// memory before anything reads it.
func (r *request) own() {
	n := len(r.rawPath) + len(r.targetGroupARN) + spareRoom
	if !r.isBase64 {
		n += len(r.body)
	}
	if r.method = internMethod(r.method); r.pooled(r.method) {
		n += len(r.method)
	}
	for _, f := range r.query {
		n += len(f.name) + len(f.value)
	}
	b := slices.Grow([]byte(nil), n)
	b = r.moveOut(b, &r.method)
	b = r.moveOut(b, &r.rawPath)
	b = r.moveOut(b, &r.targetGroupARN)
	if !r.isBase64 {
		b = r.moveOut(b, &r.body)
	}
	for i := range r.query {
		b = r.moveOut(b, &r.query[i].name)
		b = r.moveOut(b, &r.query[i].value)
	}
	r.spare = b[len(b):]
}

// moveOut appends *s to b and points *s at the copy when *s is a view into
// the pooled buffer. b should have room for it: appending beyond its
// capacity leaves the copies made so far where they are, which is safe,
// but allocates again.
func (r *request) moveOut(b []byte, s *string) []byte {
	if r.pooled(*s) {
		start := len(b)
		b = append(b, *s...)
		*s = view(b[start:])
	}
	return b
}

// detach moves everything r still holds in the pooled buffer (the
// headers, a base64 body) to one new allocation, for a request that must
// outlive the next decode (Context.Copy). r.headers gets a new backing
// array: the old one is shared with the request r was copied from.
func (r *request) detach() {
	n := 0
	for _, f := range r.headers {
		if r.pooled(f.name) {
			n += len(f.name)
		}
		if r.pooled(f.value) {
			n += len(f.value)
		}
	}
	if r.pooled(r.body) {
		n += len(r.body)
	}
	b := make([]byte, 0, n) // no allocation when nothing is pooled
	r.headers = slices.Clone(r.headers)
	for i := range r.headers {
		b = r.moveOut(b, &r.headers[i].name)
		b = r.moveOut(b, &r.headers[i].value)
	}
	r.moveOut(b, &r.body)
	r.query = slices.Clone(r.query)
	r.cols = [numCols][]field{}
	r.pool, r.spare = nil, nil
}

// internMethod returns the method as a constant when it is one of the
// usual ones, so that it needs no memory of its own.
func internMethod(m string) string {
	switch m {
	case "GET":
		return "GET"
	case "POST":
		return "POST"
	case "PUT":
		return "PUT"
	case "PATCH":
		return "PATCH"
	case "DELETE":
		return "DELETE"
	case "HEAD":
		return "HEAD"
	case "OPTIONS":
		return "OPTIONS"
	}
	return m
}

// pooled reports whether s is a view into the pooled buffer, which the
// next request overwrites.
func (r *request) pooled(s string) bool {
	if len(s) == 0 || cap(r.pool) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	base := uintptr(unsafe.Pointer(unsafe.SliceData(r.pool)))
	return p-base < uintptr(cap(r.pool))
}

// stable returns s for handing out: s itself, or, when it is a view into
// the pooled buffer, a copy carved from the free room (see tail), so that
// what a handler receives stays unchanged for as long as it is referred
// to.
func (r *request) stable(s string) string {
	if !r.pooled(s) {
		return s
	}
	return r.keep(append(r.tail(len(s)), s...))
}

// tail returns a slice of length 0 to append a string of at most n bytes
// to before keep: the free room when n bytes fit, or else new free room of
// at least n bytes, which becomes the request's. Appending beyond its
// capacity moves the string to a new allocation, as append does.
func (r *request) tail(n int) []byte {
	if n > cap(r.spare) {
		r.spare = make([]byte, 0, max(n, spareRoom))
	}
	return r.spare
}

// keep returns b, which was appended to tail(), as a string, and takes the
// bytes it used out of the free room, so that nothing writes them again.
func (r *request) keep(b []byte) string {
	if len(b) > 0 && cap(r.spare) > 0 && unsafe.SliceData(b) == unsafe.SliceData(r.spare) {
		r.spare = r.spare[len(b):len(b)]
	}
	return view(b)
}

// unescapeQuery is the package's unescapeQuery, with a decoded string
// carved from the request's free room (spare) when it fits.
func (r *request) unescapeQuery(s string) string {
	b, changed := appendUnescape(r.spare, s, true) // it grows b to size if need be
	if !changed {
		return s
	}
	return r.keep(b)
}

// settle clears the entries an earlier request left beyond the collections'
// new lengths.
func (r *request) settle() {
	for i := range r.cols {
		if n := len(r.cols[i]); r.dirty[i] > n {
			clear(r.cols[i][n:r.dirty[i]])
		}
		r.dirty[i] = len(r.cols[i])
	}
}

// decodeEvent decodes an ALB event from buf into r, replacing what r held.
//
// It makes one pass over buf and builds no generic JSON tree: the strings in
// r are views into buf, and JSON escapes are resolved in place, so buf is
// modified and must not be decoded again or changed afterwards. Decoding
// allocates nothing once r's collections have grown to the event's size.
//
// The schema is the ALB's (events.ALBTargetGroupRequest): keys are matched
// exactly, unknown keys are skipped at any depth, a null or missing field is
// empty (rule 4), a null string is "". A leading UTF-8 byte order mark is
// accepted. Bytes that are not valid UTF-8 are passed through unchanged
// (the ALB itself rejects such requests, rule 16). Anything else that is not
// well-formed JSON, a value of the wrong type for a known key, a top-level
// value that is not an object, and nesting deeper than encoding/json's limit
// of 10000 give an *EventError.
func decodeEvent(buf []byte, r *request) error {
	r.reset()
	d := decoder{buf: buf}
	if len(buf) >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF {
		d.pos = 3
	}
	multi := false
	d.space()
	if err := d.open('{', "the event is not a JSON object"); err != nil {
		return err
	}
	for more := d.more('}'); more; {
		key, err := d.key()
		if err != nil {
			return err
		}
		switch key {
		case "httpMethod":
			r.method, err = d.stringOrNull(`"httpMethod" is not a string`)
		case "path":
			r.rawPath, err = d.stringOrNull(`"path" is not a string`)
		case "body":
			r.body, err = d.stringOrNull(`"body" is not a string`)
		case "isBase64Encoded":
			r.isBase64, err = d.boolOrNull(`"isBase64Encoded" is not a boolean`)
		case "headers":
			_, err = d.stringMap(&r.cols[colHeaders], `"headers" is not an object of strings`)
		case "queryStringParameters":
			_, err = d.stringMap(&r.cols[colQuery], `"queryStringParameters" is not an object of strings`)
		case "multiValueHeaders":
			multi, err = d.arrayMap(&r.cols[colMultiHeaders], `"multiValueHeaders" is not an object of string arrays`)
		case "multiValueQueryStringParameters":
			_, err = d.arrayMap(&r.cols[colMultiQuery], `"multiValueQueryStringParameters" is not an object of string arrays`)
		case "requestContext":
			err = d.requestContext(r)
		default:
			err = d.skip(1)
		}
		if err != nil {
			return err
		}
		if more, err = d.next('}', "the event object"); err != nil {
			return err
		}
	}
	d.space()
	if d.pos != len(buf) {
		return d.fail("data after the event object")
	}
	r.settle()
	r.multiValue = multi
	if multi {
		r.headers, r.query = r.cols[colMultiHeaders], r.cols[colMultiQuery]
	} else {
		r.headers, r.query = r.cols[colHeaders], r.cols[colQuery]
	}
	return nil
}

// decoder is the cursor of decodeEvent over one payload.
type decoder struct {
	buf []byte
	pos int
}

func (d *decoder) fail(reason string) error {
	return &EventError{Offset: d.pos, Reason: reason}
}

// space skips JSON white space. Events are compact JSON, so the first test,
// which is inlined, usually finds none.
func (d *decoder) space() {
	if d.pos < len(d.buf) && d.buf[d.pos] > ' ' {
		return
	}
	d.spaceRun()
}

// spaceRun is the loop of space.
func (d *decoder) spaceRun() {
	for d.pos < len(d.buf) {
		switch d.buf[d.pos] {
		case ' ', '\n', '\t', '\r':
			d.pos++
		default:
			return
		}
	}
}

// open consumes the byte c, which opens an object or array, or fails with
// reason.
func (d *decoder) open(c byte, reason string) error {
	if d.pos < len(d.buf) && d.buf[d.pos] == c {
		d.pos++
		return nil
	}
	return d.fail(reason)
}

// more is called right after an opening bracket. It reports whether the
// container has members, consuming the closing byte if it does not.
func (d *decoder) more(closing byte) bool {
	d.space()
	if d.pos < len(d.buf) && d.buf[d.pos] == closing {
		d.pos++
		return false
	}
	return true
}

// next is called after a member. It consumes the ',' before another member
// (and reports true) or the closing byte (and reports false).
func (d *decoder) next(closing byte, what string) (bool, error) {
	if d.comma() {
		return true, nil
	}
	return d.nextSpaced(closing, what)
}

// comma consumes a ',' that no white space follows or precedes, the compact
// form of next's common case, and reports whether it did. It is inlined.
func (d *decoder) comma() bool {
	if p := d.pos; p+1 < len(d.buf) && d.buf[p] == ',' && d.buf[p+1] > ' ' {
		d.pos = p + 1
		return true
	}
	return false
}

// nextSpaced is next for every form but the one comma consumes.
func (d *decoder) nextSpaced(closing byte, what string) (bool, error) {
	d.space()
	if d.pos < len(d.buf) {
		switch d.buf[d.pos] {
		case ',':
			d.pos++
			d.space()
			return true, nil
		case closing:
			d.pos++
			return false, nil
		}
	}
	return false, d.fail("expected ',' or '" + string(closing) + "' in " + what)
}

// key decodes an object key and the ':' after it, leaving the cursor on the
// value.
func (d *decoder) key() (string, error) {
	if d.pos >= len(d.buf) || d.buf[d.pos] != '"' {
		return "", d.fail("expected a string key")
	}
	k, err := d.str()
	if err != nil {
		return "", err
	}
	// The compact form, "key":value, takes one test.
	if p := d.pos; p+1 < len(d.buf) && d.buf[p] == ':' && d.buf[p+1] > ' ' {
		d.pos = p + 1
		return k, nil
	}
	d.space()
	if d.pos >= len(d.buf) || d.buf[d.pos] != ':' {
		return "", d.fail("expected ':' after an object key")
	}
	d.pos++
	d.space()
	return k, nil
}

// literal consumes the JSON literal lit ("null", "true" or "false").
func (d *decoder) literal(lit string) bool {
	if len(d.buf)-d.pos >= len(lit) && string(d.buf[d.pos:d.pos+len(lit)]) == lit {
		d.pos += len(lit)
		return true
	}
	return false
}

// stringOrNull decodes a string, or null as "".
func (d *decoder) stringOrNull(reason string) (string, error) {
	if d.pos < len(d.buf) {
		switch d.buf[d.pos] {
		case '"':
			return d.str()
		case 'n':
			if d.literal("null") {
				return "", nil
			}
		}
	}
	return "", d.typeError(reason)
}

// boolOrNull decodes true or false, or null as false.
func (d *decoder) boolOrNull(reason string) (bool, error) {
	switch {
	case d.literal("true"):
		return true, nil
	case d.literal("false"), d.literal("null"):
		return false, nil
	}
	return false, d.typeError(reason)
}

// typeError reports a value of the wrong type for a known key. A value that
// is not even well-formed JSON is reported as such instead.
func (d *decoder) typeError(reason string) error {
	at := d.pos
	if err := d.skip(1); err != nil {
		return err
	}
	return &EventError{Offset: at, Reason: reason}
}

// members decodes an object, or null, calling member with the cursor on the
// value of each key in turn. It reports whether the value was an object.
func (d *decoder) members(reason string, member func(key string) error) (bool, error) {
	if d.literal("null") {
		return false, nil
	}
	if d.pos >= len(d.buf) || d.buf[d.pos] != '{' {
		return false, d.typeError(reason)
	}
	d.pos++
	for more := d.more('}'); more; {
		key, err := d.key()
		if err != nil {
			return false, err
		}
		if err := member(key); err != nil {
			return false, err
		}
		if more, err = d.next('}', "an object"); err != nil {
			return false, err
		}
	}
	return true, nil
}

// object consumes the '{' that opens an object, or null. It reports whether
// the value is an object, whose members follow, and fails with reason, as
// members does, when it is neither.
func (d *decoder) object(reason string) (bool, error) {
	if d.pos < len(d.buf) && d.buf[d.pos] == '{' {
		d.pos++
		return true, nil
	}
	if d.literal("null") {
		return false, nil
	}
	return false, d.typeError(reason)
}

// stringMap decodes an object of strings (or null) into col, one field per
// member. It reports whether the value was an object. Every event's headers
// go through it: it is members written out, without a call per member for
// the closure, and compact members take one call, to pair.
func (d *decoder) stringMap(col *[]field, reason string) (bool, error) {
	if ok, err := d.object(reason); !ok {
		return false, err
	}
	fields := *col
	defer func() { *col = fields }()
	for more := d.more('}'); more; {
		if name, value, ok := d.pair(); ok {
			fields = append(fields, field{name, value})
		} else if err := d.stringMember(&fields, reason); err != nil {
			return false, err
		}
		if d.comma() {
			continue
		}
		var err error
		if more, err = d.nextSpaced('}', "an object"); err != nil {
			return false, err
		}
	}
	return true, nil
}

// stringMember is stringMap's general path: it decodes a member whose value
// is a string, or null, and appends its field to fields.
func (d *decoder) stringMember(fields *[]field, reason string) error {
	name, err := d.key()
	if err != nil {
		return err
	}
	value, err := d.stringOrNull(reason)
	*fields = append(*fields, field{name, value})
	return err
}

// arrayMap decodes an object of string arrays (or null) into col, one field
// per array element, in order. It reports whether the value was an object.
// It is written as stringMap is, with arrayPair for compact members.
func (d *decoder) arrayMap(col *[]field, reason string) (bool, error) {
	if ok, err := d.object(reason); !ok {
		return false, err
	}
	fields := *col
	defer func() { *col = fields }()
	for more := d.more('}'); more; {
		if name, value, ok := d.arrayPair(); ok {
			fields = append(fields, field{name, value})
		} else if err := d.arrayMember(&fields, reason); err != nil {
			return false, err
		}
		if d.comma() {
			continue
		}
		var err error
		if more, err = d.nextSpaced('}', "an object"); err != nil {
			return false, err
		}
	}
	return true, nil
}

// arrayMember is arrayMap's general path: it decodes a member whose value
// is an array of strings, or null, appending one field per element to
// fields.
func (d *decoder) arrayMember(fields *[]field, reason string) error {
	name, err := d.key()
	if err != nil {
		return err
	}
	if d.literal("null") {
		return nil
	}
	if d.pos >= len(d.buf) || d.buf[d.pos] != '[' {
		return d.typeError(reason)
	}
	d.pos++
	for more := d.more(']'); more; {
		value, err := d.stringOrNull(reason)
		if err != nil {
			return err
		}
		*fields = append(*fields, field{name, value})
		if more, err = d.next(']', "an array"); err != nil {
			return err
		}
	}
	return nil
}

// requestContext decodes {"elb": {"targetGroupArn": "..."}}, skipping
// anything else.
func (d *decoder) requestContext(r *request) error {
	_, err := d.members(`"requestContext" is not an object`, func(key string) error {
		if key != "elb" {
			return d.skip(2)
		}
		_, err := d.members(`"requestContext.elb" is not an object`, func(key string) error {
			if key != "targetGroupArn" {
				return d.skip(3)
			}
			var err error
			r.targetGroupARN, err = d.stringOrNull(`"targetGroupArn" is not a string`)
			return err
		})
		return err
	})
	return err
}

// strStop marks the bytes that end the fast scan of a string: the closing
// quote, a backslash and the control characters JSON forbids inside strings.
var strStop = [256]bool{
	'"': true, '\\': true,
	0x00: true, 0x01: true, 0x02: true, 0x03: true, 0x04: true, 0x05: true, 0x06: true, 0x07: true,
	0x08: true, 0x09: true, 0x0A: true, 0x0B: true, 0x0C: true, 0x0D: true, 0x0E: true, 0x0F: true,
	0x10: true, 0x11: true, 0x12: true, 0x13: true, 0x14: true, 0x15: true, 0x16: true, 0x17: true,
	0x18: true, 0x19: true, 0x1A: true, 0x1B: true, 0x1C: true, 0x1D: true, 0x1E: true, 0x1F: true,
}

// The constants of the word-at-a-time scans: a one, and a high bit, in each
// of the eight bytes of a word.
const (
	wordOnes  = 0x0101010101010101
	wordHighs = 0x8080808080808080
)

// stops returns the high bit of each byte of w, eight bytes read little
// endian, that strStop marks, and clears every other bit. A byte that is '"'
// or '\\' becomes zero after an XOR, and the classic "has a byte below n"
// test, (x - n*wordOnes) &^ x & wordHighs, flags zero bytes and control
// characters alike. The XORs leave the high bits as they are, so the three
// tests share one &^ w. The lowest flagged byte is always a true one (a
// borrow only runs upwards), so the first stop is exact; bytes above it may
// be flagged wrongly.
func stops(w uint64) uint64 {
	quote := w ^ (wordOnes * '"')
	backslash := w ^ (wordOnes * '\\')
	return ((quote - wordOnes) | (backslash - wordOnes) | (w - wordOnes*0x20)) &^ w & wordHighs
}

// scanWords returns the index of the first byte at or after i that strStop
// marks, looking eight bytes at a time with stops while eight bytes are
// left; when fewer are left before a stop is found, it returns where they
// start, which may or may not be a stop (scanString goes on from there). i
// must not be negative. It is small enough to be inlined, and compiles
// without bounds checks.
func scanWords(b []byte, i int) int {
	if i < 0 {
		return i
	}
	for ; i <= len(b)-8; i += 8 {
		if m := stops(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	return i
}

// scanString returns the index of the first byte at or after i that strStop
// marks, or len(b). i must not be negative.
func scanString(b []byte, i int) int {
	i = scanWords(b, i)
	for i < len(b) && !strStop[b[i]] {
		i++
	}
	return i
}

// str decodes the string whose opening quote is at d.pos and returns a view
// of its contents, resolving escapes in place.
func (d *decoder) str() (string, error) {
	buf := d.buf
	start := d.pos + 1
	i := scanWords(buf, start)
	if i < len(buf) && buf[i] == '"' {
		d.pos = i + 1
		return view(buf[start:i]), nil
	}
	return d.strEscaped(start, scanString(buf, i))
}

// pair decodes a member of the compact form "name":"value" whose strings
// hold no escapes, which is how the ALB sends most headers and query
// parameters, in one pass, leaving the cursor after the value. Given any
// other form (escapes, white space, null) it reports false and leaves the
// cursor where it was, for the general path to decode the member.
func (d *decoder) pair() (name, value string, ok bool) {
	buf := d.buf
	p := d.pos
	if p >= len(buf) || buf[p] != '"' {
		return "", "", false
	}
	i := scanWords(buf, p+1) // the name's closing quote, if anything
	if i+2 >= len(buf) || buf[i] != '"' || buf[i+1] != ':' || buf[i+2] != '"' {
		return "", "", false
	}
	j := scanWords(buf, i+3) // the value's closing quote, if anything
	if j >= len(buf) || buf[j] != '"' {
		return "", "", false
	}
	d.pos = j + 1
	return view(buf[p+1 : i]), view(buf[i+3 : j]), true
}

// arrayPair is pair for the multi-value form of a member with one value,
// "name":["value"]. It is pair written again rather than pair with a flag,
// which would cost pair's callers the tests of the flag.
func (d *decoder) arrayPair() (name, value string, ok bool) {
	buf := d.buf
	p := d.pos
	if p >= len(buf) || buf[p] != '"' {
		return "", "", false
	}
	i := scanWords(buf, p+1) // the name's closing quote, if anything
	if i+3 >= len(buf) || buf[i] != '"' || buf[i+1] != ':' || buf[i+2] != '[' || buf[i+3] != '"' {
		return "", "", false
	}
	j := scanWords(buf, i+4) // the value's closing quote, if anything
	if j+1 >= len(buf) || buf[j] != '"' || buf[j+1] != ']' {
		return "", "", false
	}
	d.pos = j + 2
	return view(buf[p+1 : i]), view(buf[i+4 : j]), true
}

// strEscaped finishes a string from i, the first byte the fast scan stopped
// at that is not the closing quote. Every escape decodes to no more bytes
// than it occupies, so the decoded text is written over the string itself:
// w never passes i.
func (d *decoder) strEscaped(start, i int) (string, error) {
	buf := d.buf
	w := i
	for {
		if i >= len(buf) {
			d.pos = len(buf)
			return "", d.fail("unterminated string")
		}
		switch c := buf[i]; {
		case c == '"':
			d.pos = i + 1
			return view(buf[start:w]), nil
		case c < 0x20:
			d.pos = i
			return "", d.fail("control character in a string")
		case c != '\\':
			// Copy the run of ordinary bytes up to the next stop: whole
			// words while they hold none, then the bytes before the stop.
			// A word is read before it is written, and w < i, so nothing
			// is written over a byte not yet read.
			buf[w] = c
			w, i = w+1, i+1
			for i <= len(buf)-8 {
				x := binary.LittleEndian.Uint64(buf[i:])
				if m := stops(x); m != 0 {
					for end := i + bits.TrailingZeros64(m)/8; i < end; i++ {
						buf[w] = buf[i]
						w++
					}
					break
				}
				binary.LittleEndian.PutUint64(buf[w:], x)
				w, i = w+8, i+8
			}
			continue
		}
		if i+1 >= len(buf) {
			d.pos = len(buf)
			return "", d.fail("unterminated string")
		}
		switch buf[i+1] {
		case '"', '\\', '/':
			buf[w] = buf[i+1]
		case 'b':
			buf[w] = '\b'
		case 'f':
			buf[w] = '\f'
		case 'n':
			buf[w] = '\n'
		case 'r':
			buf[w] = '\r'
		case 't':
			buf[w] = '\t'
		case 'u':
			r := hex4(buf[i+2:])
			if r < 0 {
				d.pos = i
				return "", d.fail(`invalid \u escape`)
			}
			i += 6
			if isSurrogate(r) {
				// A high surrogate followed by an escaped low one is
				// one character; any other surrogate is U+FFFD, as in
				// encoding/json.
				if lo := hex4u(buf[i:]); r < 0xDC00 && lo >= 0xDC00 && lo < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			w += utf8.EncodeRune(buf[w:], r)
			continue
		default:
			d.pos = i
			return "", d.fail("invalid escape in a string")
		}
		w++
		i += 2
	}
}

func isSurrogate(r rune) bool { return r >= 0xD800 && r < 0xE000 }

// hex4 decodes the four hex digits at the start of b, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// hex4u decodes a \uXXXX escape at the start of b, or returns -1.
func hex4u(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	return hex4(b[2:])
}

// skip validates and skips one JSON value of any type. depth is the nesting
// of the container that holds the value (the event object is 1). It keeps
// its own stack of open containers, one bit each, so deep input cannot
// exhaust the goroutine stack.
func (d *decoder) skip(depth int) error {
	var stack [(maxNesting + 63) / 64]uint64 // bit set: object; clear: array
	base := depth
	for {
		// Parse one value; containers push and loop back here for their
		// first member.
		d.space()
		if d.pos >= len(d.buf) {
			return d.fail("unexpected end of the event")
		}
		switch c := d.buf[d.pos]; c {
		case '{', '[':
			if depth >= maxNesting {
				return d.fail("nesting deeper than 10000")
			}
			d.pos++
			n := depth - base
			if c == '{' {
				stack[n/64] |= 1 << (n % 64)
			} else {
				stack[n/64] &^= 1 << (n % 64)
			}
			depth++
			if !d.more(c + 2) { // '{'+2 is '}', '['+2 is ']'
				depth--
				break
			}
			if c == '{' {
				if _, err := d.key(); err != nil {
					return err
				}
			}
			continue
		case '"':
			if _, err := d.str(); err != nil {
				return err
			}
		case 't':
			if !d.literal("true") {
				return d.fail("invalid literal")
			}
		case 'f':
			if !d.literal("false") {
				return d.fail("invalid literal")
			}
		case 'n':
			if !d.literal("null") {
				return d.fail("invalid literal")
			}
		default:
			if err := d.number(); err != nil {
				return err
			}
		}
		// A value is complete: close containers until one has another
		// member, or the value we were asked to skip is done.
		for {
			if depth == base {
				return nil
			}
			n := depth - 1 - base
			object := stack[n/64]&(1<<(n%64)) != 0
			closing := byte(']')
			if object {
				closing = '}'
			}
			more, err := d.next(closing, "a value")
			if err != nil {
				return err
			}
			if more {
				if object {
					if _, err := d.key(); err != nil {
						return err
					}
				}
				break
			}
			depth--
		}
	}
}

// number validates and skips a JSON number.
func (d *decoder) number() error {
	b, i := d.buf, d.pos
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(b, i)
	default:
		return d.fail("invalid value")
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			d.pos = j
			return d.fail("invalid number")
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			d.pos = j
			return d.fail("invalid number")
		}
		i = j
	}
	d.pos = i
	return nil
}

func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// view returns b's bytes as a string without copying. The caller promises
// that b is never modified afterwards.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// errBadBase64 reports a body flagged as base64 that does not decode.
var errBadBase64 = errors.New("alb: request body is not valid base64")

// decodedBody returns the request body, base64-decoded when the event said
// so (rule 17: the flag alone decides, never the content type). A text body
// is returned without copying, as a view of the request's own memory (see
// own) or of a large payload's private copy; a base64 body is decoded into
// a new slice.
func (r *request) decodedBody() ([]byte, error) {
	if !r.isBase64 {
		return unsafe.Slice(unsafe.StringData(r.body), len(r.body)), nil
	}
	b, err := base64.StdEncoding.DecodeString(r.body)
	if err != nil {
		return nil, errBadBase64
	}
	return b, nil
}

// header returns the value of the named header, matched ASCII
// case-insensitively: the last occurrence in single-value mode (the ALB's own
// rule for repeated headers, rule 5), the first in multi-value mode.
func (r *request) header(name string) (string, bool) {
	value, found := "", false
	for i := range r.headers {
		if equalFold(r.headers[i].name, name) {
			if r.multiValue {
				return r.headers[i].value, true
			}
			value, found = r.headers[i].value, true
		}
	}
	return value, found
}

// queryValue returns the decoded value of the query parameter whose decoded
// key is key: the last occurrence in single-value mode, the first in
// multi-value mode. Matching decodes on the fly and does not allocate; the
// value is decoded by r.unescapeQuery.
func (r *request) queryValue(key string) (string, bool) {
	value, found := "", false
	for i := range r.query {
		if queryKeyEqual(r.query[i].name, key) {
			if r.multiValue {
				return r.unescapeQuery(r.query[i].value), true
			}
			value, found = r.query[i].value, true
		}
	}
	if !found {
		return "", false
	}
	return r.unescapeQuery(value), true
}

// appendRawQuery appends the query string as the client sent it, as far as
// the event preserves it: rawKey=rawValue pairs joined with '&', in event
// order, without escaping again (rule 11). A query with no fields appends
// nothing.
func (r *request) appendRawQuery(dst []byte) []byte {
	for i, f := range r.query {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, f.name...)
		dst = append(dst, '=')
		dst = append(dst, f.value...)
	}
	return dst
}
