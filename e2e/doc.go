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
//
// The docs page tests (docs_test.go) also need the npm packages that
// package.json lists and package-lock.json pins (Swagger UI, whose files
// stand in for the CDN's); they skip without them, except in CI (CI set),
// where they fail. Install them here, never globally:
//
//	npm ci --ignore-scripts
package e2e
