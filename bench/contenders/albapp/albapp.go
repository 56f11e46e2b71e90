// Package albapp serves the benchmark application with alb.
package albapp

import (
	"log/slog"
	"net/http"
	"regexp"
	"strconv"

	"github.com/albkit/alb"
	"github.com/albkit/alb/bench/app"
)

// New returns the application's router. In single-value mode it sends both
// session cookies under case-varied Set-Cookie names
// (alb.SetCookieCaseVariants), the only way a single-value response can
// carry two; the default policy would send the last one and log a warning.
func New() *alb.Router {
	r := alb.New()
	r.Logger = slog.New(slog.DiscardHandler)
	r.SetCookiePolicy = alb.SetCookieCaseVariants
	r.GET("/search", search)
	r.POST("/orders", createOrder)
	r.GET("/session", session)
	r.GET("/logo.png", logo)
	for _, rt := range app.RestRoutes {
		r.Handle(rt.Method, rt.Pattern, restHandler(rt.Pattern))
	}
	return r
}

// search checks the query by hand (the rules are in package app) and
// answers the decoded query and page.
func search(c *alb.Context) error {
	var p problems
	q, ok := c.LookupQuery("q")
	if ok {
		p.text(at{name: "query.q"}, q, 1, app.MaxQueryLength)
	} else {
		p.invalid(at{name: "query.q"}, "is required", nil)
	}
	page := 1
	if s, ok := c.LookupQuery("page"); ok {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			p.malformed(at{name: "query.page"}, "must be an integer", s)
		}
		p.number(at{name: "query.page"}, n, 1, app.MaxPage)
		page = int(n)
	}
	if err := p.err(); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, app.SearchResult{Query: q, Page: page})
}

var countryPattern = regexp.MustCompile(app.CountryPattern)

// createOrder decodes the order, refusing unknown members, checks it by
// hand (the rules are in package app), and answers its receipt.
func createOrder(c *alb.Context) error {
	var o app.Order
	if err := c.BindJSONStrict(&o); err != nil {
		return err
	}
	var p problems
	p.text(at{name: "body.reference"}, o.Reference, 1, 40)
	p.text(at{name: "body.customer.id"}, o.Customer.ID, 1, 40)
	p.text(at{name: "body.customer.name"}, o.Customer.Name, 1, 100)
	p.text(at{name: "body.customer.email"}, o.Customer.Email, 3, 254)
	switch {
	case len(o.Items) < 1:
		p.invalid(at{name: "body.items"}, "must hold at least 1 items", nil)
	case len(o.Items) > 50:
		p.invalid(at{name: "body.items"}, "must hold at most 50 items", nil)
	}
	for i := range o.Items {
		it := &o.Items[i]
		p.text(at{"body.items", i, "sku"}, it.SKU, 1, 32)
		p.text(at{"body.items", i, "name"}, it.Name, 0, 200)
		p.number(at{"body.items", i, "quantity"}, int64(it.Quantity), 1, 99)
		p.number(at{"body.items", i, "unitPrice"}, int64(it.UnitPrice), 0, 100_000)
	}
	p.text(at{name: "body.shipping.line1"}, o.Shipping.Line1, 1, 200)
	p.text(at{name: "body.shipping.line2"}, o.Shipping.Line2, 0, 200)
	p.text(at{name: "body.shipping.city"}, o.Shipping.City, 1, 100)
	p.text(at{name: "body.shipping.postalCode"}, o.Shipping.PostalCode, 1, 10)
	if !countryPattern.MatchString(o.Shipping.Country) {
		p.invalid(at{name: "body.shipping.country"}, "must match the pattern "+app.CountryPattern, o.Shipping.Country)
	}
	p.text(at{name: "body.note"}, o.Note, 0, 500)
	if err := p.err(); err != nil {
		return err
	}
	c.SetHeader("Location", app.OrderLocation(o.Reference))
	return c.JSON(http.StatusCreated, app.ReceiptFor(&o))
}

func session(c *alb.Context) error {
	c.SetCookie(&http.Cookie{Name: "session", Value: "8f14e45fceea167a5a36dedd4bea2543", Path: "/",
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	c.SetCookie(&http.Cookie{Name: "theme", Value: "dark", Path: "/", MaxAge: 31536000})
	return c.String(http.StatusOK, app.SessionBody)
}

func logo(c *alb.Context) error {
	c.SetHeader("Cache-Control", app.LogoCacheControl)
	return c.Blob(http.StatusOK, "image/png", app.Logo)
}

func restHandler(pattern string) alb.HandlerFunc {
	names := app.ParamNames(pattern)
	return func(c *alb.Context) error {
		params := make(map[string]string, len(names))
		for _, n := range names {
			params[n] = c.Param(n)
		}
		return c.JSON(http.StatusOK, app.RestAnswer{Route: pattern, Params: params})
	}
}
