// Package handwritten serves the benchmark application the way most users
// write a Lambda function behind an ALB without a framework: the typed
// events.ALBTargetGroupRequest in and events.ALBTargetGroupResponse out
// (lambda.Start does the JSON with encoding/json), a map for the static
// routes and a linear scan for the parameterised ones.
//
// It is written carefully: it answers in the request's header mode, never
// sends a null header object (the other mode's object is empty), decodes
// the query with form rules, sends the PNG as base64 and gives a
// statusDescription of "<code> <reason>".
package handwritten

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/albkit/alb/bench/app"
)

// request is what a route handler receives.
type request struct {
	ev     *events.ALBTargetGroupRequest
	params map[string]string
}

type handlerFunc func(req *request) response

// response is what a route handler returns; respond turns it into the
// typed response of the request's mode.
type response struct {
	status  int
	headers [][2]string
	body    []byte
	binary  bool
}

// paramRoute is a parameterised route, split into segments.
type paramRoute struct {
	method   string
	segments []string
	handler  handlerFunc
}

// App is the application. Its Handle method is the function for
// lambda.Start.
type App struct {
	static map[string]handlerFunc // "METHOD /path"
	params []paramRoute
}

// New returns the application.
func New() *App {
	a := &App{static: map[string]handlerFunc{}}
	a.add("GET", "/search", search)
	a.add("POST", "/orders", createOrder)
	a.add("GET", "/session", session)
	a.add("GET", "/logo.png", logo)
	for _, rt := range app.RestRoutes {
		a.add(rt.Method, rt.Pattern, rest(rt.Pattern))
	}
	return a
}

func (a *App) add(method, pattern string, h handlerFunc) {
	if !strings.ContainsAny(pattern, ":*") {
		a.static[method+" "+pattern] = h
		return
	}
	a.params = append(a.params, paramRoute{method, strings.Split(pattern, "/"), h})
}

// Handle serves one ALB event.
func (a *App) Handle(ctx context.Context, ev events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	req := &request{ev: &ev}
	if h, ok := a.static[ev.HTTPMethod+" "+ev.Path]; ok {
		return respond(&ev, h(req)), nil
	}
	segs := strings.Split(ev.Path, "/")
	for _, rt := range a.params {
		if rt.method != ev.HTTPMethod {
			continue
		}
		if params, ok := match(rt.segments, segs); ok {
			req.params = params
			return respond(&ev, rt.handler(req)), nil
		}
	}
	return respond(&ev, jsonResponse(http.StatusNotFound, map[string]string{"message": "Not Found"})), nil
}

// match matches path segments against pattern segments.
func match(pattern, path []string) (map[string]string, bool) {
	var params map[string]string
	for i, p := range pattern {
		if strings.HasPrefix(p, "*") {
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:]] = "/" + strings.Join(path[i:], "/")
			return params, true
		}
		if i >= len(path) {
			return nil, false
		}
		if strings.HasPrefix(p, ":") {
			if path[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			v, err := url.PathUnescape(path[i])
			if err != nil {
				v = path[i]
			}
			params[p[1:]] = v
			continue
		}
		if p != path[i] {
			return nil, false
		}
	}
	return params, len(pattern) == len(path)
}

// multiValue reports whether the target group sends multi-value headers.
func multiValue(ev *events.ALBTargetGroupRequest) bool { return ev.MultiValueHeaders != nil }

// query returns the decoded value of the query parameter key, in either
// mode. The ALB sends keys and values still percent-encoded.
func query(ev *events.ALBTargetGroupRequest, key string) string {
	if multiValue(ev) {
		for k, vs := range ev.MultiValueQueryStringParameters {
			if unescape(k) == key && len(vs) > 0 {
				return unescape(vs[0])
			}
		}
		return ""
	}
	for k, v := range ev.QueryStringParameters {
		if unescape(k) == key {
			return unescape(v)
		}
	}
	return ""
}

func unescape(s string) string {
	if v, err := url.QueryUnescape(s); err == nil {
		return v
	}
	return s
}

// respond builds the typed response in the request's header mode. The
// other mode's header object is empty, not nil: encoding/json would write
// null, and "headers": null makes the ALB answer 502.
func respond(ev *events.ALBTargetGroupRequest, r response) events.ALBTargetGroupResponse {
	out := events.ALBTargetGroupResponse{
		StatusCode:        r.status,
		StatusDescription: strconv.Itoa(r.status) + " " + http.StatusText(r.status),
		Headers:           map[string]string{},
		MultiValueHeaders: map[string][]string{},
	}
	if r.binary {
		out.Body = base64.StdEncoding.EncodeToString(r.body)
		out.IsBase64Encoded = true
	} else {
		out.Body = string(r.body)
	}
	cookies := 0
	for _, h := range r.headers {
		if multiValue(ev) {
			out.MultiValueHeaders[h[0]] = append(out.MultiValueHeaders[h[0]], h[1])
			continue
		}
		name := h[0]
		if name == "Set-Cookie" {
			// One value per name in single-value mode: vary the case of
			// the name for each further cookie.
			name = cookieName(cookies)
			cookies++
		}
		out.Headers[name] = h[1]
	}
	return out
}

// cookieName returns "Set-Cookie" with the case of its i-th letters
// flipped, for the i-th cookie of a single-value response.
func cookieName(i int) string {
	b := []byte("Set-Cookie")
	letter := 0
	for j, c := range b {
		if c == '-' {
			continue
		}
		if i>>letter&1 == 1 {
			b[j] = c ^ 0x20
		}
		letter++
	}
	return string(b)
}

func jsonResponse(status int, v any) response {
	body, err := json.Marshal(v)
	if err != nil {
		return response{status: http.StatusInternalServerError, body: []byte("internal error"),
			headers: [][2]string{{"Content-Type", "text/plain; charset=utf-8"}}}
	}
	return response{status: status, body: body, headers: [][2]string{{"Content-Type", "application/json"}}}
}

func search(req *request) response {
	page, err := strconv.Atoi(query(req.ev, "page"))
	if err != nil {
		page = 1
	}
	return jsonResponse(http.StatusOK, app.SearchResult{Query: query(req.ev, "q"), Page: page})
}

func createOrder(req *request) response {
	body := []byte(req.ev.Body)
	if req.ev.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(req.ev.Body); err != nil {
			return jsonResponse(http.StatusBadRequest, map[string]string{"message": "body is not base64"})
		}
	}
	var o app.Order
	if err := json.Unmarshal(body, &o); err != nil {
		return jsonResponse(http.StatusBadRequest, map[string]string{"message": err.Error()})
	}
	r := jsonResponse(http.StatusCreated, app.ReceiptFor(&o))
	r.headers = append(r.headers, [2]string{"Location", app.OrderLocation(o.Reference)})
	return r
}

func session(*request) response {
	return response{status: http.StatusOK, body: []byte(app.SessionBody), headers: [][2]string{
		{"Content-Type", "text/plain; charset=utf-8"},
		{"Set-Cookie", (&http.Cookie{Name: "session", Value: "8f14e45fceea167a5a36dedd4bea2543", Path: "/",
			HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}).String()},
		{"Set-Cookie", (&http.Cookie{Name: "theme", Value: "dark", Path: "/", MaxAge: 31536000}).String()},
	}}
}

func logo(*request) response {
	return response{status: http.StatusOK, body: app.Logo, binary: true, headers: [][2]string{
		{"Content-Type", "image/png"},
		{"Cache-Control", app.LogoCacheControl},
	}}
}

func rest(pattern string) handlerFunc {
	return func(req *request) response {
		params := req.params
		if params == nil {
			params = map[string]string{}
		}
		return jsonResponse(http.StatusOK, app.RestAnswer{Route: pattern, Params: params})
	}
}
