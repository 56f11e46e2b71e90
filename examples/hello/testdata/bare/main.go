// Command bare is the yardstick of size_test.go: the smallest
// aws-lambda-go function, one trivial handler and nothing else.
package main

import "github.com/aws/aws-lambda-go/lambda"

func main() {
	lambda.Start(func() (string, error) { return "ok", nil })
}
