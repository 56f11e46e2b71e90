package alb

import (
	"errors"
	"fmt"
	"os"

	"github.com/albkit/alb/internal/runtimeapi"
)

// startLambda serves r inside Lambda and never returns: with alb's own
// Runtime API loop (package internal/runtimeapi), or with lambda.Start
// when cfg or ALB_RUNTIME asks for it. A choice that cannot be served, and
// a panic while the router freezes its configuration, are initialization
// errors (see FailInit).
func startLambda(r *Router, cfg lambdaConfig) {
	useAWS, err := chooseLoop(cfg.awsLoop, os.Getenv(runtimeEnv))
	if err != nil {
		FailInit(err)
	}
	if err := freezeRouter(r); err != nil {
		FailInit(err)
	}
	if useAWS {
		startAWSLoop(r, cfg)
		return
	}
	runtimeapi.Start(r, runtimeapi.Options{SIGTERM: cfg.sigterm, OnSIGTERM: cfg.hooks})
}

// chooseLoop reports whether aws-lambda-go's loop serves: the option, or
// the environment variable's value env, asks for it.
func chooseLoop(option bool, env string) (aws bool, err error) {
	switch env {
	case "", "alb":
		aws = option
	case "aws-lambda-go":
		aws = true
	default:
		return false, fmt.Errorf("alb: %s=%q: want \"alb\" or \"aws-lambda-go\"", runtimeEnv, env)
	}
	if aws && !awsLoopLinked {
		return false, errors.New("alb: aws-lambda-go's loop was asked for (WithAWSLambdaLoop or " + runtimeEnv + "=aws-lambda-go), but this binary, built with -tags lambda.norpc, does not link it: build with -tags lambda.norpc,alb.awsloop")
	}
	return aws, nil
}

// freezeRouter freezes r's configuration before the first invocation, so
// that a panic there is an initialization error rather than the first
// invocation's.
func freezeRouter(r *Router) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("alb: the router's configuration panicked: %v", p)
		}
	}()
	r.start.Do(r.freeze)
	return nil
}
