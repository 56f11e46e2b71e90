// Package warnhook carries, in a context, a function that receives the
// warnings the framework logs about a response: a dropped Set-Cookie, an
// invalid header, a status out of range. The framework calls Report next to
// each such log call; the test kit (albtest.Strict) installs a hook with
// With and turns what it receives into test failures.
//
// A context without a hook costs nothing but the ctx.Value lookup in
// Report, which runs only on the warning path.
package warnhook

import (
	"context"
	"log/slog"
)

// Func receives one warning: the message and attributes that were logged.
// It may be called from any goroutine that builds a response, possibly
// concurrently; attrs must not be kept after it returns.
type Func func(msg string, attrs []slog.Attr)

// contextKey is the type of the key under which With stores a hook.
type contextKey struct{ name string }

// hookKey is the key; a pointer, so that no other package can make it.
var hookKey = &contextKey{"warnhook"}

// hook is the value stored under hookKey.
type hook struct{ f Func }

// With returns a copy of ctx in which Report calls f. A nil f removes any
// hook ctx carried.
func With(ctx context.Context, f Func) context.Context {
	if f == nil {
		return context.WithValue(ctx, hookKey, (*hook)(nil))
	}
	return context.WithValue(ctx, hookKey, &hook{f})
}

// Report hands msg and attrs to the hook in ctx, if there is one. A nil ctx
// has none.
func Report(ctx context.Context, msg string, attrs ...slog.Attr) {
	if ctx == nil {
		return
	}
	if h, _ := ctx.Value(hookKey).(*hook); h != nil {
		h.f(msg, attrs)
	}
}
