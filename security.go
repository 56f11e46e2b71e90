package alb

import (
	"slices"
	"sync"
	"unsafe"
)

// SecurityScheme describes, for the API document (see Router.OpenAPI), how
// an authentication middleware reads a request's credentials: an OpenAPI
// 3.1 Security Scheme Object. The auth middleware of package middleware
// describe themselves; DescribeSecurity lets others do the same.
type SecurityScheme struct {
	// Name is the scheme's key in the document's components
	// ("bearerAuth"). Middleware described with the same Name must
	// describe the same scheme.
	Name string

	// Type is "http", "apiKey", "openIdConnect", "oauth2" or "mutualTLS".
	Type string

	// Scheme is the HTTP authentication scheme of type "http": "basic"
	// or "bearer".
	Scheme string

	// BearerFormat hints at the format of a bearer token ("JWT").
	BearerFormat string

	// In is where an apiKey is: "header", "query" or "cookie"; ParamName
	// is the name of that header, query parameter or cookie.
	In        string
	ParamName string

	// OpenIDConnectURL is the discovery URL of type "openIdConnect".
	OpenIDConnectURL string

	// Description says what the client must send (CommonMark).
	Description string
}

// Security is what DescribeSecurity records for one middleware: the
// schemes it accepts (any one of them satisfies it) and the error
// statuses it answers with.
type Security struct {
	Schemes []SecurityScheme

	// Errors are the statuses the middleware answers when the
	// credentials are missing or wrong (401, and 400 for a malformed
	// one, say), with what they mean.
	Errors []ErrorResponse
}

// securities maps a middleware, by the address of its function value, to
// its description. The entry holds the function value itself, which keeps
// the address from being reused by another closure once mw is no longer
// used elsewhere. Middleware values are created once, at start-up, so the
// map stays small.
var securities sync.Map // uintptr -> describedMiddleware

type describedMiddleware struct {
	mw   Middleware
	sec  *Security       // from DescribeSecurity, or nil
	errs []ErrorResponse // from DescribeErrors
}

// describe records a change to mw's description.
func describe(mw Middleware, change func(d *describedMiddleware)) {
	descriptionsMu.Lock()
	defer descriptionsMu.Unlock()
	d := describedMiddleware{mw: mw}
	if old, ok := securities.Load(funcKey(mw)); ok {
		d = old.(describedMiddleware)
	}
	change(&d)
	securities.Store(funcKey(mw), d)
}

// descriptionsMu serialises the changes to securities.
var descriptionsMu sync.Mutex

// DescribeSecurity records that mw authenticates requests as s says and
// returns mw, so that a constructor can end with
//
//	return alb.DescribeSecurity(mw, alb.Security{...})
//
// The API document then lists s's schemes as the security requirement of
// every route mw wraps, and s's errors among their answers. The
// description belongs to this function value: a middleware built by
// wrapping mw is not described unless it is described itself. The
// description, and mw with it, is kept for the life of the process:
// describe middleware built at start-up, not one per request.
func DescribeSecurity(mw Middleware, s Security) Middleware {
	if mw != nil {
		describe(mw, func(d *describedMiddleware) { d.sec = &s })
	}
	return mw
}

// DescribeErrors records that mw may answer a request with the error
// statuses errs, through the Router's ErrorHandler (an *HTTPError
// returned up the chain, as BodyLimit's 413), and returns mw. The API
// document lists them among the answers of every route mw wraps, in the
// shape the ErrorHandler gives. Like DescribeSecurity, it keeps mw for
// the life of the process.
func DescribeErrors(mw Middleware, errs ...ErrorResponse) Middleware {
	if mw != nil {
		describe(mw, func(d *describedMiddleware) { d.errs = slices.Clone(errs) })
	}
	return mw
}

// securityOf returns the security description of mw, or nil.
func securityOf(mw Middleware) *Security {
	return descriptionOf(mw).sec
}

// descriptionOf returns what is recorded of mw.
func descriptionOf(mw Middleware) describedMiddleware {
	if mw != nil {
		if d, ok := securities.Load(funcKey(mw)); ok {
			return d.(describedMiddleware)
		}
	}
	return describedMiddleware{}
}

// funcKey identifies a function value: the address of its closure (or of
// the function's static value when it captures nothing). Copies of a
// func value share it; two closures made by separate calls do not.
func funcKey(mw Middleware) uintptr {
	return *(*uintptr)(unsafe.Pointer(&mw))
}
