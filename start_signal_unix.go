//go:build unix && !lambda.norpc

package alb

import (
	"os"
	"os/signal"
	"syscall"
)

// healthSignalName is the signal that sends a health check, without "SIG".
const healthSignalName = "USR1"

// healthSignal returns a channel that receives SIGUSR1, and the function
// that stops the delivery.
func healthSignal() (<-chan os.Signal, func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR1)
	return c, func() { signal.Stop(c) }
}
