package runtimeapi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// conn is one HTTP/1.1 client connection to the Runtime API, kept alive
// across requests. It writes each request with a Content-Length, reads each
// response on the calling goroutine, and reuses its buffers: a conn is used
// by one loop, one request at a time, and is not safe for concurrent use.
type conn struct {
	addr string // host:port of the Runtime API
	nc   net.Conn
	r    *bufio.Reader
	req  []byte // the request being written: line, header and small bodies
	body []byte // the body of the last response read

	// Set by readResponse.
	status    int
	frame     framing
	closeConn bool     // the server closes the connection after this response
	fields    []byte   // the captured header values, back to back
	spans     [][2]int // fields[spans[i][0]:spans[i][1]] is the value of capture[i]
	capture   []string // the header names to capture, in canonical form
	reused    bool     // nc carried a request before the current one
	dials     int      // connections opened, for the tests
	dialFunc  func(addr string) (net.Conn, error)

	// interrupted is set, before the socket is shut down, by a loop that
	// stops this one: the request that fails is not sent again, and no new
	// connection is opened. ncMu guards the changes of nc, which interrupt
	// reads from another goroutine.
	interrupted atomic.Bool
	ncMu        sync.Mutex
	readLimit   int // the largest body accepted
}

// maxBody is the largest response body a conn reads: an invocation payload
// is at most 6 MB for a buffered invocation and 200 KB more for an
// asynchronous one; 16 MiB leaves room without letting a broken server
// exhaust memory.
const maxBody = 16 << 20

// bigBody is the size from which a request body is written with a write of
// its own instead of being copied behind the header.
const bigBody = 32 << 10

func newConn(addr string, capture ...string) *conn {
	return &conn{
		addr:      addr,
		req:       make([]byte, 0, 1024),
		capture:   capture,
		spans:     make([][2]int, len(capture)),
		readLimit: maxBody,
	}
}

// errInterrupted is returned by a conn that another loop stopped.
var errInterrupted = errors.New("the loop was stopped")

func (c *conn) dial() error {
	c.close()
	if c.interrupted.Load() {
		return errInterrupted
	}
	dial := c.dialFunc
	if dial == nil {
		dial = func(addr string) (net.Conn, error) { return net.Dial("tcp", addr) }
	}
	nc, err := dial(c.addr)
	if err != nil {
		return err
	}
	c.dials++
	blockingSocket(nc)
	c.ncMu.Lock()
	c.nc = nc
	if c.interrupted.Load() { // interrupt came during the dial, before nc was set
		c.nc = nil
		c.ncMu.Unlock()
		nc.Close()
		return errInterrupted
	}
	c.ncMu.Unlock()
	c.reused = false
	if c.r == nil {
		c.r = bufio.NewReaderSize(nc, 16<<10)
	} else {
		c.r.Reset(nc)
	}
	return nil
}

func (c *conn) close() {
	c.ncMu.Lock()
	nc := c.nc
	c.nc = nil
	c.ncMu.Unlock()
	if nc != nil {
		nc.Close()
	}
}

// interrupt ends the request c waits on, from another goroutine, and
// keeps c from sending another.
func (c *conn) interrupt() {
	c.interrupted.Store(true)
	c.ncMu.Lock()
	defer c.ncMu.Unlock()
	if c.nc != nil {
		shutdownSocket(c.nc)
	}
}

// startRequest begins a request in c.req: the request line, whose target
// is path, then id (escaped where it must be), then suffix, Host and
// User-Agent. The caller appends its header lines, then calls do.
func (c *conn) startRequest(method, path, id, suffix string) {
	b := append(c.req[:0], method...)
	b = append(b, ' ')
	b = append(b, path...)
	b = appendPathEscaped(b, id)
	b = append(b, suffix...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, c.addr...)
	b = append(b, "\r\nUser-Agent: "...)
	b = append(b, userAgent...)
	b = append(b, "\r\n"...)
	c.req = b
}

// header appends one header line to the request begun by startRequest.
func (c *conn) header(name, value string) {
	b := append(c.req, name...)
	b = append(b, ": "...)
	b = append(b, value...)
	c.req = append(b, "\r\n"...)
}

// do ends the request begun by startRequest with body, sends it and reads
// the response, whose status is c.status and whose body is c.body. A
// request that fails on a connection that has carried an earlier request,
// before any byte of the response arrived (the server closed an idle
// connection), is sent once more on a new connection.
func (c *conn) do(body []byte, hasBody bool) error {
	_, err := c.send(body, hasBody, nil)
	return err
}

// send is do, with the bytes of a second request, then, written in the
// same write as the first when the body is small: HTTP/1.1 pipelining.
// pipelined reports whether then went out, on a connection the server
// keeps open; the caller then reads its response with readPipelined.
func (c *conn) send(body []byte, hasBody bool, then []byte) (pipelined bool, err error) {
	if hasBody {
		c.req = append(c.req, "Content-Length: "...)
		c.req = strconv.AppendInt(c.req, int64(len(body)), 10)
		c.req = append(c.req, "\r\n"...)
	}
	c.req = append(c.req, "\r\n"...)
	if len(body) < bigBody {
		c.req = append(c.req, body...)
		body = nil
		c.req = append(c.req, then...)
		pipelined = len(then) > 0
	}
	for attempt := 0; ; attempt++ {
		if c.nc == nil {
			if err := c.dial(); err != nil {
				return false, err
			}
		}
		started, err := c.roundTrip(body)
		if err == nil {
			c.reused = true
			if c.closeConn {
				c.close()
				pipelined = false // the server does not read it
			}
			return pipelined, nil
		}
		retry := c.reused && !started && attempt == 0 && !c.interrupted.Load()
		c.close()
		if !retry {
			return false, err
		}
	}
}

// readPipelined reads the response to the request send pipelined. When
// the server closed the connection without a byte of it, retry reports
// that the request must be sent again.
func (c *conn) readPipelined() (retry bool, err error) {
	started, err := c.readResponse()
	if err == nil {
		if c.closeConn {
			c.close()
		}
		return false, nil
	}
	c.close()
	return !started && !c.interrupted.Load(), err
}

// roundTrip writes c.req and body and reads the response. started reports
// whether any byte of the response was read.
func (c *conn) roundTrip(body []byte) (started bool, err error) {
	if _, err := c.nc.Write(c.req); err != nil {
		return false, err
	}
	if len(body) > 0 {
		if _, err := c.nc.Write(body); err != nil {
			return false, err
		}
	}
	return c.readResponse()
}

// errMalformed is returned for a response that is not HTTP/1.1.
var errMalformed = errors.New("malformed HTTP response from the Runtime API")

// readResponse reads one response: the status, the captured header values
// and the body.
func (c *conn) readResponse() (started bool, err error) {
	for {
		line, err := c.line()
		if err != nil {
			return len(line) > 0 || !isClosed(err), err
		}
		// HTTP/1.1 200 OK
		if len(line) < 12 || string(line[:5]) != "HTTP/" || line[8] != ' ' {
			return true, errMalformed
		}
		status, err := strconv.Atoi(string(line[9:12]))
		if err != nil || status < 100 {
			return true, errMalformed
		}
		c.status = status
		c.closeConn = string(line[5:8]) == "1.0"
		if err := c.readHeader(); err != nil {
			return true, err
		}
		if status >= 100 && status < 200 { // 100 Continue and the like: the real one follows
			continue
		}
		return true, c.readBody()
	}
}

// Body framing of the response being read.
type framing struct {
	length  int64 // -1 when absent
	chunked bool
}

func (c *conn) readHeader() error {
	c.fields = c.fields[:0]
	for i := range c.spans {
		c.spans[i] = [2]int{-1, -1}
	}
	c.frame = framing{length: -1}
	for {
		line, err := c.line()
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
		colon := indexByte(line, ':')
		if colon <= 0 || line[0] == ' ' || line[0] == '\t' || line[colon-1] == ' ' || line[colon-1] == '\t' {
			// No name, a folded line (obs-fold, which a client may
			// refuse: RFC 9112, section 5.2) or a space before the colon.
			return errMalformed
		}
		name, value := line[:colon], trimOWS(line[colon+1:])
		switch {
		case equalFold(name, "Content-Length"):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 {
				return errMalformed
			}
			c.frame.length = n
		case equalFold(name, "Transfer-Encoding"):
			if !equalFold(value, "chunked") {
				return fmt.Errorf("runtime API response with Transfer-Encoding %q", value)
			}
			c.frame.chunked = true
		case equalFold(name, "Connection"):
			if equalFold(value, "close") {
				c.closeConn = true
			}
		default:
			for i, want := range c.capture {
				if c.spans[i][0] < 0 && equalFold(name, want) { // the first wins, as in net/http's Header.Get
					start := len(c.fields)
					c.fields = append(c.fields, value...)
					c.spans[i] = [2]int{start, len(c.fields)}
					break
				}
			}
		}
	}
}

func (c *conn) readBody() error {
	c.body = c.body[:0]
	if c.status == 204 || c.status == 304 {
		return nil
	}
	switch {
	case c.frame.chunked:
		return c.readChunked()
	case c.frame.length >= 0:
		if c.frame.length > int64(c.readLimit) {
			return fmt.Errorf("runtime API response body of %d bytes, more than %d", c.frame.length, c.readLimit)
		}
		n := int(c.frame.length)
		if cap(c.body) < n {
			c.body = make([]byte, n)
		}
		c.body = c.body[:n]
		_, err := io.ReadFull(c.r, c.body)
		return err
	default: // until the server closes the connection
		c.closeConn = true
		for {
			if len(c.body) == cap(c.body) {
				c.body = append(c.body, 0)[:len(c.body)]
			}
			n, err := c.r.Read(c.body[len(c.body):cap(c.body)])
			c.body = c.body[:len(c.body)+n]
			if len(c.body) > c.readLimit {
				return fmt.Errorf("runtime API response body of more than %d bytes", c.readLimit)
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
	}
}

func (c *conn) readChunked() error {
	for {
		line, err := c.line()
		if err != nil {
			return err
		}
		if i := indexByte(line, ';'); i >= 0 { // chunk extensions
			line = line[:i]
		}
		size, err := strconv.ParseUint(string(trimOWS(line)), 16, 32)
		if err != nil {
			return errMalformed
		}
		if size == 0 {
			for { // trailers, ignored, up to the empty line
				line, err := c.line()
				if err != nil {
					return err
				}
				if len(line) == 0 {
					return nil
				}
			}
		}
		if len(c.body)+int(size) > c.readLimit {
			return fmt.Errorf("runtime API response body of more than %d bytes", c.readLimit)
		}
		n := len(c.body)
		c.body = append(c.body, make([]byte, size)...)
		if _, err := io.ReadFull(c.r, c.body[n:]); err != nil {
			return err
		}
		if line, err := c.line(); err != nil || len(line) != 0 {
			return errMalformed
		}
	}
}

// maxLine bounds a status or header line.
const maxLine = 1 << 20

// line reads one line without its CRLF (or LF). The slice is valid until
// the next read.
func (c *conn) line() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			line, err = c.r.ReadSlice('\n')
			long = append(long, line...)
			if len(long) > maxLine {
				return nil, errMalformed
			}
		}
		line = long
	}
	if err != nil {
		if err == io.EOF && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return line, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// value returns the captured value of header i, and whether it was there.
func (c *conn) value(i int) ([]byte, bool) {
	s := c.spans[i]
	if s[0] < 0 {
		return nil, false
	}
	return c.fields[s[0]:s[1]], true
}

// isClosed reports whether err says the server closed the connection.
func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// equalFold reports whether b equals the ASCII string s, ignoring case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// appendPathEscaped appends s to b as one path segment: bytes other than
// unreserved characters and sub-delimiters are percent-encoded. A request
// id is a UUID, which needs none; anything else cannot break the request
// line.
func appendPathEscaped(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := range len(s) {
		x := s[i]
		if 'a' <= x && x <= 'z' || 'A' <= x && x <= 'Z' || '0' <= x && x <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@", x) >= 0 {
			b = append(b, x)
			continue
		}
		b = append(b, '%', hex[x>>4], hex[x&15])
	}
	return b
}
