package alb

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"unsafe"
)

// Problem is an RFC 9457 problem details object: the body of an
// application/problem+json answer. Typed routes (see Register) answer
// every error with one.
type Problem struct {
	// Type is a URI that identifies the kind of problem; "about:blank"
	// (the default when empty) says the status alone does.
	Type string `json:"type"`

	// Title is a short summary of the kind of problem: the status text
	// when Type is about:blank.
	Title string `json:"title"`

	// Status is the HTTP status code.
	Status int `json:"status"`

	// Detail explains this occurrence, for the client.
	Detail string `json:"detail,omitempty"`

	// Instance is a URI that identifies this occurrence, if any.
	Instance string `json:"instance,omitempty"`

	// Errors lists each value in error, in the order found.
	Errors []FieldError `json:"errors,omitempty"`
}

// FieldError is one value in error: where it is, what is wrong with it,
// and the value itself when there is one to show.
//
// Location is the source, a dot and the parameter name for parameters
// ("query.limit", "path.id", "header.X-Request-Id", "cookie.session",
// "form.name"), and "body" followed by the JSON member path for the body,
// members after dots and array indexes in brackets
// ("body.items[0].name"); "body" alone is the body as a whole.
type FieldError struct {
	Location string `json:"location"`
	Message  string `json:"message"`
	Value    any    `json:"value,omitempty"`
}

// Error returns the location and the message.
func (e *FieldError) Error() string { return e.Location + " " + e.Message }

// ProblemError is an error answered as a Problem. Typed routes return one
// for every failure, so that a Router's ErrorHandler finds it with
// errors.As and may answer in a shape of its own; DefaultErrorHandler and
// ProblemErrorHandler send it as application/problem+json. A handler may
// return one too.
type ProblemError struct {
	Problem
	Err error // internal cause: logged, never sent
}

// Error returns the status, title, detail and the errors, for logs.
func (e *ProblemError) Error() string {
	if e == nil {
		return "alb: nil *ProblemError"
	}
	var b strings.Builder
	b.WriteString("alb: " + strconv.Itoa(e.Status) + " " + e.Title)
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	for i, f := range e.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Location + " " + f.Message)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the internal cause.
func (e *ProblemError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// problemWriter is what DefaultErrorHandler looks for in an error chain:
// only *ProblemError implements it.
type problemWriter interface {
	writeProblemFor(c *Context, err error)
}

// writeProblemFor answers err, which is or wraps e, with e.
func (e *ProblemError) writeProblemFor(c *Context, err error) {
	if e == nil {
		writeProblem(c, err, problemFor(err))
		return
	}
	writeProblem(c, err, e)
}

// problemFor returns err as a *ProblemError: itself when it is (or wraps)
// one; from an *HTTPError's status and public message, keeping err as the
// cause; or a 500 that says nothing of err, keeping it as the cause.
func problemFor(err error) *ProblemError {
	var pe *ProblemError
	if errors.As(err, &pe) {
		if pe == nil {
			return nilErrorProblem("*alb.ProblemError")
		}
		return pe
	}
	var he *HTTPError
	if errors.As(err, &he) {
		if he == nil {
			return nilErrorProblem("*alb.HTTPError")
		}
		status := he.Status
		if status < 200 || status > 599 {
			status = http.StatusInternalServerError
		}
		p := &ProblemError{Problem: Problem{Status: status, Title: statusTitle(status)}, Err: err}
		if he.Message != "" && he.Message != p.Title {
			p.Detail = he.Message
		}
		return p
	}
	return &ProblemError{Problem: Problem{Status: http.StatusInternalServerError,
		Title: statusTitle(http.StatusInternalServerError)}, Err: err}
}

// nilErrorProblem is the 500 answering an error that is a nil pointer of
// type typ (a typed nil in a non-nil error): a handler's mistake, kept as
// the cause, in place of the nil, which cannot be read.
func nilErrorProblem(typ string) *ProblemError {
	return &ProblemError{Problem: Problem{Status: http.StatusInternalServerError,
		Title: statusTitle(http.StatusInternalServerError)},
		Err: errors.New("alb: the error returned is a nil " + typ + " in a non-nil error interface")}
}

// statusTitle returns the status text of status, or "Error".
func statusTitle(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Error"
}

// ProblemErrorHandler is an ErrorHandler that answers every error as
// application/problem+json, the router's own (404, 405, a malformed
// event) and those of plain HandlerFunc routes and middleware included:
// a *ProblemError as it is, an *HTTPError with its status and public
// message as the detail, any other error as a 500 that says nothing of
// it. Errors of status 500 and above are logged with their cause, as
// DefaultErrorHandler logs them.
func ProblemErrorHandler(c *Context, err error) {
	writeProblem(c, err, problemFor(err))
}

// writeProblem sends p, logging err first when p is a server error with
// a cause.
func writeProblem(c *Context, err error, p *ProblemError) {
	status := p.Status
	if status < 200 || status > 599 {
		status = http.StatusInternalServerError
	}
	if status >= 500 && (p.Err != nil || !isBareHTTPError(err)) {
		c.router.logger().LogAttrs(c.Context(), slog.LevelError, "alb: request failed",
			slog.Int("status", status),
			slog.String("method", c.req.method),
			slog.String("path", c.req.rawPath),
			slog.Any("error", err))
	}
	body := appendProblem(make([]byte, 0, 128), &p.Problem, status, c.router.jsonCodec())
	_ = c.Blob(status, "application/problem+json", body)
}

// isBareHTTPError reports whether err is an *HTTPError with no cause (the
// router's answer to a panic, already logged, is one).
func isBareHTTPError(err error) bool {
	he, ok := err.(*HTTPError)
	return ok && he != nil && he.Err == nil
}

// appendProblem appends p as JSON, with status, type about:blank when
// empty and the status text as title when empty. Values of the errors go
// through codec; one it cannot encode is left out.
func appendProblem(b []byte, p *Problem, status int, codec JSONCodec) []byte {
	typ, title := p.Type, p.Title
	if typ == "" {
		typ = "about:blank"
	}
	if title == "" {
		title = statusTitle(status)
	}
	b = append(b, `{"type":`...)
	b = appendQuoted(b, typ)
	b = append(b, `,"title":`...)
	b = appendQuoted(b, title)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	if p.Detail != "" {
		b = append(b, `,"detail":`...)
		b = appendQuoted(b, p.Detail)
	}
	if p.Instance != "" {
		b = append(b, `,"instance":`...)
		b = appendQuoted(b, p.Instance)
	}
	if len(p.Errors) > 0 {
		b = append(b, `,"errors":[`...)
		for i, f := range p.Errors {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"location":`...)
			b = appendQuoted(b, f.Location)
			b = append(b, `,"message":`...)
			b = appendQuoted(b, f.Message)
			if f.Value != nil {
				if v, err := codec.AppendMarshal(nil, f.Value); err == nil {
					b = append(b, `,"value":`...)
					b = append(b, v...)
				}
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendQuoted appends s as a JSON string, invalid UTF-8 replaced.
func appendQuoted(b []byte, s string) []byte {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return append(appendJSONString(append(b, '"'), s), '"')
}

// violations collects what is wrong with a request's input, with the
// location of the value being checked. It lives on the stack of the
// handler: its path is an array, so that walking a body allocates nothing.
type violations struct {
	bad   []FieldError // values that do not parse: the answer is a 400
	list  []FieldError // values that break a rule: a 422
	root  string       // the location of the parameter or body being checked
	path  [maxDepth]pathSeg
	depth int // of the value being checked below root; may exceed maxDepth

	decoded      bool // a JSON body was decoded
	maybeMissing bool // a required body member holds its zero value
}

// maxDepth is how deep a location names members and indexes; deeper ones
// end in "...".
const maxDepth = 32

// pathSeg is one step of a location below its root: a JSON member or,
// when index >= 0, an array index.
type pathSeg struct {
	name  string
	index int
}

func (v *violations) push(name string) {
	if v.depth < maxDepth {
		v.path[v.depth] = pathSeg{name, -1}
	}
	v.depth++
}

func (v *violations) pushIndex(i int) {
	if v.depth < maxDepth {
		v.path[v.depth] = pathSeg{"", i}
	}
	v.depth++
}

func (v *violations) pop() { v.depth-- }

// location returns the current location.
func (v *violations) location() string {
	if v.depth == 0 {
		return v.root
	}
	b := []byte(v.root)
	for _, s := range v.path[:min(v.depth, maxDepth)] {
		if s.index >= 0 {
			b = append(strconv.AppendInt(append(b, '['), int64(s.index), 10), ']')
		} else {
			if len(b) > 0 {
				b = append(b, '.')
			}
			b = append(b, s.name...)
		}
	}
	if v.depth > maxDepth {
		b = append(b, "..."...)
	}
	return string(b)
}

// bind binds raw into the parameter p at fp, recording a value that does
// not parse.
func (v *violations) bind(p *paramPlan, fp unsafe.Pointer, raw string) {
	if msg, ok := p.bind(fp, raw); !ok {
		v.malform(p.location, msg, raw)
	}
}

// malform records a value that does not parse (a 400).
func (v *violations) malform(location, msg string, value any) {
	v.bad = append(v.bad, FieldError{Location: location, Message: msg, Value: value})
}

// invalid records a value that breaks a rule (a 422).
func (v *violations) invalid(location, msg string, value any) {
	v.list = append(v.list, FieldError{Location: location, Message: msg, Value: value})
}

// problem returns the violations as a problem: a 400 listing the values
// that do not parse when there are any, else a 422 listing the rules
// broken.
func (v *violations) problem() *ProblemError {
	if len(v.bad) > 0 {
		list, more := capErrors(v.bad)
		return &ProblemError{Problem: Problem{Status: http.StatusBadRequest,
			Title: statusTitle(http.StatusBadRequest), Detail: "the request is malformed" + more, Errors: list}}
	}
	// A required value that is missing breaks no other rule: its zero
	// value is not what the client sent.
	var missing map[string]struct{}
	for _, f := range v.list {
		if f.Message == msgRequired {
			if missing == nil {
				missing = make(map[string]struct{})
			}
			missing[f.Location] = struct{}{}
		}
	}
	list := v.list
	if missing != nil {
		list = v.list[:0:0]
		for _, f := range v.list {
			if _, ok := missing[f.Location]; !ok || f.Message == msgRequired {
				list = append(list, f)
			}
		}
	}
	list, more := capErrors(list)
	return &ProblemError{Problem: Problem{Status: http.StatusUnprocessableEntity,
		Title: statusTitle(http.StatusUnprocessableEntity), Detail: "the request breaks the API's rules" + more, Errors: list}}
}

// maxProblemErrors is the most errors a binding problem lists: a request
// with more gets the first ones and a detail saying how many were left
// out, so that the answer stays small.
const maxProblemErrors = 100

// capErrors returns the first maxProblemErrors of list, and the text to
// add to the detail when some were left out.
func capErrors(list []FieldError) ([]FieldError, string) {
	if len(list) <= maxProblemErrors {
		return list, ""
	}
	return list[:maxProblemErrors:maxProblemErrors], " (the first " + strconv.Itoa(maxProblemErrors) + " of " +
		strconv.Itoa(len(list)) + " errors are listed)"
}

// msgRequired is the message of a required value that is missing.
const msgRequired = "is required"
