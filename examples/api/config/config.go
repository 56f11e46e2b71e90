// Package config holds the settings that the api example and its
// deployment must agree on: the path of the ALB's health checks and the
// target group's multi-value headers mode. The example's main package and
// the AWS CDK app in deploy/ both import it, so that the target group's
// health check can never ask a path the function does not answer, and the
// mode the function is told about is the mode the target group is given.
//
// The package has no dependencies, so importing it brings nothing else
// into the deployment's module.
package config

import (
	"fmt"
	"strconv"
)

// HealthPath is the path of the ALB's health checks: the target group's
// HealthCheckPath and the Path of the example's middleware.HealthCheck.
const HealthPath = "/health"

// MultiValueHeadersEnv is the environment variable that tells the function
// the target group's multi-value headers mode ("true" or "false"). The
// deployment sets it on the function from the same value it gives the
// target group's lambda.multi_value_headers.enabled attribute; locally it
// chooses the mode of the server alb.Start runs.
const MultiValueHeadersEnv = "ALB_MULTI_VALUE_HEADERS"

// DefaultMultiValueHeaders is the mode when MultiValueHeadersEnv is not
// set, and the deployment's default: multi-value, as the wire contract
// recommends, so that every Set-Cookie of a response and every repeated
// query parameter and header of a request gets through. (A new target
// group is in single-value mode unless told otherwise.)
const DefaultMultiValueHeaders = true

// MultiValueHeaders returns the multi-value headers mode that getenv (such
// as os.Getenv) gives MultiValueHeadersEnv: DefaultMultiValueHeaders when
// it is empty, otherwise the value as strconv.ParseBool reads it ("true",
// "false", "1", "0" and their variants). Any other value is an error, so
// that a typo stops the function instead of choosing a mode silently.
func MultiValueHeaders(getenv func(string) string) (bool, error) {
	v := getenv(MultiValueHeadersEnv)
	if v == "" {
		return DefaultMultiValueHeaders, nil
	}
	on, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("config: %s=%q: want true or false", MultiValueHeadersEnv, v)
	}
	return on, nil
}

// FormatMultiValueHeaders returns the value of MultiValueHeadersEnv that
// stands for on: "true" or "false", which MultiValueHeaders reads back.
func FormatMultiValueHeaders(on bool) string {
	return strconv.FormatBool(on)
}
