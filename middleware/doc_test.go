package middleware

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/albkit/alb"
)

// recommendedChain is the order the package documentation recommends,
// without authentication.
func recommendedChain(recoverLogger, accessLogger *slog.Logger) []alb.Middleware {
	return []alb.Middleware{
		HealthCheck(HealthCheckOptions{Path: "/health"}),
		Recover(RecoverOptions{Logger: recoverLogger}),
		RequestID(RequestIDOptions{}),
		Logger(LoggerOptions{Logger: accessLogger}),
		Timeout(TimeoutOptions{Duration: 10 * time.Second}),
		SecureHeaders(SecureHeadersOptions{}),
		CORS(CORSOptions{AllowedOrigins: []string{"https://app.example.com"}}),
		BodyLimit(64 << 10),
		Compress(CompressOptions{}),
	}
}

func TestRecommendedChain(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		accessLogger, access := newTestLogger()
		recoverLogger, _ := newTestLogger()
		r := alb.New()
		r.Logger = discardLogger()
		r.Use(recommendedChain(recoverLogger, accessLogger)...)
		r.GET("/items", blobHandler(http.StatusOK, "application/json", bigJSON))
		r.GET("/panic", func(*alb.Context) error { panic("boom") })
		ctx := lambdaCtx("lambda-id")

		resp := invokeCtx(t, ctx, r, newHealthCheck("GET", "/health").mode(multi))
		checkStatus(t, resp, http.StatusOK)
		checkJSONBody(t, resp, `{"status":"ok"}`)
		if recs := access.records(t); len(recs) != 0 {
			t.Errorf("health check logged: %v", recs)
		}

		resp = invokeCtx(t, ctx, r, newEvent("GET", "/items").mode(multi).
			header("Origin", "https://app.example.com").header("Accept-Encoding", "gzip"))
		checkStatus(t, resp, http.StatusOK)
		checkGzipped(t, resp, "application/json", bigJSON)
		checkHeader(t, resp, "X-Request-Id", "lambda-id")
		checkHeader(t, resp, "Access-Control-Allow-Origin", "https://app.example.com")
		checkHeader(t, resp, "X-Frame-Options", "DENY")

		resp = invokeCtx(t, ctx, r, preflight("/items", "https://app.example.com", "GET").mode(multi))
		checkStatus(t, resp, http.StatusNoContent)
		checkHeader(t, resp, "Access-Control-Allow-Origin", "https://app.example.com")

		resp = invokeCtx(t, ctx, r, newEvent("POST", "/items").mode(multi).withBody(string(make([]byte, 65<<10))))
		checkStatus(t, resp, http.StatusRequestEntityTooLarge)
		checkHeader(t, resp, "X-Request-Id", "lambda-id")

		// The handler runs in Timeout's goroutine: its panic comes back as
		// an error, which the router answers with 500.
		resp = invokeCtx(t, ctx, r, newEvent("GET", "/panic").mode(multi))
		checkStatus(t, resp, http.StatusInternalServerError)
		checkJSONBody(t, resp, `{"message":"Internal Server Error"}`)
		checkHeader(t, resp, "X-Request-Id", "lambda-id")

		recs := access.records(t)
		if len(recs) != 4 {
			t.Fatalf("access log has %d lines, want 4", len(recs))
		}
		for i, want := range []float64{200, 204, 413, 500} {
			if recs[i]["status"] != want || recs[i]["request_id"] != "lambda-id" {
				t.Errorf("access line %d = %v, want status %v and request_id lambda-id", i, recs[i], want)
			}
		}
	})
}
