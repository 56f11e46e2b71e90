package albtest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
)

func ExampleDo() {
	r := alb.New()
	r.GET("/hello/:name", func(c *alb.Context) error {
		return c.String(http.StatusOK, "Hello, "+c.Param("name")+"!")
	})
	t := &testing.T{} // in a test, the test's own t
	resp := albtest.Do(t, r, albtest.NewRequest("GET", "/hello/Ada"))
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"), string(resp.Body))
	// Output: 200 text/plain; charset=utf-8 Hello, Ada!
}

func BenchmarkHello(b *testing.B) {
	r := alb.New()
	r.GET("/hello/:name", func(c *alb.Context) error {
		return c.String(http.StatusOK, "Hello!")
	})
	albtest.Benchmark(b, r, albtest.NewRequest("GET", "/hello/Ada", albtest.WithMultiValue()))
}
