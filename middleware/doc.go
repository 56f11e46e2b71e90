// Package middleware holds middleware for alb routers, one small file per
// middleware, each usable on its own.
//
// Each is either an alb.Middleware itself or a constructor that takes one
// options struct, whose zero value means the documented defaults. A
// constructor checks its options and panics at start-up, quoting the bad
// value, so that a mistake never waits for a request. A request that a
// middleware lets through untouched allocates nothing there.
//
// # Order
//
// The first middleware given to Router.Use is the outermost. The
// recommended order, outermost first:
//
//	r := alb.New()
//	r.Use(
//		middleware.HealthCheck(middleware.HealthCheckOptions{Path: "/health"}),
//		middleware.Recover(middleware.RecoverOptions{}),
//		middleware.RequestID(middleware.RequestIDOptions{}),
//		middleware.Logger(middleware.LoggerOptions{}),
//		middleware.Metrics(middleware.MetricsOptions{Namespace: "shop"}),
//		middleware.Timeout(middleware.TimeoutOptions{Duration: 10 * time.Second}),
//		middleware.SecureHeaders(middleware.SecureHeadersOptions{}),
//		middleware.CORS(middleware.CORSOptions{AllowedOrigins: []string{"https://app.example.com"}}),
//		middleware.BodyLimit(256 << 10),
//		auth, // BasicAuth, BearerAuth, APIKey or ALBOIDC, configured for the application
//		middleware.Compress(middleware.CompressOptions{}),
//	)
//	r.GET("/users/:id", getUser)
//	lambda.Start(r)
//
// Authentication often belongs on a Group instead (r.Group("/api", auth)),
// where it runs inside the router's middleware, in the same place.
//
//   - HealthCheck goes first. With health checks enabled, the ALB invokes
//     the function every interval: each check is a billed invocation, and
//     it carries no Host, no X-Forwarded-* or trace header, and no
//     credentials. Answered first, a check costs the least, is never
//     refused by authentication or host checks, and does not fill the
//     access log.
//   - Recover turns a panic in anything inside it into a 500 and one log
//     line with the stack.
//   - RequestID gives each request an id (the Lambda request id), for the
//     log lines and the X-Request-Id response header.
//   - Logger writes one access-log line per request, with the request id.
//   - Metrics writes the request's CloudWatch metrics (count, latency,
//     4xx, 5xx, cold start, and the handler's own from PutMetric) as one
//     embedded-metric-format document on standard output.
//   - Timeout answers 503 before the Lambda deadline, when the handler
//     would otherwise be killed and the client would get the ALB's bare
//     502.
//   - SecureHeaders sets HSTS, X-Content-Type-Options, X-Frame-Options,
//     Referrer-Policy and optionally Content-Security-Policy.
//   - CORS answers preflights before authentication (browsers send them
//     without credentials) and adds the CORS headers to allowed requests.
//   - BodyLimit refuses oversized bodies with 413 before any work is done
//     on them.
//   - BasicAuth, BearerAuth, APIKey and ALBOIDC authenticate the request.
//   - Compress goes last, nearest the handler, so it compresses the body
//     the handler wrote before anything outside sees it.
//
// Middleware that sets response headers before the handler runs loses them
// when a panic makes Recover start the response again; RequestID sets its
// header after the handler, and Recover sets it again.
package middleware
