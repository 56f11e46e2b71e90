package runtimeapi

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"

	"github.com/aws/aws-lambda-go/lambda/messages"
)

// errorResponse is the error response for a handler's error: its message,
// and as its type the name of its Go type (without the pointer). An error
// that is a messages.InvokeResponse_Error is posted as it is.
func errorResponse(err error) *messages.InvokeResponse_Error {
	if e, ok := err.(messages.InvokeResponse_Error); ok {
		return &e
	}
	return &messages.InvokeResponse_Error{Message: err.Error(), Type: typeName(err)}
}

// panicResponse is the error response for a panic with value p, called
// from the deferred function that recovered it: the value formatted with
// %v, its type, and the stack from the panic down, and ShouldExit set.
func panicResponse(p any) *messages.InvokeResponse_Error {
	if e, ok := p.(messages.InvokeResponse_Error); ok {
		return &e
	}
	return &messages.InvokeResponse_Error{
		Message:    fmt.Sprintf("%v", p),
		Type:       typeName(p),
		StackTrace: panicStack(),
		ShouldExit: true,
	}
}

func typeName(v any) string {
	t := reflect.TypeOf(v)
	if t == nil {
		return ""
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// maxFrames bounds the stack of a panic's error response.
const maxFrames = 32

// panicStack returns the stack of the panicking goroutine from
// runtime.gopanic down, called from panicResponse in the deferred
// function.
func panicStack() []*messages.InvokeResponse_Error_StackFrame {
	var pcs [maxFrames]uintptr
	// Skip runtime.Callers, panicStack, panicResponse and the deferred
	// function: the first frame is the runtime's panic.
	n := runtime.Callers(4, pcs[:])
	stack := make([]*messages.InvokeResponse_Error_StackFrame, 0, n)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if f.PC != 0 || f.Function != "" {
			stack = append(stack, stackFrame(f))
		}
		if !more {
			return stack
		}
	}
}

// stackFrame describes f as Lambda's Go runtime does: the file path from
// the import path of the function's package ("github.com/x/y/file.go", not
// the build machine's directory), and the function without its package
// ("Type.Method", "handler.func1").
func stackFrame(f runtime.Frame) *messages.InvokeResponse_Error_StackFrame {
	fn := f.Function
	// The file keeps as many trailing path elements as the function's
	// import path has, plus the file name.
	keep := strings.Count(fn, "/") + 2
	path := f.File
	cut := len(path)
	for range keep {
		i := strings.LastIndexByte(path[:cut], '/')
		if i < 0 {
			cut = -1
			break
		}
		cut = i
	}
	path = path[cut+1:]
	label := fn[strings.LastIndexByte(fn, '/')+1:]
	label = label[strings.IndexByte(label, '.')+1:]
	return &messages.InvokeResponse_Error_StackFrame{Path: path, Line: int32(f.Line), Label: label}
}

// marshalError is the JSON body of an error response:
// {"errorMessage":...,"errorType":...,"stackTrace":[...]}.
func marshalError(e *messages.InvokeResponse_Error) []byte {
	b, err := json.Marshal(e)
	if err != nil { // a messages.InvokeResponse_Error always marshals
		b, _ = json.Marshal(messages.InvokeResponse_Error{Type: "Runtime.SerializationError", Message: err.Error()})
	}
	return b
}

// The X-Ray error cause: the error as an exception, with the working
// directory and the files of its stack.
type xrayException struct {
	Type    string                                      `json:"type"`
	Message string                                      `json:"message"`
	Stack   []*messages.InvokeResponse_Error_StackFrame `json:"stack"`
}

type xrayError struct {
	WorkingDirectory string          `json:"working_directory"`
	Exceptions       []xrayException `json:"exceptions"`
	Paths            []string        `json:"paths"`
}

// xrayCause is the value of the Lambda-Runtime-Function-Xray-Error-Cause
// header for e.
func xrayCause(e *messages.InvokeResponse_Error) []byte {
	x := xrayError{Paths: make([]string, 0, len(e.StackTrace))}
	x.WorkingDirectory, _ = os.Getwd()
	stack := e.StackTrace
	if stack == nil {
		stack = []*messages.InvokeResponse_Error_StackFrame{}
	}
	x.Exceptions = []xrayException{{Type: e.Type, Message: e.Message, Stack: stack}}
	for _, f := range e.StackTrace {
		if !contains(x.Paths, f.Path) {
			x.Paths = append(x.Paths, f.Path)
		}
	}
	b, err := json.Marshal(x)
	if err != nil {
		return nil
	}
	return b
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validHeaderValue reports whether s can be sent as a header value as it
// is: no control characters but tab. (JSON escapes every control character
// but DEL.)
func validHeaderValue(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
