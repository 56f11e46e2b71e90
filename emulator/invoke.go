package emulator

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/albkit/alb/internal/albcheck"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Errors of an invocation. Each makes the ALB answer 502 (contract table
// H); ServeHTTP logs them and HealthCheck returns them wrapped.
var (
	// ErrFunction wraps the error the function returned, or its panic:
	// access-log reason LambdaUnhandled.
	ErrFunction = errors.New("emulator: the function failed")

	// ErrTimeout means the function did not return before its timeout
	// (contract rule 39).
	ErrTimeout = errors.New("emulator: the function did not return before its timeout")
)

// errAbandoned means the emulator stopped waiting for the function because
// the client went away (or the caller of HealthCheck gave up).
var errAbandoned = errors.New("emulator: stopped waiting for the function")

// FunctionARN is the InvokedFunctionArn of the lambdacontext.LambdaContext
// that the function's context carries.
const FunctionARN = "arn:aws:lambda:us-east-1:123456789012:function:local"

// respond invokes the function with event and returns what the ALB would
// send the client, or why it answers 502 instead.
func (e *Emulator) respond(wait context.Context, event []byte) (*albcheck.Response, error) {
	resp, err := e.invoke(wait, event)
	if err != nil {
		return nil, err
	}
	// albcheck refuses a 1xx statusCode too: it cannot end an HTTP
	// exchange (what the ALB does with one is contract open question 7).
	return albcheck.Decode(resp, e.multiValue)
}

// result is what Invoke returned.
type result struct {
	resp []byte
	err  error
}

// invoke calls the function in its own goroutine with a context whose
// deadline is the function timeout, and waits for it until that deadline
// or until wait ends. The goroutine gets only the event and the context:
// when invoke gives up on it, it runs on, and its result goes into a
// buffered channel that nobody reads.
func (e *Emulator) invoke(wait context.Context, event []byte) ([]byte, error) {
	lc := &lambdacontext.LambdaContext{AwsRequestID: newRequestID(), InvokedFunctionArn: FunctionARN}
	ctx, cancel := context.WithTimeout(lambdacontext.NewContext(context.Background(), lc), e.timeout)
	defer cancel()
	done := make(chan result, 1)
	go e.run(ctx, event, done)
	select {
	case res := <-done:
		return res.resp, res.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%w (%v)", ErrTimeout, e.timeout)
	case <-wait.Done():
		return nil, fmt.Errorf("%w: %w", errAbandoned, context.Cause(wait))
	}
}

// run calls the function and sends its result to done, turning a panic
// into an error wrapping ErrFunction, as the Lambda runtime reports it.
func (e *Emulator) run(ctx context.Context, event []byte, done chan<- result) {
	var res result
	returned := false
	defer func() {
		if !returned {
			// recover returns nil only when the function called
			// runtime.Goexit: panic(nil) panics with a *runtime.PanicNilError.
			res = result{err: fmt.Errorf("%w: %w", ErrFunction, &panicError{value: recover(), stack: debug.Stack()})}
		}
		done <- res
	}()
	resp, err := e.handler.Invoke(ctx, event)
	returned = true
	if err != nil {
		res.err = fmt.Errorf("%w: %w", ErrFunction, err)
		return
	}
	res.resp = resp
}

// panicError is a panic of the function, or its call to runtime.Goexit
// when value is nil.
type panicError struct {
	value any
	stack []byte
}

func (p *panicError) Error() string {
	if p.value == nil {
		return "runtime.Goexit called"
	}
	return fmt.Sprintf("panic: %v", p.value)
}

// newRequestID returns a random version 4 UUID, the form of a Lambda
// request id.
func newRequestID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // never fails (crypto/rand, Go 1.24+)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 36)
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hex[c>>4], hex[c&0xf])
	}
	return string(b)
}
