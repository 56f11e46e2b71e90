package goccy_test

import (
	"maps"
	"testing"

	"github.com/albkit/alb"
	"github.com/albkit/alb/codec/goccy"
	"github.com/albkit/alb/internal/jsoncorpus"
)

// differences are the inputs on which go-json differs from encoding/json,
// and why, with those of the toolchain's encoding/json.
var differences = map[string]string{
	// Decoding.
	"decode/bytes-null": "null leaves a []byte as it was instead of setting it to nil",
}

func init() { maps.Copy(differences, toolchainDifferences) }

func TestCorpus(t *testing.T) { jsoncorpus.Compare(t, goccy.Codec{}, differences) }

func BenchmarkJSON(b *testing.B) {
	b.Run("codec=std", func(b *testing.B) { jsoncorpus.Bench(b, alb.StandardJSON{}) })
	b.Run("codec=goccy", func(b *testing.B) { jsoncorpus.Bench(b, goccy.Codec{}) })
}
