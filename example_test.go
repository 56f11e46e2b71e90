package alb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"path"
	"testing/fstest"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/albkit/alb"
)

// invoke sends an ALB event for method and target (path and raw query) in
// single-value mode and prints the status and body of the response.
func invoke(r *alb.Router, method, path, query string) {
	event := `{"httpMethod":"` + method + `","path":"` + path + `","headers":{"host":"example.com","x-forwarded-proto":"https"},` +
		`"queryStringParameters":{` + query + `},"body":"","isBase64Encoded":false}`
	out, err := r.Invoke(context.Background(), []byte(event))
	if err != nil {
		fmt.Println("invocation error:", err)
		return
	}
	fmt.Println(string(out))
}

func ExampleRouter_GET() {
	r := alb.New()
	r.GET("/hello/:name", func(c *alb.Context) error {
		return c.String(http.StatusOK, "Hello, "+c.Param("name")+"!")
	})
	invoke(r, "GET", "/hello/Ada", "")
	invoke(r, "GET", "/hello/Ada/", "")
	invoke(r, "POST", "/hello/Ada", "")
	// Output:
	// {"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"text/plain; charset=utf-8"},"body":"Hello, Ada!"}
	// {"statusCode":301,"statusDescription":"301 Moved Permanently","isBase64Encoded":false,"headers":{"Location":"/hello/Ada"},"body":""}
	// {"statusCode":405,"statusDescription":"405 Method Not Allowed","isBase64Encoded":false,"headers":{"Allow":"GET, HEAD, OPTIONS","Content-Type":"application/json"},"body":"{\"message\":\"Method Not Allowed\"}"}
}

func ExampleContext_Query() {
	r := alb.New()
	r.GET("/search", func(c *alb.Context) error {
		// The ALB delivers the query still percent-encoded, with '+' for a space.
		return c.String(http.StatusOK, c.Query("q")+" | raw: "+c.RawQuery())
	})
	invoke(r, "GET", "/search", `"q":"caf%C3%A9+au+lait"`)
	// Output:
	// {"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"text/plain; charset=utf-8"},"body":"café au lait | raw: q=caf%C3%A9+au+lait"}
}

func ExampleRouter_Group() {
	r := alb.New()
	logged := func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) error {
			err := next(c)
			fmt.Println("served", c.Method(), c.Route(), c.ResponseStatus())
			return err
		}
	}
	api := r.Group("/api", logged)
	api.GET("/users/:id", func(c *alb.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"id": c.Param("id")})
	})
	invoke(r, "GET", "/api/users/7", "")
	// Output:
	// served GET /api/users/:id 200
	// {"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"application/json"},"body":"{\"id\":\"7\"}"}
}

func ExampleHTTPError() {
	r := alb.New()
	r.GET("/orders/:id", func(c *alb.Context) error {
		return &alb.HTTPError{Status: http.StatusNotFound, Message: "no order " + c.Param("id"), Err: fmt.Errorf("lookup failed")}
	})
	invoke(r, "GET", "/orders/9", "")
	// Output:
	// {"statusCode":404,"statusDescription":"404 Not Found","isBase64Encoded":false,"headers":{"Content-Type":"application/json"},"body":"{\"message\":\"no order 9\"}"}
}

func ExampleContext_Blob() {
	r := alb.New()
	r.GET("/pixel.gif", func(c *alb.Context) error {
		gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
		return c.Blob(http.StatusOK, "image/gif", gif) // binary: sent as base64
	})
	invoke(r, "GET", "/pixel.gif", "")
	// Output:
	// {"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"headers":{"Content-Type":"image/gif"},"body":"R0lGODlhAQABAAAAADs="}
}

func ExampleRouter_GET_staticTextAfterParameter() {
	r := alb.New()
	r.GET("/qr/:code.png", func(c *alb.Context) error {
		return c.String(http.StatusOK, "QR code "+c.Param("code"))
	})
	r.GET("/files/:base.:ext", func(c *alb.Context) error {
		return c.String(http.StatusOK, c.Param("base")+" | "+c.Param("ext"))
	})
	invoke(r, "GET", "/qr/abc.png", "")
	invoke(r, "GET", "/qr/abc", "")
	invoke(r, "GET", "/files/report.tar.gz", "")
	// Output:
	// {"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"text/plain; charset=utf-8"},"body":"QR code abc"}
	// {"statusCode":404,"statusDescription":"404 Not Found","isBase64Encoded":false,"headers":{"Content-Type":"application/json"},"body":"{\"message\":\"Not Found\"}"}
	// {"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"text/plain; charset=utf-8"},"body":"report | tar.gz"}
}

// The README's file-serving handler, on an fs.FS: hostile paths never
// reach outside it.
func ExampleRouter_GET_catchAllFiles() {
	static := fstest.MapFS{"static/a/b.txt": {Data: []byte("hello")}}
	r := alb.New()
	r.Logger = slog.New(slog.DiscardHandler)
	r.GET("/files/*path", func(c *alb.Context) error {
		name := "static" + c.Param("path") // "static/a/b.txt"
		data, err := fs.ReadFile(static, name)
		if err != nil {
			return alb.ErrNotFound
		}
		return c.Blob(http.StatusOK, mime.TypeByExtension(path.Ext(name)), data)
	})
	for _, p := range []string{"/files/a/b.txt", "/files/%2e%2e/%2e%2e/etc/passwd", "/files/..%2fstatic/a/b.txt", "/files//etc/passwd"} {
		out, _ := r.Invoke(context.Background(), []byte(`{"httpMethod":"GET","path":"`+p+`","headers":{}}`))
		var resp struct {
			StatusCode int
			Body       string
		}
		_ = json.Unmarshal(out, &resp)
		fmt.Println(p, resp.StatusCode, resp.Body)
	}
	// Output:
	// /files/a/b.txt 200 hello
	// /files/%2e%2e/%2e%2e/etc/passwd 400 {"message":"path holds a '..' segment"}
	// /files/..%2fstatic/a/b.txt 400 {"message":"path holds a '..' segment"}
	// /files//etc/passwd 404 {"message":"Not Found"}
}

func ExampleContext_Logger() {
	r := alb.New()
	// The request logger writes through Router.Logger's handler; without
	// one, JSON lines on stdout as Lambda's logging controls say. The time
	// is left out here so that the output is the same on every run.
	r.Logger = slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	}))
	r.GET("/users/:id", func(c *alb.Context) error {
		c.Logger().Info("loading user", "id", c.Param("id"))
		c.Logger().Debug("below the handler's level: never formatted")
		return c.NoContent(http.StatusNoContent)
	})
	event := `{"httpMethod":"GET","path":"/users/42","headers":{"x-amzn-trace-id":"Root=1-67a0c2f1-3b9d2c1e0f4a5b6c7d8e9f01",` +
		`"x-forwarded-for":"203.0.113.7","x-forwarded-proto":"https"},"body":"","isBase64Encoded":false}`
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "8f5ba4c1-2d3e-4f50-9a61-7b8c9d0e1f23"})
	_, _ = r.Invoke(ctx, []byte(event))
	// Output:
	// {"level":"INFO","msg":"loading user","request_id":"8f5ba4c1-2d3e-4f50-9a61-7b8c9d0e1f23","trace_id":"1-67a0c2f1-3b9d2c1e0f4a5b6c7d8e9f01","method":"GET","route":"/users/:id","client_ip":"203.0.113.7","cold_start":true,"id":"42"}
}
