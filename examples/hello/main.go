// Command hello is the smallest alb program: one route, answered as JSON.
//
// Run it locally, where it serves on localhost:8080 the way an ALB would in
// front of the function:
//
//	go run ./examples/hello
//	curl -i 'localhost:8080/hello/world?name=Ada+Lovelace'
//
// Deployed to Lambda behind an ALB, the same binary serves the ALB's events.
package main

import (
	"net/http"

	"github.com/albkit/alb"
)

// greeting is the response body.
type greeting struct {
	Message string `json:"message"`
	Name    string `json:"name,omitempty"`
	Path    string `json:"path"`
}

// newRouter returns the example's routes; main serves them and the test
// calls them.
func newRouter() *alb.Router {
	r := alb.New()
	r.GET("/hello/:who", func(c *alb.Context) error {
		return c.JSON(http.StatusOK, greeting{
			Message: "Hello, " + c.Param("who") + "!",
			Name:    c.Query("name"), // "Ada Lovelace": the ALB leaves '+' for the function to decode
			Path:    c.Path(),
		})
	})
	r.GET("/", func(c *alb.Context) error {
		return c.String(http.StatusOK, "Try /hello/world?name=Ada+Lovelace\n")
	})
	return r
}

func main() {
	alb.Start(newRouter())
}
