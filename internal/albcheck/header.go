package albcheck

import (
	"strings"
)

// header is one header line of the response, before the rule 28 checks.
type header struct {
	name  string
	value text
}

// headers returns the response's header lines in document order, checking
// the header field against the mode (rule 25), the value types (rule 24)
// and the lines themselves (rule 28).
func headers(obj *object, multiValue bool) ([][2]string, *Error) {
	field, other := "headers", "multiValueHeaders"
	if multiValue {
		field, other = other, field
	}
	if _, ok := obj.get(other); ok {
		mode := "single-value"
		if multiValue {
			mode = "multi-value"
		}
		return nil, fail(25, "%q is present in %s mode, which uses %q", other, mode, field)
	}
	v, ok := obj.get(field)
	if !ok {
		return nil, nil
	}
	o, ok := v.(*object)
	if !ok {
		return nil, fail(24, "%q is %s, not an object", field, kind(v))
	}
	var lines []header
	for i, name := range o.keys {
		switch v := o.vals[i].(type) {
		case text:
			if multiValue {
				return nil, fail(24, "header %s is a string, not an array of strings", quote(name))
			}
			lines = append(lines, header{name, v})
		case []any:
			if !multiValue {
				return nil, fail(24, "header %s is an array, not a string", quote(name))
			}
			for j, e := range v {
				t, ok := e.(text)
				if !ok {
					return nil, fail(24, "header %s value %d is %s, not a string", quote(name), j, kind(e))
				}
				lines = append(lines, header{name, t})
			}
		default:
			want := "a string"
			if multiValue {
				want = "an array of strings"
			}
			return nil, fail(24, "header %s is %s, not %s", quote(name), kind(v), want)
		}
	}
	if err := checkLines(o.keys, lines); err != nil {
		return nil, err
	}
	var pairs [][2]string
	for _, h := range lines {
		pairs = append(pairs, [2]string{h.name, h.value.s})
	}
	return pairs, nil
}

// checkLines applies the project's header rules (rule 28) to the header
// names, all of them, even those with an empty array of values, then to
// the header lines.
func checkLines(names []string, lines []header) *Error {
	for _, name := range names {
		if !isToken(name) {
			return fail(28, "header name %s is not an HTTP token", quote(name))
		}
		if isBanned(name) {
			return fail(28, "header %s is hop-by-hop or computed by the ALB", quote(name))
		}
	}
	size := 0
	for _, h := range lines {
		if !h.value.valid {
			return fail(28, "header %s value is not valid UTF-8", quote(h.name))
		}
		if strings.ContainsAny(h.value.s, "\r\n\x00") {
			return fail(28, "header %s value %s contains CR, LF or NUL", quote(h.name), quote(h.value.s))
		}
		size += len(h.name) + len(h.value.s) + 4
	}
	if size > MaxHeaderBlock {
		return fail(28, "the header block is %d bytes, over the %d-byte limit", size, MaxHeaderBlock)
	}
	return nil
}

// banned are the headers a response must not carry: hop-by-hop headers,
// which the ALB does not honour, and Content-Length, which it computes
// (rule 28).
var banned = [...]string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
	"Content-Length",
}

// isBanned reports whether name is one of banned, case-insensitively. name
// is a token, so strings.EqualFold only ever folds ASCII letters here.
func isBanned(name string) bool {
	for _, b := range banned {
		if strings.EqualFold(name, b) {
			return true
		}
	}
	return false
}

// isToken reports whether s is a non-empty HTTP token (RFC 9110 section
// 5.6.2): letters, digits and !#$%&'*+-.^_`|~.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
