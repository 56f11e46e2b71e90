package runtimeapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albkit/alb"
	"github.com/albkit/alb/internal/runtimeapi"
)

// Eight loops serve every invocation handed out, also those their
// pipelined GETs got once one loop got 410 and the others were stopped; a
// handler keeps the request's strings and context past the response, and
// every response is its own request's (run it with -race).
func TestEightLoopsServeEveryInvocation(t *testing.T) {
	const n = 300
	var mu sync.Mutex
	next := 0
	got := map[string]string{}
	answered := sync.NewCond(&mu)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method == "GET" {
			mu.Lock()
			i := next
			next++
			mu.Unlock()
			if i >= n {
				// 410 once every invocation is answered: a loop that is
				// stopped while it waits for an answer to its GET gives
				// up the connection, and with it what was being answered.
				mu.Lock()
				for len(got) < n {
					answered.Wait()
				}
				mu.Unlock()
				w.WriteHeader(410)
				return
			}
			id := fmt.Sprintf("id-%d", i)
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", id)
			w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(time.Minute).UnixMilli()))
			w.Header().Set("Lambda-Runtime-Trace-Id", "Root="+id)
			pad := strings.Repeat("x", i%3*20000) // some over the pipelining size
			fmt.Fprintf(w, `{"httpMethod":"GET","path":"/echo/%s","headers":{"x-pad":"%s"},"body":"","isBase64Encoded":false}`, id, pad)
			return
		}
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2018-06-01/runtime/invocation/"), "/response")
		var resp struct{ Body string }
		json.Unmarshal(body, &resp)
		mu.Lock()
		got[id] = resp.Body
		answered.Broadcast()
		mu.Unlock()
		w.WriteHeader(202)
	}))
	defer srv.Close()
	var kept sync.WaitGroup
	r := alb.New()
	r.GET("/echo/:id", func(c *alb.Context) error {
		id := c.Param("id")
		ctx := c.Context()
		kept.Go(func() {
			<-ctx.Done()
			if id[:3] != "id-" || ctx.Err() == nil {
				t.Errorf("kept %q, err %v", id, ctx.Err())
			}
		})
		return c.String(200, id+"|"+c.Header("x-pad")[:0])
	})
	err := runtimeapi.Run(strings.TrimPrefix(srv.URL, "http://"), r, runtimeapi.Options{Concurrency: 8, Logf: func(string, ...any) {}})
	if !strings.Contains(err.Error(), "410") {
		t.Fatal(err)
	}
	kept.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != n {
		for i := range n {
			if _, ok := got[fmt.Sprintf("id-%d", i)]; !ok {
				t.Errorf("id-%d handed out, never answered", i)
			}
		}
		t.Errorf("%d responses, want %d", len(got), n)
	}
	for id, body := range got {
		if body != id+"|" {
			t.Errorf("%s answered %q", id, body)
		}
	}
}
