package alb

import "strings"

// The ALB hands the function the request path as the client sent it: still
// percent-encoded. Routing works on that raw text, segment by segment, so
// that an encoded slash ("%2F") stays inside its segment; parameter values
// are decoded only once a route has matched.

// unescapePath decodes the percent-escapes of a path segment, with the same
// rules as url.PathUnescape: "%XX" is the byte 0xXX and '+' stays '+'.
//
// If s holds no '%', s itself is returned and nothing is allocated. If any
// '%' in s is not followed by two hex digits, s is returned unchanged: a
// malformed escape never fails the request, and the raw text is the most
// faithful value left. Otherwise the result is one newly allocated string.
func unescapePath(s string) string {
	first := strings.IndexByte(s, '%')
	if first < 0 {
		return s
	}
	n := 0 // escapes
	for i := first; i < len(s); i++ {
		if s[i] == '%' {
			if _, ok := unescapeAt(s, i); !ok {
				return s
			}
			n++
			i += 2
		}
	}
	var b strings.Builder
	b.Grow(len(s) - 2*n)
	b.WriteString(s[:first])
	for i := first; i < len(s); {
		if s[i] != '%' {
			j := strings.IndexByte(s[i:], '%')
			if j < 0 {
				b.WriteString(s[i:])
				break
			}
			b.WriteString(s[i : i+j])
			i += j
			continue
		}
		c, _ := unescapeAt(s, i)
		b.WriteByte(c)
		i += 3
	}
	return b.String()
}

// unescapeAt decodes the escape "%XX" that starts at s[i]. ok is false when
// s[i:] does not start with '%' and two hex digits.
func unescapeAt(s string, i int) (c byte, ok bool) {
	if i+2 >= len(s) || s[i] != '%' {
		return 0, false
	}
	hi, lo := pathHexDigit(s[i+1]), pathHexDigit(s[i+2])
	if hi|lo > 0xf {
		return 0, false
	}
	return hi<<4 | lo, true
}

// pathHexDigit returns the value of the hex digit c, or 0xff if c is not one.
func pathHexDigit(c byte) byte {
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
