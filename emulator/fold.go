package emulator

import (
	"bytes"
	"net"
	"net/http"
	"strconv"
	"sync"
)

// NewListener returns ln with every accepted connection watched for
// obs-folded request headers: a header line that starts with a space or a
// tab and so continues the previous line (RFC 9112, section 5.2). The ALB
// does not support multi-line headers (contract rule 16) and answers 400;
// net/http instead joins such a line to the previous one, so an Emulator
// served on a plain listener cannot tell. Served on NewListener's, it
// answers 400 to such a request, without invoking the function, and closes
// the connection.
//
// The watch reads the bytes as net/http reads them and follows the
// request framing (Content-Length or chunked bodies) to find each header
// block; it copies nothing and delays nothing. On a connection that does
// not start with an HTTP/1 request line (TLS, for one: serve TLS on the
// listener NewListener returns and the bytes it sees are encrypted) or
// whose framing it cannot follow, it stops watching, and the requests that
// follow are served as on a plain listener.
func NewListener(ln net.Listener) net.Listener {
	return &foldListener{Listener: ln}
}

type foldListener struct {
	net.Listener
}

func (l *foldListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	fc := &foldConn{Conn: c}
	fc.addr = &watchedAddr{Addr: c.LocalAddr(), conn: fc}
	return fc, nil
}

// foldConn is a connection whose incoming bytes go through a
// headerScanner.
type foldConn struct {
	net.Conn
	addr *watchedAddr

	mu sync.Mutex // guards s: net/http reads from two goroutines
	s  headerScanner
}

func (c *foldConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		c.s.scan(p[:n])
		c.mu.Unlock()
	}
	return n, err
}

// LocalAddr returns the connection's local address wrapped so that
// ServeHTTP finds the connection: net/http puts LocalAddr in each
// request's context (http.LocalAddrContextKey).
func (c *foldConn) LocalAddr() net.Addr { return c.addr }

// nextFolded reports whether the oldest request whose header block the
// scanner has seen and that ServeHTTP has not yet asked about had a folded
// line, and forgets it. net/http serves the requests of a connection in
// order and passes each one it reads to the handler (or closes the
// connection), so the n-th call is about the n-th request.
func (c *foldConn) nextFolded() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s.pop()
}

// watchedAddr is the local address of a foldConn.
type watchedAddr struct {
	net.Addr
	conn *foldConn
}

// folded reports whether the request r came on a watched connection with a
// folded header line.
func folded(r *http.Request) bool {
	a, ok := r.Context().Value(http.LocalAddrContextKey).(*watchedAddr)
	return ok && a.conn.nextFolded()
}

// States of a headerScanner.
const (
	scanStart     = iota // before a request line; CR and LF are skipped
	scanHeader           // in the request line or a header line
	scanBody             // in a Content-Length body
	scanChunkSize        // in a chunk-size line
	scanChunkData        // in chunk data
	scanChunkEnd         // in the CRLF after chunk data
	scanTrailer          // in the trailer section of a chunked body
	scanOff              // lost: watching no more
)

// keptLine is how many bytes of a line the scanner keeps: enough for the
// name and value of Content-Length and Transfer-Encoding and for a chunk
// size.
const keptLine = 128

// headerScanner follows the HTTP/1 requests of one connection through the
// bytes received, and records for each header block whether it has a
// folded line.
type headerScanner struct {
	state    int
	line     []byte // the first keptLine bytes of the current line
	lineLen  int    // the current line's length so far
	first    bool   // the current line is the request line
	fold     bool   // the current header block has a folded line
	length   int64  // the Content-Length value, -1 when there is none
	chunked  bool   // Transfer-Encoding ends with chunked
	encoding bool   // there is a Transfer-Encoding header
	bad      bool   // the framing headers cannot be followed
	remain   int64  // bytes of the body or chunk left
	folds    []bool // per header block seen: folded; from head on not popped
	head     int
}

// pop returns and forgets the oldest fold not popped, false if none. The
// queue's memory is reused once it is empty: a connection that carries one
// request at a time allocates nothing after its first request.
func (s *headerScanner) pop() bool {
	if s.head == len(s.folds) {
		return false
	}
	f := s.folds[s.head]
	s.head++
	if s.head == len(s.folds) {
		s.folds, s.head = s.folds[:0], 0
	}
	return f
}

// scan follows the bytes p, the next ones received.
func (s *headerScanner) scan(p []byte) {
	for len(p) > 0 {
		switch s.state {
		case scanOff:
			return
		case scanBody, scanChunkData:
			n := int64(len(p))
			if n > s.remain {
				n = s.remain
			}
			s.remain -= n
			p = p[n:]
			if s.remain == 0 {
				if s.state == scanBody {
					s.state = scanStart
				} else {
					s.state = scanChunkEnd
				}
			}
			continue
		case scanStart:
			c := p[0]
			if c == '\r' || c == '\n' {
				p = p[1:]
				continue
			}
			if !isTokenChar(c) {
				s.state = scanOff // not a method: TLS, HTTP/2, garbage
				return
			}
			s.state = scanHeader
			s.first, s.fold, s.length, s.chunked, s.encoding, s.bad = true, false, -1, false, false, false
		}
		// A line-based state: take bytes up to the end of the line.
		i := bytes.IndexByte(p, '\n')
		part := p
		if i >= 0 {
			part = p[:i]
		}
		if room := keptLine - len(s.line); room > 0 {
			s.line = append(s.line, part[:min(room, len(part))]...)
		}
		s.lineLen += len(part)
		if i < 0 {
			return
		}
		p = p[i+1:]
		line := bytes.TrimSuffix(s.line, []byte("\r"))
		truncated := s.lineLen > len(s.line)
		s.endLine(line, truncated)
		s.line, s.lineLen = s.line[:0], 0
	}
}

// endLine handles a complete line, without its CRLF or LF; truncated
// means line holds only its first keptLine bytes.
func (s *headerScanner) endLine(line []byte, truncated bool) {
	empty := len(line) == 0 && !truncated
	switch s.state {
	case scanHeader:
		switch {
		case empty:
			s.endHeader()
		case s.first:
			s.first = false
		case line[0] == ' ' || line[0] == '\t':
			s.fold = true
		default:
			s.header(line, truncated)
		}
	case scanChunkSize:
		size, _, _ := bytes.Cut(line, []byte(";"))
		n, err := strconv.ParseInt(string(bytes.Trim(size, " \t")), 16, 64)
		switch {
		case truncated || err != nil || n < 0:
			s.state = scanOff
		case n == 0:
			s.state = scanTrailer
		default:
			s.state, s.remain = scanChunkData, n
		}
	case scanChunkEnd:
		if len(line) != 0 {
			s.state = scanOff
			return
		}
		s.state = scanChunkSize
	case scanTrailer:
		if empty {
			s.state = scanStart
		}
	}
}

// header notes the framing headers, Content-Length and Transfer-Encoding.
func (s *headerScanner) header(line []byte, truncated bool) {
	name, value, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		return // net/http refuses the request and closes the connection
	}
	value = bytes.Trim(value, " \t")
	switch {
	case bytes.EqualFold(name, []byte("Content-Length")):
		n, err := strconv.ParseInt(string(value), 10, 64)
		if truncated || err != nil || n < 0 || (s.length >= 0 && n != s.length) {
			s.bad = true
			return
		}
		s.length = n
	case bytes.EqualFold(name, []byte("Transfer-Encoding")):
		s.encoding = true
		last := value
		if i := bytes.LastIndexByte(value, ','); i >= 0 {
			last = bytes.Trim(value[i+1:], " \t")
		}
		s.chunked = !truncated && bytes.EqualFold(last, []byte("chunked"))
	}
}

// endHeader records the header block just ended and moves to its body.
func (s *headerScanner) endHeader() {
	s.folds = append(s.folds, s.fold)
	switch {
	case s.encoding && s.chunked:
		s.state = scanChunkSize // Transfer-Encoding wins over Content-Length
	case s.encoding || s.bad:
		s.state = scanOff // net/http answers 400 or 501 and closes
	case s.length > 0:
		s.state, s.remain = scanBody, s.length
	default:
		s.state = scanStart
	}
}

// isTokenChar reports whether c may appear in a method (RFC 9110 tchar).
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c < 0x80 && bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0
}
