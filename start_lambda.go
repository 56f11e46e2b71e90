//go:build lambda.norpc

package alb

import (
	"fmt"
	"os"
	"time"
)

// Start serves r through the Lambda Runtime API, and never returns. This
// is the Start of a binary built with the tag lambda.norpc, the way AWS
// documents for the provided.al2023 runtime: it links no local server, so
// the options that only configure the local server are accepted and
// ignored. It serves with alb's own loop; aws-lambda-go's lambda.Start
// (WithAWSLambdaLoop, ALB_RUNTIME=aws-lambda-go) is linked only into a
// build with the tag alb.awsloop too. Outside Lambda
// (AWS_LAMBDA_RUNTIME_API is not set) it says that the binary has no local
// server and exits with status 1; build without the tag to serve locally.
// See the default build's Start.
func Start(r *Router, opts ...StartOption) {
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") == "" {
		fmt.Fprintln(os.Stderr, "alb: AWS_LAMBDA_RUNTIME_API is not set, and this binary, built with -tags lambda.norpc, has no local server: build without the tag to serve locally")
		os.Exit(1)
	}
	var cfg startConfig
	for _, opt := range opts {
		opt(&cfg)
	}
	startLambda(r, cfg.lambda)
}

// startConfig has the fields the options set, which nothing reads in a
// build without a local server.
type startConfig struct {
	addr        string
	multiValue  bool
	timeout     time.Duration
	healthPath  string
	healthEvery time.Duration
	lambda      lambdaConfig
}
