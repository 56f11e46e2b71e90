package report

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/albkit/alb/bench"
)

// Report is the outcome of a run.
type Report struct {
	cfg       Config
	started   time.Time
	elapsed   time.Duration
	goVersion string
	cpu       string
	nproc     int
	revision  string

	loadBefore, loadAfter string // /proc/loadavg's 1-minute figure around the timings

	verdicts map[string]bench.Verdict // key(workload, contender, mode)
	results  map[string]*Result       // by benchmark name
	profiles map[string][]ProfileEntry
	cold     []*Cold
	raw      []string
	runs     int
}

// Run runs everything cfg asks for.
func Run(cfg Config) (*Report, error) {
	if cfg.Log == nil {
		cfg.Log = func(string, ...any) {}
	}
	rep := &Report{cfg: cfg, started: time.Now(), verdicts: map[string]bench.Verdict{},
		results: map[string]*Result{}, profiles: map[string][]ProfileEntry{}}
	rep.environment()

	cfg.Log("checking every contender's answers")
	for _, w := range bench.Workloads {
		for _, m := range bench.Modes {
			event := w.Event(m.MultiValue)
			for _, c := range bench.Contenders {
				if !c.Serves(w.Name) {
					continue
				}
				out, err := bench.Answer(c.Handler(), event)
				v := bench.Check(w, m.MultiValue, out)
				if err != nil {
					v = bench.Verdict{Wrong: []string{"invocation error → ALB 502: " + err.Error()}}
				}
				rep.verdicts[key(w.Name, c.Name, m.Name)] = v
			}
		}
	}

	cfg.Log("compiling the benchmarks")
	r, err := newRunner(cfg)
	if err != nil {
		return nil, err
	}
	defer r.close()

	var names []string
	for _, w := range bench.Workloads {
		for _, c := range bench.Contenders {
			if !c.Serves(w.Name) {
				continue
			}
			for _, m := range bench.Modes {
				names = append(names, contenderBench(w.Name, c.Name, m.Name))
			}
		}
		for _, m := range bench.Modes {
			names = append(names, directBench(w.Name, m.Name))
		}
	}
	if !cfg.SkipGrowth {
		for _, s := range bench.GrowthSeries {
			for _, x := range s.X {
				names = append(names, growthBench(s, x))
			}
		}
		for _, rc := range bench.PoolHistoryCases {
			for _, warm := range []bool{false, true} {
				names = append(names, historyBench(rc.Name, warm))
			}
		}
	}
	rep.loadBefore = loadAverage()
	if rep.results, err = r.benchAll(names); err != nil {
		return nil, err
	}
	rep.loadAfter = loadAverage()

	for _, w := range bench.Workloads {
		alb, floor := rep.results[contenderBench(w.Name, "alb", "single")], rep.results[contenderBench(w.Name, "floor", "single")]
		if alb.NsPerOp <= 1.3*floor.NsPerOp {
			continue
		}
		name := contenderBench(w.Name, "alb", "single")
		cfg.Log("profiling %s", name)
		top, err := r.profile(name, 12)
		if err != nil {
			return nil, err
		}
		rep.profiles[w.Name] = top
	}

	if !cfg.SkipCold {
		for _, c := range bench.Contenders {
			cfg.Log("cold start: %s", c.Name)
			cold, err := r.coldStart(c.Name)
			if err != nil {
				return nil, err
			}
			rep.cold = append(rep.cold, cold)
		}
	}
	rep.raw, rep.runs = r.raw, r.runs
	rep.elapsed = time.Since(rep.started)
	return rep, nil
}

func key(workload, contender, mode string) string { return workload + "/" + contender + "/" + mode }

// notApplicable marks a table cell of a workload a contender does not
// serve.
const notApplicable = "n/a"

func contenderBench(workload, contender, mode string) string {
	return "BenchmarkContenders/workload=" + workload + "/contender=" + contender + "/mode=" + mode
}

func directBench(workload, mode string) string {
	return "BenchmarkAlbDirect/workload=" + workload + "/mode=" + mode
}

func growthBench(s *bench.Series, x int) string {
	return "BenchmarkGrowth/series=" + s.Name + "/n=" + strconv.Itoa(x) + "/mode=" + bench.ModeName(s.Mode)
}

func historyBench(response string, warm bool) string {
	return "BenchmarkPoolHistory/response=" + response + "/history=" + bench.HistoryName(warm)
}

// environment records what the numbers were measured with.
func (rep *Report) environment() {
	if out, err := exec.Command("go", "version").Output(); err == nil {
		rep.goVersion = strings.TrimSpace(string(out))
	}
	rep.nproc = runtime.NumCPU()
	if out, err := exec.Command("nproc").Output(); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil {
			rep.nproc = n
		}
	}
	rep.cpu = runtime.GOARCH
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				rep.cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	cmd := exec.Command("git", "describe", "--always", "--dirty", "--exclude", "*")
	cmd.Dir = rep.cfg.Dir
	if out, err := cmd.Output(); err == nil {
		rep.revision = strings.TrimSpace(string(out))
	}
}

// loadAverage returns the 1-minute load average, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

// Raw returns every benchmark line, for benchstat.
func (rep *Report) Raw() []byte {
	return []byte(strings.Join(rep.raw, "\n") + "\n")
}

// Plots returns the growth plots as SVG files by name.
func (rep *Report) Plots() map[string][]byte {
	files := map[string][]byte{}
	if rep.cfg.SkipGrowth {
		return files
	}
	for _, plot := range plotNames {
		p := &Plot{Title: plot.title, XLabel: plot.xLabel, YLabel: "time per Invoke (µs)",
			LogX: plot.logX, LogY: plot.logY, XTicks: plot.xTicks, XFormat: plot.xFormat, YFormat: formatMicros}
		bp := &Plot{Title: plot.title + ": memory", XLabel: plot.xLabel, YLabel: "bytes allocated per Invoke",
			LogX: plot.logX, LogY: true, XTicks: plot.xTicks, XFormat: plot.xFormat, YFormat: formatBytes}
		for _, s := range bench.GrowthSeries {
			if s.Plot != plot.name {
				continue
			}
			ps, bs := PlotSeries{Name: s.Title}, PlotSeries{Name: s.Title}
			for _, x := range s.X {
				res := rep.results[growthBench(s, x)]
				ps.X, ps.Y = append(ps.X, float64(x)), append(ps.Y, res.NsPerOp/1e3)
				bs.X, bs.Y = append(bs.X, float64(x)), append(bs.Y, res.BytesPerOp)
			}
			p.Series, bp.Series = append(p.Series, ps), append(bp.Series, bs)
		}
		files[plot.name+".svg"] = p.SVG()
		if plot.name == "body" {
			files[plot.name+"-memory.svg"] = bp.SVG()
		}
	}
	return files
}

var plotNames = []struct {
	name, title, xLabel string
	logX, logY          bool
	xTicks              []float64
	xFormat             func(float64) string
}{
	{"routes", "alb: Invoke against the size of the route table", "routes registered (the last one is requested)", true, false, nil, nil},
	{"headers", "alb: Invoke against the number of headers", "headers beyond the 7 of every request (or set on the response)", false, false, nil, nil},
	{"body", "alb: Invoke against the body size", "body size", true, true,
		[]float64{1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20}, formatBytes},
}

func formatMicros(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func formatBytes(v float64) string {
	switch {
	case v >= 1<<20:
		return strconv.FormatFloat(v/(1<<20), 'f', -1, 64) + " MiB"
	case v >= 1<<10:
		return strconv.FormatFloat(v/(1<<10), 'f', -1, 64) + " KiB"
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + " B"
}

// Markdown renders the report; images are linked under imageDir
// (with its trailing slash, or "").
func (rep *Report) Markdown(imageDir string) []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	rep.writeHeader(w)
	rep.writeCorrectness(w)
	rep.writeTimes(w)
	rep.writeTargets(w)
	rep.writeSpeedTargets(w)
	rep.writeTyped(w)
	rep.writeDirect(w)
	rep.writeProfiles(w)
	rep.writeCold(w)
	if !rep.cfg.SkipGrowth {
		rep.writeGrowth(w, imageDir)
	}
	return []byte(b.String())
}

type writer func(format string, args ...any)

func (rep *Report) writeHeader(w writer) {
	w("Command: `cd bench && go run ./cmd/report -benchtime %s -count %d`. Each case ran %d times, each time in a process of its own, in %d rounds over all cases; the tables show the median (%d benchmark processes; the whole command took %s, on %s).\n\n",
		rep.cfg.BenchTime, rep.cfg.Count, rep.cfg.Count, rep.cfg.Count, rep.runs, rep.elapsed.Round(time.Second), rep.started.UTC().Format("2006-01-02 15:04 UTC"))
	w("- Go: `%s`\n- Machine: %s, %d logical CPUs (`nproc`), shared with other work while it ran (1-minute load average %s before the timings, %s after)\n",
		rep.goVersion, rep.cpu, rep.nproc, rep.loadBefore, rep.loadAfter)
	if rep.revision != "" {
		w("- alb: the working tree at `%s`\n", rep.revision)
	}
	w("\nAbsolute numbers move between machines (and, on a shared machine, between runs); the ratios are what to compare.\n\n")
}

func (rep *Report) writeCorrectness(w writer) {
	w("### Correctness\n\n")
	w("Every contender's answer to every workload, in both header modes, checked before timing: status, key headers, cookies and body as the client receives them, and `albtest.Validate`. ✓ right and valid; ⚠ right, with a deviation a real ALB is reported to accept that `albtest.Validate` refuses; ✗ wrong, or refused by the ALB (rules from `docs/wire-contract.md`).\n\n")
	w("| contender |")
	for _, wl := range bench.Workloads {
		w(" %s |", wl.Name)
	}
	w("\n|---|")
	for range bench.Workloads {
		w("---|")
	}
	w("\n")
	for _, c := range bench.Contenders {
		w("| %s |", c.Name)
		for _, wl := range bench.Workloads {
			if !c.Serves(wl.Name) {
				w(" %s |", notApplicable)
				continue
			}
			w(" %s %s |", rep.verdicts[key(wl.Name, c.Name, "single")].Mark(), rep.verdicts[key(wl.Name, c.Name, "multi")].Mark())
		}
		w("\n")
	}
	w("\nEach cell: single-value mode, then multi-value mode; %s: the contender does not serve that workload.\n\n", notApplicable)
	for _, c := range bench.Contenders {
		type where struct {
			issue string
			cases []string
		}
		var issues []*where
		total := 0
		for _, wl := range bench.Workloads {
			if !c.Serves(wl.Name) {
				continue
			}
			for _, m := range bench.Modes {
				total++
				v := rep.verdicts[key(wl.Name, c.Name, m.Name)]
				for _, is := range slices.Concat(prefixAll("✗ ", v.Wrong), prefixAll("⚠ ", v.Tolerated)) {
					i := slices.IndexFunc(issues, func(x *where) bool { return x.issue == is })
					if i < 0 {
						issues = append(issues, &where{issue: is})
						i = len(issues) - 1
					}
					issues[i].cases = append(issues[i].cases, wl.Name+" "+m.Name)
				}
			}
		}
		if len(issues) == 0 {
			continue
		}
		w("**%s**\n\n", c.Name)
		for _, is := range issues {
			w("- %s — %s\n", is.issue, describeCases(is.cases, total/len(bench.Modes)))
		}
		w("\n")
	}
}

func prefixAll(p string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return out
}

// describeCases says where an issue occurs among the cases of a
// contender that serves workloads workloads: "every case", "every
// single-value case" or the list.
func describeCases(cases []string, workloads int) string {
	if len(cases) == workloads*len(bench.Modes) {
		return "every case"
	}
	for _, mode := range []string{"single", "multi"} {
		all := len(cases) == workloads
		for _, c := range cases {
			all = all && strings.HasSuffix(c, " "+mode)
		}
		if all {
			return "every " + mode + "-value case"
		}
	}
	return strings.Join(cases, ", ")
}

func (rep *Report) writeTimes(w writer) {
	w("### Time per invocation\n\n")
	w("`lambda.NewHandler(x).Invoke(ctx, event)`, as `lambda.Start` calls it, on the same event bytes for every contender (a browser's 19 headers, plus host and the ALB's 4). ns/op, and in parentheses the ratio to alb's time; the mark is the correctness verdict above.\n\n")
	for _, m := range bench.Modes {
		w("**%s-value mode**: ns/op (× alb)\n\n| workload |", m.Name)
		for _, c := range bench.Contenders {
			w(" %s |", c.Name)
		}
		w("\n|---|")
		for range bench.Contenders {
			w("--:|")
		}
		w("\n")
		for _, wl := range bench.Workloads {
			alb := rep.results[contenderBench(wl.Name, "alb", m.Name)]
			w("| %s |", wl.Name)
			for _, c := range bench.Contenders {
				if !c.Serves(wl.Name) {
					w(" %s |", notApplicable)
					continue
				}
				res := rep.results[contenderBench(wl.Name, c.Name, m.Name)]
				mark := rep.verdicts[key(wl.Name, c.Name, m.Name)].Mark()
				if c.Name == "alb" {
					w(" %s %s |", mark, thousands(res.NsPerOp))
					continue
				}
				w(" %s %s (%s) |", mark, thousands(res.NsPerOp), ratio(res.NsPerOp/alb.NsPerOp))
			}
			w("\n")
		}
		w("\n")
	}
	for _, m := range bench.Modes {
		w("**%s-value mode**: allocs/op, B/op\n\n| workload |", m.Name)
		for _, c := range bench.Contenders {
			w(" %s |", c.Name)
		}
		w("\n|---|")
		for range bench.Contenders {
			w("--:|")
		}
		w("\n")
		for _, wl := range bench.Workloads {
			w("| %s |", wl.Name)
			for _, c := range bench.Contenders {
				if !c.Serves(wl.Name) {
					w(" %s |", notApplicable)
					continue
				}
				res := rep.results[contenderBench(wl.Name, c.Name, m.Name)]
				w(" %s, %s |", thousands(res.AllocsPerOp), thousands(res.BytesPerOp))
			}
			w("\n")
		}
		w("\n")
	}
}

// nonJSON are the workloads whose answer is not encoding/json output: the
// issue's 2-allocation budget applies to them.
var nonJSON = map[string]bool{"session": true, "logo": true}

func (rep *Report) writeTargets(w writer) {
	w("### Targets\n\n")
	w("The first comparison's targets for alb: at least 10× faster than the handwritten handler and every adapter; at most 2 allocations per invocation for non-JSON answers (session, logo); within 1.3× of the floor's time.\n\n")
	w("| workload | mode | others ÷ alb (fastest–slowest) | alb allocs/op (direct Invoke) | alb ÷ floor |\n|---|---|--:|--:|--:|\n")
	for _, wl := range bench.Workloads {
		for _, m := range bench.Modes {
			alb := rep.results[contenderBench(wl.Name, "alb", m.Name)]
			lo, hi := 0.0, 0.0
			for _, c := range bench.Contenders {
				if c.Name == "alb" || c.Name == "alb-typed" || c.Name == "floor" || !c.Serves(wl.Name) {
					continue
				}
				r := rep.results[contenderBench(wl.Name, c.Name, m.Name)].NsPerOp / alb.NsPerOp
				if lo == 0 || r < lo {
					lo = r
				}
				hi = max(hi, r)
			}
			direct := rep.results[directBench(wl.Name, m.Name)]
			floor := rep.results[contenderBench(wl.Name, "floor", m.Name)]
			fr := alb.NsPerOp / floor.NsPerOp
			allocMark := ""
			if nonJSON[wl.Name] {
				allocMark = check(direct.AllocsPerOp <= 2)
			}
			w("| %s | %s | %s %s–%s | %s %s (%s) | %s %s |\n", wl.Name, m.Name,
				check(lo >= 10), ratio(lo), ratio(hi),
				allocMark, thousands(alb.AllocsPerOp), thousands(direct.AllocsPerOp),
				check(fr <= 1.3), ratio(fr))
		}
	}
	w("\n")
}

// speedTargets are the speed issue's targets, checked on the median times
// of the run: the geometric means over the workloads whose answer does
// not bind or write a JSON order (every one but order), both modes, of
// alb's time over the floor's and of the handwritten handler's over
// alb's; the same two ratios for the order (bind a JSON body, answer
// JSON) in each mode; and the allocations of the binary answer (logo)
// through lambda.NewHandler.
var speedTargets = struct {
	floorGeomean, handwrittenGeomean float64 // at most, at least
	orderFloor, orderHandwritten     float64 // at most, at least
	logoAllocs                       float64 // at most
}{1.5, 7, 2.5, 3, 3}

func (rep *Report) writeSpeedTargets(w writer) {
	t := speedTargets
	w("### Speed targets\n\n")
	w("The speed issue's targets for alb, on the medians above: over the workloads other than order, in both modes, the geometric mean of alb ÷ floor at most %s and of handwritten ÷ alb at least %s; for order, alb ÷ floor at most %s and handwritten ÷ alb at least %s in each mode; the logo through `lambda.NewHandler` in at most %s allocations.\n\n",
		ratio(t.floorGeomean), ratio(t.handwrittenGeomean), ratio(t.orderFloor), ratio(t.orderHandwritten), thousands(t.logoAllocs))
	ns := func(wl, c, m string) float64 { return rep.results[contenderBench(wl, c, m)].NsPerOp }
	var floorRatios, handRatios []float64
	for _, wl := range bench.Workloads {
		if wl.Name == "order" {
			continue
		}
		for _, m := range bench.Modes {
			alb := ns(wl.Name, "alb", m.Name)
			floorRatios = append(floorRatios, alb/ns(wl.Name, "floor", m.Name))
			handRatios = append(handRatios, ns(wl.Name, "handwritten", m.Name)/alb)
		}
	}
	fg, hg := geomean(floorRatios), geomean(handRatios)
	w("| target | measured |\n|---|--:|\n")
	w("| alb ÷ floor, geometric mean of %d cases ≤ %s | %s %s |\n", len(floorRatios), ratio(t.floorGeomean), check(fg <= t.floorGeomean), ratio2(fg))
	w("| handwritten ÷ alb, geometric mean of %d cases ≥ %s | %s %s |\n", len(handRatios), ratio(t.handwrittenGeomean), check(hg >= t.handwrittenGeomean), ratio2(hg))
	for _, m := range bench.Modes {
		alb := ns("order", "alb", m.Name)
		fr, hr := alb/ns("order", "floor", m.Name), ns("order", "handwritten", m.Name)/alb
		w("| order, %s: alb ÷ floor ≤ %s | %s %s |\n", m.Name, ratio(t.orderFloor), check(fr <= t.orderFloor), ratio2(fr))
		w("| order, %s: handwritten ÷ alb ≥ %s | %s %s |\n", m.Name, ratio(t.orderHandwritten), check(hr >= t.orderHandwritten), ratio2(hr))
	}
	for _, m := range bench.Modes {
		a := rep.results[contenderBench("logo", "alb", m.Name)].AllocsPerOp
		w("| logo, %s: allocs/op through lambda.NewHandler ≤ %s | %s %s |\n", m.Name, thousands(t.logoAllocs), check(a <= t.logoAllocs), thousands(a))
	}
	w("\n")
}

// geomean returns the geometric mean of xs, which must be positive.
func geomean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range xs {
		sum += math.Log(x)
	}
	return math.Exp(sum / float64(len(xs)))
}

// ratio2 formats a ratio with two decimals, for a target close to it.
func ratio2(r float64) string { return strconv.FormatFloat(r, 'f', 2, 64) + "×" }

// writeTyped compares alb's typed handlers with the same endpoints
// written by hand, and with huma.
func (rep *Report) writeTyped(w writer) {
	typed, huma := bench.ContenderByName("alb-typed"), bench.ContenderByName("huma")
	if typed == nil {
		return
	}
	w("### Typed handlers\n\n")
	w("alb-typed binds and checks with `alb.Register`'s tags the rules that alb checks by hand (package `app` lists them); the issue's target: at most 1.2× the hand-written endpoint's time.\n\n")
	w("| workload | mode | alb ns/op | alb-typed ns/op | alb-typed ÷ alb | allocs/op alb, alb-typed | huma ns/op (÷ alb-typed) |\n|---|---|--:|--:|--:|--:|--:|\n")
	for _, wl := range bench.Workloads {
		if !typed.Serves(wl.Name) {
			continue
		}
		for _, m := range bench.Modes {
			a := rep.results[contenderBench(wl.Name, "alb", m.Name)]
			t := rep.results[contenderBench(wl.Name, "alb-typed", m.Name)]
			h := notApplicable
			if huma != nil && huma.Serves(wl.Name) {
				hr := rep.results[contenderBench(wl.Name, "huma", m.Name)]
				h = rep.verdicts[key(wl.Name, "huma", m.Name)].Mark() + " " + thousands(hr.NsPerOp) + " (" + ratio(hr.NsPerOp/t.NsPerOp) + ")"
			}
			r := t.NsPerOp / a.NsPerOp
			w("| %s | %s | %s | %s | %s %s | %s, %s | %s |\n", wl.Name, m.Name, thousands(a.NsPerOp), thousands(t.NsPerOp),
				check(r <= 1.2), ratio(r), thousands(a.AllocsPerOp), thousands(t.AllocsPerOp), h)
		}
	}
	w("\n")
}

func check(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

func (rep *Report) writeDirect(w writer) {
	w("### What `lambda.NewHandler` adds\n\n")
	w("alb's `Invoke` called directly, against the same call through `lambda.NewHandler`, which wraps the returned bytes in a `bytes.Buffer` and reads them back.\n\n")
	w("| workload | mode | direct ns/op | allocs/op | B/op | through lambda.NewHandler ns/op | allocs/op | B/op |\n|---|---|--:|--:|--:|--:|--:|--:|\n")
	for _, wl := range bench.Workloads {
		for _, m := range bench.Modes {
			d := rep.results[directBench(wl.Name, m.Name)]
			a := rep.results[contenderBench(wl.Name, "alb", m.Name)]
			w("| %s | %s | %s | %s | %s | %s | %s | %s |\n", wl.Name, m.Name,
				thousands(d.NsPerOp), thousands(d.AllocsPerOp), thousands(d.BytesPerOp),
				thousands(a.NsPerOp), thousands(a.AllocsPerOp), thousands(a.BytesPerOp))
		}
	}
	w("\n")
}

func (rep *Report) writeProfiles(w writer) {
	if len(rep.profiles) == 0 {
		return
	}
	w("### Where alb's time goes\n\n")
	w("For each workload where alb is over 1.3× the floor's time (single-value mode), the top entries of a CPU profile of that benchmark (`-benchtime %s`, flat time; the benchmark loop and the test binary's GC are part of it).\n\n", rep.cfg.ProfTime)
	for _, wl := range bench.Workloads {
		top := rep.profiles[wl.Name]
		if top == nil {
			continue
		}
		w("<details><summary>%s</summary>\n\n| flat | cum | function |\n|--:|--:|---|\n", wl.Name)
		for _, e := range top {
			w("| %s | %s | `%s` |\n", e.Flat, e.Cum, e.Func)
		}
		w("\n</details>\n\n")
	}
}

func (rep *Report) writeCold(w writer) {
	if len(rep.cold) == 0 {
		return
	}
	w("### Cold start\n\n")
	w("Each contender's `cmd/<name>/main.go` (the same file but for one import), built with `CGO_ENABLED=0 go build -trimpath -ldflags='-s -w'`, with and without `-tags lambda.norpc`. Run with `GODEBUG=inittrace=1 BENCH_INIT_ONLY=1` and no `AWS_LAMBDA_RUNTIME_API`: the program initialises its packages, builds its handler and exits before `lambda.Start`. Median of %d runs. *init* sums the inittrace lines (clock time, heap bytes and allocations of every package's init); *setup* is building the router in `main`; *exec to exit* is the whole process, as this machine's parent process sees it.\n\n", rep.cfg.ColdRuns)
	w("| contender | binary | with lambda.norpc | packages with init | init (ms) | init allocs | init bytes | setup (ms) | exec to exit (ms) | init, lambda.norpc (ms) |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, c := range rep.cold {
		w("| %s | %s | %s | %d | %.2f | %s | %s | %.3f | %.1f | %.2f |\n", c.Contender,
			mib(c.Size), mib(c.SizeNoRPC), c.Packages, c.InitMs, thousands(float64(c.InitAllocs)),
			thousands(float64(c.InitBytes)), c.SetupMs, c.ExecMs, c.NoRPCInitMs)
	}
	w("\n")
}

func mib(n int64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 2, 64) + " MiB" }

func (rep *Report) writeGrowth(w writer, imageDir string) {
	w("### Growth\n\n")
	w("alb's `Invoke`, called directly, in single-value mode unless the series says otherwise; each point in a process of its own.\n\n")
	for _, plot := range plotNames {
		w("![%s](%s%s.svg)\n\n", plot.title, imageDir, plot.name)
		if plot.name == "body" {
			w("![%s: memory](%sbody-memory.svg)\n\n", plot.title, imageDir)
		}
		for _, s := range bench.GrowthSeries {
			if s.Plot != plot.name {
				continue
			}
			w("**%s** (`series=%s`)", s.Title, s.Name)
			if s.Note != "" {
				w(": %s", s.Note)
			}
			last := "ns/op per KiB"
			if s.Unit != "bytes" {
				last = "time ÷ time at " + strconv.Itoa(s.X[0])
			}
			w("\n\n| %s | ns/op | allocs/op | B/op | %s |\n|--:|--:|--:|--:|--:|\n", s.Unit, last)
			first := rep.results[growthBench(s, s.X[0])].NsPerOp
			for _, x := range s.X {
				res := rep.results[growthBench(s, x)]
				xs, per := strconv.Itoa(x), ratio(res.NsPerOp/first)
				if s.Unit == "bytes" {
					xs, per = formatBytes(float64(x)), thousands(res.NsPerOp/float64(x)*1024)
				}
				w("| %s | %s | %s | %s | %s |\n", xs, thousands(res.NsPerOp), thousands(res.AllocsPerOp), thousands(res.BytesPerOp), per)
			}
			w("\n")
		}
	}
	w("**Buffer-pool history** (`BenchmarkPoolHistory`): the same response on a fresh router, and after the process answered 50,000 two-byte responses, which would calibrate a size-tracking buffer pool (bytebufferpool, which alb used before) to small buffers; alb's plain sync.Pool, grown once per response, is indifferent to it.\n\n")
	w("| response | history | ns/op | allocs/op | B/op |\n|---|---|--:|--:|--:|\n")
	for _, rc := range bench.PoolHistoryCases {
		for _, warm := range []bool{false, true} {
			res := rep.results[historyBench(rc.Name, warm)]
			w("| %s | %s | %s | %s | %s |\n", rc.Title, bench.HistoryName(warm), thousands(res.NsPerOp), thousands(res.AllocsPerOp), thousands(res.BytesPerOp))
		}
	}
	w("\n")
}

// thousands formats v rounded, with thousands separators; values under 10
// keep one decimal when they have one.
func thousands(v float64) string {
	if v < 10 && v != float64(int64(v)) {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func ratio(r float64) string {
	if r >= 10 {
		return strconv.FormatFloat(r, 'f', 0, 64) + "×"
	}
	return strconv.FormatFloat(r, 'f', 1, 64) + "×"
}
