//go:build !go1.27

package sonic_test

// toolchainDifferences are the differences from encoding/json before Go
// 1.27: none more.
var toolchainDifferences = map[string]string{}
