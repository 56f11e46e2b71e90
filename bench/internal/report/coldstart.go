package report

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Cold is the cold-start cost of one contender's minimal main.
type Cold struct {
	Contender   string
	Size        int64   // bytes, CGO_ENABLED=0 -trimpath -ldflags='-s -w'
	SizeNoRPC   int64   // the same with -tags lambda.norpc
	Packages    int     // packages with init work
	InitMs      float64 // sum of the init clocks, ms (median of runs)
	InitBytes   int64
	InitAllocs  int64
	SetupMs     float64 // building the handler in main, ms (median)
	ExecMs      float64 // exec to exit with BENCH_INIT_ONLY, ms (median)
	NoRPCInitMs float64 // InitMs of the lambda.norpc binary
}

var initLine = regexp.MustCompile(`^init (\S+) @[\d.]+ ms, ([\d.]+) ms clock, (\d+) bytes, (\d+) allocs`)
var setupLine = regexp.MustCompile(`^setup (\d+) ns`)

// coldStart builds cmd/name both ways and measures its initialisation.
func (r *runner) coldStart(name string) (*Cold, error) {
	c := &Cold{Contender: name}
	bins := [2]string{filepath.Join(r.tmp, name), filepath.Join(r.tmp, name+"-norpc")}
	for i, bin := range bins {
		args := []string{"build", "-trimpath", "-ldflags=-s -w", "-o", bin}
		if i == 1 {
			args = append(args, "-tags", "lambda.norpc")
		}
		cmd := exec.Command("go", append(args, "./cmd/"+name)...)
		cmd.Dir = r.cfg.Dir
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("build %s: %v\n%s", name, err, out)
		}
		st, err := os.Stat(bin)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			c.Size = st.Size()
		} else {
			c.SizeNoRPC = st.Size()
		}
	}
	var initMs, setupMs, execMs, noRPC []float64
	for range max(r.cfg.ColdRuns, 1) {
		for i, bin := range bins {
			t, err := runInit(bin)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", name, err)
			}
			if i == 1 {
				noRPC = append(noRPC, t.initMs)
				continue
			}
			initMs, setupMs, execMs = append(initMs, t.initMs), append(setupMs, t.setupMs), append(execMs, t.execMs)
			c.Packages, c.InitBytes, c.InitAllocs = t.packages, t.bytes, t.allocs
		}
	}
	c.InitMs, c.SetupMs, c.ExecMs, c.NoRPCInitMs = median(initMs), median(setupMs), median(execMs), median(noRPC)
	return c, nil
}

type initTrace struct {
	packages        int
	initMs, setupMs float64
	execMs          float64
	bytes, allocs   int64
}

// runInit runs a contender binary up to the end of its setup, without a
// Lambda runtime API, and sums its inittrace.
func runInit(bin string) (*initTrace, error) {
	cmd := exec.Command(bin)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_LAMBDA_RUNTIME_API=") && !strings.HasPrefix(kv, "GODEBUG=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "GODEBUG=inittrace=1", "BENCH_INIT_ONLY=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v\n%s", err, stderr.Bytes())
	}
	t := &initTrace{execMs: float64(time.Since(start)) / 1e6}
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		if m := initLine.FindStringSubmatch(sc.Text()); m != nil {
			clock, _ := strconv.ParseFloat(m[2], 64)
			b, _ := strconv.ParseInt(m[3], 10, 64)
			a, _ := strconv.ParseInt(m[4], 10, 64)
			t.packages++
			t.initMs += clock
			t.bytes += b
			t.allocs += a
		} else if m := setupLine.FindStringSubmatch(sc.Text()); m != nil {
			ns, _ := strconv.ParseFloat(m[1], 64)
			t.setupMs = ns / 1e6
		}
	}
	if t.packages == 0 {
		return nil, fmt.Errorf("no inittrace output:\n%s", stderr.Bytes())
	}
	return t, nil
}
