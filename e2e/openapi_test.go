package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"

	"github.com/albkit/alb"
	"github.com/albkit/alb/emulator"
)

// newDocumentValidator checks doc with libopenapi-validator, an
// implementation of OpenAPI independent of alb's generator: the document
// must parse, build a 3.x model without errors and validate against the
// OpenAPI specification's own JSON Schema. It returns the validator for
// checking requests and responses against doc, with format assertions on
// (a "format": "email" is checked, not only documented).
func newDocumentValidator(t *testing.T, doc []byte) validator.Validator {
	t.Helper()
	document, err := libopenapi.NewDocument(doc)
	if err != nil {
		t.Fatalf("libopenapi cannot read the document: %v", err)
	}
	v, errs := validator.NewValidator(document, config.WithFormatAssertions())
	if len(errs) > 0 {
		t.Fatalf("libopenapi-validator cannot build a model of the document: %v", errs)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("the document breaks the OpenAPI specification: %v", e)
			for _, f := range e.SchemaValidationErrors {
				t.Errorf("\tat %s: %s", f.FieldPath, f.Reason)
			}
		}
		t.FailNow()
	}
	return v
}

// exchange is one request to a running API and what must come of it.
type exchange struct {
	name   string
	method string
	target string      // path and query; {id} is replaced by the last created id
	header [][2]string // request headers
	body   string      // a JSON body unless header says otherwise

	status int // the status the API must answer
	// invalid: the document itself must refuse the request (it declares
	// the rule the API enforced), as well as the API.
	invalid bool
}

// answer is an API's answer to an exchange.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// exchanger runs exchanges against an API at base and checks each
// request and response with a validator of the document the API serves.
type exchanger struct {
	base   string
	v      validator.Validator
	client *http.Client
	lastID string // the id of the last note a 201 created
}

// request builds ex's request; each call gives a request with a body of its
// own, since sending or validating one reads it.
func (x *exchanger) request(ex exchange) *http.Request {
	var body io.Reader = http.NoBody
	if ex.body != "" {
		body = strings.NewReader(ex.body)
	}
	req, err := http.NewRequest(ex.method, x.base+strings.ReplaceAll(ex.target, "{id}", x.lastID), body)
	if err != nil {
		panic(err)
	}
	if ex.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range ex.header {
		req.Header.Set(h[0], h[1])
	}
	return req
}

// do sends ex and returns every way in which the API's answer or the
// document disagrees with ex and with each other; none means the exchange
// is as documented.
func (x *exchanger) do(ex exchange) (answer, []string) {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	resp, err := x.client.Do(x.request(ex))
	if err != nil {
		return answer{}, []string{err.Error()}
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return answer{}, []string{err.Error()}
	}
	a := answer{status: resp.StatusCode, header: resp.Header, body: body}
	if resp.StatusCode != ex.status {
		fail("status %d, want %d; body: %s", resp.StatusCode, ex.status, body)
	}

	// The request, as the document sees it.
	ok, errs := x.v.ValidateHttpRequestSync(x.request(ex))
	switch {
	case ok && ex.invalid:
		fail("the document accepts the request, which the API refused with %d: it does not declare the rule", resp.StatusCode)
	case !ok && !ex.invalid:
		for _, e := range errs {
			fail("the document refuses the request: %s", describe(e))
		}
	}

	// The response, whatever the request: every answer is documented.
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if ok, errs := x.v.ValidateHttpResponse(x.request(ex), resp); !ok {
		for _, e := range errs {
			fail("the response is not as documented: %s", describe(e))
		}
	}

	// An error answer is a problem (RFC 9457) with the same status.
	if resp.StatusCode >= 400 {
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		var p struct {
			Status int    `json:"status"`
			Title  string `json:"title"`
		}
		if mt != "application/problem+json" {
			fail("error answer of type %q, want application/problem+json", mt)
		} else if err := json.Unmarshal(body, &p); err != nil || p.Status != resp.StatusCode || p.Title == "" {
			fail("problem %s: want a title and status %d (%v)", body, resp.StatusCode, err)
		}
	}
	if resp.StatusCode == http.StatusCreated {
		var n struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(body, &n); err == nil && n.ID != "" {
			x.lastID = n.ID
		}
	}
	return a, problems
}

// describe is a validation error with its schema failures, on one line.
func describe(e interface{ Error() string }) string {
	return strings.ReplaceAll(e.Error(), "\n", " ")
}

// run sends the exchanges in order and fails t for each problem.
func (x *exchanger) run(t *testing.T, exchanges []exchange) map[string]answer {
	t.Helper()
	answers := map[string]answer{}
	for _, ex := range exchanges {
		a, problems := x.do(ex)
		answers[ex.name] = a
		for _, p := range problems {
			t.Errorf("%s (%s %s): %s", ex.name, ex.method, ex.target, p)
		}
	}
	return answers
}

// TestDocumentValidatorCatchesLies: the checks of the exchanges can fail.
// An API that answers what its document does not say, or enforces a rule
// its document does not declare, is reported.
func TestDocumentValidatorCatchesLies(t *testing.T) {
	r := alb.New()
	r.GET("/api/v1/notes", func(c *alb.Context) error {
		if c.Query("limit") == "0" {
			return alb.NewHTTPError(http.StatusBadRequest, "limit") // undocumented, and not a problem
		}
		return c.Blob(http.StatusOK, "application/json", []byte(`[{"id":"1","title":"a"}]`))
	})
	r.GET("/api/v1/notes/:id", func(c *alb.Context) error {
		return c.Blob(http.StatusOK, "application/json", []byte(`{"id":"1"}`)) // no title: the schema requires one
	})
	srv := httptest.NewServer(emulator.New(r, emulator.Options{}))
	defer srv.Close()
	x := &exchanger{base: srv.URL, v: newDocumentValidator(t, []byte(smallDocument)), client: srv.Client()}

	for _, tt := range []struct {
		ex   exchange
		want []string // in the problems, in order
	}{
		{exchange{name: "as documented", method: "GET", target: "/api/v1/notes?limit=5", status: 200}, nil},
		{exchange{name: "undocumented answer", method: "GET", target: "/api/v1/notes?limit=0", status: 400, invalid: true},
			[]string{"the response is not as documented", "want application/problem+json"}},
		{exchange{name: "undeclared rule", method: "GET", target: "/api/v1/notes?limit=0", status: 400},
			[]string{"the document refuses the request"}},
		{exchange{name: "rule the API does not keep", method: "GET", target: "/api/v1/notes?limit=1000", status: 422, invalid: true},
			[]string{"status 200, want 422"}},
		{exchange{name: "rule the document does not declare", method: "GET", target: "/api/v1/notes?limit=5", status: 200, invalid: true},
			[]string{"the document accepts the request"}},
		{exchange{name: "body against the schema", method: "GET", target: "/api/v1/notes/1", status: 200},
			[]string{"the response is not as documented"}},
		{exchange{name: "undocumented path", method: "GET", target: "/api/v1/other", status: 404},
			[]string{"the document refuses the request"}},
	} {
		_, problems := x.do(tt.ex)
		got := strings.Join(problems, "\n")
		if len(tt.want) == 0 && len(problems) != 0 {
			t.Errorf("%s: problems reported:\n%s", tt.ex.name, got)
		}
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: no problem says %q; problems:\n%s", tt.ex.name, w, got)
			}
		}
	}
}

// apiToken is the bearer token the example runs with in these tests.
const apiToken = "e2e-token"

// apiBuild is examples/api built once for every test that runs it.
var apiBuild struct {
	once sync.Once
	dir  string // removed by TestMain
	bin  string
	err  error
}

// startAPIExample builds examples/api (a module of its own) and runs it as a
// developer does, with PORT on a free loopback port.
func startAPIExample(t *testing.T) *example {
	t.Helper()
	apiBuild.once.Do(func() {
		apiBuild.dir, apiBuild.err = os.MkdirTemp("", "alb-e2e-api-")
		if apiBuild.err == nil {
			apiBuild.bin, apiBuild.err = buildModule("../examples/api", apiBuild.dir)
		}
	})
	if apiBuild.err != nil {
		t.Fatal(apiBuild.err)
	}
	return startExampleAt(t, apiBuild.bin, "/api/v1/notes", "API_TOKEN="+apiToken, "HOST=127.0.0.1")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if apiBuild.dir != "" {
		os.RemoveAll(apiBuild.dir)
	}
	os.Exit(code)
}

// buildModule builds the main package of the module in dir (relative to
// this directory) into outDir and returns the binary's path.
func buildModule(dir, outDir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(outDir, filepath.Base(abs))
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = abs
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build in %s: %v\n%s", abs, err, out)
	}
	return bin, nil
}
