package jsoncorpus

import (
	"testing"

	"github.com/albkit/alb"
)

func BenchmarkStandardJSON(b *testing.B) { Bench(b, alb.StandardJSON{}) }
