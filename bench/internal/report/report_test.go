package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"
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
