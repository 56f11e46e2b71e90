package emulator_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/albkit/alb/emulator"
)

// function is a lambda.Handler written against the raw ALB wire format.
type function func(ctx context.Context, event []byte) ([]byte, error)

func (f function) Invoke(ctx context.Context, event []byte) ([]byte, error) { return f(ctx, event) }

func Example() {
	hello := function(func(context.Context, []byte) ([]byte, error) {
		return []byte(`{"statusCode":200,"headers":{"Content-Type":"text/plain"},"body":"hello"}`), nil
	})
	broken := function(func(context.Context, []byte) ([]byte, error) {
		return []byte(`{"statusCode":"200","body":"hello"}`), nil // statusCode must be a number
	})
	// Log without the time, so that the output is stable.
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	for _, h := range []function{hello, broken} {
		srv := httptest.NewServer(emulator.New(h, emulator.Options{Logger: logger}))
		resp, err := http.Get(srv.URL + "/greet?name=a+b")
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		fmt.Println(resp.Status, resp.Header.Get("Server"))
		fmt.Println(strings.TrimSpace(string(body)))
	}
	// Output:
	// 200 OK awselb/2.0
	// hello
	// level=ERROR msg="emulator: 502 Bad Gateway" method=GET target="/greet?name=a+b" error="albcheck: rule 20: \"statusCode\" is a string, not a number" rule=20
	// 502 Bad Gateway awselb/2.0
	// <html>
	// <head><title>502 Bad Gateway</title></head>
	// <body>
	// <center><h1>502 Bad Gateway</h1></center>
	// </body>
	// </html>
}

func ExampleEmulator_HealthCheck() {
	h := function(func(context.Context, []byte) ([]byte, error) {
		return []byte(`{"statusCode":200,"body":"healthy"}`), nil
	})
	e := emulator.New(h, emulator.Options{})
	status, err := e.HealthCheck(context.Background(), "/health", "GET")
	fmt.Println(status, err)
	// Output:
	// 200 <nil>
}

func ExampleNewListener() {
	h := function(func(context.Context, []byte) ([]byte, error) {
		return []byte(`{"statusCode":200,"body":"ok"}`), nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := &http.Server{
		Handler:           emulator.New(h, emulator.Options{Logger: slog.New(slog.DiscardHandler)}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = srv.Serve(emulator.NewListener(ln)) }()
	defer srv.Close()

	// A header line that starts with a space continues the previous one
	// (obs-fold): the ALB answers 400, where net/http alone would join
	// the lines.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: localhost\r\nX-Note: one\r\n two\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status, resp.Header.Get("Server"))
	// Output:
	// 400 Bad Request awselb/2.0
}
