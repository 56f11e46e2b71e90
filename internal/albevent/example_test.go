package albevent_test

import (
	"fmt"

	"github.com/albkit/alb/internal/albevent"
)

func ExampleBuild() {
	ev := albevent.Build(albevent.Request{
		Method:     "GET",
		Target:     "/search?q=a+b&page=1&q=c%20d",
		Header:     [][2]string{{"Host", "example.com"}, {"Accept", "*/*"}},
		ClientAddr: "192.0.2.10:50000",
		TraceID:    "Root=1-67a0b1c2-0123456789abcdef01234567",
	})
	fmt.Println(string(ev))
	// Output:
	// {"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/local/0123456789abcdef"}},"httpMethod":"GET","path":"/search","queryStringParameters":{"q":"c%20d","page":"1"},"headers":{"accept":"*/*","host":"example.com","x-amzn-trace-id":"Root=1-67a0b1c2-0123456789abcdef01234567","x-forwarded-for":"192.0.2.10","x-forwarded-port":"80","x-forwarded-proto":"http"},"body":"","isBase64Encoded":false}
}

func ExampleBuild_multiValue() {
	ev := albevent.Build(albevent.Request{
		Method:      "GET",
		Target:      "/health",
		MultiValue:  true,
		HealthCheck: true,
	})
	fmt.Println(string(ev))
	// Output:
	// {"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/local/0123456789abcdef"}},"httpMethod":"GET","path":"/health","multiValueQueryStringParameters":{},"multiValueHeaders":{"user-agent":["ELB-HealthChecker/2.0"]},"body":"","isBase64Encoded":false}
}
