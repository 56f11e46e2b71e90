//go:build go1.27

package goccy_test

// toolchainDifferences are the differences from encoding/json of Go 1.27
// on: none more.
var toolchainDifferences = map[string]string{}
