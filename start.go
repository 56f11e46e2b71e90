package alb

import (
	"fmt"
	"os"
	"time"

	"github.com/albkit/alb/internal/runtimeapi"
)

// The local server is in start_local.go, built by default; a build with
// the tag lambda.norpc, as AWS documents for the provided.al2023 runtime,
// takes start_lambda.go instead, whose Start only serves the Runtime API,
// so that a Lambda binary does not link the emulator, its HTTP server or
// the signal handling. Both serve inside Lambda with start_runtime.go;
// aws-lambda-go's loop is linked by start_awsloop.go (by default, or with
// the tag alb.awsloop). The options are here, in both builds, so that the
// same call to Start compiles in each.

// StartOption configures how Start serves the router outside Lambda. A
// binary built with the tag lambda.norpc has no local server: it accepts
// every option and ignores it (see Start).
type StartOption func(*startConfig)

// startConfig, which the options set, is in start_local.go, and in
// start_lambda.go without what only the local server uses.

// WithAddr sets the local address to listen on, such as "127.0.0.1:9000"
// or ":8080" (every interface); port 0 picks a free port, and the address
// printed is the one really bound. Without WithAddr the address is the
// HOST environment variable, or 127.0.0.1 (loopback only: nothing outside
// the machine can reach the server), and the PORT environment variable, or
// 8080. HOST=0.0.0.0 opens the server to the network; HOST=::1 serves on
// IPv6 loopback. WithAddr wins over HOST and PORT. The default is IPv4
// loopback alone: clients that try localhost's ::1 first, such as curl and
// browsers, fall back to 127.0.0.1, and the printed URL names it.
//
// (The default used to be every interface, ":" and the port.)
func WithAddr(addr string) StartOption {
	return func(c *startConfig) { c.addr = addr }
}

// WithMultiValueHeaders serves in multi-value mode, like a target group
// with lambda.multi_value_headers.enabled. The default is single-value
// mode, like a new target group.
func WithMultiValueHeaders() StartOption {
	return func(c *startConfig) { c.multiValue = true }
}

// WithTimeout sets the function timeout of the emulated invocation: the
// deadline of the context handlers see. The default is 30 seconds.
func WithTimeout(d time.Duration) StartOption {
	return func(c *startConfig) { c.timeout = d }
}

// WithHealthChecks sends an ALB health check (GET path, user-agent
// ELB-HealthChecker/2.0, no host) every interval, and logs each result, as
// a target group with health checks enabled does. An interval of zero or
// less sends none on a schedule and only sets the path of the checks sent
// on demand (see Start); without WithHealthChecks that path is "/".
func WithHealthChecks(path string, interval time.Duration) StartOption {
	return func(c *startConfig) { c.healthPath, c.healthEvery = path, interval }
}

// WithAWSLambdaLoop serves the router inside Lambda with aws-lambda-go's
// lambda.Start instead of alb's own Runtime API loop (see Start), as the
// environment variable ALB_RUNTIME=aws-lambda-go does. A binary built with
// the tag lambda.norpc links aws-lambda-go's loop only when also built with
// the tag alb.awsloop; without it, asking for that loop is an
// initialization error.
func WithAWSLambdaLoop() StartOption {
	return func(c *startConfig) { c.lambda.awsLoop = true }
}

// WithSIGTERM runs hooks, in order, when the process gets SIGTERM, to
// flush telemetry or close connections. Inside Lambda it also registers
// the internal extension that makes Lambda send SIGTERM before it stops
// the execution environment (lambda.WithEnableSIGTERM does the same), and
// the process does not exit on SIGTERM: Lambda ends it about 500 ms later.
// Serving locally, the hooks run after the graceful shutdown that SIGTERM
// or SIGINT starts, before Start returns. WithSIGTERM with no hooks only
// enables the signal inside Lambda.
func WithSIGTERM(hooks ...func()) StartOption {
	return func(c *startConfig) {
		c.lambda.sigterm = true
		c.lambda.hooks = append(c.lambda.hooks, hooks...)
	}
}

// lambdaConfig is what the options set for serving inside Lambda.
type lambdaConfig struct {
	awsLoop bool
	sigterm bool
	hooks   []func()
}

// runtimeEnv is the environment variable that chooses the loop inside
// Lambda: "alb" (or empty) for alb's own, "aws-lambda-go" for lambda.Start.
const runtimeEnv = "ALB_RUNTIME"

// FailInit reports err as the error that kept the function from starting,
// and exits the process with status 1; call it instead of Start when what
// Start would serve cannot be built (configuration missing, a secret not
// readable). Inside Lambda it posts err to the Runtime API's
// initialization error endpoint, so that Lambda records err's message and
// Go type, rather than an unexplained exit, and starts a new execution
// environment for the next invocation. Anywhere else it prints err to
// standard error.
func FailInit(err error) {
	fmt.Fprintln(os.Stderr, "alb: initialization failed:", err)
	if api := os.Getenv("AWS_LAMBDA_RUNTIME_API"); api != "" {
		if perr := runtimeapi.InitError(api, err); perr != nil {
			fmt.Fprintln(os.Stderr, perr)
		}
	}
	os.Exit(1)
}
