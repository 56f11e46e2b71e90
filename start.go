package alb

import "time"

// The local server is in start_local.go, built by default; a build with
// the tag lambda.norpc, as AWS documents for the provided.al2023 runtime,
// takes start_lambda.go instead, whose Start only calls lambda.Start, so
// that a Lambda binary does not link the emulator, its HTTP server or the
// signal handling. The options are here, in both builds, so that the same
// call to Start compiles in each.

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
