package bench

import (
	"strings"
	"testing"
)

// checkCases are responses to the search workload and what Check must say.
var checkCases = []struct {
	name       string
	multiValue bool
	resp       string
	mark       string
	contains   string // in the verdict's text
}{
	{"valid single", false, `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"application/json"},"body":"{\"query\":\"café au lait\",\"page\":2}"}`, "✓", "ok"},
	{"valid multi", true, `{"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"multiValueHeaders":{"Content-Type":["application/json; charset=utf-8"]},"body":"{\"page\":2,\"query\":\"café au lait\"}"}`, "✓", "ok"},
	{"headers null", false, `{"statusCode":200,"headers":null,"multiValueHeaders":{"Content-Type":["application/json"]},"body":"{\"query\":\"café au lait\",\"page\":2}"}`, "✗", `"headers": null → ALB 502`},
	{"inactive null single", false, `{"statusCode":200,"headers":{"Content-Type":"application/json"},"multiValueHeaders":null,"body":"{\"query\":\"café au lait\",\"page\":2}"}`, "⚠", "aws-lambda-go's default"},
	{"inactive null multi", true, `{"statusCode":200,"headers":null,"multiValueHeaders":{"Content-Type":["application/json"]},"body":"{\"query\":\"café au lait\",\"page\":2}"}`, "✗", "not reported to work"},
	{"inactive empty", true, `{"statusCode":200,"headers":{},"multiValueHeaders":{"Content-Type":["application/json"]},"body":"{\"query\":\"café au lait\",\"page\":2}"}`, "⚠", "Rust runtime"},
	{"wrong field", true, `{"statusCode":200,"headers":{"Content-Type":"application/json"},"body":"{\"query\":\"café au lait\",\"page\":2}"}`, "✗", "wrong field for multi-value mode"},
	{"status description", false, `{"statusCode":200,"statusDescription":"OK","headers":{"Content-Type":"application/json"},"body":"{\"query\":\"café au lait\",\"page\":2}"}`, "✗", `statusDescription "OK"`},
	{"content length", false, `{"statusCode":200,"headers":{"Content-Type":"application/json","Content-Length":"35"},"body":"{\"query\":\"café au lait\",\"page\":2}"}`, "⚠", "Content-Length"},
	{"query not decoded", false, `{"statusCode":200,"headers":{"Content-Type":"application/json"},"body":"{\"query\":\"caf%C3%A9+au+lait\",\"page\":2}"}`, "✗", `body "query": "caf%C3%A9+au+lait", want "café au lait"`},
	{"status string", false, `{"statusCode":"200","headers":{"Content-Type":"application/json"},"body":"{\"query\":\"café au lait\",\"page\":2}"}`, "✗", "statusCode"},
	{"body null", false, `{"statusCode":200,"headers":{"Content-Type":"application/json"},"body":null}`, "✗", "rule 22"},
	{"numeric header", false, `{"statusCode":200,"headers":{"Content-Type":"application/json","X-N":1},"body":"{\"query\":\"café au lait\",\"page\":2}"}`, "✗", "rule 24"},
	{"not JSON", false, `{"statusCode":200`, "✗", "not a JSON object"},
}

func TestCheck(t *testing.T) {
	w := WorkloadByName("search")
	for _, tc := range checkCases {
		v := Check(w, tc.multiValue, []byte(tc.resp))
		if v.Mark() != tc.mark || !strings.Contains(v.String(), tc.contains) {
			t.Errorf("%s: Check = %s %s, want %s and %q", tc.name, v.Mark(), v, tc.mark, tc.contains)
		}
	}
}

func TestCheckCookies(t *testing.T) {
	w := WorkloadByName("session")
	base := `{"statusCode":200,"statusDescription":"200 OK","multiValueHeaders":{"Content-Type":["text/plain"],"Set-Cookie":[%s]},"body":"signed in"}`
	for _, tc := range []struct {
		cookies, mark, contains string
	}{
		{`"theme=dark; Path=/; Max-Age=31536000","session=8f14e45fceea167a5a36dedd4bea2543; Path=/; HttpOnly; Secure; SameSite=Lax"`, "✓", "ok"},
		{`"session=8f14e45fceea167a5a36dedd4bea2543; Path=/; HttpOnly; Secure; SameSite=Lax"`, "✗", "cookie theme missing"},
		{`"theme=dark; Path=/","session=8f14e45fceea167a5a36dedd4bea2543; Path=/; HttpOnly; Secure; SameSite=Lax"`, "✗", `cookie "theme=dark; Path=/"`},
	} {
		v := Check(w, true, []byte(strings.Replace(base, "%s", tc.cookies, 1)))
		if v.Mark() != tc.mark || !strings.Contains(v.String(), tc.contains) {
			t.Errorf("cookies %s: Check = %s %s, want %s and %q", tc.cookies, v.Mark(), v, tc.mark, tc.contains)
		}
	}
}

func TestEventsAreStable(t *testing.T) {
	// Every contender gets the same bytes: Event must not vary.
	for _, w := range Workloads {
		for _, m := range Modes {
			if a, b := w.Event(m.MultiValue), w.Event(m.MultiValue); string(a) != string(b) {
				t.Errorf("%s/%s: two calls built different events", w.Name, m.Name)
			}
		}
	}
}
