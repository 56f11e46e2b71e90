package jsoncorpus

import (
	"math"
	"strings"
	"time"
)

// A DecodeCase is a request body and the Go value it is decoded into.
type DecodeCase struct {
	Name   string
	Body   string
	Strict bool
	// New returns a pointer to a fresh target, possibly not zero (to show
	// what decoding keeps).
	New func() any
}

// An EncodeCase is a value to encode.
type EncodeCase struct {
	Name  string
	Value func() any
}

func ptr[T any](v T) *T { return &v }

func newOf[T any]() func() any { return func() any { return new(T) } }

func filled[T any](v T) func() any { return func() any { return ptr(v) } }

var orderBody = string(OrderBody())

// Decodes is the corpus of request bodies.
var Decodes = []DecodeCase{
	// Valid bodies.
	{Name: "order", Body: orderBody, New: newOf[Order]()},
	{Name: "order-strict", Body: orderBody, Strict: true, New: newOf[Order]()},
	{Name: "basic", Body: `{"name":"Zoë","age":41,"score":9.5,"active":true,"tags":["a","b"]}`, New: newOf[Basic]()},
	{Name: "white-space", Body: " \t\r\n{ \"name\" : \"a\" , \"age\" : 1 } \n", New: newOf[Basic]()},
	{Name: "empty-object", Body: `{}`, New: filled(Basic{Name: "kept"})},
	{Name: "escapes", Body: `{"name":"caf\u00e9 \"q\" \\ \/ \b\f\n\r\t \ud83d\ude00"}`, New: newOf[Basic]()},
	{Name: "top-int", Body: `42`, New: newOf[int]()},
	{Name: "top-string", Body: `"s"`, New: newOf[string]()},
	{Name: "top-array", Body: `[1,2,3]`, New: newOf[[]int]()},

	// Member names.
	{Name: "name-upper", Body: `{"NAME":"a"}`, New: newOf[Basic]()},
	{Name: "name-mixed", Body: `{"Name":"a","AGE":3}`, New: newOf[Basic]()},
	{Name: "name-untagged-lower", Body: `{"firstname":"Ada","LASTNAME":"L"}`, New: newOf[Untagged]()},
	{Name: "name-untagged-exact", Body: `{"FirstName":"Ada","LastName":"L"}`, New: newOf[Untagged]()},
	{Name: "name-upper-strict", Body: `{"NAME":"a"}`, Strict: true, New: newOf[Basic]()},
	{Name: "duplicate", Body: `{"name":"a","name":"b"}`, New: newOf[Basic]()},
	{Name: "duplicate-case", Body: `{"name":"a","NAME":"b"}`, New: newOf[Basic]()},
	{Name: "duplicate-unknown", Body: `{"x":1,"x":2}`, New: newOf[Basic]()},
	{Name: "duplicate-strict", Body: `{"age":1,"age":2}`, Strict: true, New: newOf[Basic]()},
	{Name: "unknown", Body: `{"name":"a","color":"red"}`, New: newOf[Basic]()},
	{Name: "unknown-strict", Body: `{"name":"a","color":"red"}`, Strict: true, New: newOf[Basic]()},
	{Name: "unknown-nested-strict", Body: `{"customer":{"id":"c","phone":"1"}}`, Strict: true, New: newOf[Order]()},
	{Name: "unknown-in-array-strict", Body: `{"items":[{"sku":"a"},{"sku":"b","colour":"red"}]}`, Strict: true, New: newOf[Order]()},
	{Name: "ignored-dash", Body: `{"keep":"k","-":"x","Skip":"y"}`, New: newOf[Ignored]()},
	{Name: "ignored-unexported", Body: `{"keep":"k","unexported":5}`, New: newOf[Ignored]()},
	{Name: "embedded", Body: `{"id":7,"kind":"k","extra":"e"}`, New: newOf[Embedded]()},
	{Name: "embedded-strict-base-name", Body: `{"Base":{"id":1}}`, Strict: true, New: newOf[Embedded]()},

	// Strings.
	{Name: "utf8-invalid-value", Body: "{\"name\":\"a\xffb\"}", New: newOf[Basic]()},
	{Name: "utf8-invalid-name", Body: "{\"na\xffme\":\"a\"}", New: newOf[Basic]()},
	{Name: "utf8-lone-surrogate", Body: `{"name":"\ud800x"}`, New: newOf[Basic]()},
	{Name: "control-char", Body: "{\"name\":\"a\nb\"}", New: newOf[Basic]()},
	{Name: "bad-escape", Body: `{"name":"\x41"}`, New: newOf[Basic]()},
	{Name: "skipped-bad-escape", Body: "{\"\":[{\"0000000\\\x970\xb0\x910\":{\"00\":0}}]}", New: newOf[Order]()},
	{Name: "bad-unicode-escape", Body: `{"name":"\u12G4"}`, New: newOf[Basic]()},

	// Numbers.
	{Name: "int-from-float", Body: `{"age":1.5}`, New: newOf[Basic]()},
	{Name: "int-from-exponent", Body: `{"age":1e3}`, New: newOf[Basic]()},
	{Name: "int8-overflow", Body: `{"i8":300}`, New: newOf[Small]()},
	{Name: "uint8-overflow", Body: `{"u8":256}`, New: newOf[Small]()},
	{Name: "uint-negative", Body: `{"u":-1}`, New: newOf[Small]()},
	{Name: "int64-max", Body: `{"i64":9223372036854775807}`, New: newOf[Small]()},
	{Name: "int64-overflow", Body: `{"i64":9223372036854775808}`, New: newOf[Small]()},
	{Name: "float-exponent", Body: `{"score":-1.25e-3}`, New: newOf[Basic]()},
	{Name: "float-overflow", Body: `{"score":1e400}`, New: newOf[Basic]()},
	{Name: "float32-overflow", Body: `{"f32":1e39}`, New: newOf[Small]()},
	{Name: "float-negative-zero", Body: `{"score":-0}`, New: newOf[Basic]()},
	{Name: "number-leading-zero", Body: `{"age":01}`, New: newOf[Basic]()},
	{Name: "number-plus", Body: `{"age":+1}`, New: newOf[Basic]()},
	{Name: "number-dot", Body: `{"score":.5}`, New: newOf[Basic]()},
	{Name: "number-nan", Body: `{"score":NaN}`, New: newOf[Basic]()},

	// null.
	{Name: "null-into-int", Body: `{"age":null}`, New: filled(Basic{Age: 5})},
	{Name: "null-into-string", Body: `{"name":null}`, New: filled(Basic{Name: "kept"})},
	{Name: "null-into-bool", Body: `{"active":null}`, New: filled(Basic{Active: true})},
	{Name: "null-into-slice", Body: `{"tags":null}`, New: filled(Basic{Tags: []string{"x"}})},
	{Name: "null-into-pointer", Body: `{"p":null}`, New: filled(Ptrs{P: ptr(3)})},
	{Name: "null-top", Body: `null`, New: filled(Basic{Name: "kept"})},
	{Name: "null-in-int-array", Body: `[1,null,3]`, New: newOf[[]int]()},
	{Name: "pointers", Body: `{"p":1,"s":"x","b":{"name":"n"}}`, New: newOf[Ptrs]()},

	// Wrong types.
	{Name: "type-string-into-int", Body: `{"age":"41"}`, New: newOf[Basic]()},
	{Name: "type-number-into-string", Body: `{"name":41}`, New: newOf[Basic]()},
	{Name: "type-bool-into-string", Body: `{"name":true}`, New: newOf[Basic]()},
	{Name: "type-object-into-slice", Body: `{"tags":{}}`, New: newOf[Basic]()},
	{Name: "type-array-into-struct", Body: `[{"name":"a"}]`, New: newOf[Basic]()},
	{Name: "type-string-into-bool", Body: `{"active":"yes"}`, New: newOf[Basic]()},
	{Name: "type-nested", Body: `{"items":[{"sku":"a","quantity":1},{"sku":"b","quantity":"two"}]}`, New: newOf[Order]()},
	{Name: "type-deeply-nested", Body: `{"orders":[{"customer":{"id":7}}]}`, New: newOf[Deep]()},
	{Name: "type-string-into-time", Body: `{"at":12}`, New: newOf[Times]()},

	// Trailing data, truncation, syntax.
	{Name: "trailing-value", Body: `{"name":"a"} {}`, New: newOf[Basic]()},
	{Name: "trailing-garbage", Body: `{"name":"a"}x`, New: newOf[Basic]()},
	{Name: "trailing-garbage-strict", Body: `{"name":"a"}x`, Strict: true, New: newOf[Basic]()},
	{Name: "truncated-object", Body: `{"name":"a"`, New: newOf[Basic]()},
	{Name: "truncated-string", Body: `{"name":"a`, New: newOf[Basic]()},
	{Name: "truncated-strict", Body: `{"name":`, Strict: true, New: newOf[Basic]()},
	{Name: "empty", Body: ``, New: newOf[Basic]()},
	{Name: "bom", Body: "\ufeff{}", New: newOf[Basic]()},
	{Name: "single-quotes", Body: `{'name':'a'}`, New: newOf[Basic]()},
	{Name: "comment", Body: `{"name":"a" /* c */}`, New: newOf[Basic]()},
	{Name: "trailing-comma", Body: `{"tags":["a",],}`, New: newOf[Basic]()},
	{Name: "missing-colon", Body: `{"name" "a"}`, New: newOf[Basic]()},
	{Name: "unquoted-name", Body: `{name:"a"}`, New: newOf[Basic]()},
	{Name: "deep-nesting", Body: nested(10001), New: newOf[any]()},

	// Options and special types.
	{Name: "string-option", Body: `{"n":"42","f":"1.5","b":"true"}`, New: newOf[Stringy]()},
	{Name: "string-option-unquoted", Body: `{"n":42}`, New: newOf[Stringy]()},
	{Name: "string-option-bad", Body: `{"n":"abc"}`, New: newOf[Stringy]()},
	{Name: "time", Body: `{"at":"2025-01-17T10:30:00.5+01:00"}`, New: newOf[Times]()},
	{Name: "time-bad", Body: `{"at":"17/01/2025"}`, New: newOf[Times]()},
	{Name: "bytes", Body: `{"data":"aGVsbG8=","arr":[1,2]}`, New: newOf[Bytes]()},
	{Name: "bytes-bad-base64", Body: `{"data":"not base64!"}`, New: newOf[Bytes]()},
	{Name: "bytes-null", Body: `{"data":null}`, New: filled(Bytes{Data: []byte("x")})},
	{Name: "map", Body: `{"m":{"a":1,"b":2}}`, New: newOf[Maps]()},
	{Name: "map-merge", Body: `{"m":{"b":2}}`, New: filled(Maps{M: map[string]int{"a": 1}})},
	{Name: "map-int-keys", Body: `{"ik":{"1":"one","-2":"minus two"}}`, New: newOf[Maps]()},
	{Name: "map-int-key-bad", Body: `{"ik":{"x":"one"}}`, New: newOf[Maps]()},
	{Name: "map-text-keys", Body: `{"l":"high","byL":{"low":1,"high":2}}`, New: newOf[Levels]()},
	{Name: "text-unmarshaler-bad", Body: `{"l":"medium"}`, New: newOf[Levels]()},
	{Name: "unmarshaler-fails", Body: `{"p":"no"}`, New: newOf[Pickies]()},
	{Name: "unmarshaler-ok", Body: `{"p":"ok"}`, New: newOf[Pickies]()},
	{Name: "any-values", Body: `{"v":{"a":[1,2.5,"s",true,null,{"b":{}}]}}`, New: newOf[Any]()},
	{Name: "any-big-int", Body: `{"v":12345678901234567890}`, New: newOf[Any]()},
	{Name: "raw-message", Body: `{"r": { "a" : [1, 2] } }`, New: newOf[Raw]()},
	{Name: "slice-replaced", Body: `{"tags":["x"]}`, New: filled(Basic{Tags: []string{"a", "b", "c"}})},
	{Name: "array-longer", Body: `{"a":[1,2,3,4]}`, New: newOf[Triple]()},
	{Name: "array-shorter", Body: `{"a":[1]}`, New: filled(Triple{A: [3]int{7, 8, 9}})},
	{Name: "struct-kept", Body: `{"age":2}`, New: filled(Basic{Name: "kept", Age: 1})},
}

// Encodes is the corpus of values to encode.
var Encodes = []EncodeCase{
	{Name: "order", Value: func() any { return SampleOrder() }},
	{Name: "receipt", Value: func() any { o := SampleOrder(); return ReceiptFor(&o) }},
	{Name: "basic", Value: func() any { return Basic{Name: "a", Age: 1, Score: 2.5, Active: true, Tags: []string{"x"}} }},
	{Name: "pointer-to-struct", Value: func() any { return &Basic{Name: "p"} }},
	{Name: "omitempty-zero", Value: func() any { return Omit{} }},
	{Name: "omitempty-empty-containers", Value: func() any { return Omit{C: []int{}, D: map[string]int{}} }},
	{Name: "omitempty-set", Value: func() any {
		return Omit{A: "a", B: 1, C: []int{1}, D: map[string]int{"k": 1}, E: ptr(0), F: true, G: 0.5}
	}},
	{Name: "nil-containers", Value: func() any { return Nils{} }},
	{Name: "empty-containers", Value: func() any { return Nils{S: []int{}, M: map[string]int{}} }},
	{Name: "nil-top-slice", Value: func() any { var s []string; return s }},
	{Name: "nil-top-map", Value: func() any { var m map[string]any; return m }},
	{Name: "nil-top", Value: func() any { return nil }},
	{Name: "embedded", Value: func() any { return Embedded{Base: Base{ID: 1, Kind: "k"}, Extra: "e"} }},
	{Name: "ignored", Value: func() any { return Ignored{Keep: "k", Skip: "s", unexported: 1} }},
	{Name: "string-option", Value: func() any { return Stringy{N: 42, F: 1.5, B: true} }},
	{Name: "time", Value: func() any {
		return Times{At: time.Date(2025, 1, 17, 10, 30, 0, 500, time.FixedZone("", 3600))}
	}},
	{Name: "time-utc", Value: func() any { return Times{At: time.Date(2025, 1, 17, 10, 30, 0, 0, time.UTC)} }},
	{Name: "bytes", Value: func() any { return Bytes{Data: []byte("hello\xff"), Arr: [2]byte{1, 2}} }},
	{Name: "bytes-nil", Value: func() any { return Bytes{} }},
	{Name: "map-sorted", Value: func() any { return map[string]int{"b": 2, "a": 1, "c": 3, "B": 4, "é": 5} }},
	{Name: "map-int-keys", Value: func() any { return map[int]string{10: "ten", 2: "two", 1: "one", -1: "minus"} }},
	{Name: "map-text-keys", Value: func() any { return Levels{L: 1, ByL: map[Level]int{0: 1, 1: 2}} }},
	{Name: "any-nested", Value: func() any {
		return map[string]any{"a": []any{1, 2.5, "s", true, nil, map[string]any{"z": 1, "y": 2}}}
	}},
	{Name: "html", Value: func() any { return Basic{Name: "<script>alert('x')</script> & more"} }},
	{Name: "line-separators", Value: func() any { return "a\u2028b\u2029c" }},
	{Name: "invalid-utf8", Value: func() any { return "a\xffb\xc3" }},
	{Name: "control-chars", Value: func() any { return "a\x00\x01\x1f\x7f\t\n\"\\/" }},
	{Name: "unicode", Value: func() any { return "Zoë ☕ 😀" }},
	{Name: "floats", Value: func() any {
		return []float64{0, 1, -1.5, 1e20, 1e21, 1e-6, 1e-7, 123456789.123, math.MaxFloat64, math.SmallestNonzeroFloat64, math.Copysign(0, -1)}
	}},
	{Name: "float32", Value: func() any { return []float32{3.14, 1e-7, 16777216, 0.1} }},
	{Name: "ints", Value: func() any {
		return []any{int8(-128), uint8(255), int64(math.MaxInt64), int64(math.MinInt64), uint64(math.MaxUint64)}
	}},
	{Name: "marshaler-compacted", Value: func() any { return map[string]Spaced{"s": {}} }},
	{Name: "raw-message", Value: func() any { return Raw{R: []byte(` { "a" : 1 } `)} }},
	{Name: "array", Value: func() any { return Triple{A: [3]int{1, 2, 3}} }},
	{Name: "long-string", Value: func() any { return strings.Repeat("abc<>&\u00e9", 200) }},
	{Name: "unsupported-chan", Value: func() any { return map[string]any{"c": make(chan int)} }},
	{Name: "unsupported-func", Value: func() any { return func() {} }},
	{Name: "nan", Value: func() any { return math.NaN() }},
	{Name: "inf", Value: func() any { return []float64{math.Inf(1)} }},
}
