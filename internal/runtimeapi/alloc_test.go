package runtimeapi_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/albkit/alb"
	"github.com/albkit/alb/internal/runtimeapi"
	"github.com/albkit/alb/internal/runtimeapitest"
)

// allocEvent is a browser's GET through the ALB, with the headers Chrome
// sends.
var allocEvent = []byte(`{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/0123456789abcdef"}},` +
	`"httpMethod":"GET","path":"/hello/lambda","queryStringParameters":{"q":"caf%C3%A9"},"headers":{"accept":"text/html,application/xhtml+xml","accept-encoding":"gzip, deflate, br","accept-language":"en-GB,en;q=0.9","host":"example.com",` +
	`"user-agent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36","x-amzn-trace-id":"Root=1-67891233-abcdef012345678912345678","x-forwarded-for":"203.0.113.7","x-forwarded-port":"443","x-forwarded-proto":"https"},"body":"","isBase64Encoded":false}`)

// nopHandler answers every invocation with the same bytes.
type nopHandler struct{}

var nopResponse = []byte(`{"statusCode":204}`)

func (nopHandler) Invoke(context.Context, []byte) ([]byte, error) { return nopResponse, nil }

// loopAllocs runs h through Run for n invocations against the allocation
// free fake API, and returns the allocations per invocation, the setup of
// the loop (its connection and buffers) spread over the n.
func loopAllocs(t *testing.T, h runtimeapi.Handler, concurrency, n int) (allocs float64, stats runtimeapitest.Stats) {
	t.Helper()
	allocs = testing.AllocsPerRun(1, func() {
		s, err := runtimeapitest.Start(allocEvent)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		s.Release(n)
		s.End()
		if err := runtimeapi.Run(s.Addr(), h, runtimeapi.Options{Concurrency: concurrency, Logf: t.Logf}); err == nil {
			t.Error("Run returned nil")
		}
		stats = s.Stats()
	}) / float64(n)
	if stats.Answered != n || stats.Errors != 0 {
		t.Fatalf("%d invocations answered, %d with an error, want %d and 0", stats.Answered, stats.Errors, n)
	}
	return allocs, stats
}

// The loop allocates a handful of objects per invocation (the context, the
// Lambda context, the header values in one string, _X_AMZN_TRACE_ID), and
// the loop and the router together stay within 20.
func TestLoopAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	const n = 400
	loop, _ := loopAllocs(t, nopHandler{}, 1, n)
	r := alb.New()
	r.GET("/hello/:name", func(c *alb.Context) error {
		return c.String(http.StatusOK, "hello "+c.Param("name"))
	})
	both, stats := loopAllocs(t, r, 1, n)
	if !bytes.Contains(stats.First, []byte(`"body":"hello lambda"`)) {
		t.Fatalf("the router answered %s", stats.First)
	}
	t.Logf("allocations per invocation: the loop %.1f, the loop and the router %.1f", loop, both)
	if loop > 6 {
		t.Errorf("the loop allocates %.1f times per invocation, want at most 6", loop)
	}
	if both > 20 {
		t.Errorf("the loop and the router allocate %.1f times per invocation, want at most 20", both)
	}
	if stats.Conns != 1 {
		t.Errorf("%d connections, want 1", stats.Conns)
	}
}
