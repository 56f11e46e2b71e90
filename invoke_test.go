package alb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/albkit/alb/internal/albcheck"
)

// invokeEvent returns the browser event for a path, in either mode.
func invokeEvent(path string, multiValue bool) []byte {
	return bytes.Replace(browserEvent(multiValue), []byte(`"path":"/hello/world"`), []byte(`"path":"`+path+`"`), 1)
}

var png2k = bytes.Repeat([]byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff}, 256)

// budgetRouter serves the routes of the allocation budget and benchmark.
func budgetRouter() *Router {
	r := New()
	r.GET("/static/string", func(c *Context) error { return c.String(http.StatusOK, "Hello, World!") })
	r.GET("/static/blob", func(c *Context) error { return c.Blob(http.StatusOK, "image/png", png2k) })
	r.GET("/static/empty", func(c *Context) error { return c.NoContent(http.StatusNoContent) })
	r.GET("/static/headers", func(c *Context) error {
		// Header data is copied out of the pooled buffer into the
		// request's spare room.
		if c.Header("Accept") == "" || c.Header("Sec-Fetch-Mode") == "" || c.ClientIP() == "" {
			return errors.New("missing header")
		}
		if _, ok := c.Cookie("session"); !ok {
			return errors.New("missing cookie")
		}
		return c.NoContent(http.StatusNoContent)
	})
	r.GET("/users/:id/string", func(c *Context) error { return c.String(http.StatusOK, c.Param("id")) })
	r.GET("/users/:id/blob", func(c *Context) error {
		return c.Blob(http.StatusOK, "application/octet-stream", stringBytes(c.Param("id")))
	})
	r.GET("/users/:id/empty", func(c *Context) error { return c.NoContent(http.StatusNoContent) })
	r.GET("/files/*path", func(c *Context) error { return c.String(http.StatusOK, c.Param("path")) })
	r.GET("/json/:id", func(c *Context) error {
		return c.JSON(http.StatusOK, struct {
			ID    string `json:"id"`
			Name  string `json:"name"`
			Count int    `json:"count"`
		}{c.Param("id"), "Ada", 42})
	})
	return r
}

// budgetCases are the invocations whose allocations are budgeted: the
// request's own memory (request.own) and the returned bytes, nothing else.
var budgetCases = []struct {
	name, path string
	allocs     float64
}{
	{"route=static/handler=string", "/static/string", 2},
	{"route=static/handler=blob", "/static/blob", 2},
	{"route=static/handler=nocontent", "/static/empty", 2},
	{"route=static/handler=headers", "/static/headers", 2},
	{"route=param/handler=string", "/users/42/string", 2},
	{"route=param/handler=blob", "/users/42/blob", 2},
	{"route=param/handler=nocontent", "/users/42/empty", 2},
	{"route=catchall/handler=string", "/files/docs/guide.txt", 2},
	// Three more for c.JSON of a small struct with the default codec,
	// JSONv2, on Go 1.26 and 1.27 alike (the same code): the struct is
	// boxed into the interface c.JSON takes, JSON v2 copies a non-pointer
	// value to make it addressable, and the body is a new slice sized
	// exactly (the encoder's scratch buffer is pooled; the body never is,
	// so that ResponseBody stays valid).
	{"route=param/handler=json", "/json/42", 2 + 3},
}

func TestInvokeAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	r := budgetRouter()
	for _, bc := range budgetCases {
		for _, multi := range []bool{false, true} {
			ev := invokeEvent(bc.path, multi)
			out, _ := r.Invoke(context.Background(), ev)
			if !bytes.Contains(out, []byte(`"statusCode":20`)) {
				t.Fatalf("%s: %s", bc.name, out)
			}
			got := testing.AllocsPerRun(200, func() { _, _ = r.Invoke(context.Background(), ev) })
			if got > bc.allocs {
				t.Errorf("%s/multi=%v: Invoke allocates %v times, budget %v", bc.name, multi, got, bc.allocs)
			}
		}
	}
}

// decodedResponse is a response JSON decoded for assertions.
type decodedResponse struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

func decodeResponse(t testing.TB, out []byte) decodedResponse {
	t.Helper()
	var d decodedResponse
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatalf("response %s: %v", out, err)
	}
	return d
}

func TestInvokeValuesOutliveThePayload(t *testing.T) {
	// The Lambda runtime reuses its payload buffer for the next event, so
	// values kept from one invocation must not point into it, nor into
	// pooled memory the next invocation reuses.
	type kept struct{ method, path, rawPath, param, query, header, cookie, body, rawQuery, route string }
	var saved []kept
	var bodies [][]byte
	r := New()
	r.POST("/items/:id", func(c *Context) error {
		ck, _ := c.Cookie("session")
		saved = append(saved, kept{c.Method(), c.Path(), c.RawPath(), c.Param("id"), c.Query("q"),
			c.Header("X-Tag"), ck, string(c.Body()), c.RawQuery(), c.Route()})
		bodies = append(bodies, c.Body())
		return c.NoContent(http.StatusNoContent)
	})
	payload := make([]byte, 0, 4096)
	build := func(i int) []byte {
		return fmt.Appendf(payload[:0], `{"httpMethod":"POST","path":"/items/%%C3%%A9%d","headers":{"x-tag":"t\u00e9%d","cookie":"session=s%d"},`+
			`"queryStringParameters":{"q":"a+b%%20%d"},"body":%q,"isBase64Encoded":false}`, i, i, i, i, fmt.Sprintf(`{"n":%d}`, i))
	}
	for i := range 3 {
		payload = build(i)
		if _, err := r.Invoke(context.Background(), payload); err != nil {
			t.Fatal(err)
		}
		// Scribble over the payload, as the runtime's next read would.
		for j := range payload {
			payload[j] = 'X'
		}
	}
	for i, k := range saved {
		want := kept{"POST", fmt.Sprintf("/items/é%d", i), fmt.Sprintf("/items/%%C3%%A9%d", i), fmt.Sprintf("é%d", i),
			fmt.Sprintf("a b %d", i), fmt.Sprintf("té%d", i), fmt.Sprintf("s%d", i), fmt.Sprintf(`{"n":%d}`, i),
			fmt.Sprintf("q=a+b%%20%d", i), "/items/:id"}
		if k != want {
			t.Errorf("invocation %d: kept %+v, now %+v", i, want, k)
		}
		if string(bodies[i]) != want.body {
			t.Errorf("invocation %d: kept body %q, now %q", i, want.body, bodies[i])
		}
	}
}

func TestInvokeConcurrent(t *testing.T) {
	// Lambda Managed Instances run several invocations in one process:
	// each response must answer its own request.
	r := New()
	r.GET("/echo/:id", func(c *Context) error {
		c.SetHeader("X-Id", c.Param("id"))
		c.Set("id", c.Param("id"))
		return c.String(http.StatusOK, c.Param("id")+"|"+c.Query("q")+"|"+c.Header("X-Req")+"|"+c.Get("id").(string))
	})
	const workers, perWorker = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			payload := make([]byte, 0, 512)
			for i := range perWorker {
				id := fmt.Sprintf("w%di%d", w, i)
				multi := i%2 == 0
				payload = append(payload[:0], testEventJSON("GET", "/echo/"+id, [][2]string{{"x-req", id}}, [][2]string{{"q", id}}, multi)...)
				out, err := r.Invoke(context.Background(), payload)
				if err != nil {
					errs <- err
					return
				}
				d := decodeResponse(t, out)
				want := id + "|" + id + "|" + id + "|" + id
				xid := d.Headers["X-Id"]
				if multi {
					xid = strings.Join(d.MultiValueHeaders["X-Id"], ",")
				}
				if d.Body != want || xid != id {
					errs <- fmt.Errorf("request %s got body %q, X-Id %q", id, d.Body, xid)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// testEventJSON builds a minimal ALB event.
func testEventJSON(method, path string, headers, query [][2]string, multiValue bool) []byte {
	var b strings.Builder
	b.WriteString(`{"httpMethod":"` + method + `","path":"` + path + `",`)
	writeCollection(&b, "headers", headers, multiValue)
	b.WriteByte(',')
	writeCollection(&b, "queryStringParameters", query, multiValue)
	b.WriteString(`,"body":"","isBase64Encoded":false}`)
	return []byte(b.String())
}

func TestInvokeIsolation(t *testing.T) {
	// Nothing of request A may reach request B through the pool.
	type ctxKey struct{}
	r := New()
	var seen []string
	r.POST("/a/:id", func(c *Context) error {
		c.Set(ctxKey{}, "from A")
		c.SetHeader("X-A", "1")
		c.SetCookie(&http.Cookie{Name: "a", Value: "1"})
		c.SetBodyEncoding(BodyBase64)
		return c.String(http.StatusTeapot, "body of A")
	})
	r.GET("/b", func(c *Context) error {
		seen = append(seen, fmt.Sprintf("param=%q value=%v query=%q body=%q status=%d header=%q cookie=%q multi=%v route=%q",
			c.Param("id"), c.Get(ctxKey{}), c.Query("x"), c.Body(), c.ResponseStatus(), c.ResponseHeader("X-A"),
			c.ResponseHeader("Set-Cookie"), c.MultiValue(), c.Route()))
		return nil
	})
	a := []byte(`{"httpMethod":"POST","path":"/a/1","multiValueHeaders":{"h":["1"]},"multiValueQueryStringParameters":{"x":["1"]},"body":"aGk=","isBase64Encoded":true}`)
	b := []byte(`{"httpMethod":"GET","path":"/b","headers":{},"queryStringParameters":{},"body":"","isBase64Encoded":false}`)
	for range 3 {
		if _, err := r.Invoke(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		out, _ := r.Invoke(context.Background(), b)
		want := `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{},"body":""}`
		if string(out) != want {
			t.Errorf("B after A: %s, want %s", out, want)
		}
	}
	for _, s := range seen {
		if want := `param="" value=<nil> query="" body="" status=200 header="" cookie="" multi=false route="/b"`; s != want {
			t.Errorf("B saw %s, want %s", s, want)
		}
	}
}

// benchMode names the header mode for benchstat.
func benchMode(multi bool) string {
	if multi {
		return "mode=multi"
	}
	return "mode=single"
}

func BenchmarkInvoke(b *testing.B) {
	r := budgetRouter()
	for _, bc := range budgetCases {
		for _, multi := range []bool{false, true} {
			b.Run(bc.name+"/"+benchMode(multi), func(b *testing.B) {
				ev := invokeEvent(bc.path, multi)
				b.ReportAllocs()
				for b.Loop() {
					_, _ = r.Invoke(context.Background(), ev)
				}
			})
		}
	}
}

func BenchmarkInvokeParallel(b *testing.B) {
	r := budgetRouter()
	for _, multi := range []bool{false, true} {
		b.Run("route=param/handler=string/"+benchMode(multi), func(b *testing.B) {
			ev := invokeEvent("/users/42/string", multi)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					_, _ = r.Invoke(context.Background(), ev)
				}
			})
		})
	}
}

// handwritten is what most users write without a framework: the typed
// event through encoding/json, a map of routes and a linear scan for the
// parameterised ones.
func handwritten() lambda.Handler {
	static := map[string]func(events.ALBTargetGroupRequest) events.ALBTargetGroupResponse{
		"/static/string": func(events.ALBTargetGroupRequest) events.ALBTargetGroupResponse {
			return events.ALBTargetGroupResponse{StatusCode: 200, StatusDescription: "200 OK",
				Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"}, Body: "Hello, World!"}
		},
	}
	return lambda.NewHandler(func(ctx context.Context, req events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		if h, ok := static[req.Path]; ok {
			return h(req), nil
		}
		if id, ok := strings.CutPrefix(req.Path, "/users/"); ok {
			if id, ok = strings.CutSuffix(id, "/string"); ok && !strings.Contains(id, "/") {
				return events.ALBTargetGroupResponse{StatusCode: 200, StatusDescription: "200 OK",
					Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"}, Body: id}, nil
			}
		}
		return events.ALBTargetGroupResponse{StatusCode: 404, StatusDescription: "404 Not Found",
			Headers: map[string]string{}, Body: "not found"}, nil
	})
}

// BenchmarkInvokeVersusHandwritten times the same event through alb and
// through the handwritten aws-lambda-go handler, side by side.
func BenchmarkInvokeVersusHandwritten(b *testing.B) {
	r := budgetRouter()
	hw := handwritten()
	for _, path := range []string{"/static/string", "/users/42/string"} {
		route := "route=static"
		if strings.HasPrefix(path, "/users/") {
			route = "route=param"
		}
		ev := invokeEvent(path, false)
		b.Run(route+"/impl=alb", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = r.Invoke(context.Background(), ev)
			}
		})
		b.Run(route+"/impl=handwritten", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = hw.Invoke(context.Background(), ev)
			}
		})
	}
}

func TestHandwrittenAgrees(t *testing.T) {
	// The comparison is fair only if both answer the same.
	r := budgetRouter()
	hw := handwritten()
	for _, path := range []string{"/static/string", "/users/42/string"} {
		ev := invokeEvent(path, false)
		a, _ := r.Invoke(context.Background(), ev)
		h, err := hw.Invoke(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		da, dh := decodeResponse(t, a), decodeResponse(t, h)
		if da.StatusCode != dh.StatusCode || da.Body != dh.Body || da.Headers["Content-Type"] != dh.Headers["Content-Type"] {
			t.Errorf("%s: alb %s, handwritten %s", path, a, h)
		}
	}
}

func TestInvokeRecordedEventsGiveValidResponses(t *testing.T) {
	// Every recorded event, through Invoke, answers in its mode with a
	// response the ALB accepts (contract rules 20-30).
	r := New()
	r.Logger = slog.New(slog.DiscardHandler) // single-value mode drops a cookie, with a warning
	echo := func(c *Context) error {
		c.SetCookie(&http.Cookie{Name: "seen", Value: "1", Path: "/"})
		c.SetCookie(&http.Cookie{Name: "mode", Value: strconv.FormatBool(c.MultiValue())})
		return c.JSON(http.StatusOK, map[string]any{
			"method": c.Method(), "path": c.Path(), "query": c.RawQuery(), "body": string(c.Body()),
			"cookies": len(c.Cookies()), "clientIP": c.ClientIP(), "health": c.IsHealthCheck(),
		})
	}
	r.Any("/*path", echo)
	r.GET("/inspect", echo)
	r.PUT("/api/binary", func(c *Context) error { return c.Blob(http.StatusOK, "application/octet-stream", c.Body()) })
	for _, name := range requestEventFiles(t) {
		raw := readEvent(t, name)
		var req request
		if err := decodeEvent(bytes.Clone(raw), &req); err != nil {
			t.Fatal(err)
		}
		out, err := r.Invoke(context.Background(), raw)
		if err != nil {
			t.Fatalf("%s: Invoke error %v", name, err)
		}
		if err := albcheck.Validate(out, req.multiValue); err != nil {
			t.Errorf("%s: %v\n%s", name, err, out)
		}
		resp, err := albcheck.Decode(out, req.multiValue)
		if err != nil {
			continue
		}
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d: %s", name, resp.StatusCode, resp.Body)
		}
		if req.method == http.MethodHead && len(resp.Body) != 0 {
			t.Errorf("%s: HEAD answered with a body", name)
		}
	}
}

// TestInvokeHeadersOutliveThePool: header names and values are decoded in a
// buffer the next invocation overwrites, so every way a handler can receive
// one must give it a copy. Each invocation keeps what it was handed, the
// next ones (same lengths, other bytes) overwrite the buffer, and what was
// kept must read as it did. A payload over poolLimit, decoded in a copy of
// its own, is checked the same way.
func TestInvokeHeadersOutliveThePool(t *testing.T) {
	type Input struct {
		Tag    string `header:"X-Tag"`
		Ses    string `cookie:"session"`
		Filler string `header:"X-Filler"`
	}
	for _, multi := range bothModes {
		for _, large := range []bool{false, true} {
			var kept [][]string
			var copies []*Context
			keep := func(vs ...string) { kept = append(kept, vs) }
			r := New()
			r.POST("/h/:id", func(c *Context) error {
				var vs []string
				vs = append(vs, c.Header("X-Tag"), c.TraceID(), c.ClientIP())
				vs = append(vs, c.HeaderValues("X-Tag")...)
				ck, _ := c.Cookie("session")
				vs = append(vs, ck)
				for _, k := range c.Cookies() {
					vs = append(vs, k.Name, k.Value)
				}
				ev := c.Event()
				for name, v := range ev.Headers {
					if name == "x-tag" {
						vs = append(vs, name, v)
					}
				}
				for name, v := range ev.MultiValueHeaders {
					if name == "x-tag" {
						vs = append(vs, name, v[0])
					}
				}
				cp := c.Copy()
				vs = append(vs, cp.Header("X-Tag"))
				keep(vs...)
				copies = append(copies, cp) // read again after later invocations
				return c.NoContent(http.StatusNoContent)
			})
			Register(r, Operation{Method: "POST", Path: "/t"}, func(c *Context, in *Input) (struct{}, error) {
				keep(in.Tag, in.Ses)
				return struct{}{}, nil
			})
			r.POST("/http", WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				keep(req.Header.Get("X-Tag"), req.Header.Get("Cookie"))
				w.WriteHeader(http.StatusNoContent)
			})))
			filler := ""
			if large {
				filler = strings.Repeat("f", poolLimit)
			}
			event := func(path string, i int) []byte {
				tag := fmt.Sprintf(`t"%dé`, i) // sent as t\"..., resolved in place
				return testEventJSON("POST", path, [][2]string{
					{"x-tag", tag}, {"cookie", fmt.Sprintf("session=s%d; other=o%d", i, i)},
					{"x-amzn-trace-id", fmt.Sprintf("Root=1-%08d-abc", i)},
					{"x-forwarded-for", fmt.Sprintf("10.0.0.%d", i)},
					{"x-filler", filler},
				}, nil, multi)
			}
			want := func(path string, i int) []string {
				tag, ses := fmt.Sprintf(`t"%dé`, i), fmt.Sprintf("s%d", i)
				switch path {
				case "/t":
					return []string{tag, ses}
				case "/http":
					return []string{tag, fmt.Sprintf("session=s%d; other=o%d", i, i)}
				}
				return []string{tag, fmt.Sprintf("Root=1-%08d-abc", i), fmt.Sprintf("10.0.0.%d", i), tag, ses,
					"session", ses, "other", fmt.Sprintf("o%d", i), "x-tag", tag, tag}
			}
			var wants [][]string
			for i := range 6 {
				path := []string{"/h/x", "/t", "/http"}[i%3]
				payload := event(path, i)
				if large != (len(payload) > poolLimit) {
					t.Fatalf("payload of %d bytes, large %v", len(payload), large)
				}
				out, err := r.Invoke(context.Background(), payload)
				if err != nil || !strings.HasPrefix(string(out), `{"statusCode":204`) {
					t.Fatalf("%s: %s %v", path, out, err)
				}
				wants = append(wants, want(path, i))
				clear(payload)
			}
			for i := range kept {
				if !slices.Equal(kept[i], wants[i]) {
					t.Errorf("%s, large %v, invocation %d: kept %q, now %q", modeLabel(multi), large, i, wants[i], kept[i])
				}
			}
			for i, cp := range copies {
				tag := fmt.Sprintf(`t"%dé`, i*3)
				if got := cp.Header("X-Tag"); got != tag {
					t.Errorf("%s, large %v: copy %d Header(X-Tag) = %q, want %q", modeLabel(multi), large, i, got, tag)
				}
				if got := cp.Event().Body; got != "" {
					t.Errorf("copy %d Event().Body = %q", i, got)
				}
			}
		}
	}
}
