package alb

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// keepingHandler is a slog.Handler that keeps every record it is given,
// with the string values of its attributes, as a handler that batches
// records would.
type keepingHandler struct{ records *[][]string }

func (h keepingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h keepingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h keepingHandler) WithGroup(string) slog.Handler            { return h }
func (h keepingHandler) Handle(_ context.Context, r slog.Record) error {
	var vs []string
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "client_ip" || a.Key == "trace_id" || a.Key == "tag" {
			vs = append(vs, a.Key+"="+a.Value.String())
		}
		return true
	})
	*h.records = append(*h.records, vs)
	return nil
}

// TestInvokeRequestDataOutlivesThePool covers, beside
// TestInvokeHeadersOutliveThePool, the other ways request data leaves a
// Context: a base64 body through Event and Copy, header and cookie
// binding of lists and of values that do not parse (the problem quotes
// them), records of the request's Logger, FormValue, the answer to a
// malformed event, and ServeEvent on a Context that Invoke used. Each
// invocation keeps what it was handed; the later ones, of the same length
// with other bytes, overwrite the pooled buffer; what was kept must still
// read as it did. Payloads just under and just over poolLimit are both
// run.
func TestInvokeRequestDataOutlivesThePool(t *testing.T) {
	type Input struct {
		List []string `header:"X-List"`
		N    int      `header:"X-N"`
		C    int      `cookie:"n"`
	}
	for _, multi := range bothModes {
		for _, size := range []int{poolLimit - 64, poolLimit + 64} {
			var kept [][]string
			keep := func(vs ...string) { kept = append(kept, vs) }
			var records [][]string
			r := New()
			r.Logger = slog.New(keepingHandler{&records})
			r.ErrorHandler = func(c *Context, err error) {
				var vs []string
				if pe := (*ProblemError)(nil); errors.As(err, &pe) {
					for _, fe := range pe.Errors {
						vs = append(vs, fe.Location, fmt.Sprint(fe.Value))
					}
				} else {
					ev := c.Event()
					vs = append(vs, "malformed", c.Method(), c.RawPath(), c.Header("X-Tag"), ev.Body, ev.Headers["x-tag"])
				}
				keep(vs...)
				DefaultErrorHandler(c, err)
			}
			r.POST("/b/:id", func(c *Context) error {
				cp := c.Copy()
				keep(c.Event().Body, string(c.Body()), cp.Event().Body, string(cp.Body()), cp.Header("X-Tag"),
					c.FormValue("f"), c.Header("Content-Type"))
				c.Logger().Info("seen", "tag", c.Header("X-Tag"))
				attrs := c.AppendLogAttrs(nil)
				keep(attrs[1].Value.String(), attrs[len(attrs)-2].Value.String())
				return c.NoContent(http.StatusNoContent)
			})
			Register(r, Operation{Method: "POST", Path: "/t"}, func(c *Context, in *Input) (struct{}, error) {
				keep(append(slices.Clone(in.List), "ok")...)
				return struct{}{}, nil
			})
			// i is a digit: every payload of a kind has the same length.
			tag := func(i int) string { return fmt.Sprintf(`t"%dé`, i) }
			body := func(i int) string { return fmt.Sprintf("f=v%d&g=w%d", i, i) }
			headers := func(i int, path string) [][2]string {
				hs := [][2]string{
					{"x-tag", tag(i)},
					{"content-type", "application/x-www-form-urlencoded"},
					{"x-forwarded-for", fmt.Sprintf("10.0.0.%d", i)},
					{"x-amzn-trace-id", fmt.Sprintf("Root=1-%08d-abc", i)},
					{"x-list", fmt.Sprintf("a%d,b%d", i, i)},
					{"x-n", "7"},
					{"cookie", "n=8"},
				}
				if path == "/t" && i%2 == 1 { // values that do not parse
					hs[5][1], hs[6][1] = fmt.Sprintf("x%d", i), fmt.Sprintf("n=y%d", i)
				}
				hs = append(hs, [2]string{"x-filler", ""})
				return hs
			}
			event := func(i int, path string, base64Body, malformed bool) []byte {
				hs := headers(i, path)
				ev := testEventJSON("POST", path, hs, nil, multi)
				b := body(i)
				if base64Body {
					b = base64Std(b)
				}
				ev = []byte(strings.Replace(string(ev), `"body":"","isBase64Encoded":false`,
					fmt.Sprintf(`"body":%q,"isBase64Encoded":%v`, b, base64Body), 1))
				if malformed { // decoded to the end, then refused: the base64 body stays in the pool
					ev = []byte(strings.Replace(string(ev), `"isBase64Encoded":true}`, `"isBase64Encoded":true,"requestContext":7}`, 1))
				}
				// Pad with the filler header to the size wanted.
				fill := strings.Repeat("f", size-len(ev))
				return []byte(strings.Replace(string(ev), `"x-filler":`+filler(multi, ""), `"x-filler":`+filler(multi, fill), 1))
			}
			var wants [][]string
			invoke := func(payload []byte, want ...[]string) {
				t.Helper()
				if len(payload) != size {
					t.Fatalf("payload of %d bytes, want %d", len(payload), size)
				}
				if _, err := r.Invoke(context.Background(), payload); err != nil {
					t.Fatal(err)
				}
				wants = append(wants, want...)
				clear(payload)
			}
			for i := range 6 {
				ip, trace := fmt.Sprintf("10.0.0.%d", i), fmt.Sprintf("1-%08d-abc", i)
				invoke(event(i, "/b/x", true, false),
					[]string{base64Std(body(i)), body(i), base64Std(body(i)), body(i), tag(i), fmt.Sprintf("v%d", i), "application/x-www-form-urlencoded"},
					[]string{trace, ip})
				if i%2 == 0 {
					invoke(event(i, "/t", false, false), []string{fmt.Sprintf("a%d", i), fmt.Sprintf("b%d", i), "ok"})
				} else {
					invoke(event(i, "/t", false, false), []string{"header.X-N", fmt.Sprintf("x%d", i), "cookie.n", fmt.Sprintf("y%d", i)})
				}
				invoke(event(i, "/b/x", true, true),
					[]string{"malformed", "POST", "/b/x", "", base64Std(body(i)), ""})
				// ServeEvent on the Context Invoke just used: its strings are
				// the event's own.
				sev := events.ALBTargetGroupRequest{HTTPMethod: "POST", Path: "/b/y", Body: base64Std(body(i)), IsBase64Encoded: true,
					Headers: map[string]string{"x-tag": tag(i), "content-type": "application/x-www-form-urlencoded",
						"x-forwarded-for": ip, "x-amzn-trace-id": "Root=" + trace}}
				if multi {
					sev.MultiValueHeaders = map[string][]string{}
					for k, v := range sev.Headers {
						sev.MultiValueHeaders[k] = []string{v}
					}
					sev.Headers = nil
				}
				if _, err := r.ServeEvent(context.Background(), sev); err != nil {
					t.Fatal(err)
				}
				wants = append(wants,
					[]string{base64Std(body(i)), body(i), base64Std(body(i)), body(i), tag(i), fmt.Sprintf("v%d", i), "application/x-www-form-urlencoded"},
					[]string{trace, ip})
			}
			if len(kept) != len(wants) {
				t.Fatalf("%s, %d bytes: kept %d lists, want %d: %q", modeLabel(multi), size, len(kept), len(wants), kept)
			}
			for i := range kept {
				if !slices.Equal(kept[i], wants[i]) {
					t.Errorf("%s, %d bytes, list %d: kept %q, now %q", modeLabel(multi), size, i, wants[i], kept[i])
				}
			}
			for i, rec := range records {
				n := i / 2 // two records (one per Logger line) per i: Invoke, ServeEvent
				want := []string{"tag=" + tag(n), fmt.Sprintf("trace_id=1-%08d-abc", n), fmt.Sprintf("client_ip=10.0.0.%d", n)}
				slices.Sort(rec)
				slices.Sort(want)
				if !slices.Equal(rec, want) {
					t.Errorf("%s, %d bytes, log record %d: kept %q, now %q", modeLabel(multi), size, i, want, rec)
				}
			}
		}
	}
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// filler is the JSON of the x-filler header's value in the mode's shape.
func filler(multi bool, s string) string {
	if multi {
		return `["` + s + `"]`
	}
	return `"` + s + `"`
}

// TestCopyAllocatesForPooledDataOnly: Copy moves what the request holds
// in the pooled buffer to one block; a request that holds nothing there
// (from ServeEvent, or an event over poolLimit) needs no block, and so
// costs one allocation fewer.
func TestCopyAllocatesForPooledDataOnly(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	var counts []float64
	r := New()
	r.GET("/c", func(c *Context) error {
		counts = append(counts, testing.AllocsPerRun(20, func() { _ = c.Copy() }))
		return c.NoContent(http.StatusNoContent)
	})
	headers := [][2]string{{"x-a", "1"}, {"x-b", "2"}}
	if _, err := r.Invoke(context.Background(), testEventJSON("GET", "/c", headers, nil, false)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ServeEvent(context.Background(), events.ALBTargetGroupRequest{HTTPMethod: "GET", Path: "/c",
		Headers: map[string]string{"x-a": "1", "x-b": "2"}}); err != nil {
		t.Fatal(err)
	}
	if len(counts) != 2 || counts[1] != counts[0]-1 {
		t.Errorf("Copy allocations: pooled event, typed event = %v; want the second one fewer", counts)
	}
}

// TestClientIPAndTraceAskedAgain: every record of Logger asks for the
// client address and the trace id; after the first time they cost
// nothing, not a copy out of the pooled buffer each.
func TestClientIPAndTraceAskedAgain(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	r := New()
	ask := func(times int) HandlerFunc {
		return func(c *Context) error {
			for range times {
				if c.ClientIP() == "" {
					return errors.New("no client address")
				}
				if id, _ := c.Trace(); id == "" {
					return errors.New("no trace id")
				}
			}
			return c.NoContent(http.StatusNoContent)
		}
	}
	r.GET("/once", ask(1))
	r.GET("/often", ask(40))
	for _, multi := range bothModes {
		allocs := map[string]float64{}
		for _, path := range []string{"/once", "/often"} {
			ev := testEventJSON("GET", path, [][2]string{
				{"x-forwarded-for", "203.0.113.7, 10.0.0.1"},
				{"x-amzn-trace-id", "Self=1-67a0c2f1-aaaaaaaaaaaaaaaaaaaaaaaa;Root=1-67a0c2f1-3b9d2c1e0f4a5b6c7d8e9f01;Sampled=1"},
				{"user-agent", strings.Repeat("u", 300)},
			}, nil, multi)
			if out, _ := r.Invoke(context.Background(), ev); !strings.Contains(string(out), `"statusCode":204`) {
				t.Fatalf("%s %s: %s", modeLabel(multi), path, out)
			}
			allocs[path] = testing.AllocsPerRun(100, func() { _, _ = r.Invoke(context.Background(), ev) })
		}
		if allocs["/often"] > allocs["/once"] {
			t.Errorf("%s: asking 40 times allocates %v times, once %v", modeLabel(multi), allocs["/often"], allocs["/once"])
		}
	}
}
