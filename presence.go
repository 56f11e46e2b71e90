package alb

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// checkPresence records in v every required member that a JSON body,
// already decoded without error, leaves out or sets to null. On text that
// is not JSON (from a lenient codec) it ends without panicking, whatever
// it records. root is the
// shape of the body value. With fold, member names also match a field's
// name case-insensitively, as encoding/json matches them.
//
// It scans the body once and allocates only for a violation, a member
// name with escapes, or an object type with over 64 members.
func checkPresence(body []byte, root *shapeField, fold bool, v *violations) {
	w := presenceScan{b: body, fold: fold}
	w.value(root, v)
}

// presenceScan walks a valid JSON text.
type presenceScan struct {
	b    []byte
	i    int
	fold bool
}

func (w *presenceScan) space() {
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// value walks the value at w.i, of the member f.
func (w *presenceScan) value(f *shapeField, v *violations) {
	w.space()
	if w.i >= len(w.b) {
		return
	}
	switch {
	case w.b[w.i] == '{' && f.sub != nil && !f.list:
		w.object(f.sub, v)
	case w.b[w.i] == '[' && f.sub != nil && f.list:
		w.i++
		for n := 0; ; n++ {
			w.space()
			if w.i >= len(w.b) || w.b[w.i] == ']' {
				w.i++
				return
			}
			before := w.i
			if w.b[w.i] == '{' {
				v.pushIndex(n)
				w.object(f.sub, v)
				v.pop()
			} else {
				w.skip()
			}
			w.space()
			if w.i < len(w.b) && w.b[w.i] == ',' || w.i == before {
				w.i++ // past the comma, or past what no walk could take
			}
		}
	case w.b[w.i] == '[' && f.elem != nil && f.list:
		w.i++
		for n := 0; ; n++ {
			w.space()
			if w.i >= len(w.b) || w.b[w.i] == ']' {
				w.i++
				return
			}
			before := w.i
			v.pushIndex(n)
			w.value(f.elem, v)
			v.pop()
			w.space()
			if w.i < len(w.b) && w.b[w.i] == ',' || w.i == before {
				w.i++
			}
		}
	case w.b[w.i] == '{' && f.elem != nil && f.mapOf:
		w.i++
		for {
			w.space()
			if w.i >= len(w.b) || w.b[w.i] == '}' {
				w.i++
				return
			}
			before := w.i
			key := w.str()
			w.space()
			w.i++ // ':'
			v.push(key)
			w.value(f.elem, v)
			v.pop()
			w.space()
			if w.i < len(w.b) && w.b[w.i] == ',' || w.i == before {
				w.i++
			}
		}
	default:
		w.skip()
	}
}

// object walks the object at w.i, of shape s, and records its required
// members that are missing or null.
func (w *presenceScan) object(s *jsonShape, v *violations) {
	var seen uint64
	var seenMore []bool
	if len(s.fields) > 64 {
		seenMore = make([]bool, len(s.fields))
	}
	w.i++     // '{'
	next := 0 // members usually come in field order: look there first
	for {
		w.space()
		if w.i >= len(w.b) || w.b[w.i] == '}' {
			w.i++
			break
		}
		before := w.i
		key := w.str()
		w.space()
		w.i++ // ':'
		w.space()
		k := s.find(key, next, w.fold)
		if k < 0 {
			w.skip()
		} else {
			if !w.isNull() {
				if seenMore != nil {
					seenMore[k] = true
				} else {
					seen |= 1 << k
				}
			}
			v.push(s.fields[k].name)
			w.value(&s.fields[k], v)
			v.pop()
			next = k + 1
		}
		w.space()
		if w.i < len(w.b) && w.b[w.i] == ',' || w.i == before {
			w.i++
		}
	}
	for k := range s.fields {
		f := &s.fields[k]
		if !f.required || (seenMore != nil && seenMore[k]) || (seenMore == nil && seen&(1<<k) != 0) {
			continue
		}
		v.push(f.name)
		v.invalid(v.location(), msgRequired, nil)
		v.pop()
	}
}

// find returns the index of the member called key, or -1, looking from
// index from first.
func (s *jsonShape) find(key string, from int, fold bool) int {
	n := len(s.fields)
	for j := 0; j < n; j++ {
		k := from + j
		if k >= n {
			k -= n
		}
		if s.fields[k].name == key {
			return k
		}
	}
	if fold {
		for k := range s.fields {
			if equalFold(s.fields[k].name, key) {
				return k
			}
		}
	}
	return -1
}

func (w *presenceScan) isNull() bool {
	return len(w.b)-w.i >= 4 && string(w.b[w.i:w.i+4]) == "null"
}

// str reads the string at w.i and returns its value: a view of the body
// when it has no escapes.
func (w *presenceScan) str() string {
	start := w.i + 1
	end := start
	for {
		k := bytes.IndexByte(w.b[end:], '"')
		if k < 0 {
			w.i = len(w.b)
			return ""
		}
		end += k
		backslashes := 0
		for end-1-backslashes >= start && w.b[end-1-backslashes] == '\\' {
			backslashes++
		}
		if backslashes%2 == 0 {
			break
		}
		end++
	}
	w.i = end + 1
	raw := w.b[start:end]
	if bytes.IndexByte(raw, '\\') < 0 {
		return view(raw)
	}
	var s string
	if json.Unmarshal(w.b[start-1:end+1], &s) != nil {
		return strconv.Quote(string(raw)) // matches no member
	}
	return s
}

// skip moves w.i past the value at w.i.
func (w *presenceScan) skip() {
	depth := 0
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case '"':
			w.str()
			if depth == 0 {
				return
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return // the end of the enclosing value: not ours
			}
			depth--
			if depth == 0 {
				w.i++
				return
			}
		case ',':
			if depth == 0 {
				return
			}
		}
		w.i++
	}
}
