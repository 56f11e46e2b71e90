package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/albkit/alb"
)

// HealthCheckOptions configures HealthCheck. The zero value answers every
// health check with 200.
type HealthCheckOptions struct {
	// Path is the target group's HealthCheckPath, compared with the raw
	// request path exactly (a trailing slash matters). "" means any path.
	// Otherwise it must start with '/'.
	Path string

	// Ready, when set, is called with the request's context for each
	// health check; an error makes the answer 503 {"status":"unavailable"}
	// and the target unhealthy. It should be quick: the ALB's timeout for
	// a Lambda health check is 30 seconds by default, and each check is a
	// billed invocation.
	Ready func(ctx context.Context) error

	// Logger receives a line at level Warn when Ready returns an error.
	// nil means slog.Default() at the time of the request.
	Logger *slog.Logger
}

var (
	healthyBody   = []byte(`{"status":"ok"}`)
	unhealthyBody = []byte(`{"status":"unavailable"}`)
)

// HealthCheck returns middleware that answers the ALB's health checks
// itself, without running the handler: requests whose User-Agent is the
// ALB's health checker (alb.Context.IsHealthCheck), with method GET or HEAD
// (the ALB has been seen to use both, contract rule 32), at Options.Path.
// The answer is 200 {"status":"ok"}, or 503 {"status":"unavailable"} when
// Options.Ready fails, as application/json (the router drops the body of a
// HEAD answer).
//
// Install it first, with Router.Use: health checks carry no Host, no
// X-Forwarded-* and no trace header (contract rule 32), so they would fail
// host checks and authentication, and there is nothing worth logging about
// them. Every other request passes through and allocates nothing.
func HealthCheck(opts HealthCheckOptions) alb.Middleware {
	if opts.Path != "" && opts.Path[0] != '/' {
		panic("middleware: HealthCheck: Path must start with '/', got " + strconv.Quote(opts.Path))
	}
	return func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) error {
			if !isHealthCheckFor(c, opts.Path) {
				return next(c)
			}
			if opts.Ready != nil {
				if err := opts.Ready(c.Context()); err != nil {
					logger := opts.Logger
					if logger == nil {
						logger = slog.Default()
					}
					logger.LogAttrs(c.Context(), slog.LevelWarn, "middleware: HealthCheck: not ready",
						slog.String("path", c.RawPath()), slog.Any("error", err))
					return c.Blob(http.StatusServiceUnavailable, "application/json", unhealthyBody)
				}
			}
			return c.Blob(http.StatusOK, "application/json", healthyBody)
		}
	}
}

func isHealthCheckFor(c *alb.Context, path string) bool {
	m := c.Method()
	return (m == http.MethodGet || m == http.MethodHead) &&
		(path == "" || c.RawPath() == path) &&
		c.IsHealthCheck()
}
