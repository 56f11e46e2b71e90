// Command report runs the whole benchmark suite of this module and prints
// its results as markdown:
//
//	cd bench && go run ./cmd/report
//
// It checks every contender's answers, times every contender on every
// workload in both header modes (each case in a process of its own),
// profiles alb where it is over 1.3× the floor, builds and starts each
// contender's minimal main for the cold-start table, and times alb's
// growth with the work. It writes results/latest.md, results/bench.txt
// (the raw benchmark lines, for benchstat), the SVG plots in results/, and
// the block of README.md between the report markers.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/albkit/alb/bench/internal/report"
)

const (
	beginMarker = "<!-- report:begin -->"
	endMarker   = "<!-- report:end -->"
)

func main() {
	cfg := report.Config{}
	flag.StringVar(&cfg.BenchTime, "benchtime", "300ms", "benchtime of each timed case")
	flag.IntVar(&cfg.Count, "count", 3, "processes per case; the median is reported")
	flag.StringVar(&cfg.ProfTime, "proftime", "2s", "benchtime of each profiled case")
	flag.IntVar(&cfg.ColdRuns, "coldruns", 7, "runs of each binary for the cold-start table")
	flag.BoolVar(&cfg.SkipCold, "skip-cold", false, "skip the cold-start table")
	flag.BoolVar(&cfg.SkipGrowth, "skip-growth", false, "skip the growth tables and plots")
	out := flag.String("out", "results", "directory for latest.md, bench.txt and the plots")
	readme := flag.Bool("readme", true, "update the report block of README.md")
	flag.Parse()

	dir, err := os.Getwd()
	if err != nil {
		fail(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "cmd", "report")); err != nil {
		fail(fmt.Errorf("run report from the bench module's directory: cd bench && go run ./cmd/report"))
	}
	cfg.Dir = dir
	cfg.Log = func(format string, args ...any) { fmt.Fprintf(os.Stderr, "report: "+format+"\n", args...) }

	rep, err := report.Run(cfg)
	if err != nil {
		fail(err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	md := rep.Markdown("")
	latest := append([]byte("# Latest benchmark results\n\n"), md...)
	files := rep.Plots()
	files["latest.md"] = latest
	files["bench.txt"] = rep.Raw()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*out, name), b, 0o644); err != nil {
			fail(err)
		}
	}
	if *readme {
		if err := updateReadme("README.md", rep.Markdown(filepath.ToSlash(*out)+"/")); err != nil {
			fail(err)
		}
	}
	os.Stdout.Write(md)
}

// updateReadme replaces the text between the report markers of path.
func updateReadme(path string, block []byte) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	i, j := bytes.Index(b, []byte(beginMarker)), bytes.Index(b, []byte(endMarker))
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %s ... %s block", path, beginMarker, endMarker)
	}
	var nb bytes.Buffer
	nb.Write(b[:i+len(beginMarker)])
	nb.WriteString("\n")
	nb.Write(block)
	nb.Write(b[j:])
	return os.WriteFile(path, nb.Bytes(), 0o644)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "report:", err)
	os.Exit(1)
}
