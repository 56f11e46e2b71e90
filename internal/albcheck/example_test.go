package albcheck_test

import (
	"errors"
	"fmt"

	"github.com/albkit/alb/internal/albcheck"
)

func ExampleValidate() {
	resp := []byte(`{"statusCode":"200","body":"hello"}`)
	err := albcheck.Validate(resp, false)
	var e *albcheck.Error
	if errors.As(err, &e) {
		fmt.Println(e.Rule)
		fmt.Println(err)
	}
	// Output:
	// 20
	// albcheck: rule 20: "statusCode" is a string, not a number
}

func ExampleDecode() {
	resp := []byte(`{
		"statusCode": 200,
		"statusDescription": "200 OK",
		"multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"], "Content-Type": ["text/plain"]},
		"isBase64Encoded": true,
		"body": "aGVsbG8="
	}`)
	r, err := albcheck.Decode(resp, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.StatusCode, r.StatusDescription)
	for _, h := range r.Headers {
		fmt.Printf("%s: %s\n", h[0], h[1])
	}
	fmt.Printf("%s\n", r.Body)
	// Output:
	// 200 200 OK
	// Set-Cookie: a=1
	// Set-Cookie: b=2
	// Content-Type: text/plain
	// hello
}
