module github.com/albkit/alb/obs

go 1.26

replace github.com/albkit/alb => ../

require (
	github.com/albkit/alb v0.0.0-00010101000000-000000000000
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
)

require (
	github.com/aws/aws-lambda-go v1.55.1 // indirect
	github.com/go-json-experiment/json v1.27.2 // indirect
	github.com/julienschmidt/httprouter v1.3.0 // indirect
	golang.org/x/text v0.14.0 // indirect
)
