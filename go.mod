module github.com/albkit/alb

go 1.26

require (
	github.com/aws/aws-lambda-go v1.55.1
	github.com/julienschmidt/httprouter v1.3.0
)

require github.com/go-json-experiment/json v1.27.2
