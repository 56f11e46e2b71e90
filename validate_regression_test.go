package alb

import (
	"math"
	"reflect"
	"testing"
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
