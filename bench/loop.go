package bench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/albkit/alb/bench/contenders/albapp"
	"github.com/albkit/alb/bench/contenders/floor"
	"github.com/albkit/alb/bench/contenders/handwritten"
	"github.com/albkit/alb/internal/runtimeapi"
	"github.com/albkit/alb/internal/runtimeapitest"
)

// The full-loop benchmark runs each loop contender in a process of its
// own, as Lambda runs a function, against a fake Runtime API on loopback
// (package runtimeapitest, which allocates nothing per request) in the
// benchmark's process. Per invocation it reports the wall time, the
// contender process's CPU time (user and system, from getrusage), its
// allocations (runtime.MemStats.Mallocs) and the fake API's own CPU time,
// measured the same way in its process.

// LoopContender is one way to serve the application in a Lambda process:
// a handler on a runtime loop.
type LoopContender struct {
	Name, Desc string
	start      func() // serves through AWS_LAMBDA_RUNTIME_API; never returns
}

// LoopContenders are the contenders of the full-loop benchmark.
var LoopContenders = []*LoopContender{
	{Name: "alb", Desc: "alb's router on alb's own loop (alb.Start's default)",
		start: func() { runtimeapi.Start(albapp.New(), runtimeapi.Options{}) }},
	{Name: "alb-awsloop", Desc: "alb's router on aws-lambda-go's loop (ALB_RUNTIME=aws-lambda-go)",
		start: func() { lambda.Start(albapp.New()) }},
	{Name: "handwritten", Desc: "the handwritten aws-lambda-go function on aws-lambda-go's loop",
		start: func() { lambda.Start(handwritten.New().Handle) }},
	{Name: "floor", Desc: "the floor handler on alb's own loop",
		start: func() { runtimeapi.Start(floor.New(), runtimeapi.Options{}) }},
}

// loopChildEnv names the contender a child process serves.
const loopChildEnv = "BENCH_LOOP_CHILD"

// RunLoopChild serves the contender named by BENCH_LOOP_CHILD and never
// returns, if it is set; otherwise it returns at once. On SIGUSR1 the
// child writes a line "stats <mallocs> <user ns> <system ns>" to standard
// output.
func RunLoopChild() {
	name := os.Getenv(loopChildEnv)
	if name == "" {
		return
	}
	var c *LoopContender
	for _, lc := range LoopContenders {
		if lc.Name == name {
			c = lc
		}
	}
	if c == nil {
		fmt.Fprintln(os.Stderr, "no loop contender", name)
		os.Exit(2)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	go func() {
		var ms runtime.MemStats
		line := make([]byte, 0, 128)
		for range sig {
			// Allocation free, so that the count is the contender's.
			runtime.ReadMemStats(&ms)
			user, sys := rusage()
			line = append(line[:0], "stats "...)
			line = strconv.AppendUint(line, ms.Mallocs, 10)
			line = append(line, ' ')
			line = strconv.AppendInt(line, user, 10)
			line = append(line, ' ')
			line = strconv.AppendInt(line, sys, 10)
			line = append(line, '\n')
			os.Stdout.Write(line)
		}
	}()
	c.start()
	os.Exit(3)
}

// rusage returns this process's user and system CPU time, in nanoseconds.
func rusage() (user, sys int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return ru.Utime.Nano(), ru.Stime.Nano()
}

// LoopCase is one measurement: a contender, GOMAXPROCS and the number of
// loops (AWS_LAMBDA_MAX_CONCURRENCY).
type LoopCase struct {
	Contender   *LoopContender
	GOMAXPROCS  int
	Concurrency int
	N           int // invocations measured, after a warm-up of N/10
}

// LoopResult is what a LoopCase measured, per invocation.
type LoopResult struct {
	Wall, CPU, FakeCPU time.Duration
	Allocs             float64
	Redials            int    // connections beyond one per loop
	First              []byte // the first response
}

// MeasureLoop runs lc: command starts the process that serves (this
// program again, with BENCH_LOOP_CHILD; a test binary with -test.run),
// against a fake Runtime API handing out event.
func MeasureLoop(lc LoopCase, event []byte, command []string) (LoopResult, error) {
	s, err := runtimeapitest.Start(event)
	if err != nil {
		return LoopResult{}, err
	}
	defer s.Close()
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = append(os.Environ(),
		loopChildEnv+"="+lc.Contender.Name,
		"AWS_LAMBDA_RUNTIME_API="+s.Addr(),
		"AWS_LAMBDA_MAX_CONCURRENCY="+strconv.Itoa(lc.Concurrency),
		"GOMAXPROCS="+strconv.Itoa(lc.GOMAXPROCS),
	)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return LoopResult{}, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return LoopResult{}, err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	lines := bufio.NewScanner(out)
	stats := func() (mallocs, cpu int64, err error) {
		if err := cmd.Process.Signal(syscall.SIGUSR1); err != nil {
			return 0, 0, err
		}
		for lines.Scan() {
			f := strings.Fields(lines.Text())
			if len(f) == 4 && f[0] == "stats" {
				m, _ := strconv.ParseInt(f[1], 10, 64)
				u, _ := strconv.ParseInt(f[2], 10, 64)
				y, _ := strconv.ParseInt(f[3], 10, 64)
				return m, u + y, nil
			}
		}
		return 0, 0, fmt.Errorf("the contender exited: %v\n%s", lines.Err(), stderr.String())
	}
	warm := max(lc.N/10, 2*lc.Concurrency)
	s.Release(warm)
	s.WaitAnswered(warm)
	if st := s.Stats(); st.Answered < warm {
		return LoopResult{}, fmt.Errorf("%d of %d warm-up invocations answered:\n%s", st.Answered, warm, stderr.String())
	}
	m0, c0, err := stats()
	if err != nil {
		return LoopResult{}, err
	}
	u0, y0 := rusage()
	t0 := time.Now()
	s.Release(lc.N)
	s.WaitAnswered(warm + lc.N)
	wall := time.Since(t0)
	u1, y1 := rusage()
	m1, c1, err := stats()
	if err != nil {
		return LoopResult{}, err
	}
	st := s.Stats()
	if st.Errors > 0 {
		return LoopResult{}, fmt.Errorf("%d invocation errors:\n%s", st.Errors, stderr.String())
	}
	s.End()
	go io.Copy(io.Discard, out)
	n := time.Duration(lc.N)
	return LoopResult{
		Wall:    wall / n,
		CPU:     time.Duration(c1-c0) / n,
		FakeCPU: time.Duration((u1-u0)+(y1-y0)) / n,
		Allocs:  float64(m1-m0) / float64(lc.N),
		Redials: st.Conns - lc.Concurrency,
		First:   st.First,
	}, nil
}

// LoopEvent is the event of the full-loop benchmark: the search workload,
// in single-value mode.
func LoopEvent() []byte {
	w := WorkloadByName("search")
	if w == nil {
		panic("no search workload")
	}
	return w.Event(false)
}
