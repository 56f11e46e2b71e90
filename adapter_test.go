package alb

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestWrapHandler(t *testing.T) {
	var got string
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		ck, _ := req.Cookie("session")
		got = strings.Join([]string{req.Method, req.URL.Path, req.URL.RawPath, req.URL.Query().Get("q"), req.Host,
			req.Header.Get("X-Tag"), ck.Value, string(body), req.RemoteAddr, req.RequestURI}, "|")
		http.SetCookie(w, &http.Cookie{Name: "a", Value: "1"})
		http.SetCookie(w, &http.Cookie{Name: "b", Value: "2"})
		w.Header().Set("Connection", "close") // dropped by the encoder
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "<p>made</p>")
	})
	r := New()
	r.POST("/files/*path", WrapHandler(h))
	event := `{"httpMethod":"POST","path":"/files/a%2Fb","multiValueHeaders":{"host":["example.com"],"x-tag":["t1"],` +
		`"cookie":["session=s1"],"x-forwarded-for":["203.0.113.9"]},"multiValueQueryStringParameters":{"q":["a+b"]},` +
		`"body":"` + base64.StdEncoding.EncodeToString([]byte("payload")) + `","isBase64Encoded":true}`
	out, err := r.Invoke(context.Background(), []byte(event))
	if err != nil {
		t.Fatal(err)
	}
	if want := "POST|/files/a/b|/files/a%2Fb|a b|example.com|t1|s1|payload|203.0.113.9:0|/files/a%2Fb?q=a+b"; got != want {
		t.Errorf("the handler saw %s, want %s", got, want)
	}
	d := decodeResponse(t, out)
	if d.StatusCode != http.StatusCreated || d.Body != "<p>made</p>" || len(d.MultiValueHeaders["Set-Cookie"]) != 2 ||
		d.MultiValueHeaders["Content-Type"][0] != "text/html; charset=utf-8" || d.MultiValueHeaders["Connection"] != nil {
		t.Errorf("response %s", out)
	}
}

func TestWrapHandlerDefaults(t *testing.T) {
	r := New()
	r.GET("/", WrapHandler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	r.GET("/png", WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00"))
	})))
	out, _ := r.Invoke(context.Background(), []byte(`{"httpMethod":"GET","path":"/","headers":{}}`))
	if d := decodeResponse(t, out); d.StatusCode != http.StatusOK || d.Body != "" {
		t.Errorf("empty handler: %s", out)
	}
	out, _ = r.Invoke(context.Background(), []byte(`{"httpMethod":"GET","path":"/png","headers":{}}`))
	if d := decodeResponse(t, out); d.Headers["Content-Type"] != "image/png" || !d.IsBase64Encoded {
		t.Errorf("sniffed PNG: %s", out)
	}
}

func TestWrapHandlerInformationalStatus(t *testing.T) {
	r := New()
	r.GET("/", WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusEarlyHints) // 103: not a final status
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "later")
	})))
	out, _ := r.Invoke(context.Background(), []byte(`{"httpMethod":"GET","path":"/","headers":{}}`))
	if d := decodeResponse(t, out); d.StatusCode != http.StatusAccepted || d.Body != "later" {
		t.Errorf("got %s, want 202 later", out)
	}
}
