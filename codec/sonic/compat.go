//go:build !((amd64 && go1.17 && !go1.28) || (arm64 && go1.20 && !go1.28))

package sonic

import "github.com/albkit/alb"

// nativeError returns nil: where sonic falls back to encoding/json, its
// errors are encoding/json's.
func nativeError(error) *alb.JSONError { return nil }
