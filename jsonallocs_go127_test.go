//go:build go1.27

package alb

// marshalAllocs is how many times encoding/json's Marshal allocates for
// the small struct of the budget's JSON handler. Go 1.27's encoding/json,
// built on encoding/json/v2, allocates once more than Go 1.26's.
const marshalAllocs = 3
