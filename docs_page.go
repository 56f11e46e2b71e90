package alb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The API reference page is Swagger UI, from the npm package swagger-ui-dist,
// loaded from jsDelivr's npm mirror at an exact version with Subresource
// Integrity. Swagger UI was chosen over Scalar and Stoplight Elements for
// three reasons:
//
//   - size: the bundle is 1.7 MB (460 kB gzipped) plus 188 kB of CSS (28 kB
//     gzipped); Scalar's standalone bundle and Elements' web components
//     are several times larger;
//   - OpenAPI 3.1: rendered since Swagger UI 5.0;
//   - CSP: it runs with no inline <style> element and no eval, so the page's
//     policy needs neither 'unsafe-inline' nor 'unsafe-eval' (Scalar and
//     Elements inject <style> elements, which need style-src
//     'unsafe-inline', and Scalar loads web fonts from its own host by
//     default).
//
// The integrity values are the sha384 digests of the files in the package's
// npm tarball, base64-encoded. To update, pick the version, then:
//
//	npm pack swagger-ui-dist@VERSION && tar xzf swagger-ui-dist-VERSION.tgz
//	for f in swagger-ui-bundle.js swagger-ui.css; do
//		echo "$f sha384-$(openssl dgst -sha384 -binary package/$f | base64 -w0)"
//	done
//
// and set the same version in e2e/package.json and e2e/package-lock.json
// (npm install --save-exact swagger-ui-dist@VERSION in e2e/): the e2e test
// TestDocsPageAssets recomputes both digests from the files npm installs
// there (the tarball that the lock file's integrity pins) and fails when
// the version or a digest here differs, and TestDocsPage renders the page in
// headless Chromium with those files served as the CDN's answers.
const (
	swaggerUIVersion   = "5.35.0"
	swaggerUIBase      = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@" + swaggerUIVersion + "/"
	swaggerUIScript    = swaggerUIBase + "swagger-ui-bundle.js"
	swaggerUIScriptSRI = "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9"
	swaggerUIStyle     = swaggerUIBase + "swagger-ui.css"
	swaggerUIStyleSRI  = "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I"
)

// docsBootstrap is the page's only inline script. It is a constant, so its
// hash in the Content-Security-Policy is too; the document's URL reaches it
// through the data-url attribute of the element it renders into, so no
// caller-supplied text is ever inside a script.
//
// docsBootstrapHash is its sha256, base64-encoded, as a CSP hash source
// names it. It is written here rather than computed, to keep crypto/sha256
// out of every binary; TestDocsHandlerPage recomputes it from the page:
//
//	printf %s "$script" | openssl dgst -sha256 -binary | base64
const docsBootstrapHash = "sha256-PDvyKs61ZK92u2ylT234hoyBnbux99AiKXh9fRqyIWA="

const docsBootstrap = `
(function () {
	var el = document.getElementById("swagger-ui");
	window.ui = SwaggerUIBundle({
		url: el.getAttribute("data-url"),
		domNode: el,
		deepLinking: true,
		validatorUrl: null
	});
})();
`

// DocsHandler returns a handler that answers an HTML page rendering the
// OpenAPI document at documentURL with Swagger UI (swagger-ui-dist 5.35.0,
// which renders OpenAPI 3.0 and 3.1), for a route such as
//
//	r.GET("/docs", alb.DocsHandler("/openapi.json", "Notes API"))
//
// documentURL is where the browser fetches the document: a path (absolute,
// as above, or relative to the page) or an absolute http or https URL.
// title is the page's title ("API reference" when empty); the document's
// own info.title is shown on the page. Both are escaped for HTML, and
// neither is ever written inside a script. DocsHandler panics, quoting it,
// when documentURL is empty, holds a control character or a space, does
// not parse, has another scheme, or names a host with characters that a
// host name cannot have.
//
// The browser loads Swagger UI's script and style sheet from jsDelivr
// (cdn.jsdelivr.net), pinned to the exact version, with Subresource
// Integrity (sha384) and without sending a Referer; a file the CDN changed
// is refused and the page stays empty.
//
// The page declares an empty icon, so that browsers do not ask the function
// for /favicon.ico (an invocation answered 404) on every visit.
//
// The answer is 200 with Content-Type text/html; charset=utf-8 and a
// Content-Security-Policy of its own:
//
//	default-src 'none';
//	script-src 'sha256-<the inline bootstrap script>' <the pinned script's URL>;
//	style-src <the pinned style sheet's URL>;
//	img-src 'self' data:;
//	connect-src 'self' [documentURL's origin when absolute];
//	base-uri 'none'; form-action 'none'; frame-ancestors 'none'
//
// Without 'unsafe-inline' or 'unsafe-eval'. connect-src also limits Swagger
// UI's "Try it out" requests: they may reach the page's own origin (and the
// document's), which is where the API serving its own document lives.
//
// With middleware.SecureHeaders: SecureHeaders sets its headers before the
// handler runs, and the handler replaces the Content-Security-Policy with
// its own (c.SetHeader), so the page works whatever policy the router's
// other pages get, and its policy is the stricter one for what it loads. The
// other headers SecureHeaders sets (X-Frame-Options, Referrer-Policy, ...)
// are left as they are. A middleware that sets a Content-Security-Policy
// after the handler returns would replace the page's and may break it.
//
// The page is built once, here: the handler allocates nothing per request
// and is safe for concurrent use. HEAD is answered by the router's GET
// fallback as for any route.
func DocsHandler(documentURL, title string) HandlerFunc {
	origin := docsDocumentOrigin(documentURL)
	if title == "" {
		title = "API reference"
	}
	title = strings.ToValidUTF8(title, "\uFFFD")

	connect := "'self'"
	if origin != "" {
		connect += " " + origin
	}
	csp := "default-src 'none'; " +
		"script-src '" + docsBootstrapHash + "' " + swaggerUIScript + "; " +
		"style-src " + swaggerUIStyle + "; " +
		"img-src 'self' data:; " +
		"connect-src " + connect + "; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

	u := escapeHTML(documentURL)
	page := []byte(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>` + escapeHTML(title) + `</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="` + swaggerUIStyle + `" integrity="` + swaggerUIStyleSRI + `" crossorigin="anonymous" referrerpolicy="no-referrer">
</head>
<body>
<noscript><p>This page renders the <a href="` + u + `">OpenAPI document</a> with JavaScript.</p></noscript>
<div id="swagger-ui" data-url="` + u + `"></div>
<script src="` + swaggerUIScript + `" integrity="` + swaggerUIScriptSRI + `" crossorigin="anonymous" referrerpolicy="no-referrer"></script>
<script>` + docsBootstrap + `</script>
</body>
</html>
`)
	return func(c *Context) error {
		c.SetHeader("Content-Security-Policy", csp)
		return c.Blob(http.StatusOK, "text/html; charset=utf-8", page)
	}
}

// docsDocumentOrigin checks documentURL as DocsHandler documents, and
// returns its origin ("https://host:port") when it is absolute, "" when it
// is a path.
func docsDocumentOrigin(documentURL string) string {
	fail := func(why string) {
		panic("alb: DocsHandler: document URL " + strconv.Quote(documentURL) + " " + why)
	}
	if documentURL == "" {
		fail("is empty")
	}
	for i := 0; i < len(documentURL); i++ {
		if documentURL[i] <= ' ' || documentURL[i] == 0x7f {
			fail("holds a space or a control character")
		}
	}
	u, err := url.Parse(documentURL)
	if err != nil {
		fail("does not parse: " + err.Error())
	}
	if u.Scheme == "" && u.Host == "" {
		return ""
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil {
		fail("is neither a path nor an http or https URL with a host and no user information")
	}
	for i := 0; i < len(u.Host); i++ {
		b := u.Host[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte(".-:[]", b) >= 0) {
			fail("has a host that is not a host name, an IP address or a port")
		}
	}
	return u.Scheme + "://" + u.Host
}

// escapeHTML escapes s for an HTML element's content or a quoted attribute
// value, as html.EscapeString does (without linking package html, and its
// package-level state, into every binary).
func escapeHTML(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '\'':
			b.WriteString("&#39;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
