// Command huma is the search and order endpoints served by the huma
// contender, as a Lambda function. Every contender's main is this file with
// another import: the cold-start table compares their binaries.
//
// With BENCH_INIT_ONLY set, it builds the handler, writes the time that
// took to stderr and exits, before lambda.Start: with GODEBUG=inittrace=1
// that measures the cold start's package initialisation without a Lambda
// runtime API.
package main

import (
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/albkit/alb/bench/contenders/humaapp"
)

func main() {
	start := time.Now()
	h := humaapp.New()
	if os.Getenv("BENCH_INIT_ONLY") != "" {
		os.Stderr.WriteString("setup " + strconv.FormatInt(int64(time.Since(start)), 10) + " ns\n")
		return
	}
	lambda.Start(h)
}
