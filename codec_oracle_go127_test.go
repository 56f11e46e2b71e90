//go:build go1.27

package alb

// encodingJSONOnV2 reports whether encoding/json is implemented with JSON v2
// (from Go 1.27), which changes a few of the oracle's answers.
const encodingJSONOnV2 = true
