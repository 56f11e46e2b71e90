//go:build lambda.norpc && !alb.awsloop

package alb

// awsLoopLinked reports whether this build links aws-lambda-go's loop: a
// build with the tag lambda.norpc does not, unless built with the tag
// alb.awsloop too.
const awsLoopLinked = false

// startAWSLoop is never called in this build: chooseLoop refuses.
func startAWSLoop(*Router, lambdaConfig) { panic("alb: aws-lambda-go's loop is not linked") }
