// Package runtimeapitest is a minimal Lambda Runtime API on loopback for
// allocation tests and benchmarks of runtime loops: it hands out one fixed
// event as many times as it is told, takes the responses, and counts
// connections, with no allocation per request of its own (it is not
// net/http), so that what a test or a benchmark measures is the loop's.
//
// It speaks enough HTTP/1.1 for the loops it serves: requests with a
// Content-Length or a chunked body (aws-lambda-go's POSTs), keep-alive.
// The conformance tests use a net/http fake instead, which records every
// request.
package runtimeapitest

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strconv"
	"sync"
)

// Server is the fake Runtime API.
type Server struct {
	ln   net.Listener
	next []byte // the whole response to GET next

	mu        sync.Mutex
	cond      *sync.Cond
	permits   int  // invocations that may be handed out
	ended     bool // GET next gets 410 Gone once the permits are used
	closed    bool
	handedOut int
	answered  int
	errors    int
	conns     int
	first     []byte // the body of the first response
}

// The fixed metadata of every invocation.
const (
	RequestID   = "8476a536-e9f4-11e8-9739-2dfe598c3fcd"
	FunctionARN = "arn:aws:lambda:eu-west-1:123456789012:function:bench"
	TraceID     = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	Deadline    = "4102444800000" // 2100-01-01
)

// Start starts a server on 127.0.0.1 that hands out event.
func Start(event []byte) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln}
	s.cond = sync.NewCond(&s.mu)
	h := []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" +
		"Lambda-Runtime-Aws-Request-Id: " + RequestID + "\r\n" +
		"Lambda-Runtime-Deadline-Ms: " + Deadline + "\r\n" +
		"Lambda-Runtime-Invoked-Function-Arn: " + FunctionARN + "\r\n" +
		"Lambda-Runtime-Trace-Id: " + TraceID + "\r\n" +
		"Content-Length: " + strconv.Itoa(len(event)) + "\r\n\r\n")
	s.next = append(h, event...)
	go s.accept()
	return s, nil
}

// Addr is the host:port for AWS_LAMBDA_RUNTIME_API.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Release lets n more invocations be handed out.
func (s *Server) Release(n int) {
	s.mu.Lock()
	s.permits += n
	s.cond.Broadcast()
	s.mu.Unlock()
}

// End makes GET next answer 410 Gone once the permits are used, which
// ends a loop.
func (s *Server) End() {
	s.mu.Lock()
	s.ended = true
	s.cond.Broadcast()
	s.mu.Unlock()
}

// WaitAnswered waits until n invocations in all have been answered, or
// the server is closed.
func (s *Server) WaitAnswered(n int) {
	s.mu.Lock()
	for s.answered < n && !s.closed {
		s.cond.Wait()
	}
	s.mu.Unlock()
}

// Stats are the server's counts.
type Stats struct {
	HandedOut, Answered, Errors, Conns int
	First                              []byte // the first response's body
}

// Stats returns the counts so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{HandedOut: s.handedOut, Answered: s.answered, Errors: s.errors, Conns: s.conns, First: s.first}
}

// Close stops the server and closes its connections.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.cond.Broadcast()
	s.mu.Unlock()
	s.ln.Close()
}

func (s *Server) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns++
		s.mu.Unlock()
		go s.serve(c)
	}
}

var (
	accepted = []byte("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}")
	gone     = []byte("HTTP/1.1 410 Gone\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
	notFound = []byte("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
)

func (s *Server) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReaderSize(c, 64<<10)
	var body []byte
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return
		}
		kind := 0 // 1: GET next, 2: POST response, 3: POST error
		switch {
		case bytes.HasPrefix(line, []byte("GET /2018-06-01/runtime/invocation/next ")):
			kind = 1
		case bytes.HasPrefix(line, []byte("POST /2018-06-01/runtime/invocation/")) && bytes.Contains(line, []byte("/response ")):
			kind = 2
		case bytes.HasPrefix(line, []byte("POST /2018-06-01/runtime/invocation/")) && bytes.Contains(line, []byte("/error ")):
			kind = 3
		}
		length, chunked := int64(0), false
		for {
			h, err := r.ReadSlice('\n')
			if err != nil {
				return
			}
			if len(h) <= 2 {
				break
			}
			if n, ok := headerValue(h, "content-length"); ok {
				length, _ = strconv.ParseInt(string(n), 10, 64)
			}
			if v, ok := headerValue(h, "transfer-encoding"); ok && bytes.EqualFold(v, []byte("chunked")) {
				chunked = true
			}
		}
		body = body[:0]
		if chunked {
			body, err = readChunked(r, body)
		} else {
			if int64(cap(body)) < length {
				body = make([]byte, length)
			}
			body = body[:length]
			_, err = io.ReadFull(r, body)
		}
		if err != nil {
			return
		}
		var out []byte
		switch kind {
		case 1:
			s.mu.Lock()
			for s.permits == 0 && !s.ended && !s.closed {
				s.cond.Wait()
			}
			if s.permits == 0 {
				s.mu.Unlock()
				c.Write(gone)
				continue
			}
			s.permits--
			s.handedOut++
			s.mu.Unlock()
			out = s.next
		case 2, 3:
			s.mu.Lock()
			if s.answered == 0 {
				s.first = append([]byte(nil), body...)
			}
			s.answered++
			if kind == 3 {
				s.errors++
			}
			s.cond.Broadcast()
			s.mu.Unlock()
			out = accepted
		default:
			out = notFound
		}
		if _, err := c.Write(out); err != nil {
			return
		}
	}
}

// headerValue returns the value of line if it is the header name
// (lowercase).
func headerValue(line []byte, name string) ([]byte, bool) {
	if len(line) <= len(name) || line[len(name)] != ':' || !bytes.EqualFold(line[:len(name)], []byte(name)) {
		return nil, false
	}
	return bytes.TrimSpace(line[len(name)+1:]), true
}

func readChunked(r *bufio.Reader, body []byte) ([]byte, error) {
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return body, err
		}
		line = bytes.TrimSpace(line)
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		n, err := strconv.ParseUint(string(line), 16, 32)
		if err != nil {
			return body, err
		}
		if n == 0 {
			for { // trailers
				t, err := r.ReadSlice('\n')
				if err != nil {
					return body, err
				}
				if len(t) <= 2 {
					return body, nil
				}
			}
		}
		start := len(body)
		for cap(body)-start < int(n) {
			body = append(body[:cap(body)], 0)
		}
		body = body[:start+int(n)]
		if _, err := io.ReadFull(r, body[start:]); err != nil {
			return body, err
		}
		if _, err := r.Discard(2); err != nil {
			return body, err
		}
	}
}
