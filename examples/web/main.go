// Command web is a small HTML site on alb: a sign-in form, a session
// cookie, a welcome page, a PNG image and a sign-out button.
//
//	GET  /          the sign-in form (a name and a theme)
//	POST /login     starts a session: sets two cookies, 303 to /welcome
//	GET  /welcome   "Welcome, <name>" for a live session, else 303 to /
//	POST /logout    ends the session: clears both cookies, 303 to /
//	GET  /logo.png  a 64x64 PNG drawn once at start
//
// Run it locally, where it serves on localhost:8080 the way an ALB with
// multi-value headers would in front of the function, and open
// http://localhost:8080/ in a browser, or use curl:
//
//	go run ./examples/web
//	curl -i localhost:8080/
//	curl -i -c jar -d username=Ada -d theme=dark localhost:8080/login
//	curl -i -b jar localhost:8080/welcome
//	curl -s localhost:8080/logo.png -o logo.png
//	curl -i -b jar -c jar -X POST localhost:8080/logout
//
// The ALB sends a form body (application/x-www-form-urlencoded) to the
// function base64-encoded; the router decodes it, and the handlers read the
// fields with c.FormValue. Pages are html/template templates, embedded in
// the binary and parsed once at start, so the name a user types is escaped
// wherever it appears.
//
// # Two cookies need multi-value mode
//
// POST /login sets two cookies, the session id and the theme, so its
// response carries two Set-Cookie headers. The ALB passes both to the
// client only when the target group has multi-value headers enabled
// (target group attribute lambda.multi_value_headers.enabled = true), and
// main serves the same way locally:
//
//	alb.Start(newRouter(), alb.WithMultiValueHeaders())
//
// In single-value mode the ALB's "headers" object holds one value per name.
// By default (alb.SetCookieLast) the router then sends only the last
// Set-Cookie, the theme, and logs a warning naming the session cookie it
// dropped: the browser never gets a session, and /welcome sends it back to
// the form. Setting the router's SetCookiePolicy to
// alb.SetCookieCaseVariants sends every cookie under a differently cased
// header name instead, which relies on undocumented ALB behaviour; enabling
// multi-value headers is the fix.
//
// Sessions live in memory, in one process: see the sessions type for what
// that means on Lambda.
package main

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/albkit/alb"
	"github.com/albkit/alb/middleware"
)

// Cookie names.
const (
	sessionCookie = "session"
	themeCookie   = "theme"
)

const (
	sessionTTL  = 12 * time.Hour
	maxSessions = 10000
	maxName     = 64 // runes
)

// themes are the values of the theme cookie; the first is the default.
var themes = []string{"light", "dark"}

//go:embed templates/*.html
var templateFiles embed.FS

// site holds what the handlers share: built once, in newRouter.
type site struct {
	pages    *template.Template
	logo     []byte
	sessions *sessions
}

// page is the data of a template.
type page struct {
	Title    string
	Theme    string
	Themes   []string
	Username string
	Error    string
	MaxName  int
}

// newRouter returns the site's routes; main serves them and the tests call
// them. Each router has its own session store.
func newRouter() *alb.Router {
	s := &site{
		pages:    template.Must(template.ParseFS(templateFiles, "templates/*.html")),
		logo:     logoPNG(),
		sessions: newSessions(sessionTTL, maxSessions),
	}
	r := alb.New()
	r.Use(middleware.SecureHeaders(middleware.SecureHeadersOptions{
		ContentSecurityPolicy: "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
	}))
	r.GET("/", s.index)
	r.POST("/login", s.login)
	r.GET("/welcome", s.welcome)
	r.POST("/logout", s.logout)
	r.GET("/logo.png", s.logoPNG)
	return r
}

func main() {
	alb.Start(newRouter(), alb.WithMultiValueHeaders())
}

// index shows the sign-in form.
func (s *site) index(c *alb.Context) error {
	return s.render(c, http.StatusOK, "index.html", page{Title: "Sign in"})
}

// login starts a session for the name in the form and redirects to the
// welcome page, or shows the form again with what is wrong.
func (s *site) login(c *alb.Context) error {
	if !sameOrigin(c) {
		return &alb.HTTPError{Status: http.StatusForbidden, Message: "cross-origin form submission"}
	}
	name := strings.TrimSpace(c.FormValue("username"))
	if msg := checkName(name); msg != "" {
		shown := strings.ToValidUTF8(name, "\uFFFD") // the form shows what was typed
		return s.render(c, http.StatusBadRequest, "index.html", page{Title: "Sign in", Username: shown, Error: msg})
	}
	id, err := s.sessions.create(name)
	if errors.Is(err, errTooManySessions) {
		return &alb.HTTPError{Status: http.StatusServiceUnavailable, Message: "too many sessions; try again later"}
	}
	if err != nil {
		return err
	}
	secure := isHTTPS(c)
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: id, Path: "/", MaxAge: int(sessionTTL / time.Second),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	})
	c.SetCookie(&http.Cookie{
		Name: themeCookie, Value: validTheme(c.FormValue("theme")), Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: secure, SameSite: http.SameSiteLaxMode,
	})
	return c.Redirect(http.StatusSeeOther, "/welcome")
}

// welcome greets the user of the session, or sends a request without a
// live session back to the form.
func (s *site) welcome(c *alb.Context) error {
	id, ok := c.Cookie(sessionCookie)
	name, live := s.sessions.lookup(id)
	if !live {
		if ok { // an unknown or expired session: drop the cookie
			clearCookie(c, sessionCookie)
		}
		return c.Redirect(http.StatusSeeOther, "/")
	}
	c.SetHeader("Cache-Control", "no-store") // the page is personal
	return s.render(c, http.StatusOK, "welcome.html", page{Title: "Welcome", Username: name})
}

// logout ends the session, clears both cookies and redirects to the form.
func (s *site) logout(c *alb.Context) error {
	if !sameOrigin(c) {
		return &alb.HTTPError{Status: http.StatusForbidden, Message: "cross-origin form submission"}
	}
	if id, ok := c.Cookie(sessionCookie); ok {
		s.sessions.delete(id)
	}
	clearCookie(c, sessionCookie)
	clearCookie(c, themeCookie)
	return c.Redirect(http.StatusSeeOther, "/")
}

// logoPNG serves the logo, drawn and encoded once by newRouter. The router
// sends it base64-encoded, as the ALB requires for a binary body.
func (s *site) logoPNG(c *alb.Context) error {
	c.SetHeader("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "image/png", s.logo)
}

// render executes the template name with p, completed with the theme from
// the request's cookie, and sends it as HTML.
func (s *site) render(c *alb.Context, status int, name string, p page) error {
	theme, _ := c.Cookie(themeCookie)
	p.Theme, p.Themes, p.MaxName = validTheme(theme), themes, maxName
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, p); err != nil {
		return err
	}
	return c.Blob(status, "text/html; charset=utf-8", buf.Bytes())
}

// checkName returns what is wrong with a name typed in the form, or "".
func checkName(name string) string {
	switch {
	case name == "":
		return "Please enter your name."
	case !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl):
		return "Your name contains characters that are not allowed."
	case utf8.RuneCountInString(name) > maxName:
		return "Your name is too long."
	}
	return ""
}

// validTheme returns theme if it is one of themes, and the default theme
// otherwise.
func validTheme(theme string) string {
	for _, t := range themes {
		if theme == t {
			return t
		}
	}
	return themes[0]
}

// clearCookie tells the browser to delete the cookie name.
func clearCookie(c *alb.Context, name string) {
	c.SetCookie(&http.Cookie{Name: name, Path: "/", MaxAge: -1, Secure: isHTTPS(c), SameSite: http.SameSiteLaxMode})
}

// isHTTPS reports whether the client used HTTPS to reach the ALB, so that
// cookies get the Secure attribute there and still work on plain HTTP
// locally.
func isHTTPS(c *alb.Context) bool {
	return c.Header("X-Forwarded-Proto") == "https"
}

// sameOrigin reports whether a form was submitted from the site's own
// pages. Browsers send an Origin header with every POST; a request without
// one (curl, a test) is let through. The ALB passes the client's Host
// through and adds X-Forwarded-Proto.
func sameOrigin(c *alb.Context) bool {
	origin := c.Header("Origin")
	if origin == "" {
		return true
	}
	proto := c.Header("X-Forwarded-Proto")
	if proto == "" {
		proto = "http"
	}
	return origin == proto+"://"+c.Header("Host")
}
