package runtimeapi

import (
	"os"
	"os/signal"
	"syscall"
)

// Extensions API paths, and the internal extension whose registration
// makes Lambda send SIGTERM before it stops the execution environment. The
// name is the one aws-lambda-go registers, so that the environment's
// extension list reads the same whichever loop runs.
const (
	extensionRegisterPath = "/2020-01-01/extension/register"
	extensionNextPath     = "/2020-01-01/extension/event/next"
	sigtermExtension      = "GoLangEnableSIGTERM"
)

// enableSIGTERM runs hooks, in order, when the process gets SIGTERM, and
// registers the internal extension that makes Lambda send it: an extension
// that subscribes to no event, whose GET of the next event, which never
// returns, tells the API that it is initialized. Failures are logged, as
// warnings: the function runs without SIGTERM.
func enableSIGTERM(api string, hooks []func(), logf func(string, ...any)) {
	if len(hooks) > 0 {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM)
		go func() {
			<-sig
			for _, f := range hooks {
				f()
			}
		}()
	}
	c := newConn(api, "Lambda-Extension-Identifier")
	c.startRequest("POST", extensionRegisterPath, "", "")
	c.header("Lambda-Extension-Name", sigtermExtension)
	if err := c.do([]byte(`{"events":null}`), true); err != nil || c.status != 200 {
		c.close()
		logf("WARNING! alb: could not register the extension that enables SIGTERM (status %d, error %v): SIGTERM may not be sent", c.status, err)
		return
	}
	id, _ := c.value(0)
	c.startRequest("GET", extensionNextPath, "", "")
	c.header("Lambda-Extension-Identifier", string(id))
	go func() {
		err := c.do(nil, false)
		c.close()
		logf("WARNING! alb: the GET of the SIGTERM extension's next event returned (status %d, error %v): it never should", c.status, err)
	}()
}
