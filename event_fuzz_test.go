package alb

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

var bom = []byte("\xef\xbb\xbf")

// oracleDecode decodes an event the way most Go code does: encoding/json
// into events.ALBTargetGroupRequest (after dropping a BOM, which
// encoding/json rejects and the decoder accepts).
func oracleDecode(event []byte) error {
	var ev events.ALBTargetGroupRequest
	return json.Unmarshal(bytes.TrimPrefix(event, bom), &ev)
}

// FuzzDecode checks decodeEvent against encoding/json into
// events.ALBTargetGroupRequest: both accept the payload with equal method,
// path, headers, query, body, flag and ARN, or both reject it.
//
// Where encoding/json's semantics are not the ALB schema's, the payload is
// ambiguous and only the absence of panics is checked: encoding/json matches
// struct keys case-insensitively ("PATH" sets Path), lets a repeated key
// replace or merge with the earlier one, and takes a top-level null as an
// empty event (the decoder rejects it). Bytes that are not valid UTF-8 are
// kept by the decoder and replaced with U+FFFD by encoding/json; the
// comparison replaces them the same way.
func FuzzDecode(f *testing.F) {
	for _, name := range requestEventFiles(f) {
		f.Add(readEvent(f, name))
	}
	for _, event := range malformedEvents {
		f.Add([]byte(event))
	}
	f.Add(browserEvent(false))
	f.Add(browserEvent(true))
	for _, event := range stopEvents() {
		f.Add([]byte(event))
	}
	f.Fuzz(func(t *testing.T, event []byte) {
		var r request
		err := decodeEvent(bytes.Clone(event), &r)
		var ev events.ALBTargetGroupRequest
		oracleErr := json.Unmarshal(bytes.TrimPrefix(event, bom), &ev)
		if ambiguous(event) {
			if bytes.Equal(bytes.TrimSpace(bytes.TrimPrefix(event, bom)), []byte("null")) && err == nil {
				t.Fatalf("decodeEvent accepted a null event")
			}
			return
		}
		if oracleErr != nil {
			if err == nil {
				t.Fatalf("decodeEvent accepted what encoding/json rejects (%v): %q", oracleErr, event)
			}
			return
		}
		if err != nil {
			t.Fatalf("decodeEvent rejected what encoding/json accepts: %v: %q", err, event)
		}
		compareWithOracle(t, &r, &ev)
	})
}

func compareWithOracle(t *testing.T, r *request, ev *events.ALBTargetGroupRequest) {
	t.Helper()
	n := replaceInvalidUTF8
	if got, want := r.multiValue, ev.MultiValueHeaders != nil; got != want {
		t.Errorf("multiValue = %v, encoding/json says %v", got, want)
	}
	check := func(what, got, want string) {
		if n(got) != want {
			t.Errorf("%s = %q, encoding/json says %q", what, got, want)
		}
	}
	check("method", r.method, ev.HTTPMethod)
	check("path", r.rawPath, ev.Path)
	check("body", r.body, ev.Body)
	check("targetGroupArn", r.targetGroupARN, ev.RequestContext.ELB.TargetGroupArn)
	if r.isBase64 != ev.IsBase64Encoded {
		t.Errorf("isBase64Encoded = %v, encoding/json says %v", r.isBase64, ev.IsBase64Encoded)
	}
	if r.multiValue {
		compareMulti(t, "multiValueHeaders", r.headers, ev.MultiValueHeaders)
		compareMulti(t, "multiValueQueryStringParameters", r.query, ev.MultiValueQueryStringParameters)
	} else {
		compareSingle(t, "headers", r.headers, ev.Headers)
		compareSingle(t, "queryStringParameters", r.query, ev.QueryStringParameters)
	}
}

func compareSingle(t *testing.T, what string, got []field, want map[string]string) {
	t.Helper()
	m := map[string]string{}
	for _, f := range got { // a repeated key: the last wins, as in a map
		m[replaceInvalidUTF8(f.name)] = replaceInvalidUTF8(f.value)
	}
	if len(m) != len(want) {
		t.Errorf("%s: %q, encoding/json says %q", what, m, want)
		return
	}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%s[%q] = %q, %v; encoding/json says %q", what, k, got, ok, v)
		}
	}
}

func compareMulti(t *testing.T, what string, got []field, want map[string][]string) {
	t.Helper()
	m := map[string][]string{}
	for _, f := range got {
		k := replaceInvalidUTF8(f.name)
		m[k] = append(m[k], replaceInvalidUTF8(f.value))
	}
	for k, v := range want {
		if len(v) == 0 { // null or []: the decoder keeps no field
			delete(want, k)
		}
	}
	if len(m) != len(want) {
		t.Errorf("%s: %q, encoding/json says %q", what, m, want)
		return
	}
	for k, v := range want {
		if !slices.Equal(m[k], v) {
			t.Errorf("%s[%q] = %q; encoding/json says %q", what, k, m[k], v)
		}
	}
}

// replaceInvalidUTF8 replaces each byte that is not part of valid UTF-8 with
// U+FFFD, as encoding/json does when it decodes a string.
func replaceInvalidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		b.WriteRune(r) // RuneError for an invalid byte
		s = s[size:]
	}
	return b.String()
}

// The keys encoding/json would match, per object level.
var (
	eventKeys = []string{"httpMethod", "path", "queryStringParameters", "multiValueQueryStringParameters",
		"headers", "multiValueHeaders", "requestContext", "isBase64Encoded", "body"}
	contextKeys = []string{"elb"}
	elbKeys     = []string{"targetGroupArn"}
)

// ambiguous reports whether event, which must be valid JSON for this to
// matter, exercises encoding/json behaviour that is not the ALB schema's: a
// top-level null, a key that matches a known one only case-insensitively, a
// known key given twice, or a repeated key inside a multi-value collection
// (encoding/json keeps only the last array; the decoder keeps all fields).
func ambiguous(event []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(event, bom)))
	tok, err := dec.Token()
	if err != nil {
		return false
	}
	if tok == nil {
		return true
	}
	if tok != json.Delim('{') {
		return false
	}
	amb, _ := walkObject(dec, eventKeys)
	return amb
}

// walkObject reads the members of an object whose '{' was read, reporting
// whether any makes the event ambiguous. known is the list of keys
// encoding/json matches at this level (nil: none).
func walkObject(dec *json.Decoder, known []string) (bool, error) {
	seen := map[string]bool{}
	amb := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return false, err
		}
		key := tok.(string)
		exact := slices.Contains(known, key)
		for _, k := range known {
			if k != key && strings.EqualFold(k, key) {
				amb = true
			}
		}
		if exact && seen[key] {
			amb = true
		}
		seen[key] = true
		var sub []string
		switch {
		case exact && key == "requestContext":
			sub = contextKeys
		case exact && key == "elb" && slices.Equal(known, contextKeys):
			sub = elbKeys
		}
		if exact && (key == "multiValueHeaders" || key == "multiValueQueryStringParameters") {
			a, err := repeatedKeys(dec)
			if err != nil {
				return false, err
			}
			amb = amb || a
			continue
		}
		a, err := walkValue(dec, sub)
		if err != nil {
			return false, err
		}
		amb = amb || a
	}
	_, err := dec.Token() // '}'
	return amb, err
}

// walkValue reads one value; objects are walked with known as their keys.
func walkValue(dec *json.Decoder, known []string) (bool, error) {
	tok, err := dec.Token()
	if err != nil {
		return false, err
	}
	switch tok {
	case json.Delim('{'):
		return walkObject(dec, known)
	case json.Delim('['):
		amb := false
		for dec.More() {
			a, err := walkValue(dec, nil)
			if err != nil {
				return false, err
			}
			amb = amb || a
		}
		_, err := dec.Token() // ']'
		return amb, err
	}
	return false, nil
}

// repeatedKeys reads one value and reports whether it is an object with a
// repeated key (after encoding/json's replacement of invalid UTF-8).
func repeatedKeys(dec *json.Decoder) (bool, error) {
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		if tok == json.Delim('[') {
			_, err = walkArrayRest(dec)
		}
		return false, err
	}
	seen := map[string]bool{}
	amb := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return false, err
		}
		key := tok.(string)
		amb = amb || seen[key]
		seen[key] = true
		if _, err := walkValue(dec, nil); err != nil {
			return false, err
		}
	}
	_, err = dec.Token()
	return amb, err
}

func walkArrayRest(dec *json.Decoder) (bool, error) {
	for dec.More() {
		if _, err := walkValue(dec, nil); err != nil {
			return false, err
		}
	}
	_, err := dec.Token()
	return false, err
}

// FuzzInvokeKeepsValues: whatever two events a Context decodes in turn in
// its pooled buffer, what a handler was handed for the first still reads,
// after the second, as a Context that never saw the second hands it out.
// The handler keeps everything a Context hands out about the request.
func FuzzInvokeKeepsValues(f *testing.F) {
	f.Add(browserEvent(false), browserEvent(true))
	f.Add(browserEvent(true), []byte(`{"httpMethod":"GET","path":"/x","headers":{"a":"b"}}`))
	f.Add([]byte(`{"httpMethod":"POST","path":"/p%41th","headers":{"cookie":"a=\"1\"; b=2","x-forwarded-for":"10.0.0.1:80, [::1]:8","x-amzn-trace-id":"Root=1-a"},`+
		`"queryStringParameters":{"q":"a+b%20c"},"body":"aGVsbG8=","isBase64Encoded":true}`),
		[]byte(`{"httpMethod":"PUT","path":"/zzzzzzzzzzzzzzzzzzzzz","headers":{"cookie":"zzzzzzzzzzzzzz","x-forwarded-for":"zzzzzzzzzzzzzzzzzzzz"},"body":"zzzzzzzz"}`))
	for _, event := range malformedEvents {
		f.Add([]byte(event), browserEvent(false))
	}
	f.Fuzz(func(t *testing.T, first, second []byte) {
		if len(first) > poolLimit+1024 || len(second) > poolLimit+1024 {
			return
		}
		var kept []string
		r := New()
		r.NotFound = func(c *Context) error {
			kept = keepAll(c)
			return c.NoContent(http.StatusNoContent)
		}
		if _, err := r.Invoke(context.Background(), bytes.Clone(first)); err != nil {
			t.Fatal(err)
		}
		got := kept
		kept = nil
		if _, err := r.Invoke(context.Background(), bytes.Clone(second)); err != nil {
			t.Fatal(err)
		}
		fresh := New()
		fresh.NotFound = r.NotFound
		kept = nil
		if _, err := fresh.Invoke(context.Background(), bytes.Clone(first)); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, kept) {
			t.Fatalf("values kept from %q changed after %q:\nkept %q\nwant %q", first, second, got, kept)
		}
	})
}

// keepAll returns everything c hands out about the request, as strings.
func keepAll(c *Context) []string {
	vs := []string{c.Method(), c.RawPath(), c.Path(), c.RawQuery(), string(c.Body()), c.ClientIP(), c.TraceID(), c.TargetGroupARN()}
	traceID, _ := c.Trace()
	vs = append(vs, traceID, c.Query("q"))
	for _, name := range []string{"cookie", "x-forwarded-for", "host", "a", "user-agent"} {
		vs = append(vs, c.Header(name))
		vs = append(vs, c.HeaderValues(name)...)
	}
	for _, k := range c.Cookies() {
		vs = append(vs, k.Name, k.Value)
	}
	if v, ok := c.Cookie("a"); ok {
		vs = append(vs, v)
	}
	ev := c.Event()
	vs = append(vs, ev.Body, ev.Path)
	for _, name := range slices.Sorted(maps.Keys(ev.Headers)) {
		vs = append(vs, name, ev.Headers[name])
	}
	for _, name := range slices.Sorted(maps.Keys(ev.MultiValueHeaders)) {
		vs = append(vs, name)
		vs = append(vs, ev.MultiValueHeaders[name]...)
	}
	cp := c.Copy()
	return append(vs, cp.Header("cookie"), string(cp.Body()), cp.Event().Body)
}
