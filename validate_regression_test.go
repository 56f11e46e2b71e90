package alb

import (
	"math"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// uniqueCheck returns the check of a list field of type t with
// uniqueItems.
func uniqueCheck(t *testing.T, typ reflect.Type) *fieldCheck {
	t.Helper()
	f := fieldCheckFor(typ, rules{uniqueItems: true}, map[reflect.Type]*structCheck{},
		func(field, msg string) { t.Fatalf("%s: %s", field, msg) })
	return &f
}

func dupOf[T any](t *testing.T, items []T) (bool, int) {
	t.Helper()
	f := uniqueCheck(t, reflect.TypeFor[[]T]())
	return hasDuplicate(f, unsafe.Pointer(unsafe.SliceData(items)), len(items))
}

// TestUniqueItemsLinearForScalars checks that scalar items are indexed in
// one pass: the work is n, not n²/2, for a large list of distinct items.
func TestUniqueItemsLinearForScalars(t *testing.T) {
	const n = 20000
	ints := make([]int, n)
	strs := make([]string, n)
	floats := make([]float32, n)
	for i := range ints {
		ints[i] = i
		strs[i] = string(rune('a'+i%26)) + string(rune(i))
		floats[i] = float32(i) / 4
	}
	for name, got := range map[string][2]any{
		"int":     pair(dupOf(t, ints)),
		"string":  pair(dupOf(t, strs)),
		"float32": pair(dupOf(t, floats)),
	} {
		if got[0].(bool) || got[1].(int) != n {
			t.Errorf("%s: %d distinct items: dup %v after %d steps, want false after %d", name, n, got[0], got[1], n)
		}
	}
	ints[n-1] = 7
	if dup, work := dupOf(t, ints); !dup || work != n {
		t.Errorf("duplicate at the end: dup %v after %d steps", dup, work)
	}
}

func pair(a bool, b int) [2]any { return [2]any{a, b} }

func TestUniqueItemsValues(t *testing.T) {
	one, other := 1, 1
	for _, tc := range []struct {
		name string
		dup  bool
		work func() (bool, int)
	}{
		{"zeros", true, func() (bool, int) { return dupOf(t, []float64{0, math.Copysign(0, -1)}) }},
		{"NaN", false, func() (bool, int) { return dupOf(t, []float64{math.NaN(), math.NaN()}) }},
		{"bools", false, func() (bool, int) { return dupOf(t, []bool{true, false}) }},
		{"bools dup", true, func() (bool, int) { return dupOf(t, []bool{true, false, true}) }},
		{"uints", true, func() (bool, int) { return dupOf(t, []uint64{math.MaxUint64, 1, math.MaxUint64}) }},
		{"big ints", false, func() (bool, int) { return dupOf(t, []int64{1 << 62, 1<<62 + 1}) }},
		{"pointers to equal", true, func() (bool, int) { return dupOf(t, []*int{&one, &other}) }},
		{"nil pointers", true, func() (bool, int) { return dupOf(t, []*int{nil, &one, nil}) }},
		{"strings", false, func() (bool, int) { return dupOf(t, []string{"a", "A", "a "}) }},
		{"structs", true, func() (bool, int) {
			return dupOf(t, []struct{ A string }{{"x"}, {"y"}, {"x"}})
		}},
		{"structs distinct", false, func() (bool, int) {
			return dupOf(t, []struct{ A string }{{"x"}, {"y"}})
		}},
	} {
		if dup, _ := tc.work(); dup != tc.dup {
			t.Errorf("%s: dup %v, want %v", tc.name, dup, tc.dup)
		}
	}
}

func TestValidateDateTimeFormat(t *testing.T) {
	for s, want := range map[string]bool{
		"2006-01-02T15:04:05Z":          true,
		"2006-01-02t15:04:05z":          true,
		"2006-01-02T15:04:05.123+07:00": true,
		"2006-01-02T15:04:05-00:00":     true,
		"1990-12-31T23:59:60Z":          true,
		"1990-12-31T15:59:60-08:00":     true,
		"1990-12-31T23:58:60Z":          false,
		"2006-01-02T15:04:05,5Z":        false,
		"2006-01-02T15:04:05.Z":         false,
		"2006-01-02T15:04:05":           false,
		"2006-01-02 15:04:05Z":          false,
		"2006-02-29T15:04:05Z":          false,
		"2000-02-29T15:04:05Z":          true,
		"1900-02-29T15:04:05Z":          false,
		"2006-04-31T15:04:05Z":          false,
		"2006-01-02T24:00:00Z":          false,
		"2006-01-02T15:04:05+24:00":     false,
		"2006-01-02T15:04:05+0700":      false,
		"2006-13-02T15:04:05Z":          false,
		"２006-01-02T15:04:05Z":          false,
	} {
		if got := validDateTime(s); got != want {
			t.Errorf("validDateTime(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValidateURIFormat(t *testing.T) {
	for s, want := range map[string]bool{
		"http://example.com/a/b?c=d#e":          true,
		"https://user:pw@example.com:8080/p":    true,
		"http://[::1]:80/":                      true,
		"http://[v7.x:y]/":                      true,
		"mailto:a@example.com":                  true,
		"urn:isbn:0451450523":                   true,
		"file:///etc/hosts":                     true,
		"http://x/a%20b":                        true,
		"http://x/a b":                          false,
		"http://x/é":                            false,
		"a:[":                                   false,
		"http://[::1/":                          false,
		"http://[fe80::1%25en0]/":               false,
		"http://x/[a]":                          false,
		"http://x:80x/":                         false,
		"http://x/%zz":                          false,
		"http://x/%2":                           false,
		"http://x/#a#b":                         false,
		"/relative/path":                        false,
		"1http://x/":                            false,
		"://x":                                  false,
		"http://a@b@c/":                         false,
		"tag:example.com,2005:entry?x=[1]":      false,
		"http://x/?q=a/b?c":                     true,
		"HTTP+v1.x-y://host/":                   true,
		"http://user@[2001:db8::7]:443/index":   true,
		"ldap://[2001:db8::7]/c=GB?objectClass": true,
	} {
		if got := validURI(s); got != want {
			t.Errorf("validURI(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzDateTime checks validDateTime against time.Parse, where RFC 3339
// and Go agree: Go takes uppercase T and Z only, no leap second, a comma
// before the fraction, one-digit fields and offsets of 24 hours or 60
// minutes, which RFC 3339 refuses.
func FuzzDateTime(f *testing.F) {
	for _, s := range []string{"2006-01-02T15:04:05Z", "2006-01-02T15:04:05.999999999-07:00",
		"1990-12-31T23:59:60Z", "2006-01-02t15:04:05z", "2006-01-02T15:04:05,5Z", "2000-02-29T00:00:00+23:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := validDateTime(s)
		if strings.ContainsRune(s, ',') {
			if got {
				t.Fatalf("%q accepted with a comma", s)
			}
			return
		}
		// Go also takes one-digit hours and other short fields: compare
		// only strings with RFC 3339's fixed layout.
		if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' {
			if got {
				t.Fatalf("%q accepted", s)
			}
			return
		}
		if n := len(s); (s[n-6] == '+' || s[n-6] == '-') && (s[n-5:n-3] >= "24" || s[n-2:] >= "60") {
			if got {
				t.Fatalf("%q accepted, its offset out of range", s)
			}
			return // Go takes offsets up to 24:60
		}
		norm := []byte(s)
		{
			if norm[10] == 't' {
				norm[10] = 'T'
			}
			if norm[len(norm)-1] == 'z' {
				norm[len(norm)-1] = 'Z'
			}
			if got && string(norm[17:19]) == "60" {
				norm[17], norm[18] = '5', '9'
			}
		}
		_, err := time.Parse(time.RFC3339, string(norm))
		if got != (err == nil) {
			t.Fatalf("validDateTime(%q) = %v; time.Parse(%q): %v", s, got, norm, err)
		}
	})
}

// FuzzURI checks validURI against url.Parse, one way: a URI validURI
// takes (with no brackets or escapes, which Go reads more strictly in a
// host) parses, with its scheme.
func FuzzURI(f *testing.F) {
	for _, s := range []string{"http://example.com/a?b#c", "mailto:a@example.com", "urn:isbn:1", "http://u:p@h:80/",
		"file:///x", "a:b c", "http://x/é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !validURI(s) {
			return
		}
		for i := 0; i < len(s); i++ {
			if s[i] <= ' ' || s[i] >= 0x7f {
				t.Fatalf("%q accepted with byte %#x", s, s[i])
			}
		}
		if strings.ContainsAny(s, "[]%") {
			return
		}
		u, err := url.Parse(s)
		if err != nil || !strings.EqualFold(u.Scheme, s[:strings.IndexByte(s, ':')]) {
			t.Fatalf("validURI(%q) = true; url.Parse: %v, scheme %q", s, err, u.Scheme)
		}
	})
}
