package middleware

import (
	"strconv"
	"strings"

	"github.com/albkit/alb"
)

// SecureHeadersOptions configures SecureHeaders. Each field is the value of
// one response header: "" means its default, and "-" means the header is
// not sent. The zero value sends the four defaults and no
// Content-Security-Policy.
type SecureHeadersOptions struct {
	// HSTS is the Strict-Transport-Security value: "max-age=N" (seconds),
	// optionally with "includeSubDomains" and "preload", separated by ';'.
	// Default "max-age=63072000; includeSubDomains" (two years).
	HSTS string

	// ContentTypeOptions is the X-Content-Type-Options value; the only one
	// defined is the default, "nosniff".
	ContentTypeOptions string

	// FrameOptions is the X-Frame-Options value: "DENY" (the default) or
	// "SAMEORIGIN".
	FrameOptions string

	// ReferrerPolicy is the Referrer-Policy value: one policy, or a
	// comma-separated list with fallbacks first. Default
	// "strict-origin-when-cross-origin".
	ReferrerPolicy string

	// ContentSecurityPolicy is the Content-Security-Policy value. It has no
	// default: "" (like "-") sends none.
	ContentSecurityPolicy string
}

// SecureHeaders returns middleware that sets security headers on every
// response, before the handler runs, so a handler can still change or
// remove one for its own response (c.SetHeader, c.DelHeader):
//
//	Strict-Transport-Security  max-age=63072000; includeSubDomains
//	X-Content-Type-Options     nosniff
//	X-Frame-Options            DENY
//	Referrer-Policy            strict-origin-when-cross-origin
//	Content-Security-Policy    (only when configured)
//
// Browsers ignore Strict-Transport-Security received over plain HTTP, so it
// is sent whatever the listener's protocol.
//
// The values are checked and built here, and a value that is not valid for
// its header panics, quoting it. Setting them allocates nothing per
// request.
func SecureHeaders(opts SecureHeadersOptions) alb.Middleware {
	var headers [][2]string
	add := func(name, value, def string, valid func(string) bool) {
		switch value {
		case "-":
			return
		case "":
			if def == "" {
				return
			}
			value = def
		}
		if !valid(value) {
			panic("middleware: SecureHeaders: invalid " + name + " " + strconv.Quote(value))
		}
		headers = append(headers, [2]string{name, value})
	}
	add("Strict-Transport-Security", opts.HSTS, "max-age=63072000; includeSubDomains", validHSTS)
	add("X-Content-Type-Options", opts.ContentTypeOptions, "nosniff", func(v string) bool {
		return strings.EqualFold(v, "nosniff")
	})
	add("X-Frame-Options", opts.FrameOptions, "DENY", func(v string) bool {
		return strings.EqualFold(v, "DENY") || strings.EqualFold(v, "SAMEORIGIN")
	})
	add("Referrer-Policy", opts.ReferrerPolicy, "strict-origin-when-cross-origin", validReferrerPolicy)
	add("Content-Security-Policy", opts.ContentSecurityPolicy, "", validCSP)

	return func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) error {
			for _, h := range headers {
				c.SetHeader(h[0], h[1])
			}
			return next(c)
		}
	}
}

// validHSTS reports whether v is a Strict-Transport-Security value with
// one max-age and no unknown or repeated directive (RFC 6797).
func validHSTS(v string) bool {
	seen := map[string]bool{}
	for d := range strings.SplitSeq(v, ";") {
		name, value, hasValue := strings.Cut(strings.TrimSpace(d), "=")
		name = strings.ToLower(name)
		if seen[name] {
			return false
		}
		seen[name] = true
		switch name {
		case "max-age":
			if !hasValue || value == "" || strings.Trim(value, "0123456789") != "" {
				return false
			}
		case "includesubdomains", "preload":
			if hasValue {
				return false
			}
		default:
			return false
		}
	}
	return seen["max-age"]
}

// referrerPolicies are the values of the Referrer-Policy header.
var referrerPolicies = []string{
	"no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin",
	"same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url",
}

// validReferrerPolicy reports whether v is a comma-separated list of
// referrer policies.
func validReferrerPolicy(v string) bool {
	for p := range strings.SplitSeq(v, ",") {
		known := false
		for _, rp := range referrerPolicies {
			known = known || strings.EqualFold(strings.TrimSpace(p), rp)
		}
		if !known {
			return false
		}
	}
	return true
}

// validCSP reports whether v can be a Content-Security-Policy value:
// printable ASCII, not blank.
func validCSP(v string) bool {
	if strings.TrimSpace(v) == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < ' ' || v[i] > '~' {
			return false
		}
	}
	return true
}
