package middleware

import (
	"errors"
	"io"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/albkit/alb"
)

// MetricUnit is the unit of a CloudWatch metric. The constants are the
// units CloudWatch accepts; no other is.
type MetricUnit string

// The CloudWatch metric units.
const (
	UnitSeconds         MetricUnit = "Seconds"
	UnitMicroseconds    MetricUnit = "Microseconds"
	UnitMilliseconds    MetricUnit = "Milliseconds"
	UnitBytes           MetricUnit = "Bytes"
	UnitKilobytes       MetricUnit = "Kilobytes"
	UnitMegabytes       MetricUnit = "Megabytes"
	UnitGigabytes       MetricUnit = "Gigabytes"
	UnitTerabytes       MetricUnit = "Terabytes"
	UnitBits            MetricUnit = "Bits"
	UnitKilobits        MetricUnit = "Kilobits"
	UnitMegabits        MetricUnit = "Megabits"
	UnitGigabits        MetricUnit = "Gigabits"
	UnitTerabits        MetricUnit = "Terabits"
	UnitPercent         MetricUnit = "Percent"
	UnitCount           MetricUnit = "Count"
	UnitBytesPerSecond  MetricUnit = "Bytes/Second"
	UnitKilobytesPerSec MetricUnit = "Kilobytes/Second"
	UnitMegabytesPerSec MetricUnit = "Megabytes/Second"
	UnitGigabytesPerSec MetricUnit = "Gigabytes/Second"
	UnitTerabytesPerSec MetricUnit = "Terabytes/Second"
	UnitBitsPerSecond   MetricUnit = "Bits/Second"
	UnitKilobitsPerSec  MetricUnit = "Kilobits/Second"
	UnitMegabitsPerSec  MetricUnit = "Megabits/Second"
	UnitGigabitsPerSec  MetricUnit = "Gigabits/Second"
	UnitTerabitsPerSec  MetricUnit = "Terabits/Second"
	UnitCountPerSecond  MetricUnit = "Count/Second"
	UnitNone            MetricUnit = "None"
)

// Valid reports whether u is one of the units CloudWatch accepts.
func (u MetricUnit) Valid() bool {
	switch u {
	case UnitSeconds, UnitMicroseconds, UnitMilliseconds, UnitBytes, UnitKilobytes,
		UnitMegabytes, UnitGigabytes, UnitTerabytes, UnitBits, UnitKilobits, UnitMegabits,
		UnitGigabits, UnitTerabits, UnitPercent, UnitCount, UnitBytesPerSecond,
		UnitKilobytesPerSec, UnitMegabytesPerSec, UnitGigabytesPerSec, UnitTerabytesPerSec,
		UnitBitsPerSecond, UnitKilobitsPerSec, UnitMegabitsPerSec, UnitGigabitsPerSec,
		UnitTerabitsPerSec, UnitCountPerSecond, UnitNone:
		return true
	}
	return false
}

// The limits of the embedded metric format and of CloudWatch.
const (
	maxMetricsPerDocument = 100 // MetricDefinitions in one directive
	maxValuesPerMetric    = 100 // values in one metric's array
	maxDimensions         = 30  // dimension keys in one DimensionSet
	maxNameLen            = 255 // metric and dimension names, namespace
	maxDimensionValueLen  = 1024
)

// The metrics Metrics writes for every request.
const (
	MetricRequests  = "Requests"  // Count, 1 per request
	MetricLatency   = "Latency"   // Milliseconds, from Metrics to the response
	Metric4xx       = "4xx"       // Count, 1 for a 4xx response, else 0
	Metric5xx       = "5xx"       // Count, 1 for a 5xx response or a panic, else 0
	MetricColdStart = "ColdStart" // Count, 1 on the router's first request, else 0
)

// The dimensions of every metric Metrics writes.
const (
	DimensionService = "service"
	DimensionRoute   = "route"
	DimensionMethod  = "method"
)

// UnmatchedRoute is the route dimension of a request that matched no route
// (not found, method not allowed, a redirect or an automatic OPTIONS).
const UnmatchedRoute = "(unmatched)"

// OtherMethod is the method dimension of a request whose method is not one
// of the nine of RFC 9110 and PATCH, so that made-up methods cannot add
// dimension values.
const OtherMethod = "_OTHER"

// MetricsOptions configures Metrics. The zero value is ready to use.
type MetricsOptions struct {
	// Namespace is the CloudWatch namespace of the metrics: 1 to 255
	// bytes, not starting with ':' or "AWS/". "" means "alb".
	Namespace string

	// Service is the value of the service dimension. "" means the
	// function's name (AWS_LAMBDA_FUNCTION_NAME), or "alb" outside Lambda.
	Service string

	// Dimensions are more dimensions, with their values, added to every
	// metric: at most 27 (a DimensionSet holds 30 at most, and Metrics
	// uses three). Names are 1 to 255 bytes, values 1 to 1024; neither may
	// be one of the names Metrics uses ("service", "route", "method",
	// "request_id", "trace_id", "_aws" and the metric names).
	Dimensions map[string]string

	// HighResolution stores every metric at one-second resolution
	// (StorageResolution 1) instead of CloudWatch's one minute. CloudWatch
	// charges more for it.
	HighResolution bool

	// MeasureHealthChecks measures ALB health checks too (see
	// alb.Context.IsHealthCheck). By default they are not measured: the
	// ALB sends one every interval, whatever the traffic.
	MeasureHealthChecks bool

	// Writer receives the documents, one JSON line each, written with one
	// Write call under a lock. nil means os.Stdout, where Lambda sends
	// each line to CloudWatch Logs, which extracts the metrics.
	Writer io.Writer
}

// ErrNoMetrics is the error of PutMetric on a request that Metrics does
// not measure: Metrics is not in its chain, or the request is a health
// check.
var ErrNoMetrics = errors.New("middleware: PutMetric: no Metrics middleware measures this request")

// metricsKey is the Context key of the request's *metricSet.
var metricsKey = &struct{ name string }{"metrics"}

// Metrics returns middleware that writes, for every request, metrics in
// CloudWatch's embedded metric format (EMF): a JSON document on standard
// output, from which CloudWatch Logs makes metrics, with no agent and no
// API call. The document is written once the handler has returned, before
// the response goes out, so no metric is lost when the execution
// environment is frozen after the response.
//
// Each document holds MetricRequests, MetricLatency, Metric4xx, Metric5xx
// and MetricColdStart, then the application's own metrics (PutMetric),
// with the dimensions service, route and method (one DimensionSet, plus
// Options.Dimensions). The route is the matched pattern ("/users/:id"),
// never the raw path, and the method a standard one or OtherMethod, so the
// number of metrics stays bounded whatever the clients send. The document
// also carries request_id and trace_id, which are not dimensions, to find
// the request's log lines. A request that puts more than 100 metrics, or
// more than 100 values in one, gets as many documents as the limits of the
// format need.
//
// When the handler returns an error, Metrics has it answered at once by
// the router's ErrorHandler (alb.Context.HandleError), as Logger does, so
// that the status is that of the response the client gets. A panic counts
// as a 5xx and goes on to Recover (which should run outside Metrics) or to
// the router.
//
// Metrics panics at start-up, quoting the bad value, when an option breaks
// the limits above. It allocates one small value per request for
// PutMetric's use.
func Metrics(opts MetricsOptions) alb.Middleware {
	m := newMetricsWriter(opts)
	return func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) (err error) {
			if !opts.MeasureHealthChecks && c.IsHealthCheck() {
				return next(c)
			}
			start := time.Now()
			set := &metricSet{dims: m.dimNames}
			c.Set(metricsKey, set)
			panicked := true
			defer func() {
				if panicked {
					m.write(c, set, start, http.StatusInternalServerError)
				}
			}()
			err = next(c)
			panicked = false
			c.HandleError(err)
			m.write(c, set, start, c.ResponseStatus())
			return err
		}
	}
}

// PutMetric adds a value of the application's metric name, in unit, to
// the request's document (see Metrics), with the request's dimensions.
// Several values of one name go into an array, which CloudWatch takes as
// that many data points; they must share their unit.
//
// PutMetric returns an error, and adds nothing, when the name is empty,
// longer than 255 bytes, not valid UTF-8, holds a control character, or is
// one of the names Metrics uses or of Options.Dimensions; when the unit is not a CloudWatch unit,
// or differs from the one given earlier for the name; when the value is
// NaN, infinite, or beyond what CloudWatch accepts (a magnitude above
// 2^360 or, other than zero, below 2^-260); and ErrNoMetrics when Metrics
// does not measure the request. It is safe for concurrent use by the
// goroutines of one request (on c.Copy(), say); a value put after Metrics
// has written the document is dropped, with an error.
func PutMetric(c *alb.Context, name string, unit MetricUnit, value float64) error {
	set, ok := c.Get(metricsKey).(*metricSet)
	if !ok {
		return ErrNoMetrics
	}
	if err := checkName("metric name", name); err != nil {
		return err
	}
	if reservedName(name) || set.dims[name] {
		return errors.New("middleware: PutMetric: " + strconv.Quote(name) + " is a name Metrics uses")
	}
	if !unit.Valid() {
		return errors.New("middleware: PutMetric: " + strconv.Quote(string(unit)) + " is not a CloudWatch unit")
	}
	if a := math.Abs(value); math.IsNaN(value) || math.IsInf(value, 0) || a > 0x1p360 || a != 0 && a < 0x1p-260 {
		return errors.New("middleware: PutMetric: " + strconv.FormatFloat(value, 'g', -1, 64) + " is not a value CloudWatch accepts")
	}
	return set.put(name, unit, value)
}

// metricSet is the application's metrics of one request.
type metricSet struct {
	dims    map[string]bool // the names of Options.Dimensions, which no metric may take
	mu      sync.Mutex
	done    bool // the document was written
	metrics []metric
}

type metric struct {
	name   string
	unit   MetricUnit
	values []float64
}

func (s *metricSet) put(name string, unit MetricUnit, value float64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return errors.New("middleware: PutMetric: " + strconv.Quote(name) + " was put after the request's metrics were written")
	}
	for i := range s.metrics {
		if m := &s.metrics[i]; m.name == name {
			if m.unit != unit {
				return errors.New("middleware: PutMetric: " + strconv.Quote(name) + " has unit " + string(m.unit) + ", not " + string(unit))
			}
			m.values = append(m.values, value)
			return nil
		}
	}
	s.metrics = append(s.metrics, metric{name: name, unit: unit, values: []float64{value}})
	return nil
}

// take marks the set written and returns its metrics.
func (s *metricSet) take() []metric {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	return s.metrics
}

// reservedNames are the root members of a document that Metrics writes
// itself.
var reservedNames = []string{
	"_aws", DimensionService, DimensionRoute, DimensionMethod, "request_id", "trace_id",
	MetricRequests, MetricLatency, Metric4xx, Metric5xx, MetricColdStart,
}

func reservedName(name string) bool {
	for _, r := range reservedNames {
		if name == r {
			return true
		}
	}
	return false
}

// checkName checks a metric or dimension name against CloudWatch's rules.
func checkName(what, name string) error {
	if name == "" || len(name) > maxNameLen || !utf8.ValidString(name) || hasControl(name) {
		return errors.New("middleware: " + what + " " + strconv.Quote(name) + " must be 1 to 255 bytes of UTF-8 text without control characters")
	}
	return nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// metricsWriter writes the documents of one Metrics middleware.
type metricsWriter struct {
	mu    sync.Mutex // serialises writes to w
	w     io.Writer
	shape string // after the timestamp: `,"CloudWatchMetrics":[{"Namespace":...,"Dimensions":[[...]],"Metrics":[`
	dims  string // the fixed dimension members: `,"service":"..."` and the options'
	res   string // `,"StorageResolution":1` or ""

	builtinDefs string          // the MetricDefinitions of builtinMetrics
	dimNames    map[string]bool // the names of Options.Dimensions
	pool        sync.Pool
}

func newMetricsWriter(opts MetricsOptions) *metricsWriter {
	ns := opts.Namespace
	if ns == "" {
		ns = "alb"
	}
	if err := checkName("namespace", ns); err != nil || ns[0] == ':' || strings.HasPrefix(ns, "AWS/") {
		panic("middleware: Metrics: invalid namespace " + strconv.Quote(ns) + ": 1 to 255 bytes of text, not starting with ':' or \"AWS/\"")
	}
	service := opts.Service
	if service == "" {
		service = os.Getenv("AWS_LAMBDA_FUNCTION_NAME")
	}
	if service == "" {
		service = "alb"
	}
	if !validDimensionValue(service) {
		panic("middleware: Metrics: invalid service " + strconv.Quote(service) + ": 1 to 1024 bytes of text")
	}
	if len(opts.Dimensions) > maxDimensions-3 {
		panic("middleware: Metrics: " + strconv.Itoa(len(opts.Dimensions)) + " dimensions; at most 27 besides service, route and method")
	}
	names := make([]string, 0, len(opts.Dimensions))
	for name, value := range opts.Dimensions {
		if err := checkName("dimension name", name); err != nil || reservedName(name) {
			panic("middleware: Metrics: invalid dimension name " + strconv.Quote(name))
		}
		if !validDimensionValue(value) {
			panic("middleware: Metrics: invalid value " + strconv.Quote(value) + " of dimension " + strconv.Quote(name) + ": 1 to 1024 bytes of text")
		}
		names = append(names, name)
	}
	slices.Sort(names)

	shape := appendJSONString([]byte(`,"CloudWatchMetrics":[{"Namespace":`), ns)
	shape = append(shape, `,"Dimensions":[["service","route","method"`...)
	dims := appendJSONString([]byte(`,"service":`), service)
	for _, name := range names {
		shape = appendJSONString(append(shape, ','), name)
		dims = appendJSONString(append(appendJSONString(append(dims, ','), name), ':'), opts.Dimensions[name])
	}
	shape = append(shape, `]],"Metrics":[`...)
	m := &metricsWriter{w: opts.Writer, shape: string(shape), dims: string(dims), dimNames: map[string]bool{}}
	for _, name := range names {
		m.dimNames[name] = true
	}
	if m.w == nil {
		m.w = os.Stdout
	}
	if opts.HighResolution {
		m.res = `,"StorageResolution":1`
	}
	var defs []byte
	for k, bm := range builtinMetrics {
		defs = m.appendDefinition(defs, k, bm.name, bm.unit)
	}
	m.builtinDefs = string(defs)
	m.pool.New = func() any { b := make([]byte, 0, 1024); return &b }
	return m
}

// builtinMetrics are the metrics of every request, in document order.
var builtinMetrics = [...]struct {
	name string
	unit MetricUnit
}{
	{MetricRequests, UnitCount},
	{MetricLatency, UnitMilliseconds},
	{Metric4xx, UnitCount},
	{Metric5xx, UnitCount},
	{MetricColdStart, UnitCount},
}

// write writes the request's documents: the built-in metrics and the
// application's in the first, and as many more as the application's need
// within the format's limits.
func (m *metricsWriter) write(c *alb.Context, set *metricSet, start time.Time, status int) {
	builtin := [len(builtinMetrics)]float64{
		1,
		float64(time.Since(start)) / float64(time.Millisecond),
		b2f(status >= 400 && status < 500),
		b2f(status >= 500),
		b2f(c.ColdStart()),
	}
	app := set.take()
	traceID, _ := c.Trace()
	route, method, requestID := routeDimension(c.Route()), methodDimension(c.Method()), c.RequestID()

	bp := m.pool.Get().(*[]byte)
	b := *bp
	for first := true; ; first = false {
		// The metrics of this document: the built-in ones in the first,
		// then each application metric with values left, up to 100 in
		// all, each with up to 100 of its values, consumed from the front.
		slots := maxMetricsPerDocument
		if first {
			slots -= len(builtin)
		}
		n := 0
		for i := range app {
			if len(app[i].values) > 0 && n < slots {
				n++
			}
		}
		if !first && n == 0 {
			break
		}
		b = append(b[:0], `{"_aws":{"Timestamp":`...)
		b = strconv.AppendInt(b, start.UnixMilli(), 10)
		b = append(b, m.shape...)
		k := 0
		if first {
			b = append(b, m.builtinDefs...)
			k = len(builtinMetrics)
		}
		for i := range app {
			if len(app[i].values) > 0 && k < maxMetricsPerDocument {
				b = m.appendDefinition(b, k, app[i].name, app[i].unit)
				k++
			}
		}
		b = append(b, "]}]}"...)
		b = append(b, m.dims...)
		b = appendJSONString(append(b, `,"route":`...), route)
		b = appendJSONString(append(b, `,"method":`...), method)
		b = appendJSONString(append(b, `,"request_id":`...), requestID)
		b = appendJSONString(append(b, `,"trace_id":`...), traceID)
		k = 0
		if first {
			for i, bm := range builtinMetrics {
				b = append(appendJSONString(append(b, ','), bm.name), ':')
				b = strconv.AppendFloat(b, builtin[i], 'g', -1, 64)
				k++
			}
		}
		for i := range app {
			vs := app[i].values
			if len(vs) == 0 || k == maxMetricsPerDocument {
				continue
			}
			k++
			if len(vs) > maxValuesPerMetric {
				vs = vs[:maxValuesPerMetric]
			}
			app[i].values = app[i].values[len(vs):]
			b = append(appendJSONString(append(b, ','), app[i].name), ':')
			if len(vs) == 1 {
				b = strconv.AppendFloat(b, vs[0], 'g', -1, 64)
				continue
			}
			b = append(b, '[')
			for j, v := range vs {
				if j > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendFloat(b, v, 'g', -1, 64)
			}
			b = append(b, ']')
		}
		b = append(b, "}\n"...)
		m.mu.Lock()
		_, _ = m.w.Write(b)
		m.mu.Unlock()
	}
	if cap(b) <= 64<<10 {
		*bp = b[:0]
		m.pool.Put(bp)
	}
}

// appendDefinition appends the k-th MetricDefinition of a document.
func (m *metricsWriter) appendDefinition(b []byte, k int, name string, unit MetricUnit) []byte {
	if k > 0 {
		b = append(b, ',')
	}
	b = appendJSONString(append(b, `{"Name":`...), name)
	b = append(append(append(b, `,"Unit":"`...), unit...), '"')
	return append(append(b, m.res...), '}')
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// routeDimension returns the route dimension of a matched pattern.
func routeDimension(route string) string {
	if route == "" {
		return UnmatchedRoute
	}
	return truncateUTF8(route, maxDimensionValueLen)
}

// methodDimension returns the method dimension of a request method.
func methodDimension(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return OtherMethod
}

// truncateUTF8 cuts s to at most n bytes, at a rune boundary.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func validDimensionValue(v string) bool {
	return v != "" && len(v) <= maxDimensionValueLen && utf8.ValidString(v) && !hasControl(v)
}

// appendJSONString appends s to b as a JSON string: '"', '\\' and control
// characters escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\ufffd"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
