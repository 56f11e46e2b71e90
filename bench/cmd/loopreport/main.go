// Command loopreport runs the full-loop benchmark: each loop contender in a
// process of its own against a fake Lambda Runtime API on loopback, at
// GOMAXPROCS 1 and 2 and with 1 and 8 loops, and prints a markdown table
// of the medians of -count runs.
//
//	cd bench && go run ./cmd/loopreport
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/albkit/alb/bench"
	"github.com/albkit/alb/bench/internal/report"
)

func main() {
	bench.RunLoopChild()
	n := flag.Int("n", 20000, "invocations per run")
	count := flag.Int("count", 3, "runs per case; the median is shown")
	only := flag.String("contenders", "", "comma-separated contenders to run (default all)")
	procsList := flag.String("gomaxprocs", "1,2", "GOMAXPROCS values")
	loopsList := flag.String("loops", "1,8", "loop counts (AWS_LAMBDA_MAX_CONCURRENCY)")
	svgPath := flag.String("svg", "", "also plot the CPU time per invocation into this SVG file")
	flag.Parse()
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	event := bench.LoopEvent()
	fmt.Printf("%d invocations per run, median of %d runs; event: the search workload (%d bytes)\n\n", *n, *count, len(event))
	fmt.Println("| contender | GOMAXPROCS | loops | wall µs/inv | CPU µs/inv | allocs/inv | re-dials | fake API CPU µs/inv |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|")
	plot := report.Plot{
		Title:  "CPU time per invocation, loop and handler (lower is better)",
		XLabel: "GOMAXPROCS / loops",
		YLabel: "µs per invocation",
		YFormat: func(v float64) string {
			return strconv.FormatFloat(v, 'f', 0, 64)
		},
	}
	series := map[string]int{} // index in plot.Series
	var labels []string
	for _, procs := range ints(*procsList) {
		for _, conc := range ints(*loopsList) {
			labels = append(labels, fmt.Sprintf("%d / %d", procs, conc))
			for _, c := range bench.LoopContenders {
				if *only != "" && !slices.Contains(strings.Split(*only, ","), c.Name) {
					continue
				}
				var rs []bench.LoopResult
				for range *count {
					r, err := bench.MeasureLoop(bench.LoopCase{Contender: c, GOMAXPROCS: procs, Concurrency: conc, N: *n}, event, []string{exe})
					if err != nil {
						fmt.Fprintln(os.Stderr, c.Name, err)
						os.Exit(1)
					}
					rs = append(rs, r)
				}
				m := median(rs)
				i, ok := series[c.Name]
				if !ok {
					i = len(plot.Series)
					series[c.Name] = i
					plot.Series = append(plot.Series, report.PlotSeries{Name: c.Name})
				}
				ps := &plot.Series[i]
				ps.X = append(ps.X, float64(len(labels)))
				ps.Y = append(ps.Y, us(m.CPU))
				fmt.Printf("| %s | %d | %d | %.1f | %.1f | %.1f | %d | %.1f |\n", c.Name, procs, conc,
					us(m.Wall), us(m.CPU), m.Allocs, m.Redials, us(m.FakeCPU))
			}
		}
	}
	if *svgPath != "" {
		writeSVG(*svgPath, plot, labels)
	}
}

func writeSVG(path string, plot report.Plot, labels []string) {
	for i := range labels {
		plot.XTicks = append(plot.XTicks, float64(i+1))
	}
	plot.XFormat = func(v float64) string {
		if i := int(v) - 1; i >= 0 && i < len(labels) && float64(i+1) == v {
			return labels[i]
		}
		return ""
	}
	if err := os.WriteFile(path, plot.SVG(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// median returns the run with the median CPU time.
func median(rs []bench.LoopResult) bench.LoopResult {
	slices.SortFunc(rs, func(a, b bench.LoopResult) int { return int(a.CPU - b.CPU) })
	return rs[len(rs)/2]
}

func ints(list string) []int {
	var out []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bad number %q\n", f)
			os.Exit(2)
		}
		out = append(out, n)
	}
	return out
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
