package alb

import "strings"

// The ALB delivers query keys and values as the client sent them: still
// percent-encoded, with '+' for a space left literal (contract rules 8-10).
// They are decoded once, with form rules, when they are read.

// unescapeQuery decodes a raw query key or value with form rules: "%XX" is
// the byte 0xXX and '+' is a space. If s holds an escape that is not '%'
// followed by two hex digits, s is returned unchanged: a bad escape never
// fails the request, and the raw text is the most faithful value left
// (rule 10). When there is nothing to decode, s itself is returned and
// nothing is allocated; otherwise the result is one new string.
func unescapeQuery(s string) string {
	n := 0 // escapes
	plus := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return s
			}
			n++
			i += 2
		case '+':
			plus = true
		}
	}
	if n == 0 && !plus {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) - 2*n)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%':
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		case '+':
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// queryKeyEqual reports whether unescapeQuery(raw) == key, without
// allocating.
func queryKeyEqual(raw, key string) bool {
	if !strings.ContainsAny(raw, "%+") {
		return raw == key
	}
	// Each escape shrinks the raw text by two bytes, so the decoded length
	// is known before comparing, and a bad escape means raw is taken as is.
	n := 0
	for i := 0; i < len(raw); i++ {
		if raw[i] == '%' {
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
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
			c = unhex(raw[i+1])<<4 | unhex(raw[i+2])
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

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// unhex returns the value of the hex digit c, which must be one.
func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
