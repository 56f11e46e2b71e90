package albcheck

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// A parsed JSON value is one of:
//
//	*object      an object, members in document order
//	[]any        an array
//	text         a string
//	json.Number  a number, as written
//	bool         true or false
//	nil          null
//
// Unlike encoding/json's map[string]any, this keeps member order (the
// emulator sends headers in order), tells null from an absent key, keeps
// numbers as written, and remembers whether a string was valid UTF-8.

// object is a JSON object with its members in document order and no
// duplicate key.
type object struct {
	keys []string
	vals []any
}

// get returns the value of key and whether the object has it.
func (o *object) get(key string) (any, bool) {
	for i, k := range o.keys {
		if k == key {
			return o.vals[i], true
		}
	}
	return nil, false
}

// text is a JSON string: its decoded value, and whether its raw text was
// valid UTF-8 with no unpaired surrogate escape. encoding/json replaces
// either with U+FFFD without a word, so s alone cannot tell.
type text struct {
	s     string
	valid bool
}

// parse decodes resp, which must be one JSON object with nothing but white
// space after it and no duplicate key in any object (rule 20).
func parse(resp []byte) (*object, *Error) {
	if !json.Valid(resp) {
		// Unmarshal shares json.Valid's scanner; it is run again only for
		// its message, which says what is wrong and where.
		var v any
		if err := json.Unmarshal(resp, &v); err != nil {
			return nil, fail(20, "malformed JSON: %v", err)
		}
		return nil, fail(20, "malformed JSON")
	}
	p := parser{dec: json.NewDecoder(bytes.NewReader(resp)), raw: resp}
	p.dec.UseNumber()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	obj, ok := v.(*object)
	if !ok {
		return nil, fail(20, "the response is %s, not an object", kind(v))
	}
	return obj, nil
}

// parser walks the tokens of a document that json.Valid has accepted, so a
// token error here would be a bug in this package or in encoding/json; it
// is still reported, as rule 20.
type parser struct {
	dec *json.Decoder
	raw []byte
}

// value reads the next value.
func (p *parser) value() (any, *Error) {
	start := p.dec.InputOffset()
	tok, err := p.dec.Token()
	if err != nil {
		return nil, fail(20, "malformed JSON: %v", err)
	}
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '{' {
			return p.object()
		}
		if tok == '[' {
			return p.array()
		}
		return nil, fail(20, "malformed JSON: unexpected %q at offset %d", rune(tok), start)
	case string:
		return p.text(tok, start), nil
	case json.Number, bool, nil:
		return tok, nil
	}
	return nil, fail(20, "malformed JSON: unexpected token %v at offset %d", tok, start)
}

// object reads the members of an object after its '{'.
func (p *parser) object() (any, *Error) {
	o := new(object)
	seen := make(map[string]struct{})
	for p.dec.More() {
		start := p.dec.InputOffset()
		tok, err := p.dec.Token()
		if err != nil {
			return nil, fail(20, "malformed JSON: %v", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fail(20, "malformed JSON: object key %v at offset %d", tok, start)
		}
		if _, dup := seen[key]; dup {
			// Parsers disagree on duplicates (encoding/json keeps the last,
			// others the first or refuse), so the meaning is ambiguous.
			return nil, fail(20, "duplicate key %s at offset %d", quote(key), start)
		}
		seen[key] = struct{}{}
		v, perr := p.value()
		if perr != nil {
			return nil, perr
		}
		o.keys = append(o.keys, key)
		o.vals = append(o.vals, v)
	}
	if _, err := p.dec.Token(); err != nil { // '}'
		return nil, fail(20, "malformed JSON: %v", err)
	}
	return o, nil
}

// array reads the elements of an array after its '['.
func (p *parser) array() (any, *Error) {
	a := []any{}
	for p.dec.More() {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
	}
	if _, err := p.dec.Token(); err != nil { // ']'
		return nil, fail(20, "malformed JSON: %v", err)
	}
	return a, nil
}

// text returns the string token s, which the decoder read from start up to
// its current offset. Between start and the opening quote there is only
// white space and at most one ',' or ':', none of which is '"', so the
// first '"' after start opens the string and the last byte closes it.
func (p *parser) text(s string, start int64) text {
	raw := p.raw[start:p.dec.InputOffset()]
	raw = raw[bytes.IndexByte(raw, '"')+1 : len(raw)-1]
	return text{s: s, valid: validText(raw)}
}

// validText reports whether raw, the text between the quotes of a valid
// JSON string, is valid UTF-8 and has no \u escape that is an unpaired
// surrogate (a high one not followed by a \u low one, or a lone low one).
func validText(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		i++ // the escaped byte; JSON validity guarantees it exists
		if raw[i] != 'u' {
			continue
		}
		r := hex4(raw[i+1 : i+5])
		i += 4
		switch {
		case 0xDC00 <= r && r <= 0xDFFF:
			return false
		case 0xD800 <= r && r <= 0xDBFF:
			if i+6 >= len(raw) || raw[i+1] != '\\' || raw[i+2] != 'u' {
				return false
			}
			if lo := hex4(raw[i+3 : i+7]); lo < 0xDC00 || lo > 0xDFFF {
				return false
			}
			i += 6
		}
	}
	return true
}

// hex4 returns the value of four hexadecimal digits, which JSON validity
// guarantees.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}

// findNull reports whether v holds a null, and where: the path below v,
// like `["X-A"][1]`, or "" for v itself.
func findNull(v any) (path string, found bool) {
	switch v := v.(type) {
	case nil:
		return "", true
	case *object:
		for i, e := range v.vals {
			if p, ok := findNull(e); ok {
				return "[" + quote(v.keys[i]) + "]" + p, true
			}
		}
	case []any:
		for i, e := range v {
			if p, ok := findNull(e); ok {
				return "[" + strconv.Itoa(i) + "]" + p, true
			}
		}
	}
	return "", false
}
