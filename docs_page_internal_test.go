package alb

import (
	"context"
	"net/http"
	"testing"
)

// TestDocsHandlerAllocs: the page and its policy are built once, so serving
// it costs what answering any constant page costs.
func TestDocsHandlerAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	docs := DocsHandler("/openapi.json", "Notes API")
	r := New()
	r.GET("/docs", docs)
	// The same answer written with constants: the body and the policy are
	// taken from one answer of the handler.
	var page []byte
	var csp string
	r.GET("/copy", func(c *Context) error {
		c.SetHeader("Content-Security-Policy", csp)
		return c.Blob(http.StatusOK, "text/html; charset=utf-8", page)
	})
	r.GET("/capture", func(c *Context) error {
		err := docs(c)
		page, csp = c.ResponseBody(), c.ResponseHeader("Content-Security-Policy")
		return err
	})
	for _, multi := range []bool{false, true} {
		_, _ = r.Invoke(context.Background(), testEventJSON("GET", "/capture", nil, nil, multi))
		if len(page) == 0 || csp == "" {
			t.Fatal("the handler answered no page or no policy")
		}
		docsEv := testEventJSON("GET", "/docs", nil, nil, multi)
		copyEv := testEventJSON("GET", "/copy", nil, nil, multi)
		got := testing.AllocsPerRun(200, func() { _, _ = r.Invoke(context.Background(), docsEv) })
		want := testing.AllocsPerRun(200, func() { _, _ = r.Invoke(context.Background(), copyEv) })
		if got != want {
			t.Errorf("multi-value %v: serving the page allocates %v times, a constant page %v", multi, got, want)
		}
	}
}
