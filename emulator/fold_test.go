package emulator

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// serveWatched serves an Emulator of f on NewListener(127.0.0.1:0) and
// returns its address and log.
func serveWatched(t *testing.T, f *fake) (string, *logBuffer) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := new(logBuffer)
	e := New(f, Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	srv := &http.Server{Handler: e}
	go func() { _ = srv.Serve(NewListener(ln)) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String(), logs
}

// rawExchange writes raw on a new connection and reads the responses
// until the server closes it or want responses have come.
func rawExchange(t *testing.T, addr, raw string, want int) []*http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	var resps []*http.Response
	for len(resps) < want {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			break
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resps = append(resps, resp)
	}
	return resps
}

func statuses(resps []*http.Response) []int {
	var s []int
	for _, r := range resps {
		s = append(s, r.StatusCode)
	}
	return s
}

// Rule 16: a folded header line gets the ALB's 400, the function is not
// invoked, and the connection is closed.
func TestRequestObsFold(t *testing.T) {
	for _, fold := range []string{" two", "\ttwo", " ", "\t\t"} {
		f := &fake{resp: okResponse}
		addr, logs := serveWatched(t, f)
		resps := rawExchange(t, addr, "GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n"+fold+"\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 2)
		if len(resps) != 1 || resps[0].StatusCode != 400 || resps[0].Header.Get("Server") != "awselb/2.0" || !resps[0].Close {
			t.Errorf("fold %q: got %v, want one 400 from awselb/2.0 and the connection closed", fold, statuses(resps))
			continue
		}
		body, _ := io.ReadAll(resps[0].Body)
		if string(body) != page(400) {
			t.Errorf("fold %q: body %q", fold, body)
		}
		if n := len(f.calls()); n != 0 {
			t.Errorf("fold %q: the function was invoked %d times", fold, n)
		}
		checkLog(t, logs.only(t), "WARN", "reason", "rule 16", "obs-fold")
	}
}

// Bodies that contain lines starting with a space are not header lines:
// the watch follows Content-Length and chunked framing over keep-alive and
// pipelined requests, and still catches a fold in a later request.
func TestRequestObsFoldFraming(t *testing.T) {
	f := &fake{resp: okResponse}
	addr, _ := serveWatched(t, f)
	body := "line\r\n indented\r\n\tand\r\n\r\n more"
	chunked := "7\r\nline\r\n \r\n" + "9;ext=1\r\n\tindented\r\n" + "0\r\nX-Trailer: 1\r\n\r\n"
	raw := "POST /a HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body +
		"\r\n" + // a stray CRLF between requests, as some clients send after a POST
		"POST /b HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n" + chunked +
		"GET /c HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET /d HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n" +
		"GET /e HTTP/1.1\r\nHost: x\r\n\r\n"
	resps := rawExchange(t, addr, raw, 5)
	if got := statuses(resps); !slices.Equal(got, []int{200, 200, 200, 400}) {
		t.Fatalf("statuses %v, want [200 200 200 400] and the connection closed", got)
	}
	var paths []string
	for _, ev := range f.calls() {
		_, rest, _ := strings.Cut(string(ev), `"path":"`)
		p, _, _ := strings.Cut(rest, `"`)
		paths = append(paths, p)
	}
	if !slices.Equal(paths, []string{"/a", "/b", "/c"}) {
		t.Errorf("the function got %v, want /a /b /c", paths)
	}
}

// A connection that does not start with a request line (here TLS) is not
// watched: no fold is reported, whatever follows.
func TestHeaderScannerOff(t *testing.T) {
	var s headerScanner
	s.scan([]byte("\x16\x03\x01\x02\x00\r\n X\r\n\r\n"))
	if s.state != scanOff || s.pop() {
		t.Errorf("TLS bytes: state %d, want scanOff and no fold", s.state)
	}
}

// scanAll scans data in pieces cut at the given offsets and returns the
// folds recorded and the final state.
func scanAll(data []byte, cuts []int) ([]bool, int) {
	var s headerScanner
	prev := 0
	for _, c := range cuts {
		if c > prev && c < len(data) {
			s.scan(data[prev:c])
			prev = c
		}
	}
	s.scan(data[prev:])
	return s.folds, s.state
}

// The scanner's result does not depend on how the bytes arrive, and for a
// stream without framing headers it matches a line-by-line oracle.
func FuzzHeaderScanner(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n"), uint16(20), uint16(33))
	f.Add([]byte("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n\r\n GET / HTTP/1.1\r\n\tX: y\r\n\r\n"), uint16(1), uint16(40))
	f.Add([]byte("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n\r\n \r\n0\r\n\r\nGET / HTTP/1.1\n\n"), uint16(50), uint16(51))
	f.Fuzz(func(t *testing.T, data []byte, a, b uint16) {
		whole, state := scanAll(data, nil)
		cut, cutState := scanAll(data, []int{int(min(a, b)), int(max(a, b))})
		if !slices.Equal(whole, cut) || state != cutState {
			t.Fatalf("%q: whole %v %d, cut at %d,%d %v %d", data, whole, state, a, b, cut, cutState)
		}
		lower := bytes.ToLower(data)
		if bytes.Contains(lower, []byte("content-length")) || bytes.Contains(lower, []byte("transfer-encoding")) {
			return
		}
		// Oracle: without framing headers every request is header only;
		// CR and LF before a request line are skipped, and a request line
		// must start with a token character.
		var want []bool
		rest := data
		for {
			rest = bytes.TrimLeft(rest, "\r\n")
			if len(rest) == 0 || !isTokenChar(rest[0]) {
				break
			}
			folded, ended := false, false
			for n := 0; ; n++ {
				line, after, ok := bytes.Cut(rest, []byte("\n"))
				if !ok {
					rest = nil
					break
				}
				rest = after
				line = bytes.TrimSuffix(line, []byte("\r"))
				if len(line) == 0 {
					ended = true
					break
				}
				if n > 0 && (line[0] == ' ' || line[0] == '\t') {
					folded = true
				}
			}
			if !ended {
				break
			}
			want = append(want, folded)
		}
		if !slices.Equal(whole, want) {
			t.Fatalf("%q: folds %v, oracle %v", data, whole, want)
		}
	})
}

// Following a keep-alive connection allocates nothing per request once the
// first has been seen.
func TestHeaderScannerAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector adds allocations")
	}
	req := []byte("POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n" +
		"X-Long: " + strings.Repeat("v", 300) + "\r\n\r\nline\r\n ab" +
		"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n\r\n \r\n0\r\n\r\n")
	var s headerScanner
	s.scan(req)
	s.pop()
	s.pop()
	allocs := testing.AllocsPerRun(100, func() {
		s.scan(req[:50])
		s.scan(req[50:])
		first, second := s.pop(), s.pop()
		if first || second || s.state != scanStart {
			t.Fatal("lost the framing")
		}
	})
	if allocs != 0 {
		t.Errorf("scanning two requests allocates %v times, want 0", allocs)
	}
}
