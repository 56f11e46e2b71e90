package middleware

import (
	"bytes"
	"net/http"
	"slices"
	"testing"

	"github.com/albkit/alb"
)

// chainWithAuth returns a router with recommendedChain plus BearerAuth in
// the documented place (just before Compress), and a few routes: every
// answer the router itself generates must come out of it as it does
// without middleware.
func chainWithAuth() *alb.Router {
	mw := recommendedChain(discardLogger(), discardLogger())
	auth := BearerAuth(BearerAuthOptions{Realm: "test", Validate: BearerTokens(map[string]string{"secret-token": "client"})})
	mw = slices.Insert(mw, len(mw)-1, auth)
	r := alb.New()
	r.Logger = discardLogger()
	r.Use(mw...)
	r.GET("/users", func(c *alb.Context) error { return c.String(http.StatusOK, "users") })
	r.GET("/docs/", func(c *alb.Context) error { return c.String(http.StatusOK, "docs") })
	r.GET("/files/*path", func(c *alb.Context) error { return c.String(http.StatusOK, c.Param("path")) })
	r.POST("/orders", func(c *alb.Context) error { return c.NoContent(http.StatusCreated) })
	r.GET("/big", func(c *alb.Context) error {
		// Not compressible, so Compress leaves it over the ALB's limit.
		return c.Blob(http.StatusOK, "application/octet-stream", bytes.Repeat([]byte{0xff}, 1<<20))
	})
	return r
}

// TestRecommendedChainRouterAnswers sends every kind of answer the router
// generates (redirects, 404, 405 with Allow, automatic OPTIONS, HEAD, the
// 1 MB guard) through the full recommended chain, in both header modes.
// Timeout runs the rest of the chain on a Context.Copy, so this also checks
// that a copy carries everything those answers need.
func TestRecommendedChainRouterAnswers(t *testing.T) {
	tests := []struct {
		name, method, path string
		query              [2]string
		status             int
		headers            map[string]string // "" means absent
		body               string            // checked when not "-"
	}{
		{"trailing slash removed", "GET", "/users/", [2]string{}, 301, map[string]string{"Location": "/users"}, ""},
		{"trailing slash added", "GET", "/docs", [2]string{}, 301, map[string]string{"Location": "/docs/"}, ""},
		{"query kept", "GET", "/users/", [2]string{"page", "2"}, 301, map[string]string{"Location": "/users?page=2"}, ""},
		{"case fixed", "GET", "/USERS", [2]string{}, 301, map[string]string{"Location": "/users"}, ""},
		{"path cleaned", "GET", "/a/../users", [2]string{}, 301, map[string]string{"Location": "/users"}, ""},
		{"POST redirect keeps the method", "POST", "/Orders", [2]string{}, 308, map[string]string{"Location": "/orders"}, ""},
		{"HEAD redirect", "HEAD", "/users/", [2]string{}, 301, map[string]string{"Location": "/users"}, ""},
		{"not found", "GET", "/nowhere", [2]string{}, 404, map[string]string{"Content-Type": "application/json", "Location": ""}, `{"message":"Not Found"}`},
		{"method not allowed", "DELETE", "/users", [2]string{}, 405, map[string]string{"Allow": "GET, HEAD, OPTIONS", "Content-Type": "application/json"}, `{"message":"Method Not Allowed"}`},
		{"automatic OPTIONS", "OPTIONS", "/users", [2]string{}, 204, map[string]string{"Allow": "GET, HEAD, OPTIONS"}, ""},
		{"HEAD falls back to GET", "HEAD", "/users", [2]string{}, 200, map[string]string{"Content-Type": "text/plain; charset=utf-8"}, ""},
		{"HEAD not found", "HEAD", "/nowhere", [2]string{}, 404, map[string]string{"Content-Type": "application/json"}, ""},
		{"'..' parameter refused", "GET", "/files/%2e%2e/%2e%2e/etc/passwd", [2]string{}, 400, map[string]string{"Content-Type": "application/json"}, `{"message":"path holds a '..' segment"}`},
		{"HEAD of a large body: no body, so no guard", "HEAD", "/big", [2]string{}, 200, map[string]string{"Content-Type": "application/octet-stream"}, ""},
		{"1 MB guard", "GET", "/big", [2]string{}, 500, map[string]string{"Content-Type": "application/json"}, `{"message":"response too large"}`},
	}
	forEachMode(t, func(t *testing.T, multiValue bool) {
		r := chainWithAuth()
		for _, tt := range tests {
			ev := newEvent(tt.method, tt.path).header("authorization", "Bearer secret-token").mode(multiValue)
			if tt.query[0] != "" {
				ev = ev.withQuery(tt.query[0], tt.query[1])
			}
			resp := invoke(t, r, ev)
			if resp.status != tt.status {
				t.Errorf("%s: %s %s = %d, want %d (body %q)", tt.name, tt.method, tt.path, resp.status, tt.status, resp.body)
				continue
			}
			for name, want := range tt.headers {
				if got := resp.header(name); got != want {
					t.Errorf("%s: %s = %q, want %q", tt.name, name, got, want)
				}
			}
			if tt.body != "-" && string(resp.body) != tt.body {
				t.Errorf("%s: body = %q, want %q", tt.name, resp.body, tt.body)
			}
			// The outer middleware still did its part.
			if resp.header("X-Request-Id") == "" || resp.header("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: X-Request-Id %q, X-Content-Type-Options %q: want the chain's headers", tt.name, resp.header("X-Request-Id"), resp.header("X-Content-Type-Options"))
			}
		}
	})
}

// TestCopyCarriesRedirectTarget: a redirect hook run on a Copy (as Timeout
// runs it) redirects where the router decided, not to "/".
func TestCopyCarriesRedirectTarget(t *testing.T) {
	forEachMode(t, func(t *testing.T, multiValue bool) {
		r := alb.New()
		r.Logger = discardLogger()
		r.Use(func(next alb.HandlerFunc) alb.HandlerFunc {
			return func(c *alb.Context) error {
				cp := c.Copy()
				err := next(cp)
				c.SendResponseOf(cp)
				return err
			}
		})
		r.GET("/users", okHandler)
		resp := invoke(t, r, newEvent("GET", "/users/").mode(multiValue))
		checkStatus(t, resp, http.StatusMovedPermanently)
		checkHeader(t, resp, "Location", "/users")
	})
}
