// Package bench compares alb with the Go tools users would pick instead
// for a Lambda function behind an Application Load Balancer, and measures
// how alb's cost grows with the work. Every contender serves the same
// application (package app) and is called the way lambda.Start calls it,
// on identical event bytes, after its answers have been checked.
//
// The command is cmd/report; the benchmarks for go test -bench are in
// bench_test.go.
package bench

import (
	"strings"

	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/bench/app"
)

// Workload is one request of the application and the answer it must get.
type Workload struct {
	Name   string // for benchmark names: workload=Name
	Method string
	Target string // raw path and query, as the client sends them
	opts   []albtest.Option
	Want   Want
}

// Want is what the client must receive.
type Want struct {
	Status      int
	ContentType string            // media type, parameters ignored
	Headers     map[string]string // other headers that must be present, canonical names
	Cookies     []string          // Set-Cookie values, compared after parsing
	Body        []byte
	JSONBody    bool // compare the bodies as JSON values
}

// browserHeaders are the headers Chrome sends for a same-origin fetch;
// NewRequest adds host, and the ALB adds x-amzn-trace-id and
// x-forwarded-for, -port and -proto: 24 header lines in all.
var browserHeaders = [][2]string{
	{"accept", "application/json, text/plain, */*"},
	{"accept-encoding", "gzip, deflate, br, zstd"},
	{"accept-language", "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7"},
	{"cache-control", "no-cache"},
	{"cookie", "_ga=GA1.1.1234567890.1736000000; consent=analytics%3Ano; session=8f14e45fceea167a5a36dedd4bea2543"},
	{"pragma", "no-cache"},
	{"priority", "u=1, i"},
	{"referer", "https://example.com/shop/cart"},
	{"sec-ch-ua", `"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"`},
	{"sec-ch-ua-mobile", "?0"},
	{"sec-ch-ua-platform", `"macOS"`},
	{"sec-fetch-dest", "empty"},
	{"sec-fetch-mode", "cors"},
	{"sec-fetch-site", "same-origin"},
	{"user-agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
	{"x-requested-with", "XMLHttpRequest"},
	{"dnt", "1"},
	{"connection", "keep-alive"},
	{"origin", "https://example.com"},
}

// Event returns the event bytes the ALB sends for w in the given mode.
// Every call returns the same bytes.
func (w *Workload) Event(multiValue bool) []byte {
	var opts []albtest.Option
	for _, h := range browserHeaders {
		opts = append(opts, albtest.WithHeader(h[0], h[1]))
	}
	opts = append(opts, w.opts...)
	if multiValue {
		opts = append(opts, albtest.WithMultiValue())
	}
	return albtest.NewRequest(w.Method, w.Target, opts...).Event()
}

// Workloads are the requests every contender answers.
var Workloads = []*Workload{
	{
		Name: "search", Method: "GET", Target: "/search?q=caf%C3%A9+au+lait&page=2",
		Want: Want{Status: 200, ContentType: "application/json", JSONBody: true,
			Body: []byte(`{"query":"café au lait","page":2}`)},
	},
	{
		Name: "order", Method: "POST", Target: "/orders",
		opts: []albtest.Option{albtest.WithJSON(app.SampleOrder())},
		Want: Want{Status: 201, ContentType: "application/json", JSONBody: true,
			Headers: map[string]string{"Location": "/orders/ord-20250117-1001"},
			Body:    []byte(`{"id":"ord-20250117-1001","status":"accepted","units":8,"total":16350}`)},
	},
	{
		Name: "session", Method: "GET", Target: "/session",
		Want: Want{Status: 200, ContentType: "text/plain",
			Cookies: []string{app.SessionCookie, app.ThemeCookie},
			Body:    []byte(app.SessionBody)},
	},
	{
		Name: "logo", Method: "GET", Target: "/logo.png",
		Want: Want{Status: 200, ContentType: "image/png",
			Headers: map[string]string{"Cache-Control": app.LogoCacheControl},
			Body:    app.Logo},
	},
	{
		Name: "rest-static", Method: "GET", Target: "/rate_limit",
		Want: Want{Status: 200, ContentType: "application/json", JSONBody: true,
			Body: []byte(`{"route":"/rate_limit","params":{}}`)},
	},
	{
		Name: "rest-param", Method: "GET", Target: "/repos/albkit/alb/issues/42/comments",
		Want: Want{Status: 200, ContentType: "application/json", JSONBody: true,
			Body: []byte(`{"route":"/repos/:owner/:repo/issues/:number/comments","params":{"number":"42","owner":"albkit","repo":"alb"}}`)},
	},
	{
		Name: "rest-catchall", Method: "GET", Target: "/repos/albkit/alb/contents/docs/guide/routing.md",
		Want: Want{Status: 200, ContentType: "application/json", JSONBody: true,
			Body: []byte(`{"route":"/repos/:owner/:repo/contents/*path","params":{"owner":"albkit","path":"/docs/guide/routing.md","repo":"alb"}}`)},
	},
}

// WorkloadByName returns the workload called name, or nil.
func WorkloadByName(name string) *Workload {
	for _, w := range Workloads {
		if strings.EqualFold(w.Name, name) {
			return w
		}
	}
	return nil
}
