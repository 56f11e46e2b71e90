package runtimeapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/albkit/alb"
	"github.com/albkit/alb/internal/runtimeapi"
)

// The conformance tests run the same invocations through aws-lambda-go's
// loop (lambda.StartWithOptions) and through alb's (runtimeapi.Start),
// each in a process of its own against a fake Runtime API, and compare
// what each posts. The differences the README lists are the only ones
// allowed: normalize removes them, and the alb-only checks assert them.

// testHandler is the handler of the generic scenarios: what it does
// depends on the payload.
type testHandler struct{}

// testError is an error of a named pointer type, whose name is the
// errorType.
type testError struct{ msg string }

func (e *testError) Error() string { return e.msg }

// report is what the echo payload answers: what the handler sees of its
// invocation.
type report struct {
	RequestID     string
	FunctionARN   string
	TenantID      string
	ClientContext lambdacontext.ClientContext
	Identity      lambdacontext.CognitoIdentity
	TraceCtx      any
	TraceEnv      string
	Deadline      int64
	HasLambdaCtx  bool
	Payload       string
}

func (testHandler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	switch p := string(payload); {
	case p == "panic":
		panicHere("boom")
	case p == "panic-error":
		panic(&testError{"a panic with an error"})
	case p == "error":
		return nil, errors.New("handler failed")
	case p == "error-typed":
		return nil, &testError{"typed failure <&> \"quoted\""}
	case p == "error-lambda":
		return nil, messages.InvokeResponse_Error{Message: "as the handler says", Type: "Custom.Type"}
	case p == "deadline":
		<-ctx.Done()
		return nil, ctx.Err()
	case p == "big":
		return make([]byte, payloadLimit+1), nil
	case p == "empty":
		return nil, nil
	}
	r := report{TraceCtx: ctx.Value("x-amzn-trace-id"), TraceEnv: os.Getenv("_X_AMZN_TRACE_ID"), Payload: string(payload)}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		r.HasLambdaCtx = true
		r.RequestID, r.FunctionARN, r.TenantID = lc.AwsRequestID, lc.InvokedFunctionArn, lc.TenantID
		r.ClientContext, r.Identity = lc.ClientContext, lc.Identity
	}
	if d, ok := ctx.Deadline(); ok {
		r.Deadline = d.UnixMilli()
	}
	return json.Marshal(r)
}

// panicHere panics one frame down, so that the stack has a frame of the
// test's own between the runtime's panic and the handler.
func panicHere(msg string) { panic(msg) }

// newTestRouter is the router of the router scenarios.
func newTestRouter() *alb.Router {
	r := alb.New()
	r.GET("/hello/:name", func(c *alb.Context) error {
		return c.String(http.StatusOK, "hello "+c.Param("name"))
	})
	r.GET("/fail", func(c *alb.Context) error { return errors.New("handler failed") })
	r.GET("/panic", func(c *alb.Context) error { panic("boom") })
	r.GET("/deadline", func(c *alb.Context) error {
		d, _ := c.Context().Deadline()
		return c.String(http.StatusOK, strconv.FormatInt(d.UnixMilli(), 10))
	})
	return r
}

// TestChild is the copy of the test binary that runs a loop: it serves the
// scenario named by childEnv with the loop named by childLoop, and exits
// when the loop ends (on the fake API's 410 Gone, or a panic).
func TestChild(t *testing.T) {
	scenario := os.Getenv(childEnv)
	if scenario == "" {
		t.Skip("the conformance tests run it in a process of its own")
	}
	useALB := os.Getenv(childLoop) == "alb"
	var hooks []func()
	switch scenario {
	case "router":
		if !useALB {
			os.Setenv("ALB_RUNTIME", "aws-lambda-go")
		}
		alb.Start(newTestRouter())
	case "initerror":
		err := &testError{"the configuration is missing"}
		if useALB {
			alb.FailInit(err)
		}
		log.Fatal(err) // what a function on aws-lambda-go does
	case "sigterm":
		hooks = append(hooks, func() { fmt.Println("sigterm hook ran") })
	}
	if useALB {
		runtimeapi.Start(testHandler{}, runtimeapi.Options{SIGTERM: hooks != nil, OnSIGTERM: hooks})
	} else {
		var opts []lambda.Option
		if hooks != nil {
			opts = append(opts, lambda.WithEnableSIGTERM(hooks...))
		}
		lambda.StartWithOptions(testHandler{}, opts...)
	}
	t.Fatal("the loop returned")
}

// scenario is a set of invocations served by both loops.
type scenario struct {
	name  string
	child string // the child's scenario; "" for the test handler
	invs  []invocation
	env   []string
	// sorted: several loops interleave their requests.
	sorted bool
}

// albEvent is an ALB event for path.
func albEvent(path string) string {
	return `{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/0123456789abcdef"}},` +
		`"httpMethod":"GET","path":"` + path + `","queryStringParameters":{},"headers":{"host":"example.com"},"body":"","isBase64Encoded":false}`
}

func echoInvocations(n int) []invocation {
	invs := make([]invocation, n)
	for i := range invs {
		invs[i] = invocation{id: fmt.Sprintf("req-%03d", i), body: fmt.Sprintf(`{"n":%d}`, i)}
	}
	return invs
}

var scenarios = []scenario{
	{name: "success", invs: []invocation{
		{id: "req-1", body: `{"hello":"world"}`},
		{id: "req-2", body: `{"with":"metadata"}`, header: map[string]string{
			"Lambda-Runtime-Client-Context":   `{"Client":{"installation_id":"inst-1","app_title":"app"},"env":{"k":"v"},"custom":{"a":"b","n":42}}`,
			"Lambda-Runtime-Cognito-Identity": `{"CognitoIdentityID":"id-1","CognitoIdentityPoolID":"pool-1"}`,
			"Lambda-Runtime-Aws-Tenant-Id":    "tenant-42",
		}},
		{id: "req-3", body: "", header: map[string]string{"Lambda-Runtime-Trace-Id": ""}},
		{id: "req-4", body: "empty"},
		{id: "req-5", body: strings.Repeat("x", 100_000)},
	}},
	{name: "handler-error", invs: []invocation{
		{id: "req-1", body: "error"},
		{id: "req-2", body: "error-typed"},
		{id: "req-3", body: "error-lambda"},
		{id: "req-4", body: "after the errors"},
	}},
	{name: "panic", invs: []invocation{{id: "req-1", body: "panic"}, {id: "req-2", body: "never fetched"}}},
	{name: "panic-error", invs: []invocation{{id: "req-1", body: "panic-error"}}},
	{name: "deadline", invs: []invocation{{id: "req-1", body: "deadline", deadline: 50 * time.Millisecond}}},
	{name: "malformed-metadata", invs: []invocation{
		{id: "req-1", body: "x", header: map[string]string{"Lambda-Runtime-Deadline-Ms": "soon"}},
		{id: "req-2", body: "x", header: map[string]string{"Lambda-Runtime-Deadline-Ms": ""}},
		{id: "req-3", body: "x", header: map[string]string{"Lambda-Runtime-Client-Context": "{"}},
		{id: "req-4", body: "x", header: map[string]string{"Lambda-Runtime-Cognito-Identity": "[1]"}},
		{id: "req-5", body: "still served"},
	}},
	{name: "oversized", invs: []invocation{{id: "req-1", body: "big"}, {id: "req-2", body: "never fetched"}}},
	{name: "router", child: "router", invs: []invocation{
		{id: "req-1", body: albEvent("/hello/lambda")},
		{id: "req-2", body: albEvent("/fail")},
		{id: "req-3", body: albEvent("/panic")},
		{id: "req-4", body: `{"httpMethod":`},
		{id: "req-5", body: `not json`},
		{id: "req-6", body: albEvent("/deadline")},
		{id: "req-7", body: albEvent("/missing")},
	}},
	{name: "concurrency-1", invs: echoInvocations(24), env: []string{"AWS_LAMBDA_MAX_CONCURRENCY=1"}},
	{name: "concurrency-2", invs: echoInvocations(24), env: []string{"AWS_LAMBDA_MAX_CONCURRENCY=2"}, sorted: true},
	{name: "concurrency-8", invs: echoInvocations(48), env: []string{"AWS_LAMBDA_MAX_CONCURRENCY=8"}, sorted: true},
}

// run serves s with loop and returns what the fake API received, the
// exit code and the output.
func (s scenario) run(t *testing.T, loop string) (*fakeAPI, []record, int, string) {
	t.Helper()
	f := newFakeAPI(t, s.invs...)
	child := s.child
	if child == "" {
		child = "handler"
	}
	c := startChild(t, f, child, loop, s.env...)
	code, out := c.wait(t)
	recs := f.records()
	if s.sorted {
		sortByPath(recs)
	}
	return f, recs, code, out
}

func TestConformance(t *testing.T) {
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			_, awsRecs, awsCode, awsOut := s.run(t, "aws")
			f, albRecs, albCode, albOut := s.run(t, "alb")
			if awsCode != albCode {
				t.Errorf("exit code: aws-lambda-go %d, alb %d\naws-lambda-go:\n%s\nalb:\n%s", awsCode, albCode, awsOut, albOut)
			}
			if albCode != 1 {
				t.Errorf("alb's loop exited with %d, want 1; output:\n%s", albCode, albOut)
			}
			if s.sorted { // how many GETs get the 410 depends on timing
				awsRecs, albRecs = withoutGone(awsRecs), withoutGone(albRecs)
			}
			want, got := transcript(awsRecs), transcript(albRecs)
			if testing.Verbose() {
				t.Logf("alb's transcript:\n%s", got)
			}
			if want != got {
				t.Errorf("what the loops posted differs:\n%s\n--- alb's output:\n%s", lineDiff(want, got), albOut)
			}
			checkALBOnly(t, albRecs, albOut)
			checkLogged(t, "aws-lambda-go", awsRecs, awsOut)
			checkLogged(t, "alb", albRecs, albOut)
			loops := 1
			for _, e := range s.env {
				if n, ok := strings.CutPrefix(e, "AWS_LAMBDA_MAX_CONCURRENCY="); ok {
					loops, _ = strconv.Atoi(n)
				}
			}
			if n := f.connections(); n != loops {
				t.Errorf("alb's loops opened %d connections, want %d (one per loop, never re-dialed)", n, loops)
			}
		})
	}
}

// transcript renders what a loop posted, without what the README lists as
// the differences between the loops.
func transcript(recs []record) string {
	var b strings.Builder
	for _, r := range recs {
		fmt.Fprintf(&b, "%s %s -> %d\n", r.method, r.path, r.status)
		if r.method == http.MethodGet {
			continue
		}
		for _, k := range []string{"Content-Type", "Lambda-Extension-Name", "Lambda-Extension-Identifier"} {
			if v := r.header.Get(k); v != "" {
				fmt.Fprintf(&b, "  %s: %s\n", k, v)
			}
		}
		if v := r.header.Get("Lambda-Runtime-Function-Xray-Error-Cause"); v != "" {
			fmt.Fprintf(&b, "  X-Ray cause: %s\n", normalizeCause(v))
		}
		body := string(r.body)
		if len(body) > 2000 {
			body = fmt.Sprintf("(%d bytes)", len(body))
		} else if strings.Contains(body, `"stackTrace"`) {
			body = normalizeError(body)
		}
		fmt.Fprintf(&b, "  %s\n", body)
	}
	return b.String()
}

// userFrames keeps the frames of a panic's stack from the runtime's
// panic down to the test handler's last frame: the frames of each loop's
// own functions above and below differ.
func userFrames(stack []*messages.InvokeResponse_Error_StackFrame) []*messages.InvokeResponse_Error_StackFrame {
	start := slices.IndexFunc(stack, func(f *messages.InvokeResponse_Error_StackFrame) bool { return f.Label == "gopanic" })
	if start < 0 {
		return []*messages.InvokeResponse_Error_StackFrame{{Label: "no runtime.gopanic frame"}}
	}
	end := start + 1
	for end < len(stack) && strings.HasSuffix(stack[end].Path, "_test.go") {
		end++
	}
	return stack[start:end]
}

func normalizeError(body string) string {
	var e messages.InvokeResponse_Error
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		return "invalid error body: " + body
	}
	e.StackTrace = userFrames(e.StackTrace)
	b, _ := json.Marshal(e)
	return string(b)
}

func normalizeCause(v string) string {
	var x struct {
		WorkingDirectory string `json:"working_directory"`
		Exceptions       []struct {
			Type    string                                      `json:"type"`
			Message string                                      `json:"message"`
			Stack   []*messages.InvokeResponse_Error_StackFrame `json:"stack"`
		} `json:"exceptions"`
		Paths []string `json:"paths"`
	}
	if err := json.Unmarshal([]byte(v), &x); err != nil {
		return "invalid X-Ray cause: " + v
	}
	if len(x.Paths) > 0 { // the paths of the frames kept, each once
		x.Paths = nil
		for i := range x.Exceptions {
			x.Exceptions[i].Stack = userFrames(x.Exceptions[i].Stack)
			for _, f := range x.Exceptions[i].Stack {
				if !slices.Contains(x.Paths, f.Path) {
					x.Paths = append(x.Paths, f.Path)
				}
			}
		}
	}
	b, _ := json.Marshal(x)
	return string(b)
}

// checkALBOnly checks what alb's loop does and aws-lambda-go's does not:
// bodies with a Content-Length, and the error type in a header.
func checkALBOnly(t *testing.T, recs []record, out string) {
	t.Helper()
	for _, r := range recs {
		if r.method != http.MethodPost {
			continue
		}
		if r.header.Get("Content-Length") != strconv.Itoa(len(r.body)) || r.header.Get("Transfer-Encoding") != "" {
			t.Errorf("%s %s: Content-Length %q, Transfer-Encoding %q, for a body of %d bytes", r.method, r.path, r.header.Get("Content-Length"), r.header.Get("Transfer-Encoding"), len(r.body))
		}
		if !strings.HasPrefix(r.header.Get("User-Agent"), "alb/go") {
			t.Errorf("%s %s: User-Agent %q", r.method, r.path, r.header.Get("User-Agent"))
		}
		if strings.HasSuffix(r.path, "/error") {
			var e messages.InvokeResponse_Error
			if err := json.Unmarshal(r.body, &e); err != nil {
				t.Errorf("%s: error body %q: %v", r.path, r.body, err)
			}
			if got := r.header.Get("Lambda-Runtime-Function-Error-Type"); got != e.Type {
				t.Errorf("%s: Lambda-Runtime-Function-Error-Type %q, want the errorType %q", r.path, got, e.Type)
			}
		}
	}
}

// checkLogged checks that a loop logged every error it posted.
func checkLogged(t *testing.T, loop string, recs []record, out string) {
	t.Helper()
	for _, r := range recs {
		if strings.HasSuffix(r.path, "/error") && !strings.Contains(out, string(r.body)+"\n") {
			t.Errorf("%s did not log the error it posted to %s: %s\noutput:\n%s", loop, r.path, r.body, out)
		}
	}
}

// TestInitError: alb.FailInit posts the error to the Runtime API's
// initialization error endpoint and exits with status 1; a function on
// aws-lambda-go, which has no such call, exits with status 1 having posted
// nothing.
func TestInitError(t *testing.T) {
	s := scenario{child: "initerror"}
	_, awsRecs, awsCode, awsOut := s.run(t, "aws")
	_, albRecs, albCode, albOut := s.run(t, "alb")
	if awsCode != 1 || albCode != 1 {
		t.Errorf("exit codes: aws-lambda-go %d, alb %d, want 1\n%s\n%s", awsCode, albCode, awsOut, albOut)
	}
	if len(awsRecs) != 0 {
		t.Errorf("the function on aws-lambda-go posted %s", transcript(awsRecs))
	}
	want := "POST /2018-06-01/runtime/init/error -> 202\n  Content-Type: application/json\n" +
		`  {"errorMessage":"the configuration is missing","errorType":"testError"}` + "\n"
	if got := transcript(albRecs); got != want {
		t.Errorf("alb posted\n%s\nwant\n%s\noutput:\n%s", got, want, albOut)
	}
	checkALBOnly(t, albRecs, albOut)
	if !strings.Contains(albOut, "the configuration is missing") {
		t.Errorf("alb's output does not say why:\n%s", albOut)
	}
}

// TestSIGTERM: with SIGTERM enabled, both loops register the same internal
// extension before their first GET next, and on SIGTERM run the hooks and
// keep serving (Lambda kills the process).
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("signals a child process")
	}
	for _, loop := range []string{"aws", "alb"} {
		t.Run(loop, func(t *testing.T) {
			f := newFakeAPI(t, invocation{id: "req-1", body: "after SIGTERM"})
			// Hold the invocation until the signal has been handled.
			f.mu.Lock()
			held := f.queue
			f.queue = nil
			f.pending = 1
			f.mu.Unlock()
			c := startChild(t, f, "sigterm", loop)
			f.waitFor(func() bool {
				return f.nexts > 0 && slices.ContainsFunc(f.recs, func(r record) bool { return r.path == "/2020-01-01/extension/event/next" })
			})
			if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			for !strings.Contains(c.output(), "sigterm hook ran") {
				select {
				case err := <-c.done:
					c.done <- err
					t.Fatalf("the child exited (%v) before the hook ran; output:\n%s", err, c.output())
				case <-time.After(5 * time.Millisecond):
				}
			}
			f.mu.Lock()
			f.queue, f.pending = held, 0
			f.cond.Broadcast()
			f.mu.Unlock()
			code, out := c.wait(t)
			if code != 1 {
				t.Errorf("exit code %d, want 1 (on the 410 after the invocation)\n%s", code, out)
			}
			got := transcript(f.records())
			want := "POST /2020-01-01/extension/register -> 200\n" +
				"  Lambda-Extension-Name: GoLangEnableSIGTERM\n" +
				"  {\"events\":null}\n" +
				"GET /2020-01-01/extension/event/next -> 0\n" +
				"GET /2018-06-01/runtime/invocation/next -> 200\n" +
				"POST /2018-06-01/runtime/invocation/req-1/response -> 202\n" +
				"  Content-Type: application/octet-stream\n"
			if !strings.HasPrefix(got, want) {
				t.Errorf("posted\n%s\nwant it to begin with\n%s", got, want)
			}
			for _, r := range f.records() {
				if r.path == "/2020-01-01/extension/event/next" && r.header.Get("Lambda-Extension-Identifier") != "ext-0123" {
					t.Errorf("event/next with Lambda-Extension-Identifier %q, want ext-0123", r.header.Get("Lambda-Extension-Identifier"))
				}
			}
		})
	}
}

// withoutGone drops the GETs answered 410 Gone.
func withoutGone(recs []record) []record {
	return slices.DeleteFunc(recs, func(r record) bool { return r.status == http.StatusGone })
}

// lineDiff shows the first line where aws-lambda-go's transcript and
// alb's differ, with a few lines of context.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	from := max(0, i-3)
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d (of %d and %d)\n", i+1, len(w), len(g))
	for j := from; j < i; j++ {
		fmt.Fprintf(&b, "   %s\n", w[j])
	}
	for j := i; j < min(len(w), i+4); j++ {
		fmt.Fprintf(&b, "aws %s\n", w[j])
	}
	for j := i; j < min(len(g), i+4); j++ {
		fmt.Fprintf(&b, "alb %s\n", g[j])
	}
	return b.String()
}
