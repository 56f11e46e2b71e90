//go:build !unix && !lambda.norpc

package alb

import "os"

// healthSignalName is empty: there is no health-check signal here.
const healthSignalName = ""

// healthSignal returns nil: only Unix has SIGUSR1.
func healthSignal() (<-chan os.Signal, func()) { return nil, func() {} }
