//go:build !lambda.norpc

package alb

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServeLocal(t *testing.T) {
	for _, multi := range []bool{false, true} {
		r := New()
		var logs syncBuffer
		r.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		r.GET("/hello/:name", func(c *Context) error {
			c.SetCookie(&http.Cookie{Name: "a", Value: "1"})
			c.SetCookie(&http.Cookie{Name: "b", Value: "2"})
			return c.JSON(http.StatusOK, map[string]any{"name": c.Param("name"), "q": c.Query("name"), "multi": c.MultiValue(), "health": c.IsHealthCheck()})
		})
		ctx, cancel := context.WithCancel(context.Background())
		ready := make(chan net.Addr, 1)
		done := make(chan error, 1)
		var out bytes.Buffer
		opts := []StartOption{WithAddr("127.0.0.1:0"), WithHealthChecks("/hello/hc", 10*time.Millisecond), func(c *startConfig) { c.out = &out }}
		if multi {
			opts = append(opts, WithMultiValueHeaders())
		}
		go func() { done <- serveLocal(ctx, r, ready, opts...) }()
		addr := <-ready
		resp, err := http.Get("http://" + addr.String() + "/hello/world?name=Ada+Lovelace")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		wantCookies := 2
		if !multi {
			wantCookies = 1 // single-value mode keeps the last
		}
		if resp.StatusCode != 200 || len(resp.Cookies()) != wantCookies || resp.Header.Get("Server") != "awselb/2.0" ||
			!strings.Contains(string(body), `"name":"world"`) || !strings.Contains(string(body), `"q":"Ada Lovelace"`) {
			t.Errorf("multi=%v: %d %v %s", multi, resp.StatusCode, resp.Header, body)
		}
		// Let at least one health check run before stopping.
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(logs.String(), "health check") && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("multi=%v: serveLocal returned %v", multi, err)
		}
		mode := map[bool]string{false: "single-value", true: "multi-value"}[multi]
		if !strings.Contains(out.String(), "http://127.0.0.1:") || !strings.Contains(out.String(), mode) {
			t.Errorf("banner %q", out.String())
		}
		if !strings.Contains(logs.String(), "alb: health check") || !strings.Contains(logs.String(), "status=200") {
			t.Errorf("multi=%v: health check log %q", multi, logs.String())
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestServeLocalPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = serveLocal(context.Background(), New(), nil, WithAddr(ln.Addr().String()), func(c *startConfig) { c.out = io.Discard })
	if err == nil {
		t.Error("serveLocal on a port in use returned nil")
	}
}

func TestServeLocalShutdownDoesNotWaitForIdleSockets(t *testing.T) {
	// A browser opens sockets it may never use; stopping must not wait
	// for them longer than the grace.
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- serveLocal(ctx, New(), ready, WithAddr("127.0.0.1:0"), func(c *startConfig) { c.out = io.Discard })
	}()
	addr := <-ready
	conn, err := net.Dial("tcp", addr.String()) // connected, no request
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	time.Sleep(10 * time.Millisecond) // let the server accept it
	start := time.Now()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serveLocal returned %v", err)
	}
	if d := time.Since(start); d > shutdownGrace+2*time.Second {
		t.Errorf("shutdown took %v with an idle socket open", d)
	}
}

// localServer runs serveLocal with opts until the test ends and returns the
// address bound, the banner and the router's log.
func localServer(t *testing.T, r *Router, opts ...StartOption) (net.Addr, *syncBuffer, *syncBuffer) {
	t.Helper()
	out, logs := new(syncBuffer), new(syncBuffer)
	r.Logger = slog.New(slog.NewTextHandler(logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	opts = append(opts, func(c *startConfig) { c.out = out })
	go func() { done <- serveLocal(ctx, r, ready, opts...) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serveLocal returned %v", err)
		}
	})
	select {
	case addr := <-ready:
		return addr, out, logs
	case err := <-done:
		t.Fatalf("serveLocal returned %v", err)
		return nil, nil, nil
	}
}

// Without WithAddr the server listens on loopback, on PORT, and prints
// the address really bound.
func TestServeLocalLoopbackByDefault(t *testing.T) {
	t.Setenv("HOST", "")
	t.Setenv("PORT", "0")
	addr, out, _ := localServer(t, New())
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil || ap.Addr() != netip.MustParseAddr("127.0.0.1") || ap.Port() == 0 {
		t.Errorf("listening on %v, want 127.0.0.1 and a real port", addr)
	}
	if want := "http://" + addr.String() + " like an ALB"; !strings.Contains(out.String(), want) {
		t.Errorf("banner %q, want it to contain %q", out.String(), want)
	}
}

// HOST opts into other interfaces; the banner says where it is bound.
func TestServeLocalHost(t *testing.T) {
	t.Setenv("HOST", "0.0.0.0")
	t.Setenv("PORT", "0")
	addr, out, _ := localServer(t, New())
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil || !ap.Addr().IsUnspecified() {
		t.Fatalf("HOST=0.0.0.0: listening on %v", addr)
	}
	want := "http://localhost:" + strconv.Itoa(int(ap.Port())) + " (bound to " + addr.String() + ")"
	if !strings.Contains(out.String(), want) {
		t.Errorf("banner %q, want it to contain %q", out.String(), want)
	}
}

func TestListenAddr(t *testing.T) {
	tests := []struct{ addr, host, port, want string }{
		{"", "", "", "127.0.0.1:8080"},
		{"", "", "9000", "127.0.0.1:9000"},
		{"", "", "http", "127.0.0.1:8080"},
		{"", "0.0.0.0", "", "0.0.0.0:8080"},
		{"", "::1", "0", "[::1]:0"},
		{"", "[::1]", "", "[::1]:8080"},
		{":7000", "0.0.0.0", "9000", ":7000"},
	}
	for _, tt := range tests {
		t.Setenv("HOST", tt.host)
		t.Setenv("PORT", tt.port)
		if got := listenAddr(tt.addr); got != tt.want {
			t.Errorf("listenAddr(%q) with HOST=%q PORT=%q = %q, want %q", tt.addr, tt.host, tt.port, got, tt.want)
		}
	}
}

// The server has every timeout, and the write timeout leaves room for the
// longest function (15 minutes) after the whole read timeout.
func TestLocalServerTimeouts(t *testing.T) {
	cfg := startConfig{timeout: 15 * time.Minute, readTimeout: readTimeout, writeMargin: writeMargin}
	srv := newLocalServer(nil, cfg)
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.IdleTimeout <= 0 || srv.WriteTimeout <= 0 {
		t.Fatalf("timeouts: header %v, read %v, write %v, idle %v; want all set",
			srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
	if least := srv.ReadTimeout + cfg.timeout + time.Minute; srv.WriteTimeout < least {
		t.Errorf("WriteTimeout %v, want at least %v", srv.WriteTimeout, least)
	}
}

// With the read timeouts and the margin scaled down, a function slower
// than both still gets its response through, and a client that never
// finishes its header is cut off.
func TestServeLocalTimeoutsInAction(t *testing.T) {
	r := New()
	release := make(chan struct{})
	r.GET("/slow", func(c *Context) error {
		<-release
		return c.String(http.StatusOK, "done")
	})
	addr, _, _ := localServer(t, r, WithAddr("127.0.0.1:0"), WithTimeout(10*time.Second),
		func(c *startConfig) { c.readTimeout, c.writeMargin = 20*time.Millisecond, 20*time.Millisecond })

	// The slow header first: the server closes the connection.
	conn, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // a guard, not the assertion
	if b, err := io.ReadAll(conn); err != nil || strings.HasPrefix(string(b), "HTTP/1.1 200") {
		t.Errorf("incomplete header: read %q, %v; want the connection closed", b, err)
	}

	// The slow function: released after 100 ms, more than the read
	// timeout and the margin together (40 ms), so that a write timeout
	// that left out the function timeout would cut the response off.
	go func() {
		time.Sleep(100 * time.Millisecond)
		close(release)
	}()
	resp, err := http.Get("http://" + addr.String() + "/slow")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if body, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || string(body) != "done" {
		t.Errorf("slow function: %d %q, want 200 done", resp.StatusCode, body)
	}
}

// The ALB refuses a header line that continues the previous one (contract
// rule 16); net/http alone would join the lines and invoke the function.
func TestServeLocalObsFold(t *testing.T) {
	r := New()
	called := make(chan struct{}, 1)
	r.GET("/", func(c *Context) error {
		called <- struct{}{}
		return c.String(http.StatusOK, c.Header("X-A"))
	})
	addr, _, _ := localServer(t, r, WithAddr("127.0.0.1:0"))
	conn, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Server") != "awselb/2.0" {
		t.Errorf("folded header: %d %v, want the ALB's 400", resp.StatusCode, resp.Header)
	}
	select {
	case <-called:
		t.Error("the function was invoked")
	default:
	}
}
