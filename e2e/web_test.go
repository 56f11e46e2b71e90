package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Time limits. The whole test stays well under a minute on a warm build
// cache; each limit bounds one wait so that a hang fails fast with a
// message that says where.
const (
	buildTimeout    = 2 * time.Minute  // go build of the example (a cold cache compiles the module)
	startTimeout    = 10 * time.Second // until the example answers on its port
	browserTimeout  = 45 * time.Second // the browser's whole life
	stepTimeout     = 10 * time.Second // one browser step
	shutdownTimeout = 10 * time.Second // from SIGINT to exit
)

// TestWebExample builds examples/web, runs it as a developer does (go run,
// then a browser on localhost) and signs in and out in headless Chromium:
// the form, the 303 to /welcome, the name rendered from the session cookie,
// the generated PNG, both cookies in the browser's jar, and sign-out.
func TestWebExample(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test does not run in -short mode")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the test stops the example with SIGINT, which Windows does not have")
	}
	chromium := findChromium(t)

	began := time.Now()
	bin := buildExample(t, "./examples/web")
	built := time.Now()
	app := startExample(t, bin)
	started := time.Now()
	if !strings.Contains(app.output(), "multi-value mode") {
		t.Errorf("the example does not serve in multi-value mode; it printed:\n%s", app.output())
	}

	ctx, closeBrowser := newBrowser(t, chromium)
	base := app.url

	// The sign-in form.
	resp := run(t, ctx, "load /", chromedp.NavigateResponse(base+"/"))
	if resp.Status != http.StatusOK {
		t.Fatalf("GET / in the browser: status %d, want 200", resp.Status)
	}
	const name = "Ada <Lovelace> & co"
	do(t, ctx, "fill in the form",
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), name),
		chromedp.SetValue(chromedp.ID("theme"), "dark"),
	)

	// Submitting posts the form; the 303 leads to /welcome, which the
	// browser loads with the session cookie the 303 set.
	resp = runResponse(t, ctx, "submit the form", chromedp.Click(chromedp.CSS(`#login button[type="submit"]`)))
	if resp.Status != http.StatusOK || !strings.HasSuffix(resp.URL, "/welcome") {
		t.Fatalf("after submitting the form: %d %s, want 200 at /welcome", resp.Status, resp.URL)
	}
	if loc := run(t, ctx, "read the location", chromedp.Location()); loc != base+"/welcome" {
		t.Errorf("location after sign-in = %q, want %q", loc, base+"/welcome")
	}
	// The name is rendered as text: html/template escaped it, so the
	// browser made no element of "<Lovelace>".
	if got := run(t, ctx, "read the greeting", chromedp.Text(chromedp.ID("welcome"))); got != "Welcome, "+name {
		t.Errorf("greeting = %q, want %q", got, "Welcome, "+name)
	}
	if got := run(t, ctx, "read the theme", chromedp.Evaluate[string](`document.body.className`)); got != "dark" {
		t.Errorf("body class = %q, want dark (from the theme cookie)", got)
	}

	// The page waited for its load event, images included.
	width := run(t, ctx, "check the logo", chromedp.Evaluate[int](`(() => {
		const img = document.getElementById("logo");
		return img.complete ? img.naturalWidth : -1;
	})()`))
	if width != 64 {
		t.Errorf("logo naturalWidth = %d, want 64 (0: the image did not decode; -1: still loading)", width)
	}

	// Both cookies reached the browser (multi-value mode); the session
	// cookie is HttpOnly, so scripts see only the theme.
	cookies := browserCookies(t, ctx, base)
	session := findCookie(cookies, "session")
	if session == nil || !session.HTTPOnly || session.SameSite != network.CookieSameSiteLax || session.Path != "/" {
		t.Errorf("session cookie in the browser = %+v, want HttpOnly, SameSite=Lax, Path=/", session)
	}
	if theme := findCookie(cookies, "theme"); theme == nil || theme.Value != "dark" {
		t.Errorf("theme cookie in the browser = %+v, want dark", theme)
	}
	if got := run(t, ctx, "read document.cookie", chromedp.Evaluate[string](`document.cookie`)); got != "theme=dark" {
		t.Errorf("document.cookie = %q, want only theme=dark", got)
	}

	// Sign out: back to the form, cookies gone, /welcome closed.
	resp = runResponse(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`#logout button[type="submit"]`)))
	if resp.Status != http.StatusOK || resp.URL != base+"/" {
		t.Fatalf("after signing out: %d %s, want 200 at %s/", resp.Status, resp.URL, base)
	}
	do(t, ctx, "see the form again", chromedp.WaitVisible(chromedp.ID("username")))
	if cookies := browserCookies(t, ctx, base); len(cookies) != 0 {
		t.Errorf("cookies after signing out: %d, want none", len(cookies))
	}
	resp = run(t, ctx, "load /welcome signed out", chromedp.NavigateResponse(base+"/welcome"))
	if resp.URL != base+"/" {
		t.Errorf("GET /welcome signed out ended at %s, want %s/", resp.URL, base)
	}
	browsed := time.Now()

	// Close the browser first: net/http's graceful shutdown waits up to 5 s
	// for connections that Chromium opened ahead of time and never used.
	closeBrowser()
	if err := app.stop(); err != nil {
		t.Error(err)
	}
	t.Logf("build %v, start %v, browser %v, stop %v",
		built.Sub(began).Round(time.Millisecond), started.Sub(built).Round(time.Millisecond),
		browsed.Sub(started).Round(time.Millisecond), time.Since(browsed).Round(time.Millisecond))
}

// findChromium returns the path of Chromium, or skips the test.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Skip("Chromium is not installed (no chromium or chromium-browser in PATH); " +
		"on Debian install it with: apt-get install -y chromium")
	return ""
}

// buildExample builds the package pkg of the main module (the repository
// root, one directory up) and returns the binary's path.
func buildExample(t *testing.T, pkg string) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg))
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s in %s: %v\n%s", pkg, root, err, out)
	}
	return bin
}

// example is a running example program.
type example struct {
	url    string // http://127.0.0.1:port, no trailing slash
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
	err    error // cmd.Wait's result, once exited is closed

	stopOnce sync.Once
	stopErr  error
}

func (e *example) output() string { return e.out.String() }

// stop sends the program SIGINT and reports whether it exited cleanly
// (status 0) within shutdownTimeout. Later calls return the same result.
func (e *example) stop() error {
	e.stopOnce.Do(func() {
		select {
		case <-e.exited:
			e.stopErr = fmt.Errorf("the example exited before it was stopped (%v); output:\n%s", e.err, e.output())
			return
		default:
		}
		if err := e.cmd.Process.Signal(os.Interrupt); err != nil {
			e.stopErr = fmt.Errorf("sending SIGINT to the example: %v", err)
			return
		}
		select {
		case <-e.exited:
			if e.err != nil {
				e.stopErr = fmt.Errorf("the example did not exit cleanly on SIGINT: %v; output:\n%s", e.err, e.output())
			}
		case <-time.After(shutdownTimeout):
			_ = e.cmd.Process.Kill()
			<-e.exited
			e.stopErr = fmt.Errorf("the example did not exit within %v of SIGINT; killed it; output:\n%s", shutdownTimeout, e.output())
		}
	})
	return e.stopErr
}

// startExample runs bin with PORT set to a free port and waits until it
// answers GET / with 200 on the loopback address. The program is stopped
// when the test ends, if the test has not stopped it.
func startExample(t *testing.T, bin string) *example {
	t.Helper()
	return startExampleAt(t, bin, "/")
}

// startExampleAt is startExample waiting for 200 from GET readyPath, with
// env (KEY=value) added to the program's environment.
func startExampleAt(t *testing.T, bin, readyPath string, env ...string) *example {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(bin)
	// Outside Lambda: alb.Start serves locally only when the Lambda
	// runtime API is not set.
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "AWS_LAMBDA_RUNTIME_API=") || strings.HasPrefix(kv, "PORT=") || strings.HasPrefix(kv, "HOST=")
	}), append(env, "PORT="+port)...)
	e := &example{url: "http://127.0.0.1:" + port, cmd: cmd, out: new(syncBuffer), exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = e.out, e.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	go func() {
		e.err = cmd.Wait()
		close(e.exited)
	}()
	t.Cleanup(func() {
		if err := e.stop(); err != nil {
			t.Error(err)
		}
	})

	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(startTimeout)
	for {
		resp, err := client.Get(e.url + readyPath)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return e
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		select {
		case <-e.exited:
			t.Fatalf("the example exited before it answered (%v); output:\n%s", e.err, e.output())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the example did not answer on %s within %v (last: %v); output:\n%s", e.url, startTimeout, err, e.output())
		}
	}
}

// freePort returns a TCP port that is free on the loopback address now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// newBrowser starts headless Chromium with a new empty profile and the
// flags that keep it off the network, and returns a chromedp context for
// one tab, and a func that stops the browser. The browser lives at most
// browserTimeout, and is stopped when the test ends if it is still running.
func newBrowser(t *testing.T, execPath string) (context.Context, func()) {
	t.Helper()
	return newBrowserWithin(t, execPath, browserTimeout)
}

// newBrowserWithin is newBrowser for a browser that lives at most life.
func newBrowserWithin(t *testing.T, execPath string, life time.Duration) (context.Context, func()) {
	t.Helper()
	profile := t.TempDir() // removed after the browser has stopped: cleanups run last-in first-out
	var out syncBuffer
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(execPath),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox, // Chromium's sandbox does not run as root, as in CI
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-proxy-server", true), // straight to the loopback address
		chromedp.CombinedOutput(&out),
	)
	lifeCtx, cancelLife := context.WithTimeout(context.Background(), life)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(lifeCtx, opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	stop := sync.OnceFunc(func() {
		cancelTab()
		cancelAlloc() // waits for the browser process to exit
		cancelLife()
	})
	t.Cleanup(func() {
		stop()
		if t.Failed() && out.Len() > 0 {
			s := out.String()
			if len(s) > 4096 {
				s = "..." + s[len(s)-4096:]
			}
			t.Logf("Chromium's output (the last 4 KiB):\n%s", s)
		}
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser, bound by life
		t.Fatalf("starting Chromium (%s): %v\n%s", execPath, err, out.String())
	}
	return ctx, stop
}

// run runs one browser action within stepTimeout and returns its value; it
// fails the test, naming the step, on an error.
func run[T any](t *testing.T, ctx context.Context, step string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: no result within %v: %v", step, stepTimeout, err)
		}
		t.Fatalf("%s: %v", step, err)
	}
	return v
}

// do runs browser actions that return nothing, as run does.
func do(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	run(t, ctx, step, chromedp.Steps(actions...))
}

// runResponse runs actions that start a navigation (a click on a submit
// button), waits for the new page's load event and returns the response of
// its document: after redirects, the last one.
func runResponse(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) *network.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	if resp == nil {
		t.Fatalf("%s: the page loaded without a document response", step)
	}
	return resp
}

// browserCookies returns the cookies the browser would send to url.
func browserCookies(t *testing.T, ctx context.Context, url string) []*network.Cookie {
	t.Helper()
	return run(t, ctx, "read the cookies", func(ctx context.Context, tgt *chromedp.Target) ([]*network.Cookie, error) {
		res, err := cdp.Call(ctx, tgt, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
		return res.Cookies, err
	})
}

func findCookie(cookies []*network.Cookie, name string) *network.Cookie {
	for _, c := range cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// syncBuffer is a bytes.Buffer that a process's output and the test can
// use at the same time.
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

func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}
