//go:build unix

package runtimeapi

import (
	"net"
	"syscall"
)

// blockingSocket puts the socket of nc in blocking mode: a read or a write
// then waits in the kernel, on the loop's own thread, instead of going
// through the runtime's network poller (a failed read, an epoll_wait and a
// wake-up per response), which is most of a loop's CPU time per
// invocation. Go treats the wait as any blocking system call: the loop's
// goroutine keeps its thread, and the scheduler runs other goroutines on
// another. A deadline no longer interrupts such a read: interrupt shuts
// the socket down instead.
func blockingSocket(nc net.Conn) {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) { syscall.SetNonblock(int(fd), false) })
}

// shutdownSocket ends a read that waits on nc, in blocking mode or not.
func shutdownSocket(nc net.Conn) {
	if sc, ok := nc.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			rc.Control(func(fd uintptr) { syscall.Shutdown(int(fd), syscall.SHUT_RDWR) })
			return
		}
	}
	nc.Close()
}
