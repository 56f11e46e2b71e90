// Package alb is a web framework for AWS Lambda functions that sit behind an
// Application Load Balancer (ALB).
//
// The ALB hands the function one JSON event per HTTP request and expects one
// JSON object back. Package alb decodes that event in one pass into request
// views, without building a generic JSON tree, and encodes the response by
// hand into a pooled buffer, so that the bytes the ALB receives are always
// ones it accepts:
//
//   - the response uses the header field of the request's mode:
//     "multiValueHeaders" when the event carried it, "headers" otherwise;
//   - no field is ever JSON null, "statusCode" is a number and every header
//     value is a string;
//   - text bodies go out as text, everything else as standard base64 with
//     "isBase64Encoded": true;
//   - a response over the ALB's 1 MB limit becomes a well-formed error
//     response instead of the ALB's bare 502.
//
// # Lifetime of request data
//
// Strings and byte slices decoded from an event are views into a private copy
// of the payload that is never reused. They stay valid and unchanged for as
// long as anything refers to them, including goroutines that outlive the
// request.
package alb
