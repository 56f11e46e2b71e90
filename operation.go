package alb

import (
	"reflect"
	"strconv"
	"unsafe"
)

// Operation describes a typed route for Register: where it is (Method and
// Path) and what the API document says about it. Only Method and Path are
// required.
type Operation struct {
	// Method is the request method, such as "GET".
	Method string

	// Path is the route pattern in the router's syntax ("/users/:id"),
	// relative to the group it is registered in.
	Path string

	// OperationID names the operation for client generators
	// ("getUser"). Empty means none.
	OperationID string

	// Summary is a short, one-line description.
	Summary string

	// Description is the long description (CommonMark in the document).
	Description string

	// Tags group operations in the document.
	Tags []string

	// Status is the status of a successful answer. 0 means 200, or 204
	// when the output type is struct{}.
	Status int

	// Statuses are the other success statuses the handler may choose at
	// run time with Context.Status (202 beside 200, say). A typed handler
	// that sets a status that is neither Status nor one of these fails
	// with a 500, so that the document never lies.
	Statuses []int

	// Deprecated marks the operation deprecated in the document.
	Deprecated bool

	// Errors are error statuses the handler itself may answer (404, 409),
	// beyond those binding and validation give (400, 415, 422), with
	// what they mean, for the document.
	Errors []ErrorResponse

	// Middleware wraps this route only, inside the router's and the
	// groups' middleware; see Router.Handle.
	Middleware []Middleware

	// AllowUnknownFields accepts JSON body members the body type has no
	// field for. By default a typed JSON body refuses them (400): a
	// misspelt member would otherwise be silently ignored.
	AllowUnknownFields bool

	// ContentType is the Content-Type of a non-JSON output ([]byte or
	// string). Empty means application/octet-stream for []byte and
	// text/plain; charset=utf-8 for string. A Content-Type the handler
	// sets itself wins.
	ContentType string
}

// ErrorResponse is an error status an operation documents, with its
// meaning.
type ErrorResponse struct {
	Status      int
	Description string
}

// operation is what the router records for every route registered through
// Handle (and its shorthands) or Register, in registration order: the API
// document is generated from these. Plain HandlerFunc routes have typed
// false and only method, pattern and chain set.
type operation struct {
	method  string       // "GET"
	pattern string       // full pattern in alb syntax, group prefixes applied
	chain   []Middleware // every middleware that wraps the route, outermost first
	typed   bool         // registered through Register
	meta    Operation    // the metadata given to Register (Path as given, relative)

	// status is the default success status (meta.Status, or its default);
	// statuses lists it first, then meta.Statuses: every success status.
	status   int
	statuses []int

	input  reflect.Type // the In of Register (a struct type)
	output reflect.Type // the Out of Register, as declared (*User, []byte)

	params []paramPlan // the bound parameters, in field order
	body   *bodyPlan   // the request body, or nil when there is none
	out    outputPlan  // how the output is written

	// validator checks the JSON body (its one field, at the body's
	// offset) and calls the Validate methods of the input and the body;
	// nil when there is nothing to check. presence is the shape of the
	// body's required members, nil when it has none.
	validator *structCheck
	presence  *shapeField
}

// paramSource says where a parameter is read from.
type paramSource uint8

const (
	sourcePath   paramSource = iota + 1 // a route parameter, `path` tag
	sourceQuery                         // the query string, `query` tag
	sourceHeader                        // a request header, `header` tag
	sourceCookie                        // a request cookie, `cookie` tag
	sourceForm                          // a form body field, `form` tag
)

// String returns the tag name and location prefix of s: "path", "query",
// "header", "cookie" or "form" (OpenAPI's "in", except for form, which
// belongs to the request body).
func (s paramSource) String() string {
	switch s {
	case sourcePath:
		return "path"
	case sourceQuery:
		return "query"
	case sourceHeader:
		return "header"
	case sourceCookie:
		return "cookie"
	case sourceForm:
		return "form"
	}
	return "unknown"
}

// paramPlan is how one input field is bound from the request.
type paramPlan struct {
	source paramSource
	name   string       // wire name: route parameter, query key, header or cookie name, form field
	field  string       // Go field name, dotted through embedded structs, for messages
	typ    reflect.Type // the field's type (*int for an optional int)

	// required: the request must carry the parameter. Path parameters
	// always are; others when the field is not a pointer, a slice or a
	// bool, has no default and its tag has no omitempty, unless a
	// `required` tag says otherwise.
	required   bool
	hasDefault bool
	def        string   // the `default` tag's raw text, used when absent
	defs       []string // a list's default: def split at commas, spaces trimmed

	// explode is OpenAPI's explode for slices: true when each value is
	// its own key (?tag=a&tag=b), false for a comma list (?tag=a,b, tag
	// option "comma"). Header slices are comma lists, each line split.
	explode bool

	// rules are the field's constraints, doc and example (for a slice,
	// the scalar keywords apply to each item); location is
	// source.String()+"."+name, as problem details name it.
	rules    rules
	location string

	off   uintptr    // the field's offset in the input struct
	bind  binder     // parses raw text into the field
	check fieldCheck // the checks of its rules
}

// bodyKind says how a request body is read.
type bodyKind uint8

const (
	bodyJSON bodyKind = iota + 1 // decoded by the Router's JSONCodec
	bodyForm                     // form fields: urlencoded or multipart
	bodyRaw                      // the bytes as they are, into []byte or string
)

// bodyPlan is how the request body is read.
type bodyPlan struct {
	kind bodyKind
	typ  reflect.Type // the body's Go type; for bodyForm, the input type

	// contentTypes are the media types accepted, for the document and
	// the 415 check: application/json for JSON (any application/*+json is
	// accepted too); application/x-www-form-urlencoded and
	// multipart/form-data for forms; for raw bodies, those of a
	// `contentType` tag on the Body field, or none, which accepts any.
	contentTypes []string

	// refuseUnknown: unknown JSON members are refused (the default, see
	// Operation.AllowUnknownFields).
	refuseUnknown bool

	// required: an empty body is an error. True unless the Body field is
	// a pointer (or the kind is bodyForm, whose fields say).
	required bool

	// field is the Body field's index path in the input; nil when the
	// input itself is the body. off is its offset.
	field []int
	off   uintptr

	// rules are the rules of the Body field itself (doc, example).
	rules rules
}

// outputKind says how an output is written.
type outputKind uint8

const (
	outputJSON   outputKind = iota + 1 // encoded by the Router's JSONCodec
	outputBytes                        // []byte, sent as it is
	outputString                       // string, sent as it is
	outputEmpty                        // struct{}: no body
)

// outputPlan is how a typed handler's output becomes the response.
type outputPlan struct {
	kind outputKind

	// body is the type encoded as the response body: the output type
	// itself, or the type of its Body field; pointers removed. nil for
	// outputEmpty.
	body reflect.Type

	// bodyField is the index path of the output's Body field, nil when
	// the whole output is the body.
	bodyField []int

	contentType string // for outputBytes and outputString

	// headers are the output fields tagged `header`, sent as response
	// headers (a zero value is not sent).
	headers []outHeader

	bodyOff  uintptr      // the Body field's offset
	bodyType reflect.Type // the Body field's type, as declared
}

// outHeader is an output field sent as a response header.
type outHeader struct {
	name  string       // the header name, as tagged
	field []int        // index path in the output struct
	typ   reflect.Type // the field's type
	rules rules        // doc and example

	off uintptr                                         // offset in the output struct
	set func(c *Context, name string, p unsafe.Pointer) // sets the header from the field at p
}

// rules are the constraints, documentation and example of one field,
// parsed once from its struct tags by fieldRules. Validation checks them
// and the API document lists them, from this same value. A nil pointer
// means the keyword is absent. For a slice, minItems, maxItems and
// uniqueItems apply to the slice and every other keyword to each item (the
// document puts those under "items").
type rules struct {
	// required: for a body field, the member must be present and not
	// null; for a parameter, see paramPlan.required.
	required bool

	doc     string // `doc` tag: the description
	example string // `example` tag, raw text

	minimum          *float64 // value >= minimum
	maximum          *float64 // value <= maximum
	exclusiveMinimum *float64 // value > exclusiveMinimum
	exclusiveMaximum *float64 // value < exclusiveMaximum
	multipleOf       *float64 // value / multipleOf is an integer; > 0
	multipleInt      uint64   // multipleOf, when it is a whole number below 2^64; else 0

	minLength *int    // characters (runes), not bytes
	maxLength *int    // characters (runes), not bytes
	pattern   string  // RE2 syntax, unanchored as in JSON Schema
	re        matcher // pattern, compiled
	format    string  // email, uuid, date-time, date, uri, ipv4, ipv6

	// enum holds the allowed values, parsed for the field's (or item's)
	// type: string, int64, uint64, float64 or bool; enumText the tag's
	// raw items.
	enum     []any
	enumText []string

	minItems    *int
	maxItems    *int
	uniqueItems bool
}

// matcher is a compiled pattern: a *regexp.Regexp. It is an interface so
// that the Router's types do not refer to regexp.Regexp, whose methods
// the linker would then keep (and the regexp compiler with them) in every
// program, Register or not.
type matcher interface{ MatchString(s string) bool }

// binder parses the raw text of a parameter into the field at p. It
// returns a message for the client when the text is not a valid value.
type binder func(p unsafe.Pointer, raw string) (msg string, ok bool)

// operations returns the routes registered so far, in registration order.
// The slice and what it points to must not be modified.
func (r *Router) operations() []*operation { return r.ops }

// problemStatuses returns the statuses that binding and validation can
// answer for o, ascending: 400 when a value can fail to parse (a
// parameter that is not a string, a JSON or form body), 415 when a body's
// Content-Type is checked, 422 when a value can be missing or break a
// rule (a required parameter other than a route parameter, which is
// always there, a tag rule, a required body member, a
// Validate method). A plain route has none.
func (o *operation) problemStatuses() []int {
	if !o.typed {
		return nil
	}
	var bad, media, invalid bool
	for i := range o.params {
		p := &o.params[i]
		k := p.typ
		for k.Kind() == reflect.Pointer || k.Kind() == reflect.Slice && k.Elem().Kind() != reflect.Uint8 {
			k = k.Elem()
		}
		bad = bad || k.Kind() != reflect.String || k.Implements(textUnmarshalerIfce()) || reflect.PointerTo(k).Implements(textUnmarshalerIfce())
		invalid = invalid || p.required && p.source != sourcePath || p.check.scalarChecks || p.rules.minItems != nil || p.rules.maxItems != nil || p.rules.uniqueItems
	}
	if b := o.body; b != nil {
		bad = bad || b.kind != bodyRaw
		media = b.kind != bodyRaw || len(b.contentTypes) > 0
	}
	invalid = invalid || o.presence != nil || o.validator != nil && o.validator.mayFail(map[*structCheck]bool{})
	var statuses []int
	if bad {
		statuses = append(statuses, 400)
	}
	if media {
		statuses = append(statuses, 415)
	}
	if invalid {
		statuses = append(statuses, 422)
	}
	return statuses
}

// mayFail reports whether sc or a struct below it has a rule or a
// Validate method.
func (sc *structCheck) mayFail(seen map[*structCheck]bool) bool {
	return sc.reaches(seen, func(s *structCheck) bool {
		if s.validator {
			return true
		}
		for i := range s.fields {
			r := &s.fields[i].rules
			if s.fields[i].scalarChecks || r.minItems != nil || r.maxItems != nil || r.uniqueItems {
				return true
			}
		}
		return false
	})
}

// reaches reports whether pred holds for sc or a struct check below it
// (through nested structs, lists and map values), each visited once, so
// that recursive types end.
func (sc *structCheck) reaches(seen map[*structCheck]bool, pred func(*structCheck) bool) bool {
	if seen[sc] {
		return false
	}
	seen[sc] = true
	if pred(sc) {
		return true
	}
	for i := range sc.fields {
		if sub := sc.fields[i].innerSub(); sub != nil && sub.reaches(seen, pred) {
			return true
		}
	}
	return false
}

// panicPlan panics at registration of o, quoting the route and, when
// field is not "", the field (what says "field" or "output field").
func (o *operation) panicPlan(what, field, msg string) {
	where := "alb: route " + strconv.Quote(o.method+" "+o.pattern)
	if field != "" {
		where += ": " + what + " " + field
	}
	panic(where + ": " + msg)
}
