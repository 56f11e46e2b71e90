package middleware

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"
	"unsafe"

	"github.com/albkit/alb"
)

// BasicAuthOptions configures BasicAuth.
type BasicAuthOptions struct {
	// Realm names the protection space in the challenge. Default
	// "Restricted". It must be valid UTF-8 with no control character.
	Realm string

	// Validate checks a user name and password and returns the Principal
	// to store for the handlers, or nil to reject them. It runs on every
	// request that carries Basic credentials, possibly concurrently, with
	// the request's context. Required. BasicAuthUsers builds one for a
	// fixed set of users.
	//
	// Returning a preallocated Principal keeps a request that passes from
	// allocating anything beyond the decoded credentials.
	Validate func(ctx context.Context, user, password string) *Principal
}

// BasicAuth returns middleware that lets a request through only with HTTP
// Basic credentials (RFC 7617) that opts.Validate accepts, and stores the
// Principal it returns for GetPrincipal.
//
// The credentials come from "Authorization: Basic base64(user:password)";
// the scheme is matched case-insensitively and the password is everything
// after the first colon, as net/http's Request.BasicAuth reads them. A
// request without them, with malformed ones, or with ones Validate rejects
// gets 401 with
//
//	WWW-Authenticate: Basic realm="<Realm>", charset="UTF-8"
//
// and the body the router's ErrorHandler writes for an *alb.HTTPError
// ({"message":"authentication required"} or {"message":"invalid
// credentials"} by default).
//
// A request that passes allocates once: the decoded credentials, which
// Validate may keep. BasicAuth panics if opts.Validate is nil or opts.Realm
// cannot go in a header.
func BasicAuth(opts BasicAuthOptions) alb.Middleware {
	if opts.Validate == nil {
		panic("middleware: BasicAuth: BasicAuthOptions.Validate is nil")
	}
	realm := opts.Realm
	if realm == "" {
		realm = authDefaultRealm
	}
	challenge := "Basic realm=" + authQuote("BasicAuth", "realm", realm) + `, charset="UTF-8"`
	validate := opts.Validate
	mw := func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) error {
			auth := c.Header("Authorization")
			if !authHasPrefixFold(auth, "basic ") { // none, or another scheme
				return authReject(c, challenge, authMsgMissing, nil)
			}
			user, password, ok := authParseBasic(auth)
			if !ok {
				return authReject(c, challenge, authMsgInvalid, nil)
			}
			p := validate(c.Context(), user, password)
			if p == nil {
				return authReject(c, challenge, authMsgInvalid, nil)
			}
			setPrincipal(c, p)
			return next(c)
		}
	}
	return alb.DescribeSecurity(mw, alb.Security{
		Schemes: []alb.SecurityScheme{{Name: "basicAuth", Type: "http", Scheme: "basic",
			Description: "A user name and password in the Authorization header (RFC 7617)."}},
		Errors: []alb.ErrorResponse{{Status: 401, Description: "The credentials are missing or not accepted."}},
	})
}

// authParseBasic reads the user name and password of a Basic Authorization
// header, as net/http's parseBasicAuth does: a case-insensitive "Basic "
// prefix, standard padded base64, and a colon. The strings share one new
// allocation, never reused.
func authParseBasic(auth string) (user, password string, ok bool) {
	const prefix = "basic "
	if !authHasPrefixFold(auth, prefix) {
		return "", "", false
	}
	enc := auth[len(prefix):]
	b := make([]byte, base64.StdEncoding.DecodedLen(len(enc)))
	n, err := base64.StdEncoding.Decode(b, authBytes(enc))
	if err != nil || n == 0 {
		return "", "", false
	}
	// b is not reachable from anywhere else: viewing it as a string is
	// safe, and the view stays valid for as long as Validate keeps it.
	user, password, ok = strings.Cut(unsafe.String(&b[0], n), ":")
	if !ok {
		return "", "", false
	}
	return user, password, true
}

// BasicAuthUsers returns a Validate function for BasicAuthOptions that
// accepts the users of users (user name → password) and returns for each a
// Principal of kind KindBasic named after the user.
//
// It compares in constant time: the SHA-256 digests of the presented user
// name and password are compared with the digests of every entry (computed
// here, once), so neither which user exists, nor how long the passwords
// are, nor how much of one matched shows in the time a request takes. It
// allocates nothing. Keep the passwords out of the source: read them from
// the environment or a secret store.
//
// BasicAuthUsers panics when users is empty or a user name holds a colon,
// which Basic credentials cannot carry.
func BasicAuthUsers(users map[string]string) func(ctx context.Context, user, password string) *Principal {
	if len(users) == 0 {
		panic("middleware: BasicAuthUsers: no users given")
	}
	type entry struct {
		user, password [sha256.Size]byte
		principal      *Principal
	}
	entries := make([]entry, 0, len(users))
	for user, password := range users {
		if strings.Contains(user, ":") {
			panic("middleware: BasicAuthUsers: user name " + strconv.Quote(user) + " holds a colon")
		}
		entries = append(entries, entry{authDigest(user), authDigest(password), &Principal{Kind: KindBasic, Name: user}})
	}
	return func(_ context.Context, user, password string) *Principal {
		u, pw := authDigest(user), authDigest(password)
		found := -1
		for i := range entries {
			match := subtle.ConstantTimeCompare(u[:], entries[i].user[:]) &
				subtle.ConstantTimeCompare(pw[:], entries[i].password[:])
			found = subtle.ConstantTimeSelect(match, i, found)
		}
		if found < 0 {
			return nil
		}
		return entries[found].principal
	}
}
