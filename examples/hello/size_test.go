package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// maxOverBare is how much larger than the bare aws-lambda-go function of
// testdata/bare the hello binary built for Lambda may be: 0.3 MB, in
// decimal bytes. Go's linker aligns each segment of an arm64 ELF binary to
// 64 KiB, so stripped sizes move in steps of 65,536 bytes: this allows
// four steps (262,144 bytes), not five.
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
// server (the emulator, its HTTP server, the signal handling), and is at
// most maxOverBare bytes larger than a bare aws-lambda-go function built
// the same way. The build without the tag, which go run makes, still
// links the emulator: the checks below see the difference.
func TestLambdaBinaryIsLean(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three binaries for linux/arm64: skipped under -short")
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
	localPath, _ := build("hello-local", ".", leanFlags[2:]...)
	t.Logf("linux/arm64, %s: hello %d bytes, bare aws-lambda-go %d bytes, difference %d bytes (at most %d)",
		strings.Join(leanFlags, " "), hello, bare, hello-bare, maxOverBare)
	if hello-bare > maxOverBare {
		t.Errorf("hello is %d bytes over a bare aws-lambda-go function, want at most %d", hello-bare, maxOverBare)
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
