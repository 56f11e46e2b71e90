package middleware

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/albkit/alb"
)

var apiKeys = map[string]string{
	"k-live-1": "billing",
	"a+b c":    "with plus and space",
}

var apiKeyTests = []struct {
	name      string
	opts      APIKeyOptions // Validate is set by the test
	query     [][2]string
	headers   [][2]string
	wantName  string
	challenge string // "" means accepted
	wantMsg   string
}{
	{"header", APIKeyOptions{}, nil, [][2]string{{"X-Api-Key", "k-live-1"}}, "billing", "", ""},
	{"header with spaces", APIKeyOptions{}, nil, [][2]string{{"X-Api-Key", " k-live-1 "}}, "billing", "", ""},
	{"custom header", APIKeyOptions{Header: "X-Key"}, nil, [][2]string{{"x-key", "k-live-1"}}, "billing", "", ""},
	{"query", APIKeyOptions{Query: "api_key"}, [][2]string{{"api_key", "k-live-1"}}, nil, "billing", "", ""},
	{"query decoded", APIKeyOptions{Query: "api_key"}, [][2]string{{"api_key", "a%2Bb+c"}}, nil, "with plus and space", "", ""},
	{"header before query", APIKeyOptions{Query: "api_key"}, [][2]string{{"api_key", "nope"}}, [][2]string{{"X-Api-Key", "k-live-1"}}, "billing", "", ""},
	{"empty header, query", APIKeyOptions{Query: "api_key"}, [][2]string{{"api_key", "k-live-1"}}, [][2]string{{"X-Api-Key", ""}}, "billing", "", ""},
	{"missing", APIKeyOptions{}, nil, nil, "", `APIKey header="X-Api-Key"`, authMsgMissing},
	{"missing, query accepted", APIKeyOptions{Query: "api_key"}, nil, nil, "", `APIKey header="X-Api-Key", query="api_key"`, authMsgMissing},
	{"query not accepted", APIKeyOptions{}, [][2]string{{"api_key", "k-live-1"}}, nil, "", `APIKey header="X-Api-Key"`, authMsgMissing},
	{"other header", APIKeyOptions{Header: "X-Key"}, nil, [][2]string{{"X-Api-Key", "k-live-1"}}, "", `APIKey header="X-Key"`, authMsgMissing},
	{"unknown key", APIKeyOptions{}, nil, [][2]string{{"X-Api-Key", "k-live-2"}}, "", `APIKey header="X-Api-Key"`, authMsgInvalid},
	{"wrong header, right query", APIKeyOptions{Query: "api_key"}, [][2]string{{"api_key", "k-live-1"}}, [][2]string{{"X-Api-Key", "nope"}}, "", `APIKey header="X-Api-Key", query="api_key"`, authMsgInvalid},
	{"plus is a space in the query", APIKeyOptions{Query: "api_key"}, [][2]string{{"api_key", "a+b+c"}}, nil, "", `APIKey header="X-Api-Key", query="api_key"`, authMsgInvalid},
}

func TestAPIKey(t *testing.T) {
	authForEachMode(t, func(t *testing.T, multi bool) {
		for _, tt := range apiKeyTests {
			t.Run(tt.name, func(t *testing.T) {
				opts := tt.opts
				opts.Validate = APIKeys(apiKeys)
				r, _ := authRouter(APIKey(opts))
				resp := authInvoke(t, context.Background(), r, multi, authEvent(multi, "GET", "/private", tt.query, tt.headers...))
				if tt.challenge == "" {
					if resp.status != http.StatusOK {
						t.Fatalf("status %d, body %q; want 200", resp.status, resp.body)
					}
					if w := authWhoOf(t, resp); w.Kind != KindAPIKey || w.Name != tt.wantName {
						t.Errorf("Principal = %+v, want kind %q, name %q", w, KindAPIKey, tt.wantName)
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

func TestAPIKeyPanics(t *testing.T) {
	valid := APIKeys(apiKeys)
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"nil Validate", func() { APIKey(APIKeyOptions{}) }, "Validate is nil"},
		{"bad header name", func() { APIKey(APIKeyOptions{Header: "X Api Key", Validate: valid}) }, `"X Api Key"`},
		{"header name with colon", func() { APIKey(APIKeyOptions{Header: "X-Api-Key:", Validate: valid}) }, `"X-Api-Key:"`},
		{"query with control", func() { APIKey(APIKeyOptions{Query: "k\r", Validate: valid}) }, `"k\r"`},
		{"no keys", func() { APIKeys(nil) }, "no secrets"},
		{"empty key", func() { APIKeys(map[string]string{"": "nobody"}) }, `"nobody"`},
		{"key with spaces", func() { APIKeys(map[string]string{" k ": "spaced"}) }, `"spaced"`},
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
// middleware, whether the key is in the header or in the query.
func TestAPIKeyAllocs(t *testing.T) {
	mw := APIKey(APIKeyOptions{Query: "api_key", Validate: APIKeys(apiKeys)})
	t.Run("header", func(t *testing.T) {
		payload := authEvent(false, "GET", "/private", nil, [2]string{"X-Api-Key", "k-live-1"})
		if extra := authExtraAllocs(t, mw, payload); extra != 0 {
			t.Errorf("APIKey adds %v allocs per request, want 0", extra)
		}
	})
	t.Run("query", func(t *testing.T) {
		payload := authEvent(false, "GET", "/private", [][2]string{{"api_key", "k-live-1"}})
		if extra := authExtraAllocs(t, mw, payload); extra != 0 {
			t.Errorf("APIKey adds %v allocs per request, want 0", extra)
		}
	})
}

func BenchmarkAPIKey(b *testing.B) {
	r := alb.New()
	r.GET("/private", authOK, APIKey(APIKeyOptions{Validate: APIKeys(apiKeys)}))
	payload := authEvent(false, "GET", "/private", nil, [2]string{"X-Api-Key", "k-live-1"})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}
