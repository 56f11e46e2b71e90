package bench

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/bench/app"
)

// Series is one line of a growth plot: alb's Invoke against one kind of
// work, at several sizes.
type Series struct {
	Name  string // series=Name in benchmark names
	Title string // for tables and legends
	Plot  string // the plot it belongs to: routes, headers or body
	Unit  string // of X: "routes", "headers", "bytes"
	Mode  bool   // multi-value mode
	X     []int
	Note  string // why a size is missing, if one is

	// Case builds the router and the event for size x, and the status
	// the response must have.
	Case func(x int) (r *alb.Router, event []byte)
}

// KiB sizes of the body series.
var bodySizes = []int{1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 900 << 10}

// GrowthSeries are the series of the growth benchmarks.
var GrowthSeries = []*Series{
	{Name: "routes-static", Title: "static routes", Plot: "routes", Unit: "routes", X: []int{10, 100, 1000},
		Case: func(n int) (*alb.Router, []byte) {
			r := quietRouter()
			for i := range n {
				r.GET(fmt.Sprintf("/api/v1/res%04d/items", i), okHandler)
			}
			return r, albtest.NewRequest("GET", fmt.Sprintf("/api/v1/res%04d/items", n-1)).Event()
		}},
	{Name: "routes-param", Title: "parameterised routes (2 parameters)", Plot: "routes", Unit: "routes", X: []int{10, 100, 1000},
		Case: func(n int) (*alb.Router, []byte) {
			r := quietRouter()
			for i := range n {
				r.GET(fmt.Sprintf("/api/v1/res%04d/:id/items/:item", i), func(c *alb.Context) error {
					return c.String(http.StatusOK, c.Param("item"))
				})
			}
			return r, albtest.NewRequest("GET", fmt.Sprintf("/api/v1/res%04d/42/items/7", n-1)).Event()
		}},
	{Name: "req-headers-single", Title: "request headers, single-value", Plot: "headers", Unit: "headers", X: []int{5, 10, 25, 50, 100},
		Case: func(n int) (*alb.Router, []byte) { return requestHeaders(n, false) }},
	{Name: "req-headers-multi", Title: "request headers, multi-value", Plot: "headers", Unit: "headers", Mode: true, X: []int{5, 10, 25, 50, 100},
		Case: func(n int) (*alb.Router, []byte) { return requestHeaders(n, true) }},
	{Name: "resp-headers", Title: "response headers, single-value", Plot: "headers", Unit: "headers", X: []int{5, 10, 25, 50, 100},
		Case: func(n int) (*alb.Router, []byte) {
			names := make([]string, n)
			for i := range names {
				names[i] = fmt.Sprintf("X-Resp-%03d", i)
			}
			r := quietRouter()
			r.GET("/h", func(c *alb.Context) error {
				for _, name := range names {
					c.SetHeader(name, "value-of-a-typical-length")
				}
				return c.String(http.StatusOK, "ok")
			})
			return r, albtest.NewRequest("GET", "/h").Event()
		}},
	{Name: "req-body-text", Title: "request body, text", Plot: "body", Unit: "bytes", X: bodySizes,
		Case: func(n int) (*alb.Router, []byte) {
			return bodyLength(n), albtest.NewRequest("POST", "/body", albtest.WithBody("text/plain; charset=utf-8", text[:n])).Event()
		}},
	{Name: "req-body-base64", Title: "request body, base64", Plot: "body", Unit: "bytes", X: bodySizes,
		Case: func(n int) (*alb.Router, []byte) {
			return bodyLength(n), albtest.NewRequest("POST", "/body", albtest.WithBody("application/octet-stream", binary[:n])).Event()
		}},
	{Name: "resp-body-text", Title: "response body, text", Plot: "body", Unit: "bytes", X: bodySizes,
		Case: func(n int) (*alb.Router, []byte) {
			r := quietRouter()
			r.GET("/body", func(c *alb.Context) error { return c.Blob(http.StatusOK, "text/plain; charset=utf-8", text[:n]) })
			return r, albtest.NewRequest("GET", "/body").Event()
		}},
	{Name: "resp-body-base64", Title: "response body, base64", Plot: "body", Unit: "bytes",
		X:    []int{1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 700 << 10},
		Note: "700 KiB instead of 900 KiB: 900 KiB in base64 is over the ALB's 1 MB response limit",
		Case: func(n int) (*alb.Router, []byte) {
			r := quietRouter()
			r.GET("/body", func(c *alb.Context) error { return c.Blob(http.StatusOK, "application/octet-stream", binary[:n]) })
			return r, albtest.NewRequest("GET", "/body").Event()
		}},
}

// SeriesByName returns the series called name, or nil.
func SeriesByName(name string) *Series {
	for _, s := range GrowthSeries {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func quietRouter() *alb.Router {
	r := alb.New()
	r.Logger = slog.New(slog.DiscardHandler)
	return r
}

func okHandler(c *alb.Context) error { return c.String(http.StatusOK, "ok") }

// requestHeaders is a request with n headers beyond the 7 of every
// albtest request, and a handler that reads the last one.
func requestHeaders(n int, multiValue bool) (*alb.Router, []byte) {
	var opts []albtest.Option
	for i := range n {
		opts = append(opts, albtest.WithHeader(fmt.Sprintf("x-custom-%03d", i), "value-of-a-typical-length"))
	}
	if multiValue {
		opts = append(opts, albtest.WithMultiValue())
	}
	last := fmt.Sprintf("X-Custom-%03d", n-1)
	r := quietRouter()
	r.GET("/h", func(c *alb.Context) error { return c.String(http.StatusOK, c.Header(last)) })
	return r, albtest.NewRequest("GET", "/h", opts...).Event()
}

// bodyLength is a router whose POST /body answers "ok" when the body has
// n bytes.
func bodyLength(n int) *alb.Router {
	r := quietRouter()
	r.POST("/body", func(c *alb.Context) error {
		if len(c.Body()) != n {
			return c.String(http.StatusBadRequest, "body of "+strconv.Itoa(len(c.Body()))+" bytes")
		}
		return c.String(http.StatusOK, "ok")
	})
	return r
}

// text is 900 KiB of text in lines of words, with the quotes and line
// breaks that JSON must escape; binary is 900 KiB of pseudo-random bytes.
var text, binary = makeText(900 << 10), makeBinary(900 << 10)

func makeText(n int) []byte {
	words := []string{"the", "load", "balancer", "\"sends\"", "one", "event", "per", "request", "and", "waits", "for", "a", "response"}
	b := make([]byte, 0, n+16)
	col := 0
	for i := 0; len(b) < n; i++ {
		w := words[i*7%len(words)]
		if col+len(w) > 72 {
			b = append(b, '\n')
			col = 0
		} else if col > 0 {
			b = append(b, ' ')
			col++
		}
		b = append(b, w...)
		col += len(w)
	}
	return b[:n]
}

func makeBinary(n int) []byte {
	b := make([]byte, n)
	x := uint64(88172645463325252)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

// PoolHistoryCase is a response of the pool-history experiment.
type PoolHistoryCase struct {
	Name  string // response=Name in benchmark names
	Title string
	serve alb.HandlerFunc
}

// PoolHistoryCases are the responses of the pool-history experiment.
var PoolHistoryCases = []PoolHistoryCase{
	{"logo", "the 2 KiB PNG (base64)", func(c *alb.Context) error { return c.Blob(http.StatusOK, "image/png", app.Logo) }},
	{"text-256k", "256 KiB of text", func(c *alb.Context) error {
		return c.Blob(http.StatusOK, "text/plain; charset=utf-8", text[:256<<10])
	}},
}

// HistoryName names the history of the pool-history experiment.
func HistoryName(warm bool) string {
	if warm {
		return "after-50k-small"
	}
	return "fresh"
}

// PoolHistory builds the router of the pool-history experiment and its
// two events: GET /small answers 2 bytes, GET /big the case's response.
// alb's response buffers come from one pool per process, which calibrates
// the largest buffer it keeps on the sizes of the last 42,000 responses.
func PoolHistory(rc PoolHistoryCase) (r *alb.Router, small, big []byte) {
	r = quietRouter()
	r.GET("/small", okHandler)
	r.GET("/big", rc.serve)
	return r, albtest.NewRequest("GET", "/small").Event(), albtest.NewRequest("GET", "/big").Event()
}
