//go:build !go1.27

package jsoncorpus

// toolchainDefects are StandardJSON's defects before Go 1.27: none more.
var toolchainDefects = map[string]string{}
