package alb

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/albkit/alb/internal/albcheck"
)

// binary2k is a 2 KiB body that is not valid UTF-8.
var binary2k = func() []byte {
	b := make([]byte, 2048)
	for i := range b {
		b[i] = byte(i*131 + i>>8)
	}
	return b
}()

// encodeCases are responses with their exact encodings in single-value and
// multi-value mode, for an encoder with the default settings. The golden
// test runs them all; the allocation test and the benchmark use those named
// text, json and binary2k.
var encodeCases = []struct {
	name   string
	r      response
	single string
	multi  string
}{
	{
		name:   "empty",
		r:      response{},
		single: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{},"body":""}`,
		multi:  `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"multiValueHeaders":{},"body":""}`,
	},
	{
		name: "text",
		r: response{
			status:  200,
			headers: []field{{"Content-Type", "text/plain; charset=utf-8"}},
			body:    []byte("Hello, world!\n"),
		},
		single: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"text/plain; charset=utf-8"},"body":"Hello, world!\n"}`,
		multi:  `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"multiValueHeaders":{"Content-Type":["text/plain; charset=utf-8"]},"body":"Hello, world!\n"}`,
	},
	{
		name: "json",
		r: response{
			status: 201,
			headers: []field{
				{"Content-Type", "application/json"},
				{"Location", "/users/7"},
			},
			body: []byte(`{"id":7,"name":"Zoë \"Z\"","path":"C:\\x"}` + "\n"),
		},
		single: `{"statusCode":201,"statusDescription":"201 Created","isBase64Encoded":false,"headers":{"Content-Type":"application/json","Location":"/users/7"},"body":"{\"id\":7,\"name\":\"Zoë \\\"Z\\\"\",\"path\":\"C:\\\\x\"}\n"}`,
		multi:  `{"statusCode":201,"statusDescription":"201 Created","isBase64Encoded":false,"multiValueHeaders":{"Content-Type":["application/json"],"Location":["/users/7"]},"body":"{\"id\":7,\"name\":\"Zoë \\\"Z\\\"\",\"path\":\"C:\\\\x\"}\n"}`,
	},
	{
		name: "binary2k",
		r: response{
			headers: []field{{"Content-Type", "image/png"}},
			body:    binary2k,
		},
		single: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"headers":{"Content-Type":"image/png"},"body":"` +
			base64.StdEncoding.EncodeToString(binary2k) + `"}`,
		multi: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"multiValueHeaders":{"Content-Type":["image/png"]},"body":"` +
			base64.StdEncoding.EncodeToString(binary2k) + `"}`,
	},
	{
		// Rule 23: a code net/http does not name still gets a reason.
		name:   "unnamed status",
		r:      response{status: 299},
		single: `{"statusCode":299,"statusDescription":"299 Success","isBase64Encoded":false,"headers":{},"body":""}`,
		multi:  `{"statusCode":299,"statusDescription":"299 Success","isBase64Encoded":false,"multiValueHeaders":{},"body":""}`,
	},
	{
		// A 1xx is not a final status: a client would wait for another.
		name:   "1xx status",
		r:      response{status: 103},
		single: `{"statusCode":500,"statusDescription":"500 Internal Server Error","isBase64Encoded":false,"headers":{},"body":""}`,
		multi:  `{"statusCode":500,"statusDescription":"500 Internal Server Error","isBase64Encoded":false,"multiValueHeaders":{},"body":""}`,
	},
	{
		// Rule 20: statusCode is always a number the ALB accepts.
		name:   "status below 100",
		r:      response{status: 99},
		single: `{"statusCode":500,"statusDescription":"500 Internal Server Error","isBase64Encoded":false,"headers":{},"body":""}`,
		multi:  `{"statusCode":500,"statusDescription":"500 Internal Server Error","isBase64Encoded":false,"multiValueHeaders":{},"body":""}`,
	},
	{
		name:   "status above 599",
		r:      response{status: 600},
		single: `{"statusCode":500,"statusDescription":"500 Internal Server Error","isBase64Encoded":false,"headers":{},"body":""}`,
		multi:  `{"statusCode":500,"statusDescription":"500 Internal Server Error","isBase64Encoded":false,"multiValueHeaders":{},"body":""}`,
	},
	{
		// Entries that share a name case-insensitively become one key,
		// spelled as first seen, in the order names first appear.
		name: "repeated headers",
		r: response{
			status: 404,
			headers: []field{
				{"Vary", "Accept"},
				{"X-Multi", "1"},
				{"vary", "Origin"},
				{"VARY", "Accept-Encoding"},
			},
		},
		single: `{"statusCode":404,"statusDescription":"404 Not Found","isBase64Encoded":false,"headers":{"Vary":"Accept, Origin, Accept-Encoding","X-Multi":"1"},"body":""}`,
		multi:  `{"statusCode":404,"statusDescription":"404 Not Found","isBase64Encoded":false,"multiValueHeaders":{"Vary":["Accept","Origin","Accept-Encoding"],"X-Multi":["1"]},"body":""}`,
	},
	{
		// Rule 27: every Set-Cookie is its own array element in
		// multi-value mode; single-value mode keeps the last by default.
		name: "cookies",
		r: response{
			status: 302,
			headers: []field{
				{"Set-Cookie", "a=1; Path=/; HttpOnly"},
				{"Location", "/"},
				{"set-cookie", "b=2; Path=/"},
			},
		},
		single: `{"statusCode":302,"statusDescription":"302 Found","isBase64Encoded":false,"headers":{"Set-Cookie":"b=2; Path=/","Location":"/"},"body":""}`,
		multi:  `{"statusCode":302,"statusDescription":"302 Found","isBase64Encoded":false,"multiValueHeaders":{"Set-Cookie":["a=1; Path=/; HttpOnly","b=2; Path=/"],"Location":["/"]},"body":""}`,
	},
	{
		// Rule 28: hop-by-hop headers and Content-Length never go out.
		name: "hop-by-hop",
		r: response{
			headers: []field{
				{"Connection", "close"},
				{"Keep-Alive", "timeout=5"},
				{"Proxy-Connection", "keep-alive"},
				{"Proxy-Authenticate", "Basic"},
				{"Proxy-Authorization", "Basic eA=="},
				{"te", "trailers"},
				{"Trailer", "X-Sum"},
				{"TRANSFER-ENCODING", "chunked"},
				{"Upgrade", "websocket"},
				{"content-length", "5"},
				{"Content-Type", "text/plain"},
				{"X-Kept", "yes"},
			},
			body: []byte("hello"),
		},
		single: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"text/plain","X-Kept":"yes"},"body":"hello"}`,
		multi:  `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"multiValueHeaders":{"Content-Type":["text/plain"],"X-Kept":["yes"]},"body":"hello"}`,
	},
	{
		// Rule 28: invalid names and values are dropped, so no value can
		// split the response; valid values are escaped.
		name: "invalid headers",
		r: response{
			headers: []field{
				{"X-Split", "a\r\nSet-Cookie: x=1"},
				{"X Bad", "space in name"},
				{"", "empty name"},
				{"X-Ü", "non-ASCII name"},
				{"X-Nul", "a\x00b"},
				{"X-Del", "a\x7fb"},
				{"X-Latin1", "caf\xe9"},
				{"X-Tab", "a\tb"},
				{"X-Quote", `say "hi" \o/`},
				{"X-Unicode", "Zoë ✓"},
			},
		},
		single: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"X-Tab":"a\tb","X-Quote":"say \"hi\" \\o/","X-Unicode":"Zoë ✓"},"body":""}`,
		multi:  `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"multiValueHeaders":{"X-Tab":["a\tb"],"X-Quote":["say \"hi\" \\o/"],"X-Unicode":["Zoë ✓"]},"body":""}`,
	},
	{
		// Rule 29: no Content-Type means base64.
		name:   "no content type",
		r:      response{body: []byte("plain words")},
		single: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"headers":{},"body":"cGxhaW4gd29yZHM="}`,
		multi:  `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"multiValueHeaders":{},"body":"cGxhaW4gd29yZHM="}`,
	},
	{
		// Rule 29: any Content-Encoding means base64.
		name: "content encoding",
		r: response{
			headers: []field{{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}},
			body:    []byte("{}"),
		},
		single: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"headers":{"Content-Type":"application/json","Content-Encoding":"gzip"},"body":"e30="}`,
		multi:  `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"multiValueHeaders":{"Content-Type":["application/json"],"Content-Encoding":["gzip"]},"body":"e30="}`,
	},
	{
		// Rule 29: a text type with a body that is not UTF-8 goes as base64.
		name: "invalid UTF-8 text",
		r: response{
			headers: []field{{"Content-Type", "text/plain; charset=iso-8859-1"}},
			body:    []byte("caf\xe9"),
		},
		single: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"headers":{"Content-Type":"text/plain; charset=iso-8859-1"},"body":"Y2Fm6Q=="}`,
		multi:  `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"multiValueHeaders":{"Content-Type":["text/plain; charset=iso-8859-1"]},"body":"Y2Fm6Q=="}`,
	},
	{
		name: "control characters",
		r: response{
			headers: []field{{"Content-Type", "text/plain"}},
			body:    []byte("a\x00b\x1fc\"d\\e\bf\fg\rh\ti\nj\x7fk\u2028l"),
		},
		single: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"text/plain"},"body":"a\u0000b\u001fc\"d\\e\bf\fg\rh\ti\nj` + "\x7fk\u2028l" + `"}`,
		multi:  `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"multiValueHeaders":{"Content-Type":["text/plain"]},"body":"a\u0000b\u001fc\"d\\e\bf\fg\rh\ti\nj` + "\x7fk\u2028l" + `"}`,
	},
	{
		// Media types are matched before ';', trimmed, case-insensitively,
		// with +json and +xml suffixes; only the first Content-Type counts.
		name: "structured suffix",
		r: response{
			status: 422,
			headers: []field{
				{"Content-Type", " Application/Problem+JSON ; charset=utf-8"},
				{"content-type", "image/png"},
			},
			body: []byte(`{"title":"bad"}`),
		},
		single: `{"statusCode":422,"statusDescription":"422 Unprocessable Entity","isBase64Encoded":false,"headers":{"Content-Type":" Application/Problem+JSON ; charset=utf-8, image/png"},"body":"{\"title\":\"bad\"}"}`,
		multi:  `{"statusCode":422,"statusDescription":"422 Unprocessable Entity","isBase64Encoded":false,"multiValueHeaders":{"Content-Type":[" Application/Problem+JSON ; charset=utf-8","image/png"]},"body":"{\"title\":\"bad\"}"}`,
	},
	{
		name: "form",
		r: response{
			headers: []field{{"Content-Type", "application/x-www-form-urlencoded"}},
			body:    []byte("a=1&b=%20"),
		},
		single: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"application/x-www-form-urlencoded"},"body":"a=1&b=%20"}`,
		multi:  `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"multiValueHeaders":{"Content-Type":["application/x-www-form-urlencoded"]},"body":"a=1&b=%20"}`,
	},
	{
		name: "BodyText",
		r: response{
			headers:  []field{{"Content-Type", "application/octet-stream"}},
			body:     []byte("abc"),
			encoding: BodyText,
		},
		single: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"application/octet-stream"},"body":"abc"}`,
		multi:  `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"multiValueHeaders":{"Content-Type":["application/octet-stream"]},"body":"abc"}`,
	},
	{
		// BodyText cannot carry invalid UTF-8 in a JSON string.
		name: "BodyText invalid UTF-8",
		r: response{
			headers:  []field{{"Content-Type", "text/plain"}},
			body:     []byte{0xff},
			encoding: BodyText,
		},
		single: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"headers":{"Content-Type":"text/plain"},"body":"/w=="}`,
		multi:  `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"multiValueHeaders":{"Content-Type":["text/plain"]},"body":"/w=="}`,
	},
	{
		name: "BodyBase64",
		r: response{
			headers:  []field{{"Content-Type", "text/plain"}},
			body:     []byte("abc"),
			encoding: BodyBase64,
		},
		single: `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"headers":{"Content-Type":"text/plain"},"body":"YWJj"}`,
		multi:  `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"multiValueHeaders":{"Content-Type":["text/plain"]},"body":"YWJj"}`,
	},
	{
		// An empty body is "" and not base64, whatever the encoding.
		name:   "BodyBase64 empty",
		r:      response{status: 204, encoding: BodyBase64},
		single: `{"statusCode":204,"statusDescription":"204 No Content","isBase64Encoded":false,"headers":{},"body":""}`,
		multi:  `{"statusCode":204,"statusDescription":"204 No Content","isBase64Encoded":false,"multiValueHeaders":{},"body":""}`,
	},
}

// quietEncoder returns an encoder with default settings that logs nowhere.
func quietEncoder() *encoder {
	return &encoder{logger: slog.New(slog.DiscardHandler)}
}

// loggingEncoder returns an encoder with default settings that logs as text
// into the returned buffer.
func loggingEncoder() (*encoder, *bytes.Buffer) {
	var buf bytes.Buffer
	return &encoder{logger: slog.New(slog.NewTextHandler(&buf, nil))}, &buf
}

func modeName(multiValue bool) string {
	if multiValue {
		return "multi"
	}
	return "single"
}

// Rules 3, 20-25, 27-29: the exact output for representative responses.
func TestEncodeGolden(t *testing.T) {
	e := quietEncoder()
	for _, tt := range encodeCases {
		for _, multiValue := range []bool{false, true} {
			want := tt.single
			if multiValue {
				want = tt.multi
			}
			got := string(e.encode(&tt.r, multiValue))
			if got != want {
				t.Errorf("%s, mode=%s:\n got %s\nwant %s", tt.name, modeName(multiValue), got, want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("%s, mode=%s: output is not valid JSON", tt.name, modeName(multiValue))
			}
		}
	}
}

// appendResponse appends after what dst holds and leaves r unchanged.
func TestEncodeAppends(t *testing.T) {
	e := quietEncoder()
	r := response{headers: []field{{"Vary", "a"}, {"vary", "b"}, {"Connection", "close"}}, body: []byte("x")}
	want := []field{{"Vary", "a"}, {"vary", "b"}, {"Connection", "close"}}
	got := string(e.appendResponse([]byte("prefix"), &r, false))
	const wantOut = `prefix{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"headers":{"Vary":"a, b"},"body":"eA=="}`
	if got != wantOut {
		t.Errorf("appendResponse = %s, want %s", got, wantOut)
	}
	if !reflect.DeepEqual(r.headers, want) {
		t.Errorf("headers after encoding = %q, want %q", r.headers, want)
	}
}

// Rule 28: a value carrying CR LF can never add a header or end the object.
func TestEncodeHeaderInjection(t *testing.T) {
	e, logs := loggingEncoder()
	for _, v := range []string{"a\r\nSet-Cookie: x=1", "a\nSet-Cookie: x=1", "a\rSet-Cookie: x=1", "\"}, \"statusCode\": 302"} {
		for _, multiValue := range []bool{false, true} {
			r := response{headers: []field{{"X-Evil", v}}}
			out := e.encode(&r, multiValue)
			var m map[string]any
			if err := json.Unmarshal(out, &m); err != nil {
				t.Fatalf("X-Evil: %q: invalid JSON %s: %v", v, out, err)
			}
			if m["statusCode"] != 200.0 {
				t.Errorf("X-Evil: %q: statusCode = %v, want 200", v, m["statusCode"])
			}
			if strings.Contains(v, "\n") || strings.Contains(v, "\r") {
				if bytes.Contains(out, []byte("X-Evil")) || bytes.Contains(out, []byte("x=1")) {
					t.Errorf("X-Evil: %q: value went out: %s", v, out)
				}
			} else if !bytes.Contains(out, []byte(`\"}, \"statusCode\": 302`)) {
				t.Errorf("X-Evil: %q: value not escaped: %s", v, out)
			}
		}
	}
	if !strings.Contains(logs.String(), `header="\"X-Evil\""`) {
		t.Errorf("log = %q, want a warning naming X-Evil", logs)
	}
	if strings.Contains(logs.String(), "x=1") {
		t.Errorf("log = %q, want no header value in it", logs)
	}
}

// Rule 27, opt-in: each cookie under its own case variant of Set-Cookie.
func TestEncodeSetCookieCaseVariants(t *testing.T) {
	e, logs := loggingEncoder()
	e.cookies = SetCookieCaseVariants
	r := response{headers: []field{
		{"set-cookie", "a=1"},
		{"X-A", "1"},
		{"Set-Cookie", "b=2"},
		{"SET-COOKIE", "c=3"},
		{"Set-Cookie", "bad\r\n"},
		{"Set-Cookie", "d=4"},
	}}
	const want = `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Set-Cookie":"a=1","set-Cookie":"b=2","SEt-Cookie":"c=3","sEt-Cookie":"d=4","X-A":"1"},"body":""}`
	if got := string(e.encode(&r, false)); got != want {
		t.Errorf("single-value:\n got %s\nwant %s", got, want)
	}
	const wantMulti = `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"multiValueHeaders":{"set-cookie":["a=1","b=2","c=3","d=4"],"X-A":["1"]},"body":""}`
	if got := string(e.encode(&r, true)); got != wantMulti {
		t.Errorf("multi-value:\n got %s\nwant %s", got, wantMulti)
	}
	if strings.Contains(logs.String(), "Set-Cookie headers") {
		t.Errorf("log = %q, want no cookie warning", logs)
	}
}

// Rule 27: 512 case variants at most; the rest are dropped with a warning.
func TestEncodeSetCookieCaseVariantsLimit(t *testing.T) {
	e, logs := loggingEncoder()
	e.cookies = SetCookieCaseVariants
	var r response
	for i := range maxCookieVariants + 2 {
		r.headers = append(r.headers, field{"Set-Cookie", "c" + strconv.Itoa(i) + "=v"})
	}
	out := e.encode(&r, false)
	var m struct{ Headers map[string]string }
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Headers) != maxCookieVariants {
		t.Errorf("got %d Set-Cookie keys, want %d", len(m.Headers), maxCookieVariants)
	}
	seen := map[string]bool{}
	for k, v := range m.Headers {
		if !strings.EqualFold(k, "Set-Cookie") {
			t.Errorf("key %q is not a variant of Set-Cookie", k)
		}
		seen[v] = true
	}
	for i := range maxCookieVariants {
		if v := "c" + strconv.Itoa(i) + "=v"; !seen[v] {
			t.Errorf("cookie %q missing", v)
		}
	}
	if log := logs.String(); !strings.Contains(log, "level=WARN") || !strings.Contains(log, `dropped="c512, c513"`) {
		t.Errorf("log = %q, want a warning dropping c512 and c513", log)
	}
}

// Rule 27: the default policy keeps the last cookie and names the dropped.
func TestEncodeLogsDroppedCookies(t *testing.T) {
	e, logs := loggingEncoder()
	r := response{headers: []field{
		{"Set-Cookie", "session=abc; HttpOnly"},
		{"set-cookie", " theme = dark"},
		{"Set-Cookie", "lang=en"},
	}}
	const want = `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Set-Cookie":"lang=en"},"body":""}`
	if got := string(e.encode(&r, false)); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	log := logs.String()
	for _, s := range []string{"level=WARN", "kept=lang", `dropped="session, theme"`} {
		if !strings.Contains(log, s) {
			t.Errorf("log = %q, want it to contain %q", log, s)
		}
	}
	if strings.Contains(log, "abc") {
		t.Errorf("log = %q, want no cookie value in it", log)
	}

	logs.Reset()
	e.encode(&r, true)
	if logs.Len() != 0 {
		t.Errorf("multi-value mode logged %q, want nothing", logs)
	}
}

// Rule 28: an invalid header is dropped with a warning quoting its name.
func TestEncodeLogsInvalidHeader(t *testing.T) {
	e, logs := loggingEncoder()
	r := response{headers: []field{{"X Bad", "v"}, {"X-Nul", "a\x00b"}, {"X-Bad-UTF8", "\xff"}, {"Connection", "close"}}}
	e.encode(&r, false)
	log := logs.String()
	for _, s := range []string{
		`header="\"X Bad\"" reason="name is not an HTTP token"`,
		`header="\"X-Nul\"" reason="value holds a control character or invalid UTF-8"`,
		`header="\"X-Bad-UTF8\""`,
	} {
		if !strings.Contains(log, s) {
			t.Errorf("log = %q, want it to contain %q", log, s)
		}
	}
	if n := strings.Count(log, "level=WARN"); n != 3 {
		t.Errorf("log has %d warnings, want 3 (hop-by-hop headers are dropped silently):\n%s", n, log)
	}
}

func TestEncodeLogsBadStatus(t *testing.T) {
	for _, status := range []int{-1, 42, 99, 600, 1000} {
		e, logs := loggingEncoder()
		out := e.encode(&response{status: status}, false)
		if !bytes.HasPrefix(out, []byte(`{"statusCode":500,"statusDescription":"500 Internal Server Error",`)) {
			t.Errorf("status %d: got %s, want a 500", status, out)
		}
		if want := "status=" + strconv.Itoa(status); !strings.Contains(logs.String(), want) || !strings.Contains(logs.String(), "level=WARN") {
			t.Errorf("status %d: log = %q, want a warning with %q", status, logs, want)
		}
	}
}

func TestEncodeLogsNothingForValidResponses(t *testing.T) {
	e, logs := loggingEncoder()
	for _, tt := range encodeCases {
		switch tt.name {
		case "text", "json", "binary2k", "empty", "hop-by-hop", "no content type":
			e.encode(&tt.r, false)
			e.encode(&tt.r, true)
		}
	}
	if logs.Len() != 0 {
		t.Errorf("log = %q, want nothing", logs)
	}
}

// tooLargeJSON is the replacement for an oversized response, per mode.
var tooLargeJSON = [2]string{
	`{"statusCode":500,"statusDescription":"500 Internal Server Error","isBase64Encoded":false,"headers":{"Content-Type":"text/plain; charset=utf-8"},"body":"response too large\n"}`,
	`{"statusCode":500,"statusDescription":"500 Internal Server Error","isBase64Encoded":false,"multiValueHeaders":{"Content-Type":["text/plain; charset=utf-8"]},"body":"response too large\n"}`,
}

func modeIndex(multiValue bool) int {
	if multiValue {
		return 1
	}
	return 0
}

// Rule 30: 760 KB of binary is over 1 MB in base64, so it is replaced.
func TestEncodeTooLargeBinary(t *testing.T) {
	body := bytes.Repeat([]byte{0xff, 0x00, 0x80, 0x7f}, 760_000/4)
	for _, multiValue := range []bool{false, true} {
		e, logs := loggingEncoder()
		r := response{headers: []field{{"Content-Type", "image/png"}, {"X-Dropped", "1"}}, body: body}
		got := string(e.encode(&r, multiValue))
		if want := tooLargeJSON[modeIndex(multiValue)]; got != want {
			t.Errorf("mode=%s: got %.200s, want %s", modeName(multiValue), got, want)
		}
		prefix := `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"headers":{"Content-Type":"image/png","X-Dropped":"1"},"body":"`
		if multiValue {
			prefix = `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":true,"multiValueHeaders":{"Content-Type":["image/png"],"X-Dropped":["1"]},"body":"`
		}
		size := len(prefix) + base64.StdEncoding.EncodedLen(len(body)) + len(`"}`)
		for _, s := range []string{"level=WARN", "size=" + strconv.Itoa(size), "limit=1000000", "status=500"} {
			if !strings.Contains(logs.String(), s) {
				t.Errorf("mode=%s: log = %q, want it to contain %q", modeName(multiValue), logs, s)
			}
		}
	}
}

// textBody returns n bytes of text with a newline and a tab every 10,000
// bytes, so that its JSON form is a little longer than n.
func textBody(n int) []byte {
	b := bytes.Repeat([]byte("0123456789"), n/10+1)[:n]
	for i := 5000; i+1 < n; i += 10_000 {
		b[i] = '\n'
		b[i+1] = '\t'
	}
	return b
}

// Rule 30: a 990 KB text body with a few escapes fits in 1,000,000 bytes; a
// 990 KiB one does not.
func TestEncodeLargeText(t *testing.T) {
	e, logs := loggingEncoder()
	for _, multiValue := range []bool{false, true} {
		body := textBody(990_000)
		r := response{headers: []field{{"Content-Type", "text/plain"}}, body: body}
		out := e.encode(&r, multiValue)
		if len(out) > maxResponseSize {
			t.Errorf("mode=%s: %d bytes, want at most %d", modeName(multiValue), len(out), maxResponseSize)
		}
		var m struct{ Body string }
		if err := json.Unmarshal(out, &m); err != nil || m.Body != string(body) {
			t.Errorf("mode=%s: body did not survive (err %v)", modeName(multiValue), err)
		}
		if logs.Len() != 0 {
			t.Errorf("mode=%s: log = %q, want nothing", modeName(multiValue), logs)
		}

		r.body = textBody(990 << 10)
		if got, want := string(e.encode(&r, multiValue)), tooLargeJSON[modeIndex(multiValue)]; got != want {
			t.Errorf("mode=%s, 990 KiB: got %.200s, want %s", modeName(multiValue), got, want)
		}
		if !strings.Contains(logs.String(), "size=") {
			t.Errorf("mode=%s, 990 KiB: log = %q, want a size warning", modeName(multiValue), logs)
		}
		logs.Reset()
	}
}

// Rule 30: exactly maxResponseSize bytes go out; one more is replaced.
func TestEncodeSizeBoundary(t *testing.T) {
	e := quietEncoder()
	for _, multiValue := range []bool{false, true} {
		r := response{headers: []field{{"Content-Type", "text/plain"}}}
		overhead := len(e.encode(&r, multiValue))
		r.body = textBody(maxResponseSize - overhead - 2*(maxResponseSize/10_000)) // each \n and \t costs one more byte
		if n := len(e.encode(&r, multiValue)); n != maxResponseSize {
			t.Fatalf("mode=%s: test body encodes to %d bytes, want %d", modeName(multiValue), n, maxResponseSize)
		}
		r.body = append(r.body, 'x')
		if got, want := string(e.encode(&r, multiValue)), tooLargeJSON[modeIndex(multiValue)]; got != want {
			t.Errorf("mode=%s: one byte over: got %.200s, want %s", modeName(multiValue), got, want)
		}
	}
}

// The replacement keeps what dst held before and honours tooLargeStatus.
func TestEncodeTooLargeStatus(t *testing.T) {
	e := quietEncoder()
	e.tooLargeStatus = 507
	r := response{headers: []field{{"Content-Type", "text/plain"}}, body: textBody(maxResponseSize)}
	got := string(e.appendResponse([]byte("prefix"), &r, true))
	const want = `prefix{"statusCode":507,"statusDescription":"507 Insufficient Storage","isBase64Encoded":false,"multiValueHeaders":{"Content-Type":["text/plain; charset=utf-8"]},"body":"response too large\n"}`
	if got != want {
		t.Errorf("got %.300s, want %s", got, want)
	}
}

func TestEncodeHeaderBlockLimit(t *testing.T) {
	// Rule 28: the ALB answers 502 to a response header block over 32 K.
	var logs bytes.Buffer
	e := encoder{logger: slog.New(slog.NewTextHandler(&logs, nil))}
	value := strings.Repeat("v", 1000)
	var r response
	for i := 0; headerBlockSize(r.headers) <= maxHeaderBlock-1100; i++ {
		r.headers = append(r.headers, field{"X-" + strconv.Itoa(i), value})
	}
	for _, multiValue := range []bool{false, true} {
		out := e.encode(&r, multiValue)
		if err := albcheck.Validate(out, multiValue); err != nil || !bytes.Contains(out, []byte(`"statusCode":200`)) {
			t.Errorf("multiValue=%v: %d bytes of headers: %v", multiValue, headerBlockSize(r.headers), err)
		}
	}
	big := r
	big.headers = append(slices.Clone(r.headers), field{"X-Last", value})
	for _, multiValue := range []bool{false, true} {
		out := e.encode(&big, multiValue)
		if err := albcheck.Validate(out, multiValue); err != nil || !bytes.Contains(out, []byte(`"statusCode":500`)) || bytes.Contains(out, []byte("X-Last")) {
			t.Errorf("multiValue=%v: %d bytes of headers gave %.200s (%v), want the 500 replacement", multiValue, headerBlockSize(big.headers), out, err)
		}
	}
	if !strings.Contains(logs.String(), "header block over the ALB's limit") {
		t.Errorf("log = %q, want a warning about the header limit", logs.String())
	}
}

// More entries than the encoder's stack bit set covers.
func TestEncodeManyHeaders(t *testing.T) {
	var r response
	for i := range 1500 {
		name := "X-H" + strconv.Itoa(i%700)
		if i%3 == 0 {
			name = strings.ToLower(name)
		}
		r.headers = append(r.headers, field{name, strconv.Itoa(i)})
		if i%100 == 0 {
			r.headers = append(r.headers, field{"Connection", "close"}, field{"Set-Cookie", "c" + strconv.Itoa(i) + "=1"})
		}
	}
	for _, multiValue := range []bool{false, true} {
		for _, policy := range []SetCookiePolicy{SetCookieLast, SetCookieCaseVariants} {
			e := quietEncoder()
			e.cookies = policy
			checkEncodeProperties(t, 0, e, &r, multiValue)
		}
	}
}

func TestResponseReset(t *testing.T) {
	r := response{
		status:   404,
		headers:  []field{{"A", "1"}, {"B", "2"}},
		body:     []byte("x"),
		encoding: BodyBase64,
	}
	backing := r.headers[:cap(r.headers)]
	r.reset()
	if r.status != 0 || len(r.headers) != 0 || r.body != nil || r.encoding != BodyAuto {
		t.Errorf("after reset: %+v, want the zero response", r)
	}
	if cap(r.headers) != len(backing) {
		t.Errorf("after reset: cap(headers) = %d, want %d kept", cap(r.headers), len(backing))
	}
	for i, f := range backing {
		if f != (field{}) {
			t.Errorf("after reset: headers[%d] = %q, want it cleared", i, f)
		}
	}
}

// The allocation budget: the returned slice is the only allocation.
func TestEncodeAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts need a normal, full test run")
	}
	e := quietEncoder()
	for _, tt := range encodeCases {
		switch tt.name {
		case "text", "json", "binary2k":
		default:
			continue
		}
		for _, multiValue := range []bool{false, true} {
			allocs := testing.AllocsPerRun(100, func() {
				e.encode(&tt.r, multiValue)
			})
			if allocs != 1 {
				t.Errorf("%s, mode=%s: encode allocs = %v, want 1", tt.name, modeName(multiValue), allocs)
			}
		}
	}
}

func TestEncodeAllocsAfterManySmallResponses(t *testing.T) {
	// A pool that keeps only the sizes it saw most would make a large
	// response after many small ones pay for its buffer, doubling by
	// doubling. The budget holds whatever the process served before.
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts need a normal, full test run")
	}
	e := quietEncoder()
	small := response{headers: []field{{"Content-Type", "text/plain"}}, body: []byte("ok")}
	for range 50_000 {
		e.encode(&small, false)
	}
	big := response{headers: []field{{"Content-Type", "text/plain"}}, body: textBody(256 << 10)}
	e.encode(&big, false) // the pool's buffer grows once
	if allocs := testing.AllocsPerRun(20, func() { e.encode(&big, false) }); allocs != 1 {
		t.Errorf("a 256 KiB response after 50,000 small ones: %v allocations, want 1", allocs)
	}
}

// BenchmarkEncode measures encode on the text, json and binary2k cases.
func BenchmarkEncode(b *testing.B) {
	e := quietEncoder()
	for _, tt := range encodeCases {
		switch tt.name {
		case "text", "json", "binary2k":
		default:
			continue
		}
		for _, multiValue := range []bool{false, true} {
			b.Run("case="+tt.name+"/mode="+modeName(multiValue), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(tt.r.body)))
				for b.Loop() {
					e.encode(&tt.r, multiValue)
				}
			})
		}
	}
}

// Pools the property test draws from.
var (
	propStatuses = []int{0, -1, 42, 99, 100, 101, 103, 150, 199, 200, 201, 204, 299, 301, 304, 404, 418, 499, 500, 503, 599, 600, 1000}
	propNames    = []string{
		"X-Custom", "x-custom", "Vary", "vary", "Cache-Control", "Location",
		"Set-Cookie", "set-cookie", "SET-COOKIE",
		"Content-Type", "content-type", "Content-Encoding",
		"X Bad", "", "X:Colon", "X-Ü", "X\r\nY", "(x)", "X\x00",
		"Connection", "content-length", "Content-Length", "TE", "Transfer-Encoding",
		"Keep-Alive", "upgrade", "Trailer", "Proxy-Authorization", "Proxy-Authenticate", "proxy-connection",
	}
	propValues = []string{
		"1", "", "a, b", `q"uote`, `back\slash`, "tab\there", "Zoë ✓", "gzip", " ", "\u2028",
		"a\r\nSet-Cookie: x=1", "nul\x00", "del\x7f", "bad\xff", "\n", "\x1b[31m",
	}
	propContentTypes = []string{
		"text/html", "TEXT/PLAIN; charset=utf-8", " text/csv ; q=1", "text/",
		"application/json", "Application/JSON", "application/vnd.api+json", "application/problem+json; charset=utf-8",
		"image/svg+xml", "application/xml", "application/javascript", "application/ecmascript",
		"application/x-www-form-urlencoded", "application/octet-stream", "image/png",
		"multipart/form-data; boundary=x", "", "json", "+json", "text/plain\r\n",
	}
	propRunes = []rune{
		'a', 'z', '0', ' ', '{', '}', '"', '\\', '/', ':', ',',
		0x00, 0x01, '\b', '\t', '\n', 0x0b, '\f', '\r', 0x1f, 0x7f,
		'é', '✓', '😀', 0x2028, 0xfffd,
	}
)

func propBody(rng *rand.Rand) []byte {
	switch rng.IntN(10) {
	case 0:
		return nil
	case 1: // plain text
		return []byte(strings.Repeat("hello world ", rng.IntN(20)+1))
	case 2, 3: // binary
		b := make([]byte, rng.IntN(300)+1)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	case 4: // invalid UTF-8 inside text
		return []byte("caf\xe9 " + strings.Repeat("x", rng.IntN(10)) + "\xc3")
	case 5:
		if rng.IntN(20) == 0 { // near the size limit
			sizes := []int{500_000, 740_000, 760_000, 990_000, 999_800, 1_200_000}
			n := sizes[rng.IntN(len(sizes))]
			if rng.IntN(2) == 0 {
				return textBody(n)
			}
			return bytes.Repeat([]byte{0xff, 0x00, 0x41}, n/3)
		}
		return []byte(`{"k":"v"}`)
	default: // JSON-like text with escapes and control characters
		var sb strings.Builder
		sb.WriteString(`{"s":"`)
		for range rng.IntN(60) {
			sb.WriteRune(propRunes[rng.IntN(len(propRunes))])
		}
		sb.WriteString(`"}`)
		return []byte(sb.String())
	}
}

func propResponse(rng *rand.Rand) response {
	r := response{
		status:   propStatuses[rng.IntN(len(propStatuses))],
		body:     propBody(rng),
		encoding: BodyEncoding(rng.IntN(4)), // 3 is out of range and acts as BodyAuto
	}
	if rng.IntN(4) != 0 {
		r.headers = append(r.headers, field{"Content-Type", propContentTypes[rng.IntN(len(propContentTypes))]})
	}
	for range rng.IntN(9) {
		name := propNames[rng.IntN(len(propNames))]
		value := propValues[rng.IntN(len(propValues))]
		if equalFold(name, "content-type") {
			value = propContentTypes[rng.IntN(len(propContentTypes))]
		}
		r.headers = append(r.headers, field{name, value})
	}
	for i := range rng.IntN(6) {
		name := []string{"Set-Cookie", "set-cookie", "SET-COOKIE"}[rng.IntN(3)]
		r.headers = append(r.headers, field{name, "c" + strconv.Itoa(i) + "=" + propValues[rng.IntN(len(propValues))]})
	}
	rng.Shuffle(len(r.headers), func(i, j int) { r.headers[i], r.headers[j] = r.headers[j], r.headers[i] })
	return r
}

// The oracle below restates the rules independently of response.go.

const oracleTchars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

var oracleDropped = []string{
	"connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
	"te", "trailer", "transfer-encoding", "upgrade", "content-length",
}

// oracleHeaders returns the headers that may go out, grouped by name: the
// first spelling and the values in order.
func oracleHeaders(hs []field) (names []string, values [][]string) {
	index := map[string]int{}
	for _, h := range hs {
		lower := strings.ToLower(h.name)
		validName := h.name != "" && strings.Trim(h.name, oracleTchars) == ""
		validValue := utf8.ValidString(h.value) && !strings.ContainsFunc(h.value, func(r rune) bool {
			return r < ' ' && r != '\t' || r == 0x7f
		})
		if !validName || !validValue || containsString(oracleDropped, lower) {
			continue
		}
		i, ok := index[lower]
		if !ok {
			i = len(names)
			index[lower] = i
			names = append(names, h.name)
			values = append(values, nil)
		}
		values[i] = append(values[i], h.value)
	}
	return names, values
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// oracleCookieName flips the case of the letters of "Set-Cookie" as the
// bits of i say.
func oracleCookieName(i int) string {
	var sb strings.Builder
	j := 0
	for _, r := range "Set-Cookie" {
		if r != '-' {
			if i>>j&1 == 1 {
				if strings.ToUpper(string(r)) == string(r) {
					r = []rune(strings.ToLower(string(r)))[0]
				} else {
					r = []rune(strings.ToUpper(string(r)))[0]
				}
			}
			j++
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// oracleWantHeaders returns the header object the encoder must write.
func oracleWantHeaders(hs []field, multiValue bool, policy SetCookiePolicy) map[string]any {
	names, values := oracleHeaders(hs)
	want := map[string]any{}
	for i, name := range names {
		switch {
		case multiValue:
			var vs []any
			for _, v := range values[i] {
				vs = append(vs, v)
			}
			want[name] = vs
		case strings.ToLower(name) != "set-cookie":
			want[name] = strings.Join(values[i], ", ")
		case policy == SetCookieCaseVariants:
			for k, v := range values[i] {
				if k < 512 {
					want[oracleCookieName(k)] = v
				}
			}
		default:
			want[name] = values[i][len(values[i])-1]
		}
	}
	return want
}

// oracleBase64 reports whether the body must go out as base64.
func oracleBase64(r *response) bool {
	if len(r.body) == 0 {
		return false
	}
	if r.encoding == BodyBase64 {
		return true
	}
	if !utf8.Valid(r.body) {
		return true
	}
	if r.encoding == BodyText {
		return false
	}
	names, values := oracleHeaders(r.headers)
	contentType, haveType := "", false
	for i, name := range names {
		switch strings.ToLower(name) {
		case "content-encoding":
			for _, v := range values[i] {
				if strings.Trim(v, " \t") != "" { // HTTP whitespace only
					return true
				}
			}
		case "content-type":
			contentType, haveType = values[i][0], true
		}
	}
	if !haveType {
		return true
	}
	mt := strings.ToLower(strings.Trim(strings.Split(contentType, ";")[0], " \t"))
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok || typ == "" {
		return true
	}
	switch {
	case typ == "text",
		strings.HasSuffix(sub, "+json"), strings.HasSuffix(sub, "+xml"),
		containsString([]string{"application/json", "application/xml", "application/javascript",
			"application/ecmascript", "application/x-www-form-urlencoded"}, mt):
		return false
	}
	return true
}

// findNull reports the path of a JSON null in v, or "".
func findNull(v any, path string) string {
	switch v := v.(type) {
	case nil:
		return path
	case map[string]any:
		for k, x := range v {
			if p := findNull(x, path+"."+k); p != "" {
				return p
			}
		}
	case []any:
		for i, x := range v {
			if p := findNull(x, path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p
			}
		}
	}
	return ""
}

// topLevelKeys returns the keys of the JSON object in out, in order.
func topLevelKeys(out []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(out))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// Rules 3, 20-30, on random responses.
func TestEncodeProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 2000 {
		r := propResponse(rng)
		multiValue := rng.IntN(2) == 0
		e := quietEncoder()
		e.cookies = SetCookiePolicy(rng.IntN(2))
		if rng.IntN(4) == 0 {
			e.tooLargeStatus = 413
		}
		checkEncodeProperties(t, iter, e, &r, multiValue)
	}
}

// checkEncodeProperties encodes r and checks the output against the rules
// and against the oracle.
func checkEncodeProperties(t *testing.T, iter int, e *encoder, r *response, multiValue bool) {
	t.Helper()
	in := response{status: r.status, headers: slices.Clone(r.headers), body: bytes.Clone(r.body), encoding: r.encoding}
	out := e.encode(r, multiValue)
	defer func() {
		if t.Failed() {
			t.Logf("iteration %d, mode=%s, cookies=%d, tooLargeStatus=%d\nstatus=%d encoding=%d\nheaders=%q\nbody=%.200q\noutput: %.2000s",
				iter, modeName(multiValue), e.cookies, e.tooLargeStatus, r.status, r.encoding, r.headers, r.body, out)
		}
	}()

	if !reflect.DeepEqual(*r, in) {
		t.Fatal("encode changed the response")
	}
	if len(out) > maxResponseSize {
		t.Fatalf("%d bytes, want at most %d", len(out), maxResponseSize)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("invalid JSON: %v", err)
	}
	if p := findNull(m, "$"); p != "" {
		t.Fatalf("null at %s", p)
	}

	headerKey := "headers"
	if multiValue {
		headerKey = "multiValueHeaders"
	}
	wantKeys := []string{"statusCode", "statusDescription", "isBase64Encoded", headerKey, "body"}
	if keys, err := topLevelKeys(out); err != nil || !slices.Equal(keys, wantKeys) {
		t.Fatalf("keys %q (%v), want %q", keys, err, wantKeys)
	}
	code, ok := m["statusCode"].(float64)
	if !ok {
		t.Fatalf("statusCode %#v is not a number", m["statusCode"])
	}
	desc, _ := m["statusDescription"].(string)
	if reason, ok := strings.CutPrefix(desc, strconv.Itoa(int(code))+" "); !ok || reason == "" {
		t.Fatalf("statusDescription %q for statusCode %v", desc, code)
	}
	isBase64, ok := m["isBase64Encoded"].(bool)
	if !ok {
		t.Fatalf("isBase64Encoded %#v is not a boolean", m["isBase64Encoded"])
	}
	headers, ok := m[headerKey].(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, want an object", headerKey, m[headerKey])
	}
	for name, v := range headers {
		if containsString(oracleDropped, strings.ToLower(name)) {
			t.Fatalf("header %q went out", name)
		}
		if !multiValue {
			if _, ok := v.(string); !ok {
				t.Fatalf("header %q = %#v, want a string", name, v)
			}
			continue
		}
		vs, ok := v.([]any)
		if !ok || len(vs) == 0 {
			t.Fatalf("header %q = %#v, want a non-empty array", name, v)
		}
		for _, x := range vs {
			if _, ok := x.(string); !ok {
				t.Fatalf("header %q holds %#v, want strings", name, x)
			}
		}
	}
	bodyText, ok := m["body"].(string)
	if !ok {
		t.Fatalf("body is %T, want a string", m["body"])
	}
	body := []byte(bodyText)
	if isBase64 {
		if strings.ContainsAny(bodyText, "\r\n") {
			t.Fatal("base64 body has a line break")
		}
		var err error
		if body, err = base64.StdEncoding.DecodeString(bodyText); err != nil {
			t.Fatalf("base64 body: %v", err)
		}
	}

	wantStatus := r.status
	switch {
	case wantStatus == 0:
		wantStatus = 200
	case wantStatus < 200 || wantStatus > 599:
		wantStatus = 500
	}
	wantHeaders := oracleWantHeaders(r.headers, multiValue, e.cookies)
	wantBase64 := oracleBase64(r)
	wantBody := string(r.body)
	if wantBase64 {
		wantBody = base64.StdEncoding.EncodeToString(r.body)
	}

	// The size of the response unless it is replaced, by way of
	// encoding/json, which escapes the same bytes the same way when HTML
	// escaping is off, except U+2028 and U+2029 (three bytes more each).
	var full bytes.Buffer
	enc := json.NewEncoder(&full)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any{
		"statusCode":        wantStatus,
		"statusDescription": desc,
		"isBase64Encoded":   wantBase64,
		headerKey:           wantHeaders,
		"body":              wantBody,
	}); err != nil {
		t.Fatal(err)
	}
	size := full.Len() - len("\n") - 3*bytes.Count(full.Bytes(), []byte(`\u2028`)) - 3*bytes.Count(full.Bytes(), []byte(`\u2029`))

	if size > maxResponseSize {
		tooLarge := e.tooLargeStatus
		if tooLarge == 0 {
			tooLarge = 500
		}
		want := strings.Replace(tooLargeJSON[modeIndex(multiValue)], "500 Internal Server Error", string(appendStatusDescription(nil, tooLarge)), 1)
		want = strings.Replace(want, "500", strconv.Itoa(tooLarge), 1)
		if string(out) != want {
			t.Fatalf("a %d-byte response was not replaced by %s", size, want)
		}
		return
	}
	if int(code) != wantStatus {
		t.Fatalf("statusCode %v, want %d", code, wantStatus)
	}
	if !reflect.DeepEqual(headers, wantHeaders) {
		t.Fatalf("%s\n got %#v\nwant %#v", headerKey, headers, wantHeaders)
	}
	if isBase64 != wantBase64 {
		t.Fatalf("isBase64Encoded %v, want %v", isBase64, wantBase64)
	}
	if !bytes.Equal(body, r.body) {
		t.Fatalf("body %.200q, want %.200q", body, r.body)
	}
	if len(out) != size {
		t.Fatalf("%d bytes, want %d", len(out), size)
	}
}
