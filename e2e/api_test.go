package e2e

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nodeTimeout bounds each node or npm tool run (a cold start of tsc on two
// cores takes a few seconds).
const nodeTimeout = 2 * time.Minute

// fetchDocument returns the OpenAPI document the API at base serves at
// /openapi.json.
func fetchDocument(t *testing.T, base string) []byte {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(base + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /openapi.json: %d %s, want 200 application/json:\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), doc)
	}
	return doc
}

// TestAPIExampleDocument runs examples/api as a developer does and checks
// that its generated document tells the truth: the document is valid
// OpenAPI for libopenapi-validator, and each exchange below, the valid
// requests and the refused ones, is answered as the document says (the
// request is one the document accepts, or refuses for the rule the API
// enforced; the response's status, headers and body are documented; an
// error is a problem with that status).
func TestAPIExampleDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("the example runs as a process, which -short leaves out")
	}
	app := startAPIExample(t)
	doc := fetchDocument(t, app.url)
	newDocumentValidator(t, doc) // the document as served must be valid
	x := &exchanger{
		base:   app.url,
		v:      newDocumentValidator(t, inlineClosedRefs(t, doc)),
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}},
	}
	defer x.client.CloseIdleConnections()

	bearer := [2]string{"Authorization", "Bearer " + apiToken}
	note := `{"title":"Buy milk","body":"two litres","tags":["home"]}`
	answers := x.run(t, []exchange{
		{name: "create", method: "POST", target: "/api/v1/notes", header: [][2]string{bearer}, body: note, status: 201},
		{name: "read", method: "GET", target: "/api/v1/notes/{id}", status: 200},
		{name: "list", method: "GET", target: "/api/v1/notes?tag=home&limit=10", status: 200},
		{name: "list all", method: "GET", target: "/api/v1/notes", status: 200},
		{name: "patch", method: "PATCH", target: "/api/v1/notes/{id}", header: [][2]string{bearer}, body: `{"body":"one litre"}`, status: 200},
		{name: "replace", method: "PUT", target: "/api/v1/notes/{id}", header: [][2]string{bearer}, body: `{"title":"Buy oat milk","tags":["home","shop"]}`, status: 200},
		{name: "delete", method: "DELETE", target: "/api/v1/notes/{id}", header: [][2]string{bearer}, status: 204},

		{name: "read a deleted note", method: "GET", target: "/api/v1/notes/{id}", status: 404},
		{name: "create without a token", method: "POST", target: "/api/v1/notes", body: note, status: 401, invalid: true},
		{name: "create with malformed JSON", method: "POST", target: "/api/v1/notes", header: [][2]string{bearer}, body: `{"title":`, status: 400, invalid: true},
		{name: "create with an empty title and an unknown tag", method: "POST", target: "/api/v1/notes", header: [][2]string{bearer},
			body: `{"title":"","tags":["Not A Tag"]}`, status: 422, invalid: true},
		{name: "create with an unknown member (ignored)", method: "POST", target: "/api/v1/notes", header: [][2]string{bearer},
			body: `{"title":"x","tags":[],"colour":"red"}`, status: 201},
		{name: "patch with an unknown member", method: "PATCH", target: "/api/v1/notes/{id}", header: [][2]string{bearer},
			body: `{"colour":"red"}`, status: 400, invalid: true},
		{name: "create as a form", method: "POST", target: "/api/v1/notes",
			header: [][2]string{bearer, {"Content-Type", "application/x-www-form-urlencoded"}}, body: `title=x`, status: 415, invalid: true},
		{name: "list with limit 0", method: "GET", target: "/api/v1/notes?limit=0", status: 422, invalid: true},
		{name: "list with a limit that is no number", method: "GET", target: "/api/v1/notes?limit=ten", status: 400, invalid: true},
	})

	// The 422 names both fields in one problem.
	if a := answers["create with an empty title and an unknown tag"]; !strings.Contains(string(a.body), `"body.title"`) || !strings.Contains(string(a.body), `"body.tags`) {
		t.Errorf("the 422 does not name body.title and body.tags: %s", a.body)
	}
}

// TestGeneratedClient generates a TypeScript client from the document
// examples/api serves (openapi-typescript for the types, openapi-fetch at
// run time), type-checks client/roundtrip.test.mjs against it with tsc, and
// runs it with node against the running example: a note's whole life and
// two errors through the generated client.
func TestGeneratedClient(t *testing.T) {
	if testing.Short() {
		t.Skip("the example runs as a process, which -short leaves out")
	}
	node := findNodeTools(t)
	app := startAPIExample(t)

	dir := t.TempDir()
	modules, err := filepath.Abs("node_modules")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"roundtrip.test.mjs", "tsconfig.json"} {
		b, err := os.ReadFile(filepath.Join("client", name))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "openapi.json"), fetchDocument(t, app.url), 0o644); err != nil {
		t.Fatal(err)
	}

	runTool(t, dir, nil, node, filepath.Join(modules, "openapi-typescript", "bin", "cli.js"), "openapi.json", "--output", "api.d.ts")
	runTool(t, dir, nil, node, filepath.Join(modules, "typescript", "bin", "tsc"), "-p", "tsconfig.json")
	out := runTool(t, dir, []string{"API_BASE_URL=" + app.url, "API_TOKEN=" + apiToken}, node, "--test", "roundtrip.test.mjs")
	if !strings.Contains(out, "# pass 2") || !strings.Contains(out, "# fail 0") {
		t.Errorf("node --test did not pass both tests:\n%s", out)
	}
}

// findNodeTools returns the path of node once the npm packages of this
// directory are installed, or skips the test (fails it in CI, where .ci/run
// installs them).
func findNodeTools(t *testing.T) string {
	t.Helper()
	msg := ""
	node, err := exec.LookPath("node")
	if err != nil {
		msg = "node is not installed"
	} else if _, err := os.Stat("node_modules/openapi-typescript/package.json"); err != nil {
		msg = "the npm packages are not installed: run npm ci --ignore-scripts in e2e/"
	}
	if msg != "" {
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node
}

// runTool runs a command in dir with env added, within nodeTimeout, and
// returns its output; it fails the test with the output when the command
// fails.
func runTool(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// inlineClosedRefs returns doc with each schema {"$ref": R,
// "unevaluatedProperties": false} (a typed body that refuses unknown
// members) replaced by a copy of the component schema R with
// "unevaluatedProperties": false: the same schema in JSON Schema 2020-12,
// where properties evaluated through $ref count as evaluated. The
// libopenapi-validator version pinned here does not count them, and
// refuses every member of such a body ("false schema"); inlined, it
// checks the rule as written.
func inlineClosedRefs(t *testing.T, doc []byte) []byte {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	components, _ := d["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	var walk func(v any) any
	walk = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			ref, _ := v["$ref"].(string)
			if closed, ok := v["unevaluatedProperties"].(bool); ok && !closed && len(v) == 2 && strings.HasPrefix(ref, "#/components/schemas/") {
				if target, ok := schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any); ok {
					inlined := maps.Clone(target)
					inlined["unevaluatedProperties"] = false
					return inlined
				}
			}
			for k, e := range v {
				v[k] = walk(e)
			}
		case []any:
			for i, e := range v {
				v[i] = walk(e)
			}
		}
		return v
	}
	out, err := json.Marshal(walk(d))
	if err != nil {
		t.Fatal(err)
	}
	return out
}
