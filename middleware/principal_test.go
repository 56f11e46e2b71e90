package middleware

import (
	"context"
	"net/http"
	"testing"

	"github.com/albkit/alb"
)

func TestGetPrincipal(t *testing.T) {
	alice := &Principal{Kind: KindBasic, Name: "alice"}
	var got []*Principal
	var gotToken string
	r := alb.New()
	r.GET("/none", func(c *alb.Context) error {
		got = append(got, GetPrincipal(c))
		gotToken = GetOIDCAccessToken(c)
		return c.NoContent(http.StatusNoContent)
	})
	r.GET("/set", func(c *alb.Context) error {
		c.Set("principal", &Principal{Name: "a string key is another key"})
		setPrincipal(c, alice)
		got = append(got, GetPrincipal(c))
		return c.NoContent(http.StatusNoContent)
	})
	r.GET("/fake-oidc", func(c *alb.Context) error {
		// A Principal of kind KindALBOIDC that ALBOIDC did not make
		// carries no access token.
		setPrincipal(c, &Principal{Kind: KindALBOIDC, Name: "x"})
		gotToken = GetOIDCAccessToken(c)
		return c.NoContent(http.StatusNoContent)
	})
	authForEachMode(t, func(t *testing.T, multi bool) {
		got, gotToken = nil, "unset"
		token := [2]string{"X-Amzn-Oidc-Accesstoken", "spoofed"}
		authInvoke(t, context.Background(), r, multi, authEvent(multi, "GET", "/none", nil, token))
		authInvoke(t, context.Background(), r, multi, authEvent(multi, "GET", "/set", nil))
		if len(got) != 2 || got[0] != nil || got[1] != alice {
			t.Errorf("GetPrincipal = %v, want [nil %p]", got, alice)
		}
		if gotToken != "" {
			t.Errorf("GetOIDCAccessToken without ALBOIDC = %q, want \"\"", gotToken)
		}
		gotToken = "unset"
		authInvoke(t, context.Background(), r, multi, authEvent(multi, "GET", "/fake-oidc", nil, token))
		if gotToken != "" {
			t.Errorf("GetOIDCAccessToken with a hand-made Principal = %q, want \"\"", gotToken)
		}
	})
}

// The innermost authentication middleware decides the Principal.
func TestPrincipalInnermostWins(t *testing.T) {
	r, _ := authRouter(func(next alb.HandlerFunc) alb.HandlerFunc {
		basic := BasicAuth(BasicAuthOptions{Validate: BasicAuthUsers(basicAuthUsers)})
		key := APIKey(APIKeyOptions{Validate: APIKeys(apiKeys)})
		return basic(key(next))
	})
	resp := authInvoke(t, context.Background(), r, false, authEvent(false, "GET", "/private", nil,
		authBasic("alice", "s3cret"), [2]string{"X-Api-Key", "k-live-1"}))
	if w := authWhoOf(t, resp); w.Kind != KindAPIKey || w.Name != "billing" {
		t.Errorf("Principal = %+v, want the API key's", w)
	}
}

// GetPrincipal does not allocate.
func TestGetPrincipalAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocations are not measured under -race or -short")
	}
	var n float64
	r := alb.New()
	r.GET("/", func(c *alb.Context) error {
		setPrincipal(c, &Principal{})
		n = testing.AllocsPerRun(100, func() { _ = GetPrincipal(c) })
		return c.NoContent(http.StatusNoContent)
	})
	authInvoke(t, context.Background(), r, false, authEvent(false, "GET", "/", nil))
	if n != 0 {
		t.Errorf("GetPrincipal: %v allocs, want 0", n)
	}
}
