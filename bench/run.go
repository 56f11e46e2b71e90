package bench

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
)

// Modes are the target group's header modes, by benchmark name.
var Modes = []struct {
	Name       string // mode=Name
	MultiValue bool
}{{"single", false}, {"multi", true}}

// ModeName names a header mode for benchmark names.
func ModeName(multiValue bool) string {
	if multiValue {
		return "multi"
	}
	return "single"
}

// Answer invokes h once with event and returns a copy of the response:
// lambda.NewHandler hands out the bytes of a pooled buffer that the next
// invocation overwrites.
func Answer(h lambda.Handler, event []byte) ([]byte, error) {
	out, err := h.Invoke(context.Background(), event)
	return bytes.Clone(out), err
}

// Loop is the body of every contender benchmark: h.Invoke on the same
// event bytes, with allocations reported.
func Loop(b *testing.B, h lambda.Handler, event []byte) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Invoke(ctx, event); err != nil {
			b.Fatal(err)
		}
	}
}
