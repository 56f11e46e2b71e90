package alb

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// The log levels of Lambda's advanced logging controls that slog has no
// name for.
const (
	// LevelTrace is Lambda's TRACE, below slog.LevelDebug.
	LevelTrace = slog.LevelDebug - 4
	// LevelFatal is Lambda's FATAL, above slog.LevelError.
	LevelFatal = slog.LevelError + 4
)

// NewLogHandler returns the handler of the request logger (Context.Logger)
// when Router.Logger is nil: one line per record on w, configured by the
// Lambda function's advanced logging controls, which Lambda passes to the
// function in its environment:
//
//   - AWS_LAMBDA_LOG_FORMAT: "JSON" (any case) or unset gives JSON lines
//     whose keys are "timestamp" (RFC 3339), "level" and "message", the
//     keys Lambda reads to filter application logs by level; "Text" gives
//     slog's text format (time=... level=... msg=...).
//   - AWS_LAMBDA_LOG_LEVEL: the minimum level, one of TRACE, DEBUG, INFO,
//     WARN, ERROR and FATAL (any case); unset or unknown means INFO. Records
//     below it are dropped before any attribute is formatted. TRACE and
//     FATAL are LevelTrace and LevelFatal, written with those names.
//
// The environment is read when NewLogHandler is called.
func NewLogHandler(w io.Writer) slog.Handler {
	opts := &slog.HandlerOptions{Level: lambdaLogLevel(os.Getenv("AWS_LAMBDA_LOG_LEVEL"))}
	if strings.EqualFold(os.Getenv("AWS_LAMBDA_LOG_FORMAT"), "text") {
		opts.ReplaceAttr = renameLevel
		return slog.NewTextHandler(w, opts)
	}
	opts.ReplaceAttr = lambdaJSONKeys
	return slog.NewJSONHandler(w, opts)
}

// lambdaLogLevel returns the slog level of an AWS_LAMBDA_LOG_LEVEL value.
func lambdaLogLevel(s string) slog.Level {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "TRACE":
		return LevelTrace
	case "DEBUG":
		return slog.LevelDebug
	case "WARN":
		return slog.LevelWarn
	case "ERROR":
		return slog.LevelError
	case "FATAL":
		return LevelFatal
	}
	return slog.LevelInfo
}

// lambdaJSONKeys renames slog's built-in keys to Lambda's and names the
// levels slog has no name for.
func lambdaJSONKeys(groups []string, a slog.Attr) slog.Attr {
	if len(groups) > 0 {
		return a
	}
	switch a.Key {
	case slog.TimeKey:
		a.Key = "timestamp"
	case slog.MessageKey:
		a.Key = "message"
	case slog.LevelKey:
		return renameLevel(groups, a)
	}
	return a
}

// renameLevel writes LevelTrace as "TRACE" and LevelFatal as "FATAL".
func renameLevel(groups []string, a slog.Attr) slog.Attr {
	if len(groups) > 0 || a.Key != slog.LevelKey {
		return a
	}
	if l, ok := a.Value.Any().(slog.Level); ok {
		switch l {
		case LevelTrace:
			a.Value = slog.StringValue("TRACE")
		case LevelFatal:
			a.Value = slog.StringValue("FATAL")
		}
	}
	return a
}

// Logger returns the request logger: a *slog.Logger whose every record
// carries the request's attributes (see AppendLogAttrs) before its own:
//
//	request_id  RequestID
//	trace_id    the trace id (see SetTrace), or "" when there is none
//	span_id     the span id given to SetTrace, only when there is one
//	method      the request method
//	route       the matched pattern ("/users/:id"), never the raw path
//	client_ip   ClientIP
//	cold_start  true on the first request the Router serves
//
// Records go to Router.Logger's handler when it is set, and otherwise to
// NewLogHandler(os.Stdout): JSON lines on standard output, as Lambda's
// logging controls say.
//
// A record whose level is disabled costs one call to the handler's Enabled
// and allocates nothing through LogAttrs: the request's attributes are read
// only for records that are written. (slog's methods that take ...any
// arguments, such as Debug, may allocate to box them, whatever the level.) A record that does not carry a context of its
// own (Info rather than InfoContext) is handled with the request's
// Context().
//
// Lifetime: the logger belongs to c and reads the request when a record is
// written, so like c it must not be used after the handler returns; a
// goroutine logs through c.Copy().Logger(). Loggers derived with With or
// WithGroup take a copy of the request's attributes when they are made,
// and may be kept.
func (c *Context) Logger() *slog.Logger {
	if c.log == nil {
		c.log = slog.New(&requestHandler{c: c})
	}
	return c.log
}

// AppendLogAttrs appends the request's log attributes, those every record of
// Logger carries (request_id, trace_id, span_id when set, method, route,
// client_ip and cold_start), to attrs and returns the result. An access log
// appends them to its own line so that both share their fields. The
// strings stay valid after the request.
func (c *Context) AppendLogAttrs(attrs []slog.Attr) []slog.Attr {
	traceID, spanID := c.Trace()
	attrs = append(attrs,
		slog.String("request_id", c.RequestID()),
		slog.String("trace_id", traceID))
	if spanID != "" {
		attrs = append(attrs, slog.String("span_id", spanID))
	}
	return append(attrs,
		slog.String("method", c.req.method),
		slog.String("route", c.route),
		slog.String("client_ip", c.ClientIP()),
		slog.Bool("cold_start", c.coldStart))
}

// RequestID returns the request's id: the one given to SetRequestID
// (middleware.RequestID gives one), or else the Lambda request id of the
// invocation (lambdacontext.FromContext(c.Context()).AwsRequestID), which is
// unique per request since the ALB invokes the function once per request;
// "" outside Lambda when none was set.
func (c *Context) RequestID() string {
	if c.requestID != "" {
		return c.requestID
	}
	if lc, ok := lambdacontext.FromContext(c.Context()); ok {
		return lc.AwsRequestID
	}
	return ""
}

// SetRequestID sets the id that RequestID returns for the rest of the
// request.
func (c *Context) SetRequestID(id string) { c.requestID = id }

// SetTrace sets the trace and span ids that Logger's records (and
// AppendLogAttrs) carry as trace_id and span_id for the rest of the
// request: a tracing middleware calls it with the ids of the span it
// started. Without it, trace_id is the Root of the X-Amzn-Trace-Id header
// ("1-67a0c2f1-3b9d2c1e0f4a5b6c7d8e9f01") and there is no span_id.
func (c *Context) SetTrace(traceID, spanID string) {
	c.traceID, c.spanID = traceID, spanID
}

// Trace returns the trace and span ids the request's log lines carry: those
// given to SetTrace, or else the Root of the X-Amzn-Trace-Id header and "".
func (c *Context) Trace() (traceID, spanID string) {
	if c.traceID != "" {
		return c.traceID, c.spanID
	}
	if !c.traceOK { // each record of Logger asks
		v, _ := c.req.header("X-Amzn-Trace-Id")
		c.traceRoot, c.traceOK = c.req.stable(traceRoot(v)), true
	}
	return c.traceRoot, c.spanID
}

// traceRoot returns the Root field of an X-Amzn-Trace-Id value, such as
// "Self=1-...;Root=1-...;Parent=...;Sampled=1", or "". Field names are
// matched case-insensitively.
func traceRoot(trace string) string {
	for trace != "" {
		var field string
		field, trace, _ = strings.Cut(trace, ";")
		name, value, ok := strings.Cut(trimOWS(field), "=")
		if ok && equalFold(name, "Root") {
			return trimOWS(value)
		}
	}
	return ""
}

// ColdStart reports whether the request is the first one its Router
// serves: in Lambda, the first of the execution environment, which paid
// for the function's initialisation.
func (c *Context) ColdStart() bool { return c.coldStart }

// requestHandler is the handler of Context.Logger: it adds the request's
// attributes to the records that its base handler, the router's, writes.
type requestHandler struct {
	c *Context
}

func (h *requestHandler) base() slog.Handler { return h.c.router.requestLogHandler() }

// context returns ctx, or the request's context when ctx is the one that
// slog's methods without a context use.
func (h *requestHandler) context(ctx context.Context) context.Context {
	if ctx == nil || ctx == context.Background() {
		return h.c.Context()
	}
	return ctx
}

func (h *requestHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.base().Enabled(h.context(ctx), level)
}

func (h *requestHandler) Handle(ctx context.Context, r slog.Record) error {
	var buf [8]slog.Attr
	attrs := h.c.AppendLogAttrs(buf[:0])
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	out.AddAttrs(attrs...)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(a)
		return true
	})
	return h.base().Handle(h.context(ctx), out)
}

// WithAttrs returns a handler that no longer depends on the Context: the
// request's attributes are copied now.
func (h *requestHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return h.detached().WithAttrs(attrs)
}

// WithGroup is WithAttrs's counterpart for groups: the request's
// attributes stay outside the group.
func (h *requestHandler) WithGroup(name string) slog.Handler {
	return h.detached().WithGroup(name)
}

func (h *requestHandler) detached() slog.Handler {
	return h.base().WithAttrs(h.c.AppendLogAttrs(nil))
}
