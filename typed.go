package alb

import (
	"encoding"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unsafe"
)

// Registrar is where Register adds a route: a *Router or a *Group. Only
// those two implement it.
type Registrar interface {
	// routeFor returns the router, the full pattern and the middleware
	// chain of a route registered here.
	routeFor(method, path string, mw []Middleware) (r *Router, pattern string, chain []Middleware)
}

func (r *Router) routeFor(method, path string, mw []Middleware) (*Router, string, []Middleware) {
	return r, path, slices.Concat(r.middleware, mw)
}

func (g *Group) routeFor(method, path string, mw []Middleware) (*Router, string, []Middleware) {
	return g.router, g.fullPattern(method, path), g.chain(mw)
}

// Register adds a typed route to r (a *Router or a *Group): h receives
// its input, bound from the request and checked, and returns its output,
// which becomes the response.
//
// The input In is a struct. Its fields tagged path, query, header, cookie
// or form are bound from that part of the request, by the name the tag
// gives; a field named Body is the request body (JSON, or the raw bytes
// for []byte and string); an input with no tagged fields and no Body field
// is itself the JSON body. Unexported fields and fields tagged json:"-"
// are left alone. Tags named after JSON Schema keywords
// (minimum, maxLength, pattern, enum...) constrain the values. The README
// section "Typed handlers" has the whole table.
//
// Per request, Register's handler binds the input, answering 400 when a
// value does not parse, 415 when the body has the wrong Content-Type and
// 422 when a rule is broken, each as an application/problem+json
// *ProblemError listing every value in error. It then calls h. An error
// from h is answered as a *ProblemError too: an *HTTPError with its
// status and message, any other error as a 500 that does not show it.
// Otherwise the output is sent with op.Status, or with the status h set
// with Context.Status when op declares it:
//
//   - a struct (or pointer to one) is encoded as JSON by the router's
//     JSONCodec; its fields tagged header are sent as headers instead
//     (tag them json:"-"), and when it has a Body field, only Body is the
//     body and every other field must be a header;
//   - []byte and string are sent as they are, with op.ContentType;
//   - struct{} sends no body (204 by default);
//   - any other type is encoded as JSON.
//
// A 204 or 304 answer never has a body: with these statuses, only the
// output's header fields are sent.
//
// The handler is a plain HandlerFunc registered with Handle: middleware,
// groups, automatic OPTIONS, 405 and HEAD behave as for any route. The
// route is recorded, with op, for the API document.
//
// Register panics at registration, quoting the route and the field, on an
// input or output it cannot serve: a field type that cannot be bound, a
// path tag naming no route parameter, a field with two sources, a bad
// rule or default, an undeclared Body field beside form fields, an
// OperationID another route of the same Router has, and the mistakes
// Handle panics on.
func Register[In, Out any](r Registrar, op Operation, h func(c *Context, in *In) (Out, error)) {
	router, pattern, chain := r.routeFor(op.Method, op.Path, op.Middleware)
	o := &operation{method: op.Method, pattern: pattern, chain: chain, typed: true, meta: op,
		input: reflect.TypeFor[In](), output: reflect.TypeFor[Out]()}
	if h == nil {
		panic("alb: route " + strconv.Quote(op.Method+" "+pattern) + " has a nil handler")
	}
	if id := op.OperationID; id != "" {
		for _, other := range router.ops {
			if other.meta.OperationID == id {
				panic("alb: route " + strconv.Quote(op.Method+" "+pattern) + " has OperationID " + strconv.Quote(id) +
					", which route " + strconv.Quote(other.method+" "+other.pattern) + " already has")
			}
		}
	}
	planInput(o)
	planOutput(o)
	outIsPtr := o.output.Kind() == reflect.Pointer
	router.handleOp(o, func(c *Context) error {
		in := new(In)
		if err := o.bindInput(c, unsafe.Pointer(in)); err != nil {
			return err
		}
		out, err := h(c, in)
		if err != nil {
			return problemFor(err)
		}
		status := c.resp.status
		switch {
		case status == 0:
			status = o.status
		case !slices.Contains(o.statuses, status):
			return problemFor(errors.New("alb: route " + strconv.Quote(o.method+" "+o.pattern) +
				" answered status " + strconv.Itoa(status) + ", which its Operation does not declare"))
		}
		// The output is handed over by address, never through an
		// interface's data word: a struct of one pointer-shaped field is
		// stored in that word itself, not behind it. A pointer output is
		// its own address; any other is copied once, as boxing it would.
		var sp unsafe.Pointer
		var v any
		if outIsPtr {
			sp, v = *(*unsafe.Pointer)(unsafe.Pointer(&out)), any(out)
		} else {
			po := new(Out)
			*po = out
			sp, v = unsafe.Pointer(po), po
		}
		if err := o.writeOutput(c, status, sp, v); err != nil {
			return problemFor(err)
		}
		return nil
	})
}

// planOutput builds o's output plan and statuses. It panics, quoting the
// route, on an output it cannot write.
func planOutput(o *operation) {
	fail := func(field, msg string) { o.panicPlan("output field", field, msg) }
	t := o.output
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	p := &o.out
	switch {
	case st.Kind() == reflect.Struct && st.NumField() == 0:
		p.kind = outputEmpty
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		p.kind, p.body = outputBytes, t
	case t.Kind() == reflect.String:
		p.kind, p.body = outputString, t
	case st.Kind() == reflect.Struct && st != timeType():
		p.kind, p.body = outputJSON, st
		if bf, ok := st.FieldByName("Body"); ok && len(bf.Index) == 1 {
			p.bodyField, p.body, p.bodyOff, p.bodyType = bf.Index, bf.Type, bf.Offset, bf.Type
			bt := bf.Type
			switch {
			case bt.Kind() == reflect.Slice && bt.Elem().Kind() == reflect.Uint8:
				p.kind = outputBytes
			case bt.Kind() == reflect.String:
				p.kind = outputString
			}
		}
		for i := 0; i < st.NumField(); i++ {
			sf := st.Field(i)
			name, isHeader := sf.Tag.Lookup("header")
			switch {
			case p.bodyField != nil && i == p.bodyField[0]:
			case isHeader:
				if name == "" {
					fail(sf.Name, "has an empty header tag")
				}
				if p.bodyField == nil && sf.Tag.Get("json") != "-" {
					fail(sf.Name, "is a header and must be tagged json:\"-\" to stay out of the body")
				}
				set := headerFormatter(sf.Type)
				if set == nil {
					fail(sf.Name, "has type "+sf.Type.String()+", which a header cannot take")
				}
				r, err := fieldRules(sf)
				if err != nil {
					fail(sf.Name, err.Error())
				}
				p.headers = append(p.headers, outHeader{name: name, field: sf.Index, typ: sf.Type, rules: r,
					off: sf.Offset, set: set})
			case p.bodyField != nil && sf.IsExported():
				fail(sf.Name, "has no header tag: beside Body, output fields are headers")
			}
		}
		if p.body.Kind() == reflect.Pointer && p.kind == outputJSON {
			p.body = p.body.Elem()
		}
	default:
		p.kind, p.body = outputJSON, st
	}
	switch p.kind {
	case outputBytes:
		p.contentType = "application/octet-stream"
	case outputString:
		p.contentType = "text/plain; charset=utf-8"
	}
	if o.meta.ContentType != "" {
		if p.kind != outputBytes && p.kind != outputString {
			fail("", "ContentType is for []byte and string outputs; JSON is application/json")
		}
		p.contentType = o.meta.ContentType
	}

	o.status = o.meta.Status
	if o.status == 0 {
		o.status = http.StatusOK
		if p.kind == outputEmpty {
			o.status = http.StatusNoContent
		}
	}
	o.statuses = []int{o.status}
	for _, s := range o.meta.Statuses {
		if !slices.Contains(o.statuses, s) {
			o.statuses = append(o.statuses, s)
		}
	}
	for _, s := range o.statuses {
		if s < 200 || s > 399 {
			fail("", "success status "+strconv.Itoa(s)+" is not 2xx or 3xx")
		}
	}
	for _, e := range o.meta.Errors {
		if e.Status < 400 || e.Status > 599 {
			fail("", "error status "+strconv.Itoa(e.Status)+" is not 4xx or 5xx")
		}
	}
}

// writeOutput sends the output with status: sp is the address of its
// value (for a pointer Out, the pointer itself, maybe nil), v the output
// as JSON encodes it (the pointer, or a *Out).
func (o *operation) writeOutput(c *Context, status int, sp unsafe.Pointer, v any) error {
	pl := &o.out
	if pl.kind == outputEmpty {
		return c.NoContent(status)
	}
	p := sp // the body's value, when it is []byte or string
	if sp != nil && (len(pl.headers) > 0 || pl.bodyField != nil) {
		for i := range pl.headers {
			h := &pl.headers[i]
			h.set(c, h.name, unsafe.Add(sp, h.off))
		}
		if pl.bodyField != nil {
			p = unsafe.Add(sp, pl.bodyOff)
			if pl.kind == outputJSON {
				v = reflect.NewAt(pl.bodyType, p).Interface()
			}
		}
	} else if pl.bodyField != nil {
		p, v = nil, nil // a nil output: no Body
	}
	if status == http.StatusNoContent || status == http.StatusNotModified {
		// These answers have no body (RFC 9110, 15.3.5 and 15.4.5): the
		// output's header fields are sent, its body is not.
		return c.NoContent(status)
	}
	switch pl.kind {
	case outputBytes, outputString:
		var b []byte
		if p != nil {
			if pl.kind == outputBytes {
				b = *(*[]byte)(p)
			} else {
				b = stringBytes(*(*string)(p))
			}
		}
		ct := pl.contentType
		if c.ResponseHeader("Content-Type") != "" {
			ct = ""
		}
		return c.Blob(status, ct, b)
	}
	return c.JSON(status, v)
}

// headerFormatter returns the function that sets header name from a field
// of type t at p (a zero value sets nothing), or nil when a header cannot
// carry t.
func headerFormatter(t reflect.Type) func(c *Context, name string, p unsafe.Pointer) {
	if t.Kind() == reflect.Pointer {
		elem := headerFormatter(t.Elem())
		if elem == nil {
			return nil
		}
		return func(c *Context, name string, p unsafe.Pointer) {
			if q := *(*unsafe.Pointer)(p); q != nil {
				elem(c, name, q)
			}
		}
	}
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String {
		return func(c *Context, name string, p unsafe.Pointer) {
			for _, s := range *(*[]string)(p) {
				c.AddHeader(name, s)
			}
		}
	}
	switch t {
	case timeType():
		return func(c *Context, name string, p unsafe.Pointer) {
			if tm := *(*time.Time)(p); !tm.IsZero() {
				c.SetHeader(name, tm.UTC().Format(http.TimeFormat))
			}
		}
	case durationType():
		return func(c *Context, name string, p unsafe.Pointer) {
			if d := *(*time.Duration)(p); d != 0 {
				c.SetHeader(name, d.String())
			}
		}
	}
	if t.Implements(reflect.TypeFor[encoding.TextMarshaler]()) {
		return func(c *Context, name string, p unsafe.Pointer) {
			v := reflect.NewAt(t, p).Elem()
			if v.IsZero() {
				return
			}
			if b, err := v.Interface().(encoding.TextMarshaler).MarshalText(); err == nil {
				c.SetHeader(name, string(b))
			}
		}
	}
	k := scalarOf(t)
	switch {
	case k == scalarString:
		return func(c *Context, name string, p unsafe.Pointer) {
			if s := *(*string)(p); s != "" {
				c.SetHeader(name, s)
			}
		}
	case k == scalarBool:
		return func(c *Context, name string, p unsafe.Pointer) {
			if *(*bool)(p) {
				c.SetHeader(name, "true")
			}
		}
	case k.signed():
		return func(c *Context, name string, p unsafe.Pointer) {
			if n := readInt(k, p); n != 0 {
				c.SetHeader(name, strconv.FormatInt(n, 10))
			}
		}
	case k.unsigned():
		return func(c *Context, name string, p unsafe.Pointer) {
			if n := readUint(k, p); n != 0 {
				c.SetHeader(name, strconv.FormatUint(n, 10))
			}
		}
	case k.float():
		bits := t.Bits()
		return func(c *Context, name string, p unsafe.Pointer) {
			if f := readFloat(k, p); f != 0 {
				c.SetHeader(name, strconv.FormatFloat(f, 'g', -1, bits))
			}
		}
	}
	return nil
}
