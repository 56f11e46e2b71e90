package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// rieModule is the Runtime Interface Emulator the tests run the examples
// under: AWS's Lambda Runtime API and invoke endpoint in one program.
const rieModule = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d"

// rieEnv names an aws-lambda-rie binary to use instead of installing one
// (.ci/run installs it once).
const rieEnv = "ALB_RIE"

var (
	rieOnce sync.Once
	riePath string
	rieErr  error
)

// rieBinary returns the emulator: $ALB_RIE, or one go install puts in a
// temporary directory (from the module proxy).
func rieBinary(t *testing.T) string {
	t.Helper()
	rieOnce.Do(func() {
		if p := os.Getenv(rieEnv); p != "" {
			riePath = p
			return
		}
		dir, err := os.MkdirTemp("", "alb-rie-")
		if err != nil {
			rieErr = err
			return
		}
		cmd := exec.Command("go", "install", rieModule)
		cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			rieErr = fmt.Errorf("go install %s: %v\n%s", rieModule, err, out)
			return
		}
		riePath = filepath.Join(dir, "aws-lambda-rie")
	})
	if rieErr != nil {
		t.Fatal(rieErr)
	}
	return riePath
}

// buildBootstrap builds the main package in dir (relative to the
// repository's root; examples/api is a module of its own, built from its
// directory) as a bootstrap for provided.al2023, with tags, and returns
// its path.
func buildBootstrap(t *testing.T, dir, tags string) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "bootstrap")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", tags, "-trimpath", "-o", bin, ".")
	cmd.Dir = filepath.Join(root, dir)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags %s in %s: %v\n%s", tags, cmd.Dir, err, out)
	}
	return bin
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// rie is a running emulator with a function.
type rie struct {
	url string
	out *syncBuffer
}

// startRIE runs bootstrap under the emulator, with env added to the
// function's environment, and waits until it accepts invocations.
func startRIE(t *testing.T, bootstrap string, env ...string) *rie {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(rieBinary(t), "--runtime-interface-emulator-address", addr, "--runtime-api-address", freeAddr(t), bootstrap)
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_FUNCTION_TIMEOUT=10", "LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, env...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("emulator output:\n%s", out.String())
		}
	})
	for deadline := time.Now().Add(startTimeout); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			t.Fatalf("the emulator exited:\n%s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the emulator did not listen on %s:\n%s", addr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return &rie{url: "http://" + addr + "/2015-03-31/functions/function/invocations", out: out}
}

// invoke sends event to the function and returns its response.
func (r *rie) invoke(t *testing.T, event []byte) []byte {
	t.Helper()
	resp, err := http.Post(r.url, "application/json", bytes.NewReader(event))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invoke: status %d: %s", resp.StatusCode, body)
	}
	return body
}

// recordedEvents returns the recorded ALB request events of the
// repository's testdata, by file name.
func recordedEvents(t *testing.T) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob("../testdata/alb-events/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no recorded events (%v)", err)
	}
	events := map[string][]byte{}
	for _, p := range paths {
		if strings.Contains(filepath.Base(p), "response") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		events[filepath.Base(p)] = b
	}
	return events
}

// uuid matches a Lambda request id.
var uuid = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// albResponse is what an ALB needs of a function's response.
type albResponse struct {
	StatusCode        *int                `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              string              `json:"body"`
}

// The examples, built for provided.al2023 and run under AWS's Runtime
// Interface Emulator, answer every recorded ALB event the same on alb's
// own loop and on aws-lambda-go's (ALB_RUNTIME=aws-lambda-go, in a build
// with the tag alb.awsloop that links it), with a response an ALB takes.
func TestExamplesUnderRIE(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the examples and the Runtime Interface Emulator")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the Runtime Interface Emulator runs on Linux")
	}
	events := recordedEvents(t)
	hello := []byte(`{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lambda-target/abcdefg"}},` +
		`"httpMethod":"GET","path":"/hello/world","queryStringParameters":{"name":"Ada+Lovelace"},"headers":{"host":"example.com"},"body":"","isBase64Encoded":false}`)
	for _, ex := range []struct {
		dir    string
		env    []string
		checks map[string]string // event name: what the body contains
	}{
		{"examples/hello", nil, map[string]string{"hello": `"message":"Hello, world!"`}},
		{"examples/api", []string{"API_TOKEN=e2e-token"}, nil},
	} {
		t.Run(filepath.Base(ex.dir), func(t *testing.T) {
			own := startRIE(t, buildBootstrap(t, ex.dir, "lambda.norpc"), ex.env...)
			aws := startRIE(t, buildBootstrap(t, ex.dir, "lambda.norpc,alb.awsloop"), append(ex.env, "ALB_RUNTIME=aws-lambda-go")...)
			all := map[string][]byte{"hello": hello}
			for k, v := range events {
				all[k] = v
			}
			for name, event := range all {
				got, want := own.invoke(t, event), aws.invoke(t, event)
				// Each invocation has its own request id, which
				// examples/api answers in X-Request-Id.
				if !bytes.Equal(uuid.ReplaceAll(got, []byte("<uuid>")), uuid.ReplaceAll(want, []byte("<uuid>"))) {
					t.Errorf("%s: alb's loop answered\n%s\naws-lambda-go's\n%s", name, got, want)
				}
				var resp albResponse
				if err := json.Unmarshal(got, &resp); err != nil || resp.StatusCode == nil {
					t.Errorf("%s: the response is not an ALB response (%v): %s", name, err, got)
					continue
				}
				if sub, ok := ex.checks[name]; ok && !strings.Contains(resp.Body, sub) {
					t.Errorf("%s: body %q, want it to contain %q", name, resp.Body, sub)
				}
			}
		})
	}
}
