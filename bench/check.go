package bench

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/textproto"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/albkit/alb/albtest"
)

// Verdict is what a response is worth to the client.
type Verdict struct {
	// Wrong lists what makes the answer wrong: the client would receive
	// something other than what the application means, or the ALB would
	// refuse the response (albtest.Validate) with no report that a real
	// ALB accepts it.
	Wrong []string

	// Tolerated lists deviations that albtest.Validate refuses but that a
	// real ALB is reported to accept (contract rules 22 and 25 and open
	// question 4).
	Tolerated []string
}

// OK reports whether the answer is right.
func (v Verdict) OK() bool { return len(v.Wrong) == 0 }

// Mark is ✓ (right and valid), ⚠ (right, with a tolerated deviation) or ✗.
func (v Verdict) Mark() string {
	switch {
	case len(v.Wrong) > 0:
		return "✗"
	case len(v.Tolerated) > 0:
		return "⚠"
	}
	return "✓"
}

// String lists the problems, wrong ones first; "ok" when there are none.
func (v Verdict) String() string {
	if len(v.Wrong)+len(v.Tolerated) == 0 {
		return "ok"
	}
	return strings.Join(slices.Concat(v.Wrong, v.Tolerated), "; ")
}

// Check judges resp, a response JSON, as the answer to w in the given mode.
func Check(w *Workload, multiValue bool, resp []byte) Verdict {
	var v Verdict
	var top map[string]json.RawMessage
	if err := json.Unmarshal(resp, &top); err != nil {
		v.Wrong = append(v.Wrong, "not a JSON object → ALB 502")
		return v
	}
	patched := checkEnvelope(&v, top, multiValue)
	if b, err := json.Marshal(patched); err == nil {
		if err := albtest.Validate(b, multiValue); err != nil {
			v.Wrong = append(v.Wrong, strings.TrimPrefix(err.Error(), "albcheck: "))
		}
	}
	got, err := decodeLenient(top, multiValue)
	if err != "" {
		v.Wrong = append(v.Wrong, err)
		return v
	}
	v.Wrong = append(checkContent(w, got), v.Wrong...)
	return v
}

// checkEnvelope looks for the known deviations in the header objects and
// statusDescription, records them in v, and returns top without them, for
// albtest.Validate to judge the rest.
func checkEnvelope(v *Verdict, top map[string]json.RawMessage, multiValue bool) map[string]json.RawMessage {
	patched := make(map[string]json.RawMessage, len(top))
	for k, raw := range top {
		patched[k] = raw
	}
	field, other, mode := "headers", "multiValueHeaders", "single-value"
	if multiValue {
		field, other, mode = other, field, "multi-value"
	}
	active, hasActive := top[field]
	if hasActive && isNull(active) {
		if multiValue {
			v.Wrong = append(v.Wrong, `"multiValueHeaders": null (rule 22): no header reaches the client`)
		} else {
			v.Wrong = append(v.Wrong, `"headers": null → ALB 502 (rule 22; aws-lambda-go-api-proxy#79)`)
		}
		delete(patched, field)
		hasActive = false
	}
	if raw, ok := top[other]; ok {
		switch {
		case isNull(raw) && !multiValue:
			v.Tolerated = append(v.Tolerated, `"multiValueHeaders": null beside "headers" (aws-lambda-go's default, reported to work)`)
		case isNull(raw):
			v.Wrong = append(v.Wrong, `"headers": null beside "multiValueHeaders" (rule 22; not reported to work)`)
		case isEmptyObject(raw):
			v.Tolerated = append(v.Tolerated, fmt.Sprintf("an empty %q beside %q (rule 25; sent by the Rust runtime, reported to work)", other, field))
		case !hasActive:
			v.Wrong = append(v.Wrong, fmt.Sprintf("headers in %q, the wrong field for %s mode (rule 25): lost", other, mode))
		default:
			v.Wrong = append(v.Wrong, fmt.Sprintf("headers in both %q and %q (rule 25)", field, other))
		}
		delete(patched, other)
	}
	if raw, ok := patched[field]; ok {
		if hs, cl := withoutContentLength(raw); cl {
			v.Tolerated = append(v.Tolerated, "a Content-Length header (rule 28: the ALB computes its own; albtest.Validate refuses it)")
			patched[field] = hs
		}
	}
	var code int
	var desc string
	if json.Unmarshal(top["statusCode"], &code) == nil && json.Unmarshal(top["statusDescription"], &desc) == nil &&
		!strings.HasPrefix(desc, strconv.Itoa(code)+" ") {
		v.Wrong = append(v.Wrong, fmt.Sprintf("statusDescription %q has no status code (rule 23)", desc))
		patched["statusDescription"], _ = json.Marshal(strconv.Itoa(code) + " " + http.StatusText(code))
	}
	return patched
}

// withoutContentLength returns the header object raw without its
// Content-Length members, and whether it had any.
func withoutContentLength(raw json.RawMessage) (json.RawMessage, bool) {
	var hs map[string]json.RawMessage
	if json.Unmarshal(raw, &hs) != nil {
		return raw, false
	}
	found := false
	for k := range hs {
		if strings.EqualFold(k, "Content-Length") {
			delete(hs, k)
			found = true
		}
	}
	if !found {
		return raw, false
	}
	b, err := json.Marshal(hs)
	if err != nil {
		return raw, false
	}
	return b, true
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func isEmptyObject(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(raw, &m) == nil && m != nil && len(m) == 0
}

// clientResponse is what the client receives, decoded leniently.
type clientResponse struct {
	status int
	header http.Header
	body   []byte
}

// decodeLenient decodes what the client would receive if the ALB
// accepted the response: the header object of the request's mode only.
// It returns a reason when there is no status to speak of.
func decodeLenient(top map[string]json.RawMessage, multiValue bool) (*clientResponse, string) {
	r := &clientResponse{header: http.Header{}}
	if err := json.Unmarshal(top["statusCode"], &r.status); err != nil {
		return nil, "statusCode missing or not an integer → ALB 502"
	}
	field := "headers"
	if multiValue {
		field = "multiValueHeaders"
	}
	if raw, ok := top[field]; ok && !isNull(raw) {
		if multiValue {
			var hs map[string][]string
			if err := json.Unmarshal(raw, &hs); err != nil {
				return nil, "multiValueHeaders is not an object of string arrays → ALB 502"
			}
			for k, vs := range hs {
				name := textproto.CanonicalMIMEHeaderKey(k)
				r.header[name] = append(r.header[name], vs...)
			}
		} else {
			var hs map[string]string
			if err := json.Unmarshal(raw, &hs); err != nil {
				return nil, "headers is not an object of strings → ALB 502"
			}
			for k, v := range hs {
				// Case-varied Set-Cookie names reach the client as
				// Set-Cookie lines.
				name := textproto.CanonicalMIMEHeaderKey(k)
				r.header[name] = append(r.header[name], v)
			}
		}
	}
	var body string
	if raw, ok := top["body"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &body); err != nil {
			return nil, "body is not a string → ALB 502"
		}
	}
	var b64 bool
	if raw, ok := top["isBase64Encoded"]; ok {
		_ = json.Unmarshal(raw, &b64)
	}
	if b64 {
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return nil, "body is not valid base64 → ALB 502"
		}
		r.body = b
	} else {
		r.body = []byte(body)
	}
	return r, ""
}

// checkContent compares what the client receives with what w wants.
func checkContent(w *Workload, got *clientResponse) []string {
	var wrong []string
	want := &w.Want
	if got.status != want.Status {
		wrong = append(wrong, fmt.Sprintf("status %d, want %d", got.status, want.Status))
	}
	ct := got.header.Get("Content-Type")
	if mt, _, _ := strings.Cut(ct, ";"); !strings.EqualFold(strings.TrimSpace(mt), want.ContentType) {
		if ct == "" {
			wrong = append(wrong, "no Content-Type reaches the client")
		} else {
			wrong = append(wrong, fmt.Sprintf("Content-Type %q, want %s", ct, want.ContentType))
		}
	}
	for _, name := range sortedKeys(want.Headers) {
		if v := got.header.Get(name); v != want.Headers[name] {
			if v == "" {
				wrong = append(wrong, "no "+name+" reaches the client")
			} else {
				wrong = append(wrong, fmt.Sprintf("%s %q, want %q", name, v, want.Headers[name]))
			}
		}
	}
	wrong = append(wrong, checkCookies(got.header.Values("Set-Cookie"), want.Cookies)...)
	if d := diffBody(got.body, want.Body, want.JSONBody); d != "" {
		wrong = append(wrong, d)
	}
	return wrong
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// checkCookies compares Set-Cookie lines as cookies, in any order
// (contract rule 26: the ALB does not keep header order).
func checkCookies(got, want []string) []string {
	var wrong []string
	if len(got) != len(want) {
		wrong = append(wrong, fmt.Sprintf("%d Set-Cookie reach the client, want %d", len(got), len(want)))
	}
	parsed := map[string]*http.Cookie{}
	for _, line := range got {
		if c, err := http.ParseSetCookie(line); err == nil {
			parsed[c.Name] = c
		}
	}
	for _, line := range want {
		w, err := http.ParseSetCookie(line)
		if err != nil {
			panic("bench: bad wanted cookie " + line)
		}
		g, ok := parsed[w.Name]
		switch {
		case !ok:
			wrong = append(wrong, "cookie "+w.Name+" missing")
		case g.Value != w.Value || g.Path != w.Path || g.Domain != w.Domain || g.MaxAge != w.MaxAge ||
			g.Secure != w.Secure || g.HttpOnly != w.HttpOnly || g.SameSite != w.SameSite:
			wrong = append(wrong, fmt.Sprintf("cookie %q, want %q", g.Raw, line))
		}
	}
	return wrong
}

// diffBody describes how got differs from want, "" when it does not.
func diffBody(got, want []byte, asJSON bool) string {
	if !asJSON {
		if bytes.Equal(got, want) {
			return ""
		}
		return fmt.Sprintf("body %s, want %s", short(got), short(want))
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		return fmt.Sprintf("body is not JSON: %s", short(got))
	}
	if err := json.Unmarshal(want, &w); err != nil {
		panic("bench: bad wanted JSON " + string(want))
	}
	if reflect.DeepEqual(g, w) {
		return ""
	}
	gm, ok1 := g.(map[string]any)
	wm, ok2 := w.(map[string]any)
	if ok1 && ok2 {
		for _, k := range sortedAnyKeys(wm) {
			if !reflect.DeepEqual(gm[k], wm[k]) {
				gv, _ := json.Marshal(gm[k])
				wv, _ := json.Marshal(wm[k])
				return fmt.Sprintf("body %q: %s, want %s", k, gv, wv)
			}
		}
	}
	return fmt.Sprintf("body %s, want %s", short(got), short(want))
}

func sortedAnyKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// short quotes the start of a body, or describes it when it is binary.
func short(b []byte) string {
	if !utf8.Valid(b) {
		return fmt.Sprintf("(%d bytes of binary)", len(b))
	}
	if len(b) > 60 {
		return strconv.Quote(string(b[:60])) + "..."
	}
	return strconv.Quote(string(b))
}
