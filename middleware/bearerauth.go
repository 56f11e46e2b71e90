package middleware

import (
	"context"
	"strconv"

	"github.com/albkit/alb"
)

// BearerAuthOptions configures BearerAuth.
type BearerAuthOptions struct {
	// Realm names the protection space in the challenge. Default
	// "Restricted". It must be valid UTF-8 with no control character.
	Realm string

	// Validate checks a bearer token and returns the Principal to store
	// for the handlers, or nil to reject it. It runs on every request that
	// presents a token, possibly concurrently, with the request's context.
	// Required. BearerTokens builds one for a fixed set of tokens.
	//
	// The token is a view into the request, never reused: Validate may
	// keep it. Returning a preallocated Principal keeps a request that
	// passes from allocating anything.
	Validate func(ctx context.Context, token string) *Principal
}

// BearerAuth returns middleware that lets a request through only with a
// bearer token (RFC 6750) that opts.Validate accepts, and stores the
// Principal it returns for GetPrincipal.
//
// The token comes from "Authorization: Bearer <token>"; the scheme is
// matched case-insensitively and the token must have the b64token syntax
// (letters, digits, "-._~+/", then optional "="). A request that presents
// no token (no Authorization header, another scheme, or an empty token)
// gets 401 with
//
//	WWW-Authenticate: Bearer realm="<Realm>"
//
// and one whose token is malformed or rejected gets 401 with
//
//	WWW-Authenticate: Bearer realm="<Realm>", error="invalid_token"
//
// and in both cases the body the router's ErrorHandler writes for an
// *alb.HTTPError ({"message":"authentication required"} or
// {"message":"invalid credentials"} by default). RFC 6750 would answer a
// malformed token with 400 invalid_request; BearerAuth answers 401
// invalid_token, as for any token it does not accept.
//
// BearerAuth adds no allocation of its own to a request that passes.
// It panics if opts.Validate is nil or opts.Realm cannot go in a header.
func BearerAuth(opts BearerAuthOptions) alb.Middleware {
	if opts.Validate == nil {
		panic("middleware: BearerAuth: BearerAuthOptions.Validate is nil")
	}
	realm := opts.Realm
	if realm == "" {
		realm = authDefaultRealm
	}
	challenge := "Bearer realm=" + authQuote("BearerAuth", "realm", realm)
	invalid := challenge + `, error="invalid_token"`
	validate := opts.Validate
	mw := func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) error {
			token, presented := authBearerToken(c.Header("Authorization"))
			if !presented {
				return authReject(c, challenge, authMsgMissing, nil)
			}
			if !authIsB64Token(token) {
				return authReject(c, invalid, authMsgInvalid, nil)
			}
			p := validate(c.Context(), token)
			if p == nil {
				return authReject(c, invalid, authMsgInvalid, nil)
			}
			setPrincipal(c, p)
			return next(c)
		}
	}
	return alb.DescribeSecurity(mw, alb.Security{
		Schemes: []alb.SecurityScheme{{Name: "bearerAuth", Type: "http", Scheme: "bearer",
			Description: "A bearer token in the Authorization header (RFC 6750)."}},
		Errors: []alb.ErrorResponse{{Status: 401, Description: "The bearer token is missing or not accepted."}},
	})
}

// authBearerToken returns the credentials of a Bearer Authorization header,
// without the spaces around them, and whether there are any.
func authBearerToken(auth string) (string, bool) {
	const prefix = "bearer "
	if !authHasPrefixFold(auth, prefix) {
		return "", false
	}
	token := authTrimSpace(auth[len(prefix):])
	return token, token != ""
}

// authTrimSpace removes leading and trailing spaces and tabs.
func authTrimSpace(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// authIsB64Token reports whether s has RFC 6750's b64token syntax:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func authIsB64Token(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/') {
			break
		}
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// BearerTokens returns a Validate function for BearerAuthOptions that
// accepts the tokens of tokens (token → name) and returns for each a
// Principal of kind KindBearer with that name.
//
// It compares in constant time: the SHA-256 digest of the presented token
// is compared with the digest of every token (computed here, once), so
// neither which token matched, nor the tokens' lengths, nor how much of one
// matched shows in the time a request takes. It allocates nothing. Keep the
// tokens out of the source: read them from the environment or a secret
// store.
//
// BearerTokens panics when tokens is empty or holds a token that
// BearerAuth would never pass on (empty, or not of b64token syntax).
func BearerTokens(tokens map[string]string) func(ctx context.Context, token string) *Principal {
	for token, name := range tokens {
		if token != "" && !authIsB64Token(token) {
			panic("middleware: BearerTokens: the token for name " + strconv.Quote(name) + " is not of b64token syntax (letters, digits, \"-._~+/\", then \"=\")")
		}
	}
	s := newAuthSecrets("BearerTokens", KindBearer, tokens)
	return func(_ context.Context, token string) *Principal { return s.lookup(token) }
}
