package alb

import (
	"net/http"
	"strconv"
)

// HTTPError is an error with an HTTP status and a message meant for the
// client. A handler returns one to answer with that status; the default
// ErrorHandler sends Message (or the status text when it is empty) and never
// Err, which is only logged.
type HTTPError struct {
	Status  int    // the HTTP status code
	Message string // public: sent to the client
	Err     error  // internal cause: logged, never sent
}

// NewHTTPError returns an *HTTPError with the given status and public
// message. An empty message means the status text ("Not Found").
func NewHTTPError(status int, message string) *HTTPError {
	return &HTTPError{Status: status, Message: message}
}

// Error returns the status, the message and the cause, for logs.
func (e *HTTPError) Error() string {
	s := "alb: " + strconv.Itoa(e.Status) + " " + e.publicMessage()
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the internal cause.
func (e *HTTPError) Unwrap() error { return e.Err }

func (e *HTTPError) publicMessage() string {
	if e.Message != "" {
		return e.Message
	}
	if text := http.StatusText(e.Status); text != "" {
		return text
	}
	return "Error"
}

// The errors the router's default hooks return. Each is an *HTTPError, so
// the ErrorHandler formats them like any handler's error. The router also
// answers ErrDotDotSegment (a parameter holding a ".." segment) and an
// *HTTPError whose cause is ErrResponseTooLarge (see
// Router.TooLargeStatus) through the ErrorHandler.
var (
	// ErrNotFound is returned by the default NotFound hook: no route matches
	// the path.
	ErrNotFound = &HTTPError{Status: http.StatusNotFound}
	// ErrMethodNotAllowed is returned by the default MethodNotAllowed hook:
	// routes match the path, but none for the request's method.
	ErrMethodNotAllowed = &HTTPError{Status: http.StatusMethodNotAllowed}
)
