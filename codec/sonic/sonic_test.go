package sonic_test

import (
	"maps"
	"testing"

	"github.com/albkit/alb"
	"github.com/albkit/alb/codec/sonic"
	"github.com/albkit/alb/internal/jsoncorpus"
	gosonic "github.com/bytedance/sonic"
)

// differences are the inputs on which sonic, as Codec configures it,
// differs from encoding/json, and why: only in what some errors say.
var differences = map[string]string{
	// sonic reports a number too large for a small integer or float32
	// without its position, so without a field.
	"decode/int8-overflow":    "the error has no field: sonic does not place it",
	"decode/uint8-overflow":   "the error has no field: sonic does not place it",
	"decode/float32-overflow": "the error has no field: sonic does not place it",
	// Found by FuzzDecode.
	"decode/skipped-bad-escape": `sonic accepts a bad escape ("\\" then byte 0x97) in a member name inside a member it skips`,
	// Error kinds.
	"decode/truncated-strict":       "a body that ends early is JSONSyntax at its end, as with non-strict encoding/json, not JSONTruncated",
	"decode/string-option-unquoted": `a bare number for a ",string" field is a JSONType error (got number, want string), not JSONInvalid`,
	"decode/string-option-bad":      `"abc" for a ",string" int is JSONSyntax at the "a", not JSONInvalid`,
	"decode/map-int-key-bad":        `a bad integer map key is a JSONType error that says "got JSON string": the key is one`,
}

func init() { maps.Copy(differences, toolchainDifferences) }

func TestCorpus(t *testing.T) { jsoncorpus.Compare(t, sonic.Codec{}, differences) }

func BenchmarkJSON(b *testing.B) {
	b.Run("codec=std", func(b *testing.B) { jsoncorpus.Bench(b, alb.StandardJSON{}) })
	b.Run("codec=sonic", func(b *testing.B) { jsoncorpus.Bench(b, sonic.Codec{}) })
	b.Run("codec=sonic-default", func(b *testing.B) { jsoncorpus.Bench(b, defaultConfig{}) })
}

// defaultConfig is sonic.ConfigDefault, measured to weigh Codec's choice
// of ConfigStd.
type defaultConfig struct{}

func (defaultConfig) AppendMarshal(dst []byte, v any) ([]byte, error) {
	b, err := gosonic.ConfigDefault.Marshal(v)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

func (defaultConfig) Unmarshal(data []byte, v any, strict bool) error {
	return gosonic.ConfigDefault.Unmarshal(data, v)
}
