package middleware

import (
	"context"
	"strconv"

	"github.com/albkit/alb"
)

// APIKeyOptions configures APIKey.
type APIKeyOptions struct {
	// Header is the request header that carries the key, matched
	// case-insensitively. Default "X-Api-Key".
	Header string

	// Query is the query parameter that carries the key when the header is
	// absent or empty; "" (the default) accepts the key from the header
	// only. Keys in URLs end up in access logs, browser histories and
	// Referer headers: prefer the header.
	Query string

	// Validate checks a key and returns the Principal to store for the
	// handlers, or nil to reject it. It runs on every request that
	// presents a key, possibly concurrently, with the request's context.
	// Required. APIKeys builds one for a fixed set of keys.
	//
	// The key is a view into the request, never reused: Validate may keep
	// it. Returning a preallocated Principal keeps a request that passes
	// from allocating anything.
	Validate func(ctx context.Context, key string) *Principal
}

// APIKey returns middleware that lets a request through only with an API
// key that opts.Validate accepts, and stores the Principal it returns for
// GetPrincipal.
//
// The key is the value of opts.Header, without surrounding spaces, or, when
// that is empty and opts.Query is set, the value of that query parameter
// (decoded). A request without a key, or with one Validate rejects, gets
// 401 with the body the router's ErrorHandler writes for an *alb.HTTPError
// ({"message":"authentication required"} or {"message":"invalid
// credentials"} by default) and, since HTTP requires a challenge on every
// 401 and no scheme is registered for API keys, a challenge in a scheme of
// its own that tells the client where the key goes:
//
//	WWW-Authenticate: APIKey header="X-Api-Key"
//	WWW-Authenticate: APIKey header="X-Api-Key", query="api_key"
//
// APIKey adds no allocation of its own to a request that passes (reading a
// query parameter allocates only when its name or value holds escapes). It
// panics if opts.Validate is nil or opts.Header is not a valid header name.
func APIKey(opts APIKeyOptions) alb.Middleware {
	if opts.Validate == nil {
		panic("middleware: APIKey: APIKeyOptions.Validate is nil")
	}
	header := opts.Header
	if header == "" {
		header = "X-Api-Key"
	}
	if !authIsToken(header) {
		panic("middleware: APIKey: header name " + strconv.Quote(header) + " is not a valid header name")
	}
	challenge := "APIKey header=" + strconv.Quote(header)
	if opts.Query != "" {
		challenge += ", query=" + authQuote("APIKey", "query parameter name", opts.Query)
	}
	query, validate := opts.Query, opts.Validate
	mw := func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) error {
			key := authTrimSpace(c.Header(header))
			if key == "" && query != "" {
				key = c.Query(query)
			}
			if key == "" {
				return authReject(c, challenge, authMsgMissing, nil)
			}
			p := validate(c.Context(), key)
			if p == nil {
				return authReject(c, challenge, authMsgInvalid, nil)
			}
			setPrincipal(c, p)
			return next(c)
		}
	}
	sec := alb.Security{
		Schemes: []alb.SecurityScheme{{Name: "apiKey." + header, Type: "apiKey", In: "header", ParamName: header,
			Description: "An API key in the " + header + " header."}},
		Errors: []alb.ErrorResponse{{Status: 401, Description: "The API key is missing or not accepted."}},
	}
	if query != "" {
		sec.Schemes = append(sec.Schemes, alb.SecurityScheme{Name: "apiKey.query." + query, Type: "apiKey", In: "query", ParamName: query,
			Description: "An API key in the " + query + " query parameter."})
	}
	return alb.DescribeSecurity(mw, sec)
}

// authIsToken reports whether s is a non-empty RFC 9110 token, as header
// names are.
func authIsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			continue
		}
		switch c {
		case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
			continue
		}
		return false
	}
	return true
}

// APIKeys returns a Validate function for APIKeyOptions that accepts the
// keys of keys (key → name) and returns for each a Principal of kind
// KindAPIKey with that name.
//
// It compares in constant time: the SHA-256 digest of the presented key is
// compared with the digest of every key (computed here, once), so neither
// which key matched, nor the keys' lengths, nor how much of one matched
// shows in the time a request takes. It allocates nothing. Keep the keys
// out of the source: read them from the environment or a secret store.
//
// APIKeys panics when keys is empty or holds a key that APIKey would never
// pass on (empty, or with spaces or tabs around it).
func APIKeys(keys map[string]string) func(ctx context.Context, key string) *Principal {
	for key, name := range keys {
		if key != authTrimSpace(key) {
			panic("middleware: APIKeys: the key for name " + strconv.Quote(name) + " has spaces or tabs around it")
		}
	}
	s := newAuthSecrets("APIKeys", KindAPIKey, keys)
	return func(_ context.Context, key string) *Principal { return s.lookup(key) }
}
