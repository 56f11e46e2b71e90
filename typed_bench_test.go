package alb

import (
	"context"
	"net/http"
	"strconv"
	"testing"
)

// searchInput is the typed input of the get-query workload.
type searchInput struct {
	Q     string `query:"q" minLength:"1" maxLength:"100"`
	Page  int    `query:"page" default:"1" minimum:"1" maximum:"1000"`
	Limit int    `query:"limit" default:"20" minimum:"1" maximum:"100"`
}

// searchResult is the answer of the get-query workload.
type searchResult struct {
	Query string `json:"query"`
	Page  int    `json:"page"`
	Limit int    `json:"limit"`
}

// typedOrder is benchOrder with the rules a real endpoint would state.
type typedOrder struct {
	Reference string `json:"reference" minLength:"1" maxLength:"64"`
	Customer  struct {
		ID    string `json:"id" minLength:"1"`
		Name  string `json:"name" minLength:"1" maxLength:"200"`
		Email string `json:"email" format:"email"`
	} `json:"customer"`
	Items []struct {
		SKU       string `json:"sku" minLength:"1"`
		Name      string `json:"name"`
		Quantity  int    `json:"quantity" minimum:"1" maximum:"1000"`
		UnitPrice int    `json:"unitPrice" minimum:"0"`
	} `json:"items" minItems:"1" maxItems:"100"`
	Shipping struct {
		Line1      string `json:"line1" minLength:"1"`
		Line2      string `json:"line2,omitempty"`
		City       string `json:"city" minLength:"1"`
		PostalCode string `json:"postalCode"`
		Country    string `json:"country" minLength:"2" maxLength:"2"`
	} `json:"shipping"`
	Note string `json:"note,omitempty" maxLength:"1000"`
	Gift bool   `json:"gift,omitempty"`
}

// receipt is the answer of the post-json workload.
type receipt struct {
	Location string `header:"Location" json:"-"`
	ID       string `json:"id"`
	Status   string `json:"status"`
	Units    int    `json:"units"`
	Total    int    `json:"total"`
}

// benchTypedRouters returns the two workloads, typed and written by hand
// with the same checks.
func benchTypedRouters() (typed, hand *Router) {
	typed = New()
	Register(typed, Operation{Method: "GET", Path: "/search"}, func(c *Context, in *searchInput) (*searchResult, error) {
		return &searchResult{in.Q, in.Page, in.Limit}, nil
	})
	Register(typed, Operation{Method: "POST", Path: "/orders", Status: http.StatusCreated}, func(c *Context, in *typedOrder) (*receipt, error) {
		units, total := 0, 0
		for _, it := range in.Items {
			units += it.Quantity
			total += it.Quantity * it.UnitPrice
		}
		return &receipt{"/orders/" + in.Reference, in.Reference, "accepted", units, total}, nil
	})

	hand = New()
	hand.GET("/search", func(c *Context) error {
		q := c.Query("q")
		if q == "" || len(q) > 100 {
			return NewHTTPError(http.StatusUnprocessableEntity, "q must be 1 to 100 characters")
		}
		page, limit := 1, 20
		if s, ok := c.LookupQuery("page"); ok {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 1000 {
				return NewHTTPError(http.StatusBadRequest, "page must be from 1 to 1000")
			}
			page = n
		}
		if s, ok := c.LookupQuery("limit"); ok {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 100 {
				return NewHTTPError(http.StatusBadRequest, "limit must be from 1 to 100")
			}
			limit = n
		}
		return c.JSON(http.StatusOK, &searchResult{q, page, limit})
	})
	hand.POST("/orders", func(c *Context) error {
		var o typedOrder
		if err := c.BindJSONStrict(&o); err != nil {
			return err
		}
		if o.Reference == "" || len(o.Reference) > 64 || o.Customer.ID == "" || o.Customer.Name == "" ||
			!validFormat("email", o.Customer.Email) || len(o.Items) == 0 || len(o.Items) > 100 ||
			o.Shipping.Line1 == "" || o.Shipping.City == "" || len(o.Shipping.Country) != 2 || len(o.Note) > 1000 {
			return NewHTTPError(http.StatusUnprocessableEntity, "invalid order")
		}
		units, total := 0, 0
		for _, it := range o.Items {
			if it.SKU == "" || it.Quantity < 1 || it.Quantity > 1000 || it.UnitPrice < 0 {
				return NewHTTPError(http.StatusUnprocessableEntity, "invalid item")
			}
			units += it.Quantity
			total += it.Quantity * it.UnitPrice
		}
		c.SetHeader("Location", "/orders/"+o.Reference)
		return c.JSON(http.StatusCreated, &receipt{ID: o.Reference, Status: "accepted", Units: units, Total: total})
	})
	return typed, hand
}

// BenchmarkTyped compares typed handlers with the same endpoints written
// by hand: get-query binds three query parameters among a browser's
// headers, post-json binds and checks the 1 KiB order.
func BenchmarkTyped(b *testing.B) {
	typed, hand := benchTypedRouters()
	get := testEvent(b, eventSpec{path: "/search",
		query:   [][2]string{{"q", "caf%C3%A9+au+lait"}, {"page", "2"}, {"limit", "50"}},
		headers: browserHeaders})
	post := postEvent(b, "/orders", benchOrderJSON)
	for _, w := range []struct {
		name   string
		ev     []byte
		status int
	}{{"get-query", get, http.StatusOK}, {"post-json", post, http.StatusCreated}} {
		for _, impl := range []struct {
			name string
			r    *Router
		}{{"hand", hand}, {"typed", typed}} {
			b.Run(w.name+"/"+impl.name, func(b *testing.B) {
				out, _ := impl.r.Invoke(context.Background(), w.ev)
				if d := decodeResponse(b, out); d.StatusCode != w.status {
					b.Fatalf("%s", out)
				}
				b.ReportAllocs()
				for b.Loop() {
					_, _ = impl.r.Invoke(context.Background(), w.ev)
				}
			})
		}
	}
}

// TestTypedBenchAgrees: the typed and hand-written workloads answer the
// same.
func TestTypedBenchAgrees(t *testing.T) {
	typed, hand := benchTypedRouters()
	for _, ev := range [][]byte{
		testEvent(t, eventSpec{path: "/search", query: [][2]string{{"q", "caf%C3%A9"}, {"page", "2"}, {"limit", "50"}}}),
		postEvent(t, "/orders", benchOrderJSON),
	} {
		a := decodeResponse(t, must(typed.Invoke(context.Background(), ev)))
		h := decodeResponse(t, must(hand.Invoke(context.Background(), ev)))
		if a.StatusCode != h.StatusCode || a.Body != h.Body || a.Headers["Location"] != h.Headers["Location"] {
			t.Errorf("typed %d %v %s, hand %d %v %s", a.StatusCode, a.Headers, a.Body, h.StatusCode, h.Headers, h.Body)
		}
	}
}
