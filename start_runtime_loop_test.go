package alb

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/albkit/alb/internal/runtimeapi"
)

// runtimeFake is a stand-in for the Lambda Runtime API that hands out
// events in order, then answers 410 Gone, and records what it receives.
type runtimeFake struct {
	srv *httptest.Server

	mu        sync.Mutex
	events    []string
	posted    []string // "path body"
	userAgent string
}

func newRuntimeFake(t *testing.T, events ...string) *runtimeFake {
	f := &runtimeFake{events: events}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.userAgent = req.Header.Get("User-Agent")
		body, _ := io.ReadAll(req.Body)
		if req.Method == http.MethodGet && req.URL.Path == "/2018-06-01/runtime/invocation/next" {
			if len(f.events) == 0 {
				http.Error(w, "no more events", http.StatusGone)
				return
			}
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", fmt.Sprintf("req-%d", len(f.events)))
			w.Header().Set("Lambda-Runtime-Deadline-Ms", "4102444800000")
			io.WriteString(w, f.events[0])
			f.events = f.events[1:]
			return
		}
		f.posted = append(f.posted, req.URL.Path+" "+string(body))
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *runtimeFake) addr() string { return strings.TrimPrefix(f.srv.URL, "http://") }

// keepEvent is an event for GET /keep/<v> with the header x-v: <v>.
func keepEvent(v string) string {
	return `{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/0123456789abcdef"}},` +
		`"httpMethod":"GET","path":"/keep/` + v + `","queryStringParameters":{},"headers":{"host":"example.com","x-v":"` + v + `"},"body":"","isBase64Encoded":false}`
}

// alb's loop reads each invocation into the same buffer, and Invoke
// copies the payload before it decodes it: the strings a handler keeps
// beyond its invocation (here the parameter and a header, kept in a slice
// as a cache or a goroutine would) stay what they were when later
// invocations overwrite the loop's buffer. This is why Invoke keeps its
// copy under alb's loop: the loop cannot know when a handler is done with
// what it was handed.
func TestOwnLoopRequestsDoNotShareMemory(t *testing.T) {
	vals := []string{"aaaaaaaa", "bbbbbbbb", "cccccccc"}
	var events []string
	for _, v := range vals {
		events = append(events, keepEvent(v))
	}
	f := newRuntimeFake(t, events...)
	var kept []string
	r := New()
	r.GET("/keep/:v", func(c *Context) error {
		kept = append(kept, c.Param("v"), c.Header("x-v"))
		return c.NoContent(http.StatusNoContent)
	})
	err := runtimeapi.Run(f.addr(), r, runtimeapi.Options{Concurrency: 1, Logf: t.Logf})
	if err == nil || !strings.Contains(err.Error(), "410") {
		t.Fatalf("Run = %v, want the 410 that ends it", err)
	}
	want := []string{"aaaaaaaa", "aaaaaaaa", "bbbbbbbb", "bbbbbbbb", "cccccccc", "cccccccc"}
	if strings.Join(kept, ",") != strings.Join(want, ",") {
		t.Errorf("the handler kept %q, want %q", kept, want)
	}
	if !strings.HasPrefix(f.userAgent, "alb/") {
		t.Errorf("User-Agent %q: not alb's loop", f.userAgent)
	}
}

// chooseLoop: the option and ALB_RUNTIME choose the loop; an unknown
// value, or aws-lambda-go's loop in a build that does not link it, is an
// error.
func TestChooseLoop(t *testing.T) {
	for _, tt := range []struct {
		option bool
		env    string
		aws    bool
		err    string
	}{
		{env: "", aws: false},
		{env: "alb", aws: false},
		{option: true, env: "", aws: true},
		{option: true, env: "alb", aws: true},
		{env: "aws-lambda-go", aws: true},
		{env: "AWS-LAMBDA-GO", err: `ALB_RUNTIME="AWS-LAMBDA-GO"`},
		{env: "rust", err: `ALB_RUNTIME="rust"`},
	} {
		aws, err := chooseLoop(tt.option, tt.env)
		wantErr := tt.err
		if tt.aws && !awsLoopLinked {
			wantErr = "does not link it"
		}
		switch {
		case wantErr != "":
			if err == nil || !strings.Contains(err.Error(), wantErr) {
				t.Errorf("chooseLoop(%v, %q) = %v, %v, want an error with %q", tt.option, tt.env, aws, err, wantErr)
			}
		case err != nil || aws != tt.aws:
			t.Errorf("chooseLoop(%v, %q) = %v, %v, want %v", tt.option, tt.env, aws, err, tt.aws)
		}
	}
}

// Start serves with alb's loop by default and with aws-lambda-go's when
// ALB_RUNTIME says so (in a build that links it); an unknown ALB_RUNTIME
// is posted as an initialization error, and the process exits.
func TestStartChoosesLoop(t *testing.T) {
	startChild(t)
	for _, tt := range []struct {
		env       string
		userAgent string // "": no invocation, an init error
	}{
		{"", "alb/"},
		{"alb", "alb/"},
		{"aws-lambda-go", map[bool]string{true: "aws-lambda-go/", false: ""}[awsLoopLinked]},
		{"bogus", ""},
	} {
		t.Run("ALB_RUNTIME="+tt.env, func(t *testing.T) {
			f := newRuntimeFake(t, keepEvent("x"))
			out, err := startChildProcess(t, "TestStartChoosesLoop", "AWS_LAMBDA_RUNTIME_API="+f.addr(), runtimeEnv+"="+tt.env)
			if err == nil {
				t.Errorf("the child exited with status 0; output:\n%s", out)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if tt.userAgent == "" {
				if len(f.posted) != 1 || !strings.HasPrefix(f.posted[0], "/2018-06-01/runtime/init/error {\"errorMessage\":\"alb: ") {
					t.Errorf("posted %q, want one initialization error; output:\n%s", f.posted, out)
				}
				return
			}
			if !strings.HasPrefix(f.userAgent, tt.userAgent) {
				t.Errorf("User-Agent %q, want %s...", f.userAgent, tt.userAgent)
			}
			if len(f.posted) != 1 || !strings.Contains(f.posted[0], `"statusCode":404`) {
				t.Errorf("posted %q, want one 404 response", f.posted)
			}
		})
	}
}

// failInitChildEnv marks the copy of the test binary that calls FailInit.
const failInitChildEnv = "ALB_TEST_FAILINIT_CHILD"

// FailInit posts the error to the initialization error endpoint inside
// Lambda, says it on standard error, and exits with status 1.
func TestFailInit(t *testing.T) {
	if os.Getenv(failInitChildEnv) != "" {
		FailInit(fmt.Errorf("reading the configuration: %w", errors.New("no such secret")))
	}
	f := newRuntimeFake(t)
	out, err := startChildProcess(t, "TestFailInit", "AWS_LAMBDA_RUNTIME_API="+f.addr(), failInitChildEnv+"=1")
	if err == nil {
		t.Errorf("the child exited with status 0; output:\n%s", out)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	want := `/2018-06-01/runtime/init/error {"errorMessage":"reading the configuration: no such secret","errorType":"wrapError"}`
	if len(f.posted) != 1 || f.posted[0] != want {
		t.Errorf("posted %q, want %q", f.posted, want)
	}
	if !strings.Contains(out, "alb: initialization failed: reading the configuration: no such secret") {
		t.Errorf("output %q does not say why", out)
	}
}
