package alb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// eventsDir holds the recorded ALB events (testdata/alb-events/SOURCES.md
// says where each came from).
const eventsDir = "testdata/alb-events"

// readEvent returns a fresh copy of a recorded event file.
func readEvent(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(eventsDir, name))
	if err != nil {
		tb.Fatalf("reading recorded event: %v", err)
	}
	return b
}

// mustRead is readEvent for package-level tables built outside a test.
func mustRead(name string) []byte {
	b, err := os.ReadFile(filepath.Join(eventsDir, name))
	if err != nil {
		panic("reading recorded event: " + err.Error())
	}
	return b
}

// requestEventFiles lists the recorded request events (the folder also holds
// two responses).
func requestEventFiles(tb testing.TB) []string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(eventsDir, "*.json"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no recorded events in %s (err %v)", eventsDir, err)
	}
	var names []string
	for _, p := range paths {
		if name := filepath.Base(p); !strings.Contains(name, "response") {
			names = append(names, name)
		}
	}
	return names
}

// browserHeaders are the headers a desktop browser sends on a page load,
// followed by the four the ALB adds: 24 in all.
var browserHeaders = [][2]string{
	{"accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"},
	{"accept-encoding", "gzip, deflate, br, zstd"},
	{"accept-language", "en-GB,en-US;q=0.9,en;q=0.8"},
	{"cache-control", "max-age=0"},
	{"cookie", "session=4f1c2a9e8b7d6c5e; theme=dark; _ga=GA1.1.1234567890.1700000000"},
	{"dnt", "1"},
	{"host", "my-alb-1234567890.eu-west-1.elb.amazonaws.com"},
	{"priority", "u=0, i"},
	{"referer", "https://my-alb-1234567890.eu-west-1.elb.amazonaws.com/"},
	{"sec-ch-ua", `"Chromium";v="131", "Not_A Brand";v="24", "Google Chrome";v="131"`},
	{"sec-ch-ua-mobile", "?0"},
	{"sec-ch-ua-platform", `"macOS"`},
	{"sec-fetch-dest", "document"},
	{"sec-fetch-mode", "navigate"},
	{"sec-fetch-site", "same-origin"},
	{"sec-fetch-user", "?1"},
	{"upgrade-insecure-requests", "1"},
	{"user-agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
	{"connection", "keep-alive"},
	{"if-none-match", `W/"5e-1a2b3c4d"`},
	{"x-amzn-trace-id", "Root=1-67a0c2f1-3b9d2c1e0f4a5b6c7d8e9f01"},
	{"x-forwarded-for", "203.0.113.7"},
	{"x-forwarded-port", "443"},
	{"x-forwarded-proto", "https"},
}

// browserEvent returns the event the ALB sends for a browser's
// GET /hello/world?name=Ada+Lovelace&lang=en&q=caf%C3%A9, in either mode.
func browserEvent(multiValue bool) []byte {
	var b strings.Builder
	b.WriteString(`{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hello/0123456789abcdef"}},`)
	b.WriteString(`"httpMethod":"GET","path":"/hello/world",`)
	query := [][2]string{{"name", "Ada+Lovelace"}, {"lang", "en"}, {"q", "caf%C3%A9"}}
	writeCollection(&b, "queryStringParameters", query, multiValue)
	b.WriteByte(',')
	writeCollection(&b, "headers", browserHeaders, multiValue)
	b.WriteString(`,"body":"","isBase64Encoded":false}`)
	return []byte(b.String())
}

// writeCollection writes a header or query object in the ALB's form for the
// mode. Names and values must need no JSON escaping beyond '"'.
func writeCollection(b *strings.Builder, key string, fields [][2]string, multiValue bool) {
	if multiValue {
		key = "multiValue" + strings.ToUpper(key[:1]) + key[1:]
	}
	b.WriteString(`"` + key + `":{`)
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		value := `"` + strings.ReplaceAll(f[1], `"`, `\"`) + `"`
		if multiValue {
			value = "[" + value + "]"
		}
		b.WriteString(`"` + f[0] + `":` + value)
	}
	b.WriteByte('}')
}
