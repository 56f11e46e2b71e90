module github.com/albkit/alb/codec/goccy

go 1.26

require github.com/albkit/alb v0.0.0

require github.com/go-json-experiment/json v1.27.2 // indirect

require (
	github.com/aws/aws-lambda-go v1.55.1 // indirect
	github.com/goccy/go-json v0.12.0
	github.com/julienschmidt/httprouter v1.3.0 // indirect
)

replace github.com/albkit/alb => ../..
