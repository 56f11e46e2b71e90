package emulator_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

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
