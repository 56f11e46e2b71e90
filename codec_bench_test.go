package alb

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
)

// benchOrder is an order-like request body of about 1 KiB.
type benchOrder struct {
	Reference string `json:"reference"`
	Customer  struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"customer"`
	Items []struct {
		SKU       string `json:"sku"`
		Name      string `json:"name"`
		Quantity  int    `json:"quantity"`
		UnitPrice int    `json:"unitPrice"`
	} `json:"items"`
	Shipping struct {
		Line1      string `json:"line1"`
		Line2      string `json:"line2"`
		City       string `json:"city"`
		PostalCode string `json:"postalCode"`
		Country    string `json:"country"`
	} `json:"shipping"`
	Note string `json:"note"`
	Gift bool   `json:"gift"`
}

const benchOrderJSON = `{"reference":"ord-20250117-1001",` +
	`"customer":{"id":"cus_4f9a2c","name":"Zoë Faure","email":"zoe.faure@example.com"},` +
	`"items":[{"sku":"MUG-CAFE-350","name":"Café au lait mug, 350 ml","quantity":2,"unitPrice":1450},` +
	`{"sku":"BEANS-ETH-1K","name":"Ethiopia Yirgacheffe beans, 1 kg","quantity":1,"unitPrice":3290},` +
	`{"sku":"FILTER-02-100","name":"Paper filters, size 02, 100 pcs","quantity":3,"unitPrice":590},` +
	`{"sku":"GRINDER-HAND","name":"Hand grinder, ceramic burrs","quantity":1,"unitPrice":5900},` +
	`{"sku":"SCALE-0.1G","name":"Coffee scale with timer, 0.1 g","quantity":1,"unitPrice":2490}],` +
	`"shipping":{"line1":"12 rue des Cafés","line2":"Bâtiment B, 3e étage","city":"Lyon","postalCode":"69002","country":"FR"},` +
	`"note":"Please leave the parcel with the concierge if nobody answers. The grinder is a gift: no prices on the packing slip, thank you. Deliveries before 9:00 are fine; the building door code is 4521B. Call +33 4 00 00 00 00 if the courier cannot find the entrance.",` +
	`"gift":true}`

var benchCodecs = []struct {
	name  string
	codec JSONCodec
}{{"codec=std", StandardJSON{}}, {"codec=v2", JSONv2{}}}

// postEvent is an ALB event posting body as application/json to path.
func postEvent(tb testing.TB, path, body string) []byte {
	ev, err := json.Marshal(map[string]any{
		"httpMethod": "POST", "path": path,
		"headers": map[string]string{"content-type": "application/json", "host": "example.com"},
		"body":    body, "isBase64Encoded": false,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ev
}

// benchJSONRouter serves /bind (BindJSON of the order, no body back),
// /json (c.JSON of the order) and /orders (both: the post-json workload).
func benchJSONRouter(codec JSONCodec) *Router {
	r := New()
	r.JSONCodec = codec
	r.POST("/bind", func(c *Context) error {
		var o benchOrder
		if err := c.BindJSON(&o); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	})
	var order benchOrder
	if err := json.Unmarshal([]byte(benchOrderJSON), &order); err != nil {
		panic(err)
	}
	r.POST("/json", func(c *Context) error { return c.JSON(http.StatusOK, &order) })
	r.POST("/orders", func(c *Context) error {
		var o benchOrder
		if err := c.BindJSON(&o); err != nil {
			return err
		}
		units, total := 0, 0
		for _, it := range o.Items {
			units += it.Quantity
			total += it.Quantity * it.UnitPrice
		}
		return c.JSON(http.StatusCreated, struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Units  int    `json:"units"`
			Total  int    `json:"total"`
		}{o.Reference, "accepted", units, total})
	})
	return r
}

func benchJSONRoute(b *testing.B, path string) {
	for _, bc := range benchCodecs {
		b.Run(bc.name, func(b *testing.B) {
			r := benchJSONRouter(bc.codec)
			ev := postEvent(b, path, benchOrderJSON)
			out, _ := r.Invoke(context.Background(), ev)
			if d := decodeResponse(b, out); d.StatusCode != http.StatusOK && d.StatusCode != http.StatusNoContent && d.StatusCode != http.StatusCreated {
				b.Fatalf("%s: %s", path, out)
			}
			b.ReportAllocs()
			for b.Loop() {
				_, _ = r.Invoke(context.Background(), ev)
			}
		})
	}
}

// BenchmarkBindJSON is an invocation that binds the 1 KiB order.
func BenchmarkBindJSON(b *testing.B) { benchJSONRoute(b, "/bind") }

// BenchmarkContextJSON is an invocation that sends the order with c.JSON.
func BenchmarkContextJSON(b *testing.B) { benchJSONRoute(b, "/json") }

// BenchmarkInvokeJSONRoute is the post-json workload: bind the order,
// answer a receipt.
func BenchmarkInvokeJSONRoute(b *testing.B) { benchJSONRoute(b, "/orders") }

// BenchmarkJSONCodec measures the codecs alone on the order.
func BenchmarkJSONCodec(b *testing.B) {
	var order benchOrder
	if err := json.Unmarshal([]byte(benchOrderJSON), &order); err != nil {
		b.Fatal(err)
	}
	for _, bc := range benchCodecs {
		b.Run("op=unmarshal/"+bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(benchOrderJSON)))
			for b.Loop() {
				var o benchOrder
				if err := bc.codec.Unmarshal([]byte(benchOrderJSON), &o, false); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("op=marshal/"+bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.codec.AppendMarshal(nil, &order); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestBenchOrderRoundTrips(t *testing.T) {
	for _, bc := range benchCodecs {
		var o benchOrder
		if err := bc.codec.Unmarshal([]byte(benchOrderJSON), &o, true); err != nil {
			t.Fatalf("%s: %v", bc.name, err)
		}
		out, err := bc.codec.AppendMarshal(nil, &o)
		if err != nil || string(out) != benchOrderJSON {
			t.Errorf("%s: %s, %v", bc.name, out, err)
		}
	}
}
