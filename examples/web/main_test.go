package main

import (
	"bytes"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/emulator"
)

// form is the body of the sign-in form for name, as a browser sends it.
func form(name, theme string) albtest.Option {
	body := url.Values{"username": {name}, "theme": {theme}}.Encode()
	return albtest.WithBody("application/x-www-form-urlencoded", []byte(body))
}

// cookie returns the cookie called name in resp, or fails the test.
func cookie(t *testing.T, resp *albtest.Response, name string) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie in the response; Set-Cookie: %q", name, resp.Header.Values("Set-Cookie"))
	return nil
}

func TestIndex(t *testing.T) {
	r := newRouter()
	resp := albtest.Do(t, r, albtest.NewRequest("GET", "/", albtest.WithMultiValue()))
	body := string(resp.Body)
	if resp.Status != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET / = %d %q, want 200 text/html", resp.Status, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`<form id="login" method="post" action="/login">`, `name="username"`, `<img id="logo" src="/logo.png"`, `<body class="light">`} {
		if !strings.Contains(body, want) {
			t.Errorf("GET / body lacks %s:\n%s", want, body)
		}
	}

	// The theme cookie selects the theme.
	resp = albtest.Do(t, r, albtest.NewRequest("GET", "/", albtest.WithMultiValue(), albtest.WithCookie(themeCookie, "dark")))
	if !bytes.Contains(resp.Body, []byte(`<body class="dark">`)) {
		t.Errorf("GET / with theme=dark: body lacks the dark class:\n%s", resp.Body)
	}

	// ALB health checks have no host and no cookie.
	resp = albtest.Do(t, r, albtest.NewRequest("GET", "/", albtest.WithMultiValue(), albtest.WithHealthCheck()))
	if resp.Status != http.StatusOK {
		t.Errorf("health check on / = %d, want 200", resp.Status)
	}
}

// TestLoginFlow signs in, sees the welcome page and signs out, in
// multi-value mode, as main serves.
func TestLoginFlow(t *testing.T) {
	r := newRouter()

	req := albtest.NewRequest("POST", "/login", albtest.WithMultiValue(), form("Ada <Lovelace>", "dark"))
	// The ALB sends a form body base64-encoded; the router decodes it.
	if ev := req.Event(); !bytes.Contains(ev, []byte(`"isBase64Encoded":true`)) {
		t.Fatalf("the login event does not carry its body as base64:\n%s", ev)
	}
	resp := albtest.Do(t, r, req)
	if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/welcome" {
		t.Fatalf("POST /login = %d Location %q, want 303 /welcome", resp.Status, resp.Header.Get("Location"))
	}
	if n := len(resp.Header.Values("Set-Cookie")); n != 2 {
		t.Fatalf("POST /login sent %d Set-Cookie headers, want 2: %q", n, resp.Header.Values("Set-Cookie"))
	}
	sess := cookie(t, resp, sessionCookie)
	if !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" || !sess.Secure || sess.MaxAge <= 0 || len(sess.Value) < 26 {
		t.Errorf("session cookie = %q, want a random id, HttpOnly, SameSite=Lax, Path=/, Secure (HTTPS), Max-Age > 0", sess.String())
	}
	if theme := cookie(t, resp, themeCookie); theme.Value != "dark" || theme.Path != "/" {
		t.Errorf("theme cookie = %q, want dark with Path=/", theme.String())
	}

	welcome := albtest.NewRequest("GET", "/welcome", albtest.WithMultiValue(),
		albtest.WithCookie(sessionCookie, sess.Value), albtest.WithCookie(themeCookie, "dark"))
	resp = albtest.Do(t, r, welcome)
	if resp.Status != http.StatusOK {
		t.Fatalf("GET /welcome = %d, want 200", resp.Status)
	}
	// html/template escapes the name.
	for _, want := range []string{`Welcome, Ada &lt;Lovelace&gt;`, `<body class="dark">`} {
		if !bytes.Contains(resp.Body, []byte(want)) {
			t.Errorf("GET /welcome body lacks %s:\n%s", want, resp.Body)
		}
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("GET /welcome Cache-Control = %q, want no-store", got)
	}

	resp = albtest.Do(t, r, albtest.NewRequest("POST", "/logout", albtest.WithMultiValue(), albtest.WithCookie(sessionCookie, sess.Value)))
	if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("POST /logout = %d Location %q, want 303 /", resp.Status, resp.Header.Get("Location"))
	}
	for _, name := range []string{sessionCookie, themeCookie} {
		if c := cookie(t, resp, name); c.MaxAge >= 0 || c.Value != "" {
			t.Errorf("POST /logout: %s cookie = %q, want it cleared (Max-Age=0)", name, c.String())
		}
	}

	// The session is gone, even for a client that keeps the cookie.
	resp = albtest.Do(t, r, welcome)
	if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("GET /welcome after logout = %d Location %q, want 303 /", resp.Status, resp.Header.Get("Location"))
	}
}

func TestWelcomeWithoutSession(t *testing.T) {
	r := newRouter()
	resp := albtest.Do(t, r, albtest.NewRequest("GET", "/welcome", albtest.WithMultiValue()))
	if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/" || len(resp.Cookies) != 0 {
		t.Errorf("GET /welcome without a cookie = %d Location %q cookies %q, want 303 / and no cookie",
			resp.Status, resp.Header.Get("Location"), resp.Header.Values("Set-Cookie"))
	}
	resp = albtest.Do(t, r, albtest.NewRequest("GET", "/welcome", albtest.WithMultiValue(), albtest.WithCookie(sessionCookie, "forged")))
	if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("GET /welcome with an unknown session = %d Location %q, want 303 /", resp.Status, resp.Header.Get("Location"))
	}
	if c := cookie(t, resp, sessionCookie); c.MaxAge >= 0 {
		t.Errorf("GET /welcome with an unknown session: cookie %q, want it cleared", c.String())
	}
}

func TestLoginRejects(t *testing.T) {
	r := newRouter()
	for _, tc := range []struct {
		name, username string
		origin         string
		status         int
		want           string
	}{
		{"empty", "   ", "", http.StatusBadRequest, "Please enter your name."},
		{"too long", strings.Repeat("é", maxName+1), "", http.StatusBadRequest, "Your name is too long."},
		{"control character", "Ada\x00", "", http.StatusBadRequest, "not allowed"},
		{"invalid UTF-8", "Ada\xff", "", http.StatusBadRequest, "not allowed"},
		{"other origin", "Ada", "https://evil.example", http.StatusForbidden, "cross-origin"},
	} {
		opts := []albtest.Option{albtest.WithMultiValue(), form(tc.username, "light")}
		if tc.origin != "" {
			opts = append(opts, albtest.WithHeader("Origin", tc.origin))
		}
		resp := albtest.Do(t, r, albtest.NewRequest("POST", "/login", opts...))
		if resp.Status != tc.status || !bytes.Contains(resp.Body, []byte(tc.want)) || len(resp.Cookies) != 0 || !utf8.Valid(resp.Body) {
			t.Errorf("%s: POST /login = %d %q with %d cookies, want %d containing %q and no cookie",
				tc.name, resp.Status, resp.Body, len(resp.Cookies), tc.status, tc.want)
		}
	}

	// The site's own origin is accepted.
	resp := albtest.Do(t, r, albtest.NewRequest("POST", "/login", albtest.WithMultiValue(), form("Ada", "light"),
		albtest.WithHeader("Origin", "https://example.com")))
	if resp.Status != http.StatusSeeOther {
		t.Errorf("POST /login from https://example.com = %d, want 303", resp.Status)
	}
}

// TestLoginSingleValue shows why main serves in multi-value mode: in
// single-value mode the router sends only the last Set-Cookie (the theme),
// and logs a warning, unless SetCookiePolicy says otherwise.
func TestLoginSingleValue(t *testing.T) {
	var log bytes.Buffer
	r := newRouter()
	r.Logger = slog.New(slog.NewTextHandler(&log, nil))
	resp := albtest.Do(t, r, albtest.NewRequest("POST", "/login", form("Ada", "dark")))
	if resp.Status != http.StatusSeeOther || len(resp.Cookies) != 1 || resp.Cookies[0].Name != themeCookie {
		t.Errorf("single-value POST /login = %d with Set-Cookie %q, want 303 and only the theme cookie",
			resp.Status, resp.Header.Values("Set-Cookie"))
	}
	if !strings.Contains(log.String(), "Set-Cookie") || !strings.Contains(log.String(), "dropped="+sessionCookie) {
		t.Errorf("single-value POST /login logged %q, want a warning about the dropped session cookie", log.String())
	}

	r = newRouter()
	r.SetCookiePolicy = alb.SetCookieCaseVariants
	resp = albtest.Do(t, r, albtest.NewRequest("POST", "/login", form("Ada", "dark")))
	if len(resp.Cookies) != 2 {
		t.Errorf("single-value POST /login with SetCookieCaseVariants: Set-Cookie %q, want 2", resp.Header.Values("Set-Cookie"))
	}
}

func TestLogo(t *testing.T) {
	resp := albtest.Do(t, newRouter(), albtest.NewRequest("GET", "/logo.png", albtest.WithMultiValue()))
	if resp.Status != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("GET /logo.png = %d %q, want 200 image/png", resp.Status, resp.Header.Get("Content-Type"))
	}
	if !bytes.Contains(resp.Raw, []byte(`"isBase64Encoded":true`)) {
		t.Errorf("GET /logo.png: the PNG did not go out base64-encoded:\n%.300s", resp.Raw)
	}
	if want := logoPNG(); !bytes.Equal(resp.Body, want) {
		t.Errorf("GET /logo.png: %d bytes, differ from the %d bytes logoPNG draws", len(resp.Body), len(want))
	}
	img, err := png.Decode(bytes.NewReader(resp.Body))
	if err != nil {
		t.Fatalf("GET /logo.png: not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != logoSize || b.Dy() != logoSize {
		t.Errorf("logo is %dx%d, want %dx%d", b.Dx(), b.Dy(), logoSize, logoSize)
	}
}

func TestSessionsExpire(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newSessions(time.Hour, 2)
	s.now = func() time.Time { return now }
	a, err := s.create("a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.create("b"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.create("c"); err != errTooManySessions {
		t.Fatalf("create in a full store: err = %v, want errTooManySessions", err)
	}
	if name, ok := s.lookup(a); !ok || name != "a" {
		t.Fatalf("lookup(a) = %q, %v, want a, true", name, ok)
	}
	now = now.Add(time.Hour)
	if name, ok := s.lookup(a); ok {
		t.Errorf("lookup(a) after the TTL = %q, true, want it expired", name)
	}
	if _, err := s.create("c"); err != nil {
		t.Errorf("create once the sessions expired: %v", err)
	}
}

// TestEmulatorFlow drives the site through the ALB emulator over real HTTP,
// with a client that keeps cookies and follows redirects, as a browser does.
func TestEmulatorFlow(t *testing.T) {
	srv := httptest.NewServer(emulator.New(newRouter(), emulator.Options{MultiValue: true}))
	defer srv.Close()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}

	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, body
	}
	post := func(path string, form url.Values) (*http.Response, []byte) {
		t.Helper()
		resp, err := client.PostForm(srv.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, body
	}

	resp, body := get("/")
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`action="/login"`)) {
		t.Fatalf("GET / = %d:\n%s", resp.StatusCode, body)
	}

	resp, body = post("/login", url.Values{"username": {"Grace Hopper"}, "theme": {"dark"}})
	if resp.Request.URL.Path != "/welcome" || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /login ended at %s with %d, want /welcome with 200", resp.Request.URL, resp.StatusCode)
	}
	if !bytes.Contains(body, []byte("Welcome, Grace Hopper")) || !bytes.Contains(body, []byte(`<body class="dark">`)) {
		t.Errorf("welcome page lacks the name or the theme:\n%s", body)
	}
	u, _ := url.Parse(srv.URL)
	if n := len(jar.Cookies(u)); n != 2 {
		t.Errorf("the client holds %d cookies after signing in, want 2 (session and theme)", n)
	}

	resp, body = get("/logo.png")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(body, logoPNG()) {
		t.Errorf("GET /logo.png = %d %q, %d bytes; want 200 image/png and the %d bytes logoPNG draws",
			resp.StatusCode, resp.Header.Get("Content-Type"), len(body), len(logoPNG()))
	}

	resp, body = post("/logout", nil)
	if resp.Request.URL.Path != "/" || !bytes.Contains(body, []byte(`action="/login"`)) {
		t.Fatalf("POST /logout ended at %s with %d, want the form at /", resp.Request.URL, resp.StatusCode)
	}
	if cs := jar.Cookies(u); len(cs) != 0 {
		t.Errorf("the client still holds cookies after signing out: %v", cs)
	}
	resp, _ = get("/welcome")
	if resp.Request.URL.Path != "/" {
		t.Errorf("GET /welcome after signing out ended at %s, want /", resp.Request.URL)
	}
}
