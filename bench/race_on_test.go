//go:build race

package bench

// raceEnabled reports whether the tests run under the race detector, which
// adds allocations: allocation budgets are not asserted then.
const raceEnabled = true
