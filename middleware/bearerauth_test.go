package middleware

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/albkit/alb"
)

var bearerTokens = map[string]string{
	"tok-ci-0123456789":  "ci",
	"dGVzdA==":           "padded",
	"a.b-c_d~e+f/g":      "all the characters",
	"tok-ci-01234567890": "ci, longer",
}

const (
	bearerChallenge        = `Bearer realm="api"`
	bearerChallengeInvalid = `Bearer realm="api", error="invalid_token"`
)

var bearerAuthTests = []struct {
	name      string
	headers   [][2]string
	wantName  string
	challenge string // "" means accepted
	wantMsg   string
}{
	{"valid", [][2]string{{"Authorization", "Bearer tok-ci-0123456789"}}, "ci", "", ""},
	{"longer token, same prefix", [][2]string{{"Authorization", "Bearer tok-ci-01234567890"}}, "ci, longer", "", ""},
	{"padded", [][2]string{{"Authorization", "Bearer dGVzdA=="}}, "padded", "", ""},
	{"every b64token character", [][2]string{{"Authorization", "Bearer a.b-c_d~e+f/g"}}, "all the characters", "", ""},
	{"lower-case scheme", [][2]string{{"Authorization", "bearer tok-ci-0123456789"}}, "ci", "", ""},
	{"spaces around the token", [][2]string{{"Authorization", "Bearer   tok-ci-0123456789 "}}, "ci", "", ""},
	{"missing", nil, "", bearerChallenge, authMsgMissing},
	{"other scheme", [][2]string{{"Authorization", "Basic dGVzdA=="}}, "", bearerChallenge, authMsgMissing},
	{"scheme alone", [][2]string{{"Authorization", "Bearer"}}, "", bearerChallenge, authMsgMissing},
	{"empty token", [][2]string{{"Authorization", "Bearer   "}}, "", bearerChallenge, authMsgMissing},
	{"unknown token", [][2]string{{"Authorization", "Bearer tok-ci-012345678"}}, "", bearerChallengeInvalid, authMsgInvalid},
	{"case of the token", [][2]string{{"Authorization", "Bearer TOK-CI-0123456789"}}, "", bearerChallengeInvalid, authMsgInvalid},
	{"space inside", [][2]string{{"Authorization", "Bearer tok-ci 0123456789"}}, "", bearerChallengeInvalid, authMsgInvalid},
	{"not b64token", [][2]string{{"Authorization", "Bearer tok,ci"}}, "", bearerChallengeInvalid, authMsgInvalid},
	{"padding inside", [][2]string{{"Authorization", "Bearer dG=VzdA"}}, "", bearerChallengeInvalid, authMsgInvalid},
	{"padding only", [][2]string{{"Authorization", "Bearer =="}}, "", bearerChallengeInvalid, authMsgInvalid},
}

func TestBearerAuth(t *testing.T) {
	mw := BearerAuth(BearerAuthOptions{Realm: "api", Validate: BearerTokens(bearerTokens)})
	authForEachMode(t, func(t *testing.T, multi bool) {
		r, _ := authRouter(mw)
		for _, tt := range bearerAuthTests {
			t.Run(tt.name, func(t *testing.T) {
				resp := authInvoke(t, context.Background(), r, multi, authEvent(multi, "GET", "/private", nil, tt.headers...))
				if tt.challenge == "" {
					if resp.status != http.StatusOK {
						t.Fatalf("status %d, body %q; want 200", resp.status, resp.body)
					}
					if w := authWhoOf(t, resp); w.Kind != KindBearer || w.Name != tt.wantName {
						t.Errorf("Principal = %+v, want kind %q, name %q", w, KindBearer, tt.wantName)
					}
					return
				}
				if resp.status != http.StatusUnauthorized {
					t.Fatalf("status %d, body %q; want 401", resp.status, resp.body)
				}
				if got := resp.header("WWW-Authenticate"); got != tt.challenge {
					t.Errorf("WWW-Authenticate = %q, want %q", got, tt.challenge)
				}
				if got := resp.message(t); got != tt.wantMsg {
					t.Errorf("message = %q, want %q", got, tt.wantMsg)
				}
			})
		}
	})
}

// In multi-value mode the first Authorization line counts.
func TestBearerAuthRepeatedHeader(t *testing.T) {
	r, _ := authRouter(BearerAuth(BearerAuthOptions{Validate: BearerTokens(bearerTokens)}))
	resp := authInvoke(t, context.Background(), r, true, authEvent(true, "GET", "/private", nil,
		[2]string{"Authorization", "Bearer tok-ci-0123456789"}, [2]string{"Authorization", "Bearer nope"}))
	if w := authWhoOf(t, resp); w.Name != "ci" {
		t.Errorf("Name = %q, want %q", w.Name, "ci")
	}
}

func TestBearerAuthCustomValidator(t *testing.T) {
	var got string
	r, _ := authRouter(BearerAuth(BearerAuthOptions{Validate: func(_ context.Context, token string) *Principal {
		got = token
		return nil
	}}))
	resp := authInvoke(t, context.Background(), r, false, authEvent(false, "GET", "/private", nil, [2]string{"Authorization", "Bearer xyz"}))
	if resp.status != http.StatusUnauthorized || got != "xyz" {
		t.Errorf("status %d, Validate got %q; want 401 and %q", resp.status, got, "xyz")
	}
	if want := `Bearer realm="Restricted", error="invalid_token"`; resp.header("WWW-Authenticate") != want {
		t.Errorf("WWW-Authenticate = %q, want %q", resp.header("WWW-Authenticate"), want)
	}
}

func TestBearerAuthPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"nil Validate", func() { BearerAuth(BearerAuthOptions{Realm: "x"}) }, "Validate is nil"},
		{"realm with control", func() { BearerAuth(BearerAuthOptions{Realm: "a\x00", Validate: BearerTokens(bearerTokens)}) }, `"a\x00"`},
		{"no tokens", func() { BearerTokens(map[string]string{}) }, "no secrets"},
		{"empty token", func() { BearerTokens(map[string]string{"": "nobody"}) }, `"nobody"`},
		{"token with space", func() { BearerTokens(map[string]string{"a b": "spaced"}) }, `"spaced"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg := authPanics(t, tt.f); !strings.Contains(msg, tt.want) {
				t.Errorf("panic %q does not mention %s", msg, tt.want)
			}
		})
	}
}

// A request that passes allocates nothing more than without the
// middleware.
func TestBearerAuthAllocs(t *testing.T) {
	mw := BearerAuth(BearerAuthOptions{Validate: BearerTokens(bearerTokens)})
	payload := authEvent(false, "GET", "/private", nil, [2]string{"Authorization", "Bearer tok-ci-0123456789"})
	if extra := authExtraAllocs(t, mw, payload); extra != 0 {
		t.Errorf("BearerAuth adds %v allocs per request, want 0", extra)
	}
}

func TestAuthSecretsLookup(t *testing.T) {
	s := newAuthSecrets("test", KindBearer, map[string]string{"one": "1", "two": "2", "three": "3"})
	for secret, want := range map[string]string{"one": "1", "two": "2", "three": "3"} {
		if p := s.lookup(secret); p == nil || p.Name != want || p.Kind != KindBearer {
			t.Errorf("lookup(%q) = %+v, want name %q", secret, p, want)
		}
		if p1, p2 := s.lookup(secret), s.lookup(secret); p1 != p2 {
			t.Errorf("lookup(%q) returned two Principals, want one shared", secret)
		}
	}
	for _, secret := range []string{"", "on", "onee", "ONE", "four"} {
		if p := s.lookup(secret); p != nil {
			t.Errorf("lookup(%q) = %+v, want nil", secret, p)
		}
	}
}

func BenchmarkBearerAuth(b *testing.B) {
	r := alb.New()
	r.GET("/private", authOK, BearerAuth(BearerAuthOptions{Validate: BearerTokens(bearerTokens)}))
	payload := authEvent(false, "GET", "/private", nil, [2]string{"Authorization", "Bearer tok-ci-0123456789"})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}
