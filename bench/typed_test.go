package bench

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/bench/app"
	"github.com/albkit/alb/bench/contenders/albtyped"
)

// badCase is a request that breaks the rules of package app.
type badCase struct {
	name   string
	target string
	opts   []albtest.Option
	status int
	same   bool // alb and alb-typed answer the same bytes, not only the same status
}

// orderWith returns the option that posts the sample order changed by f.
func orderWith(f func(o *app.Order)) []albtest.Option {
	o := app.SampleOrder()
	o.Items = append([]app.Item(nil), o.Items...)
	f(&o)
	return []albtest.Option{albtest.WithJSON(o)}
}

var badCases = []badCase{
	{name: "search/no-q", target: "/search?page=2", status: 422, same: true},
	{name: "search/empty-q", target: "/search?q=&page=2", status: 422, same: true},
	{name: "search/long-q", target: "/search?q=" + strings.Repeat("%C3%A9", 101), status: 422, same: true},
	{name: "search/100-characters", target: "/search?q=" + strings.Repeat("%C3%A9", 100), status: 200, same: true},
	{name: "search/no-page", target: "/search?q=x", status: 200, same: true},
	{name: "search/page-0", target: "/search?q=x&page=0", status: 422, same: true},
	{name: "search/page-101", target: "/search?q=x&page=101", status: 422, same: true},
	{name: "search/page-not-a-number", target: "/search?q=x&page=two", status: 400, same: true},
	{name: "search/page-not-a-number-no-q", target: "/search?page=two", status: 400, same: true},
	{name: "search/both-broken", target: "/search?q=&page=0", status: 422, same: true},
	{name: "order/empty-reference", target: "/orders", status: 422, same: true,
		opts: orderWith(func(o *app.Order) { o.Reference = "" })},
	{name: "order/short-email", target: "/orders", status: 422, same: true,
		opts: orderWith(func(o *app.Order) { o.Customer.Email = "z@" })},
	{name: "order/no-items", target: "/orders", status: 422, same: true,
		opts: orderWith(func(o *app.Order) { o.Items = nil })},
	{name: "order/51-items", target: "/orders", status: 422, same: true,
		opts: orderWith(func(o *app.Order) {
			for len(o.Items) < 51 {
				o.Items = append(o.Items, o.Items[0])
			}
		})},
	{name: "order/item-rules", target: "/orders", status: 422, same: true,
		opts: orderWith(func(o *app.Order) {
			o.Items[1].SKU = ""
			o.Items[1].Quantity = 0
			o.Items[3].Quantity = 100
			o.Items[4].UnitPrice = -1
			o.Items[4].Name = strings.Repeat("x", 201)
		})},
	{name: "order/shipping-rules", target: "/orders", status: 422, same: true,
		opts: orderWith(func(o *app.Order) {
			o.Shipping.Country = "fr"
			o.Shipping.PostalCode = "69002-69003"
			o.Shipping.Line2 = strings.Repeat("é", 201)
			o.Shipping.City = ""
		})},
	{name: "order/everything", target: "/orders", status: 422, same: true,
		opts: orderWith(func(o *app.Order) {
			*o = app.Order{Note: strings.Repeat("n", 501)}
		})},
	{name: "order/unknown-member", target: "/orders", status: 400,
		opts: []albtest.Option{albtest.WithBody("application/json", []byte(`{"reference":"r","discount":10}`))}},
	{name: "order/wrong-type", target: "/orders", status: 400,
		opts: []albtest.Option{albtest.WithBody("application/json", []byte(`{"items":[{"quantity":"two"}]}`))}},
	{name: "order/not-json", target: "/orders", status: 400,
		opts: []albtest.Option{albtest.WithBody("application/json", []byte(`{"reference":`))}},
	{name: "order/empty", target: "/orders", status: 400,
		opts: []albtest.Option{albtest.WithBody("application/json", nil)}},
	{name: "order/text-plain", target: "/orders", status: 415,
		opts: []albtest.Option{albtest.WithBody("text/plain", []byte(`{}`))}},
}

// TestTypedSameRules checks that alb's hand-written checks and alb-typed's
// tags are the same rules: every bad request gets the same status from
// both, and the same bytes where both answer with a problem built from the
// same violations (the 400s of a malformed JSON body differ in shape: the
// plain route answers BindJSON's error).
func TestTypedSameRules(t *testing.T) {
	plain, typed := ContenderByName("alb").Handler(), ContenderByName("alb-typed").Handler()
	for _, tc := range badCases {
		for _, m := range Modes {
			method := "GET"
			if strings.HasPrefix(tc.name, "order/") {
				method = "POST"
			}
			opts := tc.opts
			if m.MultiValue {
				opts = append(opts[:len(opts):len(opts)], albtest.WithMultiValue())
			}
			event := albtest.NewRequest(method, tc.target, opts...).Event()
			a, err := Answer(plain, event)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Answer(typed, event)
			if err != nil {
				t.Fatal(err)
			}
			for name, out := range map[string][]byte{"alb": a, "alb-typed": b} {
				var resp struct{ StatusCode int }
				if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode != tc.status {
					t.Errorf("%s/mode=%s: %s answered %s, want status %d", tc.name, m.Name, name, out, tc.status)
				}
			}
			if tc.same && !bytes.Equal(a, b) {
				t.Errorf("%s/mode=%s: the answers differ:\nalb       %s\nalb-typed %s", tc.name, m.Name, a, b)
			}
		}
	}
}

// TestTypedCountryPattern checks that alb-typed's pattern tag is the rule
// of package app (a tag cannot name the constant).
func TestTypedCountryPattern(t *testing.T) {
	f, _ := reflect.TypeFor[albtyped.Address]().FieldByName("Country")
	if got := f.Tag.Get("pattern"); got != app.CountryPattern {
		t.Errorf("pattern tag %q, want app.CountryPattern %q", got, app.CountryPattern)
	}
}
