package middleware

import (
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/albkit/alb"
)

// RecoverOptions configures Recover. The zero value is ready to use.
type RecoverOptions struct {
	// Logger receives one line at level Error per recovered panic. nil
	// means slog.Default() at the time of the request.
	Logger *slog.Logger

	// Handler, when set, builds the response to a panic instead of the
	// default 500. It finds an empty response (with RequestID's header,
	// when RequestID ran) and returns nil or an error for the router's
	// ErrorHandler, as a handler does. recovered is the panic value.
	Handler func(c *alb.Context, recovered any) error
}

// errPanic is what Recover returns by default: a bare 500, which the
// router's DefaultErrorHandler answers as {"message":"Internal Server
// Error"} without logging it a second time.
var errPanic = &alb.HTTPError{Status: http.StatusInternalServerError}

// Recover returns middleware that turns a panic in the handler (or in the
// middleware inside it) into a response, so that the request still gets a
// well-formed ALB answer.
//
// It logs one line at level Error with the panic value, method, raw path,
// route, request id (see RequestID) and the stack (runtime/debug.Stack),
// then throws away whatever the handler had put in the response and
// starts again from an empty one, keeping only RequestID's header. By
// default it then returns a 500 *alb.HTTPError, which the router's
// ErrorHandler turns into the response: with DefaultErrorHandler, a 500 with
// the JSON body {"message":"Internal Server Error"}. Options.Handler
// replaces that default.
//
// The router recovers panics on its own too; Recover adds the route and the
// request id to the log line and lets the application choose the answer. A
// panic in a goroutine the handler started is beyond any recover; Timeout
// recovers those of the handler it runs and panics again where Recover
// sees them.
//
// When nothing panics, Recover costs a deferred call and allocates nothing.
func Recover(opts RecoverOptions) alb.Middleware {
	return func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = recovered(c, p, &opts)
				}
			}()
			return next(c)
		}
	}
}

// recovered logs the panic p, empties the response and answers it.
func recovered(c *alb.Context, p any, opts *RecoverOptions) error {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger.LogAttrs(c.Context(), slog.LevelError, "middleware: Recover: panic while serving a request",
		slog.Any("panic", p),
		slog.String("method", c.Method()),
		slog.String("path", c.RawPath()),
		slog.String("route", c.Route()),
		slog.String("request_id", GetRequestID(c)),
		slog.String("stack", string(debug.Stack())))

	c.ResetResponse() // whatever the handler half wrote
	restoreRequestIDHeader(c)
	if opts.Handler != nil {
		return opts.Handler(c, p)
	}
	return errPanic
}
