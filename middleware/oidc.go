package middleware

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/albkit/alb"
)

// ALBOIDCOptions configures ALBOIDC.
type ALBOIDCOptions struct {
	// Signers lists the ARNs of the load balancers whose signature is
	// accepted, such as
	// "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188".
	// Required unless AnySigner is set: without this check any load
	// balancer, in any AWS account, can sign headers that the function
	// accepts, should a request reach it by another route.
	Signers []string

	// AnySigner accepts a signature by any load balancer. It is dangerous:
	// anyone can create a load balancer that signs the claims they choose,
	// and have it forward them to the function if it is reachable from
	// outside this load balancer (a function URL, another target group, a
	// permissive resource policy). Set it only when Signers cannot be
	// known, and never together with Signers.
	AnySigner bool

	// Region is the AWS region of the key server. Default: the region in
	// the ARN of the load balancer that signed the request.
	Region string

	// KeyURL is the template of the URL of a signing key: "{kid}" (exactly
	// once, in the path) becomes the key id and "{region}" the region. It
	// must be https. Default
	// "https://public-keys.auth.elb.{region}.amazonaws.com/{kid}"; GovCloud
	// regions use another host.
	KeyURL string

	// HTTPClient fetches the keys. Default: a client with a 5 s timeout
	// that does not follow redirects. KeyFetchTimeout bounds a fetch
	// whatever the client's own timeout.
	HTTPClient *http.Client

	// KeyFetchTimeout bounds one fetch of a key. A fetch does not run with
	// the context of the request that started it, since other requests
	// may be waiting for the same key: it ends after KeyFetchTimeout,
	// whatever becomes of the requests. Default 2 s; negative panics.
	KeyFetchTimeout time.Duration

	// KeyFailureTTL is how long a failed key fetch is remembered: until
	// then, requests for that key are rejected without asking the key
	// server again. It is also the interval of KeyFetchLimit and of the
	// logging of refused fetches. Default 30 s; negative panics.
	KeyFailureTTL time.Duration

	// KeyFetchLimit bounds the fetches of keys that are not cached, as a
	// token bucket: up to KeyFetchLimit fetches may start at once, and
	// then KeyFetchLimit more per KeyFailureTTL, evenly spread. A request
	// that needs a fetch beyond that is rejected without one. The bound
	// holds whatever key ids requests name: each new one misses both
	// caches. Default 8; negative panics.
	KeyFetchLimit int

	// Skew is the tolerance for clocks when checking expiry. Default 60 s;
	// negative panics.
	Skew time.Duration

	// Issuer, when set, must equal the "iss" the load balancer signed (the
	// identity provider's issuer).
	Issuer string

	// ClientID, when set, must equal the "client" the load balancer signed
	// (the OIDC client id).
	ClientID string

	// Now returns the current time, for tests: of the expiry check, of
	// KeyFailureTTL and of KeyFetchLimit. Default time.Now.
	Now func() time.Time

	// CacheSize is how many keys are kept, by region and key id; the
	// oldest is dropped when a new one is fetched. Default 32; negative
	// panics.
	CacheSize int

	// Logger receives key fetch failures (level Error: one line per failed
	// fetch, so at most one per key per KeyFailureTTL), refusals by
	// KeyFetchLimit (level Warn: at most one line per KeyFailureTTL, with
	// the number of requests refused since the previous such line, itself
	// included) and the reason of every rejection (level Debug). Default
	// slog.Default(), read when logging.
	Logger *slog.Logger
}

// The headers the ALB forwards after an authenticate-oidc or
// authenticate-cognito action.
const (
	oidcDataHeader     = "X-Amzn-Oidc-Data"
	oidcIdentityHeader = "X-Amzn-Oidc-Identity"
	oidcTokenHeader    = "X-Amzn-Oidc-Accesstoken"
)

const (
	oidcDefaultKeyURL = "https://public-keys.auth.elb.{region}.amazonaws.com/{kid}"
	oidcDefaultSkew   = 60 * time.Second
	oidcDefaultCache  = 32
	oidcFetchTimeout  = 5 * time.Second // the default client's
	oidcDefaultFetch  = 2 * time.Second // KeyFetchTimeout
	oidcDefaultTTL    = 30 * time.Second
	oidcDefaultLimit  = 8
	oidcMaxData       = 64 << 10 // bytes of x-amzn-oidc-data
	oidcMaxKid        = 128      // bytes of a key id
	oidcMaxKeyBody    = 16 << 10 // bytes of a key server's answer
)

// The challenges of a rejection: no scheme is registered for the ALB's
// headers, so ALBOIDC names its own, in the style of RFC 6750.
const (
	oidcChallenge        = "ALB-OIDC"
	oidcChallengeInvalid = `ALB-OIDC error="invalid_token"`
)

// The reasons for a rejection, in the order ALBOIDC checks them; the
// *alb.HTTPError it returns wraps one (errors.Is).
var (
	errOIDCMissing   = errors.New("middleware: ALBOIDC: no x-amzn-oidc-data header")
	errOIDCRepeated  = errors.New("middleware: ALBOIDC: an x-amzn-oidc-* header appears more than once")
	errOIDCMalformed = errors.New("middleware: ALBOIDC: x-amzn-oidc-data is malformed")
	errOIDCAlg       = errors.New("middleware: ALBOIDC: alg is not ES256")
	errOIDCSigner    = errors.New("middleware: ALBOIDC: signer is not an accepted load balancer")
	errOIDCKid       = errors.New("middleware: ALBOIDC: kid is not a plain key id")
	errOIDCKey       = errors.New("middleware: ALBOIDC: no signing key")
	errOIDCSignature = errors.New("middleware: ALBOIDC: the signature does not verify")
	errOIDCExpired   = errors.New("middleware: ALBOIDC: expired")
	errOIDCIssuer    = errors.New("middleware: ALBOIDC: iss is not the configured Issuer")
	errOIDCClient    = errors.New("middleware: ALBOIDC: client is not the configured ClientID")
	errOIDCClaims    = errors.New("middleware: ALBOIDC: the claims are not a JSON object")
)

// oidcB64 decodes the parts of x-amzn-oidc-data once their padding is
// removed.
var oidcB64 = base64.RawURLEncoding.Strict()

// ALBOIDC returns middleware that lets a request through only with user
// claims signed by an accepted load balancer: the x-amzn-oidc-data header
// that an ALB listener rule with an authenticate-oidc or
// authenticate-cognito action adds. A client can send that header itself,
// so it means nothing until verified, in this order:
//
//  1. x-amzn-oidc-data is present (once), at most 64 KiB, and has three
//     dot-separated parts, each base64url with or without '=' padding
//     (the ALB pads, which RFC 7515 does not allow); the first is a JSON
//     object with a non-empty "iss" and "client", as the load balancer
//     always writes, and the second, the claims, a JSON object;
//  2. its "alg" is exactly "ES256";
//  3. its "signer" is one of opts.Signers (any load balancer's ARN with
//     AnySigner);
//  4. its "kid" is a plain key id (at most 128 bytes of letters, digits
//     and "-._~+=:@", and no "..");
//  5. "exp" is no further in the past than opts.Skew, and "iss" and
//     "client" equal opts.Issuer and opts.ClientID when those are set;
//  6. the signature is 64 bytes (r||s);
//  7. the key that kid names, from the cache or opts.KeyURL, is a PEM
//     P-256 ECDSA public key;
//  8. the signature verifies with ECDSA P-256 over the SHA-256 of
//     "header.payload" exactly as received.
//
// Checks 1 to 6 need no key: a forged header that fails them costs no key
// fetch.
//
// Only then are the claims (the payload, a JSON object) exposed:
// GetPrincipal returns a Principal of kind KindALBOIDC whose Claims are
// the claims and whose Name is the "sub" claim, or the x-amzn-oidc-identity
// header when the claims have no "sub" (the identity header is not signed);
// GetOIDCAccessToken returns the x-amzn-oidc-accesstoken header, which the
// load balancer does not sign either. In multi-value mode, a request with
// more than one value of an x-amzn-oidc-* header is rejected.
//
// A request that fails a check gets 401 with the body the router's
// ErrorHandler writes for an *alb.HTTPError ({"message":"authentication
// required"} without the header, {"message":"invalid credentials"}
// otherwise; the *alb.HTTPError wraps the reason) and a challenge in a
// scheme of its own, since HTTP requires one on every 401:
//
//	WWW-Authenticate: ALB-OIDC                            (no header)
//	WWW-Authenticate: ALB-OIDC error="invalid_token"      (any other failure)
//
// Keys are cached by region and key id, up to opts.CacheSize of them, and
// shared by concurrent requests. A key that is not cached is fetched once
// for all the requests that need it, detached from any one of them and
// bounded by opts.KeyFetchTimeout; each request waits for that fetch or
// for the end of its own context, which rejects that request alone while
// the fetch goes on for the others. A request whose context has already
// ended starts no fetch.
//
// A failed fetch (network error, timeout, a status other than 200, an
// answer that is not a P-256 key) rejects the requests waiting for it, is
// logged once, and is remembered for opts.KeyFailureTTL: until then,
// requests for that key are rejected without a fetch. A flood of forged
// headers, each with a new kid, misses both caches, so the fetches of keys
// that are not cached are also limited, by opts.KeyFetchLimit (a token
// bucket): a request beyond the limit is rejected without a fetch, and the
// refusals are logged at most once per KeyFailureTTL. Such a flood, which
// must pass checks 1 to 6 (and so, unless AnySigner is set, name an
// accepted signer), costs at most 2*KeyFetchLimit fetches in any
// KeyFailureTTL (a full bucket and its refill), KeyFetchLimit per
// KeyFailureTTL once the bucket is empty, one log line per failed fetch
// and one more per KeyFailureTTL for the refusals; and every fetch ends
// within KeyFetchTimeout. The budget is shared: during
// a flood, the first fetch of a key the load balancer has just started to
// use may be refused as well, until the bucket refills.
//
// ALBOIDC panics, quoting the bad value, when opts has no Signers and
// AnySigner is not set, has both, lists a signer that is not a load
// balancer ARN, has a Region that is not a region name, a KeyURL that is
// not an https URL template with "{kid}" once in its path, or a negative
// Skew, CacheSize, KeyFetchTimeout, KeyFailureTTL or KeyFetchLimit.
func ALBOIDC(opts ALBOIDCOptions) alb.Middleware {
	return alb.DescribeSecurity(newOIDCVerifier(opts).middleware, alb.Security{
		Schemes: []alb.SecurityScheme{{Name: "albOIDC", Type: "apiKey", In: "header", ParamName: "x-amzn-oidc-data",
			Description: "The load balancer's OIDC authentication: it signs in the user with the identity provider " +
				"and forwards the claims as a JWT it signs in the x-amzn-oidc-data header. Clients do not send " +
				"this header themselves; they sign in through the load balancer."}},
		Errors: []alb.ErrorResponse{{Status: 401, Description: "The load balancer's claims are missing or do not verify."}},
	})
}

// middleware is the alb.Middleware of ALBOIDC.
func (v *oidcVerifier) middleware(next alb.HandlerFunc) alb.HandlerFunc {
	return func(c *alb.Context) error {
		p, err := v.verify(c)
		if err != nil {
			v.logger().LogAttrs(c.Context(), slog.LevelDebug, "middleware: ALBOIDC: request rejected", slog.Any("reason", err))
			if errors.Is(err, errOIDCMissing) {
				return authReject(c, oidcChallenge, authMsgMissing, err)
			}
			return authReject(c, oidcChallengeInvalid, authMsgInvalid, err)
		}
		setPrincipal(c, p)
		return next(c)
	}
}

// GetOIDCAccessToken returns the access token the ALB forwarded in
// x-amzn-oidc-accesstoken, on a request that ALBOIDC let through; "" on
// any other. The load balancer does not sign it: it is the identity
// provider's token, as the provider sent it.
func GetOIDCAccessToken(c *alb.Context) string {
	if p := GetPrincipal(c); p != nil && p.Kind == KindALBOIDC {
		return p.accessToken
	}
	return ""
}

// oidcVerifier holds ALBOIDC's settings, checked, and its key cache.
type oidcVerifier struct {
	signers   []oidcSigner
	anySigner bool
	region    string
	keyURL    string
	client    *http.Client
	skew      time.Duration
	issuer    string
	clientID  string
	now       func() time.Time
	log       *slog.Logger

	fetchTimeout time.Duration
	failureTTL   time.Duration
	fetchLimit   int
	keys         oidcKeyCache
}

// oidcSigner is an accepted load balancer and the region in its ARN.
type oidcSigner struct{ arn, region string }

func newOIDCVerifier(opts ALBOIDCOptions) *oidcVerifier {
	v := &oidcVerifier{
		anySigner: opts.AnySigner,
		region:    opts.Region,
		keyURL:    opts.KeyURL,
		client:    opts.HTTPClient,
		skew:      opts.Skew,
		issuer:    opts.Issuer,
		clientID:  opts.ClientID,
		now:       opts.Now,
		log:       opts.Logger,
	}
	switch {
	case len(opts.Signers) == 0 && !opts.AnySigner:
		panic("middleware: ALBOIDC: no Signers: list the ARNs of the load balancers whose signature to accept (AnySigner accepts any load balancer, which is dangerous)")
	case len(opts.Signers) > 0 && opts.AnySigner:
		panic("middleware: ALBOIDC: both Signers (" + strconv.Quote(opts.Signers[0]) + ", ...) and AnySigner are set")
	}
	for _, arn := range opts.Signers {
		region, ok := oidcARNRegion(arn)
		if !ok {
			panic("middleware: ALBOIDC: signer " + strconv.Quote(arn) +
				" is not a load balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>)")
		}
		v.signers = append(v.signers, oidcSigner{arn, region})
	}
	if v.region != "" && !oidcValidRegion(v.region) {
		panic("middleware: ALBOIDC: Region " + strconv.Quote(v.region) + " is not a region name such as \"eu-west-1\"")
	}
	if v.keyURL == "" {
		v.keyURL = oidcDefaultKeyURL
	}
	if reason := oidcCheckKeyURL(v.keyURL); reason != "" {
		panic("middleware: ALBOIDC: KeyURL " + strconv.Quote(v.keyURL) + " " + reason)
	}
	if v.client == nil {
		v.client = &http.Client{
			Timeout: oidcFetchTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse // a redirect is a failed fetch
			},
		}
	}
	switch {
	case v.skew < 0:
		panic("middleware: ALBOIDC: negative Skew " + strconv.Quote(v.skew.String()))
	case v.skew == 0:
		v.skew = oidcDefaultSkew
	}
	if v.now == nil {
		v.now = time.Now
	}
	v.fetchTimeout = oidcDuration("KeyFetchTimeout", opts.KeyFetchTimeout, oidcDefaultFetch)
	v.failureTTL = oidcDuration("KeyFailureTTL", opts.KeyFailureTTL, oidcDefaultTTL)
	switch v.fetchLimit = opts.KeyFetchLimit; {
	case v.fetchLimit < 0:
		panic("middleware: ALBOIDC: negative KeyFetchLimit " + strconv.Itoa(v.fetchLimit))
	case v.fetchLimit == 0:
		v.fetchLimit = oidcDefaultLimit
	}
	size := opts.CacheSize
	switch {
	case size < 0:
		panic("middleware: ALBOIDC: negative CacheSize " + strconv.Itoa(size))
	case size == 0:
		size = oidcDefaultCache
	}
	v.keys = oidcKeyCache{
		max:      size,
		keys:     make(map[oidcKeyID]*ecdsa.PublicKey, size),
		inflight: map[oidcKeyID]*oidcFetch{},
		failed:   map[oidcKeyID]oidcFailure{},
		budget:   float64(v.fetchLimit),
	}
	return v
}

// oidcDuration returns d, or def when d is 0; it panics when d is
// negative.
func oidcDuration(field string, d, def time.Duration) time.Duration {
	switch {
	case d < 0:
		panic("middleware: ALBOIDC: negative " + field + " " + strconv.Quote(d.String()))
	case d == 0:
		return def
	}
	return d
}

func (v *oidcVerifier) logger() *slog.Logger {
	if v.log != nil {
		return v.log
	}
	return slog.Default()
}

// oidcCheckKeyURL returns why the key URL template t is not acceptable, or
// "" when it is.
func oidcCheckKeyURL(t string) string {
	if strings.Count(t, "{kid}") != 1 {
		return `does not hold "{kid}" exactly once`
	}
	const kid = "0kid0"
	s := strings.ReplaceAll(strings.ReplaceAll(t, "{kid}", kid), "{region}", "us-east-1")
	if strings.ContainsAny(s, "{}") {
		return `holds a placeholder other than "{kid}" and "{region}"`
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "is not a URL: " + err.Error()
	case u.Scheme != "https":
		return "is not an https URL"
	case u.Host == "" || u.User != nil:
		return "has no host, or has user information"
	case !strings.Contains(u.Path, kid) || strings.Contains(u.Host, kid):
		return `does not have "{kid}" in its path`
	}
	return ""
}

// oidcARNRegion returns the region of a load balancer ARN,
// arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>,
// and whether arn is one. It does not allocate.
func oidcARNRegion(arn string) (string, bool) {
	rest, ok := strings.CutPrefix(arn, "arn:")
	if !ok {
		return "", false
	}
	partition, rest, _ := strings.Cut(rest, ":")
	service, rest, _ := strings.Cut(rest, ":")
	region, rest, _ := strings.Cut(rest, ":")
	account, resource, ok := strings.Cut(rest, ":")
	if !ok || partition == "" || service != "elasticloadbalancing" || !oidcValidRegion(region) ||
		len(account) != 12 || strings.Trim(account, "0123456789") != "" {
		return "", false
	}
	name, ok := strings.CutPrefix(resource, "loadbalancer/app/")
	if !ok || name == "" {
		return "", false
	}
	return region, true
}

// oidcValidRegion reports whether s looks like a region name: lower-case
// letters, digits and '-', at most 32 bytes.
func oidcValidRegion(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// oidcPlainKid reports whether kid is a key id that cannot change the key
// URL beyond its own path segment: 1 to oidcMaxKid bytes of letters,
// digits and "-._~+=:@", neither "." nor holding "..".
func oidcPlainKid(kid string) bool {
	if kid == "" || len(kid) > oidcMaxKid || kid == "." || strings.Contains(kid, "..") {
		return false
	}
	for i := 0; i < len(kid); i++ {
		c := kid[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			continue
		}
		switch c {
		case '-', '.', '_', '~', '+', '=', ':', '@':
			continue
		}
		return false
	}
	return true
}

// oidcHeader holds the members of the JWT header that ALBOIDC checks.
type oidcHeader struct {
	Alg    string      `json:"alg"`
	Kid    string      `json:"kid"`
	Signer string      `json:"signer"`
	Iss    string      `json:"iss"`
	Client string      `json:"client"`
	Exp    json.Number `json:"exp"`
}

// verify checks c's x-amzn-oidc-data in the documented order and returns
// the Principal, or the reason it fails. Every check before the key's
// needs no key, so that a forged header that fails one costs no fetch.
func (v *oidcVerifier) verify(c *alb.Context) (*Principal, error) {
	// 1. Present, three parts, each decodes; a header with the members the
	// load balancer always writes; claims that are a JSON object.
	data := c.Header(oidcDataHeader)
	if data == "" {
		return nil, errOIDCMissing
	}
	if c.MultiValue() {
		for _, name := range [...]string{oidcDataHeader, oidcIdentityHeader, oidcTokenHeader} {
			if len(c.HeaderValues(name)) > 1 {
				return nil, errOIDCRepeated
			}
		}
	}
	if len(data) > oidcMaxData {
		return nil, fmt.Errorf("%w: longer than %d bytes", errOIDCMalformed, oidcMaxData)
	}
	dot1 := strings.IndexByte(data, '.')
	dot2 := dot1 + 1 + strings.IndexByte(data[dot1+1:], '.')
	if dot1 < 0 || dot2 <= dot1 || strings.IndexByte(data[dot2+1:], '.') >= 0 {
		return nil, fmt.Errorf("%w: not three dot-separated parts", errOIDCMalformed)
	}
	var parts [3][]byte
	for i, s := range [3]string{data[:dot1], data[dot1+1 : dot2], data[dot2+1:]} {
		b, err := oidcDecode(s)
		if err != nil {
			return nil, fmt.Errorf("%w: part %d: %v", errOIDCMalformed, i+1, err)
		}
		parts[i] = b
	}
	var h oidcHeader
	if err := json.Unmarshal(parts[0], &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", errOIDCMalformed, err)
	}
	if h.Iss == "" || h.Client == "" {
		return nil, fmt.Errorf("%w: header has no iss or no client", errOIDCMalformed)
	}
	var claims map[string]any
	if err := json.Unmarshal(parts[1], &claims); err != nil || claims == nil {
		return nil, errOIDCClaims
	}

	// 2. The algorithm.
	if h.Alg != "ES256" {
		return nil, fmt.Errorf("%w: %q", errOIDCAlg, h.Alg)
	}

	// 3. The signer.
	region, ok := v.signerRegion(h.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: %q", errOIDCSigner, h.Signer)
	}

	// 4. The key id.
	if !oidcPlainKid(h.Kid) {
		return nil, fmt.Errorf("%w: %q", errOIDCKid, h.Kid)
	}

	// 5. Expiry, issuer, client.
	exp, err := strconv.ParseFloat(h.Exp.String(), 64)
	if err != nil {
		return nil, fmt.Errorf("%w: exp %q is not a number", errOIDCExpired, h.Exp.String())
	}
	if now := v.now(); float64(now.Unix())+float64(now.Nanosecond())/1e9 > exp+v.skew.Seconds() {
		return nil, fmt.Errorf("%w: exp %s", errOIDCExpired, h.Exp.String())
	}
	if v.issuer != "" && h.Iss != v.issuer {
		return nil, fmt.Errorf("%w: %q", errOIDCIssuer, h.Iss)
	}
	if v.clientID != "" && h.Client != v.clientID {
		return nil, fmt.Errorf("%w: %q", errOIDCClient, h.Client)
	}

	// 6. The signature's length: r||s, 32 bytes each.
	sig := parts[2]
	if len(sig) != 64 {
		return nil, fmt.Errorf("%w: %d bytes, want 64", errOIDCSignature, len(sig))
	}

	// 7. The key.
	key, err := v.key(c.Context(), oidcKeyID{region, h.Kid})
	if err != nil {
		return nil, err
	}

	// 8. The signature, over the first two parts as received.
	digest := sha256.Sum256(authBytes(data[:dot2]))
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(key, digest[:], r, s) {
		return nil, errOIDCSignature
	}

	// Verified: expose the claims.
	name, _ := claims["sub"].(string)
	if name == "" {
		name = c.Header(oidcIdentityHeader)
	}
	return &Principal{Kind: KindALBOIDC, Name: name, Claims: claims, accessToken: c.Header(oidcTokenHeader)}, nil
}

// signerRegion returns the region of the key server for a signer, and
// whether the signer is accepted.
func (v *oidcVerifier) signerRegion(signer string) (string, bool) {
	region, ok := "", false
	if v.anySigner {
		region, ok = oidcARNRegion(signer)
	} else {
		for _, s := range v.signers {
			if s.arn == signer {
				region, ok = s.region, true
				break
			}
		}
	}
	if ok && v.region != "" {
		region = v.region
	}
	return region, ok
}

// oidcDecode decodes one part of x-amzn-oidc-data: base64url, with the
// padding the ALB adds or without it.
func oidcDecode(s string) ([]byte, error) {
	trimmed := strings.TrimRight(s, "=")
	if pad := len(s) - len(trimmed); pad > 0 && (pad > 2 || len(s)%4 != 0) {
		return nil, errors.New("bad padding")
	}
	for i := 0; i < len(trimmed); i++ {
		// The decoder skips CR and LF: reject them, and every other byte
		// outside the alphabet, here.
		if c := trimmed[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, errors.New("byte " + strconv.QuoteRune(rune(c)) + " is not base64url")
		}
	}
	return oidcB64.DecodeString(trimmed)
}

// fetchKey fetches the key id.kid from the key server of id.region, with
// ctx, and logs a failure.
func (v *oidcVerifier) fetchKey(ctx context.Context, id oidcKeyID) (*ecdsa.PublicKey, error) {
	u := strings.ReplaceAll(strings.ReplaceAll(v.keyURL, "{region}", id.region), "{kid}", id.kid)
	key, err := v.getKey(ctx, u)
	if err != nil {
		v.logger().LogAttrs(ctx, slog.LevelError, "middleware: ALBOIDC: cannot fetch the load balancer's signing key; rejecting the requests that need it",
			slog.String("kid", id.kid), slog.String("url", u), slog.Any("error", err))
		return nil, fmt.Errorf("%w: %w", errOIDCKey, err)
	}
	return key, nil
}

// getKey fetches a PEM P-256 ECDSA public key from u.
func (v *oidcVerifier) getKey(ctx context.Context, u string) (*ecdsa.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New("key server answered " + resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, oidcMaxKeyBody+1))
	if err != nil {
		return nil, err
	}
	if len(body) > oidcMaxKeyBody {
		return nil, errors.New("key server's answer is over " + strconv.Itoa(oidcMaxKeyBody) + " bytes")
	}
	block, _ := pem.Decode(body)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("key server's answer is not a PEM PUBLIC KEY")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	key, ok := pub.(*ecdsa.PublicKey)
	if !ok || key.Curve != elliptic.P256() {
		return nil, fmt.Errorf("key is a %T, not a P-256 ECDSA key", pub)
	}
	return key, nil
}

// oidcKeyID names a key: the key server's region and the key id.
type oidcKeyID struct{ region, kid string }

// oidcKeyCache holds up to max keys, the fetches in progress, the failed
// fetches that are remembered, and the budget of fetches. Its fields are
// guarded by mu.
type oidcKeyCache struct {
	mu       sync.Mutex
	max      int
	keys     map[oidcKeyID]*ecdsa.PublicKey
	order    []oidcKeyID // the cached ids, in a ring: next is the oldest once full
	next     int
	inflight map[oidcKeyID]*oidcFetch
	failed   map[oidcKeyID]oidcFailure

	budget   float64   // fetches that may start now, at most the limit
	refilled time.Time // when budget was last topped up

	refused       int       // requests refused by the limit since the last log line
	refusalLogged time.Time // when that line was written; zero: never
}

// oidcFetch is one fetch in progress; key and err are set before done is
// closed.
type oidcFetch struct {
	done chan struct{}
	key  *ecdsa.PublicKey
	err  error
}

// oidcFailure is a failed fetch, remembered until a time.
type oidcFailure struct {
	until time.Time
	err   error
}

// errOIDCKeyLimit rejects a request whose key would need a fetch beyond
// KeyFetchLimit.
var errOIDCKeyLimit = fmt.Errorf("%w: too many key fetches; not fetching it now", errOIDCKey)

// key returns the key id, from the cache or fetched. A key that is not
// cached is fetched once for all the requests that need it, in a goroutine
// of its own with a context of its own (KeyFetchTimeout, no request's),
// unless a fetch of it failed less than KeyFailureTTL ago or the budget of
// fetches is spent: those requests are rejected without a fetch. A request
// waits for the fetch, or for its own context to end.
func (v *oidcVerifier) key(ctx context.Context, id oidcKeyID) (*ecdsa.PublicKey, error) {
	kc := &v.keys
	kc.mu.Lock()
	if key, ok := kc.keys[id]; ok {
		kc.mu.Unlock()
		return key, nil
	}
	f, ok := kc.inflight[id]
	if !ok {
		now := v.now()
		if fl, ok := kc.failed[id]; ok {
			if now.Before(fl.until) {
				kc.mu.Unlock()
				return nil, fl.err
			}
			delete(kc.failed, id)
		}
		if err := ctx.Err(); err != nil {
			// Nobody would wait for the fetch.
			kc.mu.Unlock()
			return nil, fmt.Errorf("%w: %w", errOIDCKey, err)
		}
		if !v.takeFetch(now) {
			kc.refused++
			refused := 0
			if kc.refusalLogged.IsZero() || now.Sub(kc.refusalLogged) >= v.failureTTL {
				refused, kc.refused, kc.refusalLogged = kc.refused, 0, now
			}
			kc.mu.Unlock()
			if refused > 0 {
				v.logger().LogAttrs(ctx, slog.LevelWarn, "middleware: ALBOIDC: too many fetches of signing keys that are not cached; rejecting requests that need one",
					slog.Int("refused", refused), slog.String("kid", id.kid), slog.Int("limit", v.fetchLimit), slog.Duration("per", v.failureTTL))
			}
			return nil, errOIDCKeyLimit
		}
		// Keep no reference into the request in the cache.
		id = oidcKeyID{strings.Clone(id.region), strings.Clone(id.kid)}
		f = &oidcFetch{done: make(chan struct{}), err: errOIDCKey}
		kc.inflight[id] = f
		go v.runFetch(id, f)
	}
	kc.mu.Unlock()
	select {
	case <-f.done:
		return f.key, f.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", errOIDCKey, ctx.Err())
	}
}

// takeFetch takes one fetch from the budget, a token bucket of
// KeyFetchLimit fetches refilled at KeyFetchLimit per KeyFailureTTL, and
// reports whether there was one. v.keys.mu is held.
func (v *oidcVerifier) takeFetch(now time.Time) bool {
	kc := &v.keys
	if elapsed := now.Sub(kc.refilled); elapsed > 0 {
		kc.budget = min(float64(v.fetchLimit), kc.budget+float64(v.fetchLimit)*elapsed.Seconds()/v.failureTTL.Seconds())
		kc.refilled = now
	}
	if kc.budget < 1 {
		return false
	}
	kc.budget--
	return true
}

// runFetch fetches the key id for f, bounded by KeyFetchTimeout, and then
// finishes f, also when the fetch panics.
func (v *oidcVerifier) runFetch(id oidcKeyID, f *oidcFetch) {
	ctx, cancel := context.WithTimeout(context.Background(), v.fetchTimeout)
	defer cancel()
	defer v.finish(id, f)
	defer func() {
		if p := recover(); p != nil {
			f.key, f.err = nil, fmt.Errorf("%w: the fetch panicked: %v", errOIDCKey, p)
		}
	}()
	f.key, f.err = v.fetchKey(ctx, id)
	if f.err == nil && f.key == nil {
		f.err = errOIDCKey
	}
}

// finish ends the fetch f of id: it caches a fetched key, dropping the
// oldest when full, or remembers the failure for KeyFailureTTL, and wakes
// the requests waiting for it.
func (v *oidcVerifier) finish(id oidcKeyID, f *oidcFetch) {
	kc := &v.keys
	kc.mu.Lock()
	delete(kc.inflight, id)
	if f.err == nil {
		if len(kc.order) < kc.max {
			kc.order = append(kc.order, id)
		} else {
			delete(kc.keys, kc.order[kc.next])
			kc.order[kc.next] = id
			kc.next = (kc.next + 1) % kc.max
		}
		kc.keys[id] = f.key
	} else {
		now := v.now()
		// The budget lets at most 2*limit fetches fail within a
		// KeyFailureTTL (a full bucket, then its refill), so expired
		// failures make the rest of a full map; should the clock jump,
		// drop any.
		if len(kc.failed) >= 2*v.fetchLimit {
			for k, fl := range kc.failed {
				if !now.Before(fl.until) {
					delete(kc.failed, k)
				}
			}
			for k := range kc.failed {
				if len(kc.failed) < 2*v.fetchLimit {
					break
				}
				delete(kc.failed, k)
			}
		}
		kc.failed[id] = oidcFailure{until: now.Add(v.failureTTL), err: f.err}
	}
	kc.mu.Unlock()
	close(f.done)
}
