package jsoncorpus

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
)

// Bench runs the JSON workloads through Router.Invoke with codec, as
// sub-benchmarks: bind (BindJSON of the ~1 KiB order, answered with 204),
// respond (c.JSON of that order) and post (BindJSON of the order, c.JSON of
// its receipt, the post-json workload of bench/).
func Bench(b *testing.B, codec alb.JSONCodec) {
	order := SampleOrder()
	post := albtest.NewRequest("POST", "/orders", albtest.WithJSON(order)).Event()
	get := albtest.NewRequest("GET", "/order").Event()
	r := alb.New()
	r.JSONCodec = codec
	r.POST("/bind", func(c *alb.Context) error {
		var o Order
		if err := c.BindJSON(&o); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	})
	r.GET("/order", func(c *alb.Context) error { return c.JSON(http.StatusOK, &order) })
	r.POST("/orders", func(c *alb.Context) error {
		var o Order
		if err := c.BindJSON(&o); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, ReceiptFor(&o))
	})
	bind := albtest.NewRequest("POST", "/bind", albtest.WithJSON(order)).Event()
	for _, w := range []struct {
		name   string
		event  []byte
		status string
	}{{"bind", bind, `"statusCode":204`}, {"respond", get, `"statusCode":200`}, {"post", post, `"statusCode":201`}} {
		b.Run(w.name, func(b *testing.B) {
			resp, err := r.Invoke(context.Background(), w.event)
			if err != nil || !bytes.Contains(resp, []byte(w.status)) {
				b.Fatalf("Invoke: %v, %s", err, resp)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Invoke(context.Background(), w.event); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
