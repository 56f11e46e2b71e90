package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/albkit/alb/emulator"
)

// curlCommand is one curl command of the package comment with the status
// it says the server answers.
type curlCommand struct {
	line   string
	args   []string
	status int
}

// docCommands returns the curl commands of main.go's package comment that
// end with "# <status>", continuation lines joined.
func docCommands(t *testing.T) []curlCommand {
	t.Helper()
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	comment, _, _ := strings.Cut(string(src), "\npackage main")
	var cmds []curlCommand
	var cur string
	annotated := regexp.MustCompile(`\s+#\s*(\d{3})\b.*$`)
	for line := range strings.SplitSeq(comment, "\n") {
		text, ok := strings.CutPrefix(line, "//\t")
		if !ok {
			continue
		}
		text = strings.TrimSpace(text)
		if cur == "" && !strings.HasPrefix(text, "curl ") {
			continue
		}
		if more, ok := strings.CutSuffix(text, `\`); ok {
			cur += more + " "
			continue
		}
		cur += text
		if m := annotated.FindStringSubmatchIndex(cur); m != nil {
			status, _ := strconv.Atoi(cur[m[2]:m[3]])
			cmds = append(cmds, curlCommand{line: cur, args: shellWords(t, cur[:m[0]]), status: status})
		}
		cur = ""
	}
	return cmds
}

// shellWords splits s on spaces, keeping single-quoted parts whole.
func shellWords(t *testing.T, s string) []string {
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for _, c := range s {
		switch {
		case c == '\'':
			quoted, inWord = !quoted, true
		case c == ' ' && !quoted:
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(c)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quote in %q", s)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// curlRequest builds the request curl would send for args (curl -i, -X,
// -H, -d and -A only) to the server at base.
func curlRequest(t *testing.T, base string, args []string) *http.Request {
	t.Helper()
	method, target, body, header := "", "", "", http.Header{}
	hasBody := false
	for i := 1; i < len(args); i++ {
		next := func() string {
			i++
			if i >= len(args) {
				t.Fatalf("curl %q: missing value", args)
			}
			return args[i]
		}
		switch a := args[i]; a {
		case "-i":
		case "-X":
			method = next()
		case "-H":
			k, v, _ := strings.Cut(next(), ":")
			header.Add(k, strings.TrimSpace(v))
		case "-d":
			body, hasBody = next(), true
		case "-A":
			header.Set("User-Agent", next())
		default:
			if strings.HasPrefix(a, "-") {
				t.Fatalf("curl option %s is not handled by this test", a)
			}
			rest, ok := strings.CutPrefix(a, "localhost:8080")
			if !ok {
				t.Fatalf("curl target %q is not on localhost:8080", a)
			}
			target = base + rest
		}
	}
	if method == "" {
		method = "GET"
		if hasBody {
			method = "POST"
		}
	}
	if hasBody && header.Get("Content-Type") == "" {
		header.Set("Content-Type", "application/x-www-form-urlencoded") // curl's default for -d
	}
	req, err := http.NewRequestWithContext(t.Context(), method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if !hasBody {
		req.Body, req.ContentLength = nil, 0
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "curl/8.5.0")
	}
	return req
}

// The statuses the package comment promises for its curl commands are the
// ones the emulator answers, with the development token and a fresh store.
// In particular a client that sends the health checker's User-Agent is an
// ordinary client: the ALB adds X-Forwarded-* and a trace id, and only
// the ALB's own checks reach the health answer.
func TestDocCommands(t *testing.T) {
	cmds := docCommands(t)
	if len(cmds) < 15 {
		t.Fatalf("found %d annotated curl commands in main.go, want at least 15", len(cmds))
	}
	logger := slog.New(slog.DiscardHandler)
	srv := httptest.NewServer(emulator.New(newRouter(newTestStore(), devToken, logger), emulator.Options{Logger: logger}))
	defer srv.Close()
	for _, c := range cmds {
		resp, err := srv.Client().Do(curlRequest(t, srv.URL, c.args))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s\n\tgot %d", c.line, resp.StatusCode)
		}
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode >= 400 && ct != "application/problem+json" {
			t.Errorf("%s\n\tContent-Type %q, want application/problem+json", c.line, ct)
		}
	}
}
