package middleware

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/albkit/alb"
)

// corsRouter returns a router with CORS(opts) and a GET and POST route at
// "/api" whose handler counts its calls.
func corsRouter(opts CORSOptions, calls *int) *alb.Router {
	h := func(c *alb.Context) error {
		*calls++
		c.AddHeader("Vary", "Accept-Encoding")
		return c.String(http.StatusOK, "data")
	}
	r := alb.New()
	r.Logger = discardLogger()
	r.Use(CORS(opts))
	r.GET("/api", h)
	r.POST("/api", h)
	return r
}

func preflight(path, origin, method string) event {
	return newEvent("OPTIONS", path).header("Origin", origin).header("Access-Control-Request-Method", method)
}

var corsHeaders = []string{
	"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
	"Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age",
}

func checkNoCORSHeaders(t *testing.T, resp response) {
	t.Helper()
	for _, h := range corsHeaders {
		if resp.hasHeader(h) {
			t.Errorf("header %s = %q, want none", h, resp.header(h))
		}
	}
}

func checkVary(t *testing.T, resp response, want ...string) {
	t.Helper()
	got := resp.tokens("Vary")
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("Vary = %q, want it to hold %q", got, w)
		}
	}
}

func TestCORSSimpleRequest(t *testing.T) {
	opts := CORSOptions{
		AllowedOrigins: []string{"https://app.example.com", "https://*.example.org", "http://localhost:3000"},
		ExposedHeaders: []string{"X-Total-Count", "ETag"},
	}
	for _, tc := range []struct {
		origin  string
		allowed bool
	}{
		{"https://app.example.com", true},
		{"HTTPS://APP.EXAMPLE.COM", true},
		{"http://localhost:3000", true},
		{"https://a.example.org", true},
		{"https://a.b.example.org", true},
		{"https://example.org", false},
		{"https://evil-example.org", false},
		{"https://a.example.org.evil.com", false},
		{"http://a.example.org", false},
		{"https://a.example.org:8443", false},
		{"https://a..example.org", false},
		{"https://app.example.com:443", false},
		{"http://localhost:3001", false},
		{"null", false},
	} {
		forEachModeIn(t, tc.origin, func(t *testing.T, multi bool) {
			calls := 0
			r := corsRouter(opts, &calls)
			resp := invoke(t, r, newEvent("GET", "/api").mode(multi).header("Origin", tc.origin))
			checkStatus(t, resp, http.StatusOK)
			if calls != 1 {
				t.Errorf("%s: handler ran %d times, want 1", tc.origin, calls)
			}
			checkVary(t, resp, "Origin", "Accept-Encoding")
			if !tc.allowed {
				checkNoCORSHeaders(t, resp)
				return
			}
			checkHeader(t, resp, "Access-Control-Allow-Origin", tc.origin)
			if got := resp.tokens("Access-Control-Expose-Headers"); !slices.Equal(got, []string{"X-Total-Count", "ETag"}) {
				t.Errorf("%s: Access-Control-Expose-Headers = %q, want [X-Total-Count ETag]", tc.origin, got)
			}
			checkHeader(t, resp, "Access-Control-Allow-Credentials", "")
		})
	}
}

func TestCORSNoOrigin(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		calls := 0
		r := corsRouter(CORSOptions{AllowedOrigins: []string{"https://app.example.com"}}, &calls)
		resp := invoke(t, r, newEvent("GET", "/api").mode(multi))
		checkStatus(t, resp, http.StatusOK)
		checkNoCORSHeaders(t, resp)
		checkVary(t, resp, "Origin", "Accept-Encoding")
		if calls != 1 {
			t.Errorf("handler ran %d times, want 1", calls)
		}
	})
}

func TestCORSAnyOrigin(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		calls := 0
		r := corsRouter(CORSOptions{}, &calls)
		resp := invoke(t, r, newEvent("POST", "/api").mode(multi).header("Origin", "https://anywhere.test"))
		checkHeader(t, resp, "Access-Control-Allow-Origin", "*")
		if got := resp.tokens("Vary"); !slices.Equal(got, []string{"Accept-Encoding"}) {
			t.Errorf("Vary = %q, want only the handler's Accept-Encoding", got)
		}

		resp = invoke(t, r, preflight("/api", "https://anywhere.test", "POST").mode(multi).
			header("Access-Control-Request-Headers", "content-type"))
		checkStatus(t, resp, http.StatusNoContent)
		checkHeader(t, resp, "Access-Control-Allow-Origin", "*")
		checkHeader(t, resp, "Access-Control-Allow-Methods", "GET, HEAD, POST")
		checkHeader(t, resp, "Access-Control-Allow-Headers", "Accept, Content-Type, X-Requested-With")
		checkHeader(t, resp, "Access-Control-Max-Age", "")
		if calls != 1 {
			t.Errorf("handler ran %d times, want 1 (not for the preflight)", calls)
		}
	})
}

func TestCORSCredentials(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		calls := 0
		r := corsRouter(CORSOptions{AllowedOrigins: []string{"https://*.example.com"}, AllowCredentials: true}, &calls)
		resp := invoke(t, r, newEvent("GET", "/api").mode(multi).header("Origin", "https://app.example.com"))
		checkHeader(t, resp, "Access-Control-Allow-Origin", "https://app.example.com")
		checkHeader(t, resp, "Access-Control-Allow-Credentials", "true")
		checkHeader(t, resp, "Access-Control-Expose-Headers", "")
	})
}

func TestCORSPreflight(t *testing.T) {
	opts := CORSOptions{
		AllowedOrigins:   []string{"https://app.example.com"},
		AllowedMethods:   []string{"GET", "PUT", "DELETE"},
		AllowedHeaders:   []string{"Authorization", "Content-Type"},
		AllowCredentials: true,
		MaxAge:           10 * time.Minute,
	}
	forEachMode(t, func(t *testing.T, multi bool) {
		calls := 0
		r := corsRouter(opts, &calls)
		resp := invoke(t, r, preflight("/api", "https://app.example.com", "PUT").mode(multi).
			header("Access-Control-Request-Headers", "authorization,content-type"))
		checkStatus(t, resp, http.StatusNoContent)
		if len(resp.body) != 0 {
			t.Errorf("body = %q, want none", resp.body)
		}
		checkHeader(t, resp, "Access-Control-Allow-Origin", "https://app.example.com")
		checkHeader(t, resp, "Access-Control-Allow-Credentials", "true")
		checkHeader(t, resp, "Access-Control-Allow-Methods", "GET, PUT, DELETE")
		checkHeader(t, resp, "Access-Control-Allow-Headers", "Authorization, Content-Type")
		checkHeader(t, resp, "Access-Control-Max-Age", "600")
		checkVary(t, resp, "Origin")
		if calls != 0 {
			t.Errorf("handler ran %d times for a preflight, want 0", calls)
		}

		// A disallowed origin: 204, but nothing that lets the browser go on.
		resp = invoke(t, r, preflight("/api", "https://evil.test", "PUT").mode(multi))
		checkStatus(t, resp, http.StatusNoContent)
		checkNoCORSHeaders(t, resp)
		checkVary(t, resp, "Origin")
		if calls != 0 {
			t.Errorf("handler ran %d times for a preflight, want 0", calls)
		}
	})
}

func TestCORSPreflightWildcards(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		calls := 0
		r := corsRouter(CORSOptions{
			AllowedOrigins:   []string{"https://app.example.com"},
			AllowedMethods:   []string{"*"},
			AllowedHeaders:   []string{"*"},
			AllowCredentials: true,
			MaxAge:           -1,
		}, &calls)
		resp := invoke(t, r, preflight("/api", "https://app.example.com", "PATCH").mode(multi).
			header("Access-Control-Request-Headers", "x-custom, authorization"))
		checkStatus(t, resp, http.StatusNoContent)
		checkHeader(t, resp, "Access-Control-Allow-Methods", "PATCH")
		checkHeader(t, resp, "Access-Control-Allow-Headers", "x-custom, authorization")
		checkHeader(t, resp, "Access-Control-Max-Age", "0")
		checkVary(t, resp, "Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")
	})
}

// The router answers OPTIONS for a path with no OPTIONS route itself, and
// runs the router's middleware around that answer: CORS installed with Use
// answers the preflight.
func TestCORSPreflightAutomaticOPTIONS(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := alb.New()
		r.Use(CORS(CORSOptions{AllowedOrigins: []string{"https://app.example.com"}}))
		r.GET("/only-get", okHandler)
		resp := invoke(t, r, preflight("/only-get", "https://app.example.com", "GET").mode(multi))
		checkStatus(t, resp, http.StatusNoContent)
		checkHeader(t, resp, "Access-Control-Allow-Origin", "https://app.example.com")
		checkHeader(t, resp, "Access-Control-Allow-Methods", "GET, HEAD, POST")

		// Not a preflight: the router's own OPTIONS answer, with CORS headers.
		resp = invoke(t, r, newEvent("OPTIONS", "/only-get").mode(multi).header("Origin", "https://app.example.com"))
		checkStatus(t, resp, http.StatusNoContent)
		checkHeader(t, resp, "Allow", "GET, HEAD, OPTIONS")
		checkHeader(t, resp, "Access-Control-Allow-Origin", "https://app.example.com")
		checkHeader(t, resp, "Access-Control-Allow-Methods", "")
	})
}

func TestCORSBadOptions(t *testing.T) {
	for _, tc := range []struct {
		opts CORSOptions
		want string
	}{
		{CORSOptions{AllowedOrigins: []string{"ht!tp://x"}}, `middleware: CORS: invalid origin pattern "ht!tp://x"`},
		{CORSOptions{AllowedOrigins: []string{"https://example.com/"}}, `middleware: CORS: invalid origin pattern "https://example.com/"`},
		{CORSOptions{AllowedOrigins: []string{"example.com"}}, `middleware: CORS: invalid origin pattern "example.com"`},
		{CORSOptions{AllowedOrigins: []string{"https://a.*.example.com"}}, `middleware: CORS: invalid origin pattern "https://a.*.example.com"`},
		{CORSOptions{AllowedOrigins: []string{"https://*"}}, `middleware: CORS: invalid origin pattern "https://*"`},
		{CORSOptions{AllowedOrigins: []string{"https://example.com:0"}}, `middleware: CORS: invalid origin pattern "https://example.com:0"`},
		{CORSOptions{AllowedOrigins: []string{"https://example.com:99999"}}, `middleware: CORS: invalid origin pattern "https://example.com:99999"`},
		{CORSOptions{AllowedOrigins: []string{"null"}}, `middleware: CORS: invalid origin pattern "null"`},
		{CORSOptions{AllowedOrigins: []string{""}}, `middleware: CORS: invalid origin pattern ""`},
		{CORSOptions{AllowCredentials: true}, `middleware: CORS: AllowedOrigins "*" with AllowCredentials would let every site read credentialed responses; list the origins`},
		{CORSOptions{AllowedMethods: []string{"GE T"}}, `middleware: CORS: invalid AllowedMethods entry "GE T"`},
		{CORSOptions{AllowedHeaders: []string{"X:Y"}}, `middleware: CORS: invalid AllowedHeaders entry "X:Y"`},
		{CORSOptions{AllowedOrigins: []string{"https://a.test"}, ExposedHeaders: []string{"*"}, AllowCredentials: true}, `middleware: CORS: ExposedHeaders "*" with AllowCredentials means a header named "*"; list the headers`},
		{CORSOptions{MaxAge: 500 * time.Millisecond}, `middleware: CORS: MaxAge "500ms" is under a second`},
	} {
		if got := mustPanic(t, func() { CORS(tc.opts) }); got != tc.want {
			t.Errorf("panic = %q, want %q", got, tc.want)
		}
	}
	// Valid patterns do not panic.
	CORS(CORSOptions{AllowedOrigins: []string{"http://[::1]:8080", "https://*.a-b.example.com", "app+x://host"}})
}

func TestCORSAllocs(t *testing.T) {
	opts := CORSOptions{AllowedOrigins: []string{"https://app.example.com", "https://*.example.org"}, ExposedHeaders: []string{"ETag"}}
	for _, tc := range []struct {
		name string
		ev   event
	}{
		{"no origin", newEvent("GET", "/")},
		{"disallowed", newEvent("GET", "/").header("Origin", "https://evil.test")},
		{"allowed", newEvent("GET", "/").header("Origin", "https://app.example.com")},
		{"wildcard", newEvent("GET", "/").header("Origin", "https://a.b.example.org")},
	} {
		for _, m := range modes {
			t.Run(tc.name+"/"+m.name, func(t *testing.T) {
				payload := tc.ev.mode(m.multiValue).json()
				assertNoExtraAllocs(t, newRouter(nil, CORS(opts)), newRouter(nil), context.Background(), payload)
			})
		}
	}
}

func TestCORSVaryNotRepeated(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(blobHandler(http.StatusOK, "text/plain", []byte("x"), "Vary", "origin"),
			CORS(CORSOptions{AllowedOrigins: []string{"https://app.example.com"}}))
		resp := invoke(t, r, newEvent("GET", "/").mode(multi).header("Origin", "https://app.example.com"))
		if got := resp.tokens("Vary"); !slices.Equal(got, []string{"origin"}) {
			t.Errorf("Vary = %q, want [origin]", got)
		}
	})
}

func TestCORSOriginMatchingIsASCIIOnly(t *testing.T) {
	// "ſ" (U+017F) folds to "s" under Unicode rules; an origin must not
	// pass for an allowed one through it.
	r := newRouter(okHandler, CORS(CORSOptions{AllowedOrigins: []string{"https://desk.example.org", "https://*.example.link"}}))
	for _, origin := range []string{"https://de\u017fk.example.org", "https://a.example.lin\u212a"} {
		resp := invoke(t, r, newEvent("GET", "/").header("Origin", origin))
		if resp.hasHeader("Access-Control-Allow-Origin") {
			t.Errorf("Origin %q was allowed", origin)
		}
	}
	resp := invoke(t, r, newEvent("GET", "/").header("Origin", "HTTPS://DESK.EXAMPLE.ORG"))
	if !resp.hasHeader("Access-Control-Allow-Origin") {
		t.Error("an allowed origin in upper case was refused")
	}
}

// With credentials, a wildcard over a public suffix would let every site
// under it read credentialed responses: refused. Without, accepted as
// before.
func TestCORSPublicSuffixWildcard(t *testing.T) {
	refused := []struct{ pattern, domain string }{
		{"https://*.com", "com"},
		{"https://*.co.uk", "co.uk"},
		{"https://*.com.au", "com.au"},
		{"https://*.ac.jp", "ac.jp"},
		{"HTTPS://*.CO.UK", "co.uk"},
		{"https://*.com:8443", "com"},
		{"http://*.localhost:3000", "localhost"},
		{"https://*.github.io", "github.io"},
		{"https://*.cloudfront.net", "cloudfront.net"},
		{"https://*.amazonaws.com", "amazonaws.com"},
		{"https://*.s3.amazonaws.com", "s3.amazonaws.com"},
		{"https://*.execute-api.eu-west-1.amazonaws.com", "execute-api.eu-west-1.amazonaws.com"},
		{"https://*.lambda-url.eu-west-1.on.aws", "lambda-url.eu-west-1.on.aws"},
	}
	for _, tc := range refused {
		t.Run(tc.pattern, func(t *testing.T) {
			got := mustPanic(t, func() {
				CORS(CORSOptions{AllowedOrigins: []string{"https://app.example.com", tc.pattern}, AllowCredentials: true})
			})
			want := "middleware: CORS: AllowedOrigins " + strconv.Quote(tc.pattern) + " with AllowCredentials would let every site under " +
				strconv.Quote(tc.domain) + ", a public suffix, read credentialed responses; list the origins, or a wildcard under a domain you control"
			if got != want {
				t.Errorf("panic = %q, want %q", got, want)
			}
			// Without credentials: accepted, and it matches as before.
			r := newRouter(okHandler, CORS(CORSOptions{AllowedOrigins: []string{tc.pattern}}))
			scheme, rest, _ := strings.Cut(strings.ToLower(tc.pattern), "://*.")
			origin := scheme + "://site." + rest
			resp := invoke(t, r, newEvent("GET", "/").header("Origin", origin))
			checkHeader(t, resp, "Access-Control-Allow-Origin", origin)
		})
	}
	// "https://*" is no pattern at all, with credentials or without.
	for _, creds := range []bool{false, true} {
		got := mustPanic(t, func() { CORS(CORSOptions{AllowedOrigins: []string{"https://*"}, AllowCredentials: creds}) })
		if want := `middleware: CORS: invalid origin pattern "https://*"`; got != want {
			t.Errorf("credentials %v: panic = %q, want %q", creds, got, want)
		}
	}

	// Wildcards under a registrable domain, and exact origins, are
	// accepted with credentials.
	accepted := []string{
		"https://*.example.com", "https://*.example.co.uk", "https://*.example.com.au", "https://*.example.net:8443",
		"https://*.co.example", "https://*.com.example", "https://*.d111111abcdef8.cloudfront.net", "https://*.app.github.io",
		"https://com", "https://co.uk", "https://github.io", "https://example.amazonaws.com",
	}
	r := newRouter(okHandler, CORS(CORSOptions{AllowedOrigins: accepted, AllowCredentials: true}))
	resp := invoke(t, r, newEvent("GET", "/").header("Origin", "https://a.b.example.co.uk"))
	checkHeader(t, resp, "Access-Control-Allow-Origin", "https://a.b.example.co.uk")
	checkHeader(t, resp, "Access-Control-Allow-Credentials", "true")
}
