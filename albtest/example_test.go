package albtest_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/middleware"
)

func ExampleDo() {
	r := alb.New()
	r.GET("/hello/:name", func(c *alb.Context) error {
		return c.String(http.StatusOK, "Hello, "+c.Param("name")+"!")
	})
	t := &testing.T{} // in a test, the test's own t
	resp := albtest.Do(t, r, albtest.NewRequest("GET", "/hello/Ada"))
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"), string(resp.Body))
	// Output: 200 text/plain; charset=utf-8 Hello, Ada!
}

func ExampleWithForm() {
	r := alb.New()
	r.POST("/sign-in", func(c *alb.Context) error {
		return c.String(http.StatusOK, "Welcome, "+c.FormValue("username")+" ("+c.FormValue("theme")+")")
	})
	t := &testing.T{} // in a test, the test's own t
	resp := albtest.Do(t, r, albtest.NewRequest("POST", "/sign-in",
		albtest.WithForm(url.Values{"username": {"Ada"}, "theme": {"dark"}})))
	fmt.Println(string(resp.Body))
	// Output: Welcome, Ada (dark)
}

func ExampleWithMultipart() {
	r := alb.New()
	r.POST("/upload", func(c *alb.Context) error {
		_, params, err := mime.ParseMediaType(c.Header("Content-Type"))
		if err != nil {
			return err
		}
		form, err := multipart.NewReader(bytes.NewReader(c.Body()), params["boundary"]).ReadForm(1 << 20)
		if err != nil {
			return err
		}
		photo := form.File["photo"][0]
		return c.String(http.StatusOK, fmt.Sprintf("%s: %s, %s, %d bytes",
			form.Value["title"][0], photo.Filename, photo.Header.Get("Content-Type"), photo.Size))
	})
	t := &testing.T{} // in a test, the test's own t
	resp := albtest.Do(t, r, albtest.NewRequest("POST", "/upload",
		albtest.WithMultipart(url.Values{"title": {"Holiday"}},
			albtest.File{Field: "photo", Name: "beach.png", ContentType: "image/png", Content: []byte("\x89PNG\r\n\x1a\n")})))
	fmt.Println(string(resp.Body))
	// Output: Holiday: beach.png, image/png, 8 bytes
}

func ExampleWithBasicAuth() {
	r := alb.New()
	r.Use(middleware.BasicAuth(middleware.BasicAuthOptions{
		Validate: middleware.BasicAuthUsers(map[string]string{"ada": "analytical engine"}),
	}))
	r.GET("/me", func(c *alb.Context) error {
		return c.String(http.StatusOK, middleware.GetPrincipal(c).Name)
	})
	t := &testing.T{} // in a test, the test's own t
	resp := albtest.Do(t, r, albtest.NewRequest("GET", "/me", albtest.WithBasicAuth("ada", "analytical engine")))
	fmt.Println(resp.Status, string(resp.Body))
	resp = albtest.Do(t, r, albtest.NewRequest("GET", "/me", albtest.WithBasicAuth("ada", "wrong")))
	fmt.Println(resp.Status, resp.Header.Get("WWW-Authenticate"))
	// Output:
	// 200 ada
	// 401 Basic realm="Restricted", charset="UTF-8"
}

func ExampleWithBearer() {
	r := alb.New()
	r.Use(middleware.BearerAuth(middleware.BearerAuthOptions{
		Validate: middleware.BearerTokens(map[string]string{"s3cr3t-t0ken": "deploy-bot"}),
	}))
	r.GET("/me", func(c *alb.Context) error {
		return c.String(http.StatusOK, middleware.GetPrincipal(c).Name)
	})
	t := &testing.T{} // in a test, the test's own t
	resp := albtest.Do(t, r, albtest.NewRequest("GET", "/me", albtest.WithBearer("s3cr3t-t0ken")))
	fmt.Println(resp.Status, string(resp.Body))
	// Output: 200 deploy-bot
}

// reporter stands in for a test's t in the examples below: it prints what
// the test would report as a failure.
type reporter struct{ testing.TB }

func (reporter) Helper() {}

func (reporter) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }

func ExampleStrict() {
	r := alb.New()
	r.Logger = slog.New(slog.DiscardHandler) // the warning is still logged; here, to nowhere
	r.GET("/", func(c *alb.Context) error {
		c.SetCookie(&http.Cookie{Name: "session", Value: "s1"})
		c.SetCookie(&http.Cookie{Name: "theme", Value: "dark"})
		return c.NoContent(http.StatusNoContent)
	})
	t := reporter{} // in a test, the test's own t
	// In single-value mode the ALB takes one Set-Cookie: the framework
	// sends the last one and logs a warning, which Strict makes a failure.
	resp := albtest.Do(t, r, albtest.NewRequest("GET", "/", albtest.Strict()))
	fmt.Println(len(resp.Cookies), "cookie")
	// Output:
	// albtest: GET / (single-value mode): Strict: the framework warned: alb: several Set-Cookie headers in single-value mode; sent only the last (enable multi-value headers on the target group) kept=theme dropped=session
	// 1 cookie
}

func ExampleDoBoth() {
	r := alb.New()
	r.Logger = slog.New(slog.DiscardHandler)
	r.GET("/", func(c *alb.Context) error {
		c.AddHeader("Vary", "Accept")
		c.AddHeader("Vary", "Accept-Encoding") // one line "Accept, Accept-Encoding" in single-value mode: the same to a client
		c.SetCookie(&http.Cookie{Name: "session", Value: "s1"})
		c.SetCookie(&http.Cookie{Name: "theme", Value: "dark"}) // the first is dropped in single-value mode: a difference
		return c.NoContent(http.StatusNoContent)
	})
	t := reporter{} // in a test, the test's own t
	resp := albtest.DoBoth(t, r, albtest.NewRequest("GET", "/"))
	fmt.Println(resp.Header["Vary"], len(resp.Cookies), "cookies in multi-value mode")
	// Output:
	// albtest: GET /: Set-Cookie differs by mode (several cookies need multi-value mode or alb.SetCookieCaseVariants)
	// single-value: ["theme=dark"]
	// multi-value:  ["session=s1" "theme=dark"]
	// [Accept Accept-Encoding] 2 cookies in multi-value mode
}

func BenchmarkHello(b *testing.B) {
	r := alb.New()
	r.GET("/hello/:name", func(c *alb.Context) error {
		return c.String(http.StatusOK, "Hello!")
	})
	albtest.Benchmark(b, r, albtest.NewRequest("GET", "/hello/Ada", albtest.WithMultiValue()))
}
