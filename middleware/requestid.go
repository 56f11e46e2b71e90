package middleware

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/albkit/alb"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// RequestIDOptions configures RequestID. The zero value is ready to use.
type RequestIDOptions struct {
	// Header is the response header that carries the request id. "" means
	// "X-Request-Id". It must be a valid header name.
	Header string
}

// requestIDs is what RequestID stores in the Context.
type requestIDs struct {
	requestID string
	traceRoot string
	header    string // the response header, for Recover to set again
}

// requestIDKey is the Context key of the *requestIDs value.
var requestIDKey = &struct{ name string }{"request id"}

// RequestID returns middleware that gives every request an id, for logs and
// for the client to quote.
//
// The id is the Lambda request id (lambdacontext.FromContext(c.Context())
// .AwsRequestID), which is unique per invocation and so per request, since
// the ALB invokes the function once per request. Without one (outside
// Lambda), it is the Root of the X-Amzn-Trace-Id header the ALB adds;
// without that (health checks have none), 16 random bytes in hex. An
// X-Request-Id sent by the client is never used: the client could choose
// it. (The trace Root can come from the client: the ALB keeps a valid Root
// the client sent and adds its own Self; inside Lambda the request id is
// used instead.)
//
// The id is also the request's alb.Context.RequestID, so the request
// logger (alb.Context.Logger) and Logger's access line carry it.
//
// GetRequestID returns the id and GetTraceRoot the trace header's Root
// value, to any code running inside RequestID (Logger and Recover use
// them). Once the handler has returned, RequestID sets the id as the
// response header Options.Header, replacing any value of it, so the header
// is there whatever the handler wrote and also on error responses;
// Recover sets it again on the response it builds after a panic.
//
// RequestID allocates one small value per request to hold the ids, plus the
// random id when there is no other.
func RequestID(opts RequestIDOptions) alb.Middleware {
	header := opts.Header
	if header == "" {
		header = "X-Request-Id"
	}
	if !isToken(header) {
		panic("middleware: RequestID: invalid header name " + strconv.Quote(opts.Header))
	}
	return func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) error {
			ids := &requestIDs{traceRoot: traceRoot(c.TraceID()), header: header}
			if lc, ok := lambdacontext.FromContext(c.Context()); ok && lc.AwsRequestID != "" {
				ids.requestID = lc.AwsRequestID
			} else if ids.traceRoot != "" {
				ids.requestID = ids.traceRoot
			} else {
				ids.requestID = randomID()
			}
			c.Set(requestIDKey, ids)
			c.SetRequestID(ids.requestID)
			err := next(c)
			c.SetHeader(header, ids.requestID)
			return err
		}
	}
}

// GetRequestID returns the request id that RequestID gave the request, or
// "" when RequestID did not run (yet) for it.
func GetRequestID(c *alb.Context) string {
	if ids, ok := c.Get(requestIDKey).(*requestIDs); ok {
		return ids.requestID
	}
	return ""
}

// GetTraceRoot returns the Root value of the request's X-Amzn-Trace-Id
// header ("1-67a0c2f1-3b9d2c1e0f4a5b6c7d8e9f01"), as RequestID found it, or
// "" when RequestID did not run for the request or the header has no Root
// (health checks carry no trace header).
func GetTraceRoot(c *alb.Context) string {
	if ids, ok := c.Get(requestIDKey).(*requestIDs); ok {
		return ids.traceRoot
	}
	return ""
}

// restoreRequestIDHeader sets RequestID's response header again, after the
// response was cleared.
func restoreRequestIDHeader(c *alb.Context) {
	if ids, ok := c.Get(requestIDKey).(*requestIDs); ok {
		c.SetHeader(ids.header, ids.requestID)
	}
}

// traceRoot returns the Root field of an X-Amzn-Trace-Id value, such as
// "Self=1-...;Root=1-...;Parent=...;Sampled=1", or "". Field names are
// matched case-insensitively.
func traceRoot(trace string) string {
	for trace != "" {
		var field string
		field, trace, _ = strings.Cut(trace, ";")
		name, value, ok := strings.Cut(strings.TrimSpace(field), "=")
		if ok && strings.EqualFold(name, "Root") {
			return value
		}
	}
	return ""
}

// randomID returns 16 random bytes in hex.
func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// isToken reports whether s is a non-empty HTTP token (RFC 9110), as header
// names and methods are.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
