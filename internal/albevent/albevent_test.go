package albevent

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

const testTrace = "Root=1-67a0b1c2-0123456789abcdef01234567"

// goldenRequest exercises most rules at once: a raw query with a repeated
// key, "+", a key without "=" and encoded keys; mixed-case and repeated
// headers, a cookie line with ";", client-sent ALB headers.
var goldenRequest = Request{
	Method: "POST",
	Target: "/a%20b?x=1&y=a+b&x=2&flag&e=&k%5B%5D=v%2F",
	Header: [][2]string{
		{"Host", "example.com"},
		{"Content-Type", "application/json; charset=utf-8"},
		{"X-Multi", "one"},
		{"x-multi", "two, three"},
		{"Cookie", "a=1; b=2"},
		{"X-Forwarded-For", "10.0.0.1"},
		{"X-Forwarded-Proto", "https"},
		{"X-Amzn-Trace-Id", "Root=client"},
	},
	Body:       []byte(`{"k":"v"}`),
	ClientAddr: "192.0.2.7:51234",
	TraceID:    testTrace,
}

const goldenSingle = `{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/local/0123456789abcdef"}},` +
	`"httpMethod":"POST","path":"/a%20b",` +
	`"queryStringParameters":{"x":"2","y":"a+b","flag":"","e":"","k%5B%5D":"v%2F"},` +
	`"headers":{"content-type":"application/json; charset=utf-8","cookie":"a=1; b=2","host":"example.com",` +
	`"x-amzn-trace-id":"Root=1-67a0b1c2-0123456789abcdef01234567","x-forwarded-for":"10.0.0.1, 192.0.2.7",` +
	`"x-forwarded-port":"80","x-forwarded-proto":"http","x-multi":"two, three"},` +
	`"body":"{\"k\":\"v\"}","isBase64Encoded":false}`

const goldenMulti = `{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/local/0123456789abcdef"}},` +
	`"httpMethod":"POST","path":"/a%20b",` +
	`"multiValueQueryStringParameters":{"x":["1","2"],"y":["a+b"],"flag":[""],"e":[""],"k%5B%5D":["v%2F"]},` +
	`"multiValueHeaders":{"content-type":["application/json; charset=utf-8"],"cookie":["a=1; b=2"],"host":["example.com"],` +
	`"x-amzn-trace-id":["Root=1-67a0b1c2-0123456789abcdef01234567"],"x-forwarded-for":["10.0.0.1, 192.0.2.7"],` +
	`"x-forwarded-port":["80"],"x-forwarded-proto":["http"],"x-multi":["one","two, three"]},` +
	`"body":"{\"k\":\"v\"}","isBase64Encoded":false}`

func TestBuildGolden(t *testing.T) {
	single := goldenRequest
	if got := string(Build(single)); got != goldenSingle {
		t.Errorf("Build(single-value) =\n%s\nwant\n%s", got, goldenSingle)
	}
	multi := goldenRequest
	multi.MultiValue = true
	if got := string(Build(multi)); got != goldenMulti {
		t.Errorf("Build(multi-value) =\n%s\nwant\n%s", got, goldenMulti)
	}
}

// Rules 32 and 33: a health check has one header and nothing the ALB adds,
// in both modes.
func TestBuildHealthCheck(t *testing.T) {
	r := Request{
		Method:         "HEAD",
		Target:         "/v1/health/",
		Header:         [][2]string{{"Host", "ignored"}},
		Body:           []byte("ignored"),
		TargetGroupARN: "arn:tg",
		HealthCheck:    true,
		ClientAddr:     "192.0.2.1",
		TraceID:        testTrace,
	}
	want := `{"requestContext":{"elb":{"targetGroupArn":"arn:tg"}},"httpMethod":"HEAD","path":"/v1/health/",` +
		`"queryStringParameters":{},"headers":{"user-agent":"ELB-HealthChecker/2.0"},"body":"","isBase64Encoded":false}`
	if got := string(Build(r)); got != want {
		t.Errorf("Build(health check) =\n%s\nwant\n%s", got, want)
	}
	r.MultiValue = true
	want = `{"requestContext":{"elb":{"targetGroupArn":"arn:tg"}},"httpMethod":"HEAD","path":"/v1/health/",` +
		`"multiValueQueryStringParameters":{},"multiValueHeaders":{"user-agent":["ELB-HealthChecker/2.0"]},"body":"","isBase64Encoded":false}`
	if got := string(Build(r)); got != want {
		t.Errorf("Build(multi-value health check) =\n%s\nwant\n%s", got, want)
	}
}

// Rule 4: no query gives {}, no body "" and false; "" defaults.
func TestBuildEmpty(t *testing.T) {
	got := Build(Request{TraceID: testTrace})
	want := `{"requestContext":{"elb":{"targetGroupArn":"` + DefaultTargetGroupARN + `"}},"httpMethod":"GET","path":"/",` +
		`"queryStringParameters":{},"headers":{"x-amzn-trace-id":"` + testTrace + `","x-forwarded-for":"127.0.0.1",` +
		`"x-forwarded-port":"80","x-forwarded-proto":"http"},"body":"","isBase64Encoded":false}`
	if string(got) != want {
		t.Errorf("Build(Request{}) =\n%s\nwant\n%s", got, want)
	}
	got = Build(Request{Target: "/x?", MultiValue: true, TraceID: testTrace})
	if !bytes.Contains(got, []byte(`"multiValueQueryStringParameters":{},`)) {
		t.Errorf("Build(/x?) = %s, want an empty multiValueQueryStringParameters object", got)
	}
}

// Rule 13: header names are lower-cased, values unchanged.
func TestBuildHeaderNames(t *testing.T) {
	ev := decode(t, Build(Request{Header: [][2]string{{"X-MiXeD-Case", "VaLuE"}, {"ACCEPT", "*/*"}}}))
	if got := ev.Headers["x-mixed-case"]; got != "VaLuE" {
		t.Errorf(`headers["x-mixed-case"] = %q, want "VaLuE"`, got)
	}
	if got := ev.Headers["accept"]; got != "*/*" {
		t.Errorf(`headers["accept"] = %q, want "*/*"`, got)
	}
	for name := range ev.Headers {
		if name != strings.ToLower(name) {
			t.Errorf("header name %q is not lower-case", name)
		}
	}
}

// Rule 5: in single-value mode the last value of a repeated header (cookie
// included) or query key wins; values are not comma-joined.
func TestBuildLastValueWins(t *testing.T) {
	ev := decode(t, Build(Request{
		Target: "/?k=1&k=2&k=3",
		Header: [][2]string{{"Header-Double", "first"}, {"header-double", "second"}, {"Cookie", "a=1"}, {"Cookie", "b=2"}},
	}))
	if got := ev.QueryStringParameters["k"]; got != "3" {
		t.Errorf(`queryStringParameters["k"] = %q, want "3"`, got)
	}
	if got := ev.Headers["header-double"]; got != "second" {
		t.Errorf(`headers["header-double"] = %q, want "second"`, got)
	}
	if got := ev.Headers["cookie"]; got != "b=2" {
		t.Errorf(`headers["cookie"] = %q, want "b=2"`, got)
	}
}

// Rule 6: in multi-value mode every occurrence is one element, in order,
// and a line with commas or ";" is not split.
func TestBuildMultiValue(t *testing.T) {
	ev := decode(t, Build(Request{
		Target:     "/?k=1&j=x&k=2",
		Header:     [][2]string{{"Cookie", "a=1; b=2"}, {"cookie", "c=3"}, {"Accept", "a, b"}},
		MultiValue: true,
	}))
	check := func(what string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	check(`multiValueQueryStringParameters["k"]`, ev.MultiValueQueryStringParameters["k"], []string{"1", "2"})
	check(`multiValueQueryStringParameters["j"]`, ev.MultiValueQueryStringParameters["j"], []string{"x"})
	check(`multiValueHeaders["cookie"]`, ev.MultiValueHeaders["cookie"], []string{"a=1; b=2", "c=3"})
	check(`multiValueHeaders["accept"]`, ev.MultiValueHeaders["accept"], []string{"a, b"})
}

// Rules 8 and 9: keys and values stay percent-encoded and "+" stays "+".
var queryTests = []struct {
	target string
	want   map[string]string // single-value queryStringParameters
}{
	{"/", map[string]string{}},
	{"/?", map[string]string{}},
	{"/?param=ab%20cd", map[string]string{"param": "ab%20cd"}},
	{"/?name=John+Henry", map[string]string{"name": "John+Henry"}},
	{"/?foo%5Ba%5D=%28countryCode%3DUS%29", map[string]string{"foo%5Ba%5D": "%28countryCode%3DUS%29"}},
	{"/?bad=%zz&%zz=1", map[string]string{"bad": "%zz", "%zz": "1"}},
	{"/?a", map[string]string{"a": ""}},
	{"/?a=", map[string]string{"a": ""}},
	{"/?=b", map[string]string{"": "b"}},
	{"/?a=b=c", map[string]string{"a": "b=c"}},
	{"/?a=1&&b=2&", map[string]string{"a": "1", "b": "2"}},
	{"/?a=1;b=2", map[string]string{"a": "1;b=2"}},
	{"/?q=%E2%82%AC&r=\u20ac", map[string]string{"q": "%E2%82%AC", "r": "\u20ac"}},
}

func TestBuildQuery(t *testing.T) {
	for _, tt := range queryTests {
		ev := decode(t, Build(Request{Target: tt.target}))
		if !maps.Equal(ev.QueryStringParameters, tt.want) {
			t.Errorf("Build(%q) queryStringParameters = %q, want %q", tt.target, ev.QueryStringParameters, tt.want)
		}
	}
}

// The query keys keep their order of first appearance.
func TestBuildQueryOrder(t *testing.T) {
	got := Build(Request{Target: "/?z=1&a=2&z=3&m", MultiValue: true})
	want := `"multiValueQueryStringParameters":{"z":["1","3"],"a":["2"],"m":[""]}`
	if !bytes.Contains(got, []byte(want)) {
		t.Errorf("Build = %s, want it to contain %s", got, want)
	}
}

// The path is sent as is (rule 12).
func TestBuildPath(t *testing.T) {
	for _, target := range []string{"/foo%2Fbar", "/a%20b", "/%E2%82%AC", "/a+b", "/x/../y", "*"} {
		if got := decode(t, Build(Request{Target: target})).Path; got != target {
			t.Errorf("Build(%q) path = %q, want %q", target, got, target)
		}
	}
}

var traceIDPattern = regexp.MustCompile(`^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$`)

// Rules 7 and 14: the headers the ALB adds.
func TestBuildAddedHeaders(t *testing.T) {
	tests := []struct {
		name  string
		r     Request
		xff   string
		port  string
		proto string
	}{
		{"defaults", Request{}, "127.0.0.1", "80", "http"},
		{"client port dropped", Request{ClientAddr: "192.0.2.1:4321"}, "192.0.2.1", "80", "http"},
		{"ip without port", Request{ClientAddr: "192.0.2.1"}, "192.0.2.1", "80", "http"},
		{"ipv6 with port", Request{ClientAddr: "[2001:db8::1]:4321"}, "2001:db8::1", "80", "http"},
		{"ipv6 without port", Request{ClientAddr: "2001:db8::1"}, "2001:db8::1", "80", "http"},
		{"https", Request{Proto: "https"}, "127.0.0.1", "443", "https"},
		{"explicit port", Request{Proto: "https", Port: "8443"}, "127.0.0.1", "8443", "https"},
		{"appended to client xff", Request{ClientAddr: "192.0.2.1", Header: [][2]string{{"X-Forwarded-For", "203.0.113.9"}}},
			"203.0.113.9, 192.0.2.1", "80", "http"},
		{"several client xff lines", Request{ClientAddr: "192.0.2.1", Header: [][2]string{
			{"X-Forwarded-For", "203.0.113.9, 10.0.0.1"}, {"x-forwarded-for", "10.0.0.2"}, {"X-Forwarded-For", " "}}},
			"203.0.113.9, 10.0.0.1, 10.0.0.2, 192.0.2.1", "80", "http"},
		{"client values replaced", Request{Header: [][2]string{{"X-Forwarded-Port", "1"}, {"X-Forwarded-Proto", "gopher"}}},
			"127.0.0.1", "80", "http"},
	}
	for _, mv := range []bool{false, true} {
		for _, tt := range tests {
			tt.r.MultiValue = mv
			h := headerMap(t, decode(t, Build(tt.r)))
			want := map[string][]string{
				"x-forwarded-for":   {tt.xff},
				"x-forwarded-port":  {tt.port},
				"x-forwarded-proto": {tt.proto},
			}
			for name, w := range want {
				if got := h[name]; !slices.Equal(got, w) {
					t.Errorf("%s (multi-value %v): %s = %q, want %q", tt.name, mv, name, got, w)
				}
			}
			if got := h["x-amzn-trace-id"]; len(got) != 1 || !traceIDPattern.MatchString(got[0]) {
				t.Errorf("%s (multi-value %v): x-amzn-trace-id = %q, want one Root=1-<8 hex>-<24 hex>", tt.name, mv, got)
			}
		}
	}
}

// A client-sent trace id is replaced by the one given or generated.
func TestBuildTraceID(t *testing.T) {
	h := decode(t, Build(Request{Header: [][2]string{{"X-Amzn-Trace-Id", "Root=client"}}, TraceID: testTrace})).Headers
	if got := h["x-amzn-trace-id"]; got != testTrace {
		t.Errorf("x-amzn-trace-id = %q, want %q", got, testTrace)
	}
	now := time.Unix(0x67a0b1c2, 0)
	id := newTraceID(now)
	if !traceIDPattern.MatchString(id) || !strings.HasPrefix(id, "Root=1-67a0b1c2-") {
		t.Errorf("newTraceID(%v) = %q, want Root=1-67a0b1c2-<24 hex>", now, id)
	}
	if id2 := newTraceID(now); id2 == id {
		t.Errorf("newTraceID twice = %q, want different random parts", id)
	}
	if id := newTraceID(time.Unix(1, 0)); !strings.HasPrefix(id, "Root=1-00000001-") {
		t.Errorf("newTraceID(1s) = %q, want the time zero-padded to 8 digits", id)
	}
}

// Rule 17: when the body is base64.
var bodyTests = []struct {
	header [][2]string
	body   string
	b64    bool
}{
	{nil, "", false},
	{[][2]string{{"Content-Type", "image/png"}}, "", false},
	{nil, "abc", true}, // no content-type
	{[][2]string{{"Content-Type", "text/plain"}}, "abc", false},
	{[][2]string{{"Content-Type", "text/html; charset=utf-8"}}, "<p>", false},
	{[][2]string{{"Content-Type", "TEXT/CSV"}}, "a,b", false},
	{[][2]string{{"Content-Type", "application/json"}}, "{}", false},
	{[][2]string{{"Content-Type", "Application/JSON ; charset=utf-8"}}, "{}", false},
	{[][2]string{{"Content-Type", "application/javascript"}}, "x()", false},
	{[][2]string{{"Content-Type", "application/xml"}}, "<a/>", false},
	{[][2]string{{"Content-Type", "application/ld+json"}}, "{}", true},
	{[][2]string{{"Content-Type", "application/x-www-form-urlencoded"}}, "a=1", true},
	{[][2]string{{"Content-Type", "multipart/form-data; boundary=x"}}, "--x", true},
	{[][2]string{{"Content-Type", "application/octet-stream"}}, "\x00\xff", true},
	{[][2]string{{"Content-Type", ""}}, "abc", true},
	{[][2]string{{"Content-Type", "text/plain"}, {"Content-Encoding", "gzip"}}, "\x1f\x8b", true},
	{[][2]string{{"Content-Encoding", ""}, {"Content-Type", "application/json"}}, "{}", true},
	{[][2]string{{"Content-Type", "image/png"}, {"content-type", "text/plain"}}, "abc", false}, // last wins
	{[][2]string{{"Content-Type", "text/plain"}, {"content-type", "image/png"}}, "abc", true},
}

func TestBuildBody(t *testing.T) {
	for _, mv := range []bool{false, true} {
		for _, tt := range bodyTests {
			ev := decode(t, Build(Request{Header: tt.header, Body: []byte(tt.body), MultiValue: mv}))
			if ev.IsBase64Encoded != tt.b64 {
				t.Errorf("body %q with %q (multi-value %v): isBase64Encoded = %v, want %v", tt.body, tt.header, mv, ev.IsBase64Encoded, tt.b64)
				continue
			}
			want := tt.body
			if tt.b64 {
				want = base64.StdEncoding.EncodeToString([]byte(tt.body))
			}
			if ev.Body != want {
				t.Errorf("body %q with %q (multi-value %v): body = %q, want %q", tt.body, tt.header, mv, ev.Body, want)
			}
		}
	}
}

// A text body with bytes that JSON must escape survives the round trip.
func TestBuildTextBodyEscapes(t *testing.T) {
	body := "line1\nline2\t\"q\" \\ <&> \x01 \u2028 \u20ac"
	ev := decode(t, Build(Request{Header: [][2]string{{"Content-Type", "text/plain"}}, Body: []byte(body)}))
	if ev.Body != body {
		t.Errorf("body = %q, want %q", ev.Body, body)
	}
}

func TestBuildTargetGroupARN(t *testing.T) {
	const arn = "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/x/y"
	if got := decode(t, Build(Request{TargetGroupARN: arn})).RequestContext.ELB.TargetGroupArn; got != arn {
		t.Errorf("targetGroupArn = %q, want %q", got, arn)
	}
}

// Every built event has exactly the fields of its mode (rule 2), in the
// documented order, and decodes into events.ALBTargetGroupRequest.
func TestBuildShape(t *testing.T) {
	requests := []Request{goldenRequest, {}, {HealthCheck: true}, {Body: []byte{0, 1, 2}}}
	for _, r := range requests {
		for _, mv := range []bool{false, true} {
			r.MultiValue = mv
			ev := Build(r)
			want := []string{"requestContext", "httpMethod", "path", "queryStringParameters", "headers", "body", "isBase64Encoded"}
			if mv {
				want[3], want[4] = "multiValueQueryStringParameters", "multiValueHeaders"
			}
			if got := topLevelKeys(t, ev); !slices.Equal(got, want) {
				t.Errorf("Build(%+v) keys = %q, want %q", r, got, want)
			}
			d := decode(t, ev)
			if mv && (d.Headers != nil || d.QueryStringParameters != nil || d.MultiValueHeaders == nil || d.MultiValueQueryStringParameters == nil) {
				t.Errorf("Build(%+v) in multi-value mode decodes to %+v", r, d)
			}
			if !mv && (d.MultiValueHeaders != nil || d.MultiValueQueryStringParameters != nil || d.Headers == nil || d.QueryStringParameters == nil) {
				t.Errorf("Build(%+v) in single-value mode decodes to %+v", r, d)
			}
		}
	}
}

// The fields of the golden request, decoded by encoding/json.
func TestBuildDecodes(t *testing.T) {
	r := goldenRequest
	r.MultiValue = true
	got := decode(t, Build(r))
	want := events.ALBTargetGroupRequest{
		HTTPMethod: "POST",
		Path:       "/a%20b",
		MultiValueQueryStringParameters: map[string][]string{
			"x": {"1", "2"}, "y": {"a+b"}, "flag": {""}, "e": {""}, "k%5B%5D": {"v%2F"},
		},
		MultiValueHeaders: map[string][]string{
			"content-type":      {"application/json; charset=utf-8"},
			"cookie":            {"a=1; b=2"},
			"host":              {"example.com"},
			"x-amzn-trace-id":   {testTrace},
			"x-forwarded-for":   {"10.0.0.1, 192.0.2.7"},
			"x-forwarded-port":  {"80"},
			"x-forwarded-proto": {"http"},
			"x-multi":           {"one", "two, three"},
		},
		RequestContext: events.ALBTargetGroupRequestContext{ELB: events.ELBContext{TargetGroupArn: DefaultTargetGroupARN}},
		Body:           `{"k":"v"}`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded event =\n%+v\nwant\n%+v", got, want)
	}
}

// eventsDir holds the recorded ALB events, seen from this directory.
const eventsDir = "../../testdata/alb-events"

// recordedTests are recorded events whose shape Build must reproduce from
// the request they describe.
var recordedTests = []string{
	"aws-lambda-go_alb-lambda-target-request-headers-only.json",
	"aws-lambda-go_alb-lambda-target-request-multivalue-headers.json",
	"lambda-request-handler_alb-event.json",
	"lambda-request-handler_alb-multi-header-event.json",
	"powertools-lambda-python_albMultiValueHeadersEvent.json",
	"aws-lambda-rust-runtime_alb_no_host.json",
	"lambda-request-handler_health-event.json",
}

// TestBuildRecorded turns each recorded event back into the Request it
// describes, builds it and compares: same mode, same top-level keys, same
// decoded fields.
func TestBuildRecorded(t *testing.T) {
	for _, name := range recordedTests {
		raw, err := os.ReadFile(filepath.Join(eventsDir, name))
		if err != nil {
			t.Fatal(err)
		}
		raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
		var rec events.ALBTargetGroupRequest
		if err := json.Unmarshal(raw, &rec); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r := requestFrom(t, rec)
		got := Build(r)
		if g, w := topLevelKeys(t, got), topLevelKeys(t, raw); !sameSet(g, w) {
			t.Errorf("%s: keys %q, want %q", name, g, w)
		}
		if d := decode(t, got); !reflect.DeepEqual(d, rec) {
			t.Errorf("%s: Build gives\n%+v\nwant\n%+v", name, d, rec)
		}
	}
}

// requestFrom returns the Request that rec describes.
func requestFrom(t *testing.T, rec events.ALBTargetGroupRequest) Request {
	t.Helper()
	mv := rec.MultiValueHeaders != nil
	headers := rec.MultiValueHeaders
	query := rec.MultiValueQueryStringParameters
	if !mv {
		headers = map[string][]string{}
		for k, v := range rec.Headers {
			headers[k] = []string{v}
		}
		query = map[string][]string{}
		for k, v := range rec.QueryStringParameters {
			query[k] = []string{v}
		}
	}
	r := Request{
		Method:         rec.HTTPMethod,
		Target:         rec.Path,
		MultiValue:     mv,
		TargetGroupARN: rec.RequestContext.ELB.TargetGroupArn,
		HealthCheck:    len(headers) == 1 && slices.Equal(headers["user-agent"], []string{HealthCheckUserAgent}),
	}
	sep := "?"
	for _, k := range slices.Sorted(maps.Keys(query)) {
		for _, v := range query[k] {
			r.Target += sep + k + "=" + v
			sep = "&"
		}
	}
	for _, k := range slices.Sorted(maps.Keys(headers)) {
		v := headers[k]
		switch k {
		case "x-forwarded-for":
			r.ClientAddr = v[0]
		case "x-forwarded-port":
			r.Port = v[0]
		case "x-forwarded-proto":
			r.Proto = v[0]
		case "x-amzn-trace-id":
			r.TraceID = v[0]
		default:
			for _, e := range v {
				r.Header = append(r.Header, [2]string{k, e})
			}
		}
	}
	if rec.Body != "" {
		t.Fatalf("recorded event with a body: %q", rec.Body)
	}
	return r
}

func TestCheckUTF8(t *testing.T) {
	tests := []struct {
		r    Request
		want string // "" for nil
	}{
		{goldenRequest, ""},
		{Request{Method: "G\xffT"}, "albevent: rule 16: the method is not valid UTF-8"},
		{Request{Target: "/\xff"}, `albevent: rule 16: the request target "/\xff" is not valid UTF-8`},
		{Request{Header: [][2]string{{"X-A", "\u20ac"}, {"X-B", "a\xffb"}}}, `albevent: rule 16: header "X-B" value is not valid UTF-8`},
		{Request{Header: [][2]string{{"X-\xff", "a"}}}, `albevent: rule 16: header name "X-\xff" is not valid UTF-8`},
		{Request{Header: [][2]string{{"Content-Type", "text/plain"}}, Body: []byte("\xff")}, "albevent: rule 16: the text body is not valid UTF-8"},
		{Request{Header: [][2]string{{"Content-Type", "image/png"}}, Body: []byte("\xff")}, ""},
		{Request{Body: []byte("\xff")}, ""},
		{Request{HealthCheck: true, Header: [][2]string{{"X-B", "\xff"}}}, ""},
		{Request{Target: "/" + strings.Repeat("a", 100) + "\xff"}, `albevent: rule 16: the request target "/` + strings.Repeat("a", 63) + `"... is not valid UTF-8`},
	}
	for _, tt := range tests {
		err := CheckUTF8(tt.r)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("CheckUTF8(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

// Invalid UTF-8 still gives valid JSON, each bad byte as U+FFFD.
func TestBuildInvalidUTF8(t *testing.T) {
	ev := decode(t, Build(Request{Target: "/\xff?k\xfe=v\xfd", Header: [][2]string{{"X-A", "a\xffb"}}}))
	if ev.Path != "/\ufffd" || ev.QueryStringParameters["k\ufffd"] != "v\ufffd" || ev.Headers["x-a"] != "a\ufffdb" {
		t.Errorf("decoded %+v, want U+FFFD for each bad byte", ev)
	}
}

func TestIsText(t *testing.T) {
	for _, tt := range bodyTests {
		if len(tt.header) != 1 || tt.body == "" {
			continue
		}
		if got := IsText(tt.header[0][1]); got == tt.b64 {
			t.Errorf("IsText(%q) = %v, want %v", tt.header[0][1], got, !tt.b64)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a", "\"\\/", "\x00\x1f\x7f", "<&>", "\u2028\u2029", "\xff", "\xed\xa0\x80", "\u20ac\xe2\x82"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("appendString(%q) = %s: %v", s, b, err)
		}
		want, _ := json.Marshal(s)
		var w string
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Fatalf("appendString(%q) decodes to %q, want %q", s, got, w)
		}
	})
}

func FuzzBuild(f *testing.F) {
	f.Add("GET", "/a?b=c&d", "X-A", "v", []byte("body"), false)
	f.Add("POST", "/\xff?\x00=\"", "Content-Type", "text/plain", []byte("\xff\n"), true)
	f.Fuzz(func(t *testing.T, method, target, name, value string, body []byte, mv bool) {
		ev := Build(Request{Method: method, Target: target, Header: [][2]string{{name, value}}, Body: body, MultiValue: mv})
		var d events.ALBTargetGroupRequest
		if err := json.Unmarshal(ev, &d); err != nil {
			t.Fatalf("Build gives %s: %v", ev, err)
		}
		if d.IsBase64Encoded {
			if b, err := base64.StdEncoding.DecodeString(d.Body); err != nil || !bytes.Equal(b, body) {
				t.Fatalf("base64 body %q decodes to %q, %v; want %q", d.Body, b, err, body)
			}
		} else if CheckUTF8(Request{Header: [][2]string{{name, value}}, Body: body}) == nil && d.Body != string(body) {
			t.Fatalf("text body = %q, want %q", d.Body, body)
		}
	})
}

// decode unmarshals ev into the aws-lambda-go type, refusing unknown
// fields.
func decode(t *testing.T, ev []byte) events.ALBTargetGroupRequest {
	t.Helper()
	var r events.ALBTargetGroupRequest
	dec := json.NewDecoder(bytes.NewReader(ev))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("decoding %s: %v", ev, err)
	}
	if dec.More() {
		t.Fatalf("trailing data after the event %s", ev)
	}
	return r
}

// headerMap returns the headers of ev in either mode as lists.
func headerMap(t *testing.T, ev events.ALBTargetGroupRequest) map[string][]string {
	t.Helper()
	if ev.MultiValueHeaders != nil {
		return ev.MultiValueHeaders
	}
	m := map[string][]string{}
	for k, v := range ev.Headers {
		m[k] = []string{v}
	}
	return m
}

// topLevelKeys returns the keys of the JSON object ev in document order.
func topLevelKeys(t *testing.T, ev []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(ev))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("event %s does not start with an object: %v", ev, err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("decoding %s: %v", ev, err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatalf("decoding %s: %v", ev, err)
		}
	}
	return keys
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
