package alb

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// startChildEnv marks the copy of the test binary that calls Start.
const startChildEnv = "ALB_TEST_START_CHILD"

// startChild, in the copy of the test binary that startChildProcess runs,
// calls Start with every option and fails the test if Start returns.
func startChild(t *testing.T) {
	if os.Getenv(startChildEnv) == "" {
		return
	}
	r := New()
	r.GET("/hello/:name", func(c *Context) error {
		return c.String(http.StatusOK, "hello "+c.Param("name"))
	})
	Start(r, WithAddr("127.0.0.1:0"), WithMultiValueHeaders(), WithTimeout(time.Second), WithHealthChecks("/", time.Hour))
	t.Fatal("Start returned")
}

// startChildProcess runs the test named test in a copy of this test
// binary, with env added, and returns its output and its exit error.
func startChildProcess(t *testing.T, test string, env ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), startChildEnv+"=1"), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(60 * time.Second): // a guard, not the assertion
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("the child process did not exit; output:\n%s", out.String())
		return "", nil
	}
}

// Inside Lambda, Start serves the router through lambda.Start, in both
// builds, whatever the options: the child process answers one ALB event
// from a stand-in for the Lambda runtime API in the event's mode (single
// value, although the options ask for multi-value mode locally), then
// exits when the API refuses the next event.
func TestStartInLambda(t *testing.T) {
	startChild(t)
	var (
		mu       sync.Mutex
		served   bool
		response []byte
	)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case req.Method == http.MethodGet && req.URL.Path == "/2018-06-01/runtime/invocation/next":
			if served {
				http.Error(w, "no more events", http.StatusGone)
				return
			}
			served = true
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", "req-1")
			w.Header().Set("Lambda-Runtime-Deadline-Ms", "4102444800000") // 2100-01-01
			w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:hello")
			io.WriteString(w, `{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/0123456789abcdef"}},`+
				`"httpMethod":"GET","path":"/hello/lambda","queryStringParameters":{},"headers":{"host":"example.com"},"body":"","isBase64Encoded":false}`)
		case req.Method == http.MethodPost && req.URL.Path == "/2018-06-01/runtime/invocation/req-1/response":
			response, _ = io.ReadAll(req.Body)
			w.WriteHeader(http.StatusAccepted)
		default:
			t.Errorf("unexpected runtime API call %s %s", req.Method, req.URL)
			http.Error(w, "unexpected", http.StatusNotFound)
		}
	}))
	defer api.Close()
	out, err := startChildProcess(t, "TestStartInLambda", "AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(api.URL, "http://"))
	if err == nil || !strings.Contains(out, "410") {
		t.Errorf("child exited with %v, want an exit on the runtime API's 410; output:\n%s", err, out)
	}
	mu.Lock()
	defer mu.Unlock()
	var resp struct {
		StatusCode        int                 `json:"statusCode"`
		Headers           map[string]string   `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		Body              string              `json:"body"`
	}
	if err := json.Unmarshal(response, &resp); err != nil {
		t.Fatalf("response %q: %v; child output:\n%s", response, err, out)
	}
	if resp.StatusCode != http.StatusOK || resp.Body != "hello lambda" || resp.Headers == nil || resp.MultiValueHeaders != nil {
		t.Errorf("response %s, want 200 \"hello lambda\" in single-value mode", response)
	}
}
