package middleware

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/albkit/alb"
)

func authBasic(user, password string) [2]string {
	return [2]string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))}
}

var basicAuthUsers = map[string]string{
	"alice": "s3cret",
	"bob":   "pa:ss word",
	"":      "anonymous-password",
}

const basicChallenge = `Basic realm="Admin \"area\"", charset="UTF-8"`

var basicAuthTests = []struct {
	name     string
	headers  [][2]string
	wantName string // "" means rejected
	wantMsg  string
}{
	{"valid", [][2]string{authBasic("alice", "s3cret")}, "alice", ""},
	{"password with colon and space", [][2]string{authBasic("bob", "pa:ss word")}, "bob", ""},
	{"empty user name", [][2]string{authBasic("", "anonymous-password")}, "", ""},
	{"lower-case scheme", [][2]string{{"Authorization", "basic YWxpY2U6czNjcmV0"}}, "alice", ""},
	{"upper-case scheme", [][2]string{{"Authorization", "BASIC YWxpY2U6czNjcmV0"}}, "alice", ""},
	{"missing", nil, "", authMsgMissing},
	{"other scheme", [][2]string{{"Authorization", "Bearer YWxpY2U6czNjcmV0"}}, "", authMsgMissing},
	{"scheme without space", [][2]string{{"Authorization", "BasicYWxpY2U6czNjcmV0"}}, "", authMsgMissing},
	{"wrong password", [][2]string{authBasic("alice", "s3cret!")}, "", authMsgInvalid},
	{"password prefix", [][2]string{authBasic("alice", "s3cre")}, "", authMsgInvalid},
	{"other user's password", [][2]string{authBasic("alice", "pa:ss word")}, "", authMsgInvalid},
	{"unknown user", [][2]string{authBasic("mallory", "s3cret")}, "", authMsgInvalid},
	{"case of user name", [][2]string{authBasic("Alice", "s3cret")}, "", authMsgInvalid},
	{"no colon", [][2]string{{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("alice"))}}, "", authMsgInvalid},
	{"bad base64", [][2]string{{"Authorization", "Basic YWxpY2U6czNjcmV0!"}}, "", authMsgInvalid},
	{"unpadded base64", [][2]string{{"Authorization", "Basic " + base64.RawStdEncoding.EncodeToString([]byte("alice:s3cre"))}}, "", authMsgInvalid},
	{"empty credentials", [][2]string{{"Authorization", "Basic "}}, "", authMsgInvalid},
}

func TestBasicAuth(t *testing.T) {
	mw := BasicAuth(BasicAuthOptions{Realm: `Admin "area"`, Validate: BasicAuthUsers(basicAuthUsers)})
	authForEachMode(t, func(t *testing.T, multi bool) {
		r, _ := authRouter(mw)
		for _, tt := range basicAuthTests {
			t.Run(tt.name, func(t *testing.T) {
				resp := authInvoke(t, context.Background(), r, multi, authEvent(multi, "GET", "/private", nil, tt.headers...))
				if tt.wantMsg == "" {
					if resp.status != http.StatusOK {
						t.Fatalf("status %d, body %q; want 200", resp.status, resp.body)
					}
					if w := authWhoOf(t, resp); w.Kind != KindBasic || w.Name != tt.wantName || w.Claims != nil {
						t.Errorf("Principal = %+v, want kind %q, name %q, no claims", w, KindBasic, tt.wantName)
					}
					if got := resp.header("WWW-Authenticate"); got != "" {
						t.Errorf("WWW-Authenticate = %q on a 200", got)
					}
					return
				}
				if resp.status != http.StatusUnauthorized {
					t.Fatalf("status %d, body %q; want 401", resp.status, resp.body)
				}
				if got := resp.header("WWW-Authenticate"); got != basicChallenge {
					t.Errorf("WWW-Authenticate = %q, want %q", got, basicChallenge)
				}
				if got := resp.message(t); got != tt.wantMsg {
					t.Errorf("message = %q, want %q", got, tt.wantMsg)
				}
				if got := resp.header("Content-Type"); got != "application/json" {
					t.Errorf("Content-Type = %q, want application/json", got)
				}
			})
		}
	})
}

func TestBasicAuthDefaultRealm(t *testing.T) {
	r, _ := authRouter(BasicAuth(BasicAuthOptions{Validate: BasicAuthUsers(basicAuthUsers)}))
	resp := authInvoke(t, context.Background(), r, false, authEvent(false, "GET", "/private", nil))
	if want := `Basic realm="Restricted", charset="UTF-8"`; resp.header("WWW-Authenticate") != want {
		t.Errorf("WWW-Authenticate = %q, want %q", resp.header("WWW-Authenticate"), want)
	}
}

// A route without the middleware knows no Principal, whatever the request
// carries.
func TestBasicAuthPublicRoute(t *testing.T) {
	r, _ := authRouter(BasicAuth(BasicAuthOptions{Validate: BasicAuthUsers(basicAuthUsers)}))
	authForEachMode(t, func(t *testing.T, multi bool) {
		resp := authInvoke(t, context.Background(), r, multi, authEvent(multi, "GET", "/public", nil, authBasic("alice", "s3cret")))
		if resp.status != http.StatusOK || resp.body != "anonymous" {
			t.Errorf("status %d, body %q; want 200 \"anonymous\"", resp.status, resp.body)
		}
	})
}

type authCtxKey struct{}

func TestBasicAuthCustomValidator(t *testing.T) {
	var gotUser, gotPassword string
	var gotCtx any
	admin := &Principal{Kind: KindBasic, Name: "the admin"}
	r, _ := authRouter(BasicAuth(BasicAuthOptions{Validate: func(ctx context.Context, user, password string) *Principal {
		gotUser, gotPassword, gotCtx = user, password, ctx.Value(authCtxKey{})
		if user == "root" && password == "" {
			return admin
		}
		return nil
	}}))
	ctx := context.WithValue(context.Background(), authCtxKey{}, "invocation")
	resp := authInvoke(t, ctx, r, false, authEvent(false, "GET", "/private", nil, authBasic("root", "")))
	if w := authWhoOf(t, resp); w.Name != "the admin" {
		t.Errorf("Name = %q, want %q", w.Name, "the admin")
	}
	if gotUser != "root" || gotPassword != "" || gotCtx != "invocation" {
		t.Errorf("Validate got (%q, %q) and context value %v; want (\"root\", \"\") and \"invocation\"", gotUser, gotPassword, gotCtx)
	}
}

// The credentials handed to Validate stay valid after the request.
func TestBasicAuthCredentialsOutliveRequest(t *testing.T) {
	var kept []string
	r, _ := authRouter(BasicAuth(BasicAuthOptions{Validate: func(_ context.Context, user, password string) *Principal {
		kept = append(kept, user, password)
		return &Principal{Kind: KindBasic, Name: user}
	}}))
	for _, u := range []string{"first", "second"} {
		authInvoke(t, context.Background(), r, false, authEvent(false, "GET", "/private", nil, authBasic(u, u+"-pw")))
	}
	if want := []string{"first", "first-pw", "second", "second-pw"}; strings.Join(kept, ",") != strings.Join(want, ",") {
		t.Errorf("kept %q, want %q", kept, want)
	}
}

func TestBasicAuthPanics(t *testing.T) {
	valid := BasicAuthUsers(basicAuthUsers)
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"nil Validate", func() { BasicAuth(BasicAuthOptions{}) }, "Validate is nil"},
		{"realm with newline", func() { BasicAuth(BasicAuthOptions{Realm: "a\nb", Validate: valid}) }, `"a\nb"`},
		{"realm not UTF-8", func() { BasicAuth(BasicAuthOptions{Realm: "a\xffb", Validate: valid}) }, `"a\xffb"`},
		{"no users", func() { BasicAuthUsers(nil) }, "no users"},
		{"user with colon", func() { BasicAuthUsers(map[string]string{"a:b": "pw"}) }, `"a:b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg := authPanics(t, tt.f); !strings.Contains(msg, tt.want) {
				t.Errorf("panic %q does not mention %s", msg, tt.want)
			}
		})
	}
}

func TestAuthParseBasic(t *testing.T) {
	// The cases of net/http's TestParseBasicAuth, and a few more.
	tests := []struct {
		header, user, password string
		ok                     bool
	}{
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("Aladdin:open sesame")), "Aladdin", "open sesame", true},
		{"BASIC " + base64.StdEncoding.EncodeToString([]byte("Aladdin:open sesame")), "Aladdin", "open sesame", true},
		{"basic " + base64.StdEncoding.EncodeToString([]byte("Aladdin:open sesame")), "Aladdin", "open sesame", true},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("Aladdin:open:sesame")), "Aladdin", "open:sesame", true},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte(":")), "", "", true},
		{"Basic" + base64.StdEncoding.EncodeToString([]byte("Aladdin:open sesame")), "", "", false},
		{base64.StdEncoding.EncodeToString([]byte("Aladdin:open sesame")), "", "", false},
		{"Basic ", "", "", false},
		{"Basic Aladdin:open sesame", "", "", false},
		{`Digest username="Aladdin"`, "", "", false},
		{"Basic " + base64.StdEncoding.EncodeToString([]byte("Aladdin")), "", "", false},
	}
	for _, tt := range tests {
		user, password, ok := authParseBasic(tt.header)
		if user != tt.user || password != tt.password || ok != tt.ok {
			t.Errorf("authParseBasic(%q) = %q, %q, %v; want %q, %q, %v", tt.header, user, password, ok, tt.user, tt.password, tt.ok)
		}
	}
}

// A request that passes allocates only the decoded credentials.
func TestBasicAuthAllocs(t *testing.T) {
	mw := BasicAuth(BasicAuthOptions{Validate: BasicAuthUsers(basicAuthUsers)})
	payload := authEvent(false, "GET", "/private", nil, authBasic("alice", "s3cret"))
	if extra := authExtraAllocs(t, mw, payload); extra != 1 {
		t.Errorf("BasicAuth adds %v allocs per request, want 1 (the decoded credentials)", extra)
	}
}

func TestBasicAuthUsersAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocations are not measured under -race or -short")
	}
	validate := BasicAuthUsers(basicAuthUsers)
	ctx := context.Background()
	if n := testing.AllocsPerRun(100, func() { validate(ctx, "alice", "s3cret") }); n != 0 {
		t.Errorf("BasicAuthUsers validator: %v allocs, want 0", n)
	}
}

func BenchmarkBasicAuth(b *testing.B) {
	r := alb.New()
	r.GET("/private", authOK, BasicAuth(BasicAuthOptions{Validate: BasicAuthUsers(basicAuthUsers)}))
	payload := authEvent(false, "GET", "/private", nil, authBasic("alice", "s3cret"))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}
