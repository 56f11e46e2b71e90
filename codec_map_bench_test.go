package alb

import "testing"

var benchAnyMap = map[string]any{"id": 42, "name": "Ada", "ok": true, "tags": []string{"x"}}
var benchStrMap = map[string]string{"owner": "albkit", "repo": "alb", "number": "42"}

func BenchmarkMapAppendMarshal(b *testing.B) {
	b.Run("any/fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			JSONv2{}.AppendMarshal(nil, benchAnyMap)
		}
	})
	b.Run("any/v2", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			jsonv2Marshal(benchAnyMap, jsonv2MarshalOpts...)
		}
	})
	b.Run("string/fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			JSONv2{}.AppendMarshal(nil, benchStrMap)
		}
	})
	b.Run("string/v2", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			jsonv2Marshal(benchStrMap, jsonv2MarshalOpts...)
		}
	})
}
