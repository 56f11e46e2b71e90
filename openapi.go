package alb

import (
	"encoding"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// OpenAPIOptions are the parts of the API document that do not come from
// the routes.
type OpenAPIOptions struct {
	// Title and Version are the document's info.title and info.version:
	// the API's name and its own version (not alb's). Empty means "API"
	// and "0.0.0".
	Title   string
	Version string

	// Description is info.description (CommonMark).
	Description string

	// Servers are the base URLs the API is served at. None means the
	// document's own origin.
	Servers []OpenAPIServer

	// Path is where ServeOpenAPI serves the document: "/openapi.json"
	// when empty.
	Path string

	// DocsPath is where ServeOpenAPI serves the reference page that
	// renders the document: "/docs" when empty, none when "-".
	DocsPath string
}

// OpenAPIServer is a base URL the API is served at.
type OpenAPIServer struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
}

// OpenAPI returns the OpenAPI 3.1 document of every route registered so
// far, as JSON: typed routes (Register) with their parameters, bodies,
// constraints, answers and errors; plain HandlerFunc routes with their
// path parameters and a generic answer. Named struct types are component
// schemas, referred to by $ref; their names are the Go type names, made
// unique by the package name, then its path, when two packages use the
// same one. Routes registered by ServeOpenAPI are left out.
//
// The document is the same, byte for byte, for the same routes and
// options. OpenAPI does not change the router; it is meant to run once,
// after the routes are registered (ServeOpenAPI builds it on the first
// request and keeps the bytes).
func (r *Router) OpenAPI(opts OpenAPIOptions) ([]byte, error) {
	g := newDocGen(r)
	doc := g.document(opts)
	if g.err != nil {
		return nil, g.err
	}
	return json.MarshalIndent(doc, "", "  ")
}

// ServeOpenAPI registers GET routes for the API document (opts.Path) and
// for a page that renders it (opts.DocsPath; see DocsHandler). The
// document is built once, when the router starts serving (every route is
// registered by then), and served from those bytes: no allocation per
// request. A document that cannot be built (a Go type the generator
// cannot describe) is logged as an error on the Router's Logger when the
// router starts serving, and its route answers 500.
func (r *Router) ServeOpenAPI(opts OpenAPIOptions) {
	if opts.Path == "" {
		opts.Path = "/openapi.json"
	}
	if opts.DocsPath == "" {
		opts.DocsPath = "/docs"
	}
	var (
		once sync.Once
		doc  []byte
		err  error
	)
	build := func() {
		once.Do(func() {
			if doc, err = r.OpenAPI(opts); err != nil {
				r.logger().Error("alb: the API document cannot be built; "+opts.Path+" answers 500", slog.Any("error", err))
			}
		})
	}
	r.docBuilds = append(r.docBuilds, build)
	r.hideFromDocument(http.MethodGet, opts.Path)
	r.GET(opts.Path, func(c *Context) error {
		build()
		if err != nil {
			return err
		}
		c.SetHeader("Cache-Control", "no-cache")
		return c.Blob(http.StatusOK, "application/json", doc)
	})
	if opts.DocsPath != "-" {
		r.hideFromDocument(http.MethodGet, opts.DocsPath)
		r.GET(opts.DocsPath, DocsHandler(opts.Path, opts.Title))
	}
}

// hideFromDocument leaves the route method pattern out of the document.
func (r *Router) hideFromDocument(method, pattern string) {
	if r.docHidden == nil {
		r.docHidden = map[string]bool{}
	}
	r.docHidden[method+" "+pattern] = true
}

// The document's objects, in the order OpenAPI 3.1 lists their fields.
type (
	apiDocument struct {
		OpenAPI    string                 `json:"openapi"`
		Info       apiInfo                `json:"info"`
		Servers    []OpenAPIServer        `json:"servers,omitempty"`
		Paths      map[string]apiPathItem `json:"paths"`
		Components apiComponents          `json:"components"`
		Tags       []apiTag               `json:"tags,omitempty"`
		Security   []map[string][]string  `json:"security,omitempty"`
	}
	apiInfo struct {
		Title       string `json:"title"`
		Version     string `json:"version"`
		Description string `json:"description,omitempty"`
	}
	apiTag struct {
		Name string `json:"name"`
	}
	apiComponents struct {
		Schemas         map[string]*jsonSchema       `json:"schemas,omitempty"`
		SecuritySchemes map[string]apiSecurityScheme `json:"securitySchemes,omitempty"`
	}
	apiSecurityScheme struct {
		Type             string `json:"type"`
		Description      string `json:"description,omitempty"`
		Name             string `json:"name,omitempty"`
		In               string `json:"in,omitempty"`
		Scheme           string `json:"scheme,omitempty"`
		BearerFormat     string `json:"bearerFormat,omitempty"`
		OpenIDConnectURL string `json:"openIdConnectUrl,omitempty"`
	}
	apiPathItem  map[string]*apiOperation // lower-case method -> operation
	apiOperation struct {
		Tags        []string               `json:"tags,omitempty"`
		Summary     string                 `json:"summary,omitempty"`
		Description string                 `json:"description,omitempty"`
		OperationID string                 `json:"operationId,omitempty"`
		Parameters  []apiParameter         `json:"parameters,omitempty"`
		RequestBody *apiRequestBody        `json:"requestBody,omitempty"`
		Responses   map[string]apiResponse `json:"responses"`
		Deprecated  bool                   `json:"deprecated,omitempty"`
		Security    *[]map[string][]string `json:"security,omitempty"`
	}
	apiParameter struct {
		Name        string      `json:"name"`
		In          string      `json:"in"`
		Description string      `json:"description,omitempty"`
		Required    bool        `json:"required,omitempty"`
		Style       string      `json:"style,omitempty"`
		Explode     *bool       `json:"explode,omitempty"`
		Schema      *jsonSchema `json:"schema"`
	}
	apiRequestBody struct {
		Description string                  `json:"description,omitempty"`
		Content     map[string]apiMediaType `json:"content"`
		Required    bool                    `json:"required,omitempty"`
	}
	apiMediaType struct {
		Schema *jsonSchema `json:"schema,omitempty"`
	}
	apiResponse struct {
		Description string                  `json:"description"`
		Headers     map[string]apiHeader    `json:"headers,omitempty"`
		Content     map[string]apiMediaType `json:"content,omitempty"`
	}
	apiHeader struct {
		Description string      `json:"description,omitempty"`
		Schema      *jsonSchema `json:"schema"`
	}
)

// jsonSchema is a JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it),
// with the keywords the generator writes.
type jsonSchema struct {
	Ref                   string        `json:"$ref,omitempty"`
	Type                  any           `json:"type,omitempty"` // a name, or a list of names
	Format                string        `json:"format,omitempty"`
	Description           string        `json:"description,omitempty"`
	AnyOf                 []*jsonSchema `json:"anyOf,omitempty"`
	Enum                  []any         `json:"enum,omitempty"`
	Default               any           `json:"default,omitempty"`
	Examples              []any         `json:"examples,omitempty"`
	Minimum               *float64      `json:"minimum,omitempty"`
	Maximum               *float64      `json:"maximum,omitempty"`
	ExclusiveMinimum      *float64      `json:"exclusiveMinimum,omitempty"`
	ExclusiveMaximum      *float64      `json:"exclusiveMaximum,omitempty"`
	MultipleOf            *float64      `json:"multipleOf,omitempty"`
	MinLength             *int          `json:"minLength,omitempty"`
	MaxLength             *int          `json:"maxLength,omitempty"`
	Pattern               string        `json:"pattern,omitempty"`
	ContentEncoding       string        `json:"contentEncoding,omitempty"`
	ContentMediaType      string        `json:"contentMediaType,omitempty"`
	Items                 *jsonSchema   `json:"items,omitempty"`
	MinItems              *int          `json:"minItems,omitempty"`
	MaxItems              *int          `json:"maxItems,omitempty"`
	UniqueItems           bool          `json:"uniqueItems,omitempty"`
	Properties            *schemaProps  `json:"properties,omitempty"`
	Required              []string      `json:"required,omitempty"`
	AdditionalProperties  any           `json:"additionalProperties,omitempty"` // *jsonSchema or false
	UnevaluatedProperties *bool         `json:"unevaluatedProperties,omitempty"`
	Deprecated            bool          `json:"deprecated,omitempty"`
}

// schemaProps are an object's properties in the order of the Go fields.
type schemaProps struct {
	names   []string
	schemas []*jsonSchema
}

func (p *schemaProps) add(name string, s *jsonSchema) {
	if i := slices.Index(p.names, name); i >= 0 {
		// A field that shadows a promoted one of the same name wins,
		// as in the codecs; it comes later from an embedded struct
		// only when it is shallower, which the walk order ensures.
		return
	}
	p.names = append(p.names, name)
	p.schemas = append(p.schemas, s)
}

// MarshalJSON writes the properties in order.
func (p *schemaProps) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, name := range p.names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(append(b, '"'), name)
		b = append(b, '"', ':')
		s, err := json.Marshal(p.schemas[i])
		if err != nil {
			return nil, err
		}
		b = append(b, s...)
	}
	return append(b, '}'), nil
}

// Names of the component schemas every document may refer to.
const (
	problemSchemaName = "Problem"
	errorSchemaName   = "Error"
)

// docGen builds one document.
type docGen struct {
	r      *Router
	err    error
	names  map[reflect.Type]string // named struct types -> component name
	built  map[reflect.Type]bool   // components written (or being written)
	schema map[string]*jsonSchema  // components
	scheme map[string]apiSecurityScheme
	used   map[string]bool // component names of the Problem and Error schemas in use
}

func newDocGen(r *Router) *docGen {
	return &docGen{
		r:      r,
		names:  map[reflect.Type]string{},
		built:  map[reflect.Type]bool{},
		schema: map[string]*jsonSchema{},
		scheme: map[string]apiSecurityScheme{},
		used:   map[string]bool{},
	}
}

func (g *docGen) fail(err error) {
	if g.err == nil {
		g.err = err
	}
}

// document builds the whole document.
func (g *docGen) document(opts OpenAPIOptions) *apiDocument {
	doc := &apiDocument{
		OpenAPI: "3.1.0",
		Info:    apiInfo{Title: opts.Title, Version: opts.Version, Description: opts.Description},
		Servers: opts.Servers,
		Paths:   map[string]apiPathItem{},
	}
	if doc.Info.Title == "" {
		doc.Info.Title = "API"
	}
	if doc.Info.Version == "" {
		doc.Info.Version = "0.0.0"
	}
	var ops []*operation
	for _, op := range g.r.operations() {
		if !g.r.docHidden[op.method+" "+op.pattern] {
			ops = append(ops, op)
		}
	}
	g.nameTypes(ops)
	var tags []string
	for _, op := range ops {
		path, pathParams := openAPIPath(op.pattern)
		item := doc.Paths[path]
		if item == nil {
			item = apiPathItem{}
			doc.Paths[path] = item
		}
		method := strings.ToLower(op.method)
		if !isOpenAPIMethod(method) {
			continue // the document has no place for other methods
		}
		item[method] = g.operation(op, pathParams)
		for _, t := range op.meta.Tags {
			if !slices.Contains(tags, t) {
				tags = append(tags, t)
			}
		}
	}
	for _, t := range tags {
		doc.Tags = append(doc.Tags, apiTag{Name: t})
	}
	if g.used[problemSchemaName] {
		g.schema[problemSchemaName] = problemSchema()
	}
	if g.used[errorSchemaName] {
		g.schema[errorSchemaName] = errorSchema()
	}
	doc.Components.Schemas = g.schema
	if len(g.scheme) > 0 {
		doc.Components.SecuritySchemes = g.scheme
	}
	return doc
}

// isOpenAPIMethod reports whether a Path Item Object has a field for the
// lower-case method.
func isOpenAPIMethod(m string) bool {
	switch m {
	case "get", "put", "post", "delete", "options", "head", "patch", "trace":
		return true
	}
	return false
}

// openAPIPath turns an alb pattern into an OpenAPI path template
// ("/users/:id" -> "/users/{id}", "/files/*path" -> "/files/{path}",
// "/qr/:code.png" -> "/qr/{code}.png") and returns the parameter names in
// order, the catch-all's with a true flag.
func openAPIPath(pattern string) (string, []pathParam) {
	var b strings.Builder
	var params []pathParam
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c != ':' && c != '*' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(pattern) && isParamNameByte(pattern[j]) {
			j++
		}
		name := pattern[i+1 : j]
		params = append(params, pathParam{name: name, catchAll: c == '*'})
		b.WriteString("{" + name + "}")
		i = j - 1
	}
	return b.String(), params
}

type pathParam struct {
	name     string
	catchAll bool
}

func isParamNameByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// operation builds the Operation Object of op.
func (g *docGen) operation(op *operation, pathParams []pathParam) *apiOperation {
	o := &apiOperation{Responses: map[string]apiResponse{}}
	secs := g.security(op, o)
	if !op.typed {
		for _, p := range pathParams {
			o.Parameters = append(o.Parameters, g.plainPathParam(p))
		}
		o.Responses["default"] = apiResponse{Description: "The handler's answer (a route without a typed handler: not described)."}
		g.securityErrors(o, secs)
		return o
	}
	m := op.meta
	o.Tags, o.Summary, o.Description, o.OperationID, o.Deprecated = m.Tags, m.Summary, m.Description, m.OperationID, m.Deprecated
	var form []paramPlan
	for _, p := range op.params {
		if p.source == sourceForm {
			form = append(form, p)
			continue
		}
		o.Parameters = append(o.Parameters, g.parameter(p))
	}
	// Route parameters the input does not bind are still parameters.
	for _, pp := range pathParams {
		if !slices.ContainsFunc(op.params, func(p paramPlan) bool { return p.source == sourcePath && p.name == pp.name }) {
			o.Parameters = append(o.Parameters, g.plainPathParam(pp))
		}
	}
	if op.body != nil {
		o.RequestBody = g.requestBody(op.body, form)
	}
	for _, st := range op.statuses {
		o.Responses[strconv.Itoa(st)] = g.success(op, st)
	}
	problem := func(status int, desc string) {
		key := strconv.Itoa(status)
		if _, ok := o.Responses[key]; ok {
			return
		}
		if desc == "" {
			desc = http.StatusText(status)
		}
		o.Responses[key] = apiResponse{Description: desc, Content: g.problemContent()}
	}
	for _, st := range op.problemStatuses() {
		problem(st, problemDescriptions[st])
	}
	for _, e := range m.Errors {
		problem(e.Status, e.Description)
	}
	problem(http.StatusInternalServerError, "The handler failed; the details are in the function's log.")
	g.securityErrors(o, secs)
	return o
}

// problemDescriptions describe the problems binding answers.
var problemDescriptions = map[int]string{
	http.StatusBadRequest:           "The request is malformed: a value that does not parse, or a body that is not valid JSON.",
	http.StatusUnsupportedMediaType: "The request body has a Content-Type the operation does not take.",
	http.StatusUnprocessableEntity:  "A value breaks a rule of the operation: every value in error is listed in errors.",
}

// security sets o's security requirement from the described middleware
// of op's chain and returns their descriptions.
func (g *docGen) security(op *operation, o *apiOperation) []*Security {
	var secs []*Security
	for _, mw := range op.chain {
		d := descriptionOf(mw)
		if d.sec != nil || len(d.errs) > 0 {
			secs = append(secs, &Security{Errors: d.errs})
		}
		if d.sec != nil && len(d.sec.Schemes) > 0 {
			secs = append(secs, d.sec)
		}
	}
	if !slices.ContainsFunc(secs, func(s *Security) bool { return len(s.Schemes) > 0 }) {
		return secs
	}
	// Each middleware must be satisfied (AND); any scheme of one
	// middleware satisfies it (OR). OpenAPI lists alternatives, each a
	// set of schemes that must all hold: the product of the lists.
	reqs := []map[string][]string{{}}
	for _, s := range secs {
		if len(s.Schemes) == 0 {
			continue
		}
		var next []map[string][]string
		for _, req := range reqs {
			for _, sc := range s.Schemes {
				g.addScheme(sc)
				n := make(map[string][]string, len(req)+1)
				for k, v := range req {
					n[k] = v
				}
				n[sc.Name] = []string{}
				next = append(next, n)
			}
		}
		if len(next) > 0 {
			reqs = next
		}
	}
	o.Security = &reqs
	return secs
}

// addScheme adds a security scheme to the components.
func (g *docGen) addScheme(s SecurityScheme) {
	as := apiSecurityScheme{Type: s.Type, Description: s.Description, Scheme: s.Scheme,
		BearerFormat: s.BearerFormat, OpenIDConnectURL: s.OpenIDConnectURL}
	if s.Type == "apiKey" {
		as.Name, as.In = s.ParamName, s.In
	}
	if old, ok := g.scheme[s.Name]; ok && old != as {
		g.fail(errors.New("alb: two middleware describe different security schemes named " + strconv.Quote(s.Name)))
		return
	}
	g.scheme[s.Name] = as
}

// securityErrors adds the answers of the described middleware (auth
// failures, DescribeErrors), in the shape the Router's ErrorHandler gives
// them.
func (g *docGen) securityErrors(o *apiOperation, secs []*Security) {
	for _, s := range secs {
		for _, e := range s.Errors {
			key := strconv.Itoa(e.Status)
			if _, ok := o.Responses[key]; ok {
				continue
			}
			desc := e.Description
			if desc == "" {
				desc = http.StatusText(e.Status)
			}
			o.Responses[key] = apiResponse{Description: desc, Content: g.errorContent()}
		}
	}
}

// errorContent is the content of an error answered by the Router's
// ErrorHandler for an *HTTPError: {"message"} from DefaultErrorHandler,
// a problem from ProblemErrorHandler, either from a handler of the
// user's own.
func (g *docGen) errorContent() map[string]apiMediaType {
	problem := apiMediaType{Schema: &jsonSchema{Ref: "#/components/schemas/" + problemSchemaName}}
	message := apiMediaType{Schema: &jsonSchema{Ref: "#/components/schemas/" + errorSchemaName}}
	switch eh := g.r.ErrorHandler; {
	case eh == nil || funcPointer(eh) == funcPointer(DefaultErrorHandler):
		g.used[errorSchemaName] = true
		return map[string]apiMediaType{"application/json": message}
	case funcPointer(eh) == funcPointer(ProblemErrorHandler):
		g.used[problemSchemaName] = true
		return map[string]apiMediaType{"application/problem+json": problem}
	}
	g.used[errorSchemaName], g.used[problemSchemaName] = true, true
	return map[string]apiMediaType{"application/json": message, "application/problem+json": problem}
}

// problemContent is the content of a typed route's error: a
// *ProblemError, which DefaultErrorHandler and ProblemErrorHandler send as
// application/problem+json; a handler of the user's own may send either.
func (g *docGen) problemContent() map[string]apiMediaType {
	g.used[problemSchemaName] = true
	content := map[string]apiMediaType{
		"application/problem+json": {Schema: &jsonSchema{Ref: "#/components/schemas/" + problemSchemaName}},
	}
	if eh := g.r.ErrorHandler; eh != nil && funcPointer(eh) != funcPointer(DefaultErrorHandler) &&
		funcPointer(eh) != funcPointer(ProblemErrorHandler) {
		g.used[errorSchemaName] = true
		content["application/json"] = apiMediaType{Schema: &jsonSchema{Ref: "#/components/schemas/" + errorSchemaName}}
	}
	return content
}

// funcPointer returns the code address of a function value.
func funcPointer(f func(*Context, error)) uintptr { return reflect.ValueOf(f).Pointer() }

// plainPathParam describes a route parameter no typed field binds.
func (g *docGen) plainPathParam(p pathParam) apiParameter {
	ap := apiParameter{Name: p.name, In: "path", Required: true, Schema: &jsonSchema{Type: "string"}}
	if p.catchAll {
		ap.Description = "The rest of the path, from its leading slash; it may hold slashes."
	}
	return ap
}

// parameter describes a bound parameter.
func (g *docGen) parameter(p paramPlan) apiParameter {
	ap := apiParameter{Name: p.name, In: p.source.String(), Required: p.required || p.source == sourcePath,
		Description: p.rules.doc}
	ap.Schema = g.paramSchema(p)
	if ap.Schema.Description == p.rules.doc {
		ap.Schema.Description = "" // said once, on the parameter
	}
	if ap.Schema.Type == "array" {
		switch p.source {
		case sourceQuery, sourceCookie:
			explode := p.explode
			ap.Style, ap.Explode = "form", &explode
		case sourceHeader:
			ap.Style = "simple"
		}
	}
	return ap
}

// paramSchema is the schema of a parameter's text: the field's type as
// text, with its rules and default.
func (g *docGen) paramSchema(p paramPlan) *jsonSchema {
	t := derefType(p.typ)
	if isListType(t) {
		s := &jsonSchema{Type: "array", Items: g.textSchema(derefType(t.Elem()))}
		applyRules(s, &p.rules, true)
		if p.hasDefault {
			var items []any
			for _, d := range strings.Split(p.def, ",") {
				items = append(items, typedValue(derefType(t.Elem()), strings.TrimSpace(d)))
			}
			s.Default = items
		}
		return s
	}
	s := g.textSchema(t)
	applyRules(s, &p.rules, false)
	if p.hasDefault {
		s.Default = typedValue(t, p.def)
	}
	return s
}

// textSchema is the schema of a scalar read from text (a parameter, a
// form field, a header).
func (g *docGen) textSchema(t reflect.Type) *jsonSchema {
	switch {
	case t == timeType():
		return &jsonSchema{Type: "string", Format: "date-time"}
	case t == durationType():
		return &jsonSchema{Type: "string", Description: "A duration such as 1h30m or 250ms."}
	}
	if s := scalarSchema(t); s != nil {
		return s
	}
	return &jsonSchema{Type: "string"}
}

// requestBody describes the body plan, with the form fields for a form.
func (g *docGen) requestBody(b *bodyPlan, form []paramPlan) *apiRequestBody {
	rb := &apiRequestBody{Required: b.required, Description: b.rules.doc, Content: map[string]apiMediaType{}}
	var s *jsonSchema
	switch b.kind {
	case bodyJSON:
		s = g.schemaOf(b.typ)
		if b.refuseUnknown && derefType(b.typ).Kind() == reflect.Struct {
			// Members the body type has no field for are refused (400).
			if s.Ref != "" {
				s = &jsonSchema{Ref: s.Ref}
			}
			s.UnevaluatedProperties = new(bool)
		}
	case bodyForm:
		s = &jsonSchema{Type: "object", Properties: &schemaProps{}}
		for _, p := range form {
			s.Properties.add(p.name, g.paramSchemaWithDoc(p))
			if p.required {
				s.Required = append(s.Required, p.name)
			}
		}
		rb.Required = rb.Required || len(s.Required) > 0
	case bodyRaw:
		s = &jsonSchema{Type: "string"}
		if derefType(b.typ).Kind() == reflect.Slice {
			s.ContentMediaType = "application/octet-stream"
		}
	}
	cts := b.contentTypes
	if len(cts) == 0 {
		cts = []string{"*/*"}
	}
	for _, ct := range cts {
		rb.Content[ct] = apiMediaType{Schema: s}
	}
	return rb
}

func (g *docGen) paramSchemaWithDoc(p paramPlan) *jsonSchema {
	s := g.paramSchema(p)
	if s.Description == "" {
		s.Description = p.rules.doc
	}
	return s
}

// success describes the answer of status st.
func (g *docGen) success(op *operation, st int) apiResponse {
	resp := apiResponse{Description: http.StatusText(st)}
	if resp.Description == "" {
		resp.Description = "Success"
	}
	out := op.out
	switch out.kind {
	case outputJSON:
		if st != http.StatusNoContent && st != http.StatusNotModified {
			resp.Content = map[string]apiMediaType{"application/json": {Schema: g.schemaOf(out.body)}}
		}
	case outputBytes, outputString:
		if st == http.StatusNoContent || st == http.StatusNotModified {
			break // sent without a body
		}
		ct := out.contentType
		s := &jsonSchema{Type: "string"}
		if out.kind == outputBytes {
			s.ContentMediaType = ct
		}
		resp.Content = map[string]apiMediaType{ct: {Schema: s}}
	}
	for _, h := range out.headers {
		if resp.Headers == nil {
			resp.Headers = map[string]apiHeader{}
		}
		hs := g.textSchema(derefType(h.typ))
		if isListType(derefType(h.typ)) {
			hs = &jsonSchema{Type: "array", Items: g.textSchema(derefType(derefType(h.typ).Elem()))}
		}
		if h.rules.example != "" {
			hs.Examples = []any{typedValue(derefType(h.typ), h.rules.example)}
		}
		resp.Headers[h.name] = apiHeader{Description: h.rules.doc, Schema: hs}
	}
	return resp
}

// problemSchema is the schema of Problem, as appendProblem writes it.
func problemSchema() *jsonSchema {
	p := &schemaProps{}
	p.add("type", &jsonSchema{Type: "string", Description: "A URI for the kind of problem; about:blank when the status says it all."})
	p.add("title", &jsonSchema{Type: "string", Description: "A short summary of the kind of problem."})
	p.add("status", &jsonSchema{Type: "integer", Description: "The HTTP status code."})
	p.add("detail", &jsonSchema{Type: "string", Description: "What went wrong with this request."})
	p.add("instance", &jsonSchema{Type: "string", Description: "A URI for this occurrence."})
	fe := &schemaProps{}
	fe.add("location", &jsonSchema{Type: "string", Description: `Where the value is: "query.limit", "path.id", "header.X-Name", "cookie.name", "form.name", or "body" and a path into it ("body.items[0].name").`})
	fe.add("message", &jsonSchema{Type: "string", Description: "What is wrong with it."})
	fe.add("value", &jsonSchema{Description: "The value in error, when there is one to show."})
	maxErrors := maxProblemErrors
	p.add("errors", &jsonSchema{Type: "array", Description: "Each value in error (at most 100 are listed).", MaxItems: &maxErrors, Items: &jsonSchema{
		Type: "object", Properties: fe, Required: []string{"location", "message"}}})
	return &jsonSchema{Type: "object", Description: "An RFC 9457 problem details object (application/problem+json).",
		Properties: p, Required: []string{"type", "title", "status"}}
}

// errorSchema is the schema of DefaultErrorHandler's answer.
func errorSchema() *jsonSchema {
	p := &schemaProps{}
	p.add("message", &jsonSchema{Type: "string"})
	return &jsonSchema{Type: "object", Properties: p, Required: []string{"message"}}
}

// nameTypes gives every named struct type the operations reach a
// component name: its Go name where no other type has it, else the
// package name and the Go name, else the package path and the Go name.
func (g *docGen) nameTypes(ops []*operation) {
	var types []reflect.Type
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(t.Elem())
		case reflect.Map:
			walk(t.Elem())
		case reflect.Struct:
			if isComponent(t) {
				types = append(types, t)
			}
			for i := range t.NumField() {
				walk(t.Field(i).Type)
			}
		}
	}
	for _, op := range ops {
		if op.body != nil && op.body.kind == bodyJSON {
			walk(op.body.typ)
		}
		if op.out.kind == outputJSON {
			walk(op.out.body)
		}
	}
	byName := map[string][]reflect.Type{}
	for _, t := range types {
		n := sanitizeName(t.Name())
		byName[n] = append(byName[n], t)
	}
	for n, ts := range byName {
		if len(ts) == 1 {
			g.names[ts[0]] = n
			continue
		}
		pkgs := map[string]int{}
		for _, t := range ts {
			pkgs[pkgName(t.PkgPath())]++
		}
		for _, t := range ts {
			if pkgs[pkgName(t.PkgPath())] == 1 {
				g.names[t] = sanitizeName(pkgName(t.PkgPath())) + "." + n
			} else {
				g.names[t] = sanitizeName(t.PkgPath()) + "." + n
			}
		}
	}
	for _, reserved := range []string{problemSchemaName, errorSchemaName} {
		for t, n := range g.names {
			if n == reserved {
				g.names[t] = sanitizeName(pkgName(t.PkgPath())) + "." + n
			}
		}
	}
}

// isComponent reports whether t gets a component schema of its own: a
// named struct type the codecs encode field by field.
func isComponent(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.Name() != "" && t != timeType() && !hasOwnJSON(t)
}

// pkgName is the last element of a package path.
func pkgName(path string) string {
	return path[strings.LastIndexByte(path, '/')+1:]
}

// sanitizeName keeps the characters a component name may hold
// (^[a-zA-Z0-9._-]+$), so "Page[example.com/x.Note]" becomes
// "Page_example.com_x.Note_".
func sanitizeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(isParamNameByte(c) || c == '.' || c == '-') {
			b[i] = '_'
		}
	}
	return string(b)
}

// jsonMarshalerType and textMarshalerType are functions, not package
// variables, for the reason validatorType is (see validate.go).
func jsonMarshalerType() reflect.Type { return reflect.TypeFor[json.Marshaler]() }
func textMarshalerType() reflect.Type { return reflect.TypeFor[encoding.TextMarshaler]() }

// hasOwnJSON reports whether t (or *t) writes its own JSON.
func hasOwnJSON(t reflect.Type) bool {
	return t.Implements(jsonMarshalerType()) || reflect.PointerTo(t).Implements(jsonMarshalerType())
}

// schemaOf is the schema of a value of type t as the JSON codecs write
// it; named structs by $ref.
func (g *docGen) schemaOf(t reflect.Type) *jsonSchema {
	if t == nil {
		return &jsonSchema{}
	}
	if t.Kind() == reflect.Pointer {
		return nullable(g.schemaOf(t.Elem()))
	}
	switch {
	case t == timeType():
		return &jsonSchema{Type: "string", Format: "date-time"}
	case t == durationType():
		return &jsonSchema{Type: "integer", Format: "int64", Description: "A duration in nanoseconds."}
	case hasOwnJSON(t):
		return &jsonSchema{}
	case t.Implements(textMarshalerType()) || reflect.PointerTo(t).Implements(textMarshalerType()):
		return &jsonSchema{Type: "string"}
	}
	if s := scalarSchema(t); s != nil {
		return s
	}
	switch t.Kind() {
	case reflect.Interface:
		return &jsonSchema{}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(jsonMarshalerType()) {
			return &jsonSchema{Type: []string{"string", "null"}, ContentEncoding: "base64"}
		}
		return &jsonSchema{Type: []string{"array", "null"}, Items: g.schemaOf(t.Elem())}
	case reflect.Array:
		n := t.Len()
		return &jsonSchema{Type: "array", Items: g.schemaOf(t.Elem()), MinItems: &n, MaxItems: &n}
	case reflect.Map:
		return &jsonSchema{Type: []string{"object", "null"}, AdditionalProperties: g.schemaOf(t.Elem())}
	case reflect.Struct:
		if name, ok := g.names[t]; ok {
			if !g.built[t] {
				g.built[t] = true
				g.schema[name] = g.structSchema(t)
			}
			return &jsonSchema{Ref: "#/components/schemas/" + name}
		}
		return g.structSchema(t)
	}
	g.fail(errors.New("alb: the API document cannot describe the Go type " + t.String()))
	return &jsonSchema{}
}

// structSchema is the object schema of a struct's members.
func (g *docGen) structSchema(t reflect.Type) *jsonSchema {
	s := &jsonSchema{Type: "object", Properties: &schemaProps{}}
	g.addFields(s, t, map[reflect.Type]bool{t: true})
	if len(s.Properties.names) == 0 {
		s.Properties = nil
	}
	return s
}

// addFields adds the members of t's fields to s, inlining embedded
// structs as the codecs do (outer fields first, so that they win).
func (g *docGen) addFields(s *jsonSchema, t reflect.Type, inlining map[reflect.Type]bool) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		sf := t.Field(i)
		name, omit, ok := jsonName(sf)
		if !ok {
			continue
		}
		if name == "" {
			et := derefType(sf.Type)
			if !inlining[et] {
				embedded = append(embedded, et)
			}
			continue
		}
		r, err := fieldRules(sf)
		if err != nil {
			g.fail(errors.New("alb: " + t.String() + "." + sf.Name + ": " + err.Error()))
			continue
		}
		fs := g.schemaOf(sf.Type)
		if omit {
			fs = notNull(fs) // omitted when empty, so never null
		}
		if strings.Contains(sf.Tag.Get("json"), ",string") {
			fs = stringified(fs)
		}
		fs = withRules(fs, &r, isListType(derefType(sf.Type)))
		if r.example != "" {
			fs.Examples = []any{typedValue(derefType(sf.Type), r.example)}
		}
		if r.required {
			// A required member may not be null: validation refuses
			// null as it refuses an absent member.
			fs = notNull(fs)
			s.Required = append(s.Required, name)
		}
		s.Properties.add(name, fs)
	}
	for _, et := range embedded {
		inlining[et] = true
		g.addFields(s, et, inlining)
	}
}

// withRules returns s with rules applied: s itself, or for a $ref (whose
// target the rules must not change) a schema that adds them beside it.
func withRules(s *jsonSchema, r *rules, list bool) *jsonSchema {
	if s.Ref != "" || s.AnyOf != nil {
		if r.doc != "" {
			c := *s
			c.Description = r.doc
			return &c
		}
		return s
	}
	applyRules(s, r, list)
	return s
}

// applyRules writes the constraints and description of r into s; for a
// list, every keyword but minItems, maxItems and uniqueItems goes to the
// items.
func applyRules(s *jsonSchema, r *rules, list bool) {
	if r.doc != "" {
		s.Description = r.doc
	}
	target := s
	if list {
		s.MinItems, s.MaxItems, s.UniqueItems = r.minItems, r.maxItems, r.uniqueItems
		if s.Items == nil {
			s.Items = &jsonSchema{}
		}
		if s.Items.Ref != "" {
			return // a struct item carries its own rules
		}
		target = s.Items
	}
	// The rules narrow the type's own range (an int8's, a uint's 0).
	target.Minimum = tighter(target.Minimum, r.minimum, math.Max)
	target.Maximum = tighter(target.Maximum, r.maximum, math.Min)
	target.ExclusiveMinimum, target.ExclusiveMaximum = r.exclusiveMinimum, r.exclusiveMaximum
	target.MultipleOf = r.multipleOf
	target.MinLength, target.MaxLength = r.minLength, r.maxLength
	target.Pattern = r.pattern
	if r.format != "" {
		target.Format = r.format
	}
	if len(r.enum) > 0 {
		target.Enum = r.enum
	}
}

// tighter returns the bound pick keeps of a type's bound and a rule's,
// either of which may be absent.
func tighter(typeBound, rule *float64, pick func(a, b float64) float64) *float64 {
	switch {
	case rule == nil:
		return typeBound
	case typeBound == nil:
		return rule
	}
	v := pick(*typeBound, *rule)
	return &v
}

// scalarSchema is the schema of a bool, number or string type, or nil.
func scalarSchema(t reflect.Type) *jsonSchema {
	zero := 0.0
	switch t.Kind() {
	case reflect.String:
		return &jsonSchema{Type: "string"}
	case reflect.Bool:
		return &jsonSchema{Type: "boolean"}
	case reflect.Int, reflect.Int64:
		return &jsonSchema{Type: "integer", Format: "int64"}
	case reflect.Int32:
		return &jsonSchema{Type: "integer", Format: "int32"}
	case reflect.Int8, reflect.Int16:
		lo, hi := -math.Ldexp(1, t.Bits()-1), math.Ldexp(1, t.Bits()-1)-1
		return &jsonSchema{Type: "integer", Format: "int32", Minimum: &lo, Maximum: &hi}
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return &jsonSchema{Type: "integer", Minimum: &zero}
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		hi := math.Ldexp(1, t.Bits()) - 1
		return &jsonSchema{Type: "integer", Format: "int64", Minimum: &zero, Maximum: &hi}
	case reflect.Float32:
		return &jsonSchema{Type: "number", Format: "float"}
	case reflect.Float64:
		return &jsonSchema{Type: "number", Format: "double"}
	}
	return nil
}

// nullable adds null to the types s allows.
func nullable(s *jsonSchema) *jsonSchema {
	switch typ := s.Type.(type) {
	case string:
		c := *s
		c.Type = []string{typ, "null"}
		return &c
	case []string:
		return s
	}
	if s.Ref != "" {
		return &jsonSchema{AnyOf: []*jsonSchema{s, {Type: "null"}}}
	}
	return s // no type: anything, null included
}

// notNull removes null from the types s allows.
func notNull(s *jsonSchema) *jsonSchema {
	if typ, ok := s.Type.([]string); ok && len(typ) == 2 && typ[1] == "null" {
		c := *s
		c.Type = typ[0]
		return &c
	}
	if len(s.AnyOf) == 2 && s.AnyOf[1].Type == "null" {
		return s.AnyOf[0]
	}
	return s
}

// stringified is the schema of a `json:",string"` field: a number or a
// bool written inside a string.
func stringified(s *jsonSchema) *jsonSchema {
	switch s.Type {
	case "integer", "number", "boolean":
		return &jsonSchema{Type: "string", Description: s.Description}
	}
	return s
}

// derefType removes pointers.
func derefType(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// isListType reports whether t is bound or validated as a list.
func isListType(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 || t.Kind() == reflect.Array
}

// typedValue is text as a value of t for the document (a default or an
// example): a number or bool where it parses as one, else the text.
func typedValue(t reflect.Type, text string) any {
	switch t.Kind() {
	case reflect.Bool:
		if b, err := strconv.ParseBool(text); err == nil {
			return b
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if t == durationType() {
			if d, err := time.ParseDuration(text); err == nil {
				return d.String()
			}
			return text
		}
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if n, err := strconv.ParseUint(text, 10, 64); err == nil {
			return n
		}
	case reflect.Float32, reflect.Float64:
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			return f
		}
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Struct:
		if t != timeType() {
			var v any
			if json.Unmarshal([]byte(text), &v) == nil {
				return v
			}
		}
	}
	return text
}
