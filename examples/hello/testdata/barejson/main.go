// Command barejson is the second yardstick of size_test.go: the bare
// aws-lambda-go function of testdata/bare, decoding and encoding its event
// with JSON v2 (the module on Go 1.26, the standard library's
// encoding/json/v2 on Go 1.27), the codec alb uses by default.
package main

import "github.com/aws/aws-lambda-go/lambda"

type event struct {
	Path string `json:"path"`
}

func main() {
	lambda.Start(func(payload []byte) ([]byte, error) {
		var ev event
		if err := unmarshal(payload, &ev); err != nil {
			return nil, err
		}
		return marshal(ev)
	})
}
