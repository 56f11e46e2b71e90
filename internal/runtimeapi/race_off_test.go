//go:build !race

package runtimeapi_test

// raceEnabled reports whether the tests run under the race detector, which
// adds allocations: allocation budgets are not asserted then.
const raceEnabled = false
