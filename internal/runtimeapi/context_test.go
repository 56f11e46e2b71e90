package runtimeapi

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

type ctxKey struct{}

func newTestContext(deadline time.Time) *invocationContext {
	parent := context.WithValue(context.Background(), ctxKey{}, "from the parent")
	return &invocationContext{
		parent:   parent,
		deadline: deadline,
		traceID:  "Root=1-abc",
		lc:       lambdacontext.LambdaContext{AwsRequestID: "req-1", TenantID: "t"},
	}
}

// The values a handler looks up: the Lambda context, the trace id under
// aws-lambda-go's key, and the parent's.
func TestInvocationContextValues(t *testing.T) {
	c := newTestContext(time.Now().Add(time.Hour))
	lc, ok := lambdacontext.FromContext(c)
	if !ok || lc.AwsRequestID != "req-1" || lc.TenantID != "t" {
		t.Errorf("lambdacontext.FromContext = %+v, %v", lc, ok)
	}
	if got := c.Value("x-amzn-trace-id"); got != "Root=1-abc" {
		t.Errorf("Value(trace id key) = %v", got)
	}
	type otherString string
	if got := c.Value(otherString("x-amzn-trace-id")); got != nil {
		t.Errorf("Value(a key of another type) = %v, want nil", got)
	}
	if got := c.Value(ctxKey{}); got != "from the parent" {
		t.Errorf("Value(parent's key) = %v", got)
	}
	// Through a child context too.
	child, cancel := context.WithCancel(c)
	defer cancel()
	if lc, ok := lambdacontext.FromContext(child); !ok || lc.AwsRequestID != "req-1" {
		t.Errorf("lambdacontext.FromContext(child) = %+v, %v", lc, ok)
	}
}

// Done closes at the deadline with DeadlineExceeded, and children see it.
func TestInvocationContextDeadline(t *testing.T) {
	c := newTestContext(time.Now().Add(20 * time.Millisecond))
	defer c.cancel()
	child, cancel := context.WithCancel(c)
	defer cancel()
	if d, ok := c.Deadline(); !ok || d != c.deadline {
		t.Errorf("Deadline() = %v, %v", d, ok)
	}
	if err := c.Err(); err != nil {
		t.Fatalf("Err() before the deadline = %v", err)
	}
	<-c.Done()
	<-child.Done()
	if !errors.Is(c.Err(), context.DeadlineExceeded) || !errors.Is(child.Err(), context.DeadlineExceeded) {
		t.Errorf("Err() = %v, child %v, want DeadlineExceeded", c.Err(), child.Err())
	}
	c.cancel() // after the deadline: the error stays
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Errorf("Err() after cancel = %v", c.Err())
	}
}

// A deadline already past: Err says so without Done, and Done is closed.
func TestInvocationContextPastDeadline(t *testing.T) {
	c := newTestContext(time.Now().Add(-time.Second))
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Errorf("Err() = %v", c.Err())
	}
	select {
	case <-c.Done():
	default:
		t.Error("Done() is not closed")
	}
	c2 := newTestContext(time.Now().Add(-time.Second))
	select {
	case <-c2.Done():
	default:
		t.Error("Done() asked first is not closed")
	}
	if !errors.Is(c2.Err(), context.DeadlineExceeded) {
		t.Errorf("Err() = %v", c2.Err())
	}
}

// Once the invocation is answered, the context is canceled, whether Done
// was asked for before or not, and the timer is stopped.
func TestInvocationContextCanceledAfterTheInvocation(t *testing.T) {
	c := newTestContext(time.Now().Add(time.Hour))
	done := c.Done()
	c.cancel()
	<-done
	if !errors.Is(c.Err(), context.Canceled) {
		t.Errorf("Err() = %v, want Canceled", c.Err())
	}
	if c.timer.Stop() {
		t.Error("the deadline's timer is still running")
	}
	c2 := newTestContext(time.Now().Add(time.Hour))
	c2.cancel()
	<-c2.Done()
	if !errors.Is(c2.Err(), context.Canceled) || context.Cause(c2) != context.Canceled {
		t.Errorf("Err() = %v, Cause %v, want Canceled", c2.Err(), context.Cause(c2))
	}
	if c2.timer != nil {
		t.Error("a timer was made for a context already ended")
	}
}

// A context derived from an invocation's context, as middleware.Timeout
// derives one, costs no goroutine: the context package registers with the
// invocation context's AfterFunc instead of waiting for its Done.
func TestInvocationContextDerivedStartsNoGoroutine(t *testing.T) {
	c := newTestContext(time.Now().Add(time.Hour))
	defer c.cancel()
	const n = 100
	cancels := make([]context.CancelFunc, n)
	before := runtime.NumGoroutine()
	for i := range cancels {
		_, cancels[i] = context.WithDeadline(c, time.Now().Add(time.Minute))
	}
	// Each derived context would hold a goroutine until canceled; other
	// tests' goroutines may come and go, by far fewer than n.
	if grew := runtime.NumGoroutine() - before; grew >= n/2 {
		t.Errorf("%d derived contexts started %d goroutines", n, grew)
	}
	for _, cancel := range cancels {
		cancel()
	}
}

// A derived context ends with the invocation: when it is answered, and at
// its deadline.
func TestInvocationContextDerivedEnds(t *testing.T) {
	wait := func(t *testing.T, ctx context.Context, want error) {
		t.Helper()
		select {
		case <-ctx.Done():
		case <-time.After(hangGuard):
			t.Fatal("the derived context was not canceled")
		}
		if err := ctx.Err(); err != want {
			t.Errorf("Err() = %v, want %v", err, want)
		}
	}
	t.Run("answered", func(t *testing.T) {
		c := newTestContext(time.Now().Add(time.Hour))
		ctx, cancel := context.WithDeadline(c, time.Now().Add(time.Minute))
		defer cancel()
		c.cancel()
		wait(t, ctx, context.Canceled)
	})
	t.Run("deadline", func(t *testing.T) {
		c := newTestContext(time.Now().Add(20 * time.Millisecond))
		defer c.cancel()
		ctx, cancel := context.WithCancel(c) // no deadline of its own
		defer cancel()
		wait(t, ctx, context.DeadlineExceeded)
	})
	t.Run("already ended", func(t *testing.T) {
		c := newTestContext(time.Now().Add(time.Hour))
		c.cancel()
		ctx, cancel := context.WithCancel(c)
		defer cancel()
		wait(t, ctx, context.Canceled)
	})
	t.Run("stop", func(t *testing.T) {
		c := newTestContext(time.Now().Add(time.Hour))
		called := make(chan struct{})
		stop := context.AfterFunc(c, func() { close(called) })
		if !stop() {
			t.Error("stop() = false before the invocation ended")
		}
		if stop() {
			t.Error("stop() = true the second time")
		}
		c.cancel()
		kept := context.AfterFunc(c, func() {}) // runs at once: c is done
		if kept() {
			t.Error("stop() = true after the invocation ended")
		}
		select {
		case <-called:
			t.Error("a stopped function was called")
		default:
		}
	})
}
