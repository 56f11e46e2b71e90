package alb

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func TestRequestFromEventMatchesDecoder(t *testing.T) {
	for _, name := range requestEventFiles(t) {
		raw := readEvent(t, name)
		var ev events.ALBTargetGroupRequest
		if err := json.Unmarshal(bytes.TrimPrefix(raw, bom), &ev); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var typed, decoded request
		typed.fromEvent(&ev)
		if err := decodeEvent(raw, &decoded); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		compareWithOracle(t, &typed, &ev)
		if typed.multiValue != decoded.multiValue || len(typed.headers) != len(decoded.headers) || len(typed.query) != len(decoded.query) {
			t.Errorf("%s: from the typed event %d headers, %d query fields, multiValue %v; decoded %d, %d, %v", name,
				len(typed.headers), len(typed.query), typed.multiValue, len(decoded.headers), len(decoded.query), decoded.multiValue)
		}
		for _, f := range decoded.headers {
			if got, _ := typed.header(f.name); !decoded.multiValue && got != f.value {
				t.Errorf("%s: header(%q) = %q from the typed event, %q decoded", name, f.name, got, f.value)
			}
		}
	}
}

func TestRequestFromEventReuse(t *testing.T) {
	var r request
	r.fromEvent(&events.ALBTargetGroupRequest{
		MultiValueHeaders:               map[string][]string{"b": {"2", "3"}, "a": {"1"}},
		MultiValueQueryStringParameters: map[string][]string{"q": {"x"}},
	})
	if !r.multiValue || len(r.headers) != 3 || r.headers[0] != (field{"a", "1"}) || r.headers[2] != (field{"b", "3"}) || len(r.query) != 1 {
		t.Fatalf("multi-value event gave %+v", r)
	}
	r.fromEvent(&events.ALBTargetGroupRequest{Headers: map[string]string{"c": "4"}})
	if r.multiValue || len(r.headers) != 1 || r.headers[0] != (field{"c", "4"}) || len(r.query) != 0 {
		t.Fatalf("single-value event after a multi-value one gave %+v", r)
	}
}

func TestResponseEventNeverNilMaps(t *testing.T) {
	var e encoder
	for _, multi := range []bool{false, true} {
		r := response{status: 201, headers: []field{{"Content-Type", "text/plain"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}}, body: []byte("made")}
		ev := responseEventFromJSON(e.encode(&r, multi))
		if ev.Headers == nil || ev.MultiValueHeaders == nil {
			t.Fatalf("multi=%v: nil map in %+v", multi, ev)
		}
		if ev.StatusCode != 201 || ev.StatusDescription != "201 Created" || ev.Body != "made" || ev.IsBase64Encoded {
			t.Errorf("multi=%v: got %+v", multi, ev)
		}
		if multi {
			if len(ev.Headers) != 0 || len(ev.MultiValueHeaders["Set-Cookie"]) != 2 {
				t.Errorf("multi-value: got %+v", ev)
			}
		} else if len(ev.MultiValueHeaders) != 0 || ev.Headers["Set-Cookie"] != "b=2" {
			t.Errorf("single-value: got %+v", ev)
		}
		out, err := json.Marshal(ev)
		if err != nil || bytes.Contains(out, []byte("null")) {
			t.Errorf("multi=%v: marshalled to %s (%v), want no null", multi, out, err)
		}
	}
}
