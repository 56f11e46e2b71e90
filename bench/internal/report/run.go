// Package report runs the benchmark suite of module
// github.com/albkit/alb/bench and writes its results as markdown tables and
// SVG plots. cmd/report is its command line.
//
// Every timed case runs in a process of its own (the compiled test binary
// of package bench, filtered to one benchmark), so that no case inherits
// another's pools, heap or calibrated buffer sizes.
package report

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Config says what to run.
type Config struct {
	Dir        string // the bench module's directory
	BenchTime  string // -test.benchtime of every timed case
	Count      int    // processes per case; the median is reported
	ProfTime   string // -test.benchtime of the profiled cases
	ColdRuns   int    // runs of each binary for the init measurements
	SkipCold   bool
	SkipGrowth bool
	Log        func(format string, args ...any) // progress, to stderr
}

// Result is one benchmark's numbers, the median of Count runs.
type Result struct {
	Name        string // the full benchmark name, without the -GOMAXPROCS suffix
	NsPerOp     float64
	BytesPerOp  float64
	AllocsPerOp float64
	Lines       []string // the raw lines, for benchstat
}

// runner runs benchmarks from a compiled test binary.
type runner struct {
	cfg  Config
	bin  string
	tmp  string
	raw  []string // every raw benchmark line, in order
	runs int
}

// newRunner compiles the bench package's tests into a temporary directory.
func newRunner(cfg Config) (*runner, error) {
	tmp, err := os.MkdirTemp("", "albbench")
	if err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, tmp: tmp, bin: filepath.Join(tmp, "bench.test")}
	cmd := exec.Command("go", "test", "-c", "-o", r.bin, ".")
	cmd.Dir = cfg.Dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go test -c: %v\n%s", err, out)
	}
	return r, nil
}

func (r *runner) close() { os.RemoveAll(r.tmp) }

// pattern anchors every level of a benchmark name for -test.bench.
func pattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+([\d.]+) B/op)?(?:\s+([\d.]+) allocs/op)?`)

// sample is one run of one benchmark.
type sample struct {
	ns, bytes, allocs float64
	line              string
}

// benchOnce runs the benchmark called name (e.g.
// "BenchmarkContenders/workload=search/contender=alb/mode=single") once,
// in a new process.
func (r *runner) benchOnce(name string) (sample, error) {
	cmd := exec.Command(r.bin, "-test.run", "^$", "-test.bench", pattern(name),
		"-test.benchtime", r.cfg.BenchTime, "-test.benchmem")
	cmd.Dir = r.cfg.Dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return sample{}, fmt.Errorf("%s: %v\n%s", name, err, out)
	}
	r.runs++
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil || m[1] != name {
			continue
		}
		r.raw = append(r.raw, sc.Text())
		s := sample{line: sc.Text()}
		s.ns, _ = strconv.ParseFloat(m[2], 64)
		s.bytes, _ = strconv.ParseFloat(m[3], 64)
		s.allocs, _ = strconv.ParseFloat(m[4], 64)
		return s, nil
	}
	return sample{}, fmt.Errorf("%s: no result in\n%s", name, out)
}

// benchAll runs every benchmark of names Count times, in rounds (every
// name once, then every name again), so that a slow spell of a shared
// machine spreads over many cases rather than all runs of one, and returns
// the medians by name.
func (r *runner) benchAll(names []string) (map[string]*Result, error) {
	samples := map[string][]sample{}
	rounds := max(r.cfg.Count, 1)
	for round := range rounds {
		for i, name := range names {
			r.cfg.Log("round %d/%d [%d/%d] %s", round+1, rounds, i+1, len(names), name)
			s, err := r.benchOnce(name)
			if err != nil {
				return nil, err
			}
			samples[name] = append(samples[name], s)
		}
	}
	results := map[string]*Result{}
	for name, ss := range samples {
		res := &Result{Name: name}
		var ns, bs, as []float64
		for _, s := range ss {
			ns, bs, as = append(ns, s.ns), append(bs, s.bytes), append(as, s.allocs)
			res.Lines = append(res.Lines, s.line)
		}
		res.NsPerOp, res.BytesPerOp, res.AllocsPerOp = median(ns), median(bs), median(as)
		results[name] = res
	}
	return results, nil
}

// profile runs the benchmark called name once with a CPU profile and
// returns the profile's top entries by flat time.
func (r *runner) profile(name string, n int) ([]ProfileEntry, error) {
	prof := filepath.Join(r.tmp, "cpu.out")
	cmd := exec.Command(r.bin, "-test.run", "^$", "-test.bench", pattern(name),
		"-test.benchtime", r.cfg.ProfTime, "-test.cpuprofile", prof)
	cmd.Dir = r.tmp // the binary writes the profile relative to its directory
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s: %v\n%s", name, err, out)
	}
	top := exec.Command("go", "tool", "pprof", "-top", "-nodecount", strconv.Itoa(n), r.bin, prof)
	out, err := top.Output()
	if err != nil {
		return nil, fmt.Errorf("go tool pprof: %v", err)
	}
	return parseTop(out), nil
}

// ProfileEntry is one line of pprof -top.
type ProfileEntry struct {
	Flat, Cum string // percentages
	Func      string
}

var topLine = regexp.MustCompile(`^\s*[\d.]+\w*\s+([\d.]+%)\s+[\d.]+%\s+[\d.]+\w*\s+([\d.]+%)\s+(.+)$`)

func parseTop(out []byte) []ProfileEntry {
	var es []ProfileEntry
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if m := topLine.FindStringSubmatch(sc.Text()); m != nil {
			es = append(es, ProfileEntry{Flat: m[1], Cum: m[2], Func: m[3]})
		}
	}
	return es
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
