//go:build lambda.norpc

package alb

import (
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

// Start serves r with lambda.Start(r), and never returns. This is the
// Start of a binary built with the tag lambda.norpc, the way AWS documents
// for the provided.al2023 runtime: it links no local server, so opts,
// which only configure the local server, are accepted and ignored.
// Outside Lambda (AWS_LAMBDA_RUNTIME_API is not set) it says that the
// binary has no local server, and lambda.Start exits the process; build
// without the tag to serve locally. See the default build's Start.
func Start(r *Router, opts ...StartOption) {
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") == "" {
		fmt.Fprintln(os.Stderr, "alb: AWS_LAMBDA_RUNTIME_API is not set, and this binary, built with -tags lambda.norpc, has no local server: build without the tag to serve locally")
	}
	lambda.Start(r)
}

// startConfig has the fields the options set, which nothing reads in a
// build without a local server.
type startConfig struct {
	addr        string
	multiValue  bool
	timeout     time.Duration
	healthPath  string
	healthEvery time.Duration
}
