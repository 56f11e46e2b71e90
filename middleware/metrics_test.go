package middleware

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/albkit/alb"
)

// emfBuffer collects the documents Metrics writes.
type emfBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	calls int
}

func (b *emfBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls++
	return b.buf.Write(p)
}

// emfDoc is the part of an EMF document the tests read.
type emfDoc struct {
	AWS struct {
		Timestamp         int64
		CloudWatchMetrics []struct {
			Namespace  string
			Dimensions [][]string
			Metrics    []struct {
				Name              string
				Unit              string
				StorageResolution int
			}
		}
	} `json:"_aws"`
	root map[string]any
}

// docs parses every line written so far; each must be one JSON object,
// written with one Write call.
func (b *emfBuffer) docs(t *testing.T) []emfDoc {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []emfDoc
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d emfDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("EMF line %q: %v", sc.Text(), err)
		}
		if err := json.Unmarshal(sc.Bytes(), &d.root); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	if b.calls != len(out) {
		t.Errorf("%d Write calls for %d documents, want one each", b.calls, len(out))
	}
	return out
}

func metricsRouter(opts MetricsOptions, mw ...alb.Middleware) (*alb.Router, *emfBuffer) {
	buf := new(emfBuffer)
	opts.Writer = buf
	r := alb.New()
	r.Logger = discardLogger()
	r.Use(append(mw, Metrics(opts))...)
	r.GET("/users/:id", func(c *alb.Context) error {
		switch c.Param("id") {
		case "missing":
			return c.String(http.StatusNotFound, "no")
		case "teapot":
			return alb.NewHTTPError(http.StatusTeapot, "")
		case "broken":
			return errors.New("db down")
		case "panic":
			panic("boom")
		}
		return c.NoContent(http.StatusNoContent)
	})
	r.POST("/orders", func(c *alb.Context) error {
		for _, v := range []float64{3, 4.5} {
			if err := PutMetric(c, "Items", UnitCount, v); err != nil {
				return err
			}
		}
		if err := PutMetric(c, "Amount", UnitNone, 19.99); err != nil {
			return err
		}
		return c.NoContent(http.StatusCreated)
	})
	return r, buf
}

func TestMetricsDocument(t *testing.T) {
	r, buf := metricsRouter(MetricsOptions{Namespace: "notes", Service: "api"})
	invokeCtx(t, lambdaCtx("req-1"), r, newEvent("GET", "/users/7"))
	invokeCtx(t, lambdaCtx("req-2"), r, newEvent("GET", "/users/8"))
	docs := buf.docs(t)
	if len(docs) != 2 {
		t.Fatalf("%d documents, want one per request", len(docs))
	}
	for i, d := range docs {
		if d.AWS.Timestamp < 1.7e12 {
			t.Errorf("Timestamp = %d, want milliseconds since 1970", d.AWS.Timestamp)
		}
		if len(d.AWS.CloudWatchMetrics) != 1 {
			t.Fatalf("%d directives, want 1", len(d.AWS.CloudWatchMetrics))
		}
		dir := d.AWS.CloudWatchMetrics[0]
		if dir.Namespace != "notes" || len(dir.Dimensions) != 1 || strings.Join(dir.Dimensions[0], ",") != "service,route,method" {
			t.Errorf("directive = %+v, want namespace notes and one set service,route,method", dir)
		}
		var defs []string
		for _, m := range dir.Metrics {
			defs = append(defs, m.Name+"/"+m.Unit)
			if m.StorageResolution != 0 {
				t.Errorf("metric %s has StorageResolution %d without HighResolution", m.Name, m.StorageResolution)
			}
		}
		if got := strings.Join(defs, " "); got != "Requests/Count Latency/Milliseconds 4xx/Count 5xx/Count ColdStart/Count" {
			t.Errorf("metrics = %s", got)
		}
		for key, want := range map[string]any{
			"service": "api", "route": "/users/:id", "method": "GET",
			"request_id": "req-" + strconv.Itoa(i+1), "trace_id": testTraceRoot,
			"Requests": 1.0, "4xx": 0.0, "5xx": 0.0, "ColdStart": float64(1 - i),
		} {
			if got := d.root[key]; got != want {
				t.Errorf("document %d: %s = %v, want %v", i, key, got, want)
			}
		}
		if l, ok := d.root["Latency"].(float64); !ok || l < 0 {
			t.Errorf("Latency = %v, want a non-negative number", d.root["Latency"])
		}
	}
}

func TestMetricsStatus(t *testing.T) {
	for _, tc := range []struct {
		path, route string
		status      int
		four, five  float64
	}{
		{"/users/7", "/users/:id", 204, 0, 0},
		{"/users/missing", "/users/:id", 404, 1, 0},
		{"/users/teapot", "/users/:id", 418, 1, 0},
		{"/users/broken", "/users/:id", 500, 0, 1},
		{"/users/panic", "/users/:id", 500, 0, 1},
		{"/nowhere", UnmatchedRoute, 404, 1, 0},
		{"/users/7/", UnmatchedRoute, 301, 0, 0},
	} {
		r, buf := metricsRouter(MetricsOptions{})
		resp := invoke(t, r, newEvent("GET", tc.path))
		checkStatus(t, resp, tc.status)
		docs := buf.docs(t)
		if len(docs) != 1 {
			t.Fatalf("%s: %d documents, want 1", tc.path, len(docs))
		}
		d := docs[0].root
		if d["route"] != tc.route || d["4xx"] != tc.four || d["5xx"] != tc.five {
			t.Errorf("%s: route %v, 4xx %v, 5xx %v; want %s, %v, %v", tc.path, d["route"], d["4xx"], d["5xx"], tc.route, tc.four, tc.five)
		}
	}
}

func TestMetricsMethodDimension(t *testing.T) {
	r, buf := metricsRouter(MetricsOptions{})
	invoke(t, r, newEvent("BREW", "/users/7"))
	invoke(t, r, newEvent("DELETE", "/users/7"))
	docs := buf.docs(t)
	if len(docs) != 2 || docs[0].root["method"] != OtherMethod || docs[1].root["method"] != "DELETE" {
		t.Errorf("methods = %v, %v; want %s and DELETE", docs[0].root["method"], docs[1].root["method"], OtherMethod)
	}
}

func TestMetricsApplication(t *testing.T) {
	r, buf := metricsRouter(MetricsOptions{HighResolution: true, Dimensions: map[string]string{"stage": "prod", "app": "shop"}})
	invoke(t, r, newEvent("POST", "/orders"))
	docs := buf.docs(t)
	if len(docs) != 1 {
		t.Fatalf("%d documents, want 1", len(docs))
	}
	d := docs[0]
	dir := d.AWS.CloudWatchMetrics[0]
	if got := strings.Join(dir.Dimensions[0], ","); got != "service,route,method,app,stage" {
		t.Errorf("dimension set = %s, want service,route,method,app,stage", got)
	}
	if d.root["stage"] != "prod" || d.root["app"] != "shop" || d.root["service"] != "alb" {
		t.Errorf("dimension values = %v", d.root)
	}
	units := map[string]string{}
	for _, m := range dir.Metrics {
		units[m.Name] = m.Unit
		if m.StorageResolution != 1 {
			t.Errorf("metric %s: StorageResolution %d, want 1", m.Name, m.StorageResolution)
		}
	}
	if units["Items"] != "Count" || units["Amount"] != "None" || len(units) != 7 {
		t.Errorf("units = %v, want the five built-in metrics, Items Count and Amount None", units)
	}
	items, _ := d.root["Items"].([]any)
	if len(items) != 2 || items[0] != 3.0 || items[1] != 4.5 || d.root["Amount"] != 19.99 {
		t.Errorf("Items = %v, Amount = %v; want [3 4.5] and 19.99", d.root["Items"], d.root["Amount"])
	}
}

func TestPutMetricErrors(t *testing.T) {
	var errs []error
	r, buf := metricsRouter(MetricsOptions{})
	r.GET("/put", func(c *alb.Context) error {
		errs = append(errs,
			PutMetric(c, "", UnitCount, 1),
			PutMetric(c, strings.Repeat("x", 256), UnitCount, 1),
			PutMetric(c, "bad\nname", UnitCount, 1),
			PutMetric(c, "\xff", UnitCount, 1),
			PutMetric(c, "Latency", UnitCount, 1),
			PutMetric(c, "route", UnitCount, 1),
			PutMetric(c, "X", "Furlongs", 1),
			PutMetric(c, "X", UnitCount, math.NaN()),
			PutMetric(c, "X", UnitCount, math.Inf(1)),
			PutMetric(c, "X", UnitCount, math.Ldexp(1, 361)),
			PutMetric(c, "X", UnitCount, math.Ldexp(1, -261)),
		)
		if err := PutMetric(c, "X", UnitCount, 1); err != nil {
			t.Errorf("PutMetric(X, Count, 1) = %v", err)
		}
		errs = append(errs, PutMetric(c, "X", UnitSeconds, 1)) // another unit
		return nil
	})
	invoke(t, r, newEvent("GET", "/put"))
	for i, err := range errs {
		if err == nil || !strings.HasPrefix(err.Error(), "middleware: PutMetric: ") && !strings.HasPrefix(err.Error(), "middleware: metric name") {
			t.Errorf("case %d: err = %v, want an error", i, err)
		}
	}
	if docs := buf.docs(t); len(docs) != 1 || docs[0].root["X"] != 1.0 {
		t.Errorf("documents = %v, want one with X 1", docs)
	}

	plain := newRouter(func(c *alb.Context) error {
		if err := PutMetric(c, "X", UnitCount, 1); !errors.Is(err, ErrNoMetrics) {
			t.Errorf("PutMetric without Metrics = %v, want ErrNoMetrics", err)
		}
		return nil
	})
	invoke(t, plain, newEvent("GET", "/"))
}

// TestPutMetricAfterWrite: a value put from a copy after the document was
// written is refused, and never reaches another request's document.
func TestPutMetricAfterWrite(t *testing.T) {
	var cp *alb.Context
	r, buf := metricsRouter(MetricsOptions{})
	r.GET("/keep", func(c *alb.Context) error {
		cp = c.Copy()
		return nil
	})
	invoke(t, r, newEvent("GET", "/keep"))
	if err := PutMetric(cp, "Late", UnitCount, 1); err == nil {
		t.Error("PutMetric after the document = nil, want an error")
	}
	invoke(t, r, newEvent("GET", "/users/7"))
	for _, d := range buf.docs(t) {
		if _, ok := d.root["Late"]; ok {
			t.Errorf("document %v holds the late value", d.root)
		}
	}
}

// TestMetricsLimits: over 100 metrics, or over 100 values of one metric,
// the request gets more documents, each within the limits, and every
// value is written once.
func TestPutMetricDimensionName(t *testing.T) {
	var err error
	r, buf := metricsRouter(MetricsOptions{Dimensions: map[string]string{"stage": "prod"}})
	r.GET("/dim", func(c *alb.Context) error {
		err = PutMetric(c, "stage", UnitCount, 1)
		return nil
	})
	invoke(t, r, newEvent("GET", "/dim"))
	if err == nil {
		t.Error("PutMetric with a dimension's name = nil, want an error")
	}
	if docs := buf.docs(t); len(docs) != 1 || docs[0].root["stage"] != "prod" {
		t.Errorf("documents = %v, want stage prod", docs)
	}
}

func TestMetricsLimits(t *testing.T) {
	r, buf := metricsRouter(MetricsOptions{})
	r.GET("/many", func(c *alb.Context) error {
		for i := range 150 {
			if err := PutMetric(c, "m"+strconv.Itoa(i), UnitCount, float64(i)); err != nil {
				return err
			}
		}
		for i := range 250 {
			if err := PutMetric(c, "big", UnitCount, float64(i)); err != nil {
				return err
			}
		}
		return nil
	})
	invoke(t, r, newEvent("GET", "/many"))
	docs := buf.docs(t)
	// 5 built-in and 95 of the m's; the 55 others and 100 of big's
	// values; 100 more; the last 50.
	if len(docs) != 4 {
		t.Fatalf("%d documents, want 4", len(docs))
	}
	seen := map[string]int{}
	for i, d := range docs {
		defs := d.AWS.CloudWatchMetrics[0].Metrics
		if len(defs) > 100 {
			t.Errorf("document %d defines %d metrics, over 100", i, len(defs))
		}
		for _, m := range defs {
			switch v := d.root[m.Name].(type) {
			case float64:
				seen[m.Name]++
			case []any:
				if len(v) > 100 {
					t.Errorf("document %d: %s has %d values, over 100", i, m.Name, len(v))
				}
				seen[m.Name] += len(v)
			default:
				t.Errorf("document %d: metric %s has no value: %v", i, m.Name, d.root[m.Name])
			}
		}
	}
	if seen["big"] != 250 || seen["Requests"] != 1 || seen["m149"] != 1 || len(seen) != 5+151 {
		t.Errorf("values written: big %d, Requests %d, m149 %d, %d metrics; want 250, 1, 1, 156", seen["big"], seen["Requests"], seen["m149"], len(seen))
	}
}

func TestMetricsHealthCheck(t *testing.T) {
	r, buf := metricsRouter(MetricsOptions{})
	invoke(t, r, newHealthCheck("GET", "/users/7"))
	if docs := buf.docs(t); len(docs) != 0 {
		t.Errorf("health check measured: %v", docs)
	}
	r, buf = metricsRouter(MetricsOptions{MeasureHealthChecks: true})
	invoke(t, r, newHealthCheck("GET", "/users/7"))
	if docs := buf.docs(t); len(docs) != 1 || docs[0].root["request_id"] != "" {
		t.Errorf("documents = %v, want one", docs)
	}
}

func TestMetricsOptionsPanic(t *testing.T) {
	many := map[string]string{}
	for i := range 28 {
		many["d"+strconv.Itoa(i)] = "v"
	}
	for _, tc := range []struct {
		opts MetricsOptions
		want string
	}{
		{MetricsOptions{Namespace: "AWS/Lambda"}, `invalid namespace "AWS/Lambda"`},
		{MetricsOptions{Namespace: ":x"}, `invalid namespace ":x"`},
		{MetricsOptions{Namespace: strings.Repeat("n", 256)}, "invalid namespace"},
		{MetricsOptions{Service: "a\nb"}, `invalid service "a\nb"`},
		{MetricsOptions{Dimensions: many}, "28 dimensions"},
		{MetricsOptions{Dimensions: map[string]string{"route": "x"}}, `invalid dimension name "route"`},
		{MetricsOptions{Dimensions: map[string]string{"stage": ""}}, `invalid value "" of dimension "stage"`},
	} {
		msg := mustPanic(t, func() { Metrics(tc.opts) })
		if !strings.Contains(msg, tc.want) {
			t.Errorf("panic %q, want it to hold %q", msg, tc.want)
		}
	}
}

func TestMetricsServiceFromEnvironment(t *testing.T) {
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "notes-fn")
	r, buf := metricsRouter(MetricsOptions{})
	invoke(t, r, newEvent("GET", "/users/7"))
	if docs := buf.docs(t); len(docs) != 1 || docs[0].root["service"] != "notes-fn" {
		t.Errorf("service = %v, want notes-fn", docs[0].root["service"])
	}
}

// FuzzAppendJSONString: encoding/json is the oracle. Every string encodes
// to one JSON string that decodes to it, each byte of invalid UTF-8
// replaced by U+FFFD, and the encoding is what encoding/json writes for the
// decoded string (with HTML escaping off), but for the form of control
// character escapes and U+2028 and U+2029, which it leaves as they are.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"b\`, "tab\tnl\n\x00\x1f\x7f", "é ü 日本", "bad\xffutf8", "\u2028\u2029", "<a>&", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := appendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(enc, &got); err != nil {
			t.Fatalf("appendJSONString(%q) = %s, not JSON: %v", s, enc, err)
		}
		if want := string([]rune(s)); got != want { // each invalid byte a U+FFFD
			t.Fatalf("appendJSONString(%q) decodes to %q, want %q", s, got, want)
		}
		var oracle bytes.Buffer
		e := json.NewEncoder(&oracle)
		e.SetEscapeHTML(false)
		_ = e.Encode(got)
		// encoding/json escapes U+2028 and U+2029; JSON does not require it.
		want := strings.NewReplacer(`\u2028`, "\u2028", `\u2029`, "\u2029").Replace(strings.TrimSuffix(oracle.String(), "\n"))
		if !sameControlEscapes(string(enc), want) {
			t.Fatalf("appendJSONString(%q) = %s, encoding/json writes %s", s, enc, want)
		}
	})
}

// sameControlEscapes reports whether a and b differ only in how they
// escape control characters (\n against \u000a, say), which JSON allows
// either way.
func sameControlEscapes(a, b string) bool {
	short := strings.NewReplacer(`\b`, `\u0008`, `\f`, `\u000c`, `\n`, `\u000a`, `\r`, `\u000d`, `\t`, `\u0009`)
	return short.Replace(a) == short.Replace(b)
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\`, "tab\tnl\n\x00\x1f", "é ü 日本", "bad\xffutf8", "\u2028"} {
		var got string
		if err := json.Unmarshal(appendJSONString(nil, s), &got); err != nil {
			t.Errorf("appendJSONString(%q) is not JSON: %v", s, err)
			continue
		}
		if want := string([]rune(s)); got != want {
			t.Errorf("appendJSONString(%q) decodes to %q, want %q", s, got, want)
		}
	}
}

// TestMetricsAllocs: Metrics allocates the one value PutMetric uses.
func TestMetricsAllocs(t *testing.T) {
	h := func(c *alb.Context) error { return c.NoContent(http.StatusNoContent) }
	ev := newEvent("GET", "/x").json()
	with := newRouter(h, Metrics(MetricsOptions{Writer: io.Discard}))
	assertExtraAllocs(t, with, newRouter(h), lambdaCtx("id"), ev, 1)
}

// BenchmarkObservability measures what the access log and the metrics
// add to Invoke, apart and together; both write to io.Discard.
func BenchmarkObservability(b *testing.B) {
	h := func(c *alb.Context) error { return c.NoContent(http.StatusNoContent) }
	ev := newEvent("GET", "/users/7").json()
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	for _, bc := range []struct {
		name string
		mw   []alb.Middleware
	}{
		{"none", nil},
		{"Logger", []alb.Middleware{Logger(LoggerOptions{Logger: logger})}},
		{"Metrics", []alb.Middleware{Metrics(MetricsOptions{Writer: io.Discard})}},
		{"Logger+Metrics", []alb.Middleware{Logger(LoggerOptions{Logger: logger}), Metrics(MetricsOptions{Writer: io.Discard})}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := newRouter(h, bc.mw...)
			ctx := lambdaCtx("bench")
			b.ReportAllocs()
			for b.Loop() {
				_, _ = r.Invoke(ctx, ev)
			}
		})
	}
}

// TestMetricsConcurrent: concurrent requests, each putting values from
// several goroutines on copies of its Context, get their own documents
// with every value (run with -race).
func TestMetricsConcurrent(t *testing.T) {
	r, buf := metricsRouter(MetricsOptions{})
	r.GET("/fan/:n", func(c *alb.Context) error {
		var wg sync.WaitGroup
		for range 4 {
			cp := c.Copy()
			wg.Go(func() { _ = PutMetric(cp, "Fan", UnitCount, 1) })
		}
		wg.Wait()
		return nil
	})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			_, _ = r.Invoke(context.Background(), newEvent("GET", "/fan/"+strconv.Itoa(i)).json())
		})
	}
	wg.Wait()
	docs := buf.docs(t)
	if len(docs) != 16 {
		t.Fatalf("%d documents, want 16", len(docs))
	}
	for _, d := range docs {
		if v, _ := d.root["Fan"].([]any); len(v) != 4 {
			t.Errorf("Fan = %v, want 4 values", d.root["Fan"])
		}
	}
}
