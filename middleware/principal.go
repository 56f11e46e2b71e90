package middleware

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/albkit/alb"
)

// The kinds of Principal that the authentication middleware in this package
// produce.
const (
	KindBasic   = "basic"    // BasicAuth
	KindBearer  = "bearer"   // BearerAuth
	KindAPIKey  = "apikey"   // APIKey
	KindALBOIDC = "alb-oidc" // ALBOIDC
)

// Principal is who an authentication middleware let in: BasicAuth,
// BearerAuth, APIKey and ALBOIDC store one in the Context for the handlers
// after them, and GetPrincipal returns it.
//
// A Principal may be shared by every request that authenticates as it (the
// validators built by BasicAuthUsers, BearerTokens and APIKeys return one
// preallocated Principal per entry, so that a request that passes
// allocates nothing). Treat it as read-only.
type Principal struct {
	// Kind says which middleware authenticated the request: KindBasic,
	// KindBearer, KindAPIKey or KindALBOIDC. A custom validator sets it
	// itself.
	Kind string

	// Name is the user name (Basic), the name the validator gave the token
	// or key (Bearer, API key), or the subject (ALB OIDC).
	Name string

	// Claims are the user claims the ALB signed (ALB OIDC); nil otherwise.
	Claims map[string]any

	accessToken string // x-amzn-oidc-accesstoken, set by ALBOIDC only
}

// authKey is the type of the Context keys of this file's values.
type authKey struct{ name string }

// principalKey is the Context key under which the Principal is stored.
var principalKey = &authKey{"principal"}

// GetPrincipal returns the Principal that an authentication middleware
// stored in c, or nil when no such middleware authenticated the request.
// It never fails and does not allocate.
func GetPrincipal(c *alb.Context) *Principal {
	p, _ := c.Get(principalKey).(*Principal)
	return p
}

// setPrincipal stores p in c for GetPrincipal; it does not allocate once
// the pooled Context has room for a value.
func setPrincipal(c *alb.Context, p *Principal) { c.Set(principalKey, p) }

// authReject answers a request that did not authenticate: 401, with the
// challenge in WWW-Authenticate and message as the body the ErrorHandler
// writes ({"message": "..."} by default). cause, when not nil, is the
// internal reason, for a custom ErrorHandler.
func authReject(c *alb.Context, challenge, message string, cause error) error {
	c.SetHeader("WWW-Authenticate", challenge)
	return &alb.HTTPError{Status: http.StatusUnauthorized, Message: message, Err: cause}
}

// The public messages of a rejection.
const (
	authMsgMissing = "authentication required"
	authMsgInvalid = "invalid credentials"
)

// authDefaultRealm is the realm of BasicAuth and BearerAuth when none is set.
const authDefaultRealm = "Restricted"

// authQuote returns s as an RFC 9110 quoted-string for a challenge, or
// panics, quoting it, when it cannot go in a header value (invalid UTF-8
// or a control character); what names s in the message.
func authQuote(mw, what, s string) string {
	if !utf8.ValidString(s) {
		panic("middleware: " + mw + ": " + what + " " + strconv.Quote(s) + " is not valid UTF-8")
	}
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < ' ' && c != '\t' || c == 0x7f:
			panic("middleware: " + mw + ": " + what + " " + strconv.Quote(s) + " holds a control character")
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		default:
			b = append(b, c)
		}
	}
	return string(append(b, '"'))
}

// authHasPrefixFold reports whether s starts with prefix, ignoring ASCII
// case (prefix is lower case), as net/http does for authorization schemes.
func authHasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// authBytes returns s's bytes without copying, for reading only.
func authBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// authDigest returns the SHA-256 digest of s. It does not allocate.
func authDigest(s string) [sha256.Size]byte { return sha256.Sum256(authBytes(s)) }

// authSecrets maps secrets (tokens, keys) to their Principals, compared in
// constant time: the SHA-256 digest of the presented secret is compared
// with the digest of every entry, so neither which entry matched nor the
// secrets' lengths show in the time a lookup takes.
type authSecrets struct {
	digests    [][sha256.Size]byte
	principals []*Principal
}

// newAuthSecrets builds the lookup for secrets (secret → name), with
// Principals of the given kind. It panics, naming helper, when there is no
// secret or one is empty.
func newAuthSecrets(helper, kind string, secrets map[string]string) *authSecrets {
	if len(secrets) == 0 {
		panic("middleware: " + helper + ": no secrets given")
	}
	s := &authSecrets{}
	for secret, name := range secrets {
		if secret == "" {
			panic("middleware: " + helper + ": empty secret for name " + strconv.Quote(name))
		}
		s.digests = append(s.digests, authDigest(secret))
		s.principals = append(s.principals, &Principal{Kind: kind, Name: name})
	}
	return s
}

// lookup returns the Principal of secret, or nil. It takes the same time
// whichever entry matches, and does not allocate.
func (s *authSecrets) lookup(secret string) *Principal {
	d := authDigest(secret)
	found := -1
	for i := range s.digests {
		found = subtle.ConstantTimeSelect(subtle.ConstantTimeCompare(d[:], s.digests[i][:]), i, found)
	}
	if found < 0 {
		return nil
	}
	return s.principals[found]
}
