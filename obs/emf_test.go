package obs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/middleware"
)

// emfSchema is testdata/emf.schema.json, compiled once.
var emfSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	f, err := os.Open("testdata/emf.schema.json")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("emf.schema.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("emf.schema.json")
})

// validateEMF reports whether line is a valid embedded metric format
// document: valid against the schema, and every reference names a root
// member of the right type (what a schema cannot say): a dimension a
// string of 1 to 1024 bytes, a metric a number or an array of at most 100
// numbers.
func validateEMF(line []byte) error {
	sch, err := emfSchema()
	if err != nil {
		return fmt.Errorf("schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
	if err != nil {
		return fmt.Errorf("not one JSON value: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		return err
	}
	var doc struct {
		AWS struct {
			CloudWatchMetrics []struct {
				Dimensions [][]string
				Metrics    []struct{ Name string }
			}
		} `json:"_aws"`
	}
	var root map[string]any
	if err := json.Unmarshal(line, &doc); err != nil {
		return err
	}
	if err := json.Unmarshal(line, &root); err != nil {
		return err
	}
	for _, dir := range doc.AWS.CloudWatchMetrics {
		dims := map[string]bool{}
		for _, set := range dir.Dimensions {
			for _, key := range set {
				dims[key] = true
				v, ok := root[key].(string)
				if !ok || v == "" || len(v) > 1024 {
					return fmt.Errorf("dimension %q: root member %v is not a string of 1 to 1024 bytes", key, root[key])
				}
			}
		}
		for _, m := range dir.Metrics {
			if dims[m.Name] {
				return fmt.Errorf("metric %q is also a dimension", m.Name)
			}
			switch v := root[m.Name].(type) {
			case float64:
			case []any:
				if len(v) == 0 || len(v) > 100 {
					return fmt.Errorf("metric %q: %d values, want 1 to 100", m.Name, len(v))
				}
				for _, x := range v {
					if _, ok := x.(float64); !ok {
						return fmt.Errorf("metric %q: value %v is not a number", m.Name, x)
					}
				}
			default:
				return fmt.Errorf("metric %q: root member %v is not a number or an array of numbers", m.Name, root[m.Name])
			}
		}
	}
	return nil
}

// lines is an io.Writer that keeps each Write as one line.
type lines struct {
	mu  sync.Mutex
	all [][]byte
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(p) == 0 || p[len(p)-1] != '\n' || bytes.Count(p, []byte("\n")) != 1 {
		return 0, errors.New("a write that is not one line")
	}
	l.all = append(l.all, bytes.Clone(p[:len(p)-1]))
	return len(p), nil
}

func (l *lines) take() [][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.all
	l.all = nil
	return out
}

// TestSchemaRejects: the schema and the reference checks fail documents
// that break the specification, so that the tests below can fail.
func TestSchemaRejects(t *testing.T) {
	defs := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"Name":"m%d"}`, i)
		}
		return b.String()
	}
	values := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, `,"m%d":1`, i)
		}
		return b.String()
	}
	dims31 := `"d0"` + strings.Repeat(`,"d0"`, 30)
	valid := `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[["d"]],"Metrics":[{"Name":"m","Unit":"Count"}]}]},"d":"x","m":1}`
	if err := validateEMF([]byte(valid)); err != nil {
		t.Fatalf("a valid document fails: %v", err)
	}
	for name, doc := range map[string]string{
		"no _aws":             `{"m":1}`,
		"no Timestamp":        `{"_aws":{"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[],"Metrics":[]}]}}`,
		"float Timestamp":     `{"_aws":{"Timestamp":1.5,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[],"Metrics":[]}]}}`,
		"no directive":        `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]}}`,
		"empty namespace":     `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"","Dimensions":[],"Metrics":[]}]}}`,
		"extra member":        `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[],"Metrics":[],"X":1}]}}`,
		"unknown unit":        `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[],"Metrics":[{"Name":"m","Unit":"Furlongs"}]}]},"m":1}`,
		"storage resolution":  `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[],"Metrics":[{"Name":"m","StorageResolution":5}]}]},"m":1}`,
		"101 metrics":         `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[],"Metrics":[` + defs(101) + `]}]}` + values(101) + `}`,
		"31 dimensions":       `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[[` + dims31 + `]],"Metrics":[]}]},"d0":"x"}`,
		"missing metric":      `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[],"Metrics":[{"Name":"m"}]}]}}`,
		"string metric":       `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[],"Metrics":[{"Name":"m"}]}]},"m":"1"}`,
		"101 values":          `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[],"Metrics":[{"Name":"m"}]}]},"m":[` + strings.TrimSuffix(strings.Repeat("1,", 101), ",") + `]}`,
		"missing dimension":   `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[["d"]],"Metrics":[]}]}}`,
		"number dimension":    `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[["d"]],"Metrics":[]}]},"d":1}`,
		"trailing data":       valid + ` {}`,
		"metric as dimension": `{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[["m"]],"Metrics":[{"Name":"m"}]}]},"m":"1"}`,
	} {
		if err := validateEMF([]byte(doc)); err == nil {
			t.Errorf("%s: the document passes, want it refused", name)
		}
	}
}

// shopRouter is an application with routes of every kind, measured by
// Metrics with mw's options, writing to out.
func shopRouter(opts middleware.MetricsOptions, out *lines) *alb.Router {
	opts.Writer = out
	r := alb.New()
	r.Use(middleware.Recover(middleware.RecoverOptions{}), middleware.RequestID(middleware.RequestIDOptions{}), middleware.Metrics(opts))
	r.GET("/", func(c *alb.Context) error { return c.String(http.StatusOK, "home") })
	r.GET("/users/:id", func(c *alb.Context) error {
		if c.Param("id") == "0" {
			return alb.NewHTTPError(http.StatusNotFound, "no such user")
		}
		return c.String(http.StatusOK, c.Param("id"))
	})
	r.POST("/users/:id/orders", func(c *alb.Context) error {
		n, _ := strconv.Atoi(c.Query("items"))
		for i := range n {
			if err := middleware.PutMetric(c, "ItemPrice", middleware.UnitNone, float64(i)+0.5); err != nil {
				return err
			}
			if err := middleware.PutMetric(c, "Item"+strconv.Itoa(i%150), middleware.UnitCount, 1); err != nil {
				return err
			}
		}
		return c.NoContent(http.StatusCreated)
	})
	r.GET("/files/*path", func(c *alb.Context) error {
		if strings.Contains(c.Param("path"), "panic") {
			panic("file system on fire")
		}
		return c.String(http.StatusOK, c.Param("path"))
	})
	r.GET("/café/:näme", func(c *alb.Context) error { return c.NoContent(http.StatusNoContent) })
	return r
}

// TestEMFDocumentsValid: every document Metrics writes, in every case, is
// valid.
func TestEMFDocumentsValid(t *testing.T) {
	quiet(t)
	for _, opts := range []middleware.MetricsOptions{
		{},
		{Namespace: "shop/api", Service: "orders", HighResolution: true},
		{Dimensions: func() map[string]string {
			m := map[string]string{}
			for i := range 27 {
				m["dim"+strconv.Itoa(i)] = strings.Repeat("v", 1024)
			}
			return m
		}()},
	} {
		out := new(lines)
		r := shopRouter(opts, out)
		reqs := []*albtest.Request{
			albtest.NewRequest("GET", "/"),
			albtest.NewRequest("GET", "/users/42"),
			albtest.NewRequest("GET", "/users/0"),
			albtest.NewRequest("POST", "/users/42/orders?items=3"),
			albtest.NewRequest("POST", "/users/42/orders?items=250"), // over 100 metrics and 100 values
			albtest.NewRequest("GET", "/files/a/b/panic"),
			albtest.NewRequest("GET", "/caf%C3%A9/x"),
			albtest.NewRequest("GET", "/nowhere"),
			albtest.NewRequest("DELETE", "/users/42"),
			albtest.NewRequest("BREW", "/users/42"),
			albtest.NewRequest("GET", "/users/42", albtest.WithMultiValue()),
			albtest.NewRequest("GET", "/", albtest.WithHealthCheck()),
		}
		for _, req := range reqs {
			if _, err := r.Invoke(context.Background(), req.Event()); err != nil {
				t.Fatal(err)
			}
		}
		docs := out.take()
		// The health check is not measured; 250 items take 3 documents:
		// 5 built-in metrics, 100 prices and Item0-Item93; 100 prices and
		// Item94-Item149; the last 50 prices.
		if want := len(reqs) - 1 + 2; len(docs) != want {
			t.Errorf("%d documents for %d requests, want %d", len(docs), len(reqs), want)
		}
		for _, doc := range docs {
			if err := validateEMF(doc); err != nil {
				t.Errorf("invalid document: %v\n%s", err, doc)
			}
		}
	}
}

// TestEMFBurst: 10,000 requests to random paths, valid documents all,
// make one dimension set per route: the route dimension is the pattern,
// never the path, and the method a known one.
func TestEMFBurst(t *testing.T) {
	quiet(t)
	out := new(lines)
	r := shopRouter(middleware.MetricsOptions{Namespace: "burst"}, out)
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		const letters = "abcdefghijklmnopqrstuvwxyz0123456789-_.~%20"
		b := make([]byte, 1+rng.IntN(12))
		for i := range b {
			b[i] = letters[rng.IntN(len(letters)-3)]
		}
		return string(b)
	}
	methods := []string{"GET", "GET", "GET", "POST", "HEAD", "PUT", "PURGE", "X" + strconv.Itoa(rng.IntN(1000))}
	const n = 10000
	for range n {
		var path string
		switch rng.IntN(6) {
		case 0:
			path = "/users/" + word()
		case 1:
			path = "/users/" + word() + "/orders?items=" + strconv.Itoa(rng.IntN(4))
		case 2:
			path = "/files/" + word() + "/" + word()
		case 3:
			path = "/caf%C3%A9/" + word()
		case 4:
			path = "/" + word() + "/" + word() + "/" + word()
		default:
			path = "/"
		}
		method := methods[rng.IntN(len(methods))]
		if strings.HasPrefix(method, "X") {
			method = "X" + strconv.Itoa(rng.IntN(100000)) // a new method each time
		}
		if _, err := r.Invoke(context.Background(), albtest.NewRequest(method, path).Event()); err != nil {
			t.Fatal(err)
		}
	}
	docs := out.take()
	if len(docs) != n {
		t.Fatalf("%d documents for %d requests, want one each", len(docs), n)
	}
	sets := map[string]int{} // "route method" -> documents
	routes := map[string]bool{}
	for _, doc := range docs {
		if err := validateEMF(doc); err != nil {
			t.Fatalf("invalid document: %v\n%s", err, doc)
		}
		var d struct{ Route, Method, Service string }
		if err := json.Unmarshal(doc, &d); err != nil {
			t.Fatal(err)
		}
		sets[d.Route+" "+d.Method]++
		routes[d.Route] = true
	}
	want := []string{"(unmatched)", "/", "/café/:näme", "/files/*path", "/users/:id", "/users/:id/orders"}
	got := make([]string, 0, len(routes))
	for r := range routes {
		got = append(got, r)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("route dimension values = %q, want %q: one per route", got, want)
	}
	known := map[string]bool{"GET": true, "POST": true, "HEAD": true, "PUT": true, "_OTHER": true}
	for set := range sets {
		if m := set[strings.LastIndexByte(set, ' ')+1:]; !known[m] {
			t.Errorf("method dimension %q: want a known method or _OTHER", m)
		}
	}
	if len(sets) > len(want)*len(known) {
		t.Errorf("%d dimension sets, want at most %d", len(sets), len(want)*len(known))
	}
	t.Logf("%d requests, %d documents, %d distinct dimension values (route, method), %d routes", n, len(docs), len(sets), len(routes))
}

// quiet sends the default logger's lines (the router's and Recover's
// errors) nowhere for the test.
func quiet(t *testing.T) {
	t.Helper()
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler))
	t.Cleanup(func() { slog.SetDefault(prev) })
}
