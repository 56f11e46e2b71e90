package alb

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// JSONv2 is the JSONCodec of Go's JSON v2: encoding/json/v2 when built with
// Go 1.27 or later, github.com/go-json-experiment/json (the same code)
// before. It is the default: a Router whose JSONCodec is nil uses it.
//
// Reading a request body, it is stricter than encoding/json, as an API
// should be (each is a 400 with a message that says so):
//   - member names match field names exactly, case included: {"Name": ...}
//     does not fill a field tagged `json:"name"` (BindJSON ignores it,
//     BindJSONStrict rejects it as unknown);
//   - an object with the same member name twice is rejected;
//   - a string with invalid UTF-8 is rejected;
//   - time.Time must be RFC 3339 exactly, []byte must be padded base64
//     without line breaks, a Go array must get exactly as many elements;
//   - `json:",string"` applies to numbers only;
//   - null into a non-pointer value sets it to its zero value.
//
// Writing a response, it keeps the values encoding/json sends: nil slices
// and maps are null, omitempty omits what encoding/json omits, map members
// are sorted, time.Duration is a number of nanoseconds, a byte array is an
// array of numbers, and invalid UTF-8 becomes U+FFFD. It differs only in
// bytes that decode the same: <, > and & are not escaped as \u003c, \u003e
// and \u0026, and neither are U+2028 and U+2029. Like encoding/json, and
// unlike JSON v2's default, it does not track the member names of the
// objects it writes to refuse a duplicate: a map's keys and a struct's
// fields are unique already, and the tracking costs a few percent of a
// small response. When the type of the value marshaled holds a
// map[string]string or a map[string]any, at any depth (a field, an element,
// a map value), every such map in the value is written without JSON v2's
// reflection per entry, and a ",string" option on such a map field is
// ignored, as encoding/json ignores it, where JSON v2 refuses it. A value
// whose maps are all behind interfaces, such as a []any, is written by
// JSON v2 alone, which refuses the option.
//
// The README's JSON section lists the differences in a table, and
// TestJSONv2Differential shows each on sample bodies.
type JSONv2 struct{}

var (
	jsonv2MarshalOpts, jsonv2LenientOpts, jsonv2StrictOpts = jsonv2OptSlices()

	// jsonv2Writers recycles the bytes.Buffer headers AppendMarshal
	// appends through, never their memory: a response body is never
	// reused.
	jsonv2Writers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

	// jsonv2Encoders recycles the encoders of appendMap. An encoder
	// keeps no output: it writes through to the caller's slice.
	jsonv2Encoders = sync.Pool{New: func() any { return new(jsonv2Encoder) }}

	// jsonv2Scratch holds the scratch memory of appendMap.
	jsonv2Scratch = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}
)

func jsonv2OptSlices() (marshal, lenient, strict []jsonv2Options) {
	m, u, s := jsonv2Opts()
	return []jsonv2Options{m}, []jsonv2Options{u}, []jsonv2Options{s}
}

// AppendMarshal appends the JSON encoding of v to dst. Into a dst with
// spare capacity the encoder writes straight, growing it as append does;
// for a nil dst (Context.JSON's) it encodes in its own pooled scratch
// buffer and returns a copy sized exactly, one allocation where growing a
// slice from nothing would take several. The result never shares memory
// with a later call.
func (JSONv2) AppendMarshal(dst []byte, v any) ([]byte, error) {
	switch v.(type) {
	case map[string]string, map[string]any:
		return appendMap(dst, v)
	}
	opts := jsonv2MarshalOpts
	if holdsMap(reflect.TypeOf(v)) {
		opts = jsonv2MapOpts()
	}
	if cap(dst) == len(dst) {
		b, err := jsonv2Marshal(v, opts...)
		if err != nil {
			return dst, err
		}
		if dst == nil {
			return b, nil
		}
		return append(dst, b...), nil
	}
	w := jsonv2Writers.Get().(*bytes.Buffer)
	*w = *bytes.NewBuffer(dst)
	err := jsonv2MarshalWrite(w, v, opts...)
	out := w.Bytes()
	*w = bytes.Buffer{}
	jsonv2Writers.Put(w)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// jsonv2MapOpts is jsonv2MarshalOpts with jsonv2MapMarshalers, for values
// that hold a map[string]string or a map[string]any below the top level.
var jsonv2MapOpts = sync.OnceValue(func() []jsonv2Options {
	return append(slices.Clip(jsonv2MarshalOpts), jsonv2MapMarshalers())
})

// mapHolders caches holdsMap's answers by type, and lastHolder the last
// one, which saves hashing the type when one handler's type is marshaled
// over and over. Both hold the same *mapHolder for a type, made once, so
// that types marshaled in turn do not allocate.
var (
	mapHolders sync.Map // reflect.Type -> *mapHolder
	lastHolder atomic.Pointer[mapHolder]
)

type mapHolder struct {
	t     reflect.Type
	holds bool
}

// holdsMap reports whether a value of type t can hold a map[string]string
// or a map[string]any below its top level: in a struct field, an array or
// slice element, a map value or behind a pointer, at any depth. Those are
// worth the option that writes them without reflection per entry, which
// would slow every other value down (each is looked up in its table).
func holdsMap(t reflect.Type) bool {
	if t == nil {
		return false
	}
	if last := lastHolder.Load(); last != nil && last.t == t {
		return last.holds
	}
	v, ok := mapHolders.Load(t)
	if !ok {
		v, _ = mapHolders.LoadOrStore(t, &mapHolder{t, typeHoldsMap(t, map[reflect.Type]bool{}, true)})
	}
	h := v.(*mapHolder)
	lastHolder.Store(h)
	return h.holds
}

var (
	stringMapType = reflect.TypeFor[map[string]string]()
	anyMapType    = reflect.TypeFor[map[string]any]()
)

func typeHoldsMap(t reflect.Type, seen map[reflect.Type]bool, top bool) bool {
	if !top && (t == stringMapType || t == anyMapType) {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return typeHoldsMap(t.Elem(), seen, false)
	case reflect.Struct:
		for i := range t.NumField() {
			if typeHoldsMap(t.Field(i).Type, seen, false) {
				return true
			}
		}
	}
	return false
}

// appendMap appends the JSON of a map[string]string or a map[string]any,
// exactly as JSON v2 writes it with Deterministic, without the reflection
// per entry (two allocations each) of JSON v2's own code for maps. Like
// AppendMarshal, it encodes a dst without spare capacity in pooled
// scratch memory and appends a copy: one allocation.
func appendMap(dst []byte, v any) ([]byte, error) {
	if cap(dst) > len(dst) {
		return appendMapInto(dst, v)
	}
	sp := jsonv2Scratch.Get().(*[]byte)
	b, err := appendMapInto((*sp)[:0], v)
	if err == nil {
		dst = append(dst, b...)
	}
	if cap(b) <= 64<<10 {
		*sp = b[:0] // never handed out: dst holds a copy
	}
	jsonv2Scratch.Put(sp)
	return dst, err
}

// appendMapInto is appendMap writing straight into dst's spare capacity,
// growing it as append does.
func appendMapInto(dst []byte, v any) ([]byte, error) {
	w := jsonv2Writers.Get().(*bytes.Buffer)
	*w = *bytes.NewBuffer(dst)
	enc := jsonv2Encoders.Get().(*jsonv2Encoder)
	enc.Reset(w, jsonv2MarshalOpts...)
	var err error
	switch m := v.(type) {
	case map[string]string:
		err = marshalSortedMap(enc, m, writeStringValue)
	case map[string]any:
		err = marshalSortedMap(enc, m, writeAnyValue)
	}
	enc.Reset(io.Discard) // no longer aliases dst's spare capacity
	jsonv2Encoders.Put(enc)
	out := w.Bytes()
	*w = bytes.Buffer{}
	jsonv2Writers.Put(w)
	if err != nil {
		return dst, err
	}
	// An Encoder ends each top-level value with a newline.
	return bytes.TrimSuffix(out, []byte{'\n'}), nil
}

// marshalSortedMap writes m exactly as JSON v2 does with Deterministic:
// null for a nil map, else the members sorted by name (bytewise, as
// slices.Sort orders Go strings), names and values written through the
// encoder, which checks and escapes them as it would its own; value
// writes one value.
func marshalSortedMap[V any](enc *jsonv2Encoder, m map[string]V, value func(*jsonv2Encoder, V) error) error {
	if m == nil {
		return enc.WriteToken(jsonv2Null)
	}
	var small [16]string
	if err := enc.WriteToken(jsonv2BeginObject); err != nil {
		return err
	}
	for _, k := range sortedKeys(m, small[:0]) {
		if err := enc.WriteToken(jsonv2String(k)); err != nil {
			return err
		}
		if err := value(enc, m[k]); err != nil {
			return err
		}
	}
	return enc.WriteToken(jsonv2EndObject)
}

// writeStringValue writes a map[string]string's value.
func writeStringValue(enc *jsonv2Encoder, v string) error { return enc.WriteToken(jsonv2String(v)) }

// writeAnyValue writes a map[string]any's value: marshaled by JSON v2 with
// the encoder's options.
func writeAnyValue(enc *jsonv2Encoder, v any) error { return jsonv2MarshalEncode(enc, v) }

// sortedKeys appends the keys of m to buf, sorted.
func sortedKeys[V any](m map[string]V, buf []string) []string {
	for k := range m {
		buf = append(buf, k)
	}
	slices.Sort(buf)
	return buf
}

// Unmarshal decodes data into v, rejecting members v has no field for
// when strict is set.
func (JSONv2) Unmarshal(data []byte, v any, strict bool) error {
	opts := jsonv2LenientOpts
	if strict {
		opts = jsonv2StrictOpts
	}
	err := jsonv2Unmarshal(data, v, opts...)
	if err == nil {
		return nil
	}
	if jerr := jsonv2Error(data, err); jerr != nil {
		return jerr
	}
	return err
}

// jsonv2Error translates an error of JSON v2 about the body, or returns
// nil for one about v (not a non-nil pointer, or a type JSON cannot
// represent), which is the handler's bug.
func jsonv2Error(data []byte, err error) *JSONError {
	var syn *jsonv2SyntacticError
	var sem *jsonv2SemanticError
	switch {
	case errors.As(err, &syn):
		e := &JSONError{Kind: JSONSyntax, Offset: syn.ByteOffset, Field: jsonPointerPath(string(syn.JSONPointer)), Err: err}
		switch {
		case errors.Is(syn.Err, io.ErrUnexpectedEOF):
			e.Kind = JSONTruncated
		case errors.Is(syn.Err, jsonv2ErrDuplicateName):
			e.Kind = JSONDuplicateField
		case invalidRuneAt(data, syn.ByteOffset):
			e.Kind = JSONInvalidUTF8
		case syn.Err != nil && strings.Contains(syn.Err.Error(), "after top-level value"):
			e.Kind = JSONTrailingData
		}
		return e
	case errors.As(err, &sem):
		if sem.ByteOffset == 0 && sem.JSONKind == 0 && sem.JSONPointer == "" {
			// Nothing was read: v itself is unusable (nil, not a
			// pointer, or of a type such as a channel).
			return nil
		}
		e := &JSONError{Kind: JSONInvalid, Offset: sem.ByteOffset, Field: jsonPointerPath(string(sem.JSONPointer)), Err: err}
		switch {
		case errors.Is(sem.Err, jsonv2ErrUnknownName):
			e.Kind = JSONUnknownField
		case sem.Err != nil && !isRangeOrSyntax(sem.Err) &&
			(JSONTypeOf(sem.GoType) == "" || JSONTypeOf(sem.GoType) == jsonv2KindName(sem.JSONKind)):
			// The right JSON type but a value its field cannot take (bad
			// base64, a time not in RFC 3339), or a custom UnmarshalJSON
			// that failed: the detail is not for the client.
		case sem.JSONKind != 0:
			e.Kind = JSONType
			e.Got = jsonv2KindName(sem.JSONKind)
			if e.Got == "number" && len(sem.JSONValue) > 0 && len(sem.JSONValue) <= 40 {
				e.Got += " " + string(sem.JSONValue)
			}
			if e.Want = JSONTypeOf(sem.GoType); e.Want == e.Got {
				e.Want = "" // a `json:",string"` field: the Go type misleads
			}
		}
		return e
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &JSONError{Kind: JSONTruncated, Offset: -1, Err: err}
	}
	return nil
}

// invalidRuneAt reports whether the bytes of data at off are not UTF-8.
func invalidRuneAt(data []byte, off int64) bool {
	if off < 0 || off >= int64(len(data)) || data[off] < utf8.RuneSelf {
		return false
	}
	r, size := utf8.DecodeRune(data[off:])
	return r == utf8.RuneError && size == 1
}

// isRangeOrSyntax reports whether err is strconv's: a number out of range
// for its field, or not of its syntax (a fraction into an integer).
func isRangeOrSyntax(err error) bool {
	return errors.Is(err, strconv.ErrRange) || errors.Is(err, strconv.ErrSyntax)
}

// jsonv2KindName names a jsontext.Kind as JSONError does.
func jsonv2KindName[K ~byte](k K) string {
	switch k {
	case 'n':
		return "null"
	case 't', 'f':
		return "boolean"
	case '"':
		return "string"
	case '0':
		return "number"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

// jsonPointerPath turns a JSON pointer (RFC 6901: "/items/0/qty") into the
// dotted path JSONError.Field holds ("items.0.qty").
func jsonPointerPath(p string) string {
	if p == "" {
		return ""
	}
	p = strings.ReplaceAll(p[1:], "/", ".")
	if strings.Contains(p, "~") {
		p = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return p
}
