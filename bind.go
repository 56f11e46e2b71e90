package alb

import (
	"bytes"
	"encoding"
	"errors"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// sourceTags are the struct tags that bind a field, in paramSource order.
var sourceTags = [...]string{"", "path", "query", "header", "cookie", "form"}

func fileHeaderType() reflect.Type      { return reflect.TypeFor[*multipart.FileHeader]() }
func textUnmarshalerIfce() reflect.Type { return reflect.TypeFor[encoding.TextUnmarshaler]() }

// planInput builds o's binding plan from its input type: parameters, body
// and checks. It panics, quoting the route and the field, on anything
// that cannot be bound.
func planInput(o *operation) {
	fail := func(field, msg string) { o.panicPlan("field", field, msg) }
	t := o.input
	if t.Kind() != reflect.Struct {
		fail("", "input type "+t.String()+" is not a struct")
	}
	routeParams := patternParams(o.pattern)
	var loose []reflect.StructField // exported fields with no source tag
	var bodyField *reflect.StructField
	var bodyOff uintptr
	var walk func(t reflect.Type, base uintptr, prefix string, index []int)
	walk = func(t reflect.Type, base uintptr, prefix string, index []int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			name := prefix + sf.Name
			idx := append(index[:len(index):len(index)], i)
			src, wire, opts := sourceOf(sf, func(msg string) { fail(name, msg) })
			if src == 0 {
				switch {
				case sf.Anonymous && sf.Type.Kind() == reflect.Struct && sf.Tag == "":
					walk(sf.Type, base+sf.Offset, name+".", idx)
				case !sf.IsExported() || sf.Tag.Get("json") == "-": // not bound
				case sf.Name == "Body" && len(index) == 0:
					bodyField, bodyOff = &sf, sf.Offset
					bodyField.Index = idx
				default:
					sf.Index = idx
					loose = append(loose, sf)
				}
				continue
			}
			if !sf.IsExported() {
				fail(name, "is not exported")
			}
			p := planParam(sf, src, wire, opts, name, func(msg string) { fail(name, msg) })
			p.off = base + sf.Offset
			if src == sourcePath {
				found := false
				for _, rp := range routeParams {
					found = found || rp == wire
				}
				if !found {
					fail(name, "path tag "+strconv.Quote(wire)+" names no parameter of the route")
				}
			}
			for _, q := range o.params {
				if q.source == src && (q.name == wire || src == sourceHeader && equalFold(q.name, wire)) {
					fail(name, "binds "+src.String()+" "+strconv.Quote(wire)+" as field "+q.field+" does")
				}
			}
			o.params = append(o.params, p)
		}
	}
	walk(t, 0, "", nil)

	hasForm := false
	for _, p := range o.params {
		hasForm = hasForm || p.source == sourceForm
	}
	switch {
	case bodyField != nil && hasForm:
		fail("Body", "a body cannot be read both into Body and into form fields")
	case bodyField != nil && len(loose) > 0:
		fail(loose[0].Name, "has no path, query, header, cookie or form tag (the body is the Body field)")
	case bodyField == nil && len(loose) > 0 && len(o.params) > 0:
		fail(loose[0].Name, "has no path, query, header, cookie or form tag; a body beside parameters goes in a field named Body")
	case bodyField != nil:
		o.body = planBody(o, *bodyField, fail)
		o.body.field, o.body.off = bodyField.Index, bodyOff
	case len(loose) > 0: // the input itself is the JSON body
		o.body = &bodyPlan{kind: bodyJSON, typ: t, contentTypes: []string{"application/json"},
			refuseUnknown: !o.meta.AllowUnknownFields, required: true}
		o.body.rules.required = true
	case hasForm:
		o.body = &bodyPlan{kind: bodyForm, typ: t,
			contentTypes: []string{"application/x-www-form-urlencoded", "multipart/form-data"}}
	}
	if o.body != nil && o.body.kind == bodyJSON {
		if err := checkJSONType(o.body.typ, map[reflect.Type]bool{}); err != nil {
			fail(o.body.typ.String(), err.Error())
		}
	}
	memo := map[reflect.Type]*structCheck{}
	for i := range o.params {
		p := &o.params[i]
		p.check = fieldCheckFor(p.typ, p.rules, memo, fail)
		p.check.sub = nil // a parameter is a scalar or a list of them
	}
	buildBodyChecks(o, memo, fail)
}

// buildBodyChecks sets o.validator and o.presence: the checks of a JSON
// body (at the input's root, under the name "body"), and the Validate
// method of the input.
func buildBodyChecks(o *operation, memo map[reflect.Type]*structCheck, fail func(field, msg string)) {
	root := &structCheck{typ: o.input, shape: &jsonShape{}}
	b := o.body
	if b != nil && b.kind == bodyJSON {
		var f fieldCheck
		if b.field == nil { // the input itself; its Validate is the body's
			f = fieldCheck{typ: o.input, sub: checkFor(o.input, memo, fail)}
		} else {
			f = fieldCheckFor(b.typ, b.rules, memo, fail)
			f.off = b.off
			root.validator = reflect.PointerTo(o.input).Implements(validatorType())
		}
		root.fields = []fieldCheck{f}
		shape := new(shapeField)
		*shape = shapeOf(&f)
		if shapeRequired(shape, map[*jsonShape]bool{}) {
			o.presence = shape
		}
	} else {
		root.validator = reflect.PointerTo(o.input).Implements(validatorType())
	}
	settleValidates(root, memo)
	if len(root.fields) > 0 || root.validator {
		o.validator = root
	}
}

// shapeRequired reports whether f is required or holds a required member.
func shapeRequired(f *shapeField, seen map[*jsonShape]bool) bool {
	return f.required || anyRequired(f.sub, seen) || f.elem != nil && shapeRequired(f.elem, seen)
}

// anyRequired reports whether s or a shape below it has a required
// member.
func anyRequired(s *jsonShape, seen map[*jsonShape]bool) bool {
	if s == nil || seen[s] {
		return false
	}
	seen[s] = true
	for _, f := range s.fields {
		if shapeRequired(&f, seen) {
			return true
		}
	}
	return false
}

// sourceOf returns the source, wire name and options of a field's binding
// tag, or 0 when it has none.
func sourceOf(sf reflect.StructField, fail func(string)) (paramSource, string, string) {
	var src paramSource
	var wire, opts string
	for s := sourcePath; s <= sourceForm; s++ {
		v, ok := sf.Tag.Lookup(sourceTags[s])
		if !ok {
			continue
		}
		if src != 0 {
			fail("has both a " + sourceTags[src] + " and a " + sourceTags[s] + " tag")
		}
		src = s
		wire, opts, _ = strings.Cut(v, ",")
		if wire == "" {
			fail("has an empty " + sourceTags[s] + " tag name")
		}
	}
	return src, wire, opts
}

// planParam builds the plan of one parameter field.
func planParam(sf reflect.StructField, src paramSource, wire, opts, name string, fail func(string)) paramPlan {
	p := paramPlan{source: src, name: wire, field: name, typ: sf.Type, explode: true,
		location: src.String() + "." + wire}
	omit := false
	comma := false
	for opts != "" {
		var opt string
		opt, opts, _ = strings.Cut(opts, ",")
		switch opt {
		case "omitempty":
			omit = true
		case "comma":
			comma = true
		default:
			fail("has an unknown " + src.String() + " tag option " + strconv.Quote(opt))
		}
	}
	r, err := fieldRules(sf)
	if err != nil {
		fail(err.Error())
	}
	p.rules = r

	t := sf.Type
	ptr := t.Kind() == reflect.Pointer && t != fileHeaderType()
	if ptr {
		t = t.Elem()
	}
	list := t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 && t != fileHeaderType()
	item := t
	if list {
		item = t.Elem()
		if ptr {
			fail("is a pointer to a slice; use the slice: an absent parameter leaves it nil")
		}
	}
	switch {
	case list && (src == sourcePath || src == sourceCookie):
		fail("is a slice: " + src.String() + " parameters take one value")
	case comma && !list:
		fail("has the comma option but is not a slice")
	case list && src == sourceHeader:
		comma = true // header lists are comma-separated
	case item == fileHeaderType() && src != sourceForm:
		fail("is a *multipart.FileHeader, which only a form tag can bind")
	}
	p.explode = !comma
	itemBind := binderFor(item)
	if itemBind == nil {
		fail("has type " + sf.Type.String() + ", which a " + src.String() + " parameter cannot take")
	}
	switch {
	case list:
		p.bind = listBinder(t, itemBind, comma, src == sourceHeader)
	case ptr:
		p.bind = ptrBinder(t, itemBind)
	default:
		p.bind = itemBind
	}

	if def, ok := sf.Tag.Lookup("default"); ok {
		if src == sourcePath {
			fail("is a path parameter, which cannot have a default")
		}
		// A list's default is its items, separated by commas, whatever
		// the list's own form: default:"a, b" is the items a and b.
		items := []string{def}
		if list {
			items = strings.Split(def, ",")
			for i := range items {
				items[i] = strings.TrimSpace(items[i])
			}
			p.defs = items
		}
		var probe = reflect.New(sf.Type)
		for _, d := range items {
			if msg, ok := p.bind(probe.UnsafePointer(), d); !ok {
				fail("default " + strconv.Quote(def) + " " + msg)
			}
		}
		p.hasDefault, p.def = true, def
	}
	switch v, ok := sf.Tag.Lookup("required"); {
	case src == sourcePath:
		if ok && v != "true" {
			fail("is a path parameter, which is always required")
		}
		p.required = true
	case ok:
		p.required = r.required // fieldRules parsed the tag
	default:
		// A list and a bool have a natural absent value, nil and false:
		// they are optional unless tagged required:"true".
		p.required = !ptr && !omit && !p.hasDefault && !list && t.Kind() != reflect.Bool
	}
	p.rules.required = p.required
	return p
}

// planBody builds the plan of the input's Body field.
func planBody(o *operation, sf reflect.StructField, fail func(field, msg string)) *bodyPlan {
	r, err := fieldRules(sf)
	if err != nil {
		fail("Body", err.Error())
	}
	b := &bodyPlan{typ: sf.Type, rules: r, required: sf.Type.Kind() != reflect.Pointer}
	t := sf.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	ct, hasCT := sf.Tag.Lookup("contentType")
	switch {
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 || t.Kind() == reflect.String:
		if b.typ.Kind() == reflect.Pointer {
			fail("Body", "a raw body is []byte or string, not a pointer")
		}
		b.kind = bodyRaw
		b.required = false // an empty raw body is an empty value
		if hasCT {
			for _, m := range strings.Split(ct, ",") {
				if m = strings.TrimSpace(m); m != "" {
					b.contentTypes = append(b.contentTypes, strings.ToLower(m))
				}
			}
		}
	default:
		if hasCT {
			fail("Body", "a contentType tag is for []byte and string bodies; a JSON body takes application/json")
		}
		b.kind = bodyJSON
		b.contentTypes = []string{"application/json"}
		b.refuseUnknown = !o.meta.AllowUnknownFields
	}
	b.rules.required = b.required
	return b
}

// checkJSONType refuses types no JSON codec can decode into.
func checkJSONType(t reflect.Type, seen map[reflect.Type]bool) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Chan, reflect.Func, reflect.Complex64, reflect.Complex128, reflect.UnsafePointer:
		return errors.New("type " + t.String() + " cannot be decoded from JSON")
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return checkJSONType(t.Elem(), seen)
	case reflect.Map:
		return checkJSONType(t.Elem(), seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if _, _, ok := jsonName(sf); ok {
				if err := checkJSONType(sf.Type, seen); err != nil {
					return errors.New("field " + sf.Name + ": " + err.Error())
				}
			}
		}
	}
	return nil
}

// patternParams returns the names of a pattern's parameters and
// catch-all.
func patternParams(pattern string) []string {
	var names []string
	for i := 0; i < len(pattern); i++ {
		if pattern[i] != ':' && pattern[i] != '*' {
			continue
		}
		j := i + 1
		for j < len(pattern) && (isWordByte(pattern[j])) {
			j++
		}
		names = append(names, pattern[i+1:j])
		i = j - 1
	}
	return names
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// binderFor returns the binder of a scalar type, or nil when t is not one
// a parameter can take.
func binderFor(t reflect.Type) binder {
	switch t {
	case timeType():
		return func(p unsafe.Pointer, s string) (string, bool) {
			v, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return "must be a date-time in RFC 3339 format", false
			}
			*(*time.Time)(p) = v
			return "", true
		}
	case durationType():
		return func(p unsafe.Pointer, s string) (string, bool) {
			v, err := time.ParseDuration(s)
			if err != nil {
				return "must be a duration such as 1m30s", false
			}
			*(*time.Duration)(p) = v
			return "", true
		}
	case fileHeaderType():
		return func(unsafe.Pointer, string) (string, bool) { return "must be a file", false }
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerIfce()) {
		return func(p unsafe.Pointer, s string) (string, bool) {
			u := reflect.NewAt(t, p).Interface().(encoding.TextUnmarshaler)
			if u.UnmarshalText([]byte(s)) != nil {
				return "is not a valid value", false
			}
			return "", true
		}
	}
	k := scalarOf(t)
	switch {
	case k == scalarString:
		return func(p unsafe.Pointer, s string) (string, bool) {
			*(*string)(p) = s
			return "", true
		}
	case k == scalarBool:
		return func(p unsafe.Pointer, s string) (string, bool) {
			v, err := strconv.ParseBool(s)
			if err != nil {
				return "must be true or false", false
			}
			*(*bool)(p) = v
			return "", true
		}
	case k.signed():
		bits := t.Bits()
		msg := "must be an integer"
		if bits < 64 {
			msg += " from " + strconv.FormatInt(-1<<(bits-1), 10) + " to " + strconv.FormatInt(1<<(bits-1)-1, 10)
		}
		return func(p unsafe.Pointer, s string) (string, bool) {
			v, err := strconv.ParseInt(s, 10, bits)
			if err != nil {
				return msg, false
			}
			switch k {
			case scalarInt:
				*(*int)(p) = int(v)
			case scalarInt8:
				*(*int8)(p) = int8(v)
			case scalarInt16:
				*(*int16)(p) = int16(v)
			case scalarInt32:
				*(*int32)(p) = int32(v)
			default:
				*(*int64)(p) = v
			}
			return "", true
		}
	case k.unsigned():
		bits := t.Bits()
		msg := "must be an integer from 0 to " + strconv.FormatUint(math.MaxUint64>>(64-bits), 10)
		if bits == 64 {
			msg = "must be an integer of 0 or more"
		}
		return func(p unsafe.Pointer, s string) (string, bool) {
			v, err := strconv.ParseUint(s, 10, bits)
			if err != nil {
				return msg, false
			}
			switch k {
			case scalarUint:
				*(*uint)(p) = uint(v)
			case scalarUint8:
				*(*uint8)(p) = uint8(v)
			case scalarUint16:
				*(*uint16)(p) = uint16(v)
			case scalarUint32:
				*(*uint32)(p) = uint32(v)
			case scalarUintptr:
				*(*uintptr)(p) = uintptr(v)
			default:
				*(*uint64)(p) = v
			}
			return "", true
		}
	case k.float():
		bits := t.Bits()
		return func(p unsafe.Pointer, s string) (string, bool) {
			v, err := strconv.ParseFloat(s, bits)
			if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
				return "must be a number", false
			}
			if k == scalarFloat32 {
				*(*float32)(p) = float32(v)
			} else {
				*(*float64)(p) = v
			}
			return "", true
		}
	}
	return nil
}

// ptrBinder binds into a new value of t, then points the field at it.
func ptrBinder(t reflect.Type, item binder) binder {
	return func(p unsafe.Pointer, s string) (string, bool) {
		v := reflect.New(t).UnsafePointer()
		if msg, ok := item(v, s); !ok {
			return msg, false
		}
		*(*unsafe.Pointer)(p) = v
		return "", true
	}
}

// listBinder binds one raw value of a slice parameter: it appends the
// item (or, comma, the comma-separated items) to the slice of type t.
// With trim, spaces and tabs around items are removed (header lists).
func listBinder(t reflect.Type, item binder, comma, trim bool) binder {
	size := t.Elem().Size()
	return func(p unsafe.Pointer, s string) (string, bool) {
		n := 1
		if comma {
			n = strings.Count(s, ",") + 1
		}
		sv := reflect.NewAt(t, p).Elem()
		old := sv.Len()
		grown := reflect.AppendSlice(sv, reflect.MakeSlice(t, n, n))
		base := grown.UnsafePointer()
		for i := 0; i < n; i++ {
			part := s
			if comma {
				part, s, _ = strings.Cut(s, ",")
			}
			if trim {
				part = trimOWS(part)
			}
			if msg, ok := item(unsafe.Add(base, uintptr(old+i)*size), part); !ok {
				return msg, false
			}
		}
		sv.Set(grown)
		return "", true
	}
}

// bindInput binds c's request into the input at base, then checks it.
// It returns nil or a *ProblemError: 400 for values that do not parse, 415
// for a body of the wrong type, 422 for violated rules.
func (o *operation) bindInput(c *Context, base unsafe.Pointer) error {
	var v violations
	var form *multipart.Form
	var values url.Values
	if o.body != nil {
		var err error
		if values, form, err = o.readBody(c, base, &v); err != nil {
			return err
		}
	}
	for i := range o.params {
		p := &o.params[i]
		fp := unsafe.Add(base, p.off)
		found := false
		switch p.source {
		case sourcePath:
			s, ok := c.params.get(p.name)
			found = ok
			if ok {
				v.bind(p, fp, s)
			}
		case sourceQuery:
			if p.typ.Kind() == reflect.Slice {
				for j := range c.req.query {
					if f := &c.req.query[j]; queryKeyEqual(f.name, p.name) {
						found = true
						v.bind(p, fp, c.req.unescapeQuery(f.value))
					}
				}
			} else if s, ok := c.req.queryValue(p.name); ok {
				found = true
				v.bind(p, fp, s)
			}
		case sourceHeader:
			if p.typ.Kind() == reflect.Slice {
				for _, line := range c.HeaderValues(p.name) {
					found = true
					v.bind(p, fp, line)
				}
			} else if s, ok := c.req.header(p.name); ok {
				found = true
				v.bind(p, fp, c.req.stable(s))
			}
		case sourceCookie:
			if s, ok := c.Cookie(p.name); ok {
				found = true
				v.bind(p, fp, s)
			}
		case sourceForm:
			found = bindFormField(p, fp, values, form, &v)
		}
		if !found {
			switch {
			case p.defs != nil:
				for _, d := range p.defs {
					p.bind(fp, d)
				}
				found = true
			case p.hasDefault:
				p.bind(fp, p.def)
				found = true
			case p.required:
				v.invalid(p.location, msgRequired, nil)
			}
		}
		if found && (p.check.scalarChecks || p.check.list) {
			v.root = p.location
			v.checkField(&p.check, fp)
		}
	}
	if len(v.bad) > 0 {
		return v.problem()
	}
	if o.validator != nil {
		v.root = "body"
		v.checkStruct(o.validator, base)
		// A required member that decoded to its zero value may be
		// missing: only then is the body scanned for it.
		if v.maybeMissing && v.decoded && o.presence != nil {
			_, fold := c.router.jsonCodec().(StandardJSON)
			checkPresence(c.body, o.presence, fold, &v)
		}
		if len(v.list) == 0 && o.validator.hasValidate() {
			v.runValidates(o.validator, base, false)
			if o.validator.validator {
				v.root = ""
				v.addValidateError(reflect.NewAt(o.input, base).Interface().(Validator).Validate())
			}
		}
	}
	if len(v.list) > 0 {
		return v.problem()
	}
	return nil
}

// bindFormField binds a form field from a parsed form, reporting whether
// the form has it.
func bindFormField(p *paramPlan, fp unsafe.Pointer, values url.Values, form *multipart.Form, v *violations) bool {
	t := p.typ
	if t == fileHeaderType() || t.Kind() == reflect.Slice && t.Elem() == fileHeaderType() {
		if form == nil || len(form.File[p.name]) == 0 {
			return false
		}
		files := form.File[p.name]
		if t == fileHeaderType() {
			*(**multipart.FileHeader)(fp) = files[0]
		} else {
			*(*[]*multipart.FileHeader)(fp) = files
		}
		return true
	}
	var vs []string
	if form != nil {
		vs = form.Value[p.name]
	} else {
		vs = values[p.name]
	}
	if len(vs) == 0 {
		return false
	}
	if t.Kind() != reflect.Slice {
		vs = vs[:1]
	}
	for _, s := range vs {
		v.bind(p, fp, s)
	}
	return true
}

// maxFormMemory bounds the multipart form held in memory; the ALB's own
// limit on a request body (1 MB) is lower.
const maxFormMemory = 8 << 20

// readBody reads the request body into the input at base, or parses the
// form. A body of the wrong content type is a 415 answered at once;
// malformed JSON or form data is recorded in v as a 400.
func (o *operation) readBody(c *Context, base unsafe.Pointer, v *violations) (url.Values, *multipart.Form, error) {
	b := o.body
	ct, hasCT := c.req.header("Content-Type")
	empty := len(bytes.TrimSpace(c.body)) == 0
	switch b.kind {
	case bodyRaw:
		if len(b.contentTypes) > 0 && len(c.body) > 0 && !mediaTypeIn(ct, b.contentTypes) {
			return nil, nil, unsupportedMediaType(ct, hasCT, b.contentTypes)
		}
		fp := unsafe.Add(base, b.off)
		if b.typ.Kind() == reflect.String {
			*(*string)(fp) = string(c.body)
		} else {
			*(*[]byte)(fp) = bytes.Clone(c.body)
		}
		return nil, nil, nil
	case bodyForm:
		if empty && !hasCT {
			return nil, nil, nil
		}
		mt, params, err := mime.ParseMediaType(ct)
		switch {
		case err == nil && mt == "application/x-www-form-urlencoded":
			values, err := url.ParseQuery(string(c.body))
			if err != nil {
				v.malform("body", "is not valid form data", nil)
			}
			return values, nil, nil
		case err == nil && mt == "multipart/form-data":
			form, err := multipart.NewReader(bytes.NewReader(c.body), params["boundary"]).ReadForm(maxFormMemory)
			if err != nil {
				v.malform("body", "is not valid multipart form data", nil)
				return nil, nil, nil
			}
			return nil, form, nil
		}
		return nil, nil, unsupportedMediaType(ct, hasCT, b.contentTypes)
	}
	// JSON
	if empty {
		if b.required {
			v.malform("body", "is empty; a JSON body is required", nil)
		}
		return nil, nil, nil
	}
	if !hasCT || !isJSONMediaType(ct) {
		return nil, nil, unsupportedMediaType(ct, hasCT, b.contentTypes)
	}
	// JSON null is no value: for a required body, as for an empty one,
	// a 400. A pointer Body takes it as nil.
	if b.required && string(bytes.TrimSpace(c.body)) == "null" {
		v.malform("body", "is null; a JSON body is required", nil)
		return nil, nil, nil
	}
	target := base
	t := b.typ
	if b.field != nil {
		target = unsafe.Add(base, b.off)
	}
	err := c.router.jsonCodec().Unmarshal(c.body, reflect.NewAt(t, target).Interface(), b.refuseUnknown)
	if err != nil {
		var jerr *JSONError
		if !errors.As(err, &jerr) {
			return nil, nil, err // a bug in the codec or the type: a 500
		}
		v.malform(bodyLocation(jerr.Field), jerr.Error(), nil)
		return nil, nil, nil
	}
	v.decoded = true
	return nil, nil, nil
}

// bodyLocation turns a JSONError's dotted field path ("items.0.qty")
// into a location ("body.items[0].qty").
func bodyLocation(field string) string {
	if field == "" {
		return "body"
	}
	var b strings.Builder
	b.WriteString("body")
	for part := range strings.SplitSeq(field, ".") {
		if _, err := strconv.Atoi(part); err == nil && part != "" && part[0] != '-' && part[0] != '+' {
			b.WriteString("[" + part + "]")
		} else {
			b.WriteString("." + part)
		}
	}
	return b.String()
}

// mediaTypeIn reports whether ct (parameters ignored) is one of types,
// which are lower case; a type ending in "/*" matches its whole family.
func mediaTypeIn(ct string, types []string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(trimOWS(mt))
	for _, t := range types {
		if t == mt || strings.HasSuffix(t, "/*") && strings.HasPrefix(mt, t[:len(t)-1]) || t == "*/*" {
			return true
		}
	}
	return false
}

// unsupportedMediaType returns the 415 problem for a body of type ct.
func unsupportedMediaType(ct string, hasCT bool, want []string) error {
	detail := "Content-Type " + strconv.Quote(ct) + " is not accepted; expected " + strings.Join(want, " or ")
	if !hasCT {
		detail = "Content-Type is missing; expected " + strings.Join(want, " or ")
	}
	return &ProblemError{Problem: Problem{Status: http.StatusUnsupportedMediaType,
		Title: http.StatusText(http.StatusUnsupportedMediaType), Detail: detail}}
}
