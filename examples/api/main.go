// Command api is a JSON CRUD API for notes, kept in memory: the shape of a
// real service on Lambda behind an ALB.
//
// It shows:
//
//   - typed handlers (alb.Register): each route is a function of an input
//     struct, bound from the path, the query and the JSON body, and
//     checked against the rules its struct tags give (minLength, pattern,
//     maxItems, uniqueItems, minimum, default...) before the function
//     runs; a Validate method adds the rule a tag cannot say;
//   - errors as RFC 9457 problem details: a value that does not parse is
//     a 400, a body that is not JSON a 415, a broken rule a 422 that names
//     every value in error, and with alb.ProblemErrorHandler as the
//     router's ErrorHandler, every other error (401, 404, 405, 413, 500)
//     is an application/problem+json answer of the same shape;
//   - the OpenAPI 3.1 document of the API, generated from the same types
//     and tags and served at /openapi.json, with a page that renders it
//     at /docs (Swagger UI, pinned with SRI): every answer the API gives is
//     declared in it (openapi_test.go checks that, request by request);
//   - routes with path parameters in nested groups: reads are public,
//     writes sit in a group that adds a body limit and bearer-token
//     authentication, which the document lists as the routes' security;
//   - the middleware chain package middleware recommends: HealthCheck,
//     Recover, RequestID, Logger (JSON lines on stdout) and CORS, then
//     BodyLimit and BearerAuth on the write group;
//   - a plain HandlerFunc route beside the typed ones (/api/v1/version);
//   - pagination: ?limit= (50 by default, at most 100) and ?tag= filter
//     the list, and ?after= takes the cursor "next" of the previous page.
//   - observability: every request gets an access-log line (JSON, as
//     Lambda's logging controls say), a CloudWatch embedded-metric-format
//     document (middleware.Metrics, namespace "notes") and an
//     OpenTelemetry server span, all on standard output; the spans are
//     printed only when ALB_TRACES=stdout, and otherwise go to the global
//     TracerProvider (a no-op unless the program sets one).
//
// The routes:
//
//	GET    /api/v1/notes?limit=N&tag=T&after=C  list, oldest first (public)
//	GET    /api/v1/notes/:id                    read one (public)
//	POST   /api/v1/notes                        create: 201 with Location
//	PUT    /api/v1/notes/:id                    replace
//	PATCH  /api/v1/notes/:id                    change the fields given
//	DELETE /api/v1/notes/:id                    delete: 204
//	GET    /api/v1/version                      the build (a plain HandlerFunc)
//	GET    /openapi.json                        the OpenAPI 3.1 document
//	GET    /docs                                the API reference page
//	GET    /health                              the ALB's health checks only
//
// A note has a title (trimmed, not blank, at most 200 characters), a body
// (at most 10,000 characters) and at most 10 distinct tags of 1 to 32
// characters a-z, 0-9 and '-'. POST and PUT ignore members they do not
// know, so that a client may send back a note it read; PATCH refuses
// them, since a misspelt member would otherwise change nothing.
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
//		-H 'Content-Type: application/json' -d '{"title":"Buy milk","tags":["home"]}'   # 201
//	curl -i 'localhost:8080/api/v1/notes?tag=home&limit=10'                         # 200
//	curl -i localhost:8080/api/v1/notes/1                                            # 200
//	curl -i -X PATCH localhost:8080/api/v1/notes/1 -H 'Authorization: Bearer dev-token' \
//		-H 'Content-Type: application/json' -d '{"body":"two litres"}'                # 200
//	curl -i -X PUT localhost:8080/api/v1/notes/1 -H 'Authorization: Bearer dev-token' \
//		-H 'Content-Type: application/json' -d '{"title":"Buy oat milk","tags":["home","shop"]}'  # 200
//	curl -i -X DELETE localhost:8080/api/v1/notes/1 -H 'Authorization: Bearer dev-token'  # 204
//	curl -i localhost:8080/api/v1/version                                            # 200
//	curl -i localhost:8080/openapi.json                                              # 200
//	curl -i localhost:8080/docs                                                      # 200
//
// and the errors, each an application/problem+json body:
//
//	curl -i localhost:8080/api/v1/notes -d '{}'                                   # 401
//	curl -i localhost:8080/api/v1/notes -H 'Authorization: Bearer dev-token' \
//		-H 'Content-Type: application/json' -d '{"title":'                   # 400
//	curl -i localhost:8080/api/v1/notes -H 'Authorization: Bearer dev-token' \
//		-d 'title=Buy milk'                                                  # 415
//	curl -i localhost:8080/api/v1/notes -H 'Authorization: Bearer dev-token' \
//		-H 'Content-Type: application/json' -d '{"title":" ","tags":["Home"]}'  # 422
//	curl -i 'localhost:8080/api/v1/notes?limit=500'                               # 422
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
// The 422 names both values in error:
//
//	{"type":"about:blank","title":"Unprocessable Entity","status":422,
//	 "detail":"the request breaks the API's rules","errors":[
//	 {"location":"body.title","message":"must match the pattern \\S","value":" "},
//	 {"location":"body.tags[0]","message":"must match the pattern ^[a-z0-9-]+$","value":"Home"}]}
//
// The local server runs in multi-value headers mode, the mode deploy/
// gives the target group; ALB_MULTI_VALUE_HEADERS=false runs it in
// single-value mode (package config holds that setting and the health-check
// path, which the deployment reads too).
//
// Deployed to Lambda behind an ALB, the same binary serves the ALB's events.
package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/albkit/alb"
	"github.com/albkit/alb/examples/api/config"
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

// maxRequestBody is the largest request body the write routes take: a
// note is at most about 40 KiB of JSON.
const maxRequestBody = 64 << 10

// apiDoc is what the API document says of the API as a whole.
var apiDoc = alb.OpenAPIOptions{
	Title:       "Notes API",
	Version:     "1.0.0",
	Description: "A JSON CRUD API for notes, kept in memory: the example of alb's typed handlers. Reads are public; writes need a bearer token.",
}

// newRouter returns the API: s holds the notes, token is the bearer token
// of the write routes, and logger receives the access log and the router's
// errors. observe is the tracing and metrics middleware, which runs inside
// RequestID and outside Logger, so the access line carries the span's
// trace id. main serves it; the tests call it.
func newRouter(s *store, token string, logger *slog.Logger, observe ...alb.Middleware) *alb.Router {
	r := alb.New()
	r.Logger = logger
	// Every error, the router's own (404, 405), the middleware's (401,
	// 413, a panic's 500) and the typed handlers' (400, 415, 422, 404),
	// is an application/problem+json answer of one shape.
	r.ErrorHandler = alb.ProblemErrorHandler
	// The order package middleware recommends, outermost first. Timeout is
	// left out: every handler here is a map lookup, and a write abandoned
	// at the deadline would still reach the store after the 503.
	r.Use(
		middleware.HealthCheck(middleware.HealthCheckOptions{Path: config.HealthPath, Logger: logger}),
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
	)
	auth := middleware.BearerAuth(middleware.BearerAuthOptions{
		Realm:    "notes",
		Validate: middleware.BearerTokens(map[string]string{token: "api-client"}),
	})

	notes := &notesAPI{store: s}
	v1 := r.Group("/api/v1")
	v1.GET("/version", version)
	alb.Register(v1, opList, notes.list)
	alb.Register(v1, opGet, notes.get)
	// Writes: nested in v1 (/api/v1/notes, inside v1's middleware), with
	// the body limit (only the write routes read a body; BodyLimit and
	// BearerAuth describe their 413 and 401 in the document) and the
	// token.
	write := v1.Group("/notes", middleware.BodyLimit(maxRequestBody), auth)
	alb.Register(write, opCreate, notes.create)
	alb.Register(write, opReplace, notes.replace)
	alb.Register(write, opPatch, notes.patch)
	alb.Register(write, opDelete, notes.remove)

	r.ServeOpenAPI(apiDoc)
	return r
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
	opts := []alb.StartOption{alb.WithHealthChecks(config.HealthPath, 0)}
	// The target group's mode, which the deployment (deploy/) also gives
	// the function in the environment; locally it sets the server's mode.
	multiValue, err := config.MultiValueHeaders(os.Getenv)
	if err != nil {
		logger.Error(err.Error())
		os.Exit(1)
	}
	if multiValue {
		opts = append(opts, alb.WithMultiValueHeaders())
	}
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
