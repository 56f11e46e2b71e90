package middleware

import (
	"context"
	"net/http"
	"testing"

	"github.com/albkit/alb"
)

func TestSecureHeadersDefaults(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(nil, SecureHeaders(SecureHeadersOptions{}))
		resp := invoke(t, r, newEvent("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusOK)
		checkHeader(t, resp, "Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		checkHeader(t, resp, "X-Content-Type-Options", "nosniff")
		checkHeader(t, resp, "X-Frame-Options", "DENY")
		checkHeader(t, resp, "Referrer-Policy", "strict-origin-when-cross-origin")
		if resp.hasHeader("Content-Security-Policy") {
			t.Errorf("Content-Security-Policy sent by default")
		}
		// Also on the router's own answers, and on errors.
		r = alb.New()
		r.Use(SecureHeaders(SecureHeadersOptions{}))
		r.GET("/fail", func(*alb.Context) error { return alb.NewHTTPError(http.StatusForbidden, "") })
		for _, path := range []string{"/missing", "/fail"} {
			resp = invoke(t, r, newEvent("GET", path).mode(multi))
			checkHeader(t, resp, "X-Frame-Options", "DENY")
		}
	})
}

func TestSecureHeadersOptions(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(nil, SecureHeaders(SecureHeadersOptions{
			HSTS:                  "max-age=31536000; includeSubDomains; preload",
			ContentTypeOptions:    "-",
			FrameOptions:          "SAMEORIGIN",
			ReferrerPolicy:        "no-referrer, strict-origin-when-cross-origin",
			ContentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'",
		}))
		resp := invoke(t, r, newEvent("GET", "/").mode(multi))
		checkHeader(t, resp, "Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload")
		checkHeader(t, resp, "X-Content-Type-Options", "")
		checkHeader(t, resp, "X-Frame-Options", "SAMEORIGIN")
		checkHeader(t, resp, "Referrer-Policy", "no-referrer, strict-origin-when-cross-origin")
		checkHeader(t, resp, "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")

		r = newRouter(nil, SecureHeaders(SecureHeadersOptions{
			HSTS: "-", ContentTypeOptions: "-", FrameOptions: "-", ReferrerPolicy: "-", ContentSecurityPolicy: "-",
		}))
		resp = invoke(t, r, newEvent("GET", "/").mode(multi))
		for _, h := range []string{"Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy"} {
			if resp.hasHeader(h) {
				t.Errorf("%s sent, want it disabled", h)
			}
		}
	})
}

func TestSecureHeadersHandlerOverrides(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(func(c *alb.Context) error {
			c.SetHeader("X-Frame-Options", "SAMEORIGIN")
			c.DelHeader("Strict-Transport-Security")
			return c.String(http.StatusOK, "embeddable")
		}, SecureHeaders(SecureHeadersOptions{}))
		resp := invoke(t, r, newEvent("GET", "/").mode(multi))
		if got := resp.values("X-Frame-Options"); len(got) != 1 || got[0] != "SAMEORIGIN" {
			t.Errorf("X-Frame-Options = %q, want [SAMEORIGIN]", got)
		}
		if resp.hasHeader("Strict-Transport-Security") {
			t.Errorf("Strict-Transport-Security sent after the handler removed it")
		}
	})
}

func TestSecureHeadersBadOptions(t *testing.T) {
	for _, tc := range []struct {
		opts SecureHeadersOptions
		want string
	}{
		{SecureHeadersOptions{HSTS: "max-age=abc"}, `middleware: SecureHeaders: invalid Strict-Transport-Security "max-age=abc"`},
		{SecureHeadersOptions{HSTS: "includeSubDomains"}, `middleware: SecureHeaders: invalid Strict-Transport-Security "includeSubDomains"`},
		{SecureHeadersOptions{HSTS: "max-age=1; max-age=2"}, `middleware: SecureHeaders: invalid Strict-Transport-Security "max-age=1; max-age=2"`},
		{SecureHeadersOptions{HSTS: "max-age=1; preloaded"}, `middleware: SecureHeaders: invalid Strict-Transport-Security "max-age=1; preloaded"`},
		{SecureHeadersOptions{ContentTypeOptions: "sniff"}, `middleware: SecureHeaders: invalid X-Content-Type-Options "sniff"`},
		{SecureHeadersOptions{FrameOptions: "ALLOW-FROM https://a.test"}, `middleware: SecureHeaders: invalid X-Frame-Options "ALLOW-FROM https://a.test"`},
		{SecureHeadersOptions{ReferrerPolicy: "never"}, `middleware: SecureHeaders: invalid Referrer-Policy "never"`},
		{SecureHeadersOptions{ContentSecurityPolicy: "default-src 'self'\n"}, `middleware: SecureHeaders: invalid Content-Security-Policy "default-src 'self'\n"`},
		{SecureHeadersOptions{ContentSecurityPolicy: "  "}, `middleware: SecureHeaders: invalid Content-Security-Policy "  "`},
	} {
		if got := mustPanic(t, func() { SecureHeaders(tc.opts) }); got != tc.want {
			t.Errorf("panic = %q, want %q", got, tc.want)
		}
	}
}

func TestSecureHeadersAllocs(t *testing.T) {
	mw := SecureHeaders(SecureHeadersOptions{ContentSecurityPolicy: "default-src 'self'"})
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			payload := newEvent("GET", "/").mode(m.multiValue).json()
			assertNoExtraAllocs(t, newRouter(nil, mw), newRouter(nil), context.Background(), payload)
		})
	}
}
