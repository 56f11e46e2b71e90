package alb

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
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
