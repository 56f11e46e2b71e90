package albcheck

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// validateCase is one response and the rule it breaks, 0 when accepted.
type validateCase struct {
	name       string
	resp       string
	multiValue bool
	rule       int
}

// sized returns an accepted single-value response of exactly n bytes.
func sized(n int) string {
	const prefix, suffix = `{"statusCode":200,"body":"`, `"}`
	return prefix + strings.Repeat("x", n-len(prefix)-len(suffix)) + suffix
}

// withHeaderBlock returns a single-value response whose one header line
// makes a header block of exactly n bytes.
func withHeaderBlock(n int) string {
	return `{"statusCode":200,"headers":{"X":"` + strings.Repeat("v", n-len("X")-4) + `"}}`
}

var validateCases = []validateCase{
	// Accepted.
	{"minimal single-value", `{"statusCode":200}`, false, 0},
	{"minimal multi-value", `{"statusCode":200}`, true, 0},
	{"full single-value", `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"text/plain; charset=utf-8"},"body":"hello"}`, false, 0},
	{"full multi-value", `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"multiValueHeaders":{"Set-Cookie":["a=1; Path=/","b=2"],"Content-Type":["text/plain"]},"body":"hello"}`, true, 0},
	{"empty headers and body", `{"statusCode":204,"statusDescription":"204 No Content","isBase64Encoded":false,"headers":{},"body":""}`, false, 0},
	{"empty multi-value array", `{"statusCode":200,"multiValueHeaders":{"X-Empty":[]}}`, true, 0},
	{"base64 body", `{"statusCode":200,"isBase64Encoded":true,"body":"AAEC/w=="}`, false, 0},
	{"empty base64 body", `{"statusCode":200,"isBase64Encoded":true,"body":""}`, false, 0},
	{"case-variant Set-Cookie names", `{"statusCode":200,"headers":{"Set-Cookie":"a=1","set-Cookie":"b=2"}}`, false, 0},
	{"reason not checked", `{"statusCode":404,"statusDescription":"404 NotFound"}`, false, 0},
	{"empty reason", `{"statusCode":299,"statusDescription":"299 "}`, false, 0},
	{"status 200", `{"statusCode":200}`, false, 0},
	{"status 100: not a final status", `{"statusCode":100}`, false, 20},
	{"status 199", `{"statusCode":199}`, true, 20},
	{"status 599", `{"statusCode":599}`, false, 0},
	{"white space around", " \n\t{ \"statusCode\" : 200 }\r\n ", false, 0},
	{"non-ASCII body", `{"statusCode":200,"body":"grüße ✓ \ud83d\ude00"}`, false, 0},
	{"tab in header value", `{"statusCode":200,"headers":{"X":"a\tb"}}`, false, 0},
	{"exactly MaxResponseSize", sized(MaxResponseSize), false, 0},
	{"header block of exactly 32 KiB", withHeaderBlock(MaxHeaderBlock), false, 0},

	// Rule 30: size, checked before anything else.
	{"one byte over MaxResponseSize", sized(MaxResponseSize + 1), false, 30},
	{"over MaxResponseSize and malformed", strings.Repeat("[", MaxResponseSize+1), false, 30},

	// Rule 20: a single JSON object with an integer statusCode.
	{"empty", ``, false, 20},
	{"malformed", `{"statusCode":200`, false, 20},
	{"trailing data", `{"statusCode":200} x`, false, 20},
	{"two objects", `{"statusCode":200}{"statusCode":200}`, false, 20},
	{"array top-level", `[{"statusCode":200}]`, false, 20},
	{"null top-level", `null`, false, 20},
	{"byte order mark", "\ufeff{\"statusCode\":200}", false, 20},
	{"statusCode missing", `{"body":"x"}`, false, 20},
	{"statusCode string", `{"statusCode":"200"}`, false, 20},
	{"statusCode float", `{"statusCode":200.5}`, false, 20},
	{"statusCode with fraction zero", `{"statusCode":200.0}`, false, 20},
	{"statusCode exponent", `{"statusCode":2e2}`, false, 20},
	{"statusCode null", `{"statusCode":null}`, false, 20},
	{"statusCode boolean", `{"statusCode":true}`, false, 20},
	{"statusCode 99", `{"statusCode":99}`, false, 20},
	{"statusCode 600", `{"statusCode":600}`, false, 20},
	{"statusCode negative", `{"statusCode":-200}`, false, 20},
	{"statusCode overflows int", `{"statusCode":200000000000000000000000}`, false, 20},
	{"duplicate statusCode", `{"statusCode":200,"statusCode":"200"}`, false, 20},
	{"duplicate header name", `{"statusCode":200,"headers":{"X":"1","X":"2"}}`, false, 20},
	{"duplicate key by escape", `{"statusCode":200,"body":"","\u0062ody":""}`, false, 20},

	// Rule 21: no other top-level keys.
	{"unknown key", `{"statusCode":200,"cookies":["a=1"]}`, false, 21},
	{"key in another case", `{"statusCode":200,"Body":"x"}`, false, 21},

	// Rule 22: no null anywhere.
	{"null body", `{"statusCode":200,"body":null}`, false, 22},
	{"null headers", `{"statusCode":200,"headers":null}`, false, 22},
	{"null multiValueHeaders", `{"statusCode":200,"multiValueHeaders":null}`, true, 22},
	// The real ALB is reported to tolerate a null for the inactive header
	// field (contract open question 4); this project never sends one.
	{"null inactive header field", `{"statusCode":200,"headers":{},"multiValueHeaders":null}`, false, 22},
	{"null statusDescription", `{"statusCode":200,"statusDescription":null}`, false, 22},
	{"null isBase64Encoded", `{"statusCode":200,"isBase64Encoded":null}`, false, 22},
	{"null header value", `{"statusCode":200,"headers":{"X":null}}`, false, 22},
	{"null in a value array", `{"statusCode":200,"multiValueHeaders":{"X":["a",null]}}`, true, 22},

	// Rule 23: statusDescription.
	{"statusDescription number", `{"statusCode":200,"statusDescription":200}`, false, 23},
	{"statusDescription without code", `{"statusCode":200,"statusDescription":"OK"}`, false, 23},
	{"statusDescription of another code", `{"statusCode":200,"statusDescription":"404 Not Found"}`, false, 23},
	{"statusDescription without space", `{"statusCode":200,"statusDescription":"200OK"}`, false, 23},
	{"statusDescription code only", `{"statusCode":200,"statusDescription":"200"}`, false, 23},
	{"statusDescription not UTF-8", `{"statusCode":200,"statusDescription":"200 \udc00"}`, false, 23},
	{"statusDescription with CRLF", `{"statusCode":200,"statusDescription":"200 OK\r\nX: y"}`, false, 23},

	// Rule 25: the header field of the mode, and only that one.
	{"multiValueHeaders in single-value mode", `{"statusCode":200,"multiValueHeaders":{"X":["a"]}}`, false, 25},
	{"headers in multi-value mode", `{"statusCode":200,"headers":{"X":"a"}}`, true, 25},
	{"both fields, single-value mode", `{"statusCode":200,"headers":{},"multiValueHeaders":{}}`, false, 25},
	{"both fields, multi-value mode", `{"statusCode":200,"headers":{},"multiValueHeaders":{}}`, true, 25},

	// Rule 24: header value types.
	{"boolean header value", `{"statusCode":200,"headers":{"X-Flag":true}}`, false, 24},
	{"numeric header value", `{"statusCode":200,"headers":{"X-Count":3}}`, false, 24},
	{"object header value", `{"statusCode":200,"headers":{"X":{}}}`, false, 24},
	{"array in single-value mode", `{"statusCode":200,"headers":{"X":["a"]}}`, false, 24},
	{"string in multi-value mode", `{"statusCode":200,"multiValueHeaders":{"X":"a"}}`, true, 24},
	{"number in a value array", `{"statusCode":200,"multiValueHeaders":{"X":["a",1]}}`, true, 24},
	{"boolean in a value array", `{"statusCode":200,"multiValueHeaders":{"X":[false]}}`, true, 24},
	{"object in multi-value mode", `{"statusCode":200,"multiValueHeaders":{"X":{"a":"b"}}}`, true, 24},
	{"headers an array", `{"statusCode":200,"headers":[]}`, false, 24},
	{"multiValueHeaders a string", `{"statusCode":200,"multiValueHeaders":"X"}`, true, 24},

	// Rule 28: the project's header rules.
	{"Content-Length", `{"statusCode":200,"headers":{"Content-Length":"5"},"body":"hello"}`, false, 28},
	{"content-length in multi-value mode", `{"statusCode":200,"multiValueHeaders":{"content-length":["5"]}}`, true, 28},
	{"Transfer-Encoding", `{"statusCode":200,"headers":{"Transfer-Encoding":"chunked"}}`, false, 28},
	{"connection", `{"statusCode":200,"headers":{"connection":"close"}}`, false, 28},
	{"TE", `{"statusCode":200,"headers":{"te":"trailers"}}`, false, 28},
	{"Upgrade", `{"statusCode":200,"headers":{"UPGRADE":"websocket"}}`, false, 28},
	{"empty array of a banned header", `{"statusCode":200,"multiValueHeaders":{"Keep-Alive":[]}}`, true, 28},
	{"empty array under an invalid name", `{"statusCode":200,"multiValueHeaders":{"X Y":[]}}`, true, 28},
	{"CRLF in header value", `{"statusCode":200,"headers":{"X":"a\r\nSet-Cookie: b=1"}}`, false, 28},
	{"LF in a value array", `{"statusCode":200,"multiValueHeaders":{"X":["a","b\nc"]}}`, true, 28},
	{"NUL in header value", `{"statusCode":200,"headers":{"X":"a\u0000b"}}`, false, 28},
	{"space in header name", `{"statusCode":200,"headers":{"X Y":"a"}}`, false, 28},
	{"colon in header name", `{"statusCode":200,"headers":{"X:":"a"}}`, false, 28},
	{"empty header name", `{"statusCode":200,"headers":{"":"a"}}`, false, 28},
	{"non-ASCII header name", `{"statusCode":200,"headers":{"X-Ä":"a"}}`, false, 28},
	{"invalid UTF-8 header value", "{\"statusCode\":200,\"headers\":{\"X\":\"\xff\"}}", false, 28},
	{"unpaired surrogate header value", `{"statusCode":200,"headers":{"X":"\ud800"}}`, false, 28},
	{"header block over 32 KiB", withHeaderBlock(MaxHeaderBlock + 1), false, 28},

	// Rule 29: isBase64Encoded and body.
	{"isBase64Encoded string", `{"statusCode":200,"isBase64Encoded":"true","body":"aGk="}`, false, 29},
	{"isBase64Encoded number", `{"statusCode":200,"isBase64Encoded":0}`, false, 29},
	{"body number", `{"statusCode":200,"body":5}`, false, 29},
	{"body object", `{"statusCode":200,"body":{"a":1}}`, false, 29},
	{"invalid base64", `{"statusCode":200,"isBase64Encoded":true,"body":"not base64!"}`, false, 29},
	{"unpadded base64", `{"statusCode":200,"isBase64Encoded":true,"body":"aGk"}`, false, 29},
	{"URL-safe base64", `{"statusCode":200,"isBase64Encoded":true,"body":"__8="}`, false, 29},
	{"base64 with non-zero padding bits", `{"statusCode":200,"isBase64Encoded":true,"body":"aGl="}`, false, 29},
	{"base64 with LF", `{"statusCode":200,"isBase64Encoded":true,"body":"aGVs\nbG8="}`, false, 29},
	{"base64 with CRLF at the end", `{"statusCode":200,"isBase64Encoded":true,"body":"aGVsbG8=\r\n"}`, false, 29},
	{"invalid UTF-8 body", "{\"statusCode\":200,\"body\":\"caf\xe9\"}", false, 29},
	{"UTF-8-encoded surrogate in body", "{\"statusCode\":200,\"body\":\"\xed\xa0\x80\"}", false, 29},
	{"unpaired high surrogate escape in body", `{"statusCode":200,"body":"a\ud83d"}`, false, 29},
	{"high surrogate escape then letter", `{"statusCode":200,"body":"\ud83d\u0041"}`, false, 29},
	{"lone low surrogate escape in body", `{"statusCode":200,"body":"\ude00x"}`, false, 29},
	{"escaped backslash before u", `{"statusCode":200,"body":"\\ud800"}`, false, 0},
}

func TestValidate(t *testing.T) {
	for _, c := range validateCases {
		err := Validate([]byte(c.resp), c.multiValue)
		checkRule(t, c.name, err, c.rule)
	}
}

// checkRule fails t unless err is nil for rule 0, or an *Error with the
// given rule.
func checkRule(t *testing.T, name string, err error, rule int) {
	t.Helper()
	if rule == 0 {
		if err != nil {
			t.Errorf("%s: Validate = %v, want nil", name, err)
		}
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s: Validate = %v, want an *Error for rule %d", name, err, rule)
		return
	}
	if e.Rule != rule {
		t.Errorf("%s: Validate = %v, want rule %d", name, err, rule)
	}
}

// TestRecordedResponses checks the response samples published by
// aws-lambda-go and aws-lambda-java-libs. Both carry "headers" AND
// "multiValueHeaders", so neither answers in one mode only: they must be
// refused in both modes, with rule 25.
func TestRecordedResponses(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "alb-events")
	for _, file := range []string{
		"aws-lambda-go_alb-lambda-target-response.json",
		"aws-lambda-java-libs_alb_response.json",
	} {
		resp, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, mv := range []bool{false, true} {
			err := Validate(resp, mv)
			checkRule(t, file, err, 25)
			if err != nil {
				t.Logf("%s (multiValue %v): %v", file, mv, err)
			}
		}
		// Without the field of the other mode, each sample is accepted.
		for _, mv := range []bool{false, true} {
			drop := "multiValueHeaders"
			if mv {
				drop = "headers"
			}
			checkRule(t, file+" without "+drop, Validate(without(t, resp, drop), mv), 0)
		}
	}
}

// without returns the JSON object resp with its member key removed.
func without(t *testing.T, resp []byte, key string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(resp, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, key)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name       string
		resp       string
		multiValue bool
		want       Response
	}{
		{
			name:       "multi-value, base64",
			resp:       `{"statusCode":201,"statusDescription":"201 Created","isBase64Encoded":true,"multiValueHeaders":{"Set-Cookie":["b=2","a=1"],"Content-Type":["application/octet-stream"],"X-None":[],"set-cookie":["c=3"]},"body":"AAEC/w=="}`,
			multiValue: true,
			want: Response{
				StatusCode:        201,
				StatusDescription: "201 Created",
				Headers: [][2]string{
					{"Set-Cookie", "b=2"},
					{"Set-Cookie", "a=1"},
					{"Content-Type", "application/octet-stream"},
					{"set-cookie", "c=3"},
				},
				Body: []byte{0, 1, 2, 0xff},
			},
		},
		{
			name: "single-value, text",
			resp: `{"statusCode":404,"headers":{"Z":"1","A":"2","M":"\u00e9\"\\"},"body":"not \u0066ound \ud83d\ude00"}`,
			want: Response{
				StatusCode: 404,
				Headers:    [][2]string{{"Z", "1"}, {"A", "2"}, {"M", "é\"\\"}},
				Body:       []byte("not found 😀"),
			},
		},
		{
			name: "minimal",
			resp: `{"statusCode":200}`,
			want: Response{StatusCode: 200},
		},
		{
			name: "empty base64 body",
			resp: `{"statusCode":200,"isBase64Encoded":true,"body":""}`,
			want: Response{StatusCode: 200},
		},
	}
	for _, tt := range tests {
		got, err := Decode([]byte(tt.resp), tt.multiValue)
		if err != nil {
			t.Errorf("%s: Decode = %v", tt.name, err)
			continue
		}
		if got.StatusCode != tt.want.StatusCode || got.StatusDescription != tt.want.StatusDescription {
			t.Errorf("%s: status = %d %q, want %d %q", tt.name, got.StatusCode, got.StatusDescription, tt.want.StatusCode, tt.want.StatusDescription)
		}
		if !equalHeaders(got.Headers, tt.want.Headers) {
			t.Errorf("%s: Headers = %q, want %q", tt.name, got.Headers, tt.want.Headers)
		}
		if !bytes.Equal(got.Body, tt.want.Body) || (got.Body == nil) != (tt.want.Body == nil) {
			t.Errorf("%s: Body = %#v, want %#v", tt.name, got.Body, tt.want.Body)
		}
	}
}

func equalHeaders(a, b [][2]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDecodeRefused(t *testing.T) {
	r, err := Decode([]byte(`{"statusCode":"200"}`), false)
	if r != nil {
		t.Errorf("Decode returned %+v with error %v, want nil", r, err)
	}
	checkRule(t, "Decode", err, 20)
}

func TestErrorString(t *testing.T) {
	err := Validate([]byte(`{"statusCode":"200"}`), false)
	const want = `albcheck: rule 20: "statusCode" is a string, not a number`
	if err == nil || err.Error() != want {
		t.Errorf("Validate = %v, want %s", err, want)
	}
	// Long names and values are cut in reasons.
	err = Validate([]byte(`{"statusCode":200,"`+strings.Repeat("k", 1000)+`":1}`), false)
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("Validate = %v, want a short reason", err)
	}
}

func TestNullPath(t *testing.T) {
	err := Validate([]byte(`{"statusCode":200,"multiValueHeaders":{"A":["x"],"B":["y",null]}}`), true)
	const want = `albcheck: rule 22: "multiValueHeaders"["B"][1] is null`
	if err == nil || err.Error() != want {
		t.Errorf("Validate = %v, want %s", err, want)
	}
}

func TestValidText(t *testing.T) {
	tests := []struct {
		raw  string
		want bool
	}{
		{``, true},
		{`abc`, true},
		{`\"\\\/\b\f\n\r\t`, true},
		{`\u0041\u00e9\u20ac`, true},
		{`\ud83d\ude00`, true},
		{`\uD83D\uDE00`, true},
		{`x\ud83d\ude00y\ud83d\ude00`, true},
		{`\\ud800`, true},
		{`\\\ud83d\ude00`, true},
		{`\ud800`, false},
		{`\udfff`, false},
		{`\ud800x`, false},
		{`\ud800\n`, false},
		{`\ud800\u0041`, false},
		{`\ud800\ud800`, false},
		{`\ud800\ud800\udc00`, false},
		{`\ud83d\ude00\ude00`, false},
		{"\xff", false},
		{"\xed\xa0\x80", false},
		{"caf\xc3", false},
	}
	for _, tt := range tests {
		if got := validText([]byte(tt.raw)); got != tt.want {
			t.Errorf("validText(%q) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}

// FuzzValidate checks that Validate never panics, that it agrees with
// Decode, and that whatever it accepts, encoding/json parses as an object
// with an integer statusCode in 200-599 and the same headers and body that
// Decode reports, and that it is valid UTF-8.
func FuzzValidate(f *testing.F) {
	for _, c := range validateCases {
		if len(c.resp) <= 4096 {
			f.Add([]byte(c.resp), c.multiValue)
		}
	}
	f.Fuzz(func(t *testing.T, resp []byte, multiValue bool) {
		err := Validate(resp, multiValue)
		r, derr := Decode(resp, multiValue)
		if (err == nil) != (derr == nil) || (derr == nil) == (r == nil) {
			t.Fatalf("Validate = %v but Decode = %v, %v", err, r, derr)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Rule < 20 || e.Rule > 30 {
				t.Fatalf("Validate = %#v, want an *Error with a rule in 20-30", err)
			}
			return
		}
		if !utf8.Valid(resp) {
			t.Fatalf("accepted, but not valid UTF-8")
		}
		var m map[string]any
		if jerr := json.Unmarshal(resp, &m); jerr != nil || m == nil {
			t.Fatalf("accepted, but json.Unmarshal = %v, %v", m, jerr)
		}
		code, ok := m["statusCode"].(float64)
		if !ok || code != float64(r.StatusCode) || code < 200 || code > 599 {
			t.Fatalf("accepted, but statusCode = %#v, Decode gave %d", m["statusCode"], r.StatusCode)
		}
		checkFuzzHeaders(t, m, r, multiValue)
		checkFuzzBody(t, m, r)
	})
}

// checkFuzzHeaders checks r.Headers against m, decoded by encoding/json.
func checkFuzzHeaders(t *testing.T, m map[string]any, r *Response, multiValue bool) {
	t.Helper()
	field := "headers"
	if multiValue {
		field = "multiValueHeaders"
	}
	h, _ := m[field].(map[string]any)
	want := 0
	for _, v := range h {
		if multiValue {
			want += len(v.([]any))
		} else {
			want++
		}
	}
	if len(r.Headers) != want {
		t.Fatalf("Decode gave %d header lines, encoding/json %d", len(r.Headers), want)
	}
	next := make(map[string]int)
	for _, p := range r.Headers {
		var v any = h[p[0]]
		if multiValue {
			v = h[p[0]].([]any)[next[p[0]]]
			next[p[0]]++
		}
		if v != p[1] {
			t.Fatalf("header %q = %q, encoding/json says %#v", p[0], p[1], v)
		}
	}
}

// checkFuzzBody checks r.Body against m, decoded by encoding/json.
func checkFuzzBody(t *testing.T, m map[string]any, r *Response) {
	t.Helper()
	s, _ := m["body"].(string)
	want := []byte(s)
	if b64, _ := m["isBase64Encoded"].(bool); b64 {
		var err error
		if want, err = base64.StdEncoding.DecodeString(s); err != nil {
			t.Fatalf("accepted, but base64 decoding fails: %v", err)
		}
	}
	if !bytes.Equal(r.Body, want) {
		t.Fatalf("Body = %q, want %q", r.Body, want)
	}
}
