package middleware

import (
	"net/http"
	"strconv"

	"github.com/albkit/alb"
)

// ErrRequestTooLarge is what BodyLimit returns for a request body over its
// limit: a 413, which the router's DefaultErrorHandler answers as
// {"message":"Request Entity Too Large"}.
var ErrRequestTooLarge = &alb.HTTPError{Status: http.StatusRequestEntityTooLarge}

// BodyLimit returns middleware that rejects a request whose body is longer
// than max bytes with ErrRequestTooLarge, without running the handler.
//
// The length is that of alb.Context.Body: the body after the router has
// base64-decoded it (the ALB sends every non-text body as base64), so max
// counts the bytes the client sent. The check runs before any handler
// decodes JSON or form data from the body, so an oversized body costs no
// decoding work. The ALB itself refuses bodies over 1 MB with 413 before
// invoking the function (contract rule 18); BodyLimit is for a lower limit,
// usually per route or group.
//
// BodyLimit panics when max is not positive. A request within the limit
// passes through and allocates nothing.
func BodyLimit(max int64) alb.Middleware {
	if max <= 0 {
		panic("middleware: BodyLimit: max must be positive, got " + strconv.FormatInt(max, 10))
	}
	return alb.DescribeErrors(func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) error {
			if int64(len(c.Body())) > max {
				return ErrRequestTooLarge
			}
			return next(c)
		}
	}, alb.ErrorResponse{Status: http.StatusRequestEntityTooLarge,
		Description: "The request body is over " + strconv.FormatInt(max, 10) + " bytes."})
}
