package alb

import (
	"encoding"
	"errors"
	"maps"
	"math"
	"net/mail"
	"net/netip"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"
)

// Validator is implemented by an input (or body) type with rules that
// span fields. Validate is called once every tag rule of the input has
// passed. A *FieldError it returns, or several joined with errors.Join,
// name their locations; any other error becomes one violation whose
// message is the error's text, so that text is sent to the client.
type Validator interface {
	Validate() error
}

// validatorType(), timeType(), durationType(), fileHeaderType() and
// textUnmarshalerIfce() are functions, not package variables, so that a
// program that never calls Register links none of what they refer to.
func validatorType() reflect.Type { return reflect.TypeFor[Validator]() }

// The tag keys of the constraints, named after their JSON Schema keywords.
var ruleTags = [...]string{
	"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
	"minLength", "maxLength", "pattern", "format", "enum",
	"minItems", "maxItems", "uniqueItems",
}

// formats are the values of the `format` tag.
var formats = [...]string{"email", "uuid", "date-time", "date", "uri", "ipv4", "ipv6"}

// jsonName returns the JSON member name of a struct field as the JSON
// codecs see it, whether the tag says omitempty (or omitzero), and false
// when the field is not a member: unexported or tagged "-". An embedded
// struct without a tagged name is inlined; jsonName reports it with name
// "".
func jsonName(sf reflect.StructField) (name string, omitEmpty, ok bool) {
	tag, hasTag := sf.Tag.Lookup("json")
	if tag == "-" {
		return "", false, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	for opts != "" {
		var opt string
		opt, opts, _ = strings.Cut(opts, ",")
		if opt == "omitempty" || opt == "omitzero" {
			omitEmpty = true
		}
	}
	if sf.Anonymous && name == "" {
		t := sf.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() == reflect.Struct {
			return "", omitEmpty, true
		}
	}
	if !sf.IsExported() {
		return "", false, false
	}
	if !hasTag || name == "" {
		name = sf.Name
	}
	return name, omitEmpty, true
}

// fieldRules parses the constraints, `doc` and `example` tags of a struct
// field, checking that each keyword fits the field's type (a slice's
// items for every keyword but minItems, maxItems and uniqueItems). For a
// JSON body field it also sets required: a `required:"true"` or
// `required:"false"` tag says; otherwise a field is required when it is
// not a pointer and its json tag has neither omitempty nor omitzero.
// Validation and the API document both read fields through it.
func fieldRules(sf reflect.StructField) (rules, error) {
	var r rules
	_, omit, _ := jsonName(sf)
	r.required = sf.Type.Kind() != reflect.Pointer && !omit
	if v, ok := sf.Tag.Lookup("required"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return r, errors.New("required tag " + strconv.Quote(v) + " is not true or false")
		}
		r.required = b
	}
	r.doc = sf.Tag.Get("doc")
	r.example = sf.Tag.Get("example")

	t := sf.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	item := t
	isList := t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 || t.Kind() == reflect.Array
	if isList {
		item = t.Elem()
		if item.Kind() == reflect.Pointer {
			item = item.Elem()
		}
	}
	kind := scalarOf(item)
	for _, key := range ruleTags {
		v, ok := sf.Tag.Lookup(key)
		if !ok {
			continue
		}
		if err := r.set(key, v, kind, isList); err != nil {
			return r, errors.New(key + " tag " + strconv.Quote(v) + ": " + err.Error())
		}
	}
	if r.minLength != nil && r.maxLength != nil && *r.minLength > *r.maxLength {
		return r, errors.New("minLength is greater than maxLength")
	}
	if r.minItems != nil && r.maxItems != nil && *r.minItems > *r.maxItems {
		return r, errors.New("minItems is greater than maxItems")
	}
	if r.minimum != nil && r.maximum != nil && *r.minimum > *r.maximum {
		return r, errors.New("minimum is greater than maximum")
	}
	return r, nil
}

// set parses one keyword's tag value into r, for values of kind (the
// item kind when list).
func (r *rules) set(key, v string, kind scalarKind, list bool) error {
	num := func() (*float64, error) {
		if !kind.numeric() {
			return nil, errors.New("applies to numbers only")
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, errors.New("is not a number")
		}
		return &f, nil
	}
	length := func() (*int, error) {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, errors.New("is not a whole number of 0 or more")
		}
		return &n, nil
	}
	var err error
	switch key {
	case "minimum":
		r.minimum, err = num()
	case "maximum":
		r.maximum, err = num()
	case "exclusiveMinimum":
		r.exclusiveMinimum, err = num()
	case "exclusiveMaximum":
		r.exclusiveMaximum, err = num()
	case "multipleOf":
		if r.multipleOf, err = num(); err == nil && *r.multipleOf <= 0 {
			err = errors.New("must be greater than 0")
		}
		if m := r.multipleOf; err == nil && *m == math.Trunc(*m) && *m < 1<<64 {
			r.multipleInt = uint64(*m)
		}
	case "minLength", "maxLength":
		if kind != scalarString {
			return errors.New("applies to strings only")
		}
		if key == "minLength" {
			r.minLength, err = length()
		} else {
			r.maxLength, err = length()
		}
	case "pattern":
		if kind != scalarString {
			return errors.New("applies to strings only")
		}
		r.pattern = v
		var re *regexp.Regexp
		if re, err = regexp.Compile(v); err == nil {
			r.re = re
		}
	case "format":
		if kind != scalarString {
			return errors.New("applies to strings only")
		}
		found := false
		for _, f := range formats {
			found = found || f == v
		}
		if !found {
			return errors.New("is not one of " + strings.Join(formats[:], ", "))
		}
		r.format = v
	case "enum":
		if kind == scalarNone || kind == scalarTime {
			return errors.New("applies to strings, numbers and booleans only")
		}
		for _, item := range strings.Split(v, ",") {
			val, ok := parseEnum(kind, item)
			if !ok {
				return errors.New("item " + strconv.Quote(item) + " does not fit the field's type")
			}
			r.enum = append(r.enum, val)
			r.enumText = append(r.enumText, item)
		}
	case "minItems", "maxItems":
		if !list {
			return errors.New("applies to slices only")
		}
		if key == "minItems" {
			r.minItems, err = length()
		} else {
			r.maxItems, err = length()
		}
	case "uniqueItems":
		if !list {
			return errors.New("applies to slices only")
		}
		r.uniqueItems, err = strconv.ParseBool(v)
	}
	return err
}

// parseEnum parses an enum item for values of kind.
func parseEnum(kind scalarKind, s string) (any, bool) {
	switch {
	case kind == scalarString:
		return s, true
	case kind == scalarBool:
		b, err := strconv.ParseBool(s)
		return b, err == nil
	case kind.signed():
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	case kind.unsigned():
		n, err := strconv.ParseUint(s, 10, 64)
		return n, err == nil
	case kind.float():
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	return nil, false
}

// scalarKind is the kind of a value as bound and checked: its memory
// layout, read without reflection.
type scalarKind uint8

const (
	scalarNone scalarKind = iota // not a scalar (struct, map, TextUnmarshaler)
	scalarString
	scalarBool
	scalarInt
	scalarInt8
	scalarInt16
	scalarInt32
	scalarInt64
	scalarUint
	scalarUint8
	scalarUint16
	scalarUint32
	scalarUint64
	scalarUintptr
	scalarFloat32
	scalarFloat64
	scalarTime     // time.Time
	scalarDuration // time.Duration: checked as a number of nanoseconds
)

func (k scalarKind) signed() bool   { return k >= scalarInt && k <= scalarInt64 || k == scalarDuration }
func (k scalarKind) unsigned() bool { return k >= scalarUint && k <= scalarUintptr }
func (k scalarKind) float() bool    { return k == scalarFloat32 || k == scalarFloat64 }
func (k scalarKind) numeric() bool  { return k.signed() || k.unsigned() || k.float() }

func timeType() reflect.Type     { return reflect.TypeFor[time.Time]() }
func durationType() reflect.Type { return reflect.TypeFor[time.Duration]() }

// scalarOf returns the scalar kind of t. A type with its own
// UnmarshalText (other than time.Time) is scalarNone: its value is
// opaque.
func scalarOf(t reflect.Type) scalarKind {
	switch t {
	case timeType():
		return scalarTime
	case durationType():
		return scalarDuration
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) {
		return scalarNone
	}
	switch t.Kind() {
	case reflect.String:
		return scalarString
	case reflect.Bool:
		return scalarBool
	case reflect.Int:
		return scalarInt
	case reflect.Int8:
		return scalarInt8
	case reflect.Int16:
		return scalarInt16
	case reflect.Int32:
		return scalarInt32
	case reflect.Int64:
		return scalarInt64
	case reflect.Uint:
		return scalarUint
	case reflect.Uint8:
		return scalarUint8
	case reflect.Uint16:
		return scalarUint16
	case reflect.Uint32:
		return scalarUint32
	case reflect.Uint64:
		return scalarUint64
	case reflect.Uintptr:
		return scalarUintptr
	case reflect.Float32:
		return scalarFloat32
	case reflect.Float64:
		return scalarFloat64
	}
	return scalarNone
}

// readInt, readUint and readFloat read a value of kind k at p.
func readInt(k scalarKind, p unsafe.Pointer) int64 {
	switch k {
	case scalarInt:
		return int64(*(*int)(p))
	case scalarInt8:
		return int64(*(*int8)(p))
	case scalarInt16:
		return int64(*(*int16)(p))
	case scalarInt32:
		return int64(*(*int32)(p))
	}
	return *(*int64)(p) // int64, Duration
}

func readUint(k scalarKind, p unsafe.Pointer) uint64 {
	switch k {
	case scalarUint:
		return uint64(*(*uint)(p))
	case scalarUint8:
		return uint64(*(*uint8)(p))
	case scalarUint16:
		return uint64(*(*uint16)(p))
	case scalarUint32:
		return uint64(*(*uint32)(p))
	case scalarUintptr:
		return uint64(*(*uintptr)(p))
	}
	return *(*uint64)(p)
}

func readFloat(k scalarKind, p unsafe.Pointer) float64 {
	if k == scalarFloat32 {
		return float64(*(*float32)(p))
	}
	return *(*float64)(p)
}

// hasChecks reports whether r has a keyword that checks a scalar value.
func (r *rules) hasChecks() bool {
	return r.minimum != nil || r.maximum != nil || r.exclusiveMinimum != nil || r.exclusiveMaximum != nil ||
		r.multipleOf != nil || r.minLength != nil || r.maxLength != nil || r.re != nil || r.format != "" || r.enum != nil
}

// checkScalar checks the value of kind k at p against r's scalar
// keywords. It returns the first violated keyword's message and the
// value, or ok. It allocates only for a violation.
func (r *rules) checkScalar(k scalarKind, p unsafe.Pointer) (msg string, value any, ok bool) {
	switch {
	case k == scalarString:
		s := *(*string)(p)
		if msg, ok := r.checkString(s); !ok {
			return msg, s, false
		}
	case k.signed():
		n := readInt(k, p)
		u := uint64(n)
		if n < 0 {
			u = -u
		}
		if msg, ok := r.checkNumber(k, float64(n)); !ok {
			return msg, n, false
		}
		if msg, ok := r.checkIntMultiple(u, float64(n)); !ok {
			return msg, n, false
		}
		if msg, ok := r.checkEnum(func(e any) bool { return e.(int64) == n }); !ok {
			return msg, n, false
		}
	case k.unsigned():
		n := readUint(k, p)
		if msg, ok := r.checkNumber(k, float64(n)); !ok {
			return msg, n, false
		}
		if msg, ok := r.checkIntMultiple(n, float64(n)); !ok {
			return msg, n, false
		}
		if msg, ok := r.checkEnum(func(e any) bool { return e.(uint64) == n }); !ok {
			return msg, n, false
		}
	case k.float():
		f := readFloat(k, p)
		if msg, ok := r.checkNumber(k, f); !ok {
			return msg, f, false
		}
		if msg, ok := r.checkEnum(func(e any) bool { return toKind(k, e.(float64)) == f }); !ok {
			return msg, f, false
		}
	case k == scalarBool:
		b := *(*bool)(p)
		if msg, ok := r.checkEnum(func(e any) bool { return e.(bool) == b }); !ok {
			return msg, b, false
		}
	}
	return "", nil, true
}

// checkNumber checks f, a value of kind k, against the numeric keywords.
// Limits are compared as float64, exact for integers up to 2^53 in
// magnitude; for a float32 value, they are first rounded to float32, so
// that maximum:"0.1" accepts the float32 0.1. multipleOf is checked here
// for floats only: checkIntMultiple checks integers.
func (r *rules) checkNumber(k scalarKind, f float64) (string, bool) {
	switch {
	case r.minimum != nil && f < toKind(k, *r.minimum):
		return "must be at least " + formatNumber(*r.minimum), false
	case r.maximum != nil && f > toKind(k, *r.maximum):
		return "must be at most " + formatNumber(*r.maximum), false
	case r.exclusiveMinimum != nil && f <= toKind(k, *r.exclusiveMinimum):
		return "must be greater than " + formatNumber(*r.exclusiveMinimum), false
	case r.exclusiveMaximum != nil && f >= toKind(k, *r.exclusiveMaximum):
		return "must be less than " + formatNumber(*r.exclusiveMaximum), false
	case r.multipleOf != nil && k.float() && !isMultiple(f, toKind(k, *r.multipleOf), k == scalarFloat32):
		return "must be a multiple of " + formatNumber(*r.multipleOf), false
	}
	return "", true
}

// toKind rounds the tag value x to the precision of kind k: float32 for
// a float32 value, unchanged otherwise.
func toKind(k scalarKind, x float64) float64 {
	if k == scalarFloat32 {
		return float64(float32(x))
	}
	return x
}

// checkIntMultiple checks the integer of magnitude u (f as a float64)
// against multipleOf. A whole multipleOf is checked exactly, in integer
// arithmetic; a fractional one as for floats.
func (r *rules) checkIntMultiple(u uint64, f float64) (string, bool) {
	m := r.multipleOf
	var ok bool
	switch {
	case m == nil:
		return "", true
	case r.multipleInt != 0:
		ok = u%r.multipleInt == 0
	case *m == math.Trunc(*m): // 2^64 or more: only 0 is a multiple
		ok = u == 0
	default:
		ok = isMultiple(f, *m, false)
	}
	if !ok {
		return "must be a multiple of " + formatNumber(*m), false
	}
	return "", true
}

// isMultiple reports whether the float f is a whole multiple of m (both
// float32 values when f32). The remainder of f by m is exact
// (math.Remainder); it is accepted as zero when it is within what the
// rounding of f and m to binary can explain: one unit in the last place
// of f, plus the quotient times one unit in the last place of m. So 0.3
// is a multiple of 0.1, as JSON Schema validators working in floating
// point agree, while 1000000000.5 is not a multiple of 1. A float too
// large to hold a fraction of m is a multiple of it.
func isMultiple(f, m float64, f32 bool) bool {
	rem := math.Abs(math.Remainder(f, m))
	if rem == 0 {
		return true
	}
	return rem <= math.Abs(f/m)*ulp(m, f32)+ulp(f, f32)
}

// ulp returns the distance from |x| to the next float64 (float32 when
// f32) away from zero.
func ulp(x float64, f32 bool) float64 {
	x = math.Abs(x)
	if f32 {
		y := float32(x)
		return float64(math.Nextafter32(y, float32(math.Inf(1))) - y)
	}
	return math.Nextafter(x, math.Inf(1)) - x
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// checkString checks s against the string keywords.
func (r *rules) checkString(s string) (string, bool) {
	// Counting characters is needed only when the byte length does not
	// settle it: a string has at most as many characters as bytes, and at
	// least a quarter as many.
	if r.minLength != nil && len(s) < *r.minLength*utf8.UTFMax ||
		r.maxLength != nil && len(s) > *r.maxLength {
		n := utf8.RuneCountInString(s)
		if r.minLength != nil && n < *r.minLength {
			if *r.minLength == 1 {
				return "must not be empty", false
			}
			return "must be at least " + strconv.Itoa(*r.minLength) + " characters long", false
		}
		if r.maxLength != nil && n > *r.maxLength {
			return "must be at most " + strconv.Itoa(*r.maxLength) + " characters long", false
		}
	}
	if r.re != nil && !r.re.MatchString(s) {
		return "must match the pattern " + r.pattern, false
	}
	if r.format != "" && !validFormat(r.format, s) {
		return "must be a valid " + r.format, false
	}
	if r.enum != nil {
		return r.checkEnum(func(e any) bool { return e.(string) == s })
	}
	return "", true
}

// checkEnum checks that one of r.enum matches.
func (r *rules) checkEnum(match func(any) bool) (string, bool) {
	if r.enum == nil {
		return "", true
	}
	for _, e := range r.enum {
		if match(e) {
			return "", true
		}
	}
	return "must be one of " + strings.Join(r.enumText, ", "), false
}

// validFormat reports whether s has the named format.
func validFormat(format, s string) bool {
	switch format {
	case "email":
		// An addr-spec of RFC 5322 as net/mail parses it: no display
		// name, angle brackets, comments or surrounding spaces. A quoted
		// local part comes back unquoted ("a b"@x as a b@x).
		a, err := mail.ParseAddress(s)
		if err != nil || a.Name != "" {
			return false
		}
		at := strings.LastIndexByte(s, '@')
		return a.Address == s || at > 1 && s[0] == '"' && s[at-1] == '"' && strings.HasSuffix(a.Address, s[at:])
	case "uuid":
		return validUUID(s)
	case "date-time":
		return validDateTime(s)
	case "date":
		_, err := time.Parse(time.DateOnly, s)
		return err == nil
	case "uri":
		return validURI(s)
	case "ipv4":
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is4()
	case "ipv6":
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is6() && a.Zone() == ""
	}
	return false
}

// validDateTime reports whether s is a date-time of RFC 3339, section
// 5.6: a full date, T, a time with an optional fraction after a dot, and
// Z or an offset. T and Z may be lowercase; the day must exist in its
// month; the second may be 60, a leap second, only at 23:59 UTC.
func validDateTime(s string) bool {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' && s[10] != 't' || s[13] != ':' || s[16] != ':' {
		return false
	}
	year, ok1 := decDigits(s[0:4])
	month, ok2 := decDigits(s[5:7])
	day, ok3 := decDigits(s[8:10])
	hour, ok4 := decDigits(s[11:13])
	minute, ok5 := decDigits(s[14:16])
	sec, ok6 := decDigits(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 ||
		day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 60 {
		return false
	}
	rest := s[19:]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	offset := 0 // minutes east of UTC
	switch {
	case rest == "Z" || rest == "z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := decDigits(rest[1:3])
		om, ok2 := decDigits(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return false
		}
		offset = oh*60 + om
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return false
	}
	if sec == 60 {
		utc := ((hour*60+minute-offset)%1440 + 1440) % 1440
		return utc == 23*60+59
	}
	return true
}

// decDigits returns the decimal value of s, which must be ASCII digits only.
func decDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// daysIn returns the number of days of month in year (Gregorian).
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// validURI reports whether s is a URI of RFC 3986, section 3: a scheme,
// a colon, then an authority (after "//") and path, query and fragment
// made of the characters the grammar allows, each % starting a %HH
// escape. Spaces, non-ASCII bytes and brackets outside an IP literal host
// are refused; a relative reference, which has no scheme, is refused.
func validURI(s string) bool {
	i := strings.IndexByte(s, ':')
	if i < 1 || !isAlpha(s[0]) {
		return false
	}
	for j := 1; j < i; j++ {
		if c := s[j]; !isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	rest := s[i+1:]
	if strings.HasPrefix(rest, "//") {
		end := len(rest)
		if k := strings.IndexAny(rest[2:], "/?#"); k >= 0 {
			end = k + 2
		}
		if !validAuthority(rest[2:end]) {
			return false
		}
		rest = rest[end:]
	}
	rest, fragment, hasFragment := strings.Cut(rest, "#")
	if hasFragment && !uriChars(fragment, "/?:@") {
		return false
	}
	return uriChars(rest, "/?:@")
}

// validAuthority reports whether a is an authority of RFC 3986, section
// 3.2: [userinfo "@"] host [":" port], the host a name, an IPv4 address
// or a bracketed IPv6 address or IPvFuture literal.
func validAuthority(a string) bool {
	if k := strings.LastIndexByte(a, '@'); k >= 0 {
		if !uriChars(a[:k], ":") {
			return false
		}
		a = a[k+1:]
	}
	host := a
	if strings.HasPrefix(a, "[") {
		k := strings.IndexByte(a, ']')
		if k < 0 || !validIPLiteral(a[1:k]) {
			return false
		}
		host, a = "", a[k+1:]
		if a != "" && a[0] != ':' {
			return false
		}
	}
	if k := strings.LastIndexByte(a, ':'); k >= 0 {
		for _, c := range []byte(a[k+1:]) {
			if !isDigit(c) {
				return false
			}
		}
		if host != "" {
			host = a[:k]
		}
	}
	return uriChars(host, "")
}

// validIPLiteral reports whether s, the inside of a host's brackets, is
// an IPv6 address (no zone) or an IPvFuture: "v", hex digits, ".", then
// unreserved, sub-delims or ":" characters.
func validIPLiteral(s string) bool {
	if len(s) > 0 && (s[0] == 'v' || s[0] == 'V') {
		hex, rest, ok := strings.Cut(s[1:], ".")
		if !ok || hex == "" || rest == "" {
			return false
		}
		for _, c := range []byte(hex) {
			if !isDigit(c) && !('a' <= c|0x20 && c|0x20 <= 'f') {
				return false
			}
		}
		for _, c := range []byte(rest) {
			if !isUnreserved(c) && !isSubDelim(c) && c != ':' {
				return false
			}
		}
		return true
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6() && a.Zone() == ""
}

// uriChars reports whether s holds only unreserved characters,
// sub-delims, %HH escapes and the bytes of extra.
func uriChars(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isUnreserved(c) || isSubDelim(c):
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		case strings.IndexByte(extra, c) >= 0:
		default:
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }
func isUnreserved(c byte) bool {
	return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~'
}
func isSubDelim(c byte) bool { return strings.IndexByte("!$&'()*+,;=", c) >= 0 }

// validUUID reports whether s is a UUID in its 36-character text form
// (RFC 9562), any version, hex digits in either case.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// structCheck is the compiled validation of a struct type: the rules of
// its fields, found by offset, and whether it has a Validate method. It
// is built once, at registration, by checkFor.
type structCheck struct {
	typ       reflect.Type
	fields    []fieldCheck
	validator bool       // *typ implements Validator
	shape     *jsonShape // its members, for the presence check of a JSON body
	validates uint8      // hasValidate's answer, set by settleValidates: 1 yes, 2 no
}

// fieldCheck is the validation of one struct field (embedded structs'
// fields are listed in their place, offsets added).
type fieldCheck struct {
	name  string       // the JSON member name, for locations
	off   uintptr      // offset in the struct
	typ   reflect.Type // the field's type
	kind  scalarKind   // of the value, or of a list's items, pointers removed
	ptr   bool         // the field is a pointer
	list  bool         // the field is a slice (not []byte) or an array
	rules rules
	sub   *structCheck // the struct (or list item struct) it holds, if any

	isArray      bool         // list: an array, not a slice
	isMap        bool         // a map: its values are the items, its keys the locations
	ctype        reflect.Type // list or map: the container type, pointer removed
	elem         *fieldCheck  // the check of each item that is itself a list or map holding structs
	itemType     reflect.Type // list or map: the item type
	itemSize     uintptr      // list or map: the item size
	itemPtr      bool         // list or map: the items are pointers
	scalarChecks bool         // rules.hasChecks(), for the value or each item
}

// checkFor returns the checks of struct type t, building them once per
// type (memo also ends the recursion of recursive types). fail reports a
// bad tag, naming the field.
func checkFor(t reflect.Type, memo map[reflect.Type]*structCheck, fail func(field, msg string)) *structCheck {
	if sc, ok := memo[t]; ok {
		return sc
	}
	sc := &structCheck{typ: t, validator: reflect.PointerTo(t).Implements(validatorType())}
	memo[t] = sc
	sc.shape = &jsonShape{}
	var walk func(t reflect.Type, base uintptr)
	walk = func(t reflect.Type, base uintptr) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			name, _, ok := jsonName(sf)
			if !ok {
				continue
			}
			if name == "" && sf.Type.Kind() == reflect.Struct { // inlined
				walk(sf.Type, base+sf.Offset)
				continue
			}
			r, err := fieldRules(sf)
			if err != nil {
				fail(t.String()+"."+sf.Name, err.Error())
			}
			f := fieldCheckFor(sf.Type, r, memo, fail)
			f.name, f.off = name, base+sf.Offset
			if name == "" { // an inlined pointer to a struct
				f.rules.required = false
			}
			sc.fields = append(sc.fields, f)
			member := shapeOf(&f)
			member.name, member.required = name, f.rules.required
			if name == "" && f.sub != nil {
				// The members of an inlined pointer's struct are members here.
				sc.shape.fields = append(sc.shape.fields, f.sub.shape.fields...)
				continue
			}
			sc.shape.fields = append(sc.shape.fields, member)
		}
	}
	walk(t, 0)
	return sc
}

// fieldCheckFor returns the check of a value of type t with rules r.
func fieldCheckFor(t reflect.Type, r rules, memo map[reflect.Type]*structCheck, fail func(field, msg string)) fieldCheck {
	f := fieldCheck{typ: t, rules: r}
	if t.Kind() == reflect.Pointer {
		f.ptr, t = true, t.Elem()
	}
	item := t
	switch {
	case isListKind(t):
		f.list, f.isArray, item = true, t.Kind() == reflect.Array, t.Elem()
	case t.Kind() == reflect.Map:
		f.isMap, item = true, t.Elem()
	}
	if f.list || f.isMap {
		f.ctype, f.itemType, f.itemSize = t, item, item.Size()
		if item.Kind() == reflect.Pointer {
			f.itemPtr, item = true, item.Elem()
		}
	}
	f.kind = scalarOf(item)
	switch {
	case item.Kind() == reflect.Struct && item != timeType() && f.kind == scalarNone &&
		!reflect.PointerTo(item).Implements(textUnmarshalerIfce()):
		f.sub = checkFor(item, memo, fail)
	case (f.list || f.isMap) && (isListKind(item) || item.Kind() == reflect.Map):
		// A list of lists, a map of lists...: their structs are checked
		// too, at any depth.
		if e := fieldCheckFor(item, rules{}, memo, fail); e.sub != nil || e.elem != nil {
			f.elem = &e
		}
	}
	f.scalarChecks = f.rules.hasChecks()
	return f
}

// isListKind reports whether t is a list: a slice (but not []byte) or an
// array.
func isListKind(t reflect.Type) bool {
	return t.Kind() == reflect.Array || t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8
}

// innerSub returns the struct check f's values hold, through any lists
// and maps, or nil.
func (f *fieldCheck) innerSub() *structCheck {
	for ; f != nil; f = f.elem {
		if f.sub != nil {
			return f.sub
		}
	}
	return nil
}

// shapeOf returns the JSON shape of f's value, for the presence check
// (name and required left to the caller).
func shapeOf(f *fieldCheck) shapeField {
	m := shapeField{list: f.list, mapOf: f.isMap}
	switch {
	case f.sub != nil && f.isMap:
		m.elem = &shapeField{sub: f.sub.shape}
	case f.sub != nil:
		m.sub = f.sub.shape
	case f.elem != nil:
		e := shapeOf(f.elem)
		m.elem = &e
	}
	return m
}

// jsonShape lists the members of a JSON object type, for the check that
// required members are present.
type jsonShape struct {
	fields []shapeField
}

// shapeField is one member of a jsonShape.
type shapeField struct {
	name     string
	required bool
	list     bool        // an array, whose items are objects of sub (or values of elem)
	mapOf    bool        // an object whose member values are values of elem
	sub      *jsonShape  // the shape of the member's object(s), if any
	elem     *shapeField // the shape of each item of a list or map holding lists or maps of objects
}

// sliceHeader is the memory layout of a slice.
type sliceHeader struct {
	data unsafe.Pointer
	len  int
	cap  int
}

// checkStruct checks the fields of the struct of sc at p.
func (v *violations) checkStruct(sc *structCheck, p unsafe.Pointer) {
	for i := range sc.fields {
		f := &sc.fields[i]
		v.checkField(f, unsafe.Add(p, f.off))
	}
}

// checkField checks the field value at p.
func (v *violations) checkField(f *fieldCheck, p unsafe.Pointer) {
	if f.rules.required && !v.maybeMissing && isZeroMem(p, f.typ.Size()) {
		v.maybeMissing = true
	}
	if f.name != "" {
		v.push(f.name)
		defer v.pop()
	}
	if f.ptr {
		if p = *(*unsafe.Pointer)(p); p == nil {
			return
		}
	}
	if !f.list && !f.isMap {
		v.checkValue(f, p)
		return
	}
	r := &f.rules
	tooMany := false
	if f.list {
		data, n := f.listData(p)
		switch {
		case r.minItems != nil && n < *r.minItems:
			v.invalid(v.location(), "must hold at least "+strconv.Itoa(*r.minItems)+" items", nil)
		case r.maxItems != nil && n > *r.maxItems:
			v.invalid(v.location(), "must hold at most "+strconv.Itoa(*r.maxItems)+" items", nil)
			tooMany = true
		}
		// Past maxItems, the list is refused already: looking for
		// duplicates would be work an oversized list could make quadratic.
		if r.uniqueItems && !tooMany {
			if dup, _ := hasDuplicate(f, data, n); dup {
				v.invalid(v.location(), "must not hold the same item twice", nil)
			}
		}
	}
	if !f.scalarChecks && f.sub == nil && f.elem == nil {
		return
	}
	v.eachItem(f, p, func(ip unsafe.Pointer) { v.checkValue(f, ip) })
}

// listData returns the items and length of the list of f at p (the list
// itself, pointer removed).
func (f *fieldCheck) listData(p unsafe.Pointer) (unsafe.Pointer, int) {
	if f.isArray {
		return p, f.ctype.Len()
	}
	h := (*sliceHeader)(p)
	return h.data, h.len
}

// eachItem calls fn with each item of the list or map of f at p (pointer
// removed), its index or key pushed on the location; nil pointer items are
// skipped. A map's items are copies, visited in the order of their keys.
func (v *violations) eachItem(f *fieldCheck, p unsafe.Pointer, fn func(ip unsafe.Pointer)) {
	if f.isMap {
		m := reflect.NewAt(f.ctype, p).Elem()
		if m.Len() == 0 {
			return
		}
		type entry struct {
			key string
			val reflect.Value
		}
		entries := make([]entry, 0, m.Len())
		for it := m.MapRange(); it.Next(); {
			entries = append(entries, entry{mapKeyText(it.Key()), it.Value()})
		}
		slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
		for _, e := range entries {
			c := reflect.New(f.itemType)
			c.Elem().Set(e.val)
			ip := c.UnsafePointer()
			if f.itemPtr {
				if ip = *(*unsafe.Pointer)(ip); ip == nil {
					continue
				}
			}
			v.push(e.key)
			fn(ip)
			v.pop()
		}
		return
	}
	data, n := f.listData(p)
	for i := 0; i < n; i++ {
		ip := unsafe.Add(data, uintptr(i)*f.itemSize)
		if f.itemPtr {
			if ip = *(*unsafe.Pointer)(ip); ip == nil {
				continue
			}
		}
		v.pushIndex(i)
		fn(ip)
		v.pop()
	}
}

// mapKeyText returns a map key as its JSON member name.
func mapKeyText(k reflect.Value) string {
	if m, ok := k.Interface().(encoding.TextMarshaler); ok {
		if b, err := m.MarshalText(); err == nil {
			return string(b)
		}
	}
	switch {
	case k.Kind() == reflect.String:
		return k.String()
	case k.CanInt():
		return strconv.FormatInt(k.Int(), 10)
	case k.CanUint():
		return strconv.FormatUint(k.Uint(), 10)
	}
	return k.Type().String()
}

// checkValue checks one value (a field's, or a list item's) at p.
func (v *violations) checkValue(f *fieldCheck, p unsafe.Pointer) {
	if f.scalarChecks {
		if msg, value, ok := f.rules.checkScalar(f.kind, p); !ok {
			v.invalid(v.location(), msg, value)
		}
	}
	if f.sub != nil {
		v.checkStruct(f.sub, p)
	}
	if f.elem != nil {
		v.checkField(f.elem, p)
	}
}

// hasDuplicate reports whether two of the n items of f's list at data
// are equal, as JSON Schema's uniqueItems compares them, and how many
// item reads and comparisons it made. Strings, numbers and booleans are
// indexed in a map, in one pass: numbers compare by value, so 0 and -0
// are the same item (NaN, which JSON cannot carry, equals nothing). Other
// items (structs) are compared pairwise with reflect.DeepEqual; checkField
// does not call it when maxItems has already failed, so maxItems bounds
// that work.
func hasDuplicate(f *fieldCheck, data unsafe.Pointer, n int) (dup bool, work int) {
	if n < 2 {
		return false, 0
	}
	k := f.kind
	if k == scalarNone || k == scalarTime {
		t := f.itemType
		items := make([]reflect.Value, n)
		for i := range items {
			items[i] = reflect.NewAt(t, unsafe.Add(data, uintptr(i)*t.Size())).Elem()
		}
		for i := 1; i < n; i++ {
			for j := 0; j < i; j++ {
				work++
				if reflect.DeepEqual(items[i].Interface(), items[j].Interface()) {
					return true, work
				}
			}
		}
		return false, work
	}
	var (
		strs   map[string]struct{}
		ints   map[int64]struct{}
		uints  map[uint64]struct{}
		floats map[float64]struct{}
		bools  [2]bool
		nils   bool
	)
	switch {
	case k == scalarString:
		strs = make(map[string]struct{}, n)
	case k.signed():
		ints = make(map[int64]struct{}, n)
	case k.unsigned():
		uints = make(map[uint64]struct{}, n)
	case k.float():
		floats = make(map[float64]struct{}, n)
	}
	for i := 0; i < n; i++ {
		work++
		p := unsafe.Add(data, uintptr(i)*f.itemSize)
		if f.itemPtr {
			if p = *(*unsafe.Pointer)(p); p == nil {
				if nils {
					return true, work
				}
				nils = true
				continue
			}
		}
		seen := false
		switch {
		case k == scalarString:
			s := *(*string)(p)
			_, seen = strs[s]
			strs[s] = struct{}{}
		case k == scalarBool:
			b := 0
			if *(*bool)(p) {
				b = 1
			}
			seen, bools[b] = bools[b], true
		case k.signed():
			x := readInt(k, p)
			_, seen = ints[x]
			ints[x] = struct{}{}
		case k.unsigned():
			x := readUint(k, p)
			_, seen = uints[x]
			uints[x] = struct{}{}
		case k.float():
			x := readFloat(k, p)
			if x == 0 {
				x = 0 // -0 is 0
			}
			_, seen = floats[x]
			floats[x] = struct{}{}
		}
		if seen {
			return true, work
		}
	}
	return false, work
}

// runValidates calls the Validate method of every struct value in the
// checked tree that has one, innermost first, then sc's own when self.
func (v *violations) runValidates(sc *structCheck, p unsafe.Pointer, self bool) {
	for i := range sc.fields {
		f := &sc.fields[i]
		if sub := f.innerSub(); sub == nil || !sub.hasValidate() {
			continue
		}
		fp := unsafe.Add(p, f.off)
		if f.name != "" {
			v.push(f.name)
		}
		if f.ptr {
			fp = *(*unsafe.Pointer)(fp)
		}
		if fp != nil {
			v.validateIn(f, fp)
		}
		if f.name != "" {
			v.pop()
		}
	}
	if self && sc.validator {
		v.addValidateError(reflect.NewAt(sc.typ, p).Interface().(Validator).Validate())
	}
}

// validateIn runs the Validate methods in the value of f at p (pointer
// removed): a struct, or the structs a list or map holds, at any depth.
func (v *violations) validateIn(f *fieldCheck, p unsafe.Pointer) {
	if !f.list && !f.isMap {
		v.runValidates(f.sub, p, true)
		return
	}
	v.eachItem(f, p, func(ip unsafe.Pointer) {
		if f.elem != nil {
			v.validateIn(f.elem, ip)
		} else {
			v.runValidates(f.sub, ip, true)
		}
	})
}

// hasValidate reports whether sc or a struct below it has a Validate
// method, as settleValidates computed it at registration.
func (sc *structCheck) hasValidate() bool { return sc.validates == 1 }

// settleValidates computes hasValidate's answer for every check in memo
// (and root), at registration: a search of the structs reachable from
// each, so that recursive types are answered right and nothing is
// written while requests are served.
func settleValidates(root *structCheck, memo map[reflect.Type]*structCheck) {
	isValidator := func(s *structCheck) bool { return s.validator }
	for _, sc := range append(slices.Collect(maps.Values(memo)), root) {
		sc.validates = 2
		if sc.reaches(map[*structCheck]bool{}, isValidator) {
			sc.validates = 1
		}
	}
}

// addValidateError records what a Validate method returned.
func (v *violations) addValidateError(err error) {
	if err == nil {
		return
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var fe *FieldError
		if errors.As(e, &fe) {
			v.invalid(fe.Location, fe.Message, fe.Value)
		} else if e != nil {
			v.invalid(v.location(), e.Error(), nil)
		}
	}
}

// isZeroMem reports whether the n bytes at p are all zero: the memory of
// a zero value.
func isZeroMem(p unsafe.Pointer, n uintptr) bool {
	for _, b := range unsafe.Slice((*byte)(p), n) {
		if b != 0 {
			return false
		}
	}
	return true
}
