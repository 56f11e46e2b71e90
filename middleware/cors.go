package middleware

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/albkit/alb"
)

// CORSOptions configures CORS. The zero value allows every origin, without
// credentials, for GET, HEAD and POST.
type CORSOptions struct {
	// AllowedOrigins lists the origins allowed to read responses: exact
	// origins ("https://app.example.com", "http://localhost:3000"),
	// wildcard subdomains ("https://*.example.com" matches
	// "https://a.example.com" and "https://a.b.example.com", not
	// "https://example.com"), or "*" for any origin. An origin is a scheme,
	// "://", a host and an optional port: no path, no trailing slash.
	// Matching ignores ASCII case. "null" (the origin of sandboxed and
	// file: documents) cannot be allowed. nil means "*". "*" together with
	// AllowCredentials panics: list the origins instead. So does, with
	// AllowCredentials, a wildcard over what looks like a public suffix,
	// under which anyone can register a name ("https://*.com",
	// "https://*.co.uk"): see CORS for the rule.
	AllowedOrigins []string

	// AllowedMethods is sent as Access-Control-Allow-Methods on preflights.
	// nil means GET, HEAD and POST. "*" allows any method: the preflight's
	// Access-Control-Request-Method is sent back.
	AllowedMethods []string

	// AllowedHeaders is sent as Access-Control-Allow-Headers on preflights:
	// the request headers a page may send. nil means Accept, Content-Type
	// and X-Requested-With. "*" allows any: the preflight's
	// Access-Control-Request-Headers is sent back.
	AllowedHeaders []string

	// ExposedHeaders is sent as Access-Control-Expose-Headers on allowed
	// requests: the response headers, beyond the CORS-safelisted ones, that
	// a page may read. nil means none.
	ExposedHeaders []string

	// AllowCredentials sends Access-Control-Allow-Credentials: true, so
	// that pages may send cookies and read the response. The allowed origin
	// is then always sent back as itself.
	AllowCredentials bool

	// MaxAge is how long a browser may cache a preflight's answer, sent as
	// Access-Control-Max-Age in whole seconds. 0 means no header (browsers
	// then use 5 seconds); a negative value sends 0 (no caching). A positive
	// value under a second panics.
	MaxAge time.Duration
}

// CORS returns middleware that implements cross-origin resource sharing
// (the fetch standard) for the origins of opts.
//
// A preflight (an OPTIONS request with an Origin and an
// Access-Control-Request-Method header) is answered by CORS itself with 204,
// without running the handler: from an allowed origin with
// Access-Control-Allow-Origin and the Allow-Methods, Allow-Headers,
// Allow-Credentials and Max-Age headers of opts; from any other origin
// with none of them, so the browser fails the preflight. Installed with
// Router.Use, CORS also answers preflights to paths that have no OPTIONS
// route, because the router's automatic OPTIONS answer runs the router's
// middleware.
//
// Any other request runs the handler. Then, when its Origin is allowed,
// CORS sets Access-Control-Allow-Origin (the origin itself, or "*" when
// every origin is allowed without credentials) and the Allow-Credentials
// and Expose-Headers headers; a request from another origin, or with no
// Origin, passes through without CORS headers. Unless the answer is "*",
// every response gets Vary: Origin (added, so an existing Vary is kept,
// unless its first value already names Origin), for caches in front of
// the ALB.
//
// The headers are built once, here: a request that is not a preflight
// allocates nothing. Invalid options panic, quoting the bad value.
//
// With AllowCredentials, CORS also panics on a wildcard pattern whose
// domain, the part after "*.", looks like a public suffix: a name under
// which anyone can register their own, so that every site there could
// read credentialed responses. Without a copy of the Public Suffix List,
// "looks like" is this rule: the domain
//
//   - has one label ("*.com", "*.dev", "*.localhost");
//   - has two, the first a common second-level label (ac, co, com, edu,
//     gov, net, org, ...; see corsSecondLevel) and the second a two-letter
//     country code ("*.co.uk", "*.com.au", "*.ac.jp");
//   - is one of a few shared hosting domains ("*.github.io",
//     "*.cloudfront.net", "*.herokuapp.com", ...; see corsSharedHosts);
//   - or is, or is under, amazonaws.com, on.aws or awsapprunner.com, where
//     names such as S3 buckets, API Gateway APIs and Lambda function URLs
//     belong to any AWS account ("*.execute-api.eu-west-1.amazonaws.com").
//
// The rule has limits: it misses longer public suffixes
// ("*.nsw.edu.au"), second-level labels it does not list, and most
// hosting domains; it refuses a few registrable two-label names under a
// country code ("*.co.xy" should co.xy be a company's domain). An origin
// listed exactly is never refused, and without AllowCredentials any
// wildcard is accepted, as before.
func CORS(opts CORSOptions) alb.Middleware {
	cfg := newCORSConfig(opts)
	return func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) error {
			origin := c.Header("Origin")
			if origin != "" && c.Method() == http.MethodOptions && c.Header("Access-Control-Request-Method") != "" {
				return cfg.preflight(c, origin)
			}
			err := next(c)
			if cfg.vary && !hasDirective(c.ResponseHeader("Vary"), "Origin") {
				c.AddHeader("Vary", "Origin")
			}
			if origin != "" && cfg.allowed(origin) {
				c.SetHeader("Access-Control-Allow-Origin", cfg.allowOrigin(origin))
				if cfg.credentials {
					c.SetHeader("Access-Control-Allow-Credentials", "true")
				}
				if cfg.expose != "" {
					c.SetHeader("Access-Control-Expose-Headers", cfg.expose)
				}
			}
			return err
		}
	}
}

// corsConfig is CORSOptions, checked and with the header values built.
type corsConfig struct {
	any           bool // every origin is allowed
	origins       []originPattern
	credentials   bool
	vary          bool   // responses vary by Origin
	methods       string // Access-Control-Allow-Methods; "" with anyMethod
	anyMethod     bool
	headers       string // Access-Control-Allow-Headers; "" with anyHeader
	anyHeader     bool
	expose        string // Access-Control-Expose-Headers
	maxAge        string // Access-Control-Max-Age; "" for none
	preflightVary string
}

// originPattern is an exact origin (suffix == "") or a wildcard subdomain
// pattern, split around its "*", lower-cased.
type originPattern struct {
	prefix, suffix string
	wildcard       bool
}

func newCORSConfig(opts CORSOptions) *corsConfig {
	cfg := &corsConfig{credentials: opts.AllowCredentials}
	origins := opts.AllowedOrigins
	if origins == nil {
		origins = []string{"*"}
	}
	for _, o := range origins {
		if o == "*" {
			cfg.any = true
			continue
		}
		p, ok := parseOriginPattern(o)
		if !ok {
			panic("middleware: CORS: invalid origin pattern " + strconv.Quote(o))
		}
		if domain := p.domain(); p.wildcard && cfg.credentials && corsPublicSuffix(domain) {
			panic("middleware: CORS: AllowedOrigins " + strconv.Quote(o) + " with AllowCredentials would let every site under " +
				strconv.Quote(domain) + ", a public suffix, read credentialed responses; list the origins, or a wildcard under a domain you control")
		}
		cfg.origins = append(cfg.origins, p)
	}
	if cfg.any && cfg.credentials {
		panic("middleware: CORS: AllowedOrigins \"*\" with AllowCredentials would let every site read credentialed responses; list the origins")
	}
	cfg.vary = !cfg.any

	methods := opts.AllowedMethods
	if methods == nil {
		methods = []string{http.MethodGet, http.MethodHead, http.MethodPost}
	}
	cfg.methods, cfg.anyMethod = joinTokens("AllowedMethods", methods)
	headers := opts.AllowedHeaders
	if headers == nil {
		headers = []string{"Accept", "Content-Type", "X-Requested-With"}
	}
	cfg.headers, cfg.anyHeader = joinTokens("AllowedHeaders", headers)
	var anyExposed bool
	cfg.expose, anyExposed = joinTokens("ExposedHeaders", opts.ExposedHeaders)
	if anyExposed {
		if cfg.credentials {
			panic("middleware: CORS: ExposedHeaders \"*\" with AllowCredentials means a header named \"*\"; list the headers")
		}
		cfg.expose = "*"
	}

	switch {
	case opts.MaxAge < 0:
		cfg.maxAge = "0"
	case opts.MaxAge > 0 && opts.MaxAge < time.Second:
		panic("middleware: CORS: MaxAge " + strconv.Quote(opts.MaxAge.String()) + " is under a second")
	case opts.MaxAge > 0:
		cfg.maxAge = strconv.FormatInt(int64(opts.MaxAge/time.Second), 10)
	}

	var vary []string
	if cfg.vary {
		vary = append(vary, "Origin")
	}
	if cfg.anyMethod {
		vary = append(vary, "Access-Control-Request-Method")
	}
	if cfg.anyHeader {
		vary = append(vary, "Access-Control-Request-Headers")
	}
	cfg.preflightVary = strings.Join(vary, ", ")
	return cfg
}

// joinTokens checks that every element of list is a token or "*", and
// returns the tokens joined with ", " and whether there was a "*".
func joinTokens(field string, list []string) (joined string, star bool) {
	var tokens []string
	for _, t := range list {
		switch {
		case t == "*":
			star = true
		case isToken(t):
			tokens = append(tokens, t)
		default:
			panic("middleware: CORS: invalid " + field + " entry " + strconv.Quote(t))
		}
	}
	return strings.Join(tokens, ", "), star
}

// parseOriginPattern parses "scheme://host[:port]", where host may start
// with "*." (a wildcard subdomain).
func parseOriginPattern(s string) (originPattern, bool) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || !isScheme(scheme) {
		return originPattern{}, false
	}
	host, port := rest, ""
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.HasSuffix(rest, "]") {
		host, port = rest[:i], rest[i+1:]
		if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 || port[0] == '0' {
			return originPattern{}, false
		}
	}
	wildcard := strings.HasPrefix(host, "*.")
	if wildcard {
		host = host[2:]
	}
	if !isHost(host) || wildcard && host[0] == '[' {
		return originPattern{}, false
	}
	lower := strings.ToLower(s)
	if !wildcard {
		return originPattern{prefix: lower}, true
	}
	star := strings.IndexByte(lower, '*')
	return originPattern{prefix: lower[:star], suffix: lower[star+1:], wildcard: true}, true
}

// domain returns the domain of a wildcard pattern: the host after "*.",
// without the port, lower-cased.
func (p *originPattern) domain() string {
	d := strings.TrimPrefix(p.suffix, ".")
	if i := strings.LastIndexByte(d, ':'); i >= 0 {
		d = d[:i]
	}
	return d
}

// corsSecondLevel lists the labels that, under a two-letter country code,
// commonly form a public suffix ("co.uk", "com.au", "ac.jp").
var corsSecondLevel = map[string]bool{
	"ac": true, "co": true, "com": true, "ed": true, "edu": true, "firm": true, "gen": true,
	"go": true, "gob": true, "gouv": true, "gov": true, "govt": true, "gr": true, "ind": true,
	"info": true, "int": true, "lg": true, "ltd": true, "me": true, "mil": true, "ne": true,
	"net": true, "nhs": true, "nom": true, "or": true, "org": true, "plc": true, "sch": true,
}

// corsSharedHosts lists hosting domains under which anyone can have a
// name of their own.
var corsSharedHosts = map[string]bool{
	"amplifyapp.com": true, "appspot.com": true, "azurewebsites.net": true, "blogspot.com": true,
	"cloudfront.net": true, "firebaseapp.com": true, "github.io": true, "gitlab.io": true,
	"herokuapp.com": true, "netlify.app": true, "onrender.com": true, "pages.dev": true,
	"vercel.app": true, "web.app": true, "workers.dev": true,
}

// corsSharedTrees lists domains every name under which may belong to
// anyone: a wildcard at any depth under them is refused.
var corsSharedTrees = []string{"amazonaws.com", "on.aws", "awsapprunner.com"}

// corsPublicSuffix reports whether the lower-case domain d looks like a
// public suffix, by the rule in CORS's documentation.
func corsPublicSuffix(d string) bool {
	first, rest, two := strings.Cut(d, ".")
	switch {
	case !two:
		return true
	case !strings.Contains(rest, ".") && len(rest) == 2 && isLetter(rest[0]) && isLetter(rest[1]) && corsSecondLevel[first]:
		return true
	case corsSharedHosts[d]:
		return true
	}
	for _, tree := range corsSharedTrees {
		if d == tree || strings.HasSuffix(d, "."+tree) {
			return true
		}
	}
	return false
}

// isScheme reports whether s is a URL scheme: a letter, then letters,
// digits, '+', '-' or '.'.
func isScheme(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// isHost reports whether s is a domain name (non-empty labels of letters,
// digits and '-', separated by dots) or a bracketed IPv6 literal.
func isHost(s string) bool {
	if strings.HasPrefix(s, "[") {
		inner, ok := strings.CutSuffix(s[1:], "]")
		return ok && inner != "" && strings.Trim(inner, "0123456789abcdefABCDEF:.") == ""
	}
	for label := range strings.SplitSeq(s, ".") {
		if !isLabel(label) {
			return false
		}
	}
	return true
}

// isLabel reports whether s is a non-empty run of letters, digits and '-'.
func isLabel(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// allowed reports whether origin matches the configuration.
func (cfg *corsConfig) allowed(origin string) bool {
	if cfg.any {
		return true
	}
	for i := range cfg.origins {
		if cfg.origins[i].match(origin) {
			return true
		}
	}
	return false
}

// match reports whether origin matches p, ignoring ASCII case. A wildcard
// matches one or more subdomain labels.
func (p *originPattern) match(origin string) bool {
	if !p.wildcard {
		return equalFoldASCII(origin, p.prefix)
	}
	n := len(origin) - len(p.suffix)
	if n <= len(p.prefix) || !equalFoldASCII(origin[:len(p.prefix)], p.prefix) || !equalFoldASCII(origin[n:], p.suffix) {
		return false
	}
	sub := origin[len(p.prefix):n] // "a" or "a.b": p.suffix starts with '.'
	for label := range strings.SplitSeq(sub, ".") {
		if !isLabel(label) {
			return false
		}
	}
	return true
}

// allowOrigin returns the Access-Control-Allow-Origin value for an allowed
// origin.
func (cfg *corsConfig) allowOrigin(origin string) string {
	if cfg.any {
		return "*" // never with credentials: newCORSConfig refuses that
	}
	return origin
}

// preflight answers a preflight request from origin.
func (cfg *corsConfig) preflight(c *alb.Context, origin string) error {
	if cfg.preflightVary != "" {
		c.AddHeader("Vary", cfg.preflightVary)
	}
	if cfg.allowed(origin) {
		c.SetHeader("Access-Control-Allow-Origin", cfg.allowOrigin(origin))
		if cfg.credentials {
			c.SetHeader("Access-Control-Allow-Credentials", "true")
		}
		methods := cfg.methods
		if cfg.anyMethod {
			methods = c.Header("Access-Control-Request-Method")
		}
		if methods != "" {
			c.SetHeader("Access-Control-Allow-Methods", methods)
		}
		headers := cfg.headers
		if cfg.anyHeader {
			headers = strings.Join(c.HeaderValues("Access-Control-Request-Headers"), ", ")
		}
		if headers != "" {
			c.SetHeader("Access-Control-Allow-Headers", headers)
		}
		if cfg.maxAge != "" {
			c.SetHeader("Access-Control-Max-Age", cfg.maxAge)
		}
	}
	return c.NoContent(http.StatusNoContent)
}

// equalFoldASCII reports whether a and b are equal when ASCII letters are
// folded, and only those: strings.EqualFold would also match "ſ" (U+017F)
// with "s", so a non-ASCII origin could pass for an allowed one.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return false
		}
	}
	return true
}
