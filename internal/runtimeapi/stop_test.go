package runtimeapi

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

type handlerFunc func(ctx context.Context, p []byte) ([]byte, error)

func (f handlerFunc) Invoke(ctx context.Context, p []byte) ([]byte, error) { return f(ctx, p) }

// hangGuard is how long a test waits for what must happen before it
// reports a hang: it only guards against hangs.
const hangGuard = 10 * time.Second

// A loop stopped while its handler runs posts the response without the
// pipelined GET next: the API would hand an invocation to a GET that is
// never read, and the invocation would be lost when the process exits.
func TestStoppedLoopSendsNoGET(t *testing.T) {
	var mu sync.Mutex
	var nexts []string
	var conns sync.WaitGroup
	gotError := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch {
		case r.Method == "GET":
			mu.Lock()
			id := string(rune('a' + len(nexts)))
			nexts = append(nexts, id)
			mu.Unlock()
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", id)
			w.Header().Set("Lambda-Runtime-Deadline-Ms", "4102444800000")
			io.WriteString(w, id)
		case strings.HasSuffix(r.URL.Path, "/error"):
			w.WriteHeader(202)
			close(gotError)
		default:
			w.WriteHeader(202)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			conns.Add(1)
		case http.StateClosed, http.StateHijacked:
			conns.Done()
		}
	}
	srv.Start()
	defer srv.Close()

	stopped := make(chan struct{})
	testHookStopped = func() { close(stopped) }
	defer func() { testHookStopped = nil }()
	bStarted := make(chan struct{})
	h := handlerFunc(func(ctx context.Context, p []byte) ([]byte, error) {
		switch string(p) {
		case "a":
			<-bStarted
			panic("boom") // the loop posts the error and ends: Run stops the other
		case "b":
			close(bStarted)
			select {
			case <-stopped:
			case <-time.After(hangGuard):
				t.Error("the loops were not stopped")
			}
		}
		return []byte("ok"), nil
	})
	errc := make(chan error, 1)
	go func() {
		errc <- Run(strings.TrimPrefix(srv.URL, "http://"), h, Options{Concurrency: 2, Logf: func(string, ...any) {}})
	}()
	select {
	case err := <-errc:
		if err == nil || !strings.Contains(err.Error(), "panicked") {
			t.Errorf("Run: %v, want the panic's error", err)
		}
	case <-time.After(hangGuard):
		t.Fatal("Run did not return")
	}
	// Every connection is closed: the server has read all that was sent.
	waited := make(chan struct{})
	go func() { conns.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(hangGuard):
		t.Fatal("the connections were not closed")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(nexts) != 2 {
		t.Errorf("GET next handed out %v, want [a b]: the stopped loop asked for an invocation it never serves", nexts)
	}
}

// A loop stopped after its response went out with GET next serves the
// invocation that GET got, as aws-lambda-go serves whatever its GET
// returned, posts the response without another GET, and then ends.
func TestStoppedLoopServesPipelinedInvocation(t *testing.T) {
	var mu sync.Mutex
	var reqs []string
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		defer mu.Unlock()
		reqs = append(reqs, r.Method+" "+r.URL.Path)
		if r.Method != "GET" {
			w.WriteHeader(202)
			return
		}
		id := string(rune('a' + n))
		n++
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", id)
		w.Header().Set("Lambda-Runtime-Deadline-Ms", "4102444800000")
		io.WriteString(w, id)
	}))
	defer srv.Close()
	var served []string
	h := handlerFunc(func(_ context.Context, p []byte) ([]byte, error) {
		served = append(served, string(p))
		return []byte("ok"), nil
	})
	l := &loop{c: newConn(strings.TrimPrefix(srv.URL, "http://"), invocationHeaders...), h: h, base: context.Background(), logf: t.Logf}
	defer l.c.close()
	if err := l.serveOne(); err != nil {
		t.Fatal(err)
	}
	if !l.pipelined {
		t.Fatal("the response went out without GET next")
	}
	l.interrupt() // another loop failed
	if err := l.serveOne(); err != nil {
		t.Fatalf("the pipelined invocation: %v", err)
	}
	if err := l.serveOne(); err != errStopped {
		t.Fatalf("after the pipelined invocation: %v, want errStopped", err)
	}
	l.c.close()
	mu.Lock()
	defer mu.Unlock()
	want := []string{
		"GET /2018-06-01/runtime/invocation/next",
		"POST /2018-06-01/runtime/invocation/a/response",
		"GET /2018-06-01/runtime/invocation/next",
		"POST /2018-06-01/runtime/invocation/b/response",
	}
	if strings.Join(reqs, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(reqs, "\n"), strings.Join(want, "\n"))
	}
	if strings.Join(served, ",") != "a,b" {
		t.Errorf("served %v, want [a b]", served)
	}
}

// An interrupt that comes while a loop dials its connection ends the loop:
// it does not then wait in GET next on the new connection.
func TestInterruptDuringDial(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(io.Discard, c); c.Close() }() // reads requests, never answers
		}
	}()
	l := &loop{c: newConn(ln.Addr().String(), invocationHeaders...), base: context.Background(), logf: t.Logf}
	l.c.dialFunc = func(addr string) (net.Conn, error) {
		l.interrupt() // another loop fails now, after dial checked c.interrupted
		return net.Dial("tcp", addr)
	}
	done := make(chan error, 1)
	go func() { done <- l.run() }()
	select {
	case err := <-done:
		if err != errStopped {
			t.Errorf("run: %v, want errStopped", err)
		}
	case <-time.After(hangGuard):
		l.c.interrupt()
		<-done
		t.Fatal("the loop was interrupted but still waits in GET next")
	}
}
