// Package e2e holds the end-to-end tests: the example programs built and
// run as a developer runs them, and driven by a real browser (headless
// Chromium through the Chrome DevTools Protocol, with chromedp).
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
