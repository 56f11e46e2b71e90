package alb

import (
	"net"
	"net/http"
	"strconv"
)

// appendSetCookie appends the Set-Cookie value for c to dst, byte for byte
// what c.String() returns in net/http, and reports whether the cookie can
// be sent: false, with nothing appended, when c is nil or its name is not
// an RFC 9110 token, where String returns "".
//
// It checks and cleans the attributes as String does: bytes net/http would
// drop from the value (those outside 0x20-0x7e, '"', ';' and '\\') and the
// path (outside 0x20-0x7e and ';') are dropped; a value holding a space or
// a comma, or flagged Quoted, is quoted; a domain that is neither a domain
// name (with an optional leading dot, which is not sent) nor an IPv4 address
// is left out; an expiry before the year 1601 is left out too, silently.
// sanitised reports whether bytes were dropped or the domain left out, for
// the caller to log, where String logs through the standard log package.
func appendSetCookie(dst []byte, c *http.Cookie) (out []byte, ok, sanitised bool) {
	if c == nil || !validHeaderName(c.Name) {
		return dst, false, false
	}
	dst = append(dst, c.Name...)
	dst = append(dst, '=')
	v := c.Value
	quote := c.Quoted
	for i := 0; i < len(v); i++ {
		if b := v[i]; b == ' ' || b == ',' {
			quote = true
		}
	}
	if quote {
		dst = append(dst, '"')
	}
	var dropped bool
	dst, dropped = appendValid(dst, v, false)
	sanitised = sanitised || dropped
	if quote {
		dst = append(dst, '"')
	}
	if c.Path != "" {
		dst = append(dst, "; Path="...)
		dst, dropped = appendValid(dst, c.Path, true)
		sanitised = sanitised || dropped
	}
	if c.Domain != "" {
		if validCookieDomain(c.Domain) {
			d := c.Domain
			if d[0] == '.' {
				d = d[1:]
			}
			dst = append(dst, "; Domain="...)
			dst = append(dst, d...)
		} else {
			sanitised = true
		}
	}
	if c.Expires.Year() >= 1601 {
		dst = append(dst, "; Expires="...)
		dst = c.Expires.UTC().AppendFormat(dst, http.TimeFormat)
	}
	if c.MaxAge > 0 {
		dst = append(dst, "; Max-Age="...)
		dst = strconv.AppendInt(dst, int64(c.MaxAge), 10)
	} else if c.MaxAge < 0 {
		dst = append(dst, "; Max-Age=0"...)
	}
	if c.HttpOnly {
		dst = append(dst, "; HttpOnly"...)
	}
	if c.Secure {
		dst = append(dst, "; Secure"...)
	}
	switch c.SameSite {
	case http.SameSiteNoneMode:
		dst = append(dst, "; SameSite=None"...)
	case http.SameSiteLaxMode:
		dst = append(dst, "; SameSite=Lax"...)
	case http.SameSiteStrictMode:
		dst = append(dst, "; SameSite=Strict"...)
	}
	if c.Partitioned {
		dst = append(dst, "; Partitioned"...)
	}
	return dst, true, sanitised
}

// setCookieSize bounds the length of what appendSetCookie appends for c,
// for an Expires before the year 10000.
func setCookieSize(c *http.Cookie) int {
	if c == nil {
		return 0
	}
	n := len(c.Name) + len(c.Value) + len(`=""`)
	if c.Path != "" {
		n += len("; Path=") + len(c.Path)
	}
	if c.Domain != "" {
		n += len("; Domain=") + len(c.Domain)
	}
	if !c.Expires.IsZero() {
		n += len("; Expires=") + len(http.TimeFormat)
	}
	if c.MaxAge != 0 {
		n += len("; Max-Age=") + 20
	}
	if c.HttpOnly {
		n += len("; HttpOnly")
	}
	if c.Secure {
		n += len("; Secure")
	}
	if c.SameSite != 0 {
		n += len("; SameSite=Strict")
	}
	if c.Partitioned {
		n += len("; Partitioned")
	}
	return n
}

// appendValid appends the bytes of s that net/http keeps in a cookie's
// value (0x20-0x7e except '"', ';' and '\\') or, when path is set, its path
// (0x20-0x7e except ';'), and reports whether it dropped any.
func appendValid(dst []byte, s string, path bool) ([]byte, bool) {
	start, dropped := 0, false
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b >= 0x7f || b == ';' || !path && (b == '"' || b == '\\') {
			dst = append(dst, s[start:i]...)
			start, dropped = i+1, true
		}
	}
	return append(dst, s[start:]...), dropped
}

// validCookieDomain reports whether net/http sends d as a cookie's Domain
// attribute: a domain name, with an optional leading dot, or an IPv4
// address.
func validCookieDomain(d string) bool {
	return isCookieDomainName(d) || !containsByte(d, ':') && net.ParseIP(d) != nil
}

// isCookieDomainName reports whether s is a domain name as net/http accepts
// it in a cookie: at most 255 bytes after an optional leading dot, labels
// of 1 to 63 letters, digits and inner hyphens, at least one letter.
func isCookieDomainName(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	if s[0] == '.' {
		s = s[1:]
	}
	last := byte('.')
	letter := false
	label := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			letter = true
			label++
		case '0' <= c && c <= '9':
			label++
		case c == '-':
			if last == '.' {
				return false
			}
			label++
		case c == '.':
			if last == '.' || last == '-' || label == 0 || label > 63 {
				return false
			}
			label = 0
		default:
			return false
		}
		last = c
	}
	return last != '-' && label <= 63 && letter
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}
