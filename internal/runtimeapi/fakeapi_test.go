package runtimeapi_test

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// invocation is one event the fake Runtime API hands out.
type invocation struct {
	id       string
	body     string
	header   map[string]string // more headers, or overrides ("" removes)
	deadline time.Duration     // from now; zero: the fixed far deadline
}

// farDeadline is the deadline of invocations that set none, fixed so that
// what a handler reports of it is the same in every run: 2100-01-01.
const farDeadline = "4102444800000"

// record is one request the fake Runtime API received.
type record struct {
	method, path string
	header       http.Header
	body         []byte
	status       int // what the fake answered
}

// fakeAPI is a stand-in for the Lambda Runtime API on loopback. It hands
// out its invocations to GET next, one per request, and records every
// request. Once every invocation is handed out and answered, GET next gets
// 410 Gone, which ends the loops: their process exits.
type fakeAPI struct {
	t   *testing.T
	srv *httptest.Server

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []invocation
	pending int
	closed  bool
	recs    []record
	conns   int // connections accepted
	nexts   int // GET next received

	// maxBody is the largest response the API takes; larger ones get 413.
	maxBody int
}

// payloadLimit is Lambda's limit on a buffered response: 6 MB.
const payloadLimit = 6291556

func newFakeAPI(t *testing.T, invs ...invocation) *fakeAPI {
	f := &fakeAPI{t: t, queue: invs, maxBody: payloadLimit}
	f.cond = sync.NewCond(&f.mu)
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			f.mu.Lock()
			f.conns++
			f.mu.Unlock()
		}
	}
	f.srv.Start()
	t.Cleanup(f.close)
	return f
}

// addr is the host:port for AWS_LAMBDA_RUNTIME_API.
func (f *fakeAPI) addr() string { return strings.TrimPrefix(f.srv.URL, "http://") }

func (f *fakeAPI) close() {
	f.mu.Lock()
	f.closed = true
	f.cond.Broadcast()
	f.mu.Unlock()
	f.srv.CloseClientConnections()
	f.srv.Close()
}

func (f *fakeAPI) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		f.t.Errorf("%s %s: reading the body: %v", req.Method, req.URL.Path, err)
	}
	rec := record{method: req.Method, path: req.URL.Path, header: req.Header.Clone(), body: body}
	for k, v := range req.Trailer {
		rec.header["Trailer-"+k] = v
	}
	const inv = "/2018-06-01/runtime/invocation/"
	f.mu.Lock()
	defer f.mu.Unlock()
	answer := func(status int, body string) {
		rec.status = status
		f.recs = append(f.recs, rec)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
	switch {
	case req.Method == http.MethodGet && req.URL.Path == inv+"next":
		f.nexts++
		f.cond.Broadcast()
		for len(f.queue) == 0 && f.pending > 0 && !f.closed {
			f.cond.Wait()
		}
		if len(f.queue) == 0 {
			answer(http.StatusGone, `{"errorMessage":"no more invocations","errorType":"Test.Done"}`)
			return
		}
		next := f.queue[0]
		f.queue = f.queue[1:]
		f.pending++
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", next.id)
		if next.deadline > 0 {
			h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(next.deadline).UnixMilli(), 10))
		} else {
			h.Set("Lambda-Runtime-Deadline-Ms", farDeadline)
		}
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:fn")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:0|"+next.id)
		for k, v := range next.header {
			if v == "" {
				h.Del(k)
			} else {
				h.Set(k, v)
			}
		}
		rec.status = http.StatusOK
		f.recs = append(f.recs, rec)
		io.WriteString(w, next.body)
	case req.Method == http.MethodPost && strings.HasPrefix(req.URL.Path, inv):
		f.pending--
		f.cond.Broadcast()
		if len(body) > f.maxBody {
			answer(http.StatusRequestEntityTooLarge, `{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"}`)
			return
		}
		answer(http.StatusAccepted, `{"status":"OK"}`)
	case req.Method == http.MethodPost && req.URL.Path == "/2018-06-01/runtime/init/error":
		answer(http.StatusAccepted, `{"status":"OK"}`)
	case req.Method == http.MethodPost && req.URL.Path == "/2020-01-01/extension/register":
		w.Header().Set("Lambda-Extension-Identifier", "ext-0123")
		answer(http.StatusOK, `{"functionName":"fn","functionVersion":"$LATEST","handler":"bootstrap"}`)
	case req.Method == http.MethodGet && req.URL.Path == "/2020-01-01/extension/event/next":
		f.recs = append(f.recs, rec)
		f.cond.Broadcast()
		for !f.closed {
			f.cond.Wait()
		}
	default:
		f.t.Errorf("unexpected request %s %s", req.Method, req.URL)
		answer(http.StatusNotFound, `{"errorMessage":"not found","errorType":"Test.NotFound"}`)
	}
}

// records returns a copy of what the fake received so far.
func (f *fakeAPI) records() []record {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]record(nil), f.recs...)
}

// connections returns how many connections the fake accepted.
func (f *fakeAPI) connections() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conns
}

// waitFor waits until cond, called with the lock held, is true, and
// fails the test if it is not within a minute (a guard against a hang, not
// the assertion).
func (f *fakeAPI) waitFor(cond func() bool) {
	f.t.Helper()
	giveUp := time.Now().Add(time.Minute)
	stop := time.AfterFunc(time.Minute, func() {
		f.mu.Lock()
		f.cond.Broadcast()
		f.mu.Unlock()
	})
	defer stop.Stop()
	f.mu.Lock()
	defer f.mu.Unlock()
	for !cond() && !f.closed {
		if time.Now().After(giveUp) {
			f.t.Fatal("the fake Runtime API waited a minute for the loop")
		}
		f.cond.Wait()
	}
}

// childEnv marks the copy of the test binary that runs a loop: its value
// is the scenario, and childLoop says which loop.
const (
	childEnv  = "RUNTIMEAPI_TEST_CHILD"
	childLoop = "RUNTIMEAPI_TEST_LOOP"
)

// child is a loop running in a copy of the test binary.
type child struct {
	cmd  *exec.Cmd
	out  bytes.Buffer
	done chan error
}

// startChild runs the scenario's child (TestChild) with the loop named
// loop ("alb" or "aws") against f, with env added.
func startChild(t *testing.T, f *fakeAPI, scenario, loop string, env ...string) *child {
	t.Helper()
	c := &child{done: make(chan error, 1)}
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1")
	c.cmd.Env = append(cleanEnv(), childEnv+"="+scenario, childLoop+"="+loop, "AWS_LAMBDA_RUNTIME_API="+f.addr())
	c.cmd.Env = append(c.cmd.Env, env...)
	w := &syncWriter{w: &c.out}
	c.cmd.Stdout, c.cmd.Stderr = w, w
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- c.cmd.Wait() }()
	return c
}

// cleanEnv is the environment without what would change a loop's
// behaviour.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "AWS_LAMBDA_MAX_CONCURRENCY", "_X_AMZN_TRACE_ID", "AWS_LAMBDA_RUNTIME_API", "ALB_RUNTIME", "_LAMBDA_SERVER_PORT":
		default:
			env = append(env, kv)
		}
	}
	return env
}

// wait waits for the child to exit and returns its exit code and output.
func (c *child) wait(t *testing.T) (int, string) {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(60 * time.Second): // a guard against a hang, not the assertion
		c.cmd.Process.Kill()
		<-c.done
		t.Fatalf("the child did not exit; output:\n%s", c.output())
	}
	return c.cmd.ProcessState.ExitCode(), c.output()
}

func (c *child) output() string {
	w := c.cmd.Stdout.(*syncWriter)
	w.mu.Lock()
	defer w.mu.Unlock()
	return c.out.String()
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// sortByPath orders records of several loops, which interleave, by path
// and method (request ids sort the invocations).
func sortByPath(recs []record) {
	sort.SliceStable(recs, func(i, j int) bool {
		if recs[i].path != recs[j].path {
			return recs[i].path < recs[j].path
		}
		return recs[i].method < recs[j].method
	})
}
