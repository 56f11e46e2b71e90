// Package albapp serves the benchmark application with alb.
package albapp

import (
	"log/slog"
	"net/http"
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

func search(c *alb.Context) error {
	page, err := strconv.Atoi(c.Query("page"))
	if err != nil {
		page = 1
	}
	return c.JSON(http.StatusOK, app.SearchResult{Query: c.Query("q"), Page: page})
}

func createOrder(c *alb.Context) error {
	var o app.Order
	if err := c.BindJSON(&o); err != nil {
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
