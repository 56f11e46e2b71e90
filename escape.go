package alb

import (
	"slices"
	"strings"
)

// The ALB hands the function the request path and query exactly as the
// client sent them: still percent-encoded, with '+' left literal (contract
// rules 8-12). Routing works on the raw path, segment by segment, so that an
// encoded slash ("%2F") stays inside its segment; parameter values, the
// path and the query are decoded once, when they are read.

// unescapePath decodes the percent-escapes of a path or a path segment, with
// the rules of url.PathUnescape: "%XX" is the byte 0xXX and '+' stays '+'.
// See unescape for what happens on a malformed escape and what it costs.
func unescapePath(s string) string { return unescape(s, false) }

// unescapeQuery decodes a raw query key or value with form rules, as
// url.QueryUnescape does: "%XX" is the byte 0xXX and '+' is a space. See
// unescape for what happens on a malformed escape and what it costs.
func unescapeQuery(s string) string { return unescape(s, true) }

// unescape decodes the "%XX" escapes of s, and '+' as a space when
// plusSpace is set.
//
// If any '%' in s is not followed by two hex digits, s is returned
// unchanged: a malformed escape never fails the request, and the raw text is
// the most faithful value left (contract rule 10). When there is nothing to
// decode, s itself is returned and nothing is allocated; otherwise the
// result is one new string.
func unescape(s string, plusSpace bool) string {
	b, changed := appendUnescape(nil, s, plusSpace)
	if !changed {
		return s
	}
	return view(b) // b is new and goes nowhere else
}

// appendUnescape appends the decoded form of s, as unescape defines it, to
// dst and reports whether it differs from s. When it does not, dst is
// returned as it was, with nothing appended, and the caller uses s itself.
func appendUnescape(dst []byte, s string, plusSpace bool) ([]byte, bool) {
	if !plusSpace && strings.IndexByte(s, '%') < 0 {
		return dst, false
	}
	n := 0 // escapes
	plus := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			if _, ok := unescapeAt(s, i); !ok {
				return dst, false
			}
			n++
			i += 2
		case '+':
			plus = plusSpace
		}
	}
	if n == 0 && !plus {
		return dst, false
	}
	dst = slices.Grow(dst, len(s)-2*n)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			c, _ = unescapeAt(s, i)
			dst = append(dst, c)
			i += 2
		case c == '+' && plusSpace:
			dst = append(dst, ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst, true
}

// queryKeyEqual reports whether unescapeQuery(raw) == key, without
// allocating.
func queryKeyEqual(raw, key string) bool {
	// Decoding never lengthens: a raw key shorter than key cannot match,
	// and one of the same length matches only byte for byte, '+' as a
	// space, unless it holds an escape (which shortens it, or, malformed,
	// keeps it raw with its '+' too). Keys mostly differ in length or in
	// their first bytes, so this settles most of them without a scan.
	switch {
	case len(raw) < len(key):
		return false
	case len(raw) == len(key):
		for i := 0; i < len(raw); i++ {
			switch c := raw[i]; {
			case c == '%':
				return queryKeyEqualSlow(raw, key)
			case c == '+':
				c = ' '
				fallthrough
			default:
				if c != key[i] {
					return strings.IndexByte(raw[i+1:], '%') >= 0 && queryKeyEqualSlow(raw, key)
				}
			}
		}
		return true
	case strings.IndexByte(raw, '%') < 0:
		return false // no escape: the decoded key is as long as raw
	}
	return queryKeyEqualSlow(raw, key)
}

// queryKeyEqualSlow is queryKeyEqual for a raw key that may hold escapes.
func queryKeyEqualSlow(raw, key string) bool {
	// Each escape shrinks the raw text by two bytes, so the decoded length
	// is known before comparing, and a bad escape means raw is taken as is.
	n := 0
	for i := 0; i < len(raw); i++ {
		if raw[i] == '%' {
			if _, ok := unescapeAt(raw, i); !ok {
				return raw == key
			}
			n++
			i += 2
		}
	}
	if len(raw)-2*n != len(key) {
		return false
	}
	j := 0
	for i := 0; i < len(raw); i, j = i+1, j+1 {
		c := raw[i]
		switch c {
		case '%':
			c, _ = unescapeAt(raw, i)
			i += 2
		case '+':
			c = ' '
		}
		if c != key[j] {
			return false
		}
	}
	return true
}

// unescapeAt decodes the escape "%XX" that starts at s[i]. ok is false when
// s[i:] does not start with '%' and two hex digits.
func unescapeAt(s string, i int) (c byte, ok bool) {
	if i+2 >= len(s) || s[i] != '%' {
		return 0, false
	}
	hi, lo := hexDigit(s[i+1]), hexDigit(s[i+2])
	if hi|lo > 0xf {
		return 0, false
	}
	return hi<<4 | lo, true
}

// hexDigit returns the value of the hex digit c, or 0xff if c is not one.
func hexDigit(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0xff
}
