// Package humaapp serves the search and order endpoints of the benchmark
// application with huma v2 (its humago adapter on a net/http ServeMux)
// behind aws-lambda-go-api-proxy's ALB adapter for any http.Handler
// (httpadapter.NewALB). Its inputs carry the rules that package albapp
// checks by hand and package albtyped checks with alb's tags (they are
// listed in package app), in huma's own tags.
package humaapp

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/albkit/alb/bench/app"
)

// Workloads are the workloads this contender serves.
var Workloads = []string{"search", "order"}

// New returns the function for lambda.Start: the adapter's
// ProxyWithContext in front of a ServeMux that huma registers its
// operations on. The configuration is huma.DefaultConfig without its
// create hook, which would add a "$schema" member to every JSON answer
// and a Link header (the application's answers have neither), and with
// fields optional by default, as the rules say (no member has to be
// present). The OpenAPI and docs routes stay registered, as users get
// them.
func New() func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	mux := http.NewServeMux()
	config := huma.DefaultConfig("bench", "1.0.0")
	config.CreateHooks = nil
	config.FieldsOptionalByDefault = true
	api := humago.New(mux, config)
	huma.Register(api, huma.Operation{OperationID: "search", Method: http.MethodGet, Path: "/search"}, search)
	huma.Register(api, huma.Operation{OperationID: "createOrder", Method: http.MethodPost, Path: "/orders",
		DefaultStatus: http.StatusCreated}, createOrder)
	return httpadapter.NewALB(mux).ProxyWithContext
}

// SearchInput is the query of GET /search.
type SearchInput struct {
	Q    string `query:"q" required:"true" minLength:"1" maxLength:"100"`
	Page int    `query:"page" default:"1" minimum:"1" maximum:"100"`
}

// SearchOutput is the answer of GET /search.
type SearchOutput struct {
	Body app.SearchResult
}

func search(_ context.Context, in *SearchInput) (*SearchOutput, error) {
	return &SearchOutput{Body: app.SearchResult{Query: in.Q, Page: in.Page}}, nil
}

// OrderInput is the request of POST /orders: its JSON body.
type OrderInput struct {
	Body Order
}

// Order is app.Order with its rules.
type Order struct {
	Reference string   `json:"reference" minLength:"1" maxLength:"40"`
	Customer  Customer `json:"customer"`
	Items     []Item   `json:"items" minItems:"1" maxItems:"50"`
	Shipping  Address  `json:"shipping"`
	Note      string   `json:"note" maxLength:"500"`
	Gift      bool     `json:"gift"`
}

// Customer is app.Customer with its rules.
type Customer struct {
	ID    string `json:"id" minLength:"1" maxLength:"40"`
	Name  string `json:"name" minLength:"1" maxLength:"100"`
	Email string `json:"email" minLength:"3" maxLength:"254"`
}

// Item is app.Item with its rules.
type Item struct {
	SKU       string `json:"sku" minLength:"1" maxLength:"32"`
	Name      string `json:"name" maxLength:"200"`
	Quantity  int    `json:"quantity" minimum:"1" maximum:"99"`
	UnitPrice int    `json:"unitPrice" minimum:"0" maximum:"100000"`
}

// Address is app.Address with its rules.
type Address struct {
	Line1      string `json:"line1" minLength:"1" maxLength:"200"`
	Line2      string `json:"line2" maxLength:"200"`
	City       string `json:"city" minLength:"1" maxLength:"100"`
	PostalCode string `json:"postalCode" minLength:"1" maxLength:"10"`
	Country    string `json:"country" pattern:"^[A-Z]{2}$"`
}

// OrderOutput is the answer of POST /orders: the receipt, and its
// Location.
type OrderOutput struct {
	Location string `header:"Location"`
	Body     app.Receipt
}

func createOrder(_ context.Context, in *OrderInput) (*OrderOutput, error) {
	o := &in.Body
	r := app.Receipt{ID: o.Reference, Status: "accepted"}
	for _, it := range o.Items {
		r.Units += it.Quantity
		r.Total += it.Quantity * it.UnitPrice
	}
	return &OrderOutput{Location: app.OrderLocation(o.Reference), Body: r}, nil
}
