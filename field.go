package alb

// field is one (name, value) pair of a header or a query string, in the order
// it appeared. Request fields are views into the event payload; response
// fields are what the handler set.
type field struct {
	name  string
	value string
}
