package middleware

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/albkit/alb"
)

// LoggerOptions configures Logger. The zero value is ready to use.
type LoggerOptions struct {
	// Logger receives the access log. nil means slog.Default() at the time
	// of the request.
	Logger *slog.Logger

	// LogHealthChecks logs ALB health checks too (see
	// alb.Context.IsHealthCheck). By default they are not logged: the ALB
	// sends one every interval, whatever the traffic.
	LogHealthChecks bool

	// Level returns the level of the line for a response status. nil means
	// Error for 5xx, Warn for 4xx and Info otherwise.
	Level func(status int) slog.Level
}

// Logger returns middleware that writes one access-log line per request,
// with slog's LogAttrs, once the handler has returned. The message is
// "request" and the attributes are the request's log attributes, those
// every record of alb.Context.Logger carries (alb.Context.AppendLogAttrs),
// then the response's:
//
//	request_id  alb.Context.RequestID: the id RequestID gave the request,
//	            or the Lambda request id
//	trace_id    the Root of the X-Amzn-Trace-Id header, or the trace id a
//	            tracing middleware set (alb.Context.SetTrace); "" on
//	            health checks
//	span_id     the span id a tracing middleware set, only when there is one
//	method      the request method
//	route       the matched pattern, "" when none matched
//	client_ip   alb.Context.ClientIP, "" on health checks
//	cold_start  true on the first request the router serves
//	path        the raw path, still percent-encoded (alb.Context.RawPath)
//	status      the response status (see below)
//	bytes       the length of the response body
//	duration    the time the handler took
//	mode        "single" or "multi": the target group's header mode
//	error       the error the handler returned, only when there is one
//
// (Before the request logger, trace_id held the whole X-Amzn-Trace-Id
// header, and request_id was "" unless RequestID ran outside Logger.)
//
// When the handler returns an error, Logger has it answered at once by the
// router's ErrorHandler (alb.Context.HandleError), so that status and bytes
// are those of the response the client gets, custom ErrorHandler included;
// it still returns the error to the middleware around it. A panic is logged
// as status 500 with "panic": true, and goes on to Recover (which should
// run outside Logger) or to the router.
//
// A health check that is not logged costs one header lookup and allocates
// nothing. Logged requests allocate what slog allocates.
func Logger(opts LoggerOptions) alb.Middleware {
	level := opts.Level
	if level == nil {
		level = defaultLevel
	}
	return func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) (err error) {
			if !opts.LogHealthChecks && c.IsHealthCheck() {
				return next(c)
			}
			start := time.Now()
			panicked := true
			defer func() {
				if panicked { // log and let the panic go on
					logRequest(c, opts.Logger, level, start, http.StatusInternalServerError, nil, true)
				}
			}()
			err = next(c)
			panicked = false
			c.HandleError(err)
			logRequest(c, opts.Logger, level, start, c.ResponseStatus(), err, false)
			return err
		}
	}
}

func defaultLevel(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

func logRequest(c *alb.Context, logger *slog.Logger, level func(int) slog.Level, start time.Time, status int, err error, panicked bool) {
	if logger == nil {
		logger = slog.Default()
	}
	ctx := c.Context()
	lvl := level(status)
	if !logger.Enabled(ctx, lvl) {
		return
	}
	mode := "single"
	if c.MultiValue() {
		mode = "multi"
	}
	var buf [16]slog.Attr
	attrs := append(c.AppendLogAttrs(buf[:0]),
		slog.String("path", c.RawPath()),
		slog.Int("status", status),
		slog.Int("bytes", len(c.ResponseBody())),
		slog.Duration("duration", time.Since(start)),
		slog.String("mode", mode),
		slog.Attr{},
	)
	n := len(attrs) - 1 // the last is room for error or panic
	switch {
	case panicked:
		attrs[n], n = slog.Bool("panic", true), n+1
	case err != nil:
		attrs[n], n = slog.Any("error", err), n+1
	}
	logger.LogAttrs(ctx, lvl, "request", attrs[:n]...)
}
