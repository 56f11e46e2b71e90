// Package obs holds the conformance tests of alb's observability output,
// in a module of its own so that the JSON Schema validator they use stays
// out of alb's go.mod: every document of middleware.Metrics is validated
// against the CloudWatch embedded metric format (testdata/emf.schema.json,
// written from the published specification), and a burst of requests with
// random paths is shown to make one dimension set per route.
package obs
