// Package app is the specification of the small application that every
// contender serves: its routes, the order it accepts, the cookies it sets
// and the logo it sends. It holds data only, so that each contender's
// binary carries the same bytes and nothing else from the benchmark.
package app

import _ "embed"

// Logo is the PNG that GET /logo.png answers: exactly 2,048 bytes.
//
//go:embed logo.png
var Logo []byte

// LogoCacheControl is the Cache-Control header sent with the logo.
const LogoCacheControl = "public, max-age=86400"

// The two cookies GET /session sets, as http.Cookie.String writes them.
const (
	SessionCookie = "session=8f14e45fceea167a5a36dedd4bea2543; Path=/; HttpOnly; Secure; SameSite=Lax"
	ThemeCookie   = "theme=dark; Path=/; Max-Age=31536000"
)

// SessionBody is the body of GET /session.
const SessionBody = "signed in"

// The rules of GET /search: q is required, 1 to MaxQueryLength characters
// (runes); page is optional (1 when absent), an integer from 1 to MaxPage.
// A page that is not an integer is a 400; any other broken rule a 422.
const (
	MaxQueryLength = 100
	MaxPage        = 100
)

// SearchResult is the answer of GET /search: the decoded query and the page.
type SearchResult struct {
	Query string `json:"query"`
	Page  int    `json:"page"`
}

// Order is the JSON body of POST /orders. Members it does not have are
// refused (400). Its rules, checked after decoding (a broken one is a
// 422; lengths count characters, not bytes), in field order:
//
//   - reference: 1 to 40 characters;
//   - customer: id 1 to 40 characters, name 1 to 100, email 3 to 254;
//   - items: 1 to 50 items, each with sku 1 to 32 characters, name at
//     most 200, quantity from 1 to 99 and unitPrice from 0 to 1,000,000;
//   - shipping: line1 1 to 200 characters, line2 at most 200, city 1 to
//     100, postalCode 1 to 10, country two upper-case ASCII letters
//     (CountryPattern);
//   - note: at most 500 characters.
//
// No member is required to be present: an absent one is its zero value,
// checked as such. The rules are cheap on purpose (no email format, whose
// check with net/mail allocates five times): they are there to measure
// what binding and checking cost a typed route, not to outweigh it.
type Order struct {
	Reference string   `json:"reference"`
	Customer  Customer `json:"customer"`
	Items     []Item   `json:"items"`
	Shipping  Address  `json:"shipping"`
	Note      string   `json:"note"`
	Gift      bool     `json:"gift"`
}

// CountryPattern is the rule of Address.Country (RE2 syntax).
const CountryPattern = "^[A-Z]{2}$"

// Customer is the buyer of an Order.
type Customer struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Item is one line of an Order; UnitPrice is in cents.
type Item struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Quantity  int    `json:"quantity"`
	UnitPrice int    `json:"unitPrice"`
}

// Address is where an Order goes.
type Address struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	City       string `json:"city"`
	PostalCode string `json:"postalCode"`
	Country    string `json:"country"`
}

// Receipt is the answer of POST /orders (status 201): the order's
// reference, how many units it holds and its total in cents.
type Receipt struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Units  int    `json:"units"`
	Total  int    `json:"total"`
}

// ReceiptFor computes the receipt of o.
func ReceiptFor(o *Order) Receipt {
	r := Receipt{ID: o.Reference, Status: "accepted"}
	for _, it := range o.Items {
		r.Units += it.Quantity
		r.Total += it.Quantity * it.UnitPrice
	}
	return r
}

// OrderLocation is the Location header of the receipt for reference.
func OrderLocation(reference string) string { return "/orders/" + reference }

// SampleOrder returns the order the benchmark posts: about 1 KiB of JSON.
func SampleOrder() Order {
	return Order{
		Reference: "ord-20250117-1001",
		Customer:  Customer{ID: "cus_4f9a2c", Name: "Zoë Faure", Email: "zoe.faure@example.com"},
		Items: []Item{
			{SKU: "MUG-CAFE-350", Name: "Café au lait mug, 350 ml", Quantity: 2, UnitPrice: 1450},
			{SKU: "BEANS-ETH-1K", Name: "Ethiopia Yirgacheffe beans, 1 kg", Quantity: 1, UnitPrice: 3290},
			{SKU: "FILTER-02-100", Name: "Paper filters, size 02, 100 pcs", Quantity: 3, UnitPrice: 590},
			{SKU: "GRINDER-HAND", Name: "Hand grinder, ceramic burrs", Quantity: 1, UnitPrice: 5900},
			{SKU: "SCALE-0.1G", Name: "Coffee scale with timer, 0.1 g", Quantity: 1, UnitPrice: 2490},
		},
		Shipping: Address{Line1: "12 rue des Cafés", Line2: "Bâtiment B, 3e étage", City: "Lyon", PostalCode: "69002", Country: "FR"},
		Note: "Please leave the parcel with the concierge if nobody answers. " +
			"The grinder is a gift: no prices on the packing slip, thank you. " +
			"Deliveries before 9:00 are fine; the building door code is 4521B. " +
			"Call +33 4 00 00 00 00 if the courier cannot find the entrance.",
		Gift: true,
	}
}

// Route is one route of the REST table, in httprouter syntax: ":name"
// matches one segment, "*name" the rest of the path.
type Route struct {
	Method, Pattern string
}

// RestRoutes is the 50-route REST table, shaped like a part of the GitHub
// API. Every route answers its pattern and parameters (RestAnswer). The
// table has no static segment beside a parameter at one position, so that
// httprouter v1.3.0 accepts it too.
var RestRoutes = []Route{
	{"GET", "/user"},
	{"GET", "/user/repos"},
	{"GET", "/user/orgs"},
	{"GET", "/user/followers"},
	{"GET", "/user/following"},
	{"GET", "/users/:username"},
	{"GET", "/users/:username/repos"},
	{"GET", "/users/:username/orgs"},
	{"GET", "/users/:username/gists"},
	{"GET", "/users/:username/followers"},
	{"GET", "/orgs/:org"},
	{"GET", "/orgs/:org/repos"},
	{"GET", "/orgs/:org/members"},
	{"GET", "/orgs/:org/teams"},
	{"GET", "/repos/:owner/:repo"},
	{"PATCH", "/repos/:owner/:repo"},
	{"DELETE", "/repos/:owner/:repo"},
	{"GET", "/repos/:owner/:repo/issues"},
	{"POST", "/repos/:owner/:repo/issues"},
	{"GET", "/repos/:owner/:repo/issues/:number"},
	{"PATCH", "/repos/:owner/:repo/issues/:number"},
	{"GET", "/repos/:owner/:repo/issues/:number/comments"},
	{"POST", "/repos/:owner/:repo/issues/:number/comments"},
	{"GET", "/repos/:owner/:repo/issues/:number/labels"},
	{"GET", "/repos/:owner/:repo/pulls"},
	{"POST", "/repos/:owner/:repo/pulls"},
	{"GET", "/repos/:owner/:repo/pulls/:number"},
	{"GET", "/repos/:owner/:repo/pulls/:number/commits"},
	{"GET", "/repos/:owner/:repo/pulls/:number/files"},
	{"PUT", "/repos/:owner/:repo/pulls/:number/merge"},
	{"GET", "/repos/:owner/:repo/commits"},
	{"GET", "/repos/:owner/:repo/commits/:sha"},
	{"GET", "/repos/:owner/:repo/branches"},
	{"GET", "/repos/:owner/:repo/branches/:branch"},
	{"GET", "/repos/:owner/:repo/tags"},
	{"GET", "/repos/:owner/:repo/releases"},
	{"GET", "/repos/:owner/:repo/releases/:id"},
	{"GET", "/repos/:owner/:repo/contributors"},
	{"GET", "/repos/:owner/:repo/stargazers"},
	{"GET", "/repos/:owner/:repo/contents/*path"},
	{"GET", "/gists/:id"},
	{"GET", "/gists/:id/comments"},
	{"GET", "/search/repositories"},
	{"GET", "/search/code"},
	{"GET", "/search/issues"},
	{"GET", "/search/users"},
	{"GET", "/notifications"},
	{"GET", "/emojis"},
	{"GET", "/rate_limit"},
	{"GET", "/meta"},
}

// ParamNames returns the names of the parameters of an httprouter-syntax
// pattern, in order.
func ParamNames(pattern string) []string {
	var names []string
	for i := 0; i < len(pattern); i++ {
		if pattern[i] != ':' && pattern[i] != '*' {
			continue
		}
		j := i + 1
		for j < len(pattern) && pattern[j] != '/' {
			j++
		}
		names = append(names, pattern[i+1:j])
		i = j
	}
	return names
}

// RestAnswer is the JSON answer of a REST route: its pattern and its
// parameters, the catch-all's value with its leading '/' as httprouter
// gives it.
type RestAnswer struct {
	Route  string            `json:"route"`
	Params map[string]string `json:"params"`
}
