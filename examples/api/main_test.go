package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albkit/alb"
	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/emulator"
)

const testToken = "test-token"

// requestID is the X-Request-Id of every albtest request: albtest.Do
// invokes with a Lambda context, and RequestID uses its request id.
var requestID = albtest.RequestID

// newTestStore returns a store whose clock starts at a fixed time and
// moves one second each time it is read, so that every write has its own
// time.
func newTestStore() *store {
	s := newStore()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	s.now = func() time.Time { // called with the store's lock held
		now = now.Add(time.Second)
		return now
	}
	return s
}

// testLogger writes to the test's output, shown when it fails or with -v.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewJSONHandler(t.Output(), nil))
}

// eachMode runs test in single-value and in multi-value mode.
func eachMode(t *testing.T, test func(t *testing.T, multi bool)) {
	for _, multi := range []bool{false, true} {
		name := "single"
		if multi {
			name = "multi"
		}
		t.Run(name, func(t *testing.T) { test(t, multi) })
	}
}

// apiClient sends requests to a router through albtest, in one mode.
type apiClient struct {
	t     *testing.T
	r     *alb.Router
	multi bool
}

func newAPIClient(t *testing.T, multi bool) *apiClient {
	return &apiClient{t: t, r: newRouter(newTestStore(), testToken, testLogger(t)), multi: multi}
}

// do sends method and target with opts, in the client's mode, and checks
// that every response carries the request id.
func (c *apiClient) do(method, target string, opts ...albtest.Option) *albtest.Response {
	c.t.Helper()
	if c.multi {
		opts = append(opts, albtest.WithMultiValue())
	}
	resp := albtest.Do(c.t, c.r, albtest.NewRequest(method, target, opts...))
	if got := resp.Header.Get("X-Request-Id"); got != requestID {
		c.t.Errorf("%s %s: X-Request-Id = %q, want %q", method, target, got, requestID)
	}
	return resp
}

// authorized is the Authorization header of the write routes.
var authorized = albtest.WithHeader("Authorization", "Bearer "+testToken)

// jsonBody is a raw JSON request body.
func jsonBody(s string) albtest.Option { return albtest.WithBody("application/json", []byte(s)) }

// wantStatus stops the test unless resp has the status.
func wantStatus(t *testing.T, resp *albtest.Response, status int) {
	t.Helper()
	if resp.Status != status {
		t.Fatalf("status = %d, want %d; body: %s", resp.Status, status, resp.Body)
	}
}

// decode decodes a JSON response body, which must be application/json.
func decode[T any](t *testing.T, resp *albtest.Response) T {
	t.Helper()
	var v T
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	if err := json.Unmarshal(resp.Body, &v); err != nil {
		t.Fatalf("body %s: %v", resp.Body, err)
	}
	return v
}

type listBody struct {
	Notes []Note `json:"notes"`
	Next  string `json:"next"`
}

// problemBody is an application/problem+json answer.
type problemBody struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
		Value    any    `json:"value"`
	} `json:"errors"`
}

// fields returns the errors of p as location -> message.
func (p problemBody) fields() map[string]string {
	if p.Errors == nil {
		return nil
	}
	m := map[string]string{}
	for _, e := range p.Errors {
		m[e.Location] = e.Message
	}
	return m
}

// problem decodes an error answer, which must be application/problem+json
// with the status of the response in its body.
func problem(t *testing.T, resp *albtest.Response) problemBody {
	t.Helper()
	var p problemBody
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json; body %s", ct, resp.Body)
	}
	if err := json.Unmarshal(resp.Body, &p); err != nil {
		t.Fatalf("body %s: %v", resp.Body, err)
	}
	if p.Status != resp.Status || p.Type != "about:blank" || p.Title != http.StatusText(resp.Status) {
		t.Errorf("problem %s in a %d answer", resp.Body, resp.Status)
	}
	return p
}

// ids returns the ids of notes.
func ids(notes []Note) []string {
	out := []string{}
	for _, n := range notes {
		out = append(out, n.ID)
	}
	return out
}

// checkNote compares the fields of got that a client chooses with want's.
func checkNote(t *testing.T, got Note, id, title, body string, tags ...string) {
	t.Helper()
	if tags == nil {
		tags = []string{}
	}
	if got.ID != id || got.Title != title || got.Body != body || !slices.Equal(got.Tags, tags) {
		t.Errorf("note = %+v, want id %q, title %q, body %q, tags %q", got, id, title, body, tags)
	}
	if got.CreatedAt.IsZero() || got.UpdatedAt.Before(got.CreatedAt) {
		t.Errorf("note %s: created_at %v, updated_at %v", got.ID, got.CreatedAt, got.UpdatedAt)
	}
}

func TestCRUD(t *testing.T) {
	eachMode(t, func(t *testing.T, multi bool) {
		c := newAPIClient(t, multi)

		resp := c.do("POST", "/api/v1/notes", authorized,
			albtest.WithJSON(NoteInput{Title: "  Buy milk ", Body: "semi-skimmed", Tags: []string{"home", "shop"}}))
		wantStatus(t, resp, http.StatusCreated)
		if loc := resp.Header.Get("Location"); loc != "/api/v1/notes/1" {
			t.Errorf("Location = %q, want /api/v1/notes/1", loc)
		}
		created := decode[Note](t, resp)
		checkNote(t, created, "1", "Buy milk", "semi-skimmed", "home", "shop")
		if !created.UpdatedAt.Equal(created.CreatedAt) {
			t.Errorf("new note: updated_at %v, created_at %v", created.UpdatedAt, created.CreatedAt)
		}

		resp = c.do("GET", "/api/v1/notes/1") // reads need no token
		wantStatus(t, resp, http.StatusOK)
		got := decode[Note](t, resp)
		checkNote(t, got, "1", "Buy milk", "semi-skimmed", "home", "shop")
		if !got.CreatedAt.Equal(created.CreatedAt) || !got.UpdatedAt.Equal(created.UpdatedAt) {
			t.Errorf("GET: times %v, %v; POST said %v, %v", got.CreatedAt, got.UpdatedAt, created.CreatedAt, created.UpdatedAt)
		}

		resp = c.do("POST", "/api/v1/notes", authorized, jsonBody(`{"title":"Call Ada","tags":["work"]}`))
		wantStatus(t, resp, http.StatusCreated)
		resp = c.do("POST", "/api/v1/notes", authorized, jsonBody(`{"title":"Read","id":"99","extra":true}`))
		wantStatus(t, resp, http.StatusCreated) // POST ignores unknown fields; the id is the store's
		if !bytes.Contains(resp.Body, []byte(`"tags":[]`)) {
			t.Errorf("a note without tags: %s, want \"tags\":[]", resp.Body)
		}
		checkNote(t, decode[Note](t, resp), "3", "Read", "")

		for _, tc := range []struct {
			query string
			want  []string
			next  string
		}{
			{"", []string{"1", "2", "3"}, ""},
			{"?tag=home", []string{"1"}, ""},
			{"?limit=2", []string{"1", "2"}, "2"},
			{"?limit=100&tag=work", []string{"2"}, ""},
			{"?tag=none", []string{}, ""},
			{"?after=1", []string{"2", "3"}, ""},
			{"?after=2&limit=1", []string{"3"}, ""},
			{"?after=3", []string{}, ""},
			{"?after=10", []string{}, ""}, // 10 comes after 3, though not as a string
			{"?after=1&tag=home", []string{}, ""},
		} {
			resp = c.do("GET", "/api/v1/notes"+tc.query)
			wantStatus(t, resp, http.StatusOK)
			list := decode[listBody](t, resp)
			if got := ids(list.Notes); !slices.Equal(got, tc.want) || list.Next != tc.next {
				t.Errorf("GET /api/v1/notes%s: ids %q, next %q; want %q, next %q", tc.query, got, list.Next, tc.want, tc.next)
			}
		}
		// A page that is not the last says where the next one starts;
		// following it visits every note once.
		var pages [][]string
		for after := ""; ; {
			target := "/api/v1/notes?limit=2"
			if after != "" {
				target += "&after=" + after
			}
			resp = c.do("GET", target)
			wantStatus(t, resp, http.StatusOK)
			list := decode[listBody](t, resp)
			pages = append(pages, ids(list.Notes))
			if list.Next == "" || len(pages) > 3 {
				break
			}
			after = list.Next
		}
		if want := [][]string{{"1", "2"}, {"3"}}; !slices.EqualFunc(pages, want, slices.Equal) {
			t.Errorf("pages of 2: %q, want %q", pages, want)
		}
		if resp := c.do("GET", "/api/v1/notes?tag=none"); string(resp.Body) != `{"notes":[]}` {
			t.Errorf("empty list: %s, want {\"notes\":[]}", resp.Body)
		}

		resp = c.do("PUT", "/api/v1/notes/1", authorized, jsonBody(`{"title":"Buy oat milk","tags":["shop"]}`))
		wantStatus(t, resp, http.StatusOK)
		replaced := decode[Note](t, resp)
		checkNote(t, replaced, "1", "Buy oat milk", "", "shop") // PUT empties what it leaves out
		if !replaced.CreatedAt.Equal(created.CreatedAt) || !replaced.UpdatedAt.After(created.UpdatedAt) {
			t.Errorf("PUT: times %v, %v; created %v", replaced.CreatedAt, replaced.UpdatedAt, created.CreatedAt)
		}

		resp = c.do("PATCH", "/api/v1/notes/1", authorized, jsonBody(`{"body":"two litres","title":null}`))
		wantStatus(t, resp, http.StatusOK)
		checkNote(t, decode[Note](t, resp), "1", "Buy oat milk", "two litres", "shop") // null leaves it

		resp = c.do("PATCH", "/api/v1/notes/1", authorized, jsonBody(`{"tags":[]}`))
		wantStatus(t, resp, http.StatusOK)
		checkNote(t, decode[Note](t, resp), "1", "Buy oat milk", "two litres")

		resp = c.do("HEAD", "/api/v1/notes/1")
		wantStatus(t, resp, http.StatusOK)
		if len(resp.Body) != 0 {
			t.Errorf("HEAD: body %q", resp.Body)
		}

		resp = c.do("DELETE", "/api/v1/notes/1", authorized)
		wantStatus(t, resp, http.StatusNoContent)
		if len(resp.Body) != 0 {
			t.Errorf("DELETE: body %q", resp.Body)
		}

		// Gone: every route for it answers 404.
		for _, method := range []string{"GET", "DELETE", "PUT", "PATCH"} {
			resp = c.do(method, "/api/v1/notes/1", authorized, jsonBody(`{"title":"x"}`))
			wantStatus(t, resp, http.StatusNotFound)
			if got := problem(t, resp); got.Detail != "note not found" || got.Errors != nil {
				t.Errorf("%s of a deleted note: %s", method, resp.Body)
			}
		}
		resp = c.do("GET", "/api/v1/notes")
		if got := ids(decode[listBody](t, resp).Notes); !slices.Equal(got, []string{"2", "3"}) {
			t.Errorf("after DELETE: ids %q, want [2 3]", got)
		}
	})
}

func TestAuth(t *testing.T) {
	const (
		missing = `Bearer realm="notes"`
		invalid = `Bearer realm="notes", error="invalid_token"`
	)
	eachMode(t, func(t *testing.T, multi bool) {
		c := newAPIClient(t, multi)
		wantStatus(t, c.do("POST", "/api/v1/notes", authorized, jsonBody(`{"title":"kept"}`)), http.StatusCreated)

		for _, cred := range []struct {
			name, header, challenge, message string
		}{
			{"none", "", missing, "authentication required"},
			{"basic", "Basic dGVzdDp0ZXN0", missing, "authentication required"},
			{"wrong token", "Bearer wrong-token", invalid, "invalid credentials"},
			{"malformed token", "Bearer not a token", invalid, "invalid credentials"},
		} {
			for _, route := range [][2]string{
				{"POST", "/api/v1/notes"},
				{"PUT", "/api/v1/notes/1"},
				{"PATCH", "/api/v1/notes/1"},
				{"DELETE", "/api/v1/notes/1"},
			} {
				opts := []albtest.Option{jsonBody(`{"title":"changed"}`)}
				if cred.header != "" {
					opts = append(opts, albtest.WithHeader("Authorization", cred.header))
				}
				resp := c.do(route[0], route[1], opts...)
				if resp.Status != http.StatusUnauthorized {
					t.Errorf("%s %s with %s: status %d, want 401", route[0], route[1], cred.name, resp.Status)
					continue
				}
				if got := resp.Header.Get("WWW-Authenticate"); got != cred.challenge {
					t.Errorf("%s %s with %s: WWW-Authenticate %q, want %q", route[0], route[1], cred.name, got, cred.challenge)
				}
				if got := problem(t, resp); got.Detail != cred.message {
					t.Errorf("%s %s with %s: detail %q, want %q", route[0], route[1], cred.name, got.Detail, cred.message)
				}
			}
		}

		// Nothing changed, and reads need no token.
		resp := c.do("GET", "/api/v1/notes/1")
		wantStatus(t, resp, http.StatusOK)
		checkNote(t, decode[Note](t, resp), "1", "kept", "")
		resp = c.do("GET", "/api/v1/notes")
		wantStatus(t, resp, http.StatusOK)
		if got := ids(decode[listBody](t, resp).Notes); !slices.Equal(got, []string{"1"}) {
			t.Errorf("ids %q, want [1]", got)
		}
	})
}

// TestBadRequest checks the answers to requests that are malformed: 400
// naming the value that does not parse, 415 for a body that is not JSON,
// 413 for one that is too large.
func TestBadRequest(t *testing.T) {
	eachMode(t, func(t *testing.T, multi bool) {
		c := newAPIClient(t, multi)
		wantStatus(t, c.do("POST", "/api/v1/notes", authorized, jsonBody(`{"title":"kept"}`)), http.StatusCreated)

		const bad = http.StatusBadRequest
		for _, tc := range []struct {
			method, target string
			body           albtest.Option
			status         int
			location       string // of the one error; "" for none
			message        string // a prefix of its message, or of the detail
		}{
			{"POST", "/api/v1/notes", jsonBody(`{"title":"x",}`), bad, "body", "malformed JSON at byte 12"},
			{"POST", "/api/v1/notes", jsonBody(`{"title":`), bad, "body.title", "truncated JSON"},
			{"PATCH", "/api/v1/notes/1", jsonBody(`{"title":`), bad, "body.title", "truncated JSON"},
			{"POST", "/api/v1/notes", jsonBody(``), bad, "body", "is empty; a JSON body is required"},
			{"POST", "/api/v1/notes", jsonBody(`["x"]`), bad, "body", "wrong JSON type: got array"},
			{"PUT", "/api/v1/notes/1", jsonBody(`{"title":5}`), bad, "body.title", `wrong type for field "title": got JSON number`},
			{"PATCH", "/api/v1/notes/1", jsonBody(`{"titel":"x"}`), bad, "body.titel", `invalid JSON: unknown field "titel"`},
			{"PATCH", "/api/v1/notes/1", jsonBody(`{"title":"x"} {}`), bad, "body", "invalid JSON: data after the JSON value"},
			{"GET", "/api/v1/notes?limit=ten", nil, bad, "query.limit", "must be an integer"},
			{"GET", "/api/v1/notes?limit=1.5", nil, bad, "query.limit", "must be an integer"},
			{"POST", "/api/v1/notes", albtest.WithBody("text/plain", []byte(`{"title":"x"}`)),
				http.StatusUnsupportedMediaType, "", `Content-Type "text/plain" is not accepted`},
			{"POST", "/api/v1/notes", albtest.WithBody("application/json", bytes.Repeat([]byte(" "), 65<<10)),
				http.StatusRequestEntityTooLarge, "", ""},
		} {
			opts := []albtest.Option{authorized}
			if tc.body != nil {
				opts = append(opts, tc.body)
			}
			resp := c.do(tc.method, tc.target, opts...)
			if resp.Status != tc.status {
				t.Errorf("%s %s: %d %s, want %d", tc.method, tc.target, resp.Status, resp.Body, tc.status)
				continue
			}
			got := problem(t, resp)
			msg := got.Detail
			if tc.location != "" {
				if len(got.Errors) != 1 || got.Errors[0].Location != tc.location {
					t.Errorf("%s %s: %s, want one error at %s", tc.method, tc.target, resp.Body, tc.location)
					continue
				}
				msg = got.Errors[0].Message
			}
			if !strings.HasPrefix(msg, tc.message) {
				t.Errorf("%s %s: %s, want the message %q", tc.method, tc.target, resp.Body, tc.message)
			}
		}

		resp := c.do("GET", "/api/v1/notes/1")
		checkNote(t, decode[Note](t, resp), "1", "kept", "")
	})
}

// TestValidation checks the rules of a note and of a list's query: one
// 422 names every value in error.
func TestValidation(t *testing.T) {
	long := strings.Repeat("é", maxTitle) // characters, not bytes
	tags := make([]string, maxTags+1)
	for i := range tags {
		tags[i] = fmt.Sprint("t", i)
	}
	const (
		tagRule = "must match the pattern ^[a-z0-9-]+$"
		blank   = "must match the pattern \\S"
	)
	eachMode(t, func(t *testing.T, multi bool) {
		c := newAPIClient(t, multi)
		wantStatus(t, c.do("POST", "/api/v1/notes", authorized, jsonBody(`{"title":"kept","tags":["a"]}`)), http.StatusCreated)

		for _, tc := range []struct {
			method, target string
			in             any
			fields         map[string]string // nil: valid
		}{
			{"POST", "/api/v1/notes", NoteInput{Title: long}, nil},
			{"POST", "/api/v1/notes", NoteInput{Title: " " + long + " "}, map[string]string{
				"body.title": "must be at most 200 characters long", // before trimming
			}},
			{"POST", "/api/v1/notes", NoteInput{Title: long + "é"}, map[string]string{
				"body.title": "must be at most 200 characters long",
			}},
			{"POST", "/api/v1/notes", NoteInput{Title: " \t", Body: strings.Repeat("b", maxBody+1), Tags: []string{"ok", "Home", "ok", "", strings.Repeat("x", 33)}}, map[string]string{
				"body.title":   blank,
				"body.body":    "must be at most 10000 characters long",
				"body.tags":    "must not hold the same item twice",
				"body.tags[1]": tagRule,
				"body.tags[3]": "must not be empty",
				"body.tags[4]": "must be at most 32 characters long",
			}},
			{"POST", "/api/v1/notes", map[string]any{"title": "", "tags": tags}, map[string]string{
				"body.title": "must not be empty",
				"body.tags":  "must hold at most 10 items",
			}},
			// Only Validate knows this space: the tags passed.
			{"POST", "/api/v1/notes", map[string]any{"title": "\u3000"}, map[string]string{
				"body.title": "must not be blank",
			}},
			{"PUT", "/api/v1/notes/1", map[string]any{"body": "no title"}, map[string]string{
				"body.title": "is required",
			}},
			{"PATCH", "/api/v1/notes/1", map[string]any{"title": "", "tags": []string{"has space"}}, map[string]string{
				"body.title":   "must not be empty",
				"body.tags[0]": tagRule,
			}},
			{"PATCH", "/api/v1/notes/1", map[string]any{"title": "\u2003"}, map[string]string{
				"body.title": "must not be blank",
			}},
			// Validation runs before the lookup: 422 for a bad body, even for a missing note.
			{"PUT", "/api/v1/notes/404", map[string]any{}, map[string]string{
				"body.title": "is required",
			}},
			{"GET", "/api/v1/notes?limit=0", nil, map[string]string{"query.limit": "must be at least 1"}},
			{"GET", "/api/v1/notes?limit=101", nil, map[string]string{"query.limit": "must be at most 100"}},
			{"GET", "/api/v1/notes?after=x&limit=-1", nil, map[string]string{
				"query.limit": "must be at least 1",
				"query.after": "must match the pattern ^[1-9][0-9]*$",
			}},
		} {
			opts := []albtest.Option{authorized}
			if tc.in != nil {
				opts = append(opts, albtest.WithJSON(tc.in))
			}
			resp := c.do(tc.method, tc.target, opts...)
			if tc.fields == nil {
				if resp.Status != http.StatusCreated {
					t.Errorf("%s %s: %d %s, want 201", tc.method, tc.target, resp.Status, resp.Body)
				}
				continue
			}
			if resp.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s %s: %d %s, want 422", tc.method, tc.target, resp.Status, resp.Body)
				continue
			}
			if got := problem(t, resp); !maps.Equal(got.fields(), tc.fields) || len(got.Errors) != len(tc.fields) {
				t.Errorf("%s %s: %s\nwant 422 with errors %q", tc.method, tc.target, resp.Body, tc.fields)
			}
		}

		// The PATCH changed nothing: every field is checked before
		// anything is stored.
		resp := c.do("GET", "/api/v1/notes/1")
		checkNote(t, decode[Note](t, resp), "1", "kept", "", "a")
	})
}

// TestLimits checks that the rules in the struct tags are the limits the
// package comment and the constants give.
func TestLimits(t *testing.T) {
	for _, tc := range []struct {
		typ        reflect.Type
		field, key string
		want       int
	}{
		{reflect.TypeFor[NoteInput](), "Title", "maxLength", maxTitle},
		{reflect.TypeFor[NoteInput](), "Body", "maxLength", maxBody},
		{reflect.TypeFor[NoteInput](), "Tags", "maxItems", maxTags},
		{reflect.TypeFor[NoteInput](), "Tags", "maxLength", maxTag},
		{reflect.TypeFor[NotePatch](), "Title", "maxLength", maxTitle},
		{reflect.TypeFor[NotePatch](), "Body", "maxLength", maxBody},
		{reflect.TypeFor[NotePatch](), "Tags", "maxItems", maxTags},
		{reflect.TypeFor[NotePatch](), "Tags", "maxLength", maxTag},
		{reflect.TypeFor[listInput](), "Limit", "default", defaultLimit},
		{reflect.TypeFor[listInput](), "Limit", "maximum", maxLimit},
	} {
		sf, ok := tc.typ.FieldByName(tc.field)
		if !ok {
			t.Fatalf("%s has no field %s", tc.typ, tc.field)
		}
		if got := sf.Tag.Get(tc.key); got != strconv.Itoa(tc.want) {
			t.Errorf("%s.%s: %s tag %q, want %d", tc.typ, tc.field, tc.key, got, tc.want)
		}
	}
	// The rules of a patch are those of a whole note.
	in, patch := reflect.TypeFor[NoteInput](), reflect.TypeFor[NotePatch]()
	for i := range in.NumField() {
		f := in.Field(i)
		p, _ := patch.FieldByName(f.Name)
		for _, key := range []string{"minLength", "maxLength", "pattern", "maxItems", "uniqueItems"} {
			if f.Tag.Get(key) != p.Tag.Get(key) {
				t.Errorf("%s: %s tag %q in NoteInput, %q in NotePatch", f.Name, key, f.Tag.Get(key), p.Tag.Get(key))
			}
		}
	}
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	eachMode(t, func(t *testing.T, multi bool) {
		c := newAPIClient(t, multi)
		for _, tc := range []struct {
			method, target string
			status         int
			allow, detail  string
		}{
			{"GET", "/api/v1/notes/42", http.StatusNotFound, "", "note not found"},
			{"HEAD", "/api/v1/notes/42", http.StatusNotFound, "", ""},
			{"GET", "/api/v2/notes", http.StatusNotFound, "", ""},
			{"DELETE", "/api/v1/notes", http.StatusMethodNotAllowed, "GET, HEAD, OPTIONS, POST", ""},
			{"POST", "/api/v1/notes/1", http.StatusMethodNotAllowed, "DELETE, GET, HEAD, OPTIONS, PATCH, PUT", ""},
		} {
			resp := c.do(tc.method, tc.target) // no token: 405 comes before authentication
			if tc.method == "HEAD" {
				if resp.Status != tc.status || len(resp.Body) != 0 || resp.Header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("HEAD %s: %d %q, Content-Type %q", tc.target, resp.Status, resp.Body, resp.Header.Get("Content-Type"))
				}
				continue
			}
			got := problem(t, resp)
			if resp.Status != tc.status || got.Detail != tc.detail || resp.Header.Get("Allow") != tc.allow {
				t.Errorf("%s %s: %d %s, Allow %q; want %d %q, Allow %q", tc.method, tc.target,
					resp.Status, resp.Body, resp.Header.Get("Allow"), tc.status, tc.detail, tc.allow)
			}
		}
	})
}

func TestCORS(t *testing.T) {
	const origin = "http://localhost:3000"
	eachMode(t, func(t *testing.T, multi bool) {
		c := newAPIClient(t, multi)

		// A browser's preflight for a PUT carries no credentials: CORS
		// answers it before BearerAuth could refuse it.
		resp := c.do("OPTIONS", "/api/v1/notes/1",
			albtest.WithHeader("Origin", origin),
			albtest.WithHeader("Access-Control-Request-Method", "PUT"),
			albtest.WithHeader("Access-Control-Request-Headers", "authorization,content-type"))
		wantStatus(t, resp, http.StatusNoContent)
		for name, want := range map[string]string{
			"Access-Control-Allow-Origin":  origin,
			"Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, PATCH, DELETE",
			"Access-Control-Allow-Headers": "Authorization, Content-Type",
			"Access-Control-Max-Age":       "600",
			"Vary":                         "Origin",
			"WWW-Authenticate":             "",
		} {
			if got := resp.Header.Get(name); got != want {
				t.Errorf("preflight: %s = %q, want %q", name, got, want)
			}
		}

		// From an origin not on the list: no permission.
		resp = c.do("OPTIONS", "/api/v1/notes",
			albtest.WithHeader("Origin", "https://evil.example"),
			albtest.WithHeader("Access-Control-Request-Method", "POST"))
		wantStatus(t, resp, http.StatusNoContent)
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("preflight from another origin: Access-Control-Allow-Origin %q", got)
		}

		// The requests themselves, including errors, so a page can read them.
		for _, tc := range []struct {
			method string
			opts   []albtest.Option
			status int
		}{
			{"GET", nil, http.StatusOK},
			{"POST", []albtest.Option{authorized, jsonBody(`{"title":"from a page"}`)}, http.StatusCreated},
			{"POST", []albtest.Option{jsonBody(`{"title":"from a page"}`)}, http.StatusUnauthorized},
			{"POST", []albtest.Option{authorized, jsonBody(`{"title":""}`)}, http.StatusUnprocessableEntity},
		} {
			opts := append([]albtest.Option{albtest.WithHeader("Origin", "https://notes.example.com")}, tc.opts...)
			resp := c.do(tc.method, "/api/v1/notes", opts...)
			if resp.Status != tc.status ||
				resp.Header.Get("Access-Control-Allow-Origin") != "https://notes.example.com" ||
				resp.Header.Get("Access-Control-Expose-Headers") != "Location, X-Request-Id" ||
				!slices.Contains(resp.Header.Values("Vary"), "Origin") {
				t.Errorf("%s from an allowed origin: %d, headers %v; want %d with the CORS headers", tc.method, resp.Status, resp.Header, tc.status)
			}
		}

		// Without an Origin, OPTIONS is the router's own answer.
		resp = c.do("OPTIONS", "/api/v1/notes")
		wantStatus(t, resp, http.StatusNoContent)
		if got := resp.Header.Get("Allow"); got != "GET, HEAD, OPTIONS, POST" {
			t.Errorf("OPTIONS: Allow %q", got)
		}
	})
}

func TestHealthCheck(t *testing.T) {
	eachMode(t, func(t *testing.T, multi bool) {
		r := newRouter(newTestStore(), testToken, testLogger(t))
		for _, method := range []string{"GET", "HEAD"} {
			opts := []albtest.Option{albtest.WithHealthCheck()}
			if multi {
				opts = append(opts, albtest.WithMultiValue())
			}
			resp := albtest.Do(t, r, albtest.NewRequest(method, "/health", opts...))
			wantStatus(t, resp, http.StatusOK)
			if want := `{"status":"ok"}`; method == "GET" && string(resp.Body) != want {
				t.Errorf("%s /health: body %s, want %s", method, resp.Body, want)
			}
		}
		// /health is not a route: only the ALB's checker gets an answer
		// there, and a client cannot pass for it with the User-Agent.
		c := newAPIClient(t, multi)
		wantStatus(t, c.do("GET", "/health"), http.StatusNotFound)
		wantStatus(t, c.do("GET", "/health", albtest.WithHeader("User-Agent", "ELB-HealthChecker/2.0")), http.StatusNotFound)
	})
}

// TestAccessLog checks the log lines: one per request but health checks,
// with the status the client got (the 422 of a typed route included) and
// the request id of the response.
func TestAccessLog(t *testing.T) {
	var buf bytes.Buffer
	c := &apiClient{t: t, r: newRouter(newTestStore(), testToken, slog.New(slog.NewJSONHandler(&buf, nil)))}
	c.do("POST", "/api/v1/notes", authorized, jsonBody(`{"title":"logged"}`))
	c.do("POST", "/api/v1/notes", authorized, jsonBody(`{"title":""}`))
	c.do("POST", "/api/v1/notes", jsonBody(`{"title":"no token"}`))
	c.do("GET", "/api/v1/notes/1")
	albtest.Do(t, c.r, albtest.NewRequest("GET", "/health", albtest.WithHealthCheck()))

	type line struct {
		Level     string `json:"level"`
		Msg       string `json:"msg"`
		Method    string `json:"method"`
		Route     string `json:"route"`
		Status    int    `json:"status"`
		RequestID string `json:"request_id"`
		ClientIP  string `json:"client_ip"`
		Error     string `json:"error"`
	}
	var got []line
	for l := range strings.Lines(buf.String()) {
		var v line
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		got = append(got, v)
	}
	want := []line{
		{"INFO", "request", "POST", "/api/v1/notes", 201, requestID, "203.0.113.7", ""},
		{"WARN", "request", "POST", "/api/v1/notes", 422, requestID, "203.0.113.7",
			"alb: 422 Unprocessable Entity: the request breaks the API's rules: body.title must not be empty"},
		{"WARN", "request", "POST", "/api/v1/notes", 401, requestID, "203.0.113.7", "alb: 401 authentication required"},
		{"INFO", "request", "GET", "/api/v1/notes/:id", 200, requestID, "203.0.113.7", ""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("access log:\n%s\nwant %+v", buf.String(), want)
	}
}

// TestOverHTTP drives the API with net/http through the ALB emulator, as
// curl does against the server go run . starts.
func TestOverHTTP(t *testing.T) {
	eachMode(t, func(t *testing.T, multi bool) {
		logger := testLogger(t)
		srv := httptest.NewServer(emulator.New(newRouter(newTestStore(), testToken, logger),
			emulator.Options{MultiValue: multi, Logger: logger}))
		defer srv.Close()
		h := &httpClient{t: t, c: srv.Client(), base: srv.URL}

		resp, body := h.do("POST", "/api/v1/notes", testToken, `{"title":"Buy milk","tags":["home"]}`)
		h.want(resp, body, http.StatusCreated)
		loc := resp.Header.Get("Location")
		if loc != "/api/v1/notes/1" {
			t.Fatalf("Location = %q", loc)
		}
		firstID := resp.Header.Get("X-Request-Id")
		checkNote(t, h.note(body), "1", "Buy milk", "", "home")

		resp, body = h.do("GET", loc, "", "")
		h.want(resp, body, http.StatusOK)
		checkNote(t, h.note(body), "1", "Buy milk", "", "home")
		if id := resp.Header.Get("X-Request-Id"); id == firstID {
			t.Errorf("two requests share the request id %q", id)
		}

		resp, body = h.do("PUT", loc, testToken, `{"title":"Buy oat milk","tags":["home","shop"]}`)
		h.want(resp, body, http.StatusOK)
		checkNote(t, h.note(body), "1", "Buy oat milk", "", "home", "shop")

		resp, body = h.do("PATCH", loc, testToken, `{"body":"two litres"}`)
		h.want(resp, body, http.StatusOK)
		checkNote(t, h.note(body), "1", "Buy oat milk", "two litres", "home", "shop")

		// Concurrent creates, as the emulator runs requests in parallel.
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				status, err := h.post(fmt.Sprintf(`{"title":"note %d","tags":["batch"]}`, i))
				if err != nil || status != http.StatusCreated {
					t.Errorf("concurrent POST %d: %d, %v", i, status, err)
				}
			})
		}
		wg.Wait()

		resp, body = h.do("GET", "/api/v1/notes?tag=batch&limit=100", "", "")
		h.want(resp, body, http.StatusOK)
		var list listBody
		if err := json.Unmarshal(body, &list); err != nil {
			t.Fatal(err)
		}
		got := ids(list.Notes)
		if len(got) != 20 || len(slices.Compact(slices.Sorted(slices.Values(got)))) != 20 || slices.Contains(got, "1") {
			t.Errorf("?tag=batch: ids %q, want 20 distinct new ones", got)
		}

		resp, body = h.do("POST", "/api/v1/notes", "", `{"title":"no token"}`)
		h.want(resp, body, http.StatusUnauthorized)
		if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer realm="notes"` {
			t.Errorf("WWW-Authenticate = %q", got)
		}
		resp, body = h.do("POST", "/api/v1/notes", testToken, `{"title":`)
		h.want(resp, body, http.StatusBadRequest)
		resp, body = h.do("POST", "/api/v1/notes", testToken, `{"title":"","tags":["A"]}`)
		h.want(resp, body, http.StatusUnprocessableEntity)
		if want := `{"type":"about:blank","title":"Unprocessable Entity","status":422,` +
			`"detail":"the request breaks the API's rules","errors":[` +
			`{"location":"body.title","message":"must not be empty","value":""},` +
			`{"location":"body.tags[0]","message":"must match the pattern ^[a-z0-9-]+$","value":"A"}]}`; string(body) != want {
			t.Errorf("422 body:\n%s\nwant\n%s", body, want)
		}

		resp, body = h.do("DELETE", loc, testToken, "")
		h.want(resp, body, http.StatusNoContent)
		resp, body = h.do("GET", loc, "", "")
		h.want(resp, body, http.StatusNotFound)
		if string(body) != `{"type":"about:blank","title":"Not Found","status":404,"detail":"note not found"}` {
			t.Errorf("404 body: %s", body)
		}
	})
}

// httpClient sends real HTTP requests to the emulator.
type httpClient struct {
	t    *testing.T
	c    *http.Client
	base string
}

// send sends a request with an optional bearer token and JSON body, and
// returns the response and its body.
func (h *httpClient) send(method, path, token, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, h.base+path, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// do is send that stops the test on a transport error.
func (h *httpClient) do(method, path, token, body string) (*http.Response, []byte) {
	h.t.Helper()
	resp, b, err := h.send(method, path, token, body)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp, b
}

// post creates a note; it is safe to call from other goroutines.
func (h *httpClient) post(body string) (int, error) {
	resp, _, err := h.send("POST", "/api/v1/notes", testToken, body)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// want checks the status and what every response through the ALB carries.
func (h *httpClient) want(resp *http.Response, body []byte, status int) {
	h.t.Helper()
	if resp.StatusCode != status {
		h.t.Fatalf("%s %s: status %d, want %d; body %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, body)
	}
	if got := resp.Header.Get("Server"); got != "awselb/2.0" {
		h.t.Errorf("Server = %q, want awselb/2.0", got)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		h.t.Errorf("%s %s: no X-Request-Id", resp.Request.Method, resp.Request.URL.Path)
	}
	want := "application/json"
	switch {
	case status == http.StatusNoContent:
		want = ""
	case status >= 400:
		want = "application/problem+json"
	}
	if ct := resp.Header.Get("Content-Type"); ct != want {
		h.t.Errorf("Content-Type = %q, want %q", ct, want)
	}
}

// note decodes a note.
func (h *httpClient) note(body []byte) Note {
	h.t.Helper()
	var n Note
	if err := json.Unmarshal(body, &n); err != nil {
		h.t.Fatalf("body %s: %v", body, err)
	}
	return n
}

func BenchmarkGetNote(b *testing.B) {
	s := newStore()
	s.create(NoteInput{Title: "Buy milk", Body: "semi-skimmed", Tags: []string{"home", "shop"}})
	r := newRouter(s, testToken, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	albtest.Benchmark(b, r, albtest.NewRequest("GET", "/api/v1/notes/1"))
}

func BenchmarkCreateNote(b *testing.B) {
	r := newRouter(newStore(), testToken, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	albtest.Benchmark(b, r, albtest.NewRequest("POST", "/api/v1/notes", authorized,
		albtest.WithJSON(NoteInput{Title: "Buy milk", Tags: []string{"home"}})))
}

func BenchmarkListNotes(b *testing.B) {
	s := newStore()
	for i := range 60 {
		s.create(NoteInput{Title: fmt.Sprint("note ", i), Tags: []string{"home"}})
	}
	r := newRouter(s, testToken, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	albtest.Benchmark(b, r, albtest.NewRequest("GET", "/api/v1/notes?limit=10&after=20&tag=home"))
}
