package alb

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// marshalBoth encodes v with JSON v2's own code (the oracle) and with
// AppendMarshal, which writes top-level maps itself, into nothing and into
// spare capacity, and fails the test when the bytes or the failure differ.
func marshalBoth(t *testing.T, name string, v any) {
	t.Helper()
	want, errWant := jsonv2Marshal(v, jsonv2MarshalOpts...)
	for _, dst := range [][]byte{nil, append(make([]byte, 0, 256), "x"...)} {
		prefix := string(dst)
		got, errGot := JSONv2{}.AppendMarshal(dst, v)
		if (errWant != nil) != (errGot != nil) || string(got) != prefix+string(want) && errWant == nil || errWant != nil && string(got) != prefix {
			t.Fatalf("%s: JSON v2 gives %s / %v, AppendMarshal(%q) %s / %v", name, want, errWant, prefix, got, errGot)
		}
	}
}

type dtMaps struct {
	Labels map[string]string `json:"labels,omitempty"`
	Meta   map[string]any    `json:"meta"`
	Items  []dtMapItem       `json:"items"`
	Next   *dtMaps           `json:"next,omitempty"`
}

type dtMapItem struct {
	Attrs map[string]string `json:"attrs"`
}

type dtInline struct {
	Name  string         `json:"name"`
	Extra map[string]any `json:",inline"`
}

type dtOmitMaps struct {
	A map[string]string `json:"a,omitempty"`
	B map[string]string `json:"b,omitzero"`
	C map[string]any    `json:"c,omitempty"`
	D map[string]any    `json:"d,omitzero"`
}

type dtCycle struct {
	Tags map[string]string `json:"tags"`
	Kids []*dtCycle        `json:"kids,omitempty"`
}

type dtLabels map[string]string

// dtMapMarshaler writes itself with the v1 interface.
type dtMapMarshaler struct{}

func (dtMapMarshaler) MarshalJSON() ([]byte, error) { return []byte(`{"b":1,"a":2}`), nil }

// dtFormatMap has a format option on a map field, which JSONv2's options
// refuse for any field.
type dtFormatMap struct {
	M map[string]string `json:"m,format:emitempty"`
}

// dtStringAny has a ",string" option on an interface field beside a map.
type dtStringAny struct {
	//lint:ignore SA5008 the misuse is what this checks
	A any               `json:"a,string"`
	M map[string]string `json:"m"`
}

type dtUnknown struct {
	N string         `json:"n"`
	X map[string]any `json:",unknown"`
}

type dtInlineStrings struct {
	N string            `json:"n"`
	X map[string]string `json:",inline"`
}

// dtMapTo writes its map through the encoder it is given, with the
// caller's options.
type dtMapTo struct{ M map[string]string }

func (d dtMapTo) MarshalJSONTo(enc *jsonv2Encoder) error { return jsonv2MarshalEncode(enc, d.M) }

// dtPtrMarshaler has MarshalJSON on its pointer only: JSON v2 calls it
// when the value is addressable.
type dtPtrMarshaler struct{ M map[string]string }

func (d *dtPtrMarshaler) MarshalJSON() ([]byte, error) {
	return []byte(`{"n":` + strconv.Itoa(len(d.M)) + `}`), nil
}

// dtText is a struct holding a map that writes itself as text.
type dtText struct{ M map[string]any }

func (d dtText) MarshalText() ([]byte, error) { return []byte("text" + strconv.Itoa(len(d.M))), nil }

type dtEmbeds struct {
	dtMapItem
	*dtMaps
	Own map[string]any `json:"own"`
}

type dtHolders struct {
	D any                 `json:"d"`
	M map[string]string   `json:"m"`
	P *map[string]string  `json:"p"`
	E *map[string]any     `json:"e,omitempty"`
	T dtText              `json:"t"`
	R dtPtrMarshaler      `json:"r"`
	O dtMapTo             `json:"o"`
	A [1]*dtMapItem       `json:"a"`
	X map[string][]dtText `json:"x"`
}

func TestJSONv2MapMarshalers(t *testing.T) {
	var nilStrings map[string]string
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	many := map[string]string{}
	for i := range 40 {
		many["k"+strconv.Itoa(39-i)] = strings.Repeat("v", i)
	}
	cases := map[string]any{
		"nil string map":   map[string]string(nil),
		"nil any map":      map[string]any(nil),
		"empty":            map[string]string{},
		"order":            map[string]string{"b": "1", "a": "2", "B": "3", "é": "4", "": "5", "a\x00": "6"},
		"more than 16":     many,
		"escapes":          map[string]string{"q\"uote": "back\\slash", "ctl\x01": "tab\t<html>&\u2028"},
		"invalid UTF-8":    map[string]string{"caf\xe9": "th\xffé"},
		"colliding names":  map[string]string{"\xff": "a", "\xfe": "b"},
		"any values":       map[string]any{"n": 1, "f": 1.5, "b": true, "nil": nil, "s": []string{"x"}, "m": map[string]string{"z": "y", "a": "b"}, "t": map[string]int{"b": 1, "a": 2}},
		"any nested":       map[string]any{"a": map[string]any{"c": map[string]any{"e": "f", "d": nil}}},
		"any bad value":    map[string]any{"a": 1, "ch": make(chan int)},
		"any NaN":          map[string]any{"x": []any{1, map[string]any{"nan": math.NaN()}}},
		"struct with maps": dtMaps{Labels: map[string]string{"y": "1", "x": "2"}, Meta: map[string]any{"k": dtMapItem{Attrs: map[string]string{"b": "", "a": ""}}}, Items: []dtMapItem{{}, {Attrs: map[string]string{"z": "0"}}}, Next: &dtMaps{}},
		"pointer to map":   &map[string]string{"b": "1", "a": "2"},
		"inline map":       dtInline{Name: "n", Extra: map[string]any{"z": 1, "a": map[string]string{"d": "", "c": ""}}},
		"inline nil map":   dtInline{Name: "n"},
		"omit empty maps":  dtOmitMaps{A: map[string]string{}, C: map[string]any{}},
		"omit nil maps":    dtOmitMaps{},
		"kept maps":        dtOmitMaps{A: map[string]string{"k": "v"}, B: map[string]string{"k": "v"}, C: map[string]any{"k": nil}, D: map[string]any{"k": 1}},
		"map of maps":      map[string]map[string]string{"y": {"b": "1", "a": "2"}, "x": nil},
		"array of maps":    [2]map[string]any{{"b": 1, "a": 2}, nil},
		"any of structs":   []any{dtMapItem{Attrs: map[string]string{"b": "1", "a": "2"}}, map[string]any{"m": dtMapMarshaler{}}},
		"cyclic type":      &dtCycle{Kids: []*dtCycle{{Tags: map[string]string{"b": "", "a": ""}}}},
		"named map type":   struct{ L dtLabels }{L: dtLabels{"b": "1", "a": "2"}},
		"format on a map":  dtFormatMap{M: map[string]string{"a": "1"}},
		"string on an any": dtStringAny{A: map[string]string{"a": "1"}, M: map[string]string{}},
		"unknown map":      dtUnknown{N: "x", X: map[string]any{"b": map[string]string{"d": "", "c": ""}, "a": 1}},
		"inline strings":   dtInlineStrings{N: "x", X: map[string]string{"b": "1", "a": "2", "n": "dup"}},
		"embedded":         dtEmbeds{dtMapItem: dtMapItem{Attrs: map[string]string{"b": "", "a": ""}}, dtMaps: &dtMaps{Labels: map[string]string{"l": ""}}, Own: map[string]any{"z": map[string]any{"y": map[string]string{"x": "", "w": ""}}}},
		"embedded nil":     dtEmbeds{},
		"holders":          dtHolders{D: map[string]string{"b": "", "a": ""}, P: &nilStrings, E: &map[string]any{}, T: dtText{M: map[string]any{"a": 1}}, R: dtPtrMarshaler{M: map[string]string{"a": ""}}, O: dtMapTo{M: map[string]string{"b": "", "a": ""}}, A: [1]*dtMapItem{{Attrs: map[string]string{"b": "", "a": ""}}}, X: map[string][]dtText{"k": {{}}}},
		"holders pointer":  &dtHolders{D: map[string]any{"m": map[string]string{"b": "", "a": ""}}, R: dtPtrMarshaler{M: map[string]string{"a": ""}}},
		"holders empty":    dtHolders{},
		"colliding nested": dtMapItem{Attrs: map[string]string{"\xff": "a", "\xfe": "b", "\xef\xbf\xbd": "c"}},
		"bad value nested": dtMaps{Meta: map[string]any{"a": 1, "b": map[string]any{"ch": make(chan int)}}},
		"NaN nested":       dtMaps{Meta: map[string]any{"a": math.Inf(1)}},
		"cyclic value":     dtMaps{Meta: cyclic},
	}
	for name, v := range cases {
		marshalBoth(t, name, v)
	}
	// The one difference: JSON v2 refuses a ",string" option on a map
	// field, and encoding/json ignores it, as the map writer does.
	stringOpt := struct {
		//lint:ignore SA5008 the misuse is what this checks
		M map[string]string `json:",string"`
	}{M: map[string]string{"b": "1", "a": "2"}}
	if got, err := (JSONv2{}).AppendMarshal(nil, stringOpt); err != nil || string(got) != `{"M":{"a":"2","b":"1"}}` {
		t.Errorf(`",string" on a map field: %s %v, want {"M":{"a":"2","b":"1"}} as encoding/json writes`, got, err)
	}
	// Behind an interface only, the map is JSON v2's to write, as the doc
	// comment says, and JSON v2 refuses the option.
	marshalBoth(t, `",string" behind an interface`, []any{stringOpt})
	if _, err := (JSONv2{}).AppendMarshal(nil, []any{stringOpt}); err == nil {
		t.Error(`",string" on a map field behind an interface: no error, want JSON v2's refusal`)
	}
	// The encoders are pooled: one that failed half-way must not leave
	// anything to the next call.
	marshalBoth(t, "after a failure", map[string]any{"a": 1, "b": map[string]string{"c": "d"}})
}

// TestJSONv2MapAllocs: a top-level map of up to 16 entries costs the
// result and nothing per entry.
func TestJSONv2MapAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	sm := map[string]string{"owner": "albkit", "repo": "alb", "number": "42", "a": "b", "c": "d"}
	if n := testing.AllocsPerRun(100, func() { _, _ = JSONv2{}.AppendMarshal(nil, sm) }); n > 1 {
		t.Errorf("map[string]string: %v allocations, want at most 1", n)
	}
	dst := make([]byte, 0, 512)
	if n := testing.AllocsPerRun(100, func() { _, _ = JSONv2{}.AppendMarshal(dst, sm) }); n != 0 {
		t.Errorf("map[string]string into spare capacity: %v allocations, want 0", n)
	}
	// Below the top level too: JSON v2's own code would allocate per
	// entry and for the sorted keys.
	nested := &dtCycle{Tags: sm, Kids: []*dtCycle{{Tags: sm}}}
	if n := testing.AllocsPerRun(100, func() { _, _ = JSONv2{}.AppendMarshal(dst, nested) }); n != 0 {
		t.Errorf("a struct holding maps, into spare capacity: %v allocations, want 0", n)
	}
}

// FuzzJSONv2MapMarshal builds maps from arbitrary bytes and checks that
// the map marshalers write them as JSON v2's own code does.
func FuzzJSONv2MapMarshal(f *testing.F) {
	f.Add("b\x00a\x00c\x00d")
	f.Add("caf\xe9\x00x\x00\xff\x00\xfe")
	f.Add("\"\x00\\\x00<\x00\u2028\x00\x01\x00")
	f.Fuzz(func(t *testing.T, s string) {
		parts := strings.Split(s, "\x00")
		sm := map[string]string{}
		am := map[string]any{}
		for i := 0; i+1 < len(parts); i += 2 {
			sm[parts[i]] = parts[i+1]
			switch i % 6 {
			case 0:
				am[parts[i]] = parts[i+1]
			case 2:
				am[parts[i]] = len(parts[i+1])
			default:
				am[parts[i]] = map[string]any{parts[i+1]: sm}
			}
		}
		marshalBoth(t, "string map", sm)
		marshalBoth(t, "any map", am)
		marshalBoth(t, "struct", dtMaps{Labels: sm, Meta: am})
	})
}

// TestJSONv2MapMarshalersConcurrent marshals values of many types, some
// holding maps and some not, from many goroutines at once, so that the
// cache of which types hold maps (and the last type it answered for) is
// read and replaced all the time: every result must still be JSON v2's.
func TestJSONv2MapMarshalersConcurrent(t *testing.T) {
	values := []any{
		dtMaps{Labels: map[string]string{"b": "", "a": ""}, Meta: map[string]any{"z": map[string]string{"y": "", "x": ""}}},
		&dtMapItem{Attrs: map[string]string{"b": "", "a": ""}},
		dtInline{Name: "n", Extra: map[string]any{"b": 1, "a": 2}},
		struct{ N int }{N: 1},
		[]map[string]string{{"b": "", "a": ""}},
		map[string]map[string]any{"y": {"b": 1, "a": 2}},
		dtHolders{D: map[string]string{"b": "", "a": ""}, M: map[string]string{"d": "", "c": ""}},
		[]int{1, 2},
		map[string]string{"b": "", "a": ""},
		dtMaps{Meta: map[string]any{"ch": make(chan int)}}, // an error half-way
		&dtCycle{Tags: map[string]string{"b": "", "a": ""}, Kids: []*dtCycle{{}}},
	}
	wants := make([]string, len(values))
	for i, v := range values {
		b, err := jsonv2Marshal(v, jsonv2MarshalOpts...)
		if err != nil {
			b = []byte("error")
		}
		wants[i] = string(b)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			dst := make([]byte, 0, 512)
			for n := range 200 {
				i := (g + n*(g+1)) % len(values)
				into := dst
				if n%2 == 0 {
					into = nil
				}
				b, err := JSONv2{}.AppendMarshal(into, values[i])
				got := string(b)
				if err != nil {
					got = "error"
				}
				if got != wants[i] {
					select {
					case errs <- fmt.Sprintf("value %d: %s, want %s", i, got, wants[i]):
					default:
					}
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestJSONv2MapHoldersAllocs: marshaling values of two types in turn,
// as a handler that answers with a body or an error does, costs no more
// than one type over and over.
func TestJSONv2MapHoldersAllocs(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation counts are not meaningful under -race or -short")
	}
	a := &dtMapItem{Attrs: map[string]string{"b": "", "a": ""}}
	b := &struct{ N int }{N: 1}
	dst := make([]byte, 0, 512)
	if n := testing.AllocsPerRun(100, func() {
		_, _ = JSONv2{}.AppendMarshal(dst, a)
		_, _ = JSONv2{}.AppendMarshal(dst, b)
	}); n != 0 {
		t.Errorf("two types in turn, into spare capacity: %v allocations, want 0", n)
	}
}
