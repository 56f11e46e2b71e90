// Command api is a JSON CRUD API for notes, kept in memory: the shape of a
// real service on Lambda behind an ALB.
//
// It shows:
//
//   - routes with path parameters in nested groups: reads are public,
//     writes sit in a group that adds bearer-token authentication;
//   - the middleware chain package middleware recommends: HealthCheck,
//     Recover, RequestID, Logger (JSON lines on stdout), CORS and
//     BodyLimit, then BearerAuth on the write group;
//   - request bodies bound with BindJSON and BindJSONStrict: malformed JSON
//     is the framework's 400, and a note that breaks the rules is a 422
//     that lists every field in error, rendered by a custom ErrorHandler
//     that leaves every other error to alb.DefaultErrorHandler;
//   - query parameters: ?limit= and ?tag= filter the list;
//   - observability: every request gets an access-log line (JSON, as
//     Lambda's logging controls say), a CloudWatch embedded-metric-format
//     document (middleware.Metrics, namespace "notes") and an
//     OpenTelemetry server span, all on standard output; the spans are
//     printed only when ALB_TRACES=stdout, and otherwise go to the global
//     TracerProvider (a no-op unless the program sets one).
//
// The routes:
//
//	GET    /api/v1/notes?limit=N&tag=T  list, oldest first (public)
//	GET    /api/v1/notes/:id            read one (public)
//	POST   /api/v1/notes                create: 201 with Location
//	PUT    /api/v1/notes/:id            replace
//	PATCH  /api/v1/notes/:id            change the fields given
//	DELETE /api/v1/notes/:id            delete: 204
//	GET    /health                      the ALB's health checks only
//
// Write routes need "Authorization: Bearer <API_TOKEN>". Without API_TOKEN
// in the environment, the token is "dev-token", a line in the log says so,
// and the server listens on loopback whatever HOST says; inside Lambda a
// missing API_TOKEN stops the function instead.
//
// Run it locally, where it serves on 127.0.0.1:8080 (PORT changes the
// port) the way an ALB would in front of the function:
//
//	cd examples/api && go run .                   # logs and metrics
//	cd examples/api && ALB_TRACES=stdout go run .  # and spans
//
//	curl -i localhost:8080/api/v1/notes -H 'Authorization: Bearer dev-token' \
//		-H 'Content-Type: application/json' -d '{"title":"Buy milk","tags":["home"]}'
//	curl -i 'localhost:8080/api/v1/notes?tag=home&limit=10'
//	curl -i localhost:8080/api/v1/notes/1
//	curl -i -X PATCH localhost:8080/api/v1/notes/1 -H 'Authorization: Bearer dev-token' \
//		-H 'Content-Type: application/json' -d '{"body":"two litres"}'
//	curl -i -X PUT localhost:8080/api/v1/notes/1 -H 'Authorization: Bearer dev-token' \
//		-H 'Content-Type: application/json' -d '{"title":"Buy oat milk","tags":["home","shop"]}'
//	curl -i -X DELETE localhost:8080/api/v1/notes/1 -H 'Authorization: Bearer dev-token'
//
// and the errors:
//
//	curl -i localhost:8080/api/v1/notes -d '{}'                                   # 401
//	curl -i localhost:8080/api/v1/notes -H 'Authorization: Bearer dev-token' \
//		-H 'Content-Type: application/json' -d '{"title":'                   # 400
//	curl -i localhost:8080/api/v1/notes -H 'Authorization: Bearer dev-token' \
//		-H 'Content-Type: application/json' -d '{"title":" ","tags":["Home"]}'  # 422
//	curl -i localhost:8080/api/v1/notes/42                                        # 404
//	curl -i -X DELETE localhost:8080/api/v1/notes                                 # 405
//	curl -i -A ELB-HealthChecker/2.0 localhost:8080/health                        # 404
//
// The last one is not a health check: through an ALB, a client's
// User-Agent is an ordinary header, and the request comes with
// X-Forwarded-* and a trace id like any other, so /health answers only the
// ALB's own checks. To send one of those locally, use the command the
// server prints when it starts (on Unix):
//
//	kill -USR1 <pid>    # logs "alb: health check" with path=/health status=200
//
// Deployed to Lambda behind an ALB, the same binary serves the ALB's events.
package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/albkit/alb"
	"github.com/albkit/alb/middleware"
	albotel "github.com/albkit/alb/otel"
)

// devToken is the bearer token of the write routes when API_TOKEN is not
// set, outside Lambda.
const devToken = "dev-token"

// allowedOrigins are the web origins whose pages may call the API (CORS).
func allowedOrigins() []string {
	return []string{"http://localhost:3000", "https://notes.example.com"}
}

// newRouter returns the API: s holds the notes, token is the bearer token
// of the write routes, and logger receives the access log and the router's
// errors. observe is the tracing and metrics middleware, which runs inside
// RequestID and outside Logger, so the access line carries the span's
// trace id. main serves it; the tests call it.
func newRouter(s *store, token string, logger *slog.Logger, observe ...alb.Middleware) *alb.Router {
	r := alb.New()
	r.Logger = logger
	r.ErrorHandler = errorHandler
	// The order package middleware recommends, outermost first. Timeout is
	// left out: every handler here is a map lookup, and a write abandoned
	// at the deadline would still reach the store after the 503.
	r.Use(
		middleware.HealthCheck(middleware.HealthCheckOptions{Path: "/health", Logger: logger}),
		middleware.Recover(middleware.RecoverOptions{Logger: logger}),
		middleware.RequestID(middleware.RequestIDOptions{}),
	)
	r.Use(observe...)
	r.Use(
		middleware.Logger(middleware.LoggerOptions{Logger: logger}),
		middleware.CORS(middleware.CORSOptions{
			AllowedOrigins: allowedOrigins(),
			AllowedMethods: []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"},
			AllowedHeaders: []string{"Authorization", "Content-Type"},
			ExposedHeaders: []string{"Location", "X-Request-Id"},
			MaxAge:         10 * time.Minute,
		}),
		middleware.BodyLimit(64<<10), // a note is at most about 40 KiB of JSON
	)
	auth := middleware.BearerAuth(middleware.BearerAuthOptions{
		Realm:    "notes",
		Validate: middleware.BearerTokens(map[string]string{token: "api-client"}),
	})

	notes := &notesAPI{store: s}
	v1 := r.Group("/api/v1")
	v1.GET("/notes", notes.list)
	v1.GET("/notes/:id", notes.get)
	write := v1.Group("/notes", auth) // nested: /api/v1/notes, inside v1's middleware
	write.POST("", notes.create)
	write.PUT("/:id", notes.replace)
	write.PATCH("/:id", notes.patch)
	write.DELETE("/:id", notes.remove)
	return r
}

// errorHandler is the router's ErrorHandler. A *validationError becomes
// 422 with the JSON body {"message": ..., "fields": {...}}; every other
// error (the 400 of BindJSON, the 401 of BearerAuth, 404, 405, a panic's
// 500) goes to alb.DefaultErrorHandler. Headers that middleware set, such
// as X-Request-Id and the CORS headers, are kept.
func errorHandler(c *alb.Context, err error) {
	if ve, ok := errors.AsType[*validationError](err); ok {
		_ = c.JSON(http.StatusUnprocessableEntity, ve) // a map of strings always encodes
		return
	}
	alb.DefaultErrorHandler(c, err)
}

// observability returns the tracing and metrics middleware of main, and a
// function that flushes the spans at exit. With ALB_TRACES=stdout, spans
// are written on standard output, one JSON object per span, as each ends;
// otherwise they go to the global TracerProvider.
func observability(logger *slog.Logger) ([]alb.Middleware, func()) {
	tracing := albotel.Options{}
	shutdown := func() {}
	switch v := os.Getenv("ALB_TRACES"); v {
	case "":
	case "stdout":
		exp, err := stdouttrace.New(stdouttrace.WithWriter(os.Stdout))
		if err != nil {
			logger.Error("ALB_TRACES: no stdout exporter", "error", err)
			break
		}
		// A synchronous processor: the span is out before the response, as
		// inside Lambda, where the environment may freeze right after.
		tp := sdktrace.NewTracerProvider(
			sdktrace.WithSyncer(exp),
			sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "notes-api"))),
		)
		tracing.TracerProvider = tp
		shutdown = func() { _ = tp.Shutdown(context.Background()) }
	default:
		logger.Warn("ALB_TRACES: unknown value; spans go to the global TracerProvider", "value", v, "known", "stdout")
	}
	return []alb.Middleware{
		albotel.Middleware(tracing),
		middleware.Metrics(middleware.MetricsOptions{Namespace: "notes"}),
	}, shutdown
}

func main() {
	// JSON lines on stdout, at the level and in the format Lambda's
	// logging controls say (AWS_LAMBDA_LOG_LEVEL, AWS_LAMBDA_LOG_FORMAT).
	logger := slog.New(alb.NewLogHandler(os.Stdout))
	observe, shutdown := observability(logger)
	defer shutdown()
	token := os.Getenv("API_TOKEN")
	// No checks on a schedule; SIGUSR1 checks /health on demand.
	opts := []alb.StartOption{alb.WithHealthChecks("/health", 0)}
	if token == "" {
		if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
			logger.Error("API_TOKEN is not set; the development token is not used inside Lambda")
			os.Exit(1)
		}
		token = devToken
		addr := loopbackAddr()
		logger.Warn("API_TOKEN is not set: the write routes accept the development token, on loopback only",
			"token", devToken, "addr", addr)
		opts = append(opts, alb.WithAddr(addr))
	}
	alb.Start(newRouter(newStore(), token, logger, observe...), opts...)
}

// loopbackAddr returns 127.0.0.1 with the port alb.Start would use: PORT,
// or 8080.
func loopbackAddr() string {
	port := os.Getenv("PORT")
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		port = "8080"
	}
	return net.JoinHostPort("127.0.0.1", port)
}
