package middleware

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/albkit/alb"
)

// bigJSON is a compressible JSON body over the default MinSize.
var bigJSON = []byte(`{"items":[` + strings.Repeat(`{"name":"widget","price":12.5,"tags":["a","b"]},`, 60) + `{}]}`)

// blobHandler answers with body as contentType, with extra response headers
// set first (name, value pairs).
func blobHandler(status int, contentType string, body []byte, headers ...string) alb.HandlerFunc {
	return func(c *alb.Context) error {
		for i := 0; i+1 < len(headers); i += 2 {
			c.SetHeader(headers[i], headers[i+1])
		}
		return c.Blob(status, contentType, body)
	}
}

func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("body is not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("body is not valid gzip: %v", err)
	}
	return out
}

// checkGzipped fails the test unless resp carries want gzipped, as base64
// on the wire, with Content-Encoding: gzip and Vary: Accept-Encoding.
func checkGzipped(t testing.TB, resp response, contentType string, want []byte) {
	t.Helper()
	checkHeader(t, resp, "Content-Encoding", "gzip")
	checkHeader(t, resp, "Content-Type", contentType)
	if !resp.base64 {
		t.Errorf("isBase64Encoded = false, want true for a gzipped body")
	}
	if got := gunzip(t, resp.body); !bytes.Equal(got, want) {
		t.Errorf("gunzipped body = %q, want %q", got, want)
	}
	if len(resp.body) >= len(want) {
		t.Errorf("gzipped body has %d bytes, want fewer than %d", len(resp.body), len(want))
	}
	if v := resp.tokens("Vary"); !slices.Contains(v, "Accept-Encoding") {
		t.Errorf("Vary = %q, want Accept-Encoding", v)
	}
}

// checkIdentity fails the test unless resp carries want as it is.
func checkIdentity(t testing.TB, resp response, want []byte) {
	t.Helper()
	if resp.hasHeader("Content-Encoding") {
		t.Errorf("Content-Encoding = %q, want none", resp.header("Content-Encoding"))
	}
	if !bytes.Equal(resp.body, want) {
		t.Errorf("body = %q, want %q", resp.body, want)
	}
}

func TestCompressGzip(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(blobHandler(http.StatusOK, "application/json", bigJSON), Compress(CompressOptions{}))
		resp := invoke(t, r, newEvent("GET", "/").mode(multi).header("Accept-Encoding", "gzip, deflate, br"))
		checkStatus(t, resp, http.StatusOK)
		checkGzipped(t, resp, "application/json", bigJSON)
		// On the wire: base64 that decodes to the gzip stream.
		if !strings.Contains(string(resp.raw), `"isBase64Encoded":true`) {
			t.Errorf("response JSON lacks \"isBase64Encoded\":true: %.200s", resp.raw)
		}
	})
}

func TestCompressAcceptEncoding(t *testing.T) {
	for _, tc := range []struct {
		accept []string // header lines; one line in single-value mode
		gzip   bool
	}{
		{nil, false},
		{[]string{"gzip"}, true},
		{[]string{"GZIP"}, true},
		{[]string{"x-gzip"}, true},
		{[]string{"br, gzip;q=0.5"}, true},
		{[]string{"gzip;q=1.0"}, true},
		{[]string{"gzip; q=0.001"}, true},
		{[]string{"*"}, true},
		{[]string{"br, *;q=0.1"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip;q=0.000"}, false},
		{[]string{"gzip;Q=0"}, false},
		{[]string{"gzip;q=abc"}, false},
		{[]string{"gzip;q=1.5"}, false},
		{[]string{"gzip;q=0, *"}, false},
		{[]string{"*;q=0"}, false},
		{[]string{"identity"}, false},
		{[]string{"br, deflate"}, false},
		{[]string{"gzipx"}, false},
		{[]string{""}, false},
	} {
		forEachModeIn(t, strconv.Quote(strings.Join(tc.accept, "|")), func(t *testing.T, multi bool) {
			r := newRouter(blobHandler(http.StatusOK, "text/html; charset=utf-8", bigJSON), Compress(CompressOptions{}))
			ev := newEvent("GET", "/").mode(multi)
			for _, line := range tc.accept {
				ev = ev.header("Accept-Encoding", line)
			}
			resp := invoke(t, r, ev)
			if got := resp.header("Content-Encoding") == "gzip"; got != tc.gzip {
				t.Fatalf("Accept-Encoding %q: gzipped = %v, want %v", tc.accept, got, tc.gzip)
			}
			if tc.gzip {
				checkGzipped(t, resp, "text/html; charset=utf-8", bigJSON)
			} else {
				checkIdentity(t, resp, bigJSON)
				if resp.base64 {
					t.Errorf("Accept-Encoding %q: a text body went out as base64", tc.accept)
				}
				// The response could have been gzipped for another client.
				if !slices.Contains(resp.tokens("Vary"), "Accept-Encoding") {
					t.Errorf("Accept-Encoding %q: Vary = %q, want Accept-Encoding", tc.accept, resp.tokens("Vary"))
				}
			}
		})
	}
}

// In multi-value mode every Accept-Encoding line counts.
func TestCompressAcceptEncodingLines(t *testing.T) {
	r := newRouter(blobHandler(http.StatusOK, "application/json", bigJSON), Compress(CompressOptions{}))
	resp := invoke(t, r, newEvent("GET", "/").mode(true).header("Accept-Encoding", "br").header("Accept-Encoding", "gzip"))
	checkGzipped(t, resp, "application/json", bigJSON)
	resp = invoke(t, r, newEvent("GET", "/").mode(true).header("Accept-Encoding", "gzip").header("Accept-Encoding", "gzip;q=0"))
	checkIdentity(t, resp, bigJSON)
}

func TestCompressSkips(t *testing.T) {
	random := make([]byte, 4096)
	_, _ = rand.Read(random)
	for _, tc := range []struct {
		name string
		h    alb.HandlerFunc
		opts CompressOptions
		ev   event
		vary bool // Vary: Accept-Encoding expected
	}{
		{"small", blobHandler(http.StatusOK, "application/json", []byte(`{"a":1}`)), CompressOptions{}, newEvent("GET", "/"), false},
		{"under MinSize", blobHandler(http.StatusOK, "application/json", bigJSON), CompressOptions{MinSize: len(bigJSON) + 1}, newEvent("GET", "/"), false},
		{"image", blobHandler(http.StatusOK, "image/png", bigJSON), CompressOptions{}, newEvent("GET", "/"), false},
		{"no content type", blobHandler(http.StatusOK, "", bigJSON), CompressOptions{}, newEvent("GET", "/"), false},
		{"encoded", blobHandler(http.StatusOK, "application/json", bigJSON, "Content-Encoding", "br"), CompressOptions{}, newEvent("GET", "/"), false},
		{"partial", blobHandler(http.StatusPartialContent, "text/plain", bigJSON, "Content-Range", "bytes 0-2999/9000"), CompressOptions{}, newEvent("GET", "/"), false},
		{"no-transform", blobHandler(http.StatusOK, "text/plain", bigJSON, "Cache-Control", "public, no-transform"), CompressOptions{}, newEvent("GET", "/"), false},
		{"error", func(c *alb.Context) error {
			_ = c.Blob(http.StatusOK, "application/json", bigJSON)
			return alb.NewHTTPError(http.StatusConflict, "")
		}, CompressOptions{}, newEvent("GET", "/"), false},
		{"incompressible", blobHandler(http.StatusOK, "application/octet-stream", random), CompressOptions{Types: []string{"application/octet-stream"}}, newEvent("GET", "/"), true},
	} {
		forEachModeIn(t, tc.name, func(t *testing.T, multi bool) {
			r := newRouter(tc.h, Compress(tc.opts))
			resp := invoke(t, r, tc.ev.mode(multi).header("Accept-Encoding", "gzip"))
			if resp.header("Content-Encoding") == "gzip" {
				t.Fatalf("%s: response gzipped, want it as it was", tc.name)
			}
			if got := slices.Contains(resp.tokens("Vary"), "Accept-Encoding"); got != tc.vary {
				t.Errorf("%s: Vary has Accept-Encoding = %v, want %v", tc.name, got, tc.vary)
			}
		})
	}
}

func TestCompressHEAD(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(blobHandler(http.StatusOK, "application/json", bigJSON), Compress(CompressOptions{}))
		resp := invoke(t, r, newEvent("HEAD", "/").mode(multi).header("Accept-Encoding", "gzip"))
		checkStatus(t, resp, http.StatusOK)
		if resp.hasHeader("Content-Encoding") || len(resp.body) != 0 {
			t.Errorf("HEAD: Content-Encoding %q, body %q, want neither", resp.header("Content-Encoding"), resp.body)
		}
	})
}

func TestCompressOptionsAndHeaders(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		body := []byte(strings.Repeat("<svg>circle</svg>", 10))
		opts := CompressOptions{MinSize: 100, Level: gzip.BestSpeed}
		for _, ct := range []string{"image/svg+xml", "application/vnd.api+json", "text/csv", "application/xml; charset=utf-8", "Application/JavaScript"} {
			r := newRouter(blobHandler(http.StatusNotFound, ct, body, "ETag", `"v1"`, "Vary", "Origin"), Compress(opts))
			resp := invoke(t, r, newEvent("GET", "/").mode(multi).header("Accept-Encoding", "gzip"))
			checkStatus(t, resp, http.StatusNotFound)
			checkGzipped(t, resp, ct, body)
			checkHeader(t, resp, "ETag", `W/"v1"`)
			if v := resp.tokens("Vary"); !slices.Contains(v, "Origin") {
				t.Errorf("Vary = %q, want the handler's Origin kept", v)
			}
		}
		r := newRouter(blobHandler(http.StatusOK, "text/plain", body, "ETag", `W/"v1"`), Compress(CompressOptions{MinSize: 1, Types: []string{"text/plain"}}))
		resp := invoke(t, r, newEvent("GET", "/").mode(multi).header("Accept-Encoding", "gzip"))
		checkGzipped(t, resp, "text/plain", body)
		checkHeader(t, resp, "ETag", `W/"v1"`)
	})
}

// Pooled writers are used by many requests at once. Run with -race.
func TestCompressConcurrent(t *testing.T) {
	r := newRouter(func(c *alb.Context) error {
		return c.Blob(http.StatusOK, "text/plain", bytes.Repeat([]byte(c.Query("w")), 500))
	}, Compress(CompressOptions{}))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			word := strings.Repeat(string(rune('a'+i)), 3)
			for range 20 {
				resp := invoke(t, r, newEvent("GET", "/").withQuery("w", word).header("Accept-Encoding", "gzip"))
				if got := gunzip(t, resp.body); !bytes.Equal(got, bytes.Repeat([]byte(word), 500)) {
					t.Errorf("body of %q mixed up: %.40q", word, got)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestCompressBadOptions(t *testing.T) {
	for _, tc := range []struct {
		opts CompressOptions
		want string
	}{
		{CompressOptions{MinSize: -1}, `middleware: Compress: negative MinSize -1`},
		{CompressOptions{Level: 10}, `middleware: Compress: invalid gzip Level 10`},
		{CompressOptions{Level: -3}, `middleware: Compress: invalid gzip Level -3`},
		{CompressOptions{Types: []string{"json"}}, `middleware: Compress: invalid media type pattern "json"`},
		{CompressOptions{Types: []string{"*/*"}}, `middleware: Compress: invalid media type pattern "*/*"`},
		{CompressOptions{Types: []string{"+"}}, `middleware: Compress: invalid media type pattern "+"`},
		{CompressOptions{Types: []string{"text/ html"}}, `middleware: Compress: invalid media type pattern "text/ html"`},
	} {
		if got := mustPanic(t, func() { Compress(tc.opts) }); got != tc.want {
			t.Errorf("panic = %q, want %q", got, tc.want)
		}
	}
}

func TestCompressAllocs(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    alb.HandlerFunc
		ev   event
	}{
		{"small body", okHandler, newEvent("GET", "/").header("Accept-Encoding", "gzip")},
		{"image", blobHandler(http.StatusOK, "image/png", bigJSON), newEvent("GET", "/").header("Accept-Encoding", "gzip")},
		{"no Accept-Encoding", blobHandler(http.StatusOK, "application/json", bigJSON), newEvent("GET", "/")},
	} {
		for _, m := range modes {
			t.Run(tc.name+"/"+m.name, func(t *testing.T) {
				payload := tc.ev.mode(m.multiValue).json()
				assertNoExtraAllocs(t, newRouter(tc.h, Compress(CompressOptions{})), newRouter(tc.h), context.Background(), payload)
			})
		}
	}
}

func TestCompressVaryNotRepeated(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(blobHandler(http.StatusOK, "application/json", bigJSON, "Vary", "Accept-Encoding"), Compress(CompressOptions{}))
		resp := invoke(t, r, newEvent("GET", "/").mode(multi).header("Accept-Encoding", "gzip"))
		checkGzipped(t, resp, "application/json", bigJSON)
		if got := resp.tokens("Vary"); !slices.Equal(got, []string{"Accept-Encoding"}) {
			t.Errorf("Vary = %q, want [Accept-Encoding]", got)
		}
	})
}
