package bench

import (
	"bytes"
	"os"
	"testing"
)

// Each loop contender answers the event with the same response as alb's
// router does in-process (the handwritten one answers the same request,
// in its own bytes); alb's own loop stays within 20 allocations per
// invocation, loop and router together, and at 8 loops never re-dials.
func TestLoopContenders(t *testing.T) {
	RunLoopChild() // in the child process: serves, never returns
	if testing.Short() {
		t.Skip("starts a process per contender")
	}
	event := LoopEvent()
	want, err := ContenderByName("alb").Handler().Invoke(t.Context(), event)
	if err != nil {
		t.Fatal(err)
	}
	self := []string{os.Args[0], "-test.run=^TestLoopContenders$", "-test.count=1"}
	for _, c := range LoopContenders {
		for _, loops := range []int{1, 8} {
			r, err := MeasureLoop(LoopCase{Contender: c, GOMAXPROCS: 2, Concurrency: loops, N: 200}, event, self)
			if err != nil {
				t.Fatalf("%s, %d loops: %v", c.Name, loops, err)
			}
			if c.Name != "handwritten" && !bytes.Equal(r.First, want) {
				t.Errorf("%s answered\n%s\nwant\n%s", c.Name, r.First, want)
			}
			if c.Name != "alb" {
				continue
			}
			if r.Redials != 0 {
				t.Errorf("alb's loop, %d loops: %d re-dials, want 0", loops, r.Redials)
			}
			if !raceEnabled && r.Allocs > 20 {
				t.Errorf("alb's loop, %d loops: %.1f allocations per invocation, want at most 20", loops, r.Allocs)
			}
		}
	}
}
