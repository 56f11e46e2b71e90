package middleware_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/albkit/alb"
	"github.com/albkit/alb/middleware"
)

func ExamplePutMetric() {
	var out bytes.Buffer // os.Stdout, the default, in a function
	r := alb.New()
	r.Use(middleware.Metrics(middleware.MetricsOptions{Namespace: "shop", Service: "orders", Writer: &out}))
	r.POST("/carts/:id/checkout", func(c *alb.Context) error {
		_ = middleware.PutMetric(c, "ItemsSold", middleware.UnitCount, 3)
		_ = middleware.PutMetric(c, "OrderValue", middleware.UnitNone, 42.5)
		return c.NoContent(http.StatusCreated)
	})
	event := `{"httpMethod":"POST","path":"/carts/c-981/checkout","headers":{"x-forwarded-proto":"https"},"body":"","isBase64Encoded":false}`
	_, _ = r.Invoke(context.Background(), []byte(event))

	// One document for the request; its timestamp and latency vary, the rest
	// does not.
	var doc struct {
		AWS struct {
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
		Service, Route, Method string
		Requests, ItemsSold    float64
		OrderValue, ColdStart  float64
		Status4xx              float64 `json:"4xx"`
		Status5xx              float64 `json:"5xx"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		fmt.Println(err)
		return
	}
	dir := doc.AWS.CloudWatchMetrics[0]
	fmt.Println("namespace:", dir.Namespace, "dimensions:", dir.Dimensions)
	var defs []string
	for _, m := range dir.Metrics {
		defs = append(defs, m.Name+" ("+m.Unit+")")
	}
	fmt.Println(strings.Join(defs, ", "))
	fmt.Println(doc.Service, doc.Route, doc.Method, doc.Requests, doc.Status4xx, doc.Status5xx, doc.ColdStart, doc.ItemsSold, doc.OrderValue)
	// Output:
	// namespace: shop dimensions: [[service route method]]
	// Requests (Count), Latency (Milliseconds), 4xx (Count), 5xx (Count), ColdStart (Count), ItemsSold (Count), OrderValue (None)
	// orders /carts/:id/checkout POST 1 0 0 1 3 42.5
}
