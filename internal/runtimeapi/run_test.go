package runtimeapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/albkit/alb/internal/runtimeapi"
	"github.com/albkit/alb/internal/runtimeapitest"
)

type baseKey struct{}

// checkHandler answers what it sees of its context.
type checkHandler struct{}

func (checkHandler) Invoke(ctx context.Context, _ []byte) ([]byte, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	d, _ := ctx.Deadline()
	return fmt.Appendf(nil, "%v|%v|%v|%d", ctx.Value(baseKey{}), lc.AwsRequestID, ctx.Value("x-amzn-trace-id"), d.UnixMilli()), nil
}

// Options.Context is the parent of every invocation's context, whether it
// can be canceled (the standard library's contexts are used then) or not.
func TestRunContext(t *testing.T) {
	cancelable, cancel := context.WithCancel(context.WithValue(context.Background(), baseKey{}, "base"))
	defer cancel()
	for name, base := range map[string]context.Context{
		"cancelable": cancelable,
		"not":        context.WithValue(context.Background(), baseKey{}, "base"),
	} {
		t.Run(name, func(t *testing.T) {
			s, err := runtimeapitest.Start([]byte("{}"))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			s.Release(2)
			s.End()
			err = runtimeapi.Run(s.Addr(), checkHandler{}, runtimeapi.Options{Concurrency: 1, Context: base, Logf: t.Logf})
			if err == nil || !strings.Contains(err.Error(), "410") {
				t.Errorf("Run = %v, want the 410 that ends it", err)
			}
			want := "base|" + runtimeapitest.RequestID + "|" + runtimeapitest.TraceID + "|" + runtimeapitest.Deadline
			if st := s.Stats(); string(st.First) != want || st.Answered != 2 {
				t.Errorf("answered %d, first %q, want 2 and %q", st.Answered, st.First, want)
			}
		})
	}
}
