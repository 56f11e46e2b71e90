package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/albkit/alb/albtest"
)

var update = flag.Bool("update", false, "rewrite testdata/openapi.json from the routes")

// goldenPath is the API document as generated, kept for review.
var goldenPath = filepath.Join("testdata", "openapi.json")

// TestOpenAPIGolden compares the document with testdata/openapi.json, and
// checks that /openapi.json serves those bytes. After a change to the
// routes, regenerate it with
//
//	go test -run TestOpenAPIGolden -update
func TestOpenAPIGolden(t *testing.T) {
	r := newRouter(newTestStore(), testToken, testLogger(t))
	doc, err := r.OpenAPI(apiDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc = append(doc, '\n')
	if *update {
		if err := os.WriteFile(goldenPath, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, want) {
		t.Errorf("the document differs from %s (run go test -run TestOpenAPIGolden -update and review the diff):\n%s",
			goldenPath, firstDiff(doc, want))
	}
	eachMode(t, func(t *testing.T, multi bool) {
		c := &apiClient{t: t, r: r, multi: multi}
		resp := c.do("GET", "/openapi.json")
		wantStatus(t, resp, http.StatusOK)
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("/openapi.json: Content-Type %q", ct)
		}
		if !bytes.Equal(append(resp.Body, '\n'), want) {
			t.Errorf("/openapi.json serves another document than %s", goldenPath)
		}
	})
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n\tgot  " + gl + "\n\twant " + wl
		}
	}
	return ""
}

// apiDocument is the part of an OpenAPI document the declared-answers
// test reads.
type apiDocument struct {
	Paths map[string]map[string]struct {
		Responses map[string]struct {
			Content map[string]json.RawMessage `json:"content"`
			Headers map[string]json.RawMessage `json:"headers"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

// answerCase is a request and the status the API answers it with. path is
// the OpenAPI path of the operation that answers, "" when the router
// itself answers (no route matches the path, or none the method).
type answerCase struct {
	name   string
	method string
	target string
	path   string
	opts   []albtest.Option
	status int
	broken bool // sent to an API whose store panics
}

// answerCases covers every route and every answer each can give. The
// API holds notes 1 and 2 when they are sent, in this order.
func answerCases() []answerCase {
	const (
		notes = "/api/v1/notes"
		note  = "/api/v1/notes/{id}"
	)
	big := albtest.WithBody("application/json", bytes.Repeat([]byte(" "), maxRequestBody+1))
	form := albtest.WithBody("application/x-www-form-urlencoded", []byte("title=x"))
	badToken := albtest.WithHeader("Authorization", "Bearer wrong-token")
	return []answerCase{
		{"list", "GET", notes + "?limit=1&tag=home", notes, nil, 200, false},
		{"list head", "HEAD", notes, notes, nil, 200, false},
		{"list limit not a number", "GET", notes + "?limit=ten", notes, nil, 400, false},
		{"list limit too large", "GET", notes + "?limit=101", notes, nil, 422, false},
		{"list bad cursor", "GET", notes + "?after=x", notes, nil, 422, false},
		{"list head 422", "HEAD", notes + "?limit=0", notes, nil, 422, false},

		{"get", "GET", notes + "/1", note, nil, 200, false},
		{"get head", "HEAD", notes + "/1", note, nil, 200, false},
		{"get unknown", "GET", notes + "/404", note, nil, 404, false},
		{"get bad id", "GET", notes + "/abc", note, nil, 422, false},
		{"get head unknown", "HEAD", notes + "/404", note, nil, 404, false},

		{"create", "POST", notes, notes, []albtest.Option{authorized, jsonBody(`{"title":"t","tags":["a"]}`)}, 201, false},
		{"create no token", "POST", notes, notes, []albtest.Option{jsonBody(`{"title":"t"}`)}, 401, false},
		{"create wrong token", "POST", notes, notes, []albtest.Option{badToken, jsonBody(`{"title":"t"}`)}, 401, false},
		{"create bad JSON", "POST", notes, notes, []albtest.Option{authorized, jsonBody(`{"title":`)}, 400, false},
		{"create form", "POST", notes, notes, []albtest.Option{authorized, form}, 415, false},
		{"create broken rules", "POST", notes, notes, []albtest.Option{authorized, jsonBody(`{"title":"","tags":["A"]}`)}, 422, false},
		{"create too large", "POST", notes, notes, []albtest.Option{authorized, big}, 413, false},
		{"create panics", "POST", notes, notes, []albtest.Option{authorized, jsonBody(`{"title":"t"}`)}, 500, true},

		{"replace", "PUT", notes + "/1", note, []albtest.Option{authorized, jsonBody(`{"title":"t2"}`)}, 200, false},
		{"replace no token", "PUT", notes + "/1", note, []albtest.Option{jsonBody(`{"title":"t"}`)}, 401, false},
		{"replace bad JSON", "PUT", notes + "/1", note, []albtest.Option{authorized, jsonBody(`[]`)}, 400, false},
		{"replace form", "PUT", notes + "/1", note, []albtest.Option{authorized, form}, 415, false},
		{"replace broken rules", "PUT", notes + "/1", note, []albtest.Option{authorized, jsonBody(`{}`)}, 422, false},
		{"replace unknown", "PUT", notes + "/404", note, []albtest.Option{authorized, jsonBody(`{"title":"t"}`)}, 404, false},
		{"replace too large", "PUT", notes + "/1", note, []albtest.Option{authorized, big}, 413, false},

		{"patch", "PATCH", notes + "/1", note, []albtest.Option{authorized, jsonBody(`{"body":"b"}`)}, 200, false},
		{"patch no token", "PATCH", notes + "/1", note, []albtest.Option{jsonBody(`{"body":"b"}`)}, 401, false},
		{"patch unknown member", "PATCH", notes + "/1", note, []albtest.Option{authorized, jsonBody(`{"bdy":"b"}`)}, 400, false},
		{"patch form", "PATCH", notes + "/1", note, []albtest.Option{authorized, form}, 415, false},
		{"patch broken rules", "PATCH", notes + "/1", note, []albtest.Option{authorized, jsonBody(`{"tags":["a","a"]}`)}, 422, false},
		{"patch unknown", "PATCH", notes + "/404", note, []albtest.Option{authorized, jsonBody(`{"body":"b"}`)}, 404, false},
		{"patch too large", "PATCH", notes + "/1", note, []albtest.Option{authorized, big}, 413, false},
		{"patch panics", "PATCH", notes + "/1", note, []albtest.Option{authorized, jsonBody(`{"body":"b"}`)}, 500, true},

		{"delete", "DELETE", notes + "/2", note, []albtest.Option{authorized}, 204, false},
		{"delete no token", "DELETE", notes + "/1", note, nil, 401, false},
		{"delete unknown", "DELETE", notes + "/404", note, []albtest.Option{authorized}, 404, false},
		{"delete bad id", "DELETE", notes + "/01", note, []albtest.Option{authorized}, 422, false},
		{"delete with a large body", "DELETE", notes + "/1", note, []albtest.Option{authorized, big}, 413, false},

		{"version", "GET", "/api/v1/version", "/api/v1/version", nil, 200, false},

		{"no such path", "GET", "/api/v2/notes", "", nil, 404, false},
		{"no such method", "DELETE", notes, "", nil, 405, false},
		{"health check from a client", "GET", "/health", "", nil, 404, false},
	}
}

// TestAnswersDeclared sends a request for every answer of every route and
// checks that the document declares it: its status (or "default") among
// the operation's responses, and its Content-Type among that response's
// media types (no Content-Type and no body when it lists none). Answers
// of the router itself, to a path or method no route has, have no
// operation to be declared in: they must be problems, which the document
// describes in components.schemas.Problem.
//
// This is a light check with no dependency; the full validation of
// requests and answers against the document runs in its own module.
func TestAnswersDeclared(t *testing.T) {
	var doc apiDocument
	raw, err := newRouter(newTestStore(), testToken, testLogger(t)).OpenAPI(apiDoc)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Components.Schemas["Problem"] == nil {
		t.Fatal("the document has no Problem schema")
	}
	// Every operation of the document is exercised, and every response
	// it declares but 500 (which only a broken store gives, not a
	// request) is seen, so the table cannot fall behind the routes.
	declared := map[string]bool{}
	for path, item := range doc.Paths {
		for method, op := range item {
			for status := range op.Responses {
				declared[strings.ToUpper(method)+" "+path+" "+status] = false
			}
		}
	}
	eachMode(t, func(t *testing.T, multi bool) {
		newClient := func(broken bool) *apiClient {
			s := newTestStore()
			s.create(NoteInput{Title: "one", Tags: []string{"home"}})
			s.create(NoteInput{Title: "two"})
			if broken {
				s.now = func() time.Time { panic("the clock is broken") }
			}
			logger := testLogger(t)
			if broken {
				logger = slog.New(slog.DiscardHandler) // the panic's stack
			}
			return &apiClient{t: t, r: newRouter(s, testToken, logger), multi: multi}
		}
		c, broken := newClient(false), newClient(true)
		for _, tc := range answerCases() {
			cl := c
			if tc.broken {
				cl = broken
			}
			resp := cl.do(tc.method, tc.target, tc.opts...)
			if resp.Status != tc.status {
				t.Errorf("%s: %s %s: status %d, want %d; body %s", tc.name, tc.method, tc.target, resp.Status, tc.status, resp.Body)
				continue
			}
			ct := resp.Header.Get("Content-Type")
			mt := ""
			if ct != "" {
				var err error
				if mt, _, err = mime.ParseMediaType(ct); err != nil {
					t.Errorf("%s: Content-Type %q: %v", tc.name, ct, err)
				}
			}
			if tc.path == "" {
				if _, ok := doc.Paths[strings.SplitN(tc.target, "?", 2)[0]][strings.ToLower(tc.method)]; ok {
					t.Errorf("%s: the router answered %s %s, which the document has", tc.name, tc.method, tc.target)
				}
				if mt != "application/problem+json" {
					t.Errorf("%s: %d with Content-Type %q, want application/problem+json", tc.name, resp.Status, ct)
				}
				continue
			}
			method := strings.ToLower(tc.method)
			if method == "head" {
				method = "get" // HEAD is GET without the body
			}
			op, ok := doc.Paths[tc.path][method]
			if !ok {
				t.Errorf("%s: the document has no operation %s %s", tc.name, method, tc.path)
				continue
			}
			key := strconv.Itoa(resp.Status)
			r, ok := op.Responses[key]
			if !ok {
				key = "default"
				if r, ok = op.Responses[key]; !ok {
					t.Errorf("%s: %s %s answered %d, which the document does not declare", tc.name, method, tc.path, resp.Status)
					continue
				}
			}
			if multi {
				declared[strings.ToUpper(method)+" "+tc.path+" "+key] = true
			}
			switch {
			case key == "default" && r.Content == nil:
				// A plain HandlerFunc route: the document says only that
				// it answers. That is all this check can hold it to.
				if !undescribed[tc.path] {
					t.Errorf("%s: %s %s has no described answer", tc.name, method, tc.path)
				}
			case len(r.Content) == 0:
				if ct != "" || len(resp.Body) > 0 {
					t.Errorf("%s: %d with Content-Type %q and %d bytes; the document declares no content", tc.name, resp.Status, ct, len(resp.Body))
				}
			case r.Content[mt] == nil:
				t.Errorf("%s: %d with Content-Type %q; the document declares %q", tc.name, resp.Status, ct, slices.Sorted(maps.Keys(r.Content)))
			}
			for name := range r.Headers {
				if resp.Header.Get(name) == "" {
					t.Errorf("%s: %d without the declared header %s", tc.name, resp.Status, name)
				}
			}
		}
	})
	for k, seen := range declared {
		if !seen && !strings.HasSuffix(k, " 500") {
			t.Errorf("no request of the table is answered %s: add one", k)
		}
	}
}

// undescribed are the paths of plain HandlerFunc routes, whose answers
// the document cannot describe.
var undescribed = map[string]bool{"/api/v1/version": true}
