package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/albkit/alb/bench"
)

func TestPattern(t *testing.T) {
	name := "BenchmarkContenders/workload=rest-param/contender=alb/mode=single"
	p := pattern(name)
	for i, part := range strings.Split(p, "/") {
		re := regexp.MustCompile(part)
		if !re.MatchString(strings.Split(name, "/")[i]) {
			t.Errorf("level %d: %q does not match", i, part)
		}
	}
	if regexp.MustCompile(strings.Split(p, "/")[1]).MatchString("workload=rest-param2") {
		t.Errorf("pattern %q is not anchored", p)
	}
}

func TestBenchLine(t *testing.T) {
	line := "BenchmarkContenders/workload=search/contender=alb/mode=single-2    \t  75087\t      3025 ns/op\t    1592 B/op\t       6 allocs/op"
	m := benchLine.FindStringSubmatch(line)
	if m == nil || m[1] != "BenchmarkContenders/workload=search/contender=alb/mode=single" || m[2] != "3025" || m[3] != "1592" || m[4] != "6" {
		t.Errorf("benchLine matched %q", m)
	}
}

func TestParseTop(t *testing.T) {
	out := []byte(`      flat  flat%   sum%        cum   cum%
     330ms 12.22% 12.22%      350ms 12.96%  github.com/albkit/alb.scanString
     1.20s 40.00% 52.22%      2.10s 70.00%  encoding/json.(*decodeState).object
`)
	got := parseTop(out)
	if len(got) != 2 || got[0] != (ProfileEntry{"12.22%", "12.96%", "github.com/albkit/alb.scanString"}) ||
		got[1].Func != "encoding/json.(*decodeState).object" {
		t.Errorf("parseTop = %+v", got)
	}
}

func TestThousands(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 2: "2", 2.5: "2.5", 999: "999", 1000: "1,000", 1234567.6: "1,234,568"} {
		if got := thousands(v); got != want {
			t.Errorf("thousands(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestMedian(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median = %v", m)
	}
	if m := median([]float64{4, 1, 2, 3}); m != 2.5 {
		t.Errorf("median = %v", m)
	}
}

func TestSVG(t *testing.T) {
	p := &Plot{Title: "a <title> & more", XLabel: "x", YLabel: "y", LogX: true, LogY: true, XFormat: formatBytes,
		Series: []PlotSeries{{Name: "s1", X: []float64{1024, 4096, 921600}, Y: []float64{2.5, 5, 900}},
			{Name: "s2", X: []float64{1024, 921600}, Y: []float64{3, 1200}}}}
	svg := p.SVG()
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
	}
	for _, want := range []string{"a &lt;title&gt; &amp; more", "<polyline", "s2", "900 KiB"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

func TestTicks(t *testing.T) {
	if got := ticks(10, 1000, true); got[0] != 10 || got[len(got)-1] != 1000 {
		t.Errorf("log ticks = %v", got)
	}
	got := ticks(0, 137, false)
	if got[0] != 0 || got[len(got)-1] < 137 || len(got) > 8 {
		t.Errorf("linear ticks = %v", got)
	}
}

// TestMarkdownNotApplicable renders a report from made-up numbers for
// every case the contenders serve, and none for the others: the cells of
// a workload a contender does not serve read n/a, and the typed table
// compares alb-typed with alb.
func TestMarkdownNotApplicable(t *testing.T) {
	rep := &Report{cfg: Config{SkipGrowth: true}, verdicts: map[string]bench.Verdict{}, results: map[string]*Result{}}
	for _, wl := range bench.Workloads {
		for _, m := range bench.Modes {
			d := rep.results
			d[directBench(wl.Name, m.Name)] = &Result{NsPerOp: 1000}
			for i, c := range bench.Contenders {
				if !c.Serves(wl.Name) {
					continue
				}
				rep.verdicts[key(wl.Name, c.Name, m.Name)] = bench.Verdict{}
				d[contenderBench(wl.Name, c.Name, m.Name)] = &Result{NsPerOp: float64(1000 + 100*i), AllocsPerOp: 3}
			}
		}
	}
	md := string(rep.Markdown(""))
	typed := bench.ContenderByName("alb-typed")
	if typed == nil || typed.Serves("session") {
		t.Fatal("the test expects alb-typed, serving no session workload")
	}
	col := slices.Index(bench.Contenders, typed)
	rows := 0
	for _, line := range strings.Split(md, "\n") {
		cells := strings.Split(line, "|")
		if !strings.HasPrefix(line, "| session |") || len(cells) != len(bench.Contenders)+3 {
			continue // not a row of the time and allocation tables
		}
		rows++
		if got := strings.TrimSpace(cells[2+col]); got != notApplicable {
			t.Errorf("alb-typed's session cell is %q, want %q: %s", got, notApplicable, line)
		}
	}
	if rows != 2*len(bench.Modes) {
		t.Errorf("%d session rows in the time and allocation tables, want %d:\n%s", rows, 2*len(bench.Modes), md)
	}
	if !strings.Contains(md, "| alb-typed | ✓ ✓ | ✓ ✓ | n/a |") {
		t.Errorf("the correctness row of alb-typed is not as expected:\n%s", md)
	}
	if !strings.Contains(md, "### Typed handlers") || !strings.Contains(md, "| search | single | 1,000 |") {
		t.Errorf("no typed handlers table:\n%s", md)
	}
}

// TestSpeedTargets: the speed table computes the geometric means over the
// workloads other than order and marks each target met or missed.
func TestSpeedTargets(t *testing.T) {
	for _, tc := range []struct {
		albNs       float64
		floorMark   string // the geometric-mean row against the floor
		handwritten string // the geometric-mean row against handwritten
	}{
		{albNs: 1400, floorMark: "✓ 1.40×", handwritten: "✓ 7.14×"},
		{albNs: 1600, floorMark: "✗ 1.60×", handwritten: "✗ 6.25×"},
	} {
		rep := &Report{cfg: Config{SkipGrowth: true}, verdicts: map[string]bench.Verdict{}, results: map[string]*Result{}}
		for _, wl := range bench.Workloads {
			for _, m := range bench.Modes {
				rep.results[directBench(wl.Name, m.Name)] = &Result{NsPerOp: 1000}
				for _, c := range bench.Contenders {
					ns := 5000.0 // the adapters
					switch c.Name {
					case "floor":
						ns = 1000
					case "alb", "alb-typed":
						ns = tc.albNs
					case "handwritten":
						ns = 10000
					}
					rep.verdicts[key(wl.Name, c.Name, m.Name)] = bench.Verdict{}
					rep.results[contenderBench(wl.Name, c.Name, m.Name)] = &Result{NsPerOp: ns, AllocsPerOp: 3}
				}
			}
		}
		md := string(rep.Markdown(""))
		cases := 2 * (len(bench.Workloads) - 1)
		for _, want := range []string{
			"| alb ÷ floor, geometric mean of " + strconv.Itoa(cases) + " cases ≤ 1.5× | " + tc.floorMark + " |",
			"| handwritten ÷ alb, geometric mean of " + strconv.Itoa(cases) + " cases ≥ 7.0× | " + tc.handwritten + " |",
			"| logo, single: allocs/op through lambda.NewHandler ≤ 3 | ✓ 3 |",
		} {
			if !strings.Contains(md, want) {
				t.Errorf("alb at %v ns: no row %q in\n%s", tc.albNs, want, md[strings.Index(md, "### Speed targets"):])
			}
		}
	}
	if g := geomean([]float64{1, 4, 16}); g < 3.999 || g > 4.001 {
		t.Errorf("geomean(1, 4, 16) = %v, want 4", g)
	}
}
