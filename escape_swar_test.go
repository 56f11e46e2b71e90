package alb

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// appendJSONStringBytewise is the byte-by-byte escaper appendJSONString
// replaced: the oracle of its word-sized scan.
func appendJSONStringBytewise(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch esc := jsonEscapes[s[i]]; esc {
		case 0:
			dst = append(dst, s[i])
		case 'u':
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[s[i]>>4], hexDigits[s[i]&0xf])
		default:
			dst = append(dst, '\\', esc)
		}
	}
	return dst
}

// validHeaderValueBytewise is validHeaderValue's rule, byte by byte.
func validHeaderValueBytewise(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return utf8.ValidString(v)
}

// wordCases put each kind of byte at every position of a word and across
// word boundaries.
func wordCases() []string {
	cases := []string{"", "a", "plain ascii text of some length", "é", "caf\xe9", "\xff\xfe"}
	for _, special := range []string{"\"", "\\", "\x00", "\x1f", "\t", "\n", "\x7f", "\x80", "é", "\u2028", " ", "~"} {
		for pos := range 18 {
			cases = append(cases, strings.Repeat("x", pos)+special+strings.Repeat("y", 17-pos))
		}
	}
	return cases
}

func TestWordSizedScans(t *testing.T) {
	for _, s := range wordCases() {
		if got, want := appendJSONString([]byte("p"), s), appendJSONStringBytewise([]byte("p"), s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %q, want %q", s, got, want)
		}
		if got, want := appendJSONString(nil, s), appendJSONStringBytewise(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString([]byte %q) = %q, want %q", s, got, want)
		}
		if got, want := validHeaderValue(s), validHeaderValueBytewise(s); got != want {
			t.Errorf("validHeaderValue(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzWordSizedScans checks the word-sized escaping and header check
// against their byte-by-byte forms.
func FuzzWordSizedScans(f *testing.F) {
	for _, s := range wordCases() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendJSONString(nil, s), appendJSONStringBytewise(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %q, want %q", s, got, want)
		}
		if got, want := validHeaderValue(s), validHeaderValueBytewise(s); got != want {
			t.Fatalf("validHeaderValue(%q) = %v, want %v", s, got, want)
		}
	})
}
