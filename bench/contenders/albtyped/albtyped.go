// Package albtyped serves the search and order endpoints of the benchmark
// application with alb's typed handlers (alb.Register): the input is
// bound from struct tags and checked by tags named after JSON Schema
// keywords, the rules that package albapp checks by hand (they are listed
// in package app). It answers what albapp answers, byte for byte.
package albtyped

import (
	"log/slog"
	"net/http"

	"github.com/albkit/alb"
	"github.com/albkit/alb/bench/app"
)

// Workloads are the workloads this contender serves.
var Workloads = []string{"search", "order"}

// New returns the router: GET /search and POST /orders, typed.
func New() *alb.Router {
	r := alb.New()
	r.Logger = slog.New(slog.DiscardHandler)
	r.SetCookiePolicy = alb.SetCookieCaseVariants
	alb.Register(r, alb.Operation{Method: http.MethodGet, Path: "/search", OperationID: "search"}, search)
	alb.Register(r, alb.Operation{Method: http.MethodPost, Path: "/orders", OperationID: "createOrder",
		Status: http.StatusCreated}, createOrder)
	return r
}

// SearchInput is the query of GET /search.
type SearchInput struct {
	Q    string `query:"q" minLength:"1" maxLength:"100"`
	Page int    `query:"page" default:"1" minimum:"1" maximum:"100"`
}

func search(_ *alb.Context, in *SearchInput) (app.SearchResult, error) {
	return app.SearchResult{Query: in.Q, Page: in.Page}, nil
}

// OrderInput is the request of POST /orders: its JSON body.
type OrderInput struct {
	Body Order
}

// Order is app.Order with its rules. No member has to be present (the
// hand-written checks cannot tell an absent member from its zero value),
// hence required:"false".
type Order struct {
	Reference string   `json:"reference" required:"false" minLength:"1" maxLength:"40"`
	Customer  Customer `json:"customer" required:"false"`
	Items     []Item   `json:"items" required:"false" minItems:"1" maxItems:"50"`
	Shipping  Address  `json:"shipping" required:"false"`
	Note      string   `json:"note" required:"false" maxLength:"500"`
	Gift      bool     `json:"gift" required:"false"`
}

// Customer is app.Customer with its rules.
type Customer struct {
	ID    string `json:"id" required:"false" minLength:"1" maxLength:"40"`
	Name  string `json:"name" required:"false" minLength:"1" maxLength:"100"`
	Email string `json:"email" required:"false" minLength:"3" maxLength:"254"`
}

// Item is app.Item with its rules.
type Item struct {
	SKU       string `json:"sku" required:"false" minLength:"1" maxLength:"32"`
	Name      string `json:"name" required:"false" maxLength:"200"`
	Quantity  int    `json:"quantity" required:"false" minimum:"1" maximum:"99"`
	UnitPrice int    `json:"unitPrice" required:"false" minimum:"0" maximum:"100000"`
}

// Address is app.Address with its rules.
type Address struct {
	Line1      string `json:"line1" required:"false" minLength:"1" maxLength:"200"`
	Line2      string `json:"line2" required:"false" maxLength:"200"`
	City       string `json:"city" required:"false" minLength:"1" maxLength:"100"`
	PostalCode string `json:"postalCode" required:"false" minLength:"1" maxLength:"10"`
	Country    string `json:"country" required:"false" pattern:"^[A-Z]{2}$"`
}

// OrderOutput is the answer of POST /orders: the receipt, and its
// Location.
type OrderOutput struct {
	Location string `header:"Location"`
	Body     app.Receipt
}

func createOrder(_ *alb.Context, in *OrderInput) (OrderOutput, error) {
	o := &in.Body
	r := app.Receipt{ID: o.Reference, Status: "accepted"}
	for _, it := range o.Items {
		r.Units += it.Quantity
		r.Total += it.Quantity * it.UnitPrice
	}
	return OrderOutput{Location: app.OrderLocation(o.Reference), Body: r}, nil
}
