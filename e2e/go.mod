module github.com/albkit/alb/e2e

go 1.26

replace github.com/albkit/alb => ../

require (
	github.com/albkit/alb v0.0.0-00010101000000-000000000000
	github.com/chromedp/cdproto v0.159.0
	github.com/chromedp/chromedp v0.23.0
)

require (
	github.com/aws/aws-lambda-go v1.55.1 // indirect
	github.com/go-json-experiment/json v1.27.2 // indirect
	github.com/julienschmidt/httprouter v1.3.0 // indirect
)
