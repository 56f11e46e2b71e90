package runtimeapi

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// invocationContext is the context of one invocation, in one allocation:
// the deadline, the Lambda context and the trace id of the invocation. It
// behaves as
//
//	ctx, cancel := context.WithDeadline(parent, deadline)
//	ctx = lambdacontext.NewContext(ctx, lc)
//	ctx = context.WithValue(ctx, "x-amzn-trace-id", traceID)
//
// with cancel called once the invocation is answered (which is what
// aws-lambda-go hands a handler), except that the deadline's timer and the
// Done channel are made only when someone asks for Done (or AfterFunc,
// which contexts derived from it call instead of waiting for Done in a
// goroutine of their own). The parent is context.Background() or another
// context that is never canceled (Done returns nil); other parents get the
// standard library's contexts.
type invocationContext struct {
	parent   context.Context
	deadline time.Time
	lc       lambdacontext.LambdaContext
	traceID  string

	mu     sync.Mutex
	done   chan struct{}
	timer  *time.Timer
	err    error
	afters []*func() // run by end, each in its own goroutine
}

// lambdaContextKey is the key lambdacontext stores a *LambdaContext under,
// which it does not export: it is what lambdacontext.FromContext asks a
// context's Value for.
var lambdaContextKey = sync.OnceValue(func() any {
	var p keyProbe
	lambdacontext.FromContext(&p)
	return p.key
})

// keyProbe records the key its Value is asked for.
type keyProbe struct {
	context.Context
	key any
}

func (p *keyProbe) Value(key any) any {
	p.key = key
	return nil
}

func (c *invocationContext) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *invocationContext) Value(key any) any {
	switch key {
	case lambdaContextKey():
		return &c.lc
	case any(traceIDKey):
		return c.traceID
	}
	return c.parent.Value(key)
}

func (c *invocationContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.start()
	return c.done
}

// start makes Done and the deadline's timer, once; c.mu is held.
func (c *invocationContext) start() {
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err == nil {
			if d := time.Until(c.deadline); d > 0 {
				c.timer = time.AfterFunc(d, c.expire)
			} else {
				c.err = context.DeadlineExceeded
			}
		}
		if c.err != nil {
			close(c.done)
		}
	}
}

// AfterFunc arranges to call f in its own goroutine once c is done, as
// context.AfterFunc(c, f) does; stop reports whether it kept f from
// being called. It is the method the context package looks for in a
// parent: a context derived from c is then canceled with c without a
// goroutine of its own waiting for Done.
func (c *invocationContext) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.start()
	if c.err != nil {
		go f()
		return func() bool { return false }
	}
	p := &f
	c.afters = append(c.afters, p)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, q := range c.afters {
			if q == p {
				c.afters = append(c.afters[:i], c.afters[i+1:]...)
				return true
			}
		}
		return false
	}
}

func (c *invocationContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil && !time.Now().Before(c.deadline) {
		c.end(context.DeadlineExceeded)
	}
	return c.err
}

func (c *invocationContext) String() string {
	return "runtimeapi.invocationContext(" + c.lc.AwsRequestID + ", deadline " + c.deadline.String() + ")"
}

// expire ends c at its deadline.
func (c *invocationContext) expire() {
	c.mu.Lock()
	c.end(context.DeadlineExceeded)
	c.mu.Unlock()
}

// cancel ends c once its invocation is answered.
func (c *invocationContext) cancel() {
	c.mu.Lock()
	c.end(context.Canceled)
	c.mu.Unlock()
}

// end sets the error of c, if it has none, closes Done and stops the
// timer; c.mu is held.
func (c *invocationContext) end(err error) {
	if c.err != nil {
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
	if c.timer != nil {
		c.timer.Stop()
	}
	for _, f := range c.afters {
		go (*f)()
	}
	c.afters = nil
}
