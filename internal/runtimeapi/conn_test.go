package runtimeapi

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// scripted is a server that answers each request with the next of its
// responses, as raw bytes; a response "close" closes the connection
// instead, without answering; one that begins with "!" closes it after
// answering.
type scripted struct {
	ln        net.Listener
	mu        sync.Mutex
	responses []string
	requests  []string // request line, header and body, as read
}

func newScripted(t *testing.T, responses ...string) *scripted {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &scripted{ln: ln, responses: responses}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *scripted) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, _ := io.ReadAll(req.Body)
		var b strings.Builder
		b.WriteString(req.Method + " " + req.RequestURI + "\n")
		b.WriteString("Host: " + req.Host + "\n")
		for _, k := range []string{"User-Agent", "Content-Type", "Content-Length", "Lambda-Runtime-Function-Error-Type"} {
			if v := req.Header.Get(k); v != "" {
				b.WriteString(k + ": " + v + "\n")
			}
		}
		if len(req.TransferEncoding) > 0 {
			b.WriteString("Transfer-Encoding: " + strings.Join(req.TransferEncoding, ",") + "\n")
		}
		b.Write(body)
		s.mu.Lock()
		s.requests = append(s.requests, b.String())
		var resp string
		if len(s.responses) > 0 {
			resp, s.responses = s.responses[0], s.responses[1:]
		}
		s.mu.Unlock()
		if resp == "" || resp == "close" {
			return
		}
		if r, ok := strings.CutPrefix(resp, "!"); ok { // answer, then close
			io.WriteString(c, r)
			return
		}
		io.WriteString(c, resp)
	}
}

func (s *scripted) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

const okNext = "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: req-1\r\nContent-Length: 2\r\n\r\n{}"

// The bytes of a request: Host, User-Agent, Content-Length on a body, and
// a request id that is not a plain token is escaped.
func TestConnRequest(t *testing.T) {
	s := newScripted(t, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
	c := newConn(s.ln.Addr().String())
	defer c.close()
	c.startRequest("POST", invocationPath, "a b/c?d", "/response")
	c.header("Content-Type", "application/octet-stream")
	if err := c.do([]byte("hello"), true); err != nil {
		t.Fatal(err)
	}
	want := "POST /2018-06-01/runtime/invocation/a%20b%2Fc%3Fd/response\n" +
		"Host: " + s.ln.Addr().String() + "\nUser-Agent: " + userAgent + "\nContent-Type: application/octet-stream\nContent-Length: 5\nhello"
	if got := s.got(); len(got) != 1 || got[0] != want {
		t.Errorf("the server read %q, want %q", got, want)
	}
	if c.status != 202 {
		t.Errorf("status %d", c.status)
	}
}

// Responses: a chunked body with trailers, 100 Continue before the real
// response, the first of two header lines wins, case does not matter,
// whitespace around values goes, a header line longer than the buffer.
func TestConnResponses(t *testing.T) {
	long := strings.Repeat("x", 40_000)
	s := newScripted(t,
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nlambda-runtime-aws-request-id:  req-1 \r\nLambda-Runtime-Aws-Request-Id: req-2\r\n\r\n"+
			"5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer-X: y\r\n\r\n",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nLambda-Runtime-Client-Context: "+long+"\r\nContent-Length: 3\r\n\r\nabc",
		"HTTP/1.1 204 No Content\r\n\r\n",
	)
	c := newConn(s.ln.Addr().String(), invocationHeaders...)
	defer c.close()
	check := func(wantBody string, header int, wantValue string) {
		t.Helper()
		c.startRequest("GET", nextPath, "", "")
		if err := c.do(nil, false); err != nil {
			t.Fatal(err)
		}
		if string(c.body) != wantBody {
			t.Errorf("body %q, want %q", c.body, wantBody)
		}
		if v, _ := c.value(header); string(v) != wantValue {
			t.Errorf("header %s = %.40q, want %.40q", invocationHeaders[header], v, wantValue)
		}
	}
	check("hello, world", hRequestID, "req-1")
	check("abc", hClientContext, long)
	check("", hRequestID, "")
	if c.dials != 1 {
		t.Errorf("%d dials, want 1", c.dials)
	}
}

// A server that closes an idle connection: the request is sent again on
// a new one. A server that answers Connection: close: the next request
// dials. A connection that fails on its first request: an error.
func TestConnReconnects(t *testing.T) {
	s := newScripted(t,
		okNext,
		"close", // the second request finds the connection closed
		okNext,
		"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
		okNext,
	)
	c := newConn(s.ln.Addr().String(), invocationHeaders...)
	defer c.close()
	for i := range 4 {
		c.startRequest("GET", nextPath, "", "")
		if err := c.do(nil, false); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if c.dials != 3 {
		t.Errorf("%d dials, want 3", c.dials)
	}
	if n := len(s.got()); n != 5 {
		t.Errorf("the server read %d requests, want 5", n)
	}

	s2 := newScripted(t, "close")
	c2 := newConn(s2.ln.Addr().String())
	defer c2.close()
	c2.startRequest("GET", nextPath, "", "")
	if err := c2.do(nil, false); err == nil {
		t.Error("a request the server never answered succeeded")
	}
	if c2.dials != 1 {
		t.Errorf("%d dials, want 1: a new connection's failure is not retried", c2.dials)
	}
}

// Malformed responses are errors, not panics.
func TestConnMalformed(t *testing.T) {
	for _, resp := range []string{
		"HTTP/1.1 2xx OK\r\n\r\n",
		"SPDY\r\n\r\n",
		"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(maxBody+1) + "\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
	} {
		s := newScripted(t, "!"+resp)
		c := newConn(s.ln.Addr().String())
		c.startRequest("GET", nextPath, "", "")
		if err := c.do(nil, false); err == nil {
			t.Errorf("response %q: no error", resp)
		}
		c.close()
	}
}

// A response and the GET of the next invocation go in one write; the
// GET's response is read next. When the server closes the connection
// instead of answering the GET, the GET is sent again on a new one; when
// it answers the response with Connection: close, the GET is not counted
// as sent.
func TestConnPipelining(t *testing.T) {
	const accepted = "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"
	s := newScripted(t,
		accepted, okNext, // pipelined, both answered
		accepted, "close", // the GET unanswered: sent again
		okNext,
		"!HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", // the GET never read
		okNext,
	)
	c := newConn(s.ln.Addr().String(), invocationHeaders...)
	defer c.close()
	get := []byte("GET " + nextPath + " HTTP/1.1\r\nHost: " + c.addr + "\r\n\r\n")
	for i, wantPipelined := range []bool{true, true, false} {
		c.startRequest("POST", invocationPath, "req-1", "/response")
		pipelined, err := c.send([]byte("{}"), true, get)
		if err != nil || c.status != 202 || pipelined != wantPipelined {
			t.Fatalf("POST %d: pipelined %v, status %d, error %v; want pipelined %v", i, pipelined, c.status, err, wantPipelined)
		}
		retry := true
		if pipelined {
			retry, err = c.readPipelined()
			if err == nil && (c.status != 200 || string(c.body) != "{}") {
				t.Fatalf("GET %d: status %d, body %q", i, c.status, c.body)
			}
		}
		if i == 0 && (retry || err != nil) {
			t.Fatalf("GET %d: retry %v, error %v", i, retry, err)
		}
		if retry {
			c.startRequest("GET", nextPath, "", "")
			if err := c.do(nil, false); err != nil || c.status != 200 {
				t.Fatalf("GET %d sent again: status %d, error %v", i, c.status, err)
			}
		}
	}
	if got := len(s.got()); got != 7 {
		t.Errorf("the server read %d requests, want 7", got)
	}
	if c.dials != 3 {
		t.Errorf("%d dials, want 3", c.dials)
	}
}
