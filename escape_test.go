package alb

import (
	"net/url"
	"testing"
)

// unescapePathTests are raw path segments and their decoded values.
var unescapePathTests = []struct {
	in, want string
}{
	{"", ""},
	{"plain", "plain"},
	{"a+b", "a+b"},
	{"a%2Fb", "a/b"},
	{"a%2fb", "a/b"},
	{"%41%42%43", "ABC"},
	{"caf%C3%A9", "café"},
	{"%20", " "},
	{"%2B", "+"},
	{"%25", "%"},
	{"%2525", "%25"},
	{"%00", "\x00"},
	{"%FF", "\xff"},
	{"ünï%20", "ünï "},
	// An invalid escape anywhere keeps all of the raw text.
	{"%", "%"},
	{"%2", "%2"},
	{"a%", "a%"},
	{"%zz", "%zz"},
	{"%2g", "%2g"},
	{"%g2", "%g2"},
	{"%41%", "%41%"},
	{"%C3%A9%zz", "%C3%A9%zz"},
	{"100%", "100%"},
}

func TestUnescapePath(t *testing.T) {
	for _, tt := range unescapePathTests {
		if got := unescapePath(tt.in); got != tt.want {
			t.Errorf("unescapePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUnescapePathAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	for _, tt := range unescapePathTests {
		want := 0.0
		if tt.want != tt.in {
			want = 1
		}
		if n := testing.AllocsPerRun(100, func() { unescapePath(tt.in) }); n != want {
			t.Errorf("unescapePath(%q): %v allocations, want %v", tt.in, n, want)
		}
	}
}

// FuzzPathUnescape checks unescapePath against url.PathUnescape: the same
// result where url.PathUnescape succeeds, the input unchanged where it fails.
func FuzzPathUnescape(f *testing.F) {
	for _, tt := range unescapePathTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := unescapePath(s)
		want, err := url.PathUnescape(s)
		if err != nil {
			want = s
		}
		if got != want {
			t.Errorf("unescapePath(%q) = %q, want %q (url.PathUnescape: %v)", s, got, want, err)
		}
	})
}

func BenchmarkUnescapePath(b *testing.B) {
	for _, c := range []struct{ name, in string }{
		{"plain", "8f14e45fceea167a5a36dedd4bea2543"},
		{"escaped", "caf%C3%A9%20cr%C3%A8me"},
	} {
		b.Run("case="+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				unescapePath(c.in)
			}
		})
	}
}

var unescapeQueryTests = []struct{ raw, want string }{
	{"", ""},
	{"plain", "plain"},
	{"ab%20cd", "ab cd"},
	{"Ada+Lovelace", "Ada Lovelace"}, // rule 9: '+' is a space
	{"a%2Bb", "a+b"},
	{"%3FshowAll%3Dtrue", "?showAll=true"},
	{"caf%C3%A9", "café"},
	{"caf%c3%a9", "café"},
	{"%zz", "%zz"}, // rule 10: a bad escape keeps the raw text
	{"a+%zz", "a+%zz"},
	{"%", "%"},
	{"%4", "%4"},
	{"100%", "100%"},
	{"%%41", "%%41"},
	{"%2541", "%41"}, // decoded once, never twice
	{"%00", "\x00"},
	{"%FF", "\xff"},
}

func TestUnescapeQuery(t *testing.T) {
	for _, tt := range unescapeQueryTests {
		if got := unescapeQuery(tt.raw); got != tt.want {
			t.Errorf("unescapeQuery(%q) = %q, want %q", tt.raw, got, tt.want)
		}
		if !queryKeyEqual(tt.raw, tt.want) {
			t.Errorf("queryKeyEqual(%q, %q) = false, want true", tt.raw, tt.want)
		}
		if queryKeyEqual(tt.raw, tt.want+"x") {
			t.Errorf("queryKeyEqual(%q, %q) = true, want false", tt.raw, tt.want+"x")
		}
	}
}

func TestUnescapeQueryAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	for _, tt := range []struct {
		raw    string
		allocs float64
	}{{"plain-value", 0}, {"%zz", 0}, {"ab%20cd", 1}, {"Ada+Lovelace", 1}} {
		if got := testing.AllocsPerRun(100, func() { unescapeQuery(tt.raw) }); got != tt.allocs {
			t.Errorf("unescapeQuery(%q) allocates %v times, want %v", tt.raw, got, tt.allocs)
		}
		if got := testing.AllocsPerRun(100, func() { queryKeyEqual(tt.raw, "ab cd") }); got != 0 {
			t.Errorf("queryKeyEqual(%q) allocates %v times, want 0", tt.raw, got)
		}
	}
}

// FuzzUnescapeQuery checks unescapeQuery against url.QueryUnescape: the same
// result when url.QueryUnescape succeeds, the raw text when it fails; and
// queryKeyEqual against unescapeQuery.
func FuzzUnescapeQuery(f *testing.F) {
	for _, tt := range unescapeQueryTests {
		f.Add(tt.raw, tt.want)
	}
	f.Fuzz(func(t *testing.T, raw, other string) {
		got := unescapeQuery(raw)
		want, err := url.QueryUnescape(raw)
		if err != nil {
			want = raw
		}
		if got != want {
			t.Fatalf("unescapeQuery(%q) = %q, net/url says %q (err %v)", raw, got, want, err)
		}
		if !queryKeyEqual(raw, got) {
			t.Fatalf("queryKeyEqual(%q, %q) = false", raw, got)
		}
		if eq := queryKeyEqual(raw, other); eq != (other == got) {
			t.Fatalf("queryKeyEqual(%q, %q) = %v, want %v", raw, other, eq, other == got)
		}
	})
}
