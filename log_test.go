package alb

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// lockedBuffer is a bytes.Buffer safe for concurrent writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines parses every JSON line written so far.
func (b *lockedBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func lambdaCtx(id string) context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: id})
}

// logRouter returns a router whose Logger writes JSON at level to the
// returned buffer, with GET /hello/:who calling h.
func logRouter(level slog.Level, h HandlerFunc) (*Router, *lockedBuffer) {
	buf := new(lockedBuffer)
	r := New()
	r.Logger = slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: level}))
	r.GET("/hello/:who", h)
	return r, buf
}

func TestContextLoggerFields(t *testing.T) {
	for _, multi := range bothModes {
		r, buf := logRouter(slog.LevelInfo, func(c *Context) error {
			c.Logger().Info("hello", "who", c.Param("who"))
			return c.NoContent(http.StatusNoContent)
		})
		ev := invokeEvent("/hello/ada", multi)
		_, _ = r.Invoke(lambdaCtx("req-1"), ev)
		_, _ = r.Invoke(lambdaCtx("req-2"), ev)
		recs := buf.lines(t)
		if len(recs) != 2 {
			t.Fatalf("%s: %d lines, want 2", modeLabel(multi), len(recs))
		}
		for i, rec := range recs {
			for key, want := range map[string]any{
				"msg": "hello", "level": "INFO", "who": "ada",
				"request_id": []string{"req-1", "req-2"}[i],
				"trace_id":   "1-67a0c2f1-3b9d2c1e0f4a5b6c7d8e9f01",
				"method":     "GET", "route": "/hello/:who", "client_ip": "203.0.113.7",
				"cold_start": i == 0,
			} {
				if got := rec[key]; got != want {
					t.Errorf("%s: line %d: %s = %v, want %v", modeLabel(multi), i, key, got, want)
				}
			}
			if _, ok := rec["span_id"]; ok {
				t.Errorf("%s: line %d has a span_id without SetTrace: %v", modeLabel(multi), i, rec)
			}
		}
	}
}

// TestContextLoggerNoLeak: what one request set (request id, trace ids,
// cold start) never reaches the next request's records, though the
// Context and its logger are pooled.
func TestContextLoggerNoLeak(t *testing.T) {
	r, buf := logRouter(slog.LevelInfo, func(c *Context) error {
		if c.Param("who") == "first" {
			c.SetRequestID("first-id")
			c.SetTrace("0123456789abcdef0123456789abcdef", "0123456789abcdef")
		}
		c.Logger().Info("x")
		return nil
	})
	ev := invokeEvent("/hello/first", false)
	ev2 := bytes.Replace(invokeEvent("/hello/second", false), []byte("x-amzn-trace-id"), []byte("x-other"), 1)
	_, _ = r.Invoke(context.Background(), ev)
	_, _ = r.Invoke(context.Background(), ev2)
	recs := buf.lines(t)
	if len(recs) != 2 {
		t.Fatalf("%d lines, want 2", len(recs))
	}
	if recs[0]["request_id"] != "first-id" || recs[0]["trace_id"] != "0123456789abcdef0123456789abcdef" || recs[0]["span_id"] != "0123456789abcdef" {
		t.Errorf("first line = %v, want the ids set", recs[0])
	}
	if recs[1]["request_id"] != "" || recs[1]["trace_id"] != "" || recs[1]["cold_start"] != false {
		t.Errorf("second line = %v, want empty ids and no cold start", recs[1])
	}
	if _, ok := recs[1]["span_id"]; ok {
		t.Errorf("second line = %v: span_id leaked", recs[1])
	}
}

// TestContextLoggerDerived: a logger derived with With or WithGroup keeps
// the request's attributes, outside the group, after the request.
func TestContextLoggerDerived(t *testing.T) {
	var kept *slog.Logger
	r, buf := logRouter(slog.LevelInfo, func(c *Context) error {
		if kept == nil {
			kept = c.Logger().WithGroup("app").With("k", 1)
		}
		return nil
	})
	_, _ = r.Invoke(lambdaCtx("kept-id"), invokeEvent("/hello/a", false))
	_, _ = r.Invoke(lambdaCtx("other-id"), invokeEvent("/hello/b", false))
	kept.Info("later", "n", 2)
	recs := buf.lines(t)
	if len(recs) != 1 {
		t.Fatalf("%d lines, want 1", len(recs))
	}
	app, _ := recs[0]["app"].(map[string]any)
	if recs[0]["request_id"] != "kept-id" || recs[0]["route"] != "/hello/:who" || app["k"] != 1.0 || app["n"] != 2.0 {
		t.Errorf("line = %v, want request_id kept-id at the top and k, n in app", recs[0])
	}
}

type ctxKey struct{}

// recordingHandler keeps the contexts and records it is handed.
type recordingHandler struct {
	slog.Handler
	ctxs []context.Context
}

func (h *recordingHandler) Handle(ctx context.Context, r slog.Record) error {
	h.ctxs = append(h.ctxs, ctx)
	return h.Handler.Handle(ctx, r)
}

// TestContextLoggerContext: records without a context of their own are
// handled with the request's.
func TestContextLoggerContext(t *testing.T) {
	rec := &recordingHandler{Handler: slog.NewJSONHandler(new(bytes.Buffer), nil)}
	r := New()
	r.Logger = slog.New(rec)
	own := context.WithValue(context.Background(), ctxKey{}, "own")
	r.GET("/", func(c *Context) error {
		c.SetContext(context.WithValue(c.Context(), ctxKey{}, "request"))
		c.Logger().Info("a")
		c.Logger().InfoContext(own, "b")
		return nil
	})
	_, _ = r.Invoke(context.Background(), invokeEvent("/", false))
	if len(rec.ctxs) != 2 || rec.ctxs[0].Value(ctxKey{}) != "request" || rec.ctxs[1].Value(ctxKey{}) != "own" {
		t.Errorf("contexts handed to the handler: %v, want the request's then the record's own", rec.ctxs)
	}
}

// TestContextLoggerCopy: a copy's logger keeps the request's attributes
// after the original Context is reused.
func TestContextLoggerCopy(t *testing.T) {
	var cp *Context
	r, buf := logRouter(slog.LevelInfo, func(c *Context) error {
		if cp == nil {
			cp = c.Copy()
		}
		return nil
	})
	_, _ = r.Invoke(lambdaCtx("copied"), invokeEvent("/hello/a", false))
	_, _ = r.Invoke(lambdaCtx("next"), invokeEvent("/hello/b", false))
	cp.Logger().Info("from a goroutine")
	recs := buf.lines(t)
	if len(recs) != 1 || recs[0]["request_id"] != "copied" || recs[0]["cold_start"] != true {
		t.Errorf("lines = %v, want one with request_id copied and cold_start true", recs)
	}
}

// TestContextLoggerDisabledAllocs: a record below the handler's level
// allocates nothing: Invoke allocates as much as without the call.
func TestContextLoggerDisabledAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	quiet, _ := logRouter(slog.LevelInfo, func(c *Context) error { return c.NoContent(http.StatusNoContent) })
	logging, buf := logRouter(slog.LevelInfo, func(c *Context) error {
		c.Logger().LogAttrs(c.Context(), slog.LevelDebug, "debug", slog.String("who", c.Param("who")))
		c.Logger().Debug("debug", "n", 42)
		return c.NoContent(http.StatusNoContent)
	})
	ev := invokeEvent("/hello/ada", false)
	base := testing.AllocsPerRun(200, func() { _, _ = quiet.Invoke(context.Background(), ev) })
	got := testing.AllocsPerRun(200, func() { _, _ = logging.Invoke(context.Background(), ev) })
	if got != base {
		t.Errorf("Invoke with disabled records allocates %v times, want %v (as without them)", got, base)
	}
	if n := len(buf.lines(t)); n != 0 {
		t.Errorf("%d lines written, want 0", n)
	}
}

func BenchmarkContextLogger(b *testing.B) {
	ev := invokeEvent("/hello/ada", false)
	for _, bc := range []struct {
		name  string
		level slog.Level
		log   bool
	}{
		{"none", slog.LevelInfo, false},
		{"disabled", slog.LevelWarn, true},
		{"enabled", slog.LevelInfo, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := New()
			r.Logger = slog.New(slog.NewJSONHandler(discard{}, &slog.HandlerOptions{Level: bc.level}))
			r.GET("/hello/:who", func(c *Context) error {
				if bc.log {
					c.Logger().LogAttrs(c.Context(), slog.LevelInfo, "hello", slog.String("who", c.Param("who")))
				}
				return c.NoContent(http.StatusNoContent)
			})
			ctx := lambdaCtx("bench")
			b.ReportAllocs()
			for b.Loop() {
				_, _ = r.Invoke(ctx, ev)
			}
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestNewLogHandler(t *testing.T) {
	for _, tc := range []struct {
		format, level string
		write         []slog.Level
		want          []string // the level names written
	}{
		{"", "", []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelError}, []string{"INFO", "ERROR"}},
		{"JSON", "debug", []slog.Level{LevelTrace, slog.LevelDebug, slog.LevelInfo}, []string{"DEBUG", "INFO"}},
		{"json", "TRACE", []slog.Level{LevelTrace, LevelFatal}, []string{"TRACE", "FATAL"}},
		{"JSON", "WARN", []slog.Level{slog.LevelInfo, slog.LevelWarn}, []string{"WARN"}},
		{"JSON", "ERROR", []slog.Level{slog.LevelWarn, slog.LevelError}, []string{"ERROR"}},
		{"JSON", "FATAL", []slog.Level{slog.LevelError, LevelFatal}, []string{"FATAL"}},
		{"JSON", "nonsense", []slog.Level{slog.LevelDebug, slog.LevelInfo}, []string{"INFO"}},
	} {
		t.Setenv("AWS_LAMBDA_LOG_FORMAT", tc.format)
		t.Setenv("AWS_LAMBDA_LOG_LEVEL", tc.level)
		buf := new(lockedBuffer)
		l := slog.New(NewLogHandler(buf))
		for _, lv := range tc.write {
			l.Log(context.Background(), lv, "m", "k", "v")
		}
		recs := buf.lines(t)
		var got []string
		for _, rec := range recs {
			got = append(got, rec["level"].(string))
			if rec["message"] != "m" || rec["k"] != "v" {
				t.Errorf("%s/%s: line %v, want message m and k v", tc.format, tc.level, rec)
			}
			if _, ok := rec["timestamp"].(string); !ok {
				t.Errorf("%s/%s: line %v has no timestamp", tc.format, tc.level, rec)
			}
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("format %q level %q: wrote levels %v, want %v", tc.format, tc.level, got, tc.want)
		}
	}
}

func TestNewLogHandlerText(t *testing.T) {
	t.Setenv("AWS_LAMBDA_LOG_FORMAT", "Text")
	t.Setenv("AWS_LAMBDA_LOG_LEVEL", "TRACE")
	var buf bytes.Buffer
	l := slog.New(NewLogHandler(&buf))
	l.Log(context.Background(), LevelTrace, "deep", "k", "v")
	if s := buf.String(); !strings.HasPrefix(s, "time=") || !strings.Contains(s, " level=TRACE msg=deep k=v") {
		t.Errorf("text line = %q, want slog's text format with level TRACE", s)
	}
}

// TestContextLoggerDefault: without Router.Logger, the request logger
// writes JSON lines on standard output.
func TestContextLoggerDefault(t *testing.T) {
	t.Setenv("AWS_LAMBDA_LOG_FORMAT", "")
	t.Setenv("AWS_LAMBDA_LOG_LEVEL", "")
	f, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = f
	r := New()
	r.GET("/hello/:who", func(c *Context) error {
		c.Logger().Info("to stdout")
		return nil
	})
	_, _ = r.Invoke(lambdaCtx("std"), invokeEvent("/hello/a", false))
	os.Stdout = stdout
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(b, &rec); err != nil || rec["message"] != "to stdout" || rec["request_id"] != "std" || rec["level"] != "INFO" {
		t.Errorf("stdout = %q (%v), want a JSON line with message, level and request_id", b, err)
	}
}

// FuzzTraceRoot: the Root of an X-Amzn-Trace-Id value, against a plain
// oracle: split at ';', trim spaces and tabs, the first field named Root
// in any ASCII case.
func FuzzTraceRoot(f *testing.F) {
	for _, s := range []string{
		"", "Root=1-67a0c2f1-3b9d2c1e0f4a5b6c7d8e9f01",
		"Self=1-67a0c2f1-111111111111111111111111;Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
		" root = x ;ROOT=y", "Root", "Root=", ";;Root=a;", "Rööt=a;Root=b", "Root=a=b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := ""
		for _, field := range strings.Split(s, ";") {
			name, value, ok := strings.Cut(strings.Trim(field, " \t"), "=")
			if ok && strings.EqualFold(name, "root") {
				want = strings.Trim(value, " \t")
				break
			}
		}
		if got := traceRoot(s); got != want {
			t.Fatalf("traceRoot(%q) = %q, want %q", s, got, want)
		}
	})
}
