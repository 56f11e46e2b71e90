// Package e2e holds the end-to-end tests: the example programs built and
// run as a developer runs them, and driven by a real browser (headless
// Chromium through the Chrome DevTools Protocol, with chromedp); and the
// examples built as a Lambda bootstrap and run under AWS's Runtime
// Interface Emulator (rie_test.go, which installs it with go install
// unless ALB_RIE names one), on alb's runtime loop and on aws-lambda-go's.
//
// It is a module of its own, so that the browser driver never enters the
// main module's go.mod. Run it from this directory:
//
//	go test ./...
//
// The tests skip when Chromium is not installed; on Debian:
//
//	apt-get install -y chromium
package e2e
