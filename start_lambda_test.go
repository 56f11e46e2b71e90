//go:build lambda.norpc

package alb

import (
	"strings"
	"testing"
)

// Built with lambda.norpc, Start has no local server: outside Lambda it
// says so, and lambda.Start exits the process, whatever the options.
func TestStartOutsideLambdaWithoutLocalServer(t *testing.T) {
	startChild(t)
	out, err := startChildProcess(t, "TestStartOutsideLambdaWithoutLocalServer", "AWS_LAMBDA_RUNTIME_API=")
	if err == nil {
		t.Errorf("the child process exited with status 0; output:\n%s", out)
	}
	if want := "built with -tags lambda.norpc, has no local server"; !strings.Contains(out, want) {
		t.Errorf("output %q, want it to contain %q", out, want)
	}
	if strings.Contains(out, "serving on") {
		t.Errorf("output %q: a local server started", out)
	}
}
