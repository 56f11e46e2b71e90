//go:build go1.27

package jsoncorpus

// toolchainDefects are StandardJSON's defects from Go 1.27 on, whose
// encoding/json reports a bad ",string" number as a type error.
var toolchainDefects = map[string]string{
	"decode/string-option-bad": `Got "number abc"`,
}
