//go:build !lambda.norpc || alb.awsloop

package alb

import "github.com/aws/aws-lambda-go/lambda"

// awsLoopLinked reports whether this build links aws-lambda-go's loop: the
// default build does; a build with the tag lambda.norpc only with the tag
// alb.awsloop too, so that a lean binary links one loop.
const awsLoopLinked = true

// startAWSLoop serves r with lambda.Start, with the SIGTERM hooks of cfg.
func startAWSLoop(r *Router, cfg lambdaConfig) {
	var opts []lambda.Option
	if cfg.sigterm {
		opts = append(opts, lambda.WithEnableSIGTERM(cfg.hooks...))
	}
	lambda.StartWithOptions(r, opts...)
}
