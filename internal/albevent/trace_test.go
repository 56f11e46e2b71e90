package albevent

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// traceNow is the time of the trace values the tests make: 0x67a0b1c2.
var traceNow = time.Unix(0x67a0b1c2, 0)

// selfPattern matches a new Self field of time traceNow.
const selfPattern = `Self=1-67a0b1c2-[0-9a-f]{24}`

// The ALB keeps a valid client Root and adds or updates Self; anything
// else is replaced by a new Root (ELB User Guide, "Request tracing").
func TestTraceHeader(t *testing.T) {
	const root = "Root=1-5759e988-bd862e3fe1be46a994272793"
	tests := []struct {
		client string
		want   string // a regular expression, anchored
	}{
		{"", `Root=1-67a0b1c2-[0-9a-f]{24}`},
		{root, selfPattern + `;` + regexp.QuoteMeta(root)},
		{root + ";CalledFrom=app", selfPattern + `;` + regexp.QuoteMeta(root+";CalledFrom=app")},
		{"Self=1-5759e988-000000000000000000000000;" + root, selfPattern + `;` + regexp.QuoteMeta(root)},
		{root + "; Self=1-5759e988-000000000000000000000000;x=y", regexp.QuoteMeta(root+"; ") + selfPattern + `;x=y`},
		{"Root=1-5759E988-BD862E3FE1BE46A994272793", selfPattern + `;Root=1-5759E988-BD862E3FE1BE46A994272793`},
		{" " + root + " ", selfPattern + `; ` + regexp.QuoteMeta(root) + ` `},
		// Invalid: replaced, the client's fields dropped.
		{"Root=client", `Root=1-67a0b1c2-[0-9a-f]{24}`},
		{"Root=1-5759e988-bd862e3fe1be46a99427279", `Root=1-67a0b1c2-[0-9a-f]{24}`},  // 23 digits
		{"Root=2-5759e988-bd862e3fe1be46a994272793", `Root=1-67a0b1c2-[0-9a-f]{24}`}, // version
		{"Root=1-5759e98g-bd862e3fe1be46a994272793", `Root=1-67a0b1c2-[0-9a-f]{24}`}, // not hex
		{"root=1-5759e988-bd862e3fe1be46a994272793", `Root=1-67a0b1c2-[0-9a-f]{24}`}, // name case
		{"Self=1-5759e988-bd862e3fe1be46a994272793", `Root=1-67a0b1c2-[0-9a-f]{24}`}, // no Root
		{"CalledFrom=app", `Root=1-67a0b1c2-[0-9a-f]{24}`},
	}
	for _, tt := range tests {
		got := TraceHeader(tt.client, traceNow)
		if !regexp.MustCompile(`^` + tt.want + `$`).MatchString(got) {
			t.Errorf("TraceHeader(%q) = %q, want %s", tt.client, got, tt.want)
		}
	}
	if a, b := TraceHeader(root, traceNow), TraceHeader(root, traceNow); a == b {
		t.Errorf("TraceHeader twice = %q, want different Self values", a)
	}
}

// Build applies TraceHeader to the client's header when TraceID is "".
func TestBuildClientTraceID(t *testing.T) {
	const root = "Root=1-5759e988-bd862e3fe1be46a994272793"
	for _, mv := range []bool{false, true} {
		h := headerMap(t, decode(t, Build(Request{MultiValue: mv, Header: [][2]string{
			{"X-Amzn-Trace-Id", "Root=bad"}, {"x-amzn-trace-id", root}}})))
		got := h["x-amzn-trace-id"]
		if len(got) != 1 || !regexp.MustCompile(`^Self=1-[0-9a-f]{8}-[0-9a-f]{24};`+root+`$`).MatchString(got[0]) {
			t.Errorf("multi-value %v: x-amzn-trace-id = %q, want a new Self and the client's %s", mv, got, root)
		}
		h = headerMap(t, decode(t, Build(Request{MultiValue: mv, Header: [][2]string{{"X-Amzn-Trace-Id", "Root=bad;x=y"}}})))
		if got := h["x-amzn-trace-id"]; len(got) != 1 || !traceIDPattern.MatchString(got[0]) {
			t.Errorf("multi-value %v: x-amzn-trace-id = %q, want a new Root only", mv, got)
		}
	}
}

// traceOracle is TraceHeader's rules written with regular expressions: the
// client value kept with Self replaced or added, or "" for a new Root.
var (
	oracleRoot = regexp.MustCompile(`^[ \t]*Root=1-[0-9a-fA-F]{8}-[0-9a-fA-F]{24}[ \t]*$`)
	oracleSelf = regexp.MustCompile(`^[ \t]*Self(=|[ \t]*$)`)
)

func FuzzTraceHeader(f *testing.F) {
	for _, s := range []string{"", "Root=1-5759e988-bd862e3fe1be46a994272793", "Self=1;Root=1-5759e988-bd862e3fe1be46a994272793;a=b",
		"Root=x;Root=1-5759e988-bd862e3fe1be46a994272793", ";;", "Root=1-5759e988-bd862e3fe1be46a994272793;Self;Self=2", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, client string) {
		got := TraceHeader(client, traceNow)
		fields := strings.Split(client, ";")
		valid := false
		for _, fl := range fields {
			name, _, _ := strings.Cut(strings.Trim(fl, " \t"), "=")
			if name == "Root" {
				valid = oracleRoot.MatchString(fl)
				break
			}
		}
		if !valid {
			if !traceIDPattern.MatchString(got) || !strings.HasPrefix(got, "Root=1-67a0b1c2-") {
				t.Fatalf("TraceHeader(%q) = %q, want a new Root", client, got)
			}
			return
		}
		gotFields := strings.Split(got, ";")
		selfAt := -1
		for i, fl := range fields {
			if oracleSelf.MatchString(fl) {
				selfAt = i
				break
			}
		}
		if selfAt < 0 {
			if len(gotFields) != len(fields)+1 || !regexp.MustCompile(`^`+selfPattern+`$`).MatchString(gotFields[0]) ||
				strings.Join(gotFields[1:], ";") != client {
				t.Fatalf("TraceHeader(%q) = %q, want a new Self in front of the client's value", client, got)
			}
			return
		}
		if len(gotFields) != len(fields) {
			t.Fatalf("TraceHeader(%q) = %q, want as many fields", client, got)
		}
		for i := range fields {
			if i == selfAt {
				if !regexp.MustCompile(`^[ \t]*` + selfPattern + `$`).MatchString(gotFields[i]) {
					t.Fatalf("TraceHeader(%q) = %q: field %d is not a new Self", client, got, i)
				}
				continue
			}
			if gotFields[i] != fields[i] {
				t.Fatalf("TraceHeader(%q) = %q: field %d changed", client, got, i)
			}
		}
	})
}
