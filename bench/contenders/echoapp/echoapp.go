// Package echoapp serves the benchmark application with Echo v4 behind
// aws-lambda-go-api-proxy's ALB adapter (echoadapter.NewALB).
package echoapp

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	echoadapter "github.com/awslabs/aws-lambda-go-api-proxy/echo"
	"github.com/labstack/echo/v4"

	"github.com/albkit/alb/bench/app"
)

// New returns the function for lambda.Start: the adapter's
// ProxyWithContext in front of an Echo instance without middleware.
func New() func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/search", search)
	e.POST("/orders", createOrder)
	e.GET("/session", session)
	e.GET("/logo.png", logo)
	for _, rt := range app.RestRoutes {
		e.Add(rt.Method, echoPattern(rt.Pattern), rest(rt.Pattern))
	}
	return echoadapter.NewALB(e).ProxyWithContext
}

// echoPattern turns httprouter's "*name" into Echo's "*".
func echoPattern(pattern string) string {
	if i := strings.IndexByte(pattern, '*'); i >= 0 {
		return pattern[:i+1]
	}
	return pattern
}

func search(c echo.Context) error {
	page, err := strconv.Atoi(c.QueryParam("page"))
	if err != nil {
		page = 1
	}
	return c.JSON(http.StatusOK, app.SearchResult{Query: c.QueryParam("q"), Page: page})
}

func createOrder(c echo.Context) error {
	var o app.Order
	if err := c.Bind(&o); err != nil {
		return err
	}
	c.Response().Header().Set("Location", app.OrderLocation(o.Reference))
	return c.JSON(http.StatusCreated, app.ReceiptFor(&o))
}

func session(c echo.Context) error {
	c.SetCookie(&http.Cookie{Name: "session", Value: "8f14e45fceea167a5a36dedd4bea2543", Path: "/",
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	c.SetCookie(&http.Cookie{Name: "theme", Value: "dark", Path: "/", MaxAge: 31536000})
	return c.String(http.StatusOK, app.SessionBody)
}

func logo(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", app.LogoCacheControl)
	return c.Blob(http.StatusOK, "image/png", app.Logo)
}

func rest(pattern string) echo.HandlerFunc {
	names := app.ParamNames(pattern)
	return func(c echo.Context) error {
		params := make(map[string]string, len(names))
		for _, n := range names {
			if strings.Contains(pattern, "*"+n) {
				params[n] = "/" + c.Param("*")
				continue
			}
			params[n] = c.Param(n)
		}
		return c.JSON(http.StatusOK, app.RestAnswer{Route: pattern, Params: params})
	}
}
