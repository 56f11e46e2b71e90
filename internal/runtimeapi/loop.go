// Package runtimeapi is a client of the AWS Lambda Runtime API and the
// loop that serves a handler through it: GET the next invocation, call the
// handler, POST its response or its error, over and over, as the runtime
// of a provided.al2023 function must.
//
// Each loop owns one HTTP/1.1 connection to the API, kept alive, written
// and read on the loop's own goroutine with buffers reused from one
// invocation to the next; responses go out with a Content-Length. What the
// handler sees is what aws-lambda-go's lambda.Start gives it: a context
// with the invocation's deadline, its lambdacontext.LambdaContext and its
// trace id (also in _X_AMZN_TRACE_ID when there is one loop); a handler
// error becomes an error response in the JSON shape Lambda documents; a
// panic becomes an error response with its stack, and the process then
// exits; AWS_LAMBDA_MAX_CONCURRENCY=N runs N loops.
package runtimeapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Handler is what a loop serves: aws-lambda-go's lambda.Handler. payload
// is valid until Invoke returns: the loop reads the next invocation into
// the same memory. The result is the loop's until the next invocation.
type Handler interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// Options configures Run. The zero value runs as aws-lambda-go's
// lambda.Start would.
type Options struct {
	// Concurrency is the number of loops, each with its own connection.
	// Zero or less means AWS_LAMBDA_MAX_CONCURRENCY, read by lambdacontext
	// (1 when unset or not a positive number).
	Concurrency int

	// SIGTERM enables the SIGTERM Lambda sends before it stops the
	// execution environment, as lambda.WithEnableSIGTERM does: it registers
	// the internal extension that makes Lambda send it, and on SIGTERM runs
	// OnSIGTERM in order. The process does not exit on SIGTERM: Lambda
	// ends it about 500 ms later.
	SIGTERM   bool
	OnSIGTERM []func()

	// Context is the parent of every invocation's context; nil means
	// context.Background().
	Context context.Context

	// Logf logs every error response and the warnings of SIGTERM support;
	// nil means log.Printf, which is what aws-lambda-go logs with.
	Logf func(format string, args ...any)
}

// userAgent names the client in every request.
var userAgent = "alb/" + runtime.Version()

// API paths.
const (
	invocationPath = "/2018-06-01/runtime/invocation/"
	nextPath       = invocationPath + "next"
	initErrorPath  = "/2018-06-01/runtime/init/error"
)

// The invocation headers a loop reads, in the order of the spans of conn.
const (
	hRequestID = iota
	hDeadline
	hFunctionARN
	hTraceID
	hClientContext
	hCognitoIdentity
	hTenantID
)

var invocationHeaders = []string{
	hRequestID:       "Lambda-Runtime-Aws-Request-Id",
	hDeadline:        "Lambda-Runtime-Deadline-Ms",
	hFunctionARN:     "Lambda-Runtime-Invoked-Function-Arn",
	hTraceID:         "Lambda-Runtime-Trace-Id",
	hClientContext:   "Lambda-Runtime-Client-Context",
	hCognitoIdentity: "Lambda-Runtime-Cognito-Identity",
	hTenantID:        "Lambda-Runtime-Aws-Tenant-Id",
}

// maxResponse is the largest response the Runtime API takes from a
// buffered invocation: 6 MB.
const maxResponse = 6291556

// Request headers of the responses.
const (
	headerErrorType      = "Lambda-Runtime-Function-Error-Type"
	headerXRayErrorCause = "Lambda-Runtime-Function-Xray-Error-Cause"
	xrayErrorCauseLimit  = 1 << 20
	contentTypeBytes     = "application/octet-stream"
	contentTypeJSON      = "application/json"
)

// traceIDKey is the context key aws-lambda-go stores the trace id under,
// a string, which is what code that reads it looks up.
const traceIDKey = "x-amzn-trace-id"

// Start runs Run with the Runtime API at AWS_LAMBDA_RUNTIME_API and never
// returns: when Run ends, it logs why and exits with status 1, as
// lambda.Start does, so that Lambda starts a new process.
func Start(h Handler, opts Options) {
	api := os.Getenv("AWS_LAMBDA_RUNTIME_API")
	if api == "" {
		log.Fatal("alb: AWS_LAMBDA_RUNTIME_API is not set: this is not a Lambda execution environment")
	}
	log.Fatal(Run(api, h, opts))
}

// Run serves h through the Runtime API at api (host:port) until something
// ends it, and returns why: the API failed or answered with a status it
// should not have (Lambda then restarts the process), or the handler
// panicked (after its error response was posted). With several loops, the
// first such error stops the others once their invocations in flight are
// answered: a stopped loop asks for no other invocation, serves the one
// its last GET already got, and ends.
func Run(api string, h Handler, opts Options) error {
	n := opts.Concurrency
	if n <= 0 {
		n = lambdacontext.MaxConcurrency()
	}
	base := opts.Context
	if base == nil {
		base = context.Background()
	}
	logf := opts.Logf
	if logf == nil {
		logf = log.Printf
	}
	if opts.SIGTERM {
		enableSIGTERM(api, opts.OnSIGTERM, logf)
	}
	loops := make([]*loop, n)
	for i := range loops {
		loops[i] = &loop{c: newConn(api, invocationHeaders...), h: h, base: base, logf: logf, setEnv: n == 1}
	}
	if n == 1 {
		return loops[0].run()
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	hook := testHookStopped
	stop := context.AfterFunc(ctx, func() {
		for _, l := range loops {
			l.interrupt()
		}
		if hook != nil {
			hook()
		}
	})
	defer stop()
	var wg sync.WaitGroup
	for _, l := range loops {
		wg.Go(func() { cancel(l.run()) })
	}
	wg.Wait()
	return context.Cause(ctx)
}

// A loop serves invocations one after another on its connection.
type loop struct {
	c      *conn
	h      Handler
	base   context.Context
	logf   func(string, ...any)
	setEnv bool // set _X_AMZN_TRACE_ID: there is one loop

	next      []byte // GET next, as sent
	pipelined bool   // GET next went out with the last response

	mu      sync.Mutex
	waiting bool // blocked in GET next
	stopped bool // another loop failed
}

// interrupt stops l before its next invocation, or while it waits for it.
func (l *loop) interrupt() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
	if l.waiting {
		l.c.interrupt()
	}
}

var errStopped = errors.New("runtime API loop stopped")

// testHookStopped, when set, is called once Run has stopped its loops.
var testHookStopped func()

func (l *loop) run() error {
	defer l.c.close()
	for {
		if err := l.serveOne(); err != nil {
			return err
		}
	}
}

// serveOne gets and answers one invocation. The error is fatal.
func (l *loop) serveOne() error {
	l.mu.Lock()
	if l.stopped && !l.pipelined {
		l.mu.Unlock()
		return errStopped
	}
	l.waiting = true
	l.mu.Unlock()
	c := l.c
	var err error
	retry := true
	if l.pipelined { // the GET went out with the last response
		l.pipelined = false
		retry, err = c.readPipelined()
		if retry {
			l.mu.Lock()
			retry = !l.stopped // a stopped loop sends no new GET
			l.mu.Unlock()
		}
	}
	if retry {
		c.startRequest("GET", nextPath, "", "")
		err = c.do(nil, false)
	}
	l.mu.Lock()
	l.waiting = false
	stopped := l.stopped
	l.mu.Unlock()
	// An invocation the API handed out is served even when the loop is
	// stopped, as aws-lambda-go serves whatever its GET returned: the
	// process exits after it, and the invocation would be lost.
	if stopped && (err != nil || c.status != 200) {
		return errStopped
	}
	if err != nil {
		return fmt.Errorf("alb: runtime API: GET %s: %w", nextPath, err)
	}
	if c.status != 200 {
		return fmt.Errorf("alb: runtime API: GET %s: status %d, want 200", nextPath, c.status)
	}

	// The header values, in one allocation of their own: the handler may
	// keep them.
	fields := string(c.fields)
	get := func(i int) string {
		s := c.spans[i]
		if s[0] < 0 {
			return ""
		}
		return fields[s[0]:s[1]]
	}
	id := get(hRequestID)
	ms, err := strconv.ParseInt(get(hDeadline), 10, 64)
	if err != nil {
		return l.fail(id, errorResponse(errors.New("failed to parse deadline: "+err.Error())))
	}
	ic := &invocationContext{
		parent:   l.base,
		deadline: time.UnixMilli(ms),
		traceID:  get(hTraceID),
		lc: lambdacontext.LambdaContext{
			AwsRequestID:       id,
			InvokedFunctionArn: get(hFunctionARN),
			TenantID:           get(hTenantID),
		},
	}
	if s := get(hClientContext); s != "" {
		if err := json.Unmarshal([]byte(s), &ic.lc.ClientContext); err != nil {
			return l.fail(id, errorResponse(errors.New("failed to unmarshal client context json: "+err.Error())))
		}
	}
	if s := get(hCognitoIdentity); s != "" {
		if err := json.Unmarshal([]byte(s), &ic.lc.Identity); err != nil {
			return l.fail(id, errorResponse(errors.New("failed to unmarshal cognito identity json: "+err.Error())))
		}
	}
	if l.setEnv {
		os.Setenv("_X_AMZN_TRACE_ID", ic.traceID)
	}
	var ctx context.Context = ic
	if l.base.Done() != nil { // a parent that may be canceled: the standard contexts
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(l.base, ic.deadline)
		defer cancel()
		ctx = lambdacontext.NewContext(ctx, &ic.lc)
		//lint:ignore SA1029 the key aws-lambda-go uses, which handlers look up
		ctx = context.WithValue(ctx, traceIDKey, ic.traceID)
	}
	defer ic.cancel()

	out, invokeErr := l.call(ctx, c.body)
	if invokeErr != nil {
		if err := l.fail(id, invokeErr); err != nil {
			return err
		}
		if invokeErr.ShouldExit {
			return errors.New("alb: the handler panicked: the process exits")
		}
		return nil
	}
	// The GET of the next invocation goes in the same write as the
	// response, unless the response is over the Runtime API's limit: the
	// API refuses it, the process exits, and an invocation it handed out
	// to the GET would be lost. Nor does it when the loop is stopped: the
	// loop ends after this response.
	l.mu.Lock()
	stopped = l.stopped
	l.mu.Unlock()
	var then []byte
	if len(out) <= maxResponse && !stopped {
		then = l.nextRequest()
	}
	c.startRequest("POST", invocationPath, id, "/response")
	c.header("Content-Type", contentTypeBytes)
	pipelined, err := c.send(out, true, then)
	if err != nil {
		return fmt.Errorf("alb: runtime API: POST the response of %s: %w", id, err)
	}
	if c.status != 202 {
		return fmt.Errorf("alb: runtime API: POST the response of %s: status %d, want 202", id, c.status)
	}
	l.pipelined = pipelined
	return nil
}

// nextRequest returns the bytes of GET next, made once.
func (l *loop) nextRequest() []byte {
	if l.next == nil {
		saved := l.c.req
		l.c.req = nil
		l.c.startRequest("GET", nextPath, "", "")
		l.next = append(l.c.req, "\r\n"...)
		l.c.req = saved
	}
	return l.next
}

// call calls the handler, turning an error or a panic into what fail
// posts.
func (l *loop) call(ctx context.Context, payload []byte) (out []byte, invokeErr *messages.InvokeResponse_Error) {
	defer func() {
		if p := recover(); p != nil {
			invokeErr = panicResponse(p)
		}
	}()
	out, err := l.h.Invoke(ctx, payload)
	if err != nil {
		return nil, errorResponse(err)
	}
	return out, nil
}

// fail logs e and posts it as the error of invocation id. The error is
// fatal: the Runtime API did not take it.
func (l *loop) fail(id string, e *messages.InvokeResponse_Error) error {
	body := marshalError(e)
	l.logf("%s", body)
	c := l.c
	c.startRequest("POST", invocationPath, id, "/error")
	c.header("Content-Type", contentTypeJSON)
	if validHeaderValue(e.Type) {
		c.header(headerErrorType, e.Type)
	}
	if cause := xrayCause(e); len(cause) < xrayErrorCauseLimit && validHeaderValue(string(cause)) {
		c.header(headerXRayErrorCause, string(cause))
	}
	if err := c.do(body, true); err != nil {
		return fmt.Errorf("alb: runtime API: POST the error of %s: %w", id, err)
	}
	if c.status != 202 {
		return fmt.Errorf("alb: runtime API: POST the error of %s: status %d, want 202", id, c.status)
	}
	return nil
}

// InitError posts err to the Runtime API at api as the error that kept the
// function from initializing: Lambda then fails the invocation that waits
// for the function, with err's message and type, and starts a new
// execution environment for the next one. The error is the API's.
func InitError(api string, err error) error {
	e := errorResponse(err)
	body := marshalError(e)
	c := newConn(api)
	defer c.close()
	c.startRequest("POST", initErrorPath, "", "")
	c.header("Content-Type", contentTypeJSON)
	if validHeaderValue(e.Type) {
		c.header(headerErrorType, e.Type)
	}
	if err := c.do(body, true); err != nil {
		return fmt.Errorf("alb: runtime API: POST %s: %w", initErrorPath, err)
	}
	if c.status != 202 {
		return fmt.Errorf("alb: runtime API: POST %s: status %d, want 202", initErrorPath, c.status)
	}
	return nil
}
