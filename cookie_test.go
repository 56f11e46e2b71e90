package alb

import (
	"bytes"
	"log"
	"net/http"
	"testing"
	"time"
)

// cookieTests are cookies whose Set-Cookie value appendSetCookie must
// write exactly as http.Cookie.String does, with whether net/http cleans
// anything out of them.
var cookieTests = []struct {
	c         http.Cookie
	sanitised bool
}{
	{http.Cookie{Name: "session", Value: "8f14e45fceea167a5a36dedd4bea2543", Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}, false},
	{http.Cookie{Name: "theme", Value: "dark", Path: "/", MaxAge: 31536000}, false},
	{http.Cookie{Name: "a", Value: ""}, false},
	{http.Cookie{Name: "a", Value: "b c,d"}, false},
	{http.Cookie{Name: "a", Value: "b", Quoted: true}, false},
	{http.Cookie{Name: "a", Value: "x\"y;z\\w\x7fü"}, true},
	{http.Cookie{Name: "a", Value: "v", Path: "/a;b\x00c"}, true},
	{http.Cookie{Name: "a", Value: "v", Domain: ".example.com"}, false},
	{http.Cookie{Name: "a", Value: "v", Domain: "192.0.2.1"}, false},
	{http.Cookie{Name: "a", Value: "v", Domain: "::1"}, true},
	{http.Cookie{Name: "a", Value: "v", Domain: "bad_domain.com"}, true},
	{http.Cookie{Name: "a", Value: "v", Domain: "a-.b"}, true},
	{http.Cookie{Name: "a", Value: "v", Expires: time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))}, false},
	{http.Cookie{Name: "a", Value: "v", Expires: time.Date(1600, 1, 2, 3, 4, 5, 0, time.UTC)}, false},
	{http.Cookie{Name: "a", Value: "v", MaxAge: -1, SameSite: http.SameSiteStrictMode, Partitioned: true}, false},
	{http.Cookie{Name: "a", Value: "v", SameSite: http.SameSiteNoneMode}, false},
	{http.Cookie{Name: "a", Value: "v", SameSite: http.SameSiteDefaultMode}, false},
	{http.Cookie{Name: "bad name", Value: "v"}, false},
	{http.Cookie{Name: "", Value: "v"}, false},
	{http.Cookie{Name: "ü", Value: "v"}, false},
}

// checkSetCookie compares appendSetCookie with http.Cookie.String, the
// oracle, and its sanitised result with whether String logged a warning.
func checkSetCookie(t *testing.T, c *http.Cookie) {
	t.Helper()
	var logged bytes.Buffer
	prev := log.Writer()
	log.SetOutput(&logged)
	want := c.String()
	log.SetOutput(prev)
	got, ok, sanitised := appendSetCookie([]byte("prefix"), c)
	if string(got) != "prefix"+want || ok != (want != "") {
		t.Fatalf("appendSetCookie(%#v) = %q, %v; net/http says %q", c, got, ok, want)
	}
	if c.Expires.Year() < 10000 && len(want) > setCookieSize(c) {
		t.Fatalf("setCookieSize(%#v) = %d, under the %d bytes of %q", c, setCookieSize(c), len(want), want)
	}
	if ok && sanitised != (logged.Len() > 0) {
		t.Fatalf("appendSetCookie(%#v): sanitised = %v; net/http logged %q", c, sanitised, logged.String())
	}
}

func TestAppendSetCookie(t *testing.T) {
	for _, tt := range cookieTests {
		checkSetCookie(t, &tt.c)
		if _, _, sanitised := appendSetCookie(nil, &tt.c); sanitised != tt.sanitised {
			t.Errorf("appendSetCookie(%#v): sanitised = %v, want %v", tt.c, sanitised, tt.sanitised)
		}
	}
	if got, ok, _ := appendSetCookie(nil, nil); got != nil || ok {
		t.Errorf("appendSetCookie(nil) = %q, %v, want nothing, false", got, ok)
	}
}

// FuzzSetCookie checks appendSetCookie against http.Cookie.String.
func FuzzSetCookie(f *testing.F) {
	for _, tt := range cookieTests {
		c := tt.c
		flags := uint8(c.SameSite) | b2u(c.HttpOnly)<<3 | b2u(c.Secure)<<4 | b2u(c.Partitioned)<<5 | b2u(c.Quoted)<<6
		var exp int64
		if !c.Expires.IsZero() {
			exp = c.Expires.Unix()
		}
		f.Add(c.Name, c.Value, c.Path, c.Domain, exp, c.MaxAge, flags)
	}
	f.Fuzz(func(t *testing.T, name, value, path, domain string, expires int64, maxAge int, flags uint8) {
		c := &http.Cookie{Name: name, Value: value, Path: path, Domain: domain, MaxAge: maxAge,
			SameSite: http.SameSite(flags & 7), HttpOnly: flags&(1<<3) != 0, Secure: flags&(1<<4) != 0,
			Partitioned: flags&(1<<5) != 0, Quoted: flags&(1<<6) != 0}
		if expires != 0 {
			c.Expires = time.Unix(expires, 0)
		}
		checkSetCookie(t, c)
	})
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

func TestSetCookieSize(t *testing.T) {
	for _, tt := range cookieTests {
		if got, _, _ := appendSetCookie(nil, &tt.c); len(got) > setCookieSize(&tt.c) {
			t.Errorf("setCookieSize(%#v) = %d, but appendSetCookie wrote %d bytes", tt.c, setCookieSize(&tt.c), len(got))
		}
	}
}
