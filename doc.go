// Package alb is a web framework for AWS Lambda functions that sit behind an
// Application Load Balancer (ALB).
//
// The ALB hands the function one JSON event per HTTP request and expects one
// JSON object back. Package alb decodes that event in one pass into request
// views, without building a generic JSON tree, routes it with a radix tree
// that allocates nothing, runs the handler inside its middleware, and
// encodes the response by hand into a pooled buffer. There is no net/http
// conversion on the way.
//
// A complete program:
//
//	package main
//
//	import (
//		"net/http"
//
//		"github.com/albkit/alb"
//	)
//
//	type user struct {
//		ID   string `json:"id"`
//		Name string `json:"name"`
//	}
//
//	func main() {
//		r := alb.New()
//		r.GET("/hello/:name", func(c *alb.Context) error {
//			return c.String(http.StatusOK, "Hello, "+c.Param("name")+"!")
//		})
//		api := r.Group("/api")
//		api.GET("/users/:id", func(c *alb.Context) error {
//			return c.JSON(http.StatusOK, user{ID: c.Param("id"), Name: c.Query("name")})
//		})
//		api.POST("/users", func(c *alb.Context) error {
//			var u user
//			if err := c.BindJSON(&u); err != nil {
//				return err // a 400 that says what is wrong with the body
//			}
//			return c.JSON(http.StatusCreated, u)
//		})
//		alb.Start(r) // the Lambda Runtime API inside Lambda, the local ALB emulator elsewhere
//	}
//
// # Routes
//
// Patterns follow httprouter's syntax, and a parameter may be followed by
// static text inside its segment. A parameter name is a run of letters,
// digits and '_'. Matching works on the raw path, one segment at a time, so
// an encoded slash never splits a segment; static text matches an escape
// as the byte it encodes (but never "%2F"); parameter values are then
// percent-decoded.
//
//	pattern            path                  match   parameters
//	/users             /users                yes
//	/users             /users/               no      (redirected to /users)
//	/users/:id         /users/42             yes     id = "42"
//	/users/:id         /users/               no
//	/users/:id         /users/42/orders      no
//	/users/:id         /users/a%2Fb          yes     id = "a/b"
//	/users/new         /users/new            yes     (static wins over :id)
//	/users/:id/x       /users/new/x          yes     id = "new" (backtracking)
//	/café              /caf%C3%A9            yes     (an encoded static segment matches)
//	/files/*path       /files/               yes     path = "/"
//	/files/*path       /files/a/b.txt        yes     path = "/a/b.txt"
//	/files/*path       /files                no      (redirected to /files/)
//	/qr/:code.png      /qr/abc.png           yes     code = "abc"
//	/qr/:code.png      /qr/abc               no
//	/qr/:code.png      /qr/.png              no      (a value is never empty)
//	/qr/:code.png      /qr/a.png.png         yes     code = "a.png" (the text ends the segment)
//	/qr/:code.png      /qr/abc%2Epng         yes     code = "abc" (%2E is a static '.')
//	/qr/:code.png      /qr/abc.PNG           no      (redirected to /qr/abc.png)
//	/v1/:name.json     /v1/report.json/      no      (redirected to /v1/report.json)
//	/files/:base.:ext  /files/a.tar.gz       yes     base = "a", ext = "tar.gz"
//	/files/:base.:ext  /files/a%2F.b         yes     base = "a/", ext = "b"
//	/files/:base.:ext  /files/a.             no
//	/flights/:from-:to /flights/LAX-SFO      yes     from = "LAX", to = "SFO"
//
// A parameter followed by static text and then another parameter ends at
// the first occurrence of that text after its first byte; the last
// parameter of a segment ends where the static text after it ends the
// segment. Two wildcards in one segment need static text between them.
//
// Static text, a parameter and a catch-all may share a position; a lookup
// tries them in that order, and a parameter tries its shortest value first,
// then the longer of two static texts that follow it at one place. So with
// /qr/static.png, /qr/:code.png, /qr/:code.jpg and /qr/:code registered,
// /qr/static.png is the static route, /qr/a.png goes to /qr/:code.png,
// /qr/a.gif to /qr/:code with code = "a.gif"; with /files/:base.:ext and
// /files/:base.tar.gz, /files/a.tar.gz goes to the second, but
// /files/x.y.tar.gz to the first (base "x" is shorter than "x.y"). Two
// parameters with different names at one position, a parameter and a
// catch-all at one position, a catch-all that is not last, and a route
// registered twice make Handle panic, quoting the pattern.
//
// # Typed handlers
//
// Register describes an endpoint with a function of an input struct,
// bound from path, query, header, cookie and form tags and a JSON body and
// checked by tags named after JSON Schema keywords, that returns an output
// sent as JSON (fields tagged header become headers):
//
//	type GetUser struct {
//		ID int `path:"id" minimum:"1"`
//	}
//	alb.Register(api, alb.Operation{Method: "GET", Path: "/users/:id", Summary: "Get a user"},
//		func(c *alb.Context, in *GetUser) (*User, error) { ... })
//
// Failures are RFC 9457 problems (application/problem+json): 400 for a
// value that does not parse, 415 for a body of the wrong type, 422 for
// broken rules, every one listed. A typed route is a HandlerFunc route
// underneath: middleware, groups, 405, OPTIONS and HEAD are the same.
//
// # The wire
//
// What the function sends is always a response the ALB accepts:
//
//   - the response uses the header field of the request's mode:
//     "multiValueHeaders" when the event carried it, "headers" otherwise;
//   - no field is ever JSON null, "statusCode" is a number and every header
//     value is a string; invalid headers are dropped and logged;
//   - text bodies go out as text, everything else as standard base64 with
//     "isBase64Encoded": true, and so does a text body whose escaped form
//     would take the response over the ALB's 1 MB limit when base64 fits;
//   - a response still over that limit, or with a header block over
//     32 KiB, is answered through Router.ErrorHandler (see
//     Router.TooLargeStatus) instead of reaching the ALB, which would
//     answer a bare 502;
//   - a malformed event, a handler error and a panic all become well-formed
//     responses: Invoke never returns an invocation error.
//
// A "contract rule N" in this documentation, and a "rule N" in an error
// message, is rule N of docs/wire-contract.md in the repository, which
// gives each rule of the ALB's wire contract with its source.
//
// # Lifetime of request data
//
// A *Context is pooled and valid only until the handler returns. Every
// string and byte slice it hands out is different: it is memory of the
// request's own that is never reused, or a new allocation, so it stays valid
// and unchanged for as long as anything refers to it, including goroutines
// that outlive the request.
//
// Invoke decodes an event of up to 32 KiB in a buffer pooled with the
// Context, then moves the path, the query, the target group ARN and a text
// body to one allocation of the request's own, with some room to spare.
// Request headers, most of an event and mostly unread, stay in the pooled
// buffer, and so does a base64 body, which Body decodes to new memory:
// Header, HeaderValues, Cookie, ClientIP and the other methods that hand out
// header data, and Event, copy what they return into that spare room (a new
// allocation only once it is used up). A larger event is decoded in a
// private copy of its own.
package alb
