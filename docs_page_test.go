package alb_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/middleware"
)

// docsPage serves DocsHandler(documentURL, title) at /docs and returns its
// answer to GET /docs in both event modes.
func docsPage(t *testing.T, documentURL, title string, mw ...alb.Middleware) *albtest.Response {
	t.Helper()
	r := alb.New()
	r.Use(mw...)
	r.GET("/docs", alb.DocsHandler(documentURL, title))
	resp := albtest.DoBoth(t, r, albtest.NewRequest(http.MethodGet, "/docs", albtest.Strict()))
	if resp.Status != http.StatusOK {
		t.Fatalf("GET /docs: status %d, want 200; body:\n%s", resp.Status, resp.Body)
	}
	return resp
}

var (
	inlineScriptRE = regexp.MustCompile(`(?s)<script>(.*?)</script>`)
	scriptHashRE   = regexp.MustCompile(`'sha256-([A-Za-z0-9+/=]+)'`)
)

func TestDocsHandlerPage(t *testing.T) {
	resp := docsPage(t, "/openapi.json", "Notes API")
	if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q, want text/html; charset=utf-8", got)
	}
	body := string(resp.Body)
	for _, want := range []string{
		"<!DOCTYPE html>",
		"<title>Notes API</title>",
		`<link rel="icon" href="data:,">`,
		`<div id="swagger-ui" data-url="/openapi.json"></div>`,
		`<a href="/openapi.json">`,
		`<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0/swagger-ui-bundle.js" integrity="sha384-`,
		`<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0/swagger-ui.css" integrity="sha384-`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q; it is:\n%s", want, body)
		}
	}
	// Every external resource is pinned by integrity, sent in CORS mode
	// (SRI needs it for a cross-origin file) and without a Referer.
	tags := regexp.MustCompile(`<(?:script src|link rel="stylesheet")[^>]*>`).FindAllString(body, -1)
	if len(tags) != 2 {
		t.Errorf("the page loads %d external files, want 2: %q", len(tags), tags)
	}
	for _, tag := range tags {
		for _, attr := range []string{`integrity="sha384-`, `crossorigin="anonymous"`, `referrerpolicy="no-referrer"`} {
			if !strings.Contains(tag, attr) {
				t.Errorf("%s lacks %s", tag, attr)
			}
		}
	}

	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{
		"default-src 'none'",
		"script-src 'sha256-",
		" https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0/swagger-ui-bundle.js;",
		"style-src https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0/swagger-ui.css;",
		"connect-src 'self';",
		"base-uri 'none'",
		"frame-ancestors 'none'",
	} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy lacks %q: %s", want, csp)
		}
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("Content-Security-Policy holds %s: %s", bad, csp)
		}
	}

	// The one inline script is allowed by its hash, recomputed here from
	// the page as the browser does.
	scripts := inlineScriptRE.FindAllStringSubmatch(body, -1)
	if len(scripts) != 1 {
		t.Fatalf("the page has %d inline scripts, want 1", len(scripts))
	}
	sum := sha256.Sum256([]byte(scripts[0][1]))
	hashes := scriptHashRE.FindAllStringSubmatch(csp, -1)
	if len(hashes) != 1 || hashes[0][1] != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("script-src hashes %q, want exactly the inline script's sha256 %s", hashes, base64.StdEncoding.EncodeToString(sum[:]))
	}
}

// TestDocsHandlerHostileValues: a title and a document URL made to break out
// of the element, the attribute or a script stay text.
func TestDocsHandlerHostileValues(t *testing.T) {
	const title = `</title><script>alert(1)</script><!--`
	const documentURL = `/openapi.json?x="><script>alert(2)</script>&y='</script>`
	resp := docsPage(t, documentURL, title)
	body := string(resp.Body)
	if n := strings.Count(body, "<script"); n != 2 {
		t.Errorf("the page has %d <script elements, want 2 (the bundle and the bootstrap):\n%s", n, body)
	}
	if n := strings.Count(body, "</script>"); n != 2 {
		t.Errorf("the page has %d </script>, want 2:\n%s", n, body)
	}
	for _, want := range []string{
		`<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--</title>`,
		`data-url="/openapi.json?x=&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;&amp;y=&#39;&lt;/script&gt;"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s:\n%s", want, body)
		}
	}
	// The bootstrap script, and so its hash, is the same whatever the
	// values: none of them is inside it.
	plain := docsPage(t, "/openapi.json", "")
	if a, b := resp.Header.Get("Content-Security-Policy"), plain.Header.Get("Content-Security-Policy"); a != b {
		t.Errorf("the policy depends on the values:\n%s\n%s", a, b)
	}
	if !strings.Contains(string(plain.Body), "<title>API reference</title>") {
		t.Errorf("an empty title does not give the default one:\n%s", plain.Body)
	}

	// Invalid UTF-8 in the title is replaced, not sent.
	bad := docsPage(t, "/openapi.json", "Notes \xff API")
	if !strings.Contains(string(bad.Body), "<title>Notes \uFFFD API</title>") {
		t.Errorf("invalid UTF-8 in the title:\n%s", bad.Body)
	}
}

func TestDocsHandlerAbsoluteDocumentURL(t *testing.T) {
	resp := docsPage(t, "https://api.example.com:8443/v1/openapi.json", "")
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "connect-src 'self' https://api.example.com:8443;") {
		t.Errorf("connect-src does not allow the document's origin: %s", csp)
	}
	if !strings.Contains(string(resp.Body), `data-url="https://api.example.com:8443/v1/openapi.json"`) {
		t.Errorf("the page does not point at the document:\n%s", resp.Body)
	}
	// A relative path is fetched from the page's own origin.
	resp = docsPage(t, "openapi.json", "")
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("relative document URL: %s", csp)
	}
}

func TestDocsHandlerRefusesDocumentURLs(t *testing.T) {
	for _, u := range []string{
		"",
		"javascript:alert(1)",
		"data:application/json,{}",
		"//evil.example/openapi.json",
		"ftp://example.com/openapi.json",
		"https:///openapi.json",
		"https://user:pw@example.com/openapi.json",
		"https://exa'mple.com/openapi.json",
		"/open api.json",
		"/openapi.json\n",
		"/openapi.json\x7f",
		"https://example.com/%zz",
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "alb: DocsHandler: document URL ") {
					t.Errorf("DocsHandler(%q): panic %q, want one quoting the URL", u, msg)
				}
			}()
			alb.DocsHandler(u, "x")
		}()
	}
}

// TestDocsHandlerUnderSecureHeaders: SecureHeaders' own policy does not
// reach the page, which keeps exactly its own; the other headers stay.
func TestDocsHandlerUnderSecureHeaders(t *testing.T) {
	plain := docsPage(t, "/openapi.json", "")
	resp := docsPage(t, "/openapi.json", "", middleware.SecureHeaders(middleware.SecureHeadersOptions{
		ContentSecurityPolicy: "default-src 'self'",
	}))
	if got := resp.Header.Values("Content-Security-Policy"); len(got) != 1 || got[0] != plain.Header.Get("Content-Security-Policy") {
		t.Errorf("Content-Security-Policy under SecureHeaders = %q, want only the page's %q", got, plain.Header.Get("Content-Security-Policy"))
	}
	for _, h := range []string{"Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("SecureHeaders' %s is missing from the page", h)
		}
	}
}

func TestDocsHandlerHead(t *testing.T) {
	r := alb.New()
	r.GET("/docs", alb.DocsHandler("/openapi.json", ""))
	resp := albtest.DoBoth(t, r, albtest.NewRequest(http.MethodHead, "/docs"))
	if resp.Status != http.StatusOK || len(resp.Body) != 0 || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("HEAD /docs: %d, %d bytes, policy %q; want 200, no body, the policy", resp.Status, len(resp.Body), resp.Header.Get("Content-Security-Policy"))
	}
}

func ExampleDocsHandler() {
	r := alb.New()
	r.Use(middleware.SecureHeaders(middleware.SecureHeadersOptions{ContentSecurityPolicy: "default-src 'self'"}))
	r.GET("/docs", alb.DocsHandler("/openapi.json", "Notes API"))

	event := `{"httpMethod":"GET","path":"/docs","headers":{},"queryStringParameters":{},"body":"","isBase64Encoded":false}`
	out, err := r.Invoke(context.Background(), []byte(event))
	if err != nil {
		fmt.Println(err)
		return
	}
	var resp struct {
		Status  int               `json:"statusCode"`
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	}
	_ = json.Unmarshal(out, &resp)
	fmt.Println(resp.Status, resp.Headers["Content-Type"])
	fmt.Println(strings.Contains(resp.Body, `<div id="swagger-ui" data-url="/openapi.json">`))
	// The page's own policy replaced the router's.
	fmt.Println(strings.Fields(resp.Headers["Content-Security-Policy"])[:2])
	// Output:
	// 200 text/html; charset=utf-8
	// true
	// [default-src 'none';]
}

// TestServeOpenAPIDocsPage: ServeOpenAPI serves the page at DocsPath,
// pointing at the document's Path, and leaves it out of the document; "-"
// serves none.
func TestServeOpenAPIDocsPage(t *testing.T) {
	r := alb.New()
	r.GET("/ping", func(c *alb.Context) error { return c.String(http.StatusOK, "pong") })
	r.ServeOpenAPI(alb.OpenAPIOptions{Title: "Ping API", Version: "1", Path: "/api/openapi.json", DocsPath: "/api/docs"})
	page := albtest.DoBoth(t, r, albtest.NewRequest(http.MethodGet, "/api/docs"))
	body := string(page.Body)
	if page.Status != http.StatusOK || !strings.Contains(body, `data-url="/api/openapi.json"`) || !strings.Contains(body, "<title>Ping API</title>") {
		t.Errorf("GET /api/docs: %d\n%s", page.Status, body)
	}
	doc := albtest.DoBoth(t, r, albtest.NewRequest(http.MethodGet, "/api/openapi.json"))
	var d struct {
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(doc.Body, &d); err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Paths["/ping"]; !ok || len(d.Paths) != 1 {
		t.Errorf("document paths = %v, want only /ping", d.Paths)
	}

	r = alb.New()
	r.ServeOpenAPI(alb.OpenAPIOptions{DocsPath: "-"})
	if resp := albtest.DoBoth(t, r, albtest.NewRequest(http.MethodGet, "/docs")); resp.Status != http.StatusNotFound {
		t.Errorf(`GET /docs with DocsPath "-": %d, want 404`, resp.Status)
	}
	r = alb.New()
	r.ServeOpenAPI(alb.OpenAPIOptions{})
	if resp := albtest.DoBoth(t, r, albtest.NewRequest(http.MethodGet, "/docs")); resp.Status != http.StatusOK {
		t.Errorf("GET /docs by default: %d, want 200", resp.Status)
	}
}
