//go:build !go1.27

package alb

// marshalAllocs is how many times encoding/json's Marshal allocates for
// the small struct of the budget's JSON handler: the interface boxing and
// the returned slice.
const marshalAllocs = 2
