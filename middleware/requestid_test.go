package middleware

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/albkit/alb"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// idEcho answers with the ids RequestID stored, as "requestID|traceRoot".
func idEcho(c *alb.Context) error {
	return c.String(http.StatusOK, GetRequestID(c)+"|"+GetTraceRoot(c))
}

func lambdaCtx(requestID string) context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: requestID})
}

const testTraceRoot = "1-67a0c2f1-3b9d2c1e0f4a5b6c7d8e9f01"

func TestRequestIDFromLambda(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(idEcho, RequestID(RequestIDOptions{}))
		resp := invokeCtx(t, lambdaCtx("c6af9ac6-7b61-11e6-9a41-93e812345678"), r, newEvent("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusOK)
		if got, want := string(resp.body), "c6af9ac6-7b61-11e6-9a41-93e812345678|"+testTraceRoot; got != want {
			t.Errorf("ids = %q, want %q", got, want)
		}
		checkHeader(t, resp, "X-Request-Id", "c6af9ac6-7b61-11e6-9a41-93e812345678")
	})
}

func TestRequestIDFromTraceRoot(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(idEcho, RequestID(RequestIDOptions{Header: "X-Correlation-Id"}))
		ev := newEvent("GET", "/").mode(multi).without("x-amzn-trace-id").
			header("X-Amzn-Trace-Id", "Self=1-67a0c2f1-aaaaaaaaaaaaaaaaaaaaaaaa; Root="+testTraceRoot+";Parent=53995c3f42cd8ad8;Sampled=1")
		resp := invoke(t, r, ev)
		if got, want := string(resp.body), testTraceRoot+"|"+testTraceRoot; got != want {
			t.Errorf("ids = %q, want %q", got, want)
		}
		checkHeader(t, resp, "X-Correlation-Id", testTraceRoot)
		if resp.hasHeader("X-Request-Id") {
			t.Errorf("X-Request-Id set, want only the configured header")
		}
	})
}

func TestRequestIDRandom(t *testing.T) {
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(idEcho, RequestID(RequestIDOptions{}))
		ev := newHealthCheck("GET", "/").mode(multi) // no trace header
		first := invoke(t, r, ev)
		second := invoke(t, r, ev)
		id, root, _ := strings.Cut(string(first.body), "|")
		if !hex32.MatchString(id) || root != "" {
			t.Errorf("ids = %q, want 32 hex digits and no trace root", first.body)
		}
		checkHeader(t, first, "X-Request-Id", id)
		if first.header("X-Request-Id") == second.header("X-Request-Id") {
			t.Errorf("two requests got the same random id %q", id)
		}
	})
}

func TestRequestIDIgnoresClientID(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(func(c *alb.Context) error {
			c.SetHeader("X-Request-Id", "set by the handler")
			return idEcho(c)
		}, RequestID(RequestIDOptions{}))
		ev := newEvent("GET", "/").mode(multi).header("X-Request-Id", "chosen-by-client")
		resp := invokeCtx(t, lambdaCtx("lambda-id"), r, ev)
		if got := resp.values("X-Request-Id"); len(got) != 1 || got[0] != "lambda-id" {
			t.Errorf("X-Request-Id = %q, want [\"lambda-id\"]", got)
		}
	})
}

func TestRequestIDOnErrors(t *testing.T) {
	forEachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(func(*alb.Context) error {
			return alb.NewHTTPError(http.StatusConflict, "")
		}, RequestID(RequestIDOptions{}))
		resp := invokeCtx(t, lambdaCtx("lambda-id"), r, newEvent("GET", "/").mode(multi))
		checkStatus(t, resp, http.StatusConflict)
		checkHeader(t, resp, "X-Request-Id", "lambda-id")
	})
}

func TestRequestIDGettersWithout(t *testing.T) {
	r := newRouter(idEcho)
	resp := invokeCtx(t, lambdaCtx("lambda-id"), r, newEvent("GET", "/"))
	if string(resp.body) != "|" {
		t.Errorf("ids without RequestID = %q, want empty", resp.body)
	}
}

func TestTraceRoot(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Root=1-5759e988-bd862e3fe1be46a994272793", "1-5759e988-bd862e3fe1be46a994272793"},
		{"Root=1-a-b;Parent=53995c3f42cd8ad8;Sampled=1", "1-a-b"},
		{"Self=1-x-y;Root=1-a-b", "1-a-b"},
		{"Sampled=1; root=1-a-b", "1-a-b"},
		{"Parent=53995c3f42cd8ad8", ""},
		{"", ""},
		{"Root", ""},
	} {
		if got := traceRoot(tc.in); got != tc.want {
			t.Errorf("traceRoot(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRequestIDBadHeader(t *testing.T) {
	msg := mustPanic(t, func() { RequestID(RequestIDOptions{Header: "X Request"}) })
	if want := `middleware: RequestID: invalid header name "X Request"`; msg != want {
		t.Errorf("panic = %q, want %q", msg, want)
	}
}

// RequestID allocates the value that holds the ids, and nothing else when
// the Lambda request id is there.
func TestRequestIDAllocs(t *testing.T) {
	ctx := lambdaCtx("c6af9ac6-7b61-11e6-9a41-93e812345678")
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			payload := newEvent("GET", "/").mode(m.multiValue).json()
			assertExtraAllocs(t, newRouter(nil, RequestID(RequestIDOptions{})), newRouter(nil), ctx, payload, 1)
		})
	}
}
