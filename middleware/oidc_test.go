package middleware

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albkit/alb"
)

const (
	oidcTestSigner  = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188"
	oidcOtherSigner = "arn:aws:elasticloadbalancing:ap-south-1:210987654321:loadbalancer/app/other/0123456789abcdef"
	oidcIssuer      = "https://idp.example.com"
	oidcClientID    = "client-1"
)

// oidcNow is the time of every test; tokens expire two minutes later.
var oidcNow = time.Unix(1_700_000_000, 0)

// oidcKeyServer serves PEM public keys at /keys/<region>/<kid> over TLS,
// as the ALB's key servers do at https://public-keys.auth.elb.<region>.amazonaws.com/<kid>,
// and counts the requests by path.
type oidcKeyServer struct {
	srv *httptest.Server

	priv   map[string]*ecdsa.PrivateKey // kid → signing key
	bodies map[string][]byte            // kid → what the server answers

	mu      sync.Mutex
	fetches map[string]int // by path
	gate    chan struct{}  // when not nil, requests wait until it is closed
	entered chan string    // when not nil, receives each request's path
}

// newOIDCKeyServer starts a key server with keys "kid-1" and "kid-2"
// (P-256), "kid-p384" (P-384, with a P-384 signing key), "kid-ed25519",
// "kid-junk" (not PEM) and "kid-cert" (a PEM block of another type).
func newOIDCKeyServer(t testing.TB) *oidcKeyServer {
	t.Helper()
	ks := &oidcKeyServer{priv: map[string]*ecdsa.PrivateKey{}, bodies: map[string][]byte{}, fetches: map[string]int{}}
	for kid, curve := range map[string]elliptic.Curve{"kid-1": elliptic.P256(), "kid-2": elliptic.P256(), "kid-p384": elliptic.P384()} {
		priv, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		ks.priv[kid] = priv
		ks.bodies[kid] = oidcPEM(t, &priv.PublicKey)
	}
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ks.bodies["kid-ed25519"] = oidcPEM(t, edPub)
	ks.bodies["kid-junk"] = []byte("this is not a key\n")
	ks.bodies["kid-cert"] = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2, 3}})
	ks.srv = httptest.NewTLSServer(http.HandlerFunc(ks.serve))
	t.Cleanup(ks.srv.Close)
	return ks
}

func oidcPEM(t testing.TB, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func (ks *oidcKeyServer) serve(w http.ResponseWriter, r *http.Request) {
	ks.mu.Lock()
	ks.fetches[r.URL.Path]++
	gate, entered := ks.gate, ks.entered
	ks.mu.Unlock()
	if entered != nil {
		entered <- r.URL.Path
	}
	if gate != nil {
		<-gate
	}
	rest, _ := strings.CutPrefix(r.URL.Path, "/keys/")
	_, kid, _ := strings.Cut(rest, "/")
	body, ok := ks.bodies[kid]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Write(body)
}

// fetched returns how many times path was requested.
func (ks *oidcKeyServer) fetched(path string) int {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	return ks.fetches[path]
}

// total returns how many requests the server had.
func (ks *oidcKeyServer) total() int {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	n := 0
	for _, c := range ks.fetches {
		n += c
	}
	return n
}

// options returns ALBOIDCOptions that accept oidcTestSigner and fetch keys from
// ks, at oidcNow, logging nothing.
func (ks *oidcKeyServer) options() ALBOIDCOptions {
	return ALBOIDCOptions{
		Signers:    []string{oidcTestSigner},
		KeyURL:     ks.srv.URL + "/keys/{region}/{kid}",
		HTTPClient: ks.srv.Client(),
		Now:        func() time.Time { return oidcNow },
		Logger:     slog.New(slog.DiscardHandler),
	}
}

// oidcJWTHeader returns the header the ALB writes, for kid.
func oidcJWTHeader(kid string) map[string]any {
	return map[string]any{
		"typ":    "JWT",
		"kid":    kid,
		"alg":    "ES256",
		"iss":    oidcIssuer,
		"client": oidcClientID,
		"signer": oidcTestSigner,
		"exp":    oidcNow.Unix() + 120,
	}
}

// oidcClaims returns the claims of a user; the encoded payload needs
// padding.
func oidcClaims() map[string]any {
	return map[string]any{
		"sub":            "user-123",
		"email":          "ada@example.com",
		"email_verified": "true",
		"name":           "Ada",
		"exp":            oidcNow.Unix() + 120,
		"iss":            oidcIssuer,
	}
}

// oidcWith returns a copy of m with key set to value, or deleted when value is
// nil.
func oidcWith(m map[string]any, key string, value any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	if value == nil {
		delete(c, key)
	} else {
		c[key] = value
	}
	return c
}

func oidcJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// oidcSign returns header.payload.signature as the ALB writes it: each part
// base64url with '=' padding (or without, when unpadded), the signature
// r||s over the first two parts as written.
func oidcSign(priv *ecdsa.PrivateKey, header, payload []byte, unpadded bool) string {
	enc := base64.URLEncoding
	if unpadded {
		enc = base64.RawURLEncoding
	}
	input := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	return input + "." + enc.EncodeToString(oidcSignature(priv, input))
}

func oidcSignature(priv *ecdsa.PrivateKey, input string) []byte {
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, priv, digest[:])
	if err != nil {
		panic(err)
	}
	size := (priv.Curve.Params().BitSize + 7) / 8
	sig := make([]byte, 2*size)
	r.FillBytes(sig[:size])
	s.FillBytes(sig[size:])
	return sig
}

// mint returns a token for header and claims signed with the key of the
// header's kid (kid-1's for a kid the server has no signing key for).
func (ks *oidcKeyServer) mint(header, claims map[string]any) string {
	return oidcSign(ks.signer(header), oidcJSON(header), oidcJSON(claims), false)
}

func (ks *oidcKeyServer) signer(header map[string]any) *ecdsa.PrivateKey {
	kid, _ := header["kid"].(string)
	if priv, ok := ks.priv[kid]; ok {
		return priv
	}
	return ks.priv["kid-1"]
}

// oidcParts splits a token into its three encoded parts.
func oidcParts(token string) [3]string {
	p := strings.Split(token, ".")
	if len(p) != 3 {
		panic("not three parts: " + token)
	}
	return [3]string{p[0], p[1], p[2]}
}

// oidcIdentity is what the ALB sends beside x-amzn-oidc-data.
var oidcIdentity = [][2]string{
	{"X-Amzn-Oidc-Identity", "user-123"},
	{"X-Amzn-Oidc-Accesstoken", "access-token-xyz"},
}

type oidcCase struct {
	name     string
	opts     func(*ALBOIDCOptions)          // nil: ks.options()
	data     func(ks *oidcKeyServer) string // the x-amzn-oidc-data header; "" sends none
	headers  [][2]string                    // more headers; nil: oidcIdentity
	wantErr  error                          // nil: accepted
	wantName string                         // accepted: the Principal's Name; "" means "user-123"
	noFetch  bool                           // rejected before any key is fetched
}

var oidcCases = []oidcCase{
	{name: "valid, padded as the ALB sends it", data: func(ks *oidcKeyServer) string {
		tok := ks.mint(oidcJWTHeader("kid-1"), oidcClaims())
		if p := oidcParts(tok); !strings.HasSuffix(p[0], "=") || !strings.HasSuffix(p[1], "=") || !strings.HasSuffix(p[2], "=") {
			panic("the test token has no padding: " + tok)
		}
		return tok
	}},
	{name: "valid, unpadded", data: func(ks *oidcKeyServer) string {
		return oidcSign(ks.priv["kid-1"], oidcJSON(oidcJWTHeader("kid-1")), oidcJSON(oidcClaims()), true)
	}},
	{name: "valid, issuer and client checked", opts: func(o *ALBOIDCOptions) { o.Issuer, o.ClientID = oidcIssuer, oidcClientID },
		data: func(ks *oidcKeyServer) string { return ks.mint(oidcJWTHeader("kid-1"), oidcClaims()) }},
	{name: "valid, no sub: the identity header names", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcJWTHeader("kid-1"), oidcWith(oidcClaims(), "sub", nil))
	}, headers: [][2]string{{"X-Amzn-Oidc-Identity", "from-the-header"}, {"X-Amzn-Oidc-Accesstoken", "access-token-xyz"}}, wantName: "from-the-header"},
	{name: "valid, sub wins over the identity header", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcJWTHeader("kid-1"), oidcClaims())
	}, headers: [][2]string{{"X-Amzn-Oidc-Identity", "spoofed"}, {"X-Amzn-Oidc-Accesstoken", "access-token-xyz"}}},
	{name: "expired, within the skew", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "exp", oidcNow.Unix()-59), oidcClaims())
	}},
	{name: "expired, within a larger skew", opts: func(o *ALBOIDCOptions) { o.Skew = 10 * time.Minute },
		data: func(ks *oidcKeyServer) string {
			return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "exp", oidcNow.Unix()-500), oidcClaims())
		}},

	{name: "missing", data: func(*oidcKeyServer) string { return "" }, wantErr: errOIDCMissing, noFetch: true},

	// 1. Three parts, each decodes.
	{name: "two parts", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-1"), oidcClaims()))
		return p[0] + "." + p[1]
	}, wantErr: errOIDCMalformed, noFetch: true},
	{name: "four parts", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcJWTHeader("kid-1"), oidcClaims()) + ".e30="
	}, wantErr: errOIDCMalformed, noFetch: true},
	{name: "dots only", data: func(*oidcKeyServer) string { return ".." }, wantErr: errOIDCMalformed, noFetch: true},
	{name: "bad base64 in the header", data: func(ks *oidcKeyServer) string {
		return "eyJ!" + ks.mint(oidcJWTHeader("kid-1"), oidcClaims())
	}, wantErr: errOIDCMalformed, noFetch: true},
	{name: "standard base64 in the payload", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-1"), oidcClaims()))
		return p[0] + "." + base64.StdEncoding.EncodeToString([]byte("\xfb\xff")) + "." + p[2]
	}, wantErr: errOIDCMalformed, noFetch: true},
	{name: "too much padding", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-1"), oidcClaims()))
		return p[0] + "." + p[1] + "=" + "." + p[2]
	}, wantErr: errOIDCMalformed, noFetch: true},
	{name: "newline in the signature", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-1"), oidcClaims()))
		return p[0] + "." + p[1] + "." + p[2][:8] + "\n" + p[2][8:]
	}, wantErr: errOIDCMalformed, noFetch: true},
	{name: "header not JSON", data: func(ks *oidcKeyServer) string {
		return oidcSign(ks.priv["kid-1"], []byte(`{"alg":"ES256",`), oidcJSON(oidcClaims()), false)
	}, wantErr: errOIDCMalformed, noFetch: true},
	{name: "header a JSON array", data: func(ks *oidcKeyServer) string {
		return oidcSign(ks.priv["kid-1"], []byte(`["ES256"]`), oidcJSON(oidcClaims()), false)
	}, wantErr: errOIDCMalformed, noFetch: true},
	{name: "over 64 KiB", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcJWTHeader("kid-1"), oidcWith(oidcClaims(), "big", strings.Repeat("x", 64<<10)))
	}, wantErr: errOIDCMalformed, noFetch: true},

	// 2. The algorithm.
	{name: "alg ES384", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "alg", "ES384"), oidcClaims())
	}, wantErr: errOIDCAlg, noFetch: true},
	{name: "alg es256", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "alg", "es256"), oidcClaims())
	}, wantErr: errOIDCAlg, noFetch: true},
	{name: "alg none, no signature", data: func(*oidcKeyServer) string {
		enc := base64.URLEncoding.EncodeToString
		return enc(oidcJSON(oidcWith(oidcJWTHeader("kid-1"), "alg", "none"))) + "." + enc(oidcJSON(oidcClaims())) + "."
	}, wantErr: errOIDCAlg, noFetch: true},
	{name: "no alg", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "alg", nil), oidcClaims())
	}, wantErr: errOIDCAlg, noFetch: true},

	// 3. The signer.
	{name: "another load balancer", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "signer", oidcOtherSigner), oidcClaims())
	}, wantErr: errOIDCSigner, noFetch: true},
	{name: "no signer", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "signer", nil), oidcClaims())
	}, wantErr: errOIDCSigner, noFetch: true},
	{name: "signer with a suffix", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "signer", oidcTestSigner+"x"), oidcClaims())
	}, wantErr: errOIDCSigner, noFetch: true},

	// 4. The key.
	{name: "kid ../x", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "kid", "../x"), oidcClaims())
	}, wantErr: errOIDCKid, noFetch: true},
	{name: "kid ..", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "kid", ".."), oidcClaims())
	}, wantErr: errOIDCKid, noFetch: true},
	{name: "kid with a slash", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "kid", "kid-1/x"), oidcClaims())
	}, wantErr: errOIDCKid, noFetch: true},
	{name: "kid with a query", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "kid", "kid-1?x=1"), oidcClaims())
	}, wantErr: errOIDCKid, noFetch: true},
	{name: "kid with a fragment", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "kid", "kid-1#x"), oidcClaims())
	}, wantErr: errOIDCKid, noFetch: true},
	{name: "kid with an escape", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "kid", "%2e%2e"), oidcClaims())
	}, wantErr: errOIDCKid, noFetch: true},
	{name: "kid with a space", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "kid", "kid 1"), oidcClaims())
	}, wantErr: errOIDCKid, noFetch: true},
	{name: "kid too long", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "kid", strings.Repeat("k", 129)), oidcClaims())
	}, wantErr: errOIDCKid, noFetch: true},
	{name: "no kid", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "kid", nil), oidcClaims())
	}, wantErr: errOIDCKid, noFetch: true},
	{name: "unknown kid (404)", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcJWTHeader("kid-404"), oidcClaims())
	}, wantErr: errOIDCKey},
	{name: "P-384 key", data: func(ks *oidcKeyServer) string {
		// A 64-byte signature, so that the key is fetched.
		return oidcSign(ks.priv["kid-1"], oidcJSON(oidcJWTHeader("kid-p384")), oidcJSON(oidcClaims()), false)
	}, wantErr: errOIDCKey},
	{name: "Ed25519 key", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcJWTHeader("kid-ed25519"), oidcClaims())
	}, wantErr: errOIDCKey},
	{name: "key server answers junk", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcJWTHeader("kid-junk"), oidcClaims())
	}, wantErr: errOIDCKey},
	{name: "key server answers a certificate block", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcJWTHeader("kid-cert"), oidcClaims())
	}, wantErr: errOIDCKey},

	// 5. The signature.
	{name: "tampered payload", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-1"), oidcClaims()))
		p[1] = base64.URLEncoding.EncodeToString(oidcJSON(oidcWith(oidcClaims(), "sub", "admin")))
		return strings.Join(p[:], ".")
	}, wantErr: errOIDCSignature},
	{name: "tampered header", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-1"), oidcClaims()))
		p[0] = base64.URLEncoding.EncodeToString(oidcJSON(oidcWith(oidcJWTHeader("kid-1"), "exp", oidcNow.Unix()+1e6)))
		return strings.Join(p[:], ".")
	}, wantErr: errOIDCSignature},
	{name: "tampered signature", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-1"), oidcClaims()))
		sig, _ := base64.URLEncoding.DecodeString(p[2])
		sig[10] ^= 1
		p[2] = base64.URLEncoding.EncodeToString(sig)
		return strings.Join(p[:], ".")
	}, wantErr: errOIDCSignature},
	{name: "signature r and s swapped", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-1"), oidcClaims()))
		sig, _ := base64.URLEncoding.DecodeString(p[2])
		p[2] = base64.URLEncoding.EncodeToString(append(sig[32:], sig[:32]...))
		return strings.Join(p[:], ".")
	}, wantErr: errOIDCSignature},
	{name: "signature ASN.1", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-1"), oidcClaims()))
		digest := sha256.Sum256([]byte(p[0] + "." + p[1]))
		sig, err := ecdsa.SignASN1(rand.Reader, ks.priv["kid-1"], digest[:])
		if err != nil {
			panic(err)
		}
		p[2] = base64.URLEncoding.EncodeToString(sig)
		return strings.Join(p[:], ".")
	}, wantErr: errOIDCSignature, noFetch: true},
	{name: "signature by another key", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-1"), oidcClaims()))
		input := p[0] + "." + p[1]
		return input + "." + base64.URLEncoding.EncodeToString(oidcSignature(ks.priv["kid-2"], input))
	}, wantErr: errOIDCSignature},
	{name: "signature empty", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-1"), oidcClaims()))
		return p[0] + "." + p[1] + "."
	}, wantErr: errOIDCSignature, noFetch: true},
	{name: "signature 63 bytes", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-1"), oidcClaims()))
		sig, _ := base64.URLEncoding.DecodeString(p[2])
		return p[0] + "." + p[1] + "." + base64.URLEncoding.EncodeToString(sig[:63])
	}, wantErr: errOIDCSignature, noFetch: true},
	{name: "signature 96 bytes (P-384)", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcJWTHeader("kid-p384"), oidcClaims())
	}, wantErr: errOIDCSignature, noFetch: true},
	{name: "padding removed after signing", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-1"), oidcClaims()))
		return strings.TrimRight(p[0], "=") + "." + strings.TrimRight(p[1], "=") + "." + p[2]
	}, wantErr: errOIDCSignature},

	// 6. Expiry, issuer, client.
	{name: "expired", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "exp", oidcNow.Unix()-61), oidcClaims())
	}, wantErr: errOIDCExpired, noFetch: true},
	{name: "no exp", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "exp", nil), oidcClaims())
	}, wantErr: errOIDCExpired, noFetch: true},
	{name: "other issuer", opts: func(o *ALBOIDCOptions) { o.Issuer = oidcIssuer },
		data: func(ks *oidcKeyServer) string {
			return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "iss", "https://evil.example.com"), oidcClaims())
		}, wantErr: errOIDCIssuer, noFetch: true},
	{name: "other client", opts: func(o *ALBOIDCOptions) { o.ClientID = oidcClientID },
		data: func(ks *oidcKeyServer) string {
			return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "client", "client-2"), oidcClaims())
		}, wantErr: errOIDCClient, noFetch: true},
	{name: "no iss", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "iss", nil), oidcClaims())
	}, wantErr: errOIDCMalformed, noFetch: true},
	{name: "no client", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-1"), "client", ""), oidcClaims())
	}, wantErr: errOIDCMalformed, noFetch: true},

	// The claims, once verified.
	{name: "claims not JSON", data: func(ks *oidcKeyServer) string {
		return oidcSign(ks.priv["kid-1"], oidcJSON(oidcJWTHeader("kid-1")), []byte(`{"sub":`), false)
	}, wantErr: errOIDCClaims, noFetch: true},
	{name: "claims null", data: func(ks *oidcKeyServer) string {
		return oidcSign(ks.priv["kid-1"], oidcJSON(oidcJWTHeader("kid-1")), []byte(`null`), false)
	}, wantErr: errOIDCClaims, noFetch: true},
	{name: "claims an array", data: func(ks *oidcKeyServer) string {
		return oidcSign(ks.priv["kid-1"], oidcJSON(oidcJWTHeader("kid-1")), []byte(`["sub"]`), false)
	}, wantErr: errOIDCClaims, noFetch: true},

	// The order of the checks: the first failing one is reported.
	{name: "order: alg none and another signer", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcWith(oidcJWTHeader("kid-1"), "alg", "none"), "signer", oidcOtherSigner), oidcClaims())
	}, wantErr: errOIDCAlg, noFetch: true},
	{name: "order: another signer and a bad kid", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcWith(oidcJWTHeader("kid-1"), "kid", "../x"), "signer", oidcOtherSigner), oidcClaims())
	}, wantErr: errOIDCSigner, noFetch: true},
	{name: "order: bad kid and bad signature", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcWith(oidcJWTHeader("kid-1"), "kid", "a/b"), oidcClaims()))
		return p[0] + "." + p[1] + "."
	}, wantErr: errOIDCKid, noFetch: true},
	{name: "order: expired and unknown kid", data: func(ks *oidcKeyServer) string {
		return ks.mint(oidcWith(oidcJWTHeader("kid-404"), "exp", oidcNow.Unix()-3600), oidcClaims())
	}, wantErr: errOIDCExpired, noFetch: true},
	{name: "order: another issuer and unknown kid", opts: func(o *ALBOIDCOptions) { o.Issuer = oidcIssuer },
		data: func(ks *oidcKeyServer) string {
			return ks.mint(oidcWith(oidcJWTHeader("kid-404"), "iss", "x"), oidcClaims())
		}, wantErr: errOIDCIssuer, noFetch: true},
	{name: "order: short signature and unknown kid", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcJWTHeader("kid-404"), oidcClaims()))
		return p[0] + "." + p[1] + "." + base64.URLEncoding.EncodeToString(make([]byte, 32))
	}, wantErr: errOIDCSignature, noFetch: true},
	{name: "order: expired and bad signature", data: func(ks *oidcKeyServer) string {
		p := oidcParts(ks.mint(oidcWith(oidcJWTHeader("kid-1"), "exp", oidcNow.Unix()-3600), oidcClaims()))
		return p[0] + "." + p[1] + "." + base64.URLEncoding.EncodeToString(make([]byte, 64))
	}, wantErr: errOIDCExpired, noFetch: true},
	{name: "order: expired and another issuer", opts: func(o *ALBOIDCOptions) { o.Issuer = oidcIssuer },
		data: func(ks *oidcKeyServer) string {
			return ks.mint(oidcWith(oidcWith(oidcJWTHeader("kid-1"), "exp", oidcNow.Unix()-3600), "iss", "x"), oidcClaims())
		}, wantErr: errOIDCExpired},
	{name: "order: claims not JSON and bad signature", data: func(ks *oidcKeyServer) string {
		enc := base64.URLEncoding.EncodeToString
		return enc(oidcJSON(oidcJWTHeader("kid-1"))) + "." + enc([]byte("{")) + "." + enc(make([]byte, 64))
	}, wantErr: errOIDCClaims, noFetch: true},
}

func TestALBOIDC(t *testing.T) {
	ks := newOIDCKeyServer(t)
	authForEachMode(t, func(t *testing.T, multi bool) {
		for _, tt := range oidcCases {
			t.Run(tt.name, func(t *testing.T) {
				opts := ks.options()
				if tt.opts != nil {
					tt.opts(&opts)
				}
				r, errs := authRouter(ALBOIDC(opts))
				headers := tt.headers
				if headers == nil {
					headers = oidcIdentity
				}
				data := tt.data(ks)
				if data != "" {
					headers = append([][2]string{{"X-Amzn-Oidc-Data", data}}, headers...)
				}
				before := ks.total()
				resp := authInvoke(t, context.Background(), r, multi, authEvent(multi, "GET", "/private", nil, headers...))
				if tt.noFetch && ks.total() != before {
					t.Errorf("the key server was asked for a key")
				}
				if tt.wantErr == nil {
					if resp.status != http.StatusOK {
						t.Fatalf("status %d, body %q (%v); want 200", resp.status, resp.body, errs.get())
					}
					w := authWhoOf(t, resp)
					wantName := tt.wantName
					if wantName == "" {
						wantName = "user-123"
					}
					if w.Kind != KindALBOIDC || w.Name != wantName {
						t.Errorf("Principal kind %q, name %q; want %q, %q", w.Kind, w.Name, KindALBOIDC, wantName)
					}
					if w.Claims["email"] != "ada@example.com" || w.Claims["iss"] != oidcIssuer {
						t.Errorf("Claims = %v, want the signed claims", w.Claims)
					}
					if w.AccessToken != "access-token-xyz" {
						t.Errorf("GetOIDCAccessToken = %q, want %q", w.AccessToken, "access-token-xyz")
					}
					return
				}
				if resp.status != http.StatusUnauthorized {
					t.Fatalf("status %d, body %q; want 401 (%v)", resp.status, resp.body, tt.wantErr)
				}
				if err := errs.get(); !errors.Is(err, tt.wantErr) {
					t.Errorf("error = %v, want %v", err, tt.wantErr)
				}
				wantChallenge, wantMsg := oidcChallengeInvalid, authMsgInvalid
				if tt.wantErr == errOIDCMissing {
					wantChallenge, wantMsg = oidcChallenge, authMsgMissing
				}
				if got := resp.header("WWW-Authenticate"); got != wantChallenge {
					t.Errorf("WWW-Authenticate = %q, want %q", got, wantChallenge)
				}
				if got := resp.message(t); got != wantMsg {
					t.Errorf("message = %q, want %q", got, wantMsg)
				}
			})
		}
	})
}

// The headers mean nothing on a route without ALBOIDC.
func TestALBOIDCSpoofedWithoutMiddleware(t *testing.T) {
	ks := newOIDCKeyServer(t)
	r, _ := authRouter(ALBOIDC(ks.options()))
	tok := ks.mint(oidcJWTHeader("kid-1"), oidcClaims())
	authForEachMode(t, func(t *testing.T, multi bool) {
		headers := append([][2]string{{"X-Amzn-Oidc-Data", tok}}, oidcIdentity...)
		resp := authInvoke(t, context.Background(), r, multi, authEvent(multi, "GET", "/public", nil, headers...))
		if resp.status != http.StatusOK || resp.body != "anonymous" {
			t.Errorf("status %d, body %q; want 200 \"anonymous\"", resp.status, resp.body)
		}
	})
}

// In multi-value mode, a second value of an x-amzn-oidc-* header (one the
// client sent, say) makes the request ambiguous.
func TestALBOIDCRepeatedHeaders(t *testing.T) {
	ks := newOIDCKeyServer(t)
	r, errs := authRouter(ALBOIDC(ks.options()))
	tok := ks.mint(oidcJWTHeader("kid-1"), oidcClaims())
	for _, extra := range [][2]string{
		{"X-Amzn-Oidc-Data", tok},
		{"X-Amzn-Oidc-Identity", "admin"},
		{"X-Amzn-Oidc-Accesstoken", "other"},
	} {
		t.Run(extra[0], func(t *testing.T) {
			headers := append([][2]string{{"X-Amzn-Oidc-Data", tok}}, oidcIdentity...)
			headers = append(headers, extra)
			resp := authInvoke(t, context.Background(), r, true, authEvent(true, "GET", "/private", nil, headers...))
			if resp.status != http.StatusUnauthorized || !errors.Is(errs.get(), errOIDCRepeated) {
				t.Errorf("status %d, error %v; want 401, %v", resp.status, errs.get(), errOIDCRepeated)
			}
		})
	}
}

// The key URL's region is the signer's, unless Region is set; AnySigner
// accepts any load balancer and fetches from its region.
func TestALBOIDCRegion(t *testing.T) {
	ks := newOIDCKeyServer(t)
	tests := []struct {
		name     string
		opts     func(*ALBOIDCOptions)
		signer   string
		wantPath string
	}{
		{"from the signer", nil, oidcTestSigner, "/keys/eu-west-1/kid-1"},
		{"second signer", func(o *ALBOIDCOptions) { o.Signers = append(o.Signers, oidcOtherSigner) }, oidcOtherSigner, "/keys/ap-south-1/kid-1"},
		{"configured", func(o *ALBOIDCOptions) { o.Region = "us-gov-west-1" }, oidcTestSigner, "/keys/us-gov-west-1/kid-1"},
		{"any signer", func(o *ALBOIDCOptions) { o.Signers, o.AnySigner = nil, true }, oidcOtherSigner, "/keys/ap-south-1/kid-1"},
	}
	authForEachMode(t, func(t *testing.T, multi bool) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				opts := ks.options()
				if tt.opts != nil {
					tt.opts(&opts)
				}
				r, errs := authRouter(ALBOIDC(opts))
				before := ks.fetched(tt.wantPath)
				tok := ks.mint(oidcWith(oidcJWTHeader("kid-1"), "signer", tt.signer), oidcClaims())
				headers := append([][2]string{{"X-Amzn-Oidc-Data", tok}}, oidcIdentity...)
				resp := authInvoke(t, context.Background(), r, multi, authEvent(multi, "GET", "/private", nil, headers...))
				if resp.status != http.StatusOK {
					t.Fatalf("status %d (%v), want 200", resp.status, errs.get())
				}
				if got := ks.fetched(tt.wantPath) - before; got != 1 {
					t.Errorf("%s fetched %d times, want 1", tt.wantPath, got)
				}
			})
		}
	})
}

// With AnySigner, a signer that is not a load balancer ARN is still
// rejected: its region would go into the key URL.
func TestALBOIDCAnySignerBadARN(t *testing.T) {
	ks := newOIDCKeyServer(t)
	opts := ks.options()
	opts.Signers, opts.AnySigner = nil, true
	r, errs := authRouter(ALBOIDC(opts))
	for _, signer := range []string{
		"arn:aws:elasticloadbalancing:evil.example.com/x:123456789012:loadbalancer/app/a/b",
		"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/a/b",
		"arn:aws:iam::123456789012:role/x",
		"",
	} {
		tok := ks.mint(oidcWith(oidcJWTHeader("kid-1"), "signer", signer), oidcClaims())
		resp := authInvoke(t, context.Background(), r, false, authEvent(false, "GET", "/private", nil, [2]string{"X-Amzn-Oidc-Data", tok}))
		if resp.status != http.StatusUnauthorized || !errors.Is(errs.get(), errOIDCSigner) {
			t.Errorf("signer %q: status %d, error %v; want 401, %v", signer, resp.status, errs.get(), errOIDCSigner)
		}
	}
}

// oidcRequest runs a request with a token for kid through r and returns its
// status, or 0 when the response is not JSON. Goroutines may call it.
func oidcRequest(ctx context.Context, ks *oidcKeyServer, r *alb.Router, kid string) int {
	tok := ks.mint(oidcJWTHeader(kid), oidcClaims())
	out, _ := r.Invoke(ctx, authEvent(false, "GET", "/private", nil, [2]string{"X-Amzn-Oidc-Data", tok}))
	var resp struct{ StatusCode int }
	json.Unmarshal(out, &resp)
	return resp.StatusCode
}

func TestALBOIDCCache(t *testing.T) {
	const path1, path2 = "/keys/eu-west-1/kid-1", "/keys/eu-west-1/kid-2"
	t.Run("hit", func(t *testing.T) {
		ks := newOIDCKeyServer(t)
		r, _ := authRouter(ALBOIDC(ks.options()))
		for i := range 3 {
			if s := oidcRequest(context.Background(), ks, r, "kid-1"); s != http.StatusOK {
				t.Fatalf("request %d: status %d, want 200", i, s)
			}
		}
		if n := ks.fetched(path1); n != 1 {
			t.Errorf("kid-1 fetched %d times for 3 requests, want 1", n)
		}
	})
	t.Run("failures are remembered for KeyFailureTTL", func(t *testing.T) {
		ks := newOIDCKeyServer(t)
		clock := newOIDCClock()
		opts := ks.options()
		opts.Now, opts.KeyFailureTTL = clock.now, time.Minute
		r, errs := authRouter(ALBOIDC(opts))
		const path = "/keys/eu-west-1/kid-404"
		for _, step := range []struct {
			advance time.Duration
			fetches int
		}{
			{0, 1},               // fetched, fails
			{0, 1},               // remembered
			{time.Minute - 1, 1}, // still remembered
			{1, 2},               // forgotten: fetched again, fails
			{time.Second, 2},     // remembered again
		} {
			clock.advance(step.advance)
			if s := oidcRequest(context.Background(), ks, r, "kid-404"); s != http.StatusUnauthorized || !errors.Is(errs.get(), errOIDCKey) {
				t.Fatalf("status %d, error %v; want 401, %v", s, errs.get(), errOIDCKey)
			}
			if n := ks.fetched(path); n != step.fetches {
				t.Fatalf("after %v more: kid-404 fetched %d times, want %d", step.advance, n, step.fetches)
			}
		}
		// A failure is remembered for its key alone.
		if s := oidcRequest(context.Background(), ks, r, "kid-1"); s != http.StatusOK {
			t.Errorf("kid-1: status %d (%v), want 200", s, errs.get())
		}
	})
	t.Run("bounded", func(t *testing.T) {
		for _, tt := range []struct{ size, want int }{{1, 2}, {2, 1}} {
			ks := newOIDCKeyServer(t)
			opts := ks.options()
			opts.CacheSize = tt.size
			r, _ := authRouter(ALBOIDC(opts))
			for _, kid := range []string{"kid-1", "kid-2", "kid-1"} {
				if s := oidcRequest(context.Background(), ks, r, kid); s != http.StatusOK {
					t.Fatalf("%s: status %d, want 200", kid, s)
				}
			}
			if n1, n2 := ks.fetched(path1), ks.fetched(path2); n1 != tt.want || n2 != 1 {
				t.Errorf("CacheSize %d: kid-1, kid-2, kid-1 fetched kid-1 %d and kid-2 %d times, want %d and 1", tt.size, n1, n2, tt.want)
			}
		}
	})
	t.Run("defaults", func(t *testing.T) {
		v := newOIDCVerifier(ALBOIDCOptions{Signers: []string{oidcTestSigner}})
		if v.keys.max != 32 || v.fetchTimeout != 2*time.Second || v.failureTTL != 30*time.Second || v.fetchLimit != 8 {
			t.Errorf("cache size %d, fetch timeout %v, failure TTL %v, fetch limit %d; want 32, 2s, 30s, 8",
				v.keys.max, v.fetchTimeout, v.failureTTL, v.fetchLimit)
		}
	})
}

// Concurrent requests for a key that is not cached share one fetch.
func TestALBOIDCConcurrentMisses(t *testing.T) {
	ks := newOIDCKeyServer(t)
	ks.gate, ks.entered = make(chan struct{}), make(chan string, 100)
	r, errs := authRouter(ALBOIDC(ks.options()))
	const n = 16
	statuses := make(chan int, 2*n)
	var wg sync.WaitGroup
	for i := range 2 * n {
		kid := []string{"kid-1", "kid-2"}[i%2]
		wg.Go(func() { statuses <- oidcRequest(context.Background(), ks, r, kid) })
	}
	// Both fetches are under way; give the other requests time to queue
	// behind them, then let the key server answer.
	<-ks.entered
	<-ks.entered
	time.Sleep(50 * time.Millisecond)
	close(ks.gate)
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusOK {
			t.Errorf("status %d (%v), want 200", s, errs.get())
		}
	}
	if n1, n2 := ks.fetched("/keys/eu-west-1/kid-1"), ks.fetched("/keys/eu-west-1/kid-2"); n1 != 1 || n2 != 1 {
		t.Errorf("%d concurrent requests per key fetched kid-1 %d and kid-2 %d times, want 1 each", n, n1, n2)
	}
}

// A request waiting for another's fetch gives up when its own context
// ends; the fetch goes on for the first.
func TestALBOIDCWaiterContext(t *testing.T) {
	ks := newOIDCKeyServer(t)
	ks.gate, ks.entered = make(chan struct{}), make(chan string, 10)
	r, errs := authRouter(ALBOIDC(ks.options()))
	first := make(chan int, 1)
	go func() { first <- oidcRequest(context.Background(), ks, r, "kid-1") }()
	<-ks.entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if s := oidcRequest(ctx, ks, r, "kid-1"); s != http.StatusUnauthorized || !errors.Is(errs.get(), context.Canceled) || !errors.Is(errs.get(), errOIDCKey) {
		t.Errorf("waiter with a cancelled context: status %d, error %v; want 401, %v (%v)", s, errs.get(), errOIDCKey, context.Canceled)
	}
	close(ks.gate)
	if s := <-first; s != http.StatusOK {
		t.Errorf("first request: status %d, want 200", s)
	}
	if n := ks.fetched("/keys/eu-west-1/kid-1"); n != 1 {
		t.Errorf("kid-1 fetched %d times, want 1", n)
	}
}

// A request whose context has already ended fails closed, and starts no
// fetch.
func TestALBOIDCFetchContext(t *testing.T) {
	ks := newOIDCKeyServer(t)
	r, errs := authRouter(ALBOIDC(ks.options()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if s := oidcRequest(ctx, ks, r, "kid-1"); s != http.StatusUnauthorized || !errors.Is(errs.get(), context.Canceled) {
		t.Errorf("status %d, error %v; want 401, %v", s, errs.get(), context.Canceled)
	}
	if n := ks.total(); n != 0 {
		t.Errorf("%d fetches for a request whose context had ended, want 0", n)
	}
	if s := oidcRequest(context.Background(), ks, r, "kid-1"); s != http.StatusOK {
		t.Errorf("then with a live context: status %d (%v), want 200", s, errs.get())
	}
}

// oidcLog collects JSON log lines; it is safe for concurrent use.
type oidcLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *oidcLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *oidcLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// A key server that is down fails closed, is logged once, and is tried
// again after KeyFailureTTL.
func TestALBOIDCKeyServerDown(t *testing.T) {
	ks := newOIDCKeyServer(t)
	down := httptest.NewTLSServer(http.NotFoundHandler())
	downURL, client := down.URL, down.Client()
	down.Close()
	var log oidcLog
	opts := ks.options()
	opts.KeyURL, opts.HTTPClient = downURL+"/keys/{region}/{kid}", client
	opts.Logger = slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelError}))
	clock := newOIDCClock()
	opts.Now = clock.now
	r, errs := authRouter(ALBOIDC(opts))
	authForEachMode(t, func(t *testing.T, multi bool) {
		for range 2 {
			clock.advance(30 * time.Second) // KeyFailureTTL: the failure is forgotten
			tok := ks.mint(oidcJWTHeader("kid-1"), oidcClaims())
			resp := authInvoke(t, context.Background(), r, multi, authEvent(multi, "GET", "/private", nil, [2]string{"X-Amzn-Oidc-Data", tok}))
			if resp.status != http.StatusUnauthorized || !errors.Is(errs.get(), errOIDCKey) {
				t.Errorf("status %d, error %v; want 401, %v", resp.status, errs.get(), errOIDCKey)
			}
			if want := oidcChallengeInvalid; resp.header("WWW-Authenticate") != want {
				t.Errorf("WWW-Authenticate = %q, want %q", resp.header("WWW-Authenticate"), want)
			}
			// Remembered: rejected again, without a fetch or a log line.
			resp = authInvoke(t, context.Background(), r, multi, authEvent(multi, "GET", "/private", nil, [2]string{"X-Amzn-Oidc-Data", tok}))
			if resp.status != http.StatusUnauthorized || !errors.Is(errs.get(), errOIDCKey) {
				t.Errorf("again: status %d, error %v; want 401, %v", resp.status, errs.get(), errOIDCKey)
			}
		}
	})
	lines := strings.Count(log.String(), "\n")
	if lines != 4 || !strings.Contains(log.String(), `"level":"ERROR"`) || !strings.Contains(log.String(), `"kid":"kid-1"`) {
		t.Errorf("log = %s; want 4 error lines naming kid-1 (one per failed fetch, for 8 requests)", log.String())
	}
}

// The default client does not follow redirects: a key must come from the
// URL the template names.
func TestALBOIDCNoRedirects(t *testing.T) {
	ks := newOIDCKeyServer(t)
	redirector := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, ks.srv.URL+r.URL.Path, http.StatusFound)
	}))
	defer redirector.Close()
	opts := ks.options()
	opts.KeyURL, opts.HTTPClient = redirector.URL+"/keys/{region}/{kid}", nil
	v := newOIDCVerifier(opts)
	if v.client.Timeout != 5*time.Second {
		t.Errorf("default client timeout %v, want 5s", v.client.Timeout)
	}
	v.client.Transport = redirector.Client().Transport // trust the test certificate
	r, errs := authRouter(v.middleware)
	if s := oidcRequest(context.Background(), ks, r, "kid-1"); s != http.StatusUnauthorized || !errors.Is(errs.get(), errOIDCKey) {
		t.Errorf("status %d, error %v; want 401, %v", s, errs.get(), errOIDCKey)
	}
	if n := ks.total(); n != 0 {
		t.Errorf("the redirect was followed: %d fetches", n)
	}
}

func TestALBOIDCPanics(t *testing.T) {
	base := ALBOIDCOptions{Signers: []string{oidcTestSigner}}
	tests := []struct {
		name string
		opts func(*ALBOIDCOptions)
		want string
	}{
		{"no signers", func(o *ALBOIDCOptions) { o.Signers = nil }, "no Signers"},
		{"empty signers", func(o *ALBOIDCOptions) { o.Signers = []string{} }, "no Signers"},
		{"signers and AnySigner", func(o *ALBOIDCOptions) { o.AnySigner = true }, strconv.Quote(oidcTestSigner)},
		{"target group ARN", func(o *ALBOIDCOptions) {
			o.Signers = []string{"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/0123456789abcdef"}
		}, `"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/0123456789abcdef"`},
		{"bad account", func(o *ALBOIDCOptions) {
			o.Signers = []string{"arn:aws:elasticloadbalancing:eu-west-1:1234:loadbalancer/app/web/1"}
		}, `"arn:aws:elasticloadbalancing:eu-west-1:1234:loadbalancer/app/web/1"`},
		{"not an ARN", func(o *ALBOIDCOptions) { o.Signers = []string{"web"} }, `"web"`},
		{"bad region", func(o *ALBOIDCOptions) { o.Region = "EU_WEST_1" }, `"EU_WEST_1"`},
		{"region with a slash", func(o *ALBOIDCOptions) { o.Region = "evil.com/x" }, `"evil.com/x"`},
		{"key URL without kid", func(o *ALBOIDCOptions) { o.KeyURL = "https://keys.example.com/" }, `"https://keys.example.com/"`},
		{"key URL with two kids", func(o *ALBOIDCOptions) { o.KeyURL = "https://keys.example.com/{kid}/{kid}" }, `"https://keys.example.com/{kid}/{kid}"`},
		{"key URL over http", func(o *ALBOIDCOptions) { o.KeyURL = "http://keys.example.com/{kid}" }, `"http://keys.example.com/{kid}"`},
		{"key URL without scheme", func(o *ALBOIDCOptions) { o.KeyURL = "keys.example.com/{kid}" }, `"keys.example.com/{kid}"`},
		{"kid in the host", func(o *ALBOIDCOptions) { o.KeyURL = "https://{kid}.example.com/key" }, `"https://{kid}.example.com/key"`},
		{"unknown placeholder", func(o *ALBOIDCOptions) { o.KeyURL = "https://keys.example.com/{account}/{kid}" }, `"https://keys.example.com/{account}/{kid}"`},
		{"user information", func(o *ALBOIDCOptions) { o.KeyURL = "https://u:p@keys.example.com/{kid}" }, `"https://u:p@keys.example.com/{kid}"`},
		{"bad URL", func(o *ALBOIDCOptions) { o.KeyURL = "https://keys example.com/{kid}" }, `"https://keys example.com/{kid}"`},
		{"negative skew", func(o *ALBOIDCOptions) { o.Skew = -time.Second }, `"-1s"`},
		{"negative cache size", func(o *ALBOIDCOptions) { o.CacheSize = -1 }, "-1"},
		{"negative key fetch timeout", func(o *ALBOIDCOptions) { o.KeyFetchTimeout = -time.Second }, `KeyFetchTimeout "-1s"`},
		{"negative key failure TTL", func(o *ALBOIDCOptions) { o.KeyFailureTTL = -time.Minute }, `KeyFailureTTL "-1m0s"`},
		{"negative key fetch limit", func(o *ALBOIDCOptions) { o.KeyFetchLimit = -2 }, "KeyFetchLimit -2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := base
			opts.Signers = append([]string(nil), base.Signers...)
			tt.opts(&opts)
			if msg := authPanics(t, func() { ALBOIDC(opts) }); !strings.Contains(msg, tt.want) || !strings.HasPrefix(msg, "middleware: ALBOIDC: ") {
				t.Errorf("panic %q does not mention %s", msg, tt.want)
			}
		})
	}
	// Accepted: the default URL, a GovCloud-style URL, AnySigner alone.
	ALBOIDC(base)
	ALBOIDC(ALBOIDCOptions{Signers: base.Signers, KeyURL: "https://public-keys.auth.elb.{region}.amazonaws.com/{kid}"})
	ALBOIDC(ALBOIDCOptions{Signers: base.Signers, Region: "us-gov-west-1", KeyURL: "https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1/{kid}"})
	ALBOIDC(ALBOIDCOptions{AnySigner: true})
	ALBOIDC(ALBOIDCOptions{Signers: []string{"arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:loadbalancer/app/web/1"}})
}

func TestOIDCDecode(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"", "", true},
		{"YQ==", "a", true},
		{"YQ", "a", true},
		{"YWI=", "ab", true},
		{"YWI", "ab", true},
		{"YWJj", "abc", true},
		{"-_8", "\xfb\xff", true},
		{"-_8=", "\xfb\xff", true},
		{"YQ=", "", false},    // padding, but not to a multiple of 4
		{"YQ===", "", false},  // three '='
		{"YWJj=", "", false},  // padding where none is due
		{"YR==", "", false},   // non-zero trailing bits
		{"+/8=", "", false},   // standard alphabet
		{"YW\nI=", "", false}, // newline
		{"YW I=", "", false},  // space
		{"Y===", "", false},
		{"=", "", false},
	}
	for _, tt := range tests {
		got, err := oidcDecode(tt.in)
		if (err == nil) != tt.ok || tt.ok && string(got) != tt.want {
			t.Errorf("oidcDecode(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestOIDCPlainKid(t *testing.T) {
	for _, kid := range []string{"kid-1", "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "k.1", "a+b=", "x:y@z", "~_", strings.Repeat("k", 128)} {
		if !oidcPlainKid(kid) {
			t.Errorf("oidcPlainKid(%q) = false, want true", kid)
		}
	}
	for _, kid := range []string{"", ".", "..", "../x", "a..b", "a/b", `a\b`, "a?b", "a#b", "a%2Fb", "a b", "a\tb", "a\nb", "é", strings.Repeat("k", 129)} {
		if oidcPlainKid(kid) {
			t.Errorf("oidcPlainKid(%q) = true, want false", kid)
		}
	}
}

// BenchmarkALBOIDC measures a request that passes with the key cached.
func BenchmarkALBOIDC(b *testing.B) {
	ks := newOIDCKeyServer(b)
	r := alb.New()
	r.GET("/private", authOK, ALBOIDC(ks.options()))
	tok := ks.mint(oidcJWTHeader("kid-1"), oidcClaims())
	payload := authEvent(false, "GET", "/private", nil, append([][2]string{{"X-Amzn-Oidc-Data", tok}}, oidcIdentity...)...)
	ctx := context.Background()
	if out, _ := r.Invoke(ctx, payload); !bytes.Contains(out, []byte(`"statusCode":200`)) {
		b.Fatalf("response %s, want 200", out)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}

// oidcClock is a clock that moves only when told; it is safe for
// concurrent use.
type oidcClock struct {
	mu sync.Mutex
	t  time.Time
}

func newOIDCClock() *oidcClock { return &oidcClock{t: oidcNow} }

func (c *oidcClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *oidcClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// A flood of well-formed headers with an accepted signer and a new kid
// each misses both caches: KeyFetchLimit bounds the fetches, and the log
// gets one line per failed fetch and one for the refusals per
// KeyFailureTTL.
func TestALBOIDCRandomKidFlood(t *testing.T) {
	ks := newOIDCKeyServer(t)
	var log oidcLog
	clock := newOIDCClock()
	opts := ks.options()
	opts.Now, opts.KeyFailureTTL, opts.KeyFetchLimit = clock.now, time.Minute, 5
	opts.Logger = slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{Level: slog.LevelInfo}))
	r, _ := authRouter(ALBOIDC(opts))

	flood := func(round int) {
		const requests, workers = 1000, 8
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < requests; i += workers {
					kid := "random-" + strconv.Itoa(round) + "-" + strconv.Itoa(i)
					if s := oidcRequest(context.Background(), ks, r, kid); s != http.StatusUnauthorized {
						t.Errorf("%s: status %d, want 401", kid, s)
					}
				}
			})
		}
		wg.Wait()
	}
	lines := func() (errs, warns int) {
		out := log.String()
		return strings.Count(out, `"level":"ERROR"`), strings.Count(out, `"level":"WARN"`)
	}

	flood(1)
	if n := ks.total(); n != 5 {
		t.Errorf("1,000 random kids: %d fetches, want 5 (KeyFetchLimit)", n)
	}
	if e, w := lines(); e != 5 || w != 1 {
		t.Errorf("1,000 random kids: %d error and %d warning lines, want 5 (one per failed fetch) and 1; log:\n%s", e, w, log.String())
	}
	if !strings.Contains(log.String(), `"refused":1,`) {
		t.Errorf("the warning does not count the request it was written for; log:\n%s", log.String())
	}

	// Within the same KeyFailureTTL, the budget refills at 5 per minute:
	// 30 s gives 2 more fetches (2.5, rounded down), and no new warning.
	clock.advance(30 * time.Second)
	flood(2)
	if n := ks.total(); n != 7 {
		t.Errorf("30 s later: %d fetches in all, want 7", n)
	}
	if e, w := lines(); e != 7 || w != 1 {
		t.Errorf("30 s later: %d error and %d warning lines, want 7 and 1; log:\n%s", e, w, log.String())
	}

	// A KeyFailureTTL later: a full bucket again, and one more warning.
	clock.advance(time.Minute)
	flood(3)
	if n := ks.total(); n != 12 {
		t.Errorf("a minute later: %d fetches in all, want 12", n)
	}
	if e, w := lines(); e != 12 || w != 2 {
		t.Errorf("a minute later: %d error and %d warning lines, want 12 and 2; log:\n%s", e, w, log.String())
	}
	// The second warning counts the refusals since the first: 994 and 998,
	// and its own.
	if !strings.Contains(log.String(), `"refused":1993,`) {
		t.Errorf("the second warning does not count 1993 refused requests; log:\n%s", log.String())
	}
}

// The memory of failures stays bounded when the clock does not move.
func TestALBOIDCFailuresBounded(t *testing.T) {
	ks := newOIDCKeyServer(t)
	clock := newOIDCClock()
	opts := ks.options()
	opts.Now, opts.KeyFetchLimit = clock.now, 3
	v := newOIDCVerifier(opts)
	r, _ := authRouter(v.middleware)
	for i := range 50 {
		clock.advance(time.Hour) // a full budget each time
		oidcRequest(context.Background(), ks, r, "random-"+strconv.Itoa(i))
	}
	v.keys.mu.Lock()
	n := len(v.keys.failed)
	v.keys.mu.Unlock()
	if n > 2*3 {
		t.Errorf("%d failures remembered, want at most 6", n)
	}
}

// A key server that never answers is abandoned after KeyFetchTimeout,
// although the request's context has no deadline.
func TestALBOIDCHangingKeyServer(t *testing.T) {
	ks := newOIDCKeyServer(t)
	ks.gate, ks.entered = make(chan struct{}), make(chan string, 10)
	t.Cleanup(func() { close(ks.gate) }) // before the server closes
	opts := ks.options()
	opts.KeyFetchTimeout = 50 * time.Millisecond
	r, errs := authRouter(ALBOIDC(opts))
	s := oidcRequest(context.Background(), ks, r, "kid-1")
	if err := errs.get(); s != http.StatusUnauthorized || !errors.Is(err, errOIDCKey) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("status %d, error %v; want 401, %v (%v)", s, err, errOIDCKey, context.DeadlineExceeded)
	}
	// The timeout may end the fetch before the server sees it (during the
	// TLS handshake, on a slow machine), never after a second one.
	if n := ks.fetched("/keys/eu-west-1/kid-1"); n > 1 {
		t.Errorf("kid-1 fetched %d times, want at most 1", n)
	}
}

// oidcDoneSpy is a context that signals when its Done method is first
// called: a request calls it once it waits for a fetch.
type oidcDoneSpy struct {
	context.Context
	once   sync.Once
	called chan struct{}
}

func (c *oidcDoneSpy) Done() <-chan struct{} {
	c.once.Do(func() { close(c.called) })
	return c.Context.Done()
}

// Two requests wait for one key; the one that started the fetch is
// cancelled: the other still gets the key.
func TestALBOIDCFirstWaiterCancelled(t *testing.T) {
	ks := newOIDCKeyServer(t)
	ks.gate, ks.entered = make(chan struct{}), make(chan string, 10)
	r, errs := authRouter(ALBOIDC(ks.options()))

	ctx1, cancel1 := context.WithCancel(context.Background())
	first := make(chan int, 1)
	go func() { first <- oidcRequest(ctx1, ks, r, "kid-1") }()
	<-ks.entered // the first request's fetch is under way

	ctx2 := &oidcDoneSpy{Context: context.Background(), called: make(chan struct{})}
	second := make(chan int, 1)
	go func() { second <- oidcRequest(ctx2, ks, r, "kid-1") }()
	<-ctx2.called // the second request waits for the same fetch

	cancel1()
	if s := <-first; s != http.StatusUnauthorized {
		t.Errorf("cancelled request: status %d, want 401", s)
	}
	close(ks.gate)
	if s := <-second; s != http.StatusOK {
		t.Errorf("second request: status %d (%v), want 200", s, errs.get())
	}
	if n := ks.fetched("/keys/eu-west-1/kid-1"); n != 1 {
		t.Errorf("kid-1 fetched %d times, want 1", n)
	}
}

type oidcPanicTransport struct{}

func (oidcPanicTransport) RoundTrip(*http.Request) (*http.Response, error) { panic("transport bug") }

// A fetch that panics, in its own goroutine, fails closed instead of
// crashing the function.
func TestALBOIDCFetchPanics(t *testing.T) {
	ks := newOIDCKeyServer(t)
	opts := ks.options()
	opts.HTTPClient = &http.Client{Transport: oidcPanicTransport{}}
	r, errs := authRouter(ALBOIDC(opts))
	if s := oidcRequest(context.Background(), ks, r, "kid-1"); s != http.StatusUnauthorized || !errors.Is(errs.get(), errOIDCKey) {
		t.Errorf("status %d, error %v; want 401, %v", s, errs.get(), errOIDCKey)
	}
}

// FuzzOIDCDecode checks oidcDecode against the standard library's strict
// base64url decoders: a part decodes when, free of CR and LF (which those
// decoders skip), it decodes padded or unpadded, to the same bytes.
func FuzzOIDCDecode(f *testing.F) {
	for _, s := range []string{"", "YQ==", "YQ", "YWI=", "YWJj", "-_8", "YQ=", "YR==", "+/8=", "YW\nI=", "Y===", "="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := oidcDecode(s)
		want, werr := base64.RawURLEncoding.Strict().DecodeString(s)
		if werr != nil {
			want, werr = base64.URLEncoding.Strict().DecodeString(s)
		}
		if strings.ContainsAny(s, "\r\n") {
			werr = errors.New("CR or LF")
		}
		if (err == nil) != (werr == nil) || err == nil && !bytes.Equal(got, want) {
			t.Fatalf("oidcDecode(%q) = %q, %v; the standard decoders give %q, %v", s, got, err, want, werr)
		}
	})
}
