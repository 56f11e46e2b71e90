package alb

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/albkit/alb/albtest"
)

// recordedEventTests says, for each recorded request event, what the
// decoder must find in it.
var recordedEventTests = []struct {
	file       string
	multiValue bool
	method     string
	rawPath    string
	header     [2]string // a header and its value, looked up in another case
	rawQuery   string
	query      [2]string // a decoded query key and its decoded value
	body       string    // decoded
	arn        string
}{
	{
		file:    "aws-lambda-dotnet_rawtarget-escaped-slash-in-path-alb.json",
		method:  "GET",
		rawPath: "/foo%2Fbar",
		header:  [2]string{"User-Agent", "ELB-HealthChecker/2.0"},
		arn:     "arn:aws:elasticloadbalancing:region:123456789012:targetgroup/my-target-group/6d0ecf831eec9f09",
	},
	{
		file:       "aws-lambda-dotnet_values-get-querystring-alb-mv-encoding-request.json",
		multiValue: true,
		method:     "GET",
		rawPath:    "/api/rawquerystring/json",
		header:     [2]string{"Accept", "text/html"}, // the first of two values
		rawQuery:   "url=http://www.gooogle.com&testDateTimeOffset=2019-03-12T16%3A06%3A06.5498170%2B00%3A00",
		query:      [2]string{"testDateTimeOffset", "2019-03-12T16:06:06.5498170+00:00"},
		body:       "", // "body": null
		arn:        "arn:aws:elasticloadbalancing:region:123456789012:targetgroup/my-target-group/6d0ecf831eec9f09",
	},
	{
		file:    "aws-lambda-dotnet_values-put-binary-alb-request.json",
		method:  "PUT",
		rawPath: "/api/binary",
		header:  [2]string{"Content-Type", "text/plain"},
		body:    "Greetings, programs!",
		arn:     "arn:aws:elasticloadbalancing:region:123456789012:targetgroup/my-target-group/6d0ecf831eec9f09",
	},
	{
		file:    "aws-lambda-dotnet_values-put-withbody-alb-request.json",
		method:  "PUT",
		rawPath: "/api/bodytests",
		header:  [2]string{"CONTENT-TYPE", "application/json"},
		body:    `{"firstName":"Smith","lastName": "Agent"}`,
		arn:     "arn:aws:elasticloadbalancing:region:123456789012:targetgroup/my-target-group/6d0ecf831eec9f09",
	},
	{
		file:     "aws-lambda-go_alb-lambda-target-request-headers-only.json",
		method:   "GET",
		rawPath:  "/",
		header:   [2]string{"X-Imforwards", "20"},
		rawQuery: "key=hello",
		query:    [2]string{"key", "hello"},
		arn:      "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lambda-target/abcdefg",
	},
	{
		file:       "aws-lambda-go_alb-lambda-target-request-multivalue-headers.json",
		multiValue: true,
		method:     "GET",
		rawPath:    "/",
		header:     [2]string{"Host", "lambda-test-alb-1234567.us-east-1.elb.amazonaws.com"},
		rawQuery:   "key=hello",
		query:      [2]string{"key", "hello"},
		arn:        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lambda-target/abcdefgh",
	},
	{
		// Carries both pairs of collections, which the ALB never sends:
		// multiValueHeaders decides, and its query pair is the one used.
		file:       "aws-lambda-rust-runtime_alb_multi_value_request.json",
		multiValue: true,
		method:     "GET",
		rawPath:    "/",
		header:     [2]string{"Cookie", "name1=value1"},
		rawQuery:   "myKey=val1&myKey=val2&myOtherKey=val3&myOtherKey=val4",
		query:      [2]string{"myKey", "val1"},
		body:       "request_body",
		arn:        "arn:aws:elasticloadbalancing:region:123456789012:targetgroup/my-target-group/6d0ecf831eec9f09",
	},
	{
		file:    "aws-lambda-rust-runtime_alb_no_host.json",
		method:  "GET",
		rawPath: "/v1/health/",
		header:  [2]string{"user-agent", "ELB-HealthChecker/2.0"},
		arn:     "arn:aws:elasticloadbalancing:us-east-1:111111111:targetgroup/cdn-ingestor-tg-usea1-dev/3fe2aca58c0da101",
	},
	{
		file:     "aws-lambda-rust-runtime_alb_request_encoded_query_parameters.json",
		method:   "GET",
		rawPath:  "/",
		header:   [2]string{"X-Forwarded-Proto", "https"},
		rawQuery: "myKey=%3FshowAll%3Dtrue",
		query:    [2]string{"myKey", "?showAll=true"},
		body:     "request_body",
		arn:      "arn:aws:elasticloadbalancing:region:123456789012:targetgroup/my-target-group/6d0ecf831eec9f09",
	},
	{
		file:     "lambda-request-handler_alb-event.json",
		method:   "GET",
		rawPath:  "/inspect",
		header:   [2]string{"Cookie", "cookie3=value3; cookie2=value2; cookie1=value1; hackyname=h3c%2Fky%3D%3Bva%7Blu%5De"},
		rawQuery: "param=ab%20cd",
		query:    [2]string{"param", "ab cd"},
		arn:      "arn:aws:elasticloadbalancing:ap-southeast-2:248139140343:targetgroup/default/277714cd42070f8a",
	},
	{
		file:       "lambda-request-handler_alb-multi-header-event.json",
		multiValue: true,
		method:     "GET",
		rawPath:    "/inspect",
		header:     [2]string{"Cookie", "cookie3=value3; cookie2=value2; cookie1=value1"}, // one line stays one element (rule 6)
		rawQuery:   "param=ab%20cd",
		query:      [2]string{"param", "ab cd"},
		arn:        "arn:aws:elasticloadbalancing:ap-southeast-2:248139140343:targetgroup/default/277714cd42070f8a",
	},
	{
		file:    "lambda-request-handler_health-event.json",
		method:  "HEAD",
		rawPath: "/",
		header:  [2]string{"User-Agent", "ELB-HealthChecker/2.0"},
		arn:     "arn:aws:elasticloadbalancing:ap-southeast-2:248139140343:targetgroup/default/277714cd42070f8a",
	},
	{
		file:     "powertools-lambda-python_albEvent.json",
		method:   "GET",
		rawPath:  "/lambda",
		header:   [2]string{"Accept-Encoding", "gzip"},
		rawQuery: "query=1234ABCD",
		query:    [2]string{"query", "1234ABCD"},
		body:     "Test",
		arn:      "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/lambda-279XGJDqGZ5rsrHC2Fjr/49e9d65c45c6791a",
	},
	{
		file:       "powertools-lambda-python_albMultiValueHeadersEvent.json",
		multiValue: true,
		method:     "GET",
		rawPath:    "/todos",
		header:     [2]string{"Accept", "*/*"},
		arn:        "arn:aws:elasticloadbalancing:eu-central-1:1234567890:targetgroup/alb-c-Targe-11GDXTPQ7663S/804a67588bfdc10f",
	},
	{
		file:       "powertools-lambda-python_albMultiValueQueryStringEvent.json",
		multiValue: true,
		method:     "GET",
		rawPath:    "/todos",
		header:     [2]string{"Header2", "value1"},
		rawQuery:   "parameter1=value1&parameter1=value2&parameter2=value",
		query:      [2]string{"parameter1", "value1"},
		arn:        "arn:aws:elasticloadbalancing:eu-central-1:1234567890:targetgroup/alb-c-Targe-11GDXTPQ7663S/804a67588bfdc10f",
	},
}

func TestDecodeRecordedEvents(t *testing.T) {
	covered := map[string]bool{}
	for _, tt := range recordedEventTests {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			var r request
			if err := decodeEvent(readEvent(t, tt.file), &r); err != nil {
				t.Fatalf("decodeEvent: %v", err)
			}
			if r.multiValue != tt.multiValue {
				t.Errorf("multiValue = %v, want %v", r.multiValue, tt.multiValue)
			}
			if r.method != tt.method || r.rawPath != tt.rawPath {
				t.Errorf("method, path = %q, %q, want %q, %q", r.method, r.rawPath, tt.method, tt.rawPath)
			}
			if got, ok := r.header(tt.header[0]); !ok || got != tt.header[1] {
				t.Errorf("header(%q) = %q, %v, want %q", tt.header[0], got, ok, tt.header[1])
			}
			if got := string(r.appendRawQuery(nil)); got != tt.rawQuery {
				t.Errorf("raw query = %q, want %q", got, tt.rawQuery)
			}
			if tt.query[0] != "" {
				if got, ok := r.queryValue(tt.query[0]); !ok || got != tt.query[1] {
					t.Errorf("queryValue(%q) = %q, %v, want %q", tt.query[0], got, ok, tt.query[1])
				}
			}
			body, err := r.decodedBody()
			if err != nil || string(body) != tt.body {
				t.Errorf("decodedBody() = %q, %v, want %q", body, err, tt.body)
			}
			if r.targetGroupARN != tt.arn {
				t.Errorf("targetGroupARN = %q, want %q", r.targetGroupARN, tt.arn)
			}
		})
	}
	for _, name := range requestEventFiles(t) {
		if !covered[name] {
			t.Errorf("recorded event %s has no case in recordedEventTests", name)
		}
	}
}

func TestDecodeModeSelectsCollections(t *testing.T) {
	// Rule 3: multiValueHeaders present and not null means multi-value mode,
	// and then only the multi-value collections are read.
	tests := []struct {
		event      string
		multiValue bool
		headers    int
		query      int
	}{
		{`{"headers":{"a":"1"},"queryStringParameters":{"q":"1"}}`, false, 1, 1},
		{`{"multiValueHeaders":{"a":["1","2"]},"multiValueQueryStringParameters":{"q":["1"]}}`, true, 2, 1},
		{`{"multiValueHeaders":{},"headers":{"a":"1"}}`, true, 0, 0},
		{`{"multiValueHeaders":null,"headers":{"a":"1"}}`, false, 1, 0},
		{`{"headers":{"a":"1"},"multiValueQueryStringParameters":{"q":["1"]}}`, false, 1, 0},
		{`{"multiValueHeaders":{"a":null,"b":[]},"multiValueQueryStringParameters":{"q":[null]}}`, true, 0, 1},
	}
	for _, tt := range tests {
		var r request
		if err := decodeEvent([]byte(tt.event), &r); err != nil {
			t.Errorf("decodeEvent(%s): %v", tt.event, err)
			continue
		}
		if r.multiValue != tt.multiValue || len(r.headers) != tt.headers || len(r.query) != tt.query {
			t.Errorf("decodeEvent(%s): multiValue %v, %d headers, %d query fields; want %v, %d, %d",
				tt.event, r.multiValue, len(r.headers), len(r.query), tt.multiValue, tt.headers, tt.query)
		}
	}
}

func TestDecodeNullAndMissingAreEmpty(t *testing.T) {
	// Rule 4: null or missing collections are empty; a null string is "".
	for _, event := range []string{
		`{}`,
		` {} `,
		"\xef\xbb\xbf{}",
		`{"httpMethod":null,"path":null,"body":null,"isBase64Encoded":null,"headers":null,"queryStringParameters":null,
		  "multiValueHeaders":null,"multiValueQueryStringParameters":null,"requestContext":null}`,
		`{"requestContext":{"elb":null}}`,
		`{"requestContext":{"elb":{"targetGroupArn":null}}}`,
	} {
		var r request
		if err := decodeEvent([]byte(event), &r); err != nil {
			t.Errorf("decodeEvent(%s): %v", event, err)
			continue
		}
		if r.method != "" || r.rawPath != "" || r.body != "" || r.isBase64 || r.multiValue ||
			len(r.headers) != 0 || len(r.query) != 0 || r.targetGroupARN != "" {
			t.Errorf("decodeEvent(%s) = %+v, want an empty request", event, r)
		}
	}
}

func TestDecodeEscapes(t *testing.T) {
	tests := []struct{ json, want string }{
		{`"plain"`, "plain"},
		{`""`, ""},
		{`"a\"b\\c\/d"`, `a"b\c/d`},
		{`"\b\f\n\r\t"`, "\b\f\n\r\t"},
		{`"caf\u00e9 \u00E9"`, "café é"},
		{`"\u20ac1"`, "€1"},
		{`"\ud83d\ude00!"`, "😀!"},           // a surrogate pair is one character
		{`"\ud83d!"`, "\uFFFD!"},            // a lone high surrogate
		{`"\ude00x"`, "\uFFFDx"},            // a lone low surrogate
		{`"\ud83d\u0041"`, "\uFFFDA"},       // a high surrogate before a non-surrogate
		{`"\ud83d\ud83d\ude00"`, "\uFFFD😀"}, // the second high surrogate pairs
		{`"é\u00e9é"`, "ééé"},
		{"\"\xff\xfe\"", "\xff\xfe"}, // invalid UTF-8 passes through
	}
	for _, tt := range tests {
		var r request
		event := `{"path":` + tt.json + `,"headers":{` + tt.json + `:` + tt.json + `}}`
		if err := decodeEvent([]byte(event), &r); err != nil {
			t.Errorf("decodeEvent(%s): %v", event, err)
			continue
		}
		if r.rawPath != tt.want || len(r.headers) != 1 || r.headers[0].name != tt.want || r.headers[0].value != tt.want {
			t.Errorf("decodeEvent(%s): path %q, headers %q; want %q everywhere", event, r.rawPath, r.headers, tt.want)
		}
	}
}

func TestDecodeEscapedKeys(t *testing.T) {
	// Keys are unescaped before they are matched, as encoding/json does.
	var r request
	event := `{"\u0070ath":"/x","http\u004dethod":"GET","requestContext":{"\u0065lb":{"targetGroupAr\u006e":"arn"}}}`
	if err := decodeEvent([]byte(event), &r); err != nil {
		t.Fatal(err)
	}
	if r.rawPath != "/x" || r.method != "GET" || r.targetGroupARN != "arn" {
		t.Errorf("got path %q, method %q, arn %q", r.rawPath, r.method, r.targetGroupARN)
	}
}

func TestDecodeSkipsUnknownKeys(t *testing.T) {
	event := `{"version":"2.0","extra":{"a":[1,-2.5e+3,0.1,true,false,null,{"b":{"c":[[],{}]}}],"s":"x\"y"},
		"httpMethod":"POST","requestContext":{"stage":"x","elb":{"other":[{}],"targetGroupArn":"arn"},"n":1E9},
		"cookies":["a=1"],"path":"/p"}`
	var r request
	if err := decodeEvent([]byte(event), &r); err != nil {
		t.Fatal(err)
	}
	if r.method != "POST" || r.rawPath != "/p" || r.targetGroupARN != "arn" {
		t.Errorf("got method %q, path %q, arn %q", r.method, r.rawPath, r.targetGroupARN)
	}
}

// malformedEvents are payloads every decoder must reject. Each is also
// rejected by encoding/json, which the test checks.
var malformedEvents = []string{
	``,
	`   `,
	`null`,
	`[]`,
	`"event"`,
	`42`,
	`{`,
	`{"path":"/a"`,
	`{"path":"/a",}`,
	`{"path":"/a"}}`,
	`{"path":"/a"} x`,
	`{path:"/a"}`,
	`{"path" "/a"}`,
	`{"path":'/a'}`,
	`{"path":"/a}`,
	`{"path":"/a\"}`,
	`{"path":"/a\x"}`,
	`{"path":"/a\u12"}`,
	`{"path":"/a\u12zz"}`,
	"{\"path\":\"/a\nb\"}",
	"{\"path\":\"\x00\"}",
	`{"path":1}`,
	`{"path":true}`,
	`{"path":["/a"]}`,
	`{"path":{"a":"b"}}`,
	`{"httpMethod":0}`,
	`{"body":{}}`,
	`{"isBase64Encoded":"true"}`,
	`{"isBase64Encoded":1}`,
	`{"isBase64Encoded":nul}`,
	`{"headers":[]}`,
	`{"headers":"a"}`,
	`{"headers":{"a":1}}`,
	`{"headers":{"a":["1"]}}`,
	`{"headers":{"a":true}}`,
	`{"headers":{a:"1"}}`,
	`{"headers":{"a":"1",}}`,
	`{"multiValueHeaders":{"a":"1"}}`,
	`{"multiValueHeaders":{"a":[1]}}`,
	`{"multiValueHeaders":{"a":[["1"]]}}`,
	`{"multiValueHeaders":{"a":["1",]}}`,
	`{"multiValueHeaders":[]}`,
	`{"queryStringParameters":{"a":{}}}`,
	`{"multiValueQueryStringParameters":{"a":[{}]}}`,
	`{"requestContext":"x"}`,
	`{"requestContext":{"elb":[]}}`,
	`{"requestContext":{"elb":{"targetGroupArn":5}}}`,
	`{"extra":01}`,
	`{"extra":1.}`,
	`{"extra":.5}`,
	`{"extra":1e}`,
	`{"extra":-}`,
	`{"extra":+1}`,
	`{"extra":0x10}`,
	`{"extra":tru}`,
	`{"extra":nulll}`,
	`{"extra":[1,]}`,
	`{"extra":[1 2]}`,
	`{"extra":{"a" 1}}`,
	`{"extra":{"a":1,}}`,
	`{"extra":{1:2}}`,
	`{"extra":[}`,
	`{"extra":{]}`,
	`{"extra":NaN}`,
	`{"path":"/a","path"}`,
	"\xef\xbb\xbf",
	"\xef\xbb{}",
}

func TestDecodeRejectsMalformedEvents(t *testing.T) {
	for _, event := range malformedEvents {
		var r request
		err := decodeEvent([]byte(event), &r)
		var evErr *EventError
		if !errors.As(err, &evErr) || !errors.Is(err, ErrMalformedEvent) {
			t.Errorf("decodeEvent(%q) = %v, want an *EventError", event, err)
			continue
		}
		if evErr.Offset < 0 || evErr.Offset > len(event) || !strings.HasPrefix(err.Error(), "alb: malformed ALB event at byte ") {
			t.Errorf("decodeEvent(%q): error %q has a bad offset or text", event, err)
		}
		// The oracle agrees, except that it takes a top-level null as an
		// empty event, which an ALB never sends.
		if event != "null" && oracleAccepts([]byte(event)) {
			t.Errorf("encoding/json accepts %q, which decodeEvent rejects", event)
		}
	}
}

func oracleAccepts(event []byte) bool {
	var v struct{ A any }
	return json.Unmarshal(event, &v) == nil && json.Unmarshal(event, new(map[string]any)) == nil && oracleDecode(event) == nil
}

func TestDecodeDeepNesting(t *testing.T) {
	// encoding/json accepts up to 10000 nested containers; so does the
	// decoder, counting the event object, and it keeps no recursion.
	nest := func(n int) []byte {
		return []byte(`{"x":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`)
	}
	for _, tt := range []struct {
		depth int // of the arrays inside the event object
		ok    bool
	}{{1, true}, {9999, true}, {10000, false}, {100000, false}} {
		var r request
		err := decodeEvent(nest(tt.depth), &r)
		if (err == nil) != tt.ok {
			t.Errorf("%d nested arrays: decodeEvent error %v, want ok=%v", tt.depth, err, tt.ok)
		}
		if oracle := oracleDecode(nest(tt.depth)) == nil; oracle != tt.ok {
			t.Errorf("%d nested arrays: encoding/json ok=%v, want %v", tt.depth, oracle, tt.ok)
		}
	}
	deepObjects := []byte(`{"x":` + strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000) + `}`)
	var r request
	if err := decodeEvent(deepObjects, &r); err == nil {
		t.Error("20000 nested objects: decodeEvent accepted them")
	}
}

func TestDecodeTruncatedEvents(t *testing.T) {
	// Every proper prefix of a valid event is malformed.
	for _, name := range []string{"lambda-request-handler_alb-multi-header-event.json", "aws-lambda-dotnet_values-put-binary-alb-request.json"} {
		full := readEvent(t, name)
		trimmed := strings.TrimRight(string(full), " \n\r\t")
		for n := 0; n < len(trimmed); n++ {
			var r request
			if err := decodeEvent([]byte(trimmed[:n]), &r); err == nil {
				t.Errorf("%s cut at byte %d: decodeEvent accepted it", name, n)
			}
		}
	}
}

func TestDecodeReusedRequestKeepsNothing(t *testing.T) {
	var r request
	if err := decodeEvent(readEvent(t, "aws-lambda-rust-runtime_alb_multi_value_request.json"), &r); err != nil {
		t.Fatal(err)
	}
	if err := decodeEvent([]byte(`{"httpMethod":"GET","path":"/b"}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.multiValue || r.body != "" || r.targetGroupARN != "" || len(r.headers) != 0 || len(r.query) != 0 {
		t.Errorf("second event decoded as %+v: it kept fields of the first", r)
	}
	for i, col := range r.cols {
		for _, f := range col[:cap(col)] {
			if f != (field{}) {
				t.Errorf("collection %d still refers to %q after reuse", i, f)
			}
		}
	}
	// A failed decode leaves no partial request behind either.
	if err := decodeEvent([]byte(`{"path":"/c","headers":{"a":1}}`), &r); err == nil {
		t.Fatal("want an error")
	}
	if err := decodeEvent([]byte(`{}`), &r); err != nil || r.rawPath != "" || len(r.headers) != 0 {
		t.Errorf("after a failed decode: %+v, %v", r, err)
	}
}

func TestDecodedBodyBase64(t *testing.T) {
	tests := []struct {
		event string
		want  string
		err   bool
	}{
		{`{"body":"aGk=","isBase64Encoded":true}`, "hi", false},
		{`{"body":"aGk=","isBase64Encoded":false}`, "aGk=", false}, // rule 17: the flag decides
		{`{"body":"","isBase64Encoded":true}`, "", false},
		{`{"body":"!!","isBase64Encoded":true}`, "", true},
		{`{"body":"aGk","isBase64Encoded":true}`, "", true}, // padding is required
	}
	for _, tt := range tests {
		var r request
		if err := decodeEvent([]byte(tt.event), &r); err != nil {
			t.Fatal(err)
		}
		got, err := r.decodedBody()
		if (err != nil) != tt.err || string(got) != tt.want {
			t.Errorf("decodedBody(%s) = %q, %v; want %q, error %v", tt.event, got, err, tt.want, tt.err)
		}
	}
}

func TestRequestLookups(t *testing.T) {
	single := []byte(`{"headers":{"X-A":"1","x-a":"2","b":""},"queryStringParameters":{"k":"1","k%20y":"a+b","bad":"%zz","k":"2"}}`)
	multi := []byte(`{"multiValueHeaders":{"x-a":["1","2"]},"multiValueQueryStringParameters":{"k":["1","2"],"k+y":["a%2Bb"]}}`)
	tests := []struct {
		event        []byte
		header, hval string
		hok          bool
		key, qval    string
		qok          bool
	}{
		{single, "x-a", "2", true, "k", "2", true}, // single-value: the last wins
		{single, "B", "", true, "k y", "a b", true},
		{single, "c", "", false, "bad", "%zz", true}, // a bad escape keeps the raw text
		{single, "x-", "", false, "k%20y", "", false},
		{multi, "X-A", "1", true, "k", "1", true}, // multi-value: the first
		{multi, "x-a", "1", true, "k y", "a+b", true},
	}
	for _, tt := range tests {
		var r request
		if err := decodeEvent(bytesClone(tt.event), &r); err != nil {
			t.Fatal(err)
		}
		if got, ok := r.header(tt.header); got != tt.hval || ok != tt.hok {
			t.Errorf("header(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.hval, tt.hok)
		}
		if got, ok := r.queryValue(tt.key); got != tt.qval || ok != tt.qok {
			t.Errorf("queryValue(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.qval, tt.qok)
		}
	}
}

func bytesClone(b []byte) []byte { return append([]byte(nil), b...) }

// decodeBenchCases are the events of the allocation test and the benchmark.
var decodeBenchCases = []struct {
	name  string
	event func() []byte
}{
	{"case=browser/mode=single", func() []byte { return browserEvent(false) }},
	{"case=browser/mode=multi", func() []byte { return browserEvent(true) }},
	{"case=bench-session/mode=single", func() []byte { return benchSessionEvent(false) }},
	{"case=bench-session/mode=multi", func() []byte { return benchSessionEvent(true) }},
	{"case=recorded/mode=multi", func() []byte { return bytesClone(mustRead("lambda-request-handler_alb-multi-header-event.json")) }},
	{"case=recorded-base64/mode=single", func() []byte { return bytesClone(mustRead("aws-lambda-dotnet_values-put-binary-alb-request.json")) }},
}

// benchSessionHeaders are the headers of the bench module's workloads
// (bench/workload.go): with the host albtest.NewRequest adds and the four
// the ALB adds, 24 header lines.
var benchSessionHeaders = [][2]string{
	{"accept", "application/json, text/plain, */*"},
	{"accept-encoding", "gzip, deflate, br, zstd"},
	{"accept-language", "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7"},
	{"cache-control", "no-cache"},
	{"cookie", "_ga=GA1.1.1234567890.1736000000; consent=analytics%3Ano; session=8f14e45fceea167a5a36dedd4bea2543"},
	{"pragma", "no-cache"},
	{"priority", "u=1, i"},
	{"referer", "https://example.com/shop/cart"},
	{"sec-ch-ua", `"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"`},
	{"sec-ch-ua-mobile", "?0"},
	{"sec-ch-ua-platform", `"macOS"`},
	{"sec-fetch-dest", "empty"},
	{"sec-fetch-mode", "cors"},
	{"sec-fetch-site", "same-origin"},
	{"user-agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
	{"x-requested-with", "XMLHttpRequest"},
	{"dnt", "1"},
	{"connection", "keep-alive"},
	{"origin", "https://example.com"},
}

// benchSessionEvent returns the event of the bench module's session
// workload (GET /session), built by albtest.NewRequest as the bench builds it.
func benchSessionEvent(multiValue bool) []byte {
	var opts []albtest.Option
	for _, h := range benchSessionHeaders {
		opts = append(opts, albtest.WithHeader(h[0], h[1]))
	}
	if multiValue {
		opts = append(opts, albtest.WithMultiValue())
	}
	return albtest.NewRequest("GET", "/session", opts...).Event()
}

func TestDecodeAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	for _, bc := range decodeBenchCases {
		orig := bc.event()
		buf := make([]byte, len(orig))
		var r request
		allocs := testing.AllocsPerRun(100, func() {
			copy(buf, orig) // decoding rewrites escapes in place
			if err := decodeEvent(buf, &r); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: decodeEvent allocates %v times per event, want 0", bc.name, allocs)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, bc := range decodeBenchCases {
		b.Run(bc.name, func(b *testing.B) {
			orig := bc.event()
			buf := make([]byte, len(orig))
			var r request
			b.SetBytes(int64(len(orig)))
			b.ReportAllocs()
			for b.Loop() {
				copy(buf, orig)
				if err := decodeEvent(buf, &r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// scanStringBytewise is scanString one byte at a time.
func scanStringBytewise(b []byte, i int) int {
	for i < len(b) && !strStop[b[i]] {
		i++
	}
	return i
}

// TestScanStringEveryPosition puts each byte that stops a string scan, and
// bytes on either side of the stopping ranges, at every position of the
// first three words, with the scan starting at every offset of a word.
func TestScanStringEveryPosition(t *testing.T) {
	probes := []byte{'"', '\\', 0x00, 0x01, 0x1f, 0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff}
	for n := 0; n <= 24; n++ {
		for at := 0; at < n; at++ {
			for _, c := range probes {
				b := []byte(strings.Repeat("a", n))
				b[at] = c
				for from := 0; from <= min(n, 8); from++ {
					if got, want := scanString(b, from), scanStringBytewise(b, from); got != want {
						t.Fatalf("scanString(%q, %d) = %d, want %d", b, from, got, want)
					}
				}
			}
		}
	}
}

// stopEvents returns events whose "path" holds a byte that ends the fast
// scan (the closing quote, an escape, a control character, or the end of
// the payload) at every position of the first three words of the string,
// and strings with two escapes some bytes apart, so that every length of a
// run copied between them is taken.
func stopEvents() []string {
	const prefix = `{"path":"`
	var events []string
	for n := 0; n <= 24; n++ {
		s := strings.Repeat("p", n)
		events = append(events,
			prefix+s+`"}`,
			prefix+s+`\"`+s+`"}`,
			prefix+s+`\u00e9`+s+`\n"}`,
			prefix+s+"\x1f"+s+`"}`,
			prefix+s+`\`+`"}`, // an escaped quote, then the string is unterminated
			prefix+s,
			prefix+s+`\`,
			`{"headers":{"`+s+`":"`+s+`\\`+s+`","a`+s+`\"":"`+s+`"}}`,
			`{"multiValueHeaders":{"`+s+`":["`+s+`","\t`+s+`"],"b":["`+s+`\/"]}}`,
		)
	}
	return events
}

// TestDecodeStringStops decodes stopEvents and compares with encoding/json.
func TestDecodeStringStops(t *testing.T) {
	for _, event := range stopEvents() {
		var r request
		err := decodeEvent([]byte(event), &r)
		var ev events.ALBTargetGroupRequest
		oracleErr := json.Unmarshal([]byte(event), &ev)
		if (err == nil) != (oracleErr == nil) {
			t.Fatalf("decodeEvent(%q) = %v, encoding/json says %v", event, err, oracleErr)
		}
		if err == nil {
			compareWithOracle(t, &r, &ev)
		}
	}
}
