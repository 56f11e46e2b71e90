// Package ginapp serves the benchmark application with gin behind
// aws-lambda-go-api-proxy's ALB adapter (ginadapter.NewALB).
package ginapp

import (
	"context"
	"net/http"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
	ginadapter "github.com/awslabs/aws-lambda-go-api-proxy/gin"
	"github.com/gin-gonic/gin"

	"github.com/albkit/alb/bench/app"
)

// New returns the function for lambda.Start: the adapter's
// ProxyWithContext in front of a gin engine in release mode, without the
// logger middleware (it would write a line per request).
func New() func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/search", search)
	r.POST("/orders", createOrder)
	r.GET("/session", session)
	r.GET("/logo.png", logo)
	for _, rt := range app.RestRoutes {
		r.Handle(rt.Method, rt.Pattern, rest(rt.Pattern))
	}
	return ginadapter.NewALB(r).ProxyWithContext
}

func search(c *gin.Context) {
	page, err := strconv.Atoi(c.Query("page"))
	if err != nil {
		page = 1
	}
	c.JSON(http.StatusOK, app.SearchResult{Query: c.Query("q"), Page: page})
}

func createOrder(c *gin.Context) {
	var o app.Order
	if err := c.ShouldBindJSON(&o); err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"message": err.Error()})
		return
	}
	c.Header("Location", app.OrderLocation(o.Reference))
	c.JSON(http.StatusCreated, app.ReceiptFor(&o))
}

func session(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: "session", Value: "8f14e45fceea167a5a36dedd4bea2543", Path: "/",
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	http.SetCookie(c.Writer, &http.Cookie{Name: "theme", Value: "dark", Path: "/", MaxAge: 31536000})
	c.String(http.StatusOK, app.SessionBody)
}

func logo(c *gin.Context) {
	c.Header("Cache-Control", app.LogoCacheControl)
	c.Data(http.StatusOK, "image/png", app.Logo)
}

func rest(pattern string) gin.HandlerFunc {
	names := app.ParamNames(pattern)
	return func(c *gin.Context) {
		params := make(map[string]string, len(names))
		for _, n := range names {
			params[n] = c.Param(n)
		}
		c.JSON(http.StatusOK, app.RestAnswer{Route: pattern, Params: params})
	}
}
