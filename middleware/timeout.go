package middleware

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/albkit/alb"
)

// TimeoutOptions configures Timeout. The zero value answers 503 half a
// second before the Lambda deadline.
type TimeoutOptions struct {
	// Duration, when positive, limits every request to that long, counted
	// from when Timeout starts it. 0 means no fixed limit. Negative panics.
	Duration time.Duration

	// Margin is how long before the Lambda deadline (the deadline of
	// c.Context()) Timeout gives up, to leave time for the answer to be
	// encoded and sent: a function still running at the Lambda deadline is
	// killed, and the client gets the ALB's bare 502. 0 means 500ms; a
	// negative Margin means none.
	Margin time.Duration

	// Status is the status of the answer at the deadline. 0 means 503. It
	// must be a final status, within 200-599.
	Status int

	// Body is the JSON body of the answer at the deadline, sent as
	// application/json. "" means {"message":"<status text>"}, such as
	// {"message":"Service Unavailable"}. It must be valid JSON.
	Body string

	// Logger receives a line at level Error when a handler panics after
	// its deadline, when nobody is left to answer. nil means slog.Default()
	// at that time.
	Logger *slog.Logger
}

// Timeout returns middleware that answers with Options.Status and Body
// when the handler has not returned by its deadline: the earlier of the
// Lambda deadline minus Options.Margin and Options.Duration after the start.
//
// The handler runs in its own goroutine on a copy of the Context
// (alb.Context.Copy) whose Context() carries that deadline, so code that
// honours its context stops early. Then:
//
//   - the handler returns before the deadline: what it wrote to the copy
//     becomes the response (alb.Context.SendResponseOf: its headers replace
//     those of the same names that middleware outside Timeout set, the
//     others are kept) and its error is returned;
//   - the deadline passes, or the handler returns at or after it (even
//     just after, having seen its context end): Timeout cancels the
//     copy's context, answers on c and returns nil. The handler goes on
//     running until it returns, but Timeout never reads its copy again:
//     nothing it writes later reaches this response or any other, since
//     the copy is not pooled.
//
// Values the handler stores with c.Set are on the copy, and not seen by
// middleware outside Timeout.
//
// A panic in the handler's goroutine would end the process, so Timeout
// recovers it there and panics again on the request's goroutine with the
// panic value and the handler's stack: Recover, or the router, then answers
// from an empty response, exactly as without Timeout, and nothing the
// handler half wrote is sent. A panic after the deadline is logged to
// Options.Logger (a logger that panics itself is ignored).
//
// Without a Lambda deadline (outside Lambda) and without Duration, a
// request passes through in the calling goroutine and allocates nothing.
// Otherwise each request costs a goroutine, a context and the copy.
// Invalid options panic, quoting the bad value.
func Timeout(opts TimeoutOptions) alb.Middleware {
	t := &timeout{duration: opts.Duration, margin: opts.Margin, status: opts.Status, logger: opts.Logger}
	switch {
	case opts.Duration < 0:
		panic("middleware: Timeout: negative Duration " + strconv.Quote(opts.Duration.String()))
	case opts.Margin == 0:
		t.margin = 500 * time.Millisecond
	case opts.Margin < 0:
		t.margin = 0
	}
	if t.status == 0 {
		t.status = http.StatusServiceUnavailable
	}
	if t.status < 200 || t.status > 599 {
		panic("middleware: Timeout: invalid Status " + strconv.Itoa(opts.Status))
	}
	switch {
	case opts.Body == "":
		msg, _ := json.Marshal(http.StatusText(t.status))
		t.body = []byte(`{"message":` + string(msg) + `}`)
	case json.Valid([]byte(opts.Body)):
		t.body = []byte(opts.Body)
	default:
		panic("middleware: Timeout: Body is not JSON: " + strconv.Quote(opts.Body))
	}
	return func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) error {
			deadline, ok := t.deadline(c.Context())
			if !ok {
				return next(c)
			}
			return t.run(c, next, deadline)
		}
	}
}

type timeout struct {
	duration, margin time.Duration
	status           int
	body             []byte
	logger           *slog.Logger
}

// deadline returns the request's deadline, and false when there is none.
func (t *timeout) deadline(ctx context.Context) (time.Time, bool) {
	d, ok := ctx.Deadline()
	if ok {
		d = d.Add(-t.margin)
	}
	if t.duration > 0 {
		if fixed := time.Now().Add(t.duration); !ok || fixed.Before(d) {
			d, ok = fixed, true
		}
	}
	return d, ok
}

// The states of a handler run by Timeout: whoever moves it out of running
// owns the outcome.
const (
	running   int32 = iota
	finished        // the handler returned first: Timeout reads its outcome
	abandoned       // the deadline came first: the copy is never read again
)

// outcome is what a handler run by Timeout returned, and when.
type outcome struct {
	err error
	at  time.Time
}

// run runs next on a copy of c with the deadline, and answers.
func (t *timeout) run(c *alb.Context, next alb.HandlerFunc, deadline time.Time) error {
	if !time.Now().Before(deadline) {
		return t.timedOut(c)
	}
	ctx, cancel := context.WithDeadline(c.Context(), deadline)
	defer cancel()
	cp := c.Copy()
	cp.SetContext(ctx)
	var state atomic.Int32
	done := make(chan outcome, 1)
	go func() {
		err := runRecovered(next, cp)
		at := time.Now()
		if state.CompareAndSwap(running, finished) {
			done <- outcome{err, at}
			return
		}
		defer func() { _ = recover() }() // a panicking logger must not end the process
		t.logLatePanic(err)
	}()
	var out outcome
	select {
	case out = <-done:
	case <-ctx.Done():
		if state.CompareAndSwap(running, abandoned) {
			return t.timedOut(c)
		}
		out = <-done // the handler has just returned
	}
	if !out.at.Before(deadline) { // it returned, but too late
		t.logLatePanic(out.err)
		return t.timedOut(c)
	}
	if pe, ok := out.err.(*panicError); ok {
		// Panic again on the request's goroutine, so that Recover, the
		// router's PanicHandler and their empty response apply as they do
		// without Timeout; the copy's half-written response is dropped.
		panic(pe)
	}
	c.SendResponseOf(cp)
	return out.err
}

// logLatePanic logs err when it is a panic of a handler that missed its
// deadline, when nobody is left to answer it.
func (t *timeout) logLatePanic(err error) {
	pe, ok := err.(*panicError)
	if !ok {
		return
	}
	logger := t.logger
	if logger == nil {
		logger = slog.Default()
	}
	logger.LogAttrs(context.Background(), slog.LevelError, "middleware: Timeout: handler panicked after its deadline",
		slog.Any("panic", pe.value), slog.String("stack", string(pe.stack)))
}

// timedOut answers a request whose handler missed its deadline.
func (t *timeout) timedOut(c *alb.Context) error {
	return c.Blob(t.status, "application/json", t.body)
}

// runRecovered calls next(c) and returns its error, or a *panicError when
// it panics.
func runRecovered(next alb.HandlerFunc, c *alb.Context) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{value: p, stack: debug.Stack()}
		}
	}()
	return next(c)
}

// panicError is a panic recovered in a handler's goroutine.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string {
	return "middleware: Timeout: handler panicked: " + fmt.Sprint(e.value)
}

// LogValue logs the panic with its stack.
func (e *panicError) LogValue() slog.Value {
	return slog.GroupValue(slog.String("message", e.Error()), slog.String("stack", string(e.stack)))
}
