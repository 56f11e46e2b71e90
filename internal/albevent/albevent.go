// Package albevent builds the event JSON that an Application Load Balancer
// sends a Lambda function for one HTTP request.
//
// The rules are those of the project's ALB contract (docs/wire-contract.md,
// sections B to E and I); comments cite them by number. The input is plain
// data, a Request, so that the local emulator (package emulator) and the
// test kit build byte-for-byte the same event for the same request.
//
// The package keeps no state; its functions are safe for concurrent use.
// It is not on the Lambda request path: it builds one event per local
// request and favours clarity over speed.
package albevent

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultTargetGroupARN is the target group ARN of an event whose Request
// has no TargetGroupARN.
const DefaultTargetGroupARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/local/0123456789abcdef"

// HealthCheckUserAgent is the only header of a health-check event
// (contract rule 32).
const HealthCheckUserAgent = "ELB-HealthChecker/2.0"

// MaxBodySize is the largest request body the ALB hands to a function;
// a larger one gets 413 and the function is not invoked (contract rule 18,
// "1 MB" read as 10^6 bytes, the smaller reading).
const MaxBodySize = 1_000_000

// Request is one HTTP request as the ALB received it, plus the settings of
// the target group and of the connection that shape its event.
type Request struct {
	// Method is the request method, sent as is; "" means GET.
	Method string

	// Target is the request target as sent: the raw path, then optionally
	// "?" and the raw query, e.g. "/a%20b?x=1&y=a+b". Nothing is decoded
	// (contract rules 8, 9 and 12). An empty path means "/".
	Target string

	// Header holds the header lines in the order received, names in any
	// case, one entry per line. Values are never split on commas.
	Header [][2]string

	// Body is the request body. Build does not enforce MaxBodySize.
	Body []byte

	// MultiValue is the target group's lambda.multi_value_headers.enabled
	// (contract rule 2).
	MultiValue bool

	// TargetGroupARN is requestContext.elb.targetGroupArn; "" means
	// DefaultTargetGroupARN.
	TargetGroupARN string

	// HealthCheck makes the event a health check (contract rules 32-33):
	// its only header is user-agent: ELB-HealthChecker/2.0, its body is
	// empty, and Header, Body, ClientAddr, Proto, Port and TraceID are
	// ignored. Method and Target are used as for any request.
	HealthCheck bool

	// ClientAddr is the address of the peer that connected to the ALB, an
	// IP address with or without a port; "" means 127.0.0.1. The port is
	// dropped: the ALB's xff_client_port attribute is off by default
	// (contract rule 7).
	ClientAddr string

	// Proto is the x-forwarded-proto value, "http" or "https"; "" means
	// "http".
	Proto string

	// Port is the x-forwarded-port value; "" means 80, or 443 when Proto
	// is "https".
	Port string

	// TraceID is the x-amzn-trace-id value, used as is whatever the client
	// sent. "" means the value the ALB makes (see TraceHeader): the
	// client's header with a new Self field when it has a valid Root
	// field, otherwise a new "Root=1-<8 hex digits of the Unix
	// time>-<24 random hex digits>".
	TraceID string
}

// field is one header or query key with its values in order of arrival.
type field struct {
	name   string
	values []string
}

// fields collects name, value pairs by name, names in order of first
// appearance, values in order of arrival.
type fields []field

func (fs fields) add(name, value string) fields {
	for i := range fs {
		if fs[i].name == name {
			fs[i].values = append(fs[i].values, value)
			return fs
		}
	}
	return append(fs, field{name: name, values: []string{value}})
}

// Build returns the event JSON the ALB would send for r: compact JSON with
// its keys in this order: requestContext, httpMethod, path,
// queryStringParameters or multiValueQueryStringParameters, headers or
// multiValueHeaders, body, isBase64Encoded.
//
//   - Header names are lower-cased (rule 13) and sorted; the real ALB's
//     order is not known, sorted is deterministic. Query keys keep their
//     order of first appearance.
//   - Single-value mode keeps the last value of a repeated header or query
//     key (rule 5); multi-value mode keeps every value, in order (rule 6).
//   - Query keys and values stay exactly as sent: percent-encoded, with a
//     literal "+" (rules 8 and 9). A key without "=" has the value "";
//     empty segments ("a=1&&b=2", a trailing "&") are skipped.
//   - Unless r.HealthCheck, the ALB's own headers are set (rules 7 and
//     14): x-forwarded-for is the client's value, if any, then ", " and
//     the client address; x-forwarded-port and x-forwarded-proto replace
//     whatever the client sent; x-amzn-trace-id is r.TraceID, or else
//     TraceHeader of the client's last x-amzn-trace-id line.
//   - An empty query gives {} (rule 4), an empty body "" with
//     isBase64Encoded false.
//   - A non-empty body is base64 (standard, padded) with isBase64Encoded
//     true, unless it has no content-encoding header and its content type
//     is text (rule 17; see IsText).
//
// Strings that are not valid UTF-8 have each bad byte replaced by U+FFFD,
// as encoding/json does; CheckUTF8 reports them. Build never fails and
// never panics; the result is always valid JSON.
func Build(r Request) []byte {
	path, query, _ := strings.Cut(r.Target, "?")
	if path == "" {
		path = "/"
	}
	method := r.Method
	if method == "" {
		method = "GET"
	}
	arn := r.TargetGroupARN
	if arn == "" {
		arn = DefaultTargetGroupARN
	}

	var headers fields
	var body []byte
	if r.HealthCheck {
		headers = fields{{name: "user-agent", values: []string{HealthCheckUserAgent}}}
	} else {
		headers = collectHeaders(r)
		body = r.Body
	}

	b := make([]byte, 0, 512+len(r.Target)+len(body)*4/3)
	b = append(b, `{"requestContext":{"elb":{"targetGroupArn":`...)
	b = appendString(b, arn)
	b = append(b, `}},"httpMethod":`...)
	b = appendString(b, method)
	b = append(b, `,"path":`...)
	b = appendString(b, path)
	if r.MultiValue {
		b = append(b, `,"multiValueQueryStringParameters":`...)
	} else {
		b = append(b, `,"queryStringParameters":`...)
	}
	b = appendFields(b, collectQuery(query), r.MultiValue)
	if r.MultiValue {
		b = append(b, `,"multiValueHeaders":`...)
	} else {
		b = append(b, `,"headers":`...)
	}
	b = appendFields(b, headers, r.MultiValue)
	b = append(b, `,"body":`...)
	switch {
	case len(body) == 0:
		b = append(b, `"","isBase64Encoded":false}`...)
	case isBase64(r.Header):
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, body)
		b = append(b, `","isBase64Encoded":true}`...)
	default:
		b = appendString(b, string(body))
		b = append(b, `,"isBase64Encoded":false}`...)
	}
	return b
}

// collectQuery splits a raw query into keys and values, leaving both
// encoded (rules 8 and 9). A segment without "=" is a key with the value
// "" (contract open question 9: "?a" and "?a=" give the same entry).
func collectQuery(query string) fields {
	var fs fields
	for query != "" {
		var seg string
		seg, query, _ = strings.Cut(query, "&")
		if seg == "" {
			continue
		}
		k, v, _ := strings.Cut(seg, "=")
		fs = fs.add(k, v)
	}
	return fs
}

// The headers the ALB sets on every request but a health check (rule 14).
const (
	headerTraceID = "x-amzn-trace-id"
	headerFor     = "x-forwarded-for"
	headerPort    = "x-forwarded-port"
	headerProto   = "x-forwarded-proto"
)

// collectHeaders returns the header lines of r with lower-cased names
// (rule 13) and the ALB's own headers (rules 7 and 14), sorted by name.
func collectHeaders(r Request) fields {
	var fs fields
	var xff []string
	clientTrace := ""
	for _, h := range r.Header {
		name := strings.ToLower(h[0])
		switch name {
		case headerTraceID:
			clientTrace = h[1]
			continue
		case headerPort, headerProto:
			continue
		case headerFor:
			if v := strings.TrimSpace(h[1]); v != "" {
				xff = append(xff, v)
			}
			continue
		}
		fs = fs.add(name, h[1])
	}
	proto := r.Proto
	if proto == "" {
		proto = "http"
	}
	port := r.Port
	if port == "" {
		port = "80"
		if proto == "https" {
			port = "443"
		}
	}
	trace := r.TraceID
	if trace == "" {
		trace = TraceHeader(clientTrace, time.Now())
	}
	// The ALB appends the address of its peer to the client's
	// X-Forwarded-For (rule 7); the client's lines become one value.
	fs = fs.add(headerFor, strings.Join(append(xff, clientIP(r.ClientAddr)), ", "))
	fs = fs.add(headerPort, port)
	fs = fs.add(headerProto, proto)
	fs = fs.add(headerTraceID, trace)
	slices.SortFunc(fs, func(a, b field) int { return strings.Compare(a.name, b.name) })
	return fs
}

// clientIP returns the IP address of addr, which may carry a port; ""
// means 127.0.0.1.
func clientIP(addr string) string {
	if addr == "" {
		return "127.0.0.1"
	}
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]")
}

// newTraceID returns a new x-amzn-trace-id value for time t:
// "Root=" and a new trace field value.
func newTraceID(t time.Time) string {
	return "Root=" + newTraceValue(t)
}

// newTraceValue returns a new value of a Root or Self trace field for time
// t: "1-", the Unix time in 8 hex digits, "-" and 24 random hex digits.
func newTraceValue(t time.Time) string {
	var random [12]byte
	_, _ = rand.Read(random[:]) // never fails (crypto/rand, Go 1.24+)
	b := make([]byte, 0, 35)
	b = append(b, "1-"...)
	sec := strconv.FormatUint(uint64(uint32(t.Unix())), 16)
	for range 8 - len(sec) {
		b = append(b, '0')
	}
	b = append(b, sec...)
	b = append(b, '-')
	b = hex.AppendEncode(b, random[:])
	return string(b)
}

// TraceHeader returns the x-amzn-trace-id value the ALB sends the function
// for a request that came with the header value client ("" for none), at
// time t, as contract rule 40 says (from the ELB User Guide's "Request
// tracing for your Application Load Balancer"):
//
//   - when client has a valid Root field, the ALB keeps the header and its
//     fields (its own and any the application added) and inserts a Self
//     field in front, or, when the header has a Self field already,
//     replaces that field's value;
//   - otherwise (no header, no Root field, or a Root whose value is not
//     "1-<8 hex digits>-<24 hex digits>") the header becomes a new
//     "Root=1-<time>-<id>" and the client's value is dropped.
//
// Fields are separated by ";" and may have spaces and tabs around them;
// only the first Root field counts, and the first Self field is updated.
// Field names are case-sensitive ("Root", "Self"); hex digits may be of
// either case. New values use t as their time and random ids.
func TraceHeader(client string, t time.Time) string {
	if !hasValidRoot(client) {
		return newTraceID(t)
	}
	self := newTraceValue(t)
	var b strings.Builder
	replaced := false
	for i, f := range strings.Split(client, ";") {
		if i > 0 {
			b.WriteByte(';')
		}
		name, _, _ := strings.Cut(strings.Trim(f, " \t"), "=")
		if name == "Self" && !replaced {
			lead := f[:len(f)-len(strings.TrimLeft(f, " \t"))]
			b.WriteString(lead + "Self=" + self)
			replaced = true
			continue
		}
		b.WriteString(f)
	}
	if replaced {
		return b.String()
	}
	return "Self=" + self + ";" + client
}

// hasValidRoot reports whether the trace header value v has a Root field
// whose value is "1-", 8 hex digits, "-" and 24 hex digits.
func hasValidRoot(v string) bool {
	for f := range strings.SplitSeq(v, ";") {
		name, value, ok := strings.Cut(strings.Trim(f, " \t"), "=")
		if ok && name == "Root" {
			return isTraceValue(value)
		}
	}
	return false
}

// isTraceValue reports whether v is "1-<8 hex digits>-<24 hex digits>".
func isTraceValue(v string) bool {
	if len(v) != 35 || v[0] != '1' || v[1] != '-' || v[10] != '-' {
		return false
	}
	for i := 2; i < len(v); i++ {
		if i == 10 {
			continue
		}
		switch c := v[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}

// isBase64 reports whether a body sent with these header lines travels as
// base64 (rule 17): always when a content-encoding header is present,
// otherwise unless the content type is text. Names are compared without
// case; with several content-type lines the last one counts, as in
// single-value mode.
func isBase64(header [][2]string) bool {
	contentType := ""
	for _, h := range header {
		switch {
		case strings.EqualFold(h[0], "content-encoding"):
			return true
		case strings.EqualFold(h[0], "content-type"):
			contentType = h[1]
		}
	}
	return !IsText(contentType)
}

// IsText reports whether the ALB sends a body of this content type as text
// rather than base64 when there is no content-encoding (rule 17): for
// text/*, application/json, application/javascript and application/xml.
// The media type is the part before any ";", compared without case and
// surrounding spaces (contract open question 8). An empty content type is
// not text.
func IsText(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	if strings.HasPrefix(mediaType, "text/") {
		return true
	}
	switch mediaType {
	case "application/json", "application/javascript", "application/xml":
		return true
	}
	return false
}

// appendFields appends fs as a JSON object: in single-value mode each name
// with its last value (rule 5), in multi-value mode with all its values as
// an array (rule 6). No fields give {} (rule 4).
func appendFields(b []byte, fs fields, multiValue bool) []byte {
	b = append(b, '{')
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, f.name)
		b = append(b, ':')
		if !multiValue {
			b = appendString(b, f.values[len(f.values)-1])
			continue
		}
		b = append(b, '[')
		for j, v := range f.values {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendString(b, v)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}
