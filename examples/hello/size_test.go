package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// maxOverBare is how much larger than a bare aws-lambda-go function the
// hello binary built for Lambda may be: 0.3 MB, in decimal bytes. Go's
// linker aligns each segment of an arm64 ELF binary to 64 KiB, so stripped
// sizes move in steps of 65,536 bytes: this allows four steps (262,144
// bytes), not five.
//
// The yardstick is testdata/barejson: the bare function of testdata/bare
// with the JSON v2 codec alb uses by default. On Go 1.27 JSON v2 is the
// standard library's encoding/json/v2, which aws-lambda-go's encoding/json
// already links, so the two yardsticks are the same size within a step and
// the limit holds against the bare function too (checked). On Go 1.26 the
// codec is the github.com/go-json-experiment/json module, about 0.6 MB
// that a function decoding JSON with v2 pays with or without alb; the
// limit then bounds what alb itself adds.
const maxOverBare = 300_000

// localOnly are the packages only local runs need: package emulator and
// the packages only it uses.
var localOnly = []string{
	"github.com/albkit/alb/emulator",
	"github.com/albkit/alb/internal/albcheck",
	"github.com/albkit/alb/internal/albevent",
}

// leanFlags are the flags AWS documents for a provided.al2023 function.
var leanFlags = []string{"-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w"}

// A binary built for Lambda the way AWS documents links none of the local
// server (the emulator, its HTTP server, the signal handling) and only
// alb's own Runtime API loop (not aws-lambda-go's, nor net/http's client,
// which linked both would cost a 64 KiB step over the limit), and is at
// most maxOverBare bytes larger than a bare aws-lambda-go function built
// the same way. The build without the tag, which go run makes, still
// links the emulator: the checks below see the difference.
func TestLambdaBinaryIsLean(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four binaries for linux/arm64: skipped under -short")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	dir := t.TempDir()
	run := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(goCmd, args...)
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0", "GOFLAGS=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
		return out
	}
	build := func(name, pkg string, flags ...string) (path string, size int64) {
		t.Helper()
		path = filepath.Join(dir, name)
		run(append(append([]string{"build", "-o", path}, flags...), pkg)...)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return path, fi.Size()
	}

	// The package graph.
	lean := strings.Fields(string(run("list", "-deps", "-tags", "lambda.norpc", ".")))
	local := strings.Fields(string(run("list", "-deps", ".")))
	for _, pkg := range localOnly {
		if slices.Contains(lean, pkg) {
			t.Errorf("go list -deps -tags lambda.norpc lists %s", pkg)
		}
		if !slices.Contains(local, pkg) {
			t.Errorf("go list -deps without the tag does not list %s: the local server went missing", pkg)
		}
	}

	// The binaries: sizes, and the function names left in the pclntab
	// (which -s does not strip).
	helloPath, hello := build("hello", ".", leanFlags...)
	_, bare := build("bare", "./testdata/bare", leanFlags...)
	_, bareJSON := build("barejson", "./testdata/barejson", leanFlags...)
	localPath, _ := build("hello-local", ".", leanFlags[2:]...)
	awsLoopPath, awsLoop := build("hello-awsloop", ".", append([]string{"-tags", "lambda.norpc,alb.awsloop"}, leanFlags[2:]...)...)
	goVersion := strings.TrimSpace(string(run("env", "GOVERSION")))
	t.Logf("%s linux/arm64, %s: hello %d bytes, bare aws-lambda-go %d bytes (%+d), bare with JSON v2 %d bytes (%+d); at most %+d; hello with aws-lambda-go's loop too (-tags lambda.norpc,alb.awsloop) %d bytes (%+d)",
		goVersion, strings.Join(leanFlags, " "), hello, bare, hello-bare, bareJSON, hello-bareJSON, maxOverBare, awsLoop, awsLoop-bareJSON)
	if hello-bareJSON > maxOverBare {
		t.Errorf("hello is %d bytes over a bare aws-lambda-go function with JSON v2, want at most %d", hello-bareJSON, maxOverBare)
	}
	if jsonInStd(goVersion) && hello-bare > maxOverBare {
		t.Errorf("hello is %d bytes over a bare aws-lambda-go function, want at most %d", hello-bare, maxOverBare)
	}
	// alb's own Runtime API loop serves; aws-lambda-go's, and with it
	// net/http's client, are linked only on demand (the tag alb.awsloop).
	for path, want := range map[string]map[string]bool{
		helloPath:   {"github.com/albkit/alb/internal/runtimeapi.": true, "github.com/aws/aws-lambda-go/lambda.": false, "net/http.(*Transport)": false},
		awsLoopPath: {"github.com/albkit/alb/internal/runtimeapi.": true, "github.com/aws/aws-lambda-go/lambda.": true},
		localPath:   {"github.com/albkit/alb/internal/runtimeapi.": true, "github.com/aws/aws-lambda-go/lambda.": true},
	} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range want {
			if got := bytes.Contains(b, []byte(name)); got != want {
				t.Errorf("%s: links %s: %v, want %v", filepath.Base(path), name, got, want)
			}
		}
	}
	for path, want := range map[string]bool{helloPath: false, localPath: true} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte("github.com/albkit/alb.")) {
			t.Errorf("%s: no function of package alb found: the name check below means nothing", filepath.Base(path))
		}
		if got := bytes.Contains(b, []byte("github.com/albkit/alb/emulator.")); got != want {
			t.Errorf("%s: links package emulator: %v, want %v", filepath.Base(path), got, want)
		}
	}
}

// jsonInStd reports whether the Go release goVersion ("go1.27.3") has
// encoding/json/v2 in its standard library, built into encoding/json.
func jsonInStd(goVersion string) bool {
	v, ok := strings.CutPrefix(goVersion, "go1.")
	if !ok {
		return true // a development version: newer than any release here
	}
	minor, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(minor)
	return err != nil || n >= 27
}
