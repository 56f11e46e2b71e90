package e2e

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/emulator"
	"github.com/albkit/alb/middleware"
)

// swaggerUIDir is where `npm ci` in this directory installs the
// swagger-ui-dist version that package-lock.json pins (and whose tarball
// npm checks against the lock file's integrity).
const swaggerUIDir = "node_modules/swagger-ui-dist"

// cdnPrefix is the part of a CDN URL before the version.
const cdnPrefix = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@"

// cdnAsset is a script or style sheet the docs page loads from the CDN.
type cdnAsset struct {
	tag, url, integrity string
}

var cdnAssetRE = regexp.MustCompile(`<(?:script src|link rel="stylesheet" href)="([^"]+)" integrity="([^"]+)"`)

// docsPageAssets returns the CDN assets of DocsHandler's page.
func docsPageAssets(t *testing.T) []cdnAsset {
	t.Helper()
	r := alb.New()
	r.GET("/docs", alb.DocsHandler("/openapi.json", ""))
	resp := albtest.Do(t, r, albtest.NewRequest(http.MethodGet, "/docs"))
	var assets []cdnAsset
	for _, m := range cdnAssetRE.FindAllStringSubmatch(string(resp.Body), -1) {
		assets = append(assets, cdnAsset{tag: m[0], url: m[1], integrity: m[2]})
	}
	if len(assets) != 2 {
		t.Fatalf("the docs page loads %d assets with integrity, want 2 (script and style sheet):\n%s", len(assets), resp.Body)
	}
	return assets
}

// installedSwaggerUI returns the version of swagger-ui-dist that npm
// installed here. Without it the test skips, except in CI (CI set), where
// .ci/run installs it and its absence is a failure.
func installedSwaggerUI(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(swaggerUIDir, "package.json"))
	if err != nil {
		msg := "swagger-ui-dist is not installed: run npm ci --ignore-scripts in e2e/ (" + err.Error() + ")"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(b, &pkg); err != nil || pkg.Version == "" {
		t.Fatalf("reading %s/package.json: %v", swaggerUIDir, err)
	}
	return pkg.Version
}

// TestDocsPageAssets: the version and the integrity digests that
// alb.DocsHandler pins are those of the swagger-ui-dist tarball that
// package-lock.json pins: each digest is recomputed from the file npm
// installed, so a version bump that forgets a digest, or a digest typed
// wrong, fails here before any browser refuses the file.
func TestDocsPageAssets(t *testing.T) {
	version := installedSwaggerUI(t)
	for _, a := range docsPageAssets(t) {
		name, ok := strings.CutPrefix(a.url, cdnPrefix+version+"/")
		if !ok {
			t.Errorf("%s: the URL does not name swagger-ui-dist %s, the version package-lock.json pins", a.tag, version)
			continue
		}
		b, err := os.ReadFile(filepath.Join(swaggerUIDir, filepath.FromSlash(name)))
		if err != nil {
			t.Errorf("%s: %v", a.tag, err)
			continue
		}
		sum := sha512.Sum384(b)
		if want := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); a.integrity != want {
			t.Errorf("%s: integrity %s, but the file in the npm package has %s", a.url, a.integrity, want)
		}
	}
	// The lock file pins the version package.json names exactly.
	var lock struct {
		Packages map[string]struct{ Version string } `json:"packages"`
	}
	b, err := os.ReadFile("package-lock.json")
	if err == nil {
		err = json.Unmarshal(b, &lock)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := lock.Packages["node_modules/swagger-ui-dist"].Version; got != version {
		t.Errorf("package-lock.json pins swagger-ui-dist %q, node_modules holds %q: run npm ci", got, version)
	}
}

// smallDocument is an OpenAPI 3.1 document with two operations, for the
// tests that need a document of known content.
const smallDocument = `{
  "openapi": "3.1.0",
  "info": {"title": "Notes API", "version": "1.0.0"},
  "paths": {
    "/api/v1/notes": {
      "get": {
        "summary": "List the notes",
        "operationId": "listNotes",
        "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}],
        "responses": {"200": {"description": "The notes", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Note"}}}}}}
      }
    },
    "/api/v1/notes/{id}": {
      "get": {
        "summary": "Read a note",
        "operationId": "getNote",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {
          "200": {"description": "The note", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Note"}}}},
          "404": {"description": "No such note"}
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Note": {
        "type": "object",
        "required": ["id", "title"],
        "properties": {"id": {"type": "string"}, "title": {"type": "string", "minLength": 1}, "body": {"type": ["string", "null"]}}
      }
    }
  }
}`

// cdn answers the browser's requests to the CDN from the npm package
// installed here, as the CDN would (CORS allowed for any origin, which SRI
// needs for a cross-origin file), and records what it served. With tamper
// set it changes one byte of each file it serves.
type cdn struct {
	version string

	mu     sync.Mutex
	served []string
	tamper bool
}

func (c *cdn) setTamper(v bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tamper = v
}

func (c *cdn) servedURLs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.served)
}

// answer returns the response to a request for url.
func (c *cdn) answer(url string) fetch.FulfillRequestParams {
	headers := []*fetch.HeaderEntry{{Name: "Access-Control-Allow-Origin", Value: "*"}}
	name, ok := strings.CutPrefix(url, cdnPrefix+c.version+"/")
	var body []byte
	var err error
	if ok && path.Clean("/"+name) == "/"+name {
		body, err = os.ReadFile(filepath.Join(swaggerUIDir, filepath.FromSlash(name)))
	}
	if !ok || err != nil {
		return fetch.FulfillRequestParams{ResponseCode: http.StatusNotFound, ResponseHeaders: headers, Body: []byte("not found")}
	}
	c.mu.Lock()
	c.served = append(c.served, url)
	if c.tamper {
		body = slices.Clone(body)
		body[len(body)-2] ^= ' ' // a space becomes NUL, or a letter changes case
	}
	c.mu.Unlock()
	headers = append(headers, &fetch.HeaderEntry{Name: "Content-Type", Value: mime.TypeByExtension(path.Ext(name))})
	return fetch.FulfillRequestParams{ResponseCode: http.StatusOK, ResponseHeaders: headers, Body: body}
}

// intercept makes the browser's tab send every request to the CDN to c
// instead of the network, until ctx ends.
func (c *cdn) intercept(t *testing.T, ctx context.Context) {
	t.Helper()
	tgt := run(t, ctx, "find the tab", func(ctx context.Context, tgt *chromedp.Target) (*chromedp.Target, error) { return tgt, nil })
	paused := cdp.Events(ctx, tgt, fetch.RequestPaused)
	do(t, ctx, "intercept the CDN", chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, fetch.Enable, fetch.EnableParams{
			Patterns: []*fetch.RequestPattern{{URLPattern: "https://cdn.jsdelivr.net/*", RequestStage: fetch.RequestStageRequest}},
		})
		return err
	}))
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			p := c.answer(ev.Request.URL)
			p.RequestID = ev.RequestID
			_, _ = cdp.Call(ctx, tgt, fetch.FulfillRequest, p)
		}
	}()
}

// consoleLog collects the console messages of a tab.
type consoleLog struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
	news chan struct{} // a token after each message
}

func collectConsole(ctx context.Context) *consoleLog {
	l := &consoleLog{news: make(chan struct{}, 1)}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			l.mu.Lock()
			l.msgs = append(l.msgs, m)
			l.mu.Unlock()
			select {
			case l.news <- struct{}{}:
			default:
			}
		}
	}()
	return l
}

// take returns the messages so far and forgets them.
func (l *consoleLog) take() []chromedp.ConsoleMessage {
	l.mu.Lock()
	defer l.mu.Unlock()
	msgs := l.msgs
	l.msgs = nil
	return msgs
}

// waitFor waits until a message holds s, within stepTimeout.
func (l *consoleLog) waitFor(t *testing.T, ctx context.Context, s string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	for {
		l.mu.Lock()
		found := slices.ContainsFunc(l.msgs, func(m chromedp.ConsoleMessage) bool { return strings.Contains(m.Text, s) })
		l.mu.Unlock()
		if found {
			return
		}
		select {
		case <-l.news:
		case <-ctx.Done():
			t.Fatalf("no console message with %q within %v; messages: %v", s, stepTimeout, l.take())
		}
	}
}

// cspViolations registers, before any script of each new document runs, a
// listener that keeps the page's Content-Security-Policy violations in
// window.__cspViolations.
const cspViolations = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
	window.__cspViolations.push(e.effectiveDirective + " " + (e.blockedURI || "inline") + " " + e.sample);
});`

// renderedOperation is one operation as Swagger UI shows it.
type renderedOperation struct {
	Method  string `json:"method"`
	Path    string `json:"path"`
	Summary string `json:"summary"`
}

// renderedOperations reads the operations Swagger UI rendered.
const renderedOperations = `Array.from(document.querySelectorAll(".opblock")).map((op) => ({
	method: (op.querySelector(".opblock-summary-method") || {}).textContent || "",
	path: ((op.querySelector(".opblock-summary-path") || {}).dataset || {}).path || "",
	summary: (op.querySelector(".opblock-summary-description") || {}).textContent || "",
}))`

// TestDocsPage serves alb.DocsHandler's page and an OpenAPI document through
// the emulator, with middleware.SecureHeaders and a strict policy of its
// own on the router, and renders the page in headless Chromium with the
// CDN's files answered from the npm package: the operations appear, the
// browser accepted both files' integrity, and nothing broke the page's
// Content-Security-Policy. Then examples/api, run as a process, serves its
// own page (ServeOpenAPI) and every operation of its generated document
// appears on it. Last, with one byte of each file changed, the browser
// refuses them and renders nothing: the integrity check is real.
func TestDocsPage(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test does not run in -short mode")
	}
	chromium := findChromium(t)
	c := &cdn{version: installedSwaggerUI(t)}

	r := alb.New()
	r.Use(middleware.SecureHeaders(middleware.SecureHeadersOptions{ContentSecurityPolicy: "default-src 'self'"}))
	r.GET("/openapi.json", func(c *alb.Context) error {
		return c.Blob(http.StatusOK, "application/json", []byte(smallDocument))
	})
	r.GET("/docs", alb.DocsHandler("/openapi.json", "Notes API"))
	srv := httptest.NewServer(emulator.New(r, emulator.Options{}))
	defer srv.Close()
	want := []renderedOperation{
		{"GET", "/api/v1/notes", "List the notes"},
		{"GET", "/api/v1/notes/{id}", "Read a note"},
	}

	// Three loads of a 1.7 MB script, on two busy cores: twice the usual
	// life.
	ctx, closeBrowser := newBrowserWithin(t, chromium, 2*browserTimeout)
	defer closeBrowser()
	c.intercept(t, ctx)
	console := collectConsole(ctx)
	do(t, ctx, "watch for CSP violations", chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspViolations})
		return err
	}))

	resp := run(t, ctx, "load /docs", chromedp.NavigateResponse(srv.URL+"/docs"))
	if resp.Status != http.StatusOK {
		t.Fatalf("GET /docs in the browser: status %d, want 200", resp.Status)
	}
	if csp, _ := resp.Headers["Content-Security-Policy"].(string); !strings.HasPrefix(csp, "default-src 'none'; script-src 'sha256-") {
		t.Errorf("the page's Content-Security-Policy = %q, want DocsHandler's", csp)
	}
	do(t, ctx, "wait for the operations", chromedp.WaitVisible(chromedp.CSS(".opblock-summary-path")))
	got := run(t, ctx, "read the operations", chromedp.Evaluate[[]renderedOperation](renderedOperations))
	if !slices.Equal(got, want) {
		t.Errorf("rendered operations = %+v, want %+v", got, want)
	}
	if title := run(t, ctx, "read the title", chromedp.Evaluate[string](`document.title`)); title != "Notes API" {
		t.Errorf("document.title = %q, want Notes API", title)
	}
	// Expanding an operation renders its parameters and schema (from the
	// 3.1 type array), which loads nothing more and breaks no policy.
	do(t, ctx, "expand an operation",
		chromedp.Click(chromedp.CSS(`#operations-default-getNote .opblock-summary-control`)),
		chromedp.WaitVisible(chromedp.CSS(`#operations-default-getNote .parameters`)),
	)
	if v := run(t, ctx, "read the CSP violations", chromedp.Evaluate[[]string](`window.__cspViolations`)); len(v) != 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
	for _, m := range console.take() {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			t.Errorf("console: %s (source %q, url %s)", m, m.Source, m.URL)
		}
	}
	served := c.servedURLs()
	slices.Sort(served)
	if want := []string{cdnPrefix + c.version + "/swagger-ui-bundle.js", cdnPrefix + c.version + "/swagger-ui.css"}; !slices.Equal(served, want) {
		t.Errorf("the CDN served %q, want %q", served, want)
	}

	// examples/api's own page (ServeOpenAPI), rendering its generated
	// document: every operation it lists appears with its summary.
	api := startAPIExample(t)
	wantAPI := documentOperations(t, fetchDocument(t, api.url))
	resp = run(t, ctx, "load examples/api's /docs", chromedp.NavigateResponse(api.url+"/docs"))
	if resp.Status != http.StatusOK {
		t.Fatalf("GET /docs of examples/api: status %d, want 200", resp.Status)
	}
	do(t, ctx, "wait for examples/api's operations", chromedp.WaitVisible(chromedp.CSS(".opblock-summary-path")))
	gotAPI := run(t, ctx, "read examples/api's operations", chromedp.Evaluate[[]renderedOperation](renderedOperations))
	slices.SortFunc(gotAPI, compareOperations)
	if !slices.Equal(gotAPI, wantAPI) {
		t.Errorf("examples/api's page rendered\n%+v\nwant the document's\n%+v", gotAPI, wantAPI)
	}
	if v := run(t, ctx, "read the CSP violations", chromedp.Evaluate[[]string](`window.__cspViolations`)); len(v) != 0 {
		t.Errorf("Content-Security-Policy violations on examples/api's page: %q", v)
	}
	for _, m := range console.take() {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			t.Errorf("console on examples/api's page: %s (source %q, url %s)", m, m.Source, m.URL)
		}
	}

	// A file that is not the pinned one is refused.
	c.setTamper(true)
	do(t, ctx, "reload with changed files", chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		// Bypass the cache: the changed files must be fetched again.
		if _, err := cdp.Call(ctx, tgt, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tgt, page.Navigate, page.NavigateParams{URL: srv.URL + "/docs"})
		return err
	}))
	console.waitFor(t, ctx, "integrity")
	console.waitFor(t, ctx, "SwaggerUIBundle is not defined")
	if n := run(t, ctx, "count the operations", chromedp.Evaluate[int](`document.querySelectorAll(".opblock").length`)); n != 0 {
		t.Errorf("with changed files the page rendered %d operations, want none", n)
	}
}

// documentOperations returns the operations of an OpenAPI document as
// Swagger UI shows them, sorted by compareOperations.
func documentOperations(t *testing.T, doc []byte) []renderedOperation {
	t.Helper()
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	var ops []renderedOperation
	for p, item := range d.Paths {
		for method, raw := range item {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
			default:
				continue // parameters, summary, ...
			}
			var op struct{ Summary string }
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			ops = append(ops, renderedOperation{Method: strings.ToUpper(method), Path: p, Summary: op.Summary})
		}
	}
	if len(ops) == 0 {
		t.Fatalf("the document lists no operation:\n%s", doc)
	}
	slices.SortFunc(ops, compareOperations)
	return ops
}

func compareOperations(a, b renderedOperation) int {
	return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method)
}
