//go:build !unix

package runtimeapi

import (
	"net"
	"time"
)

// blockingSocket leaves nc as it is: only Unix sockets are put in blocking
// mode (see socket_unix.go).
func blockingSocket(net.Conn) {}

// shutdownSocket ends a read that waits on nc.
func shutdownSocket(nc net.Conn) { nc.SetReadDeadline(time.Unix(1, 0)) }
