package jsoncorpus

import (
	"testing"

	"github.com/albkit/alb"
)

// standardDefects are the bodies for which alb.StandardJSON breaks the
// JSONError contract: none.
var standardDefects = map[string]string{}

// TestStandardJSON runs the corpus on the reference itself: no
// differences, and only the known defects of its errors.
func TestStandardJSON(t *testing.T) {
	compare(t, alb.StandardJSON{}, nil, standardDefects)
}

// TestCompareFails checks that Compare notices a codec that differs, and
// an expected difference that does not happen.
func TestCompareFails(t *testing.T) {
	for _, tc := range []struct {
		name     string
		codec    alb.JSONCodec
		expected map[string]string
	}{
		{"a codec that differs", lossy{}, nil},
		{"an expected difference that does not happen", alb.StandardJSON{}, map[string]string{"decode/basic": "none"}},
		{"an unknown case", alb.StandardJSON{}, map[string]string{"decode/no-such-case": "none"}},
		{"a bad body error", plainErrors{}, nil},
	} {
		inner := &testing.T{}
		done := make(chan struct{})
		go func() { // Errorf may call runtime.Goexit
			defer close(done)
			compare(inner, tc.codec, tc.expected, standardDefects)
		}()
		<-done
		if !inner.Failed() {
			t.Errorf("%s: Compare passes", tc.name)
		}
	}
}

// lossy is StandardJSON that drops the last byte of every encoding.
type lossy struct{ alb.StandardJSON }

func (l lossy) AppendMarshal(dst []byte, v any) ([]byte, error) {
	b, err := l.StandardJSON.AppendMarshal(dst, v)
	if err != nil || len(b) == len(dst) {
		return b, err
	}
	return b[:len(b)-1], nil
}

// plainErrors is StandardJSON that returns its errors unwrapped.
type plainErrors struct{ alb.StandardJSON }

func (p plainErrors) Unmarshal(data []byte, v any, strict bool) error {
	err := p.StandardJSON.Unmarshal(data, v, strict)
	if err != nil {
		return errorString(err.Error())
	}
	return nil
}

type errorString string

func (e errorString) Error() string { return string(e) }
