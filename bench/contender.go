package bench

import (
	"slices"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/albkit/alb/bench/contenders/albapp"
	"github.com/albkit/alb/bench/contenders/albtyped"
	"github.com/albkit/alb/bench/contenders/echoapp"
	"github.com/albkit/alb/bench/contenders/floor"
	"github.com/albkit/alb/bench/contenders/ginapp"
	"github.com/albkit/alb/bench/contenders/handwritten"
	"github.com/albkit/alb/bench/contenders/httprouterapp"
	"github.com/albkit/alb/bench/contenders/humaapp"
)

// Contender is one way to serve the application.
type Contender struct {
	Name string // for benchmark names: contender=Name; also its cmd/Name
	Desc string

	// New returns what the contender's main passes to lambda.Start: a
	// lambda.Handler or a typed handler function.
	New func() any

	// Workloads names the workloads the contender serves; nil means
	// every one. The others are not applicable: neither checked nor
	// timed, and marked so in the report.
	Workloads []string
}

// Serves reports whether c serves the workload called name.
func (c *Contender) Serves(name string) bool {
	return c.Workloads == nil || slices.Contains(c.Workloads, name)
}

// Handler returns the contender wrapped as lambda.Start wraps it:
// lambda.NewHandler, whose Invoke is what the runtime loop calls (a
// lambda.Handler comes back behind one thin layer; a typed function gets
// encoding/json on both sides).
func (c *Contender) Handler() lambda.Handler { return lambda.NewHandler(c.New()) }

// Contenders are the contenders, alb first: ratios are to it.
var Contenders = []*Contender{
	{Name: "alb", Desc: "github.com/albkit/alb: *alb.Router is a lambda.Handler",
		New: func() any { return albapp.New() }},
	{Name: "handwritten", Desc: "aws-lambda-go typed events, encoding/json, a map and a linear scan",
		New: func() any { return handwritten.New().Handle }},
	{Name: "gin", Desc: "gin behind aws-lambda-go-api-proxy ginadapter.NewALB",
		New: func() any { return ginapp.New() }},
	{Name: "echo", Desc: "Echo v4 behind aws-lambda-go-api-proxy echoadapter.NewALB",
		New: func() any { return echoapp.New() }},
	{Name: "httprouter", Desc: "httprouter behind aws-lambda-go-api-proxy httpadapter.NewALB",
		New: func() any { return httprouterapp.New() }},
	{Name: "alb-typed", Desc: "alb's typed handlers (alb.Register): the search and order endpoints bound and checked by struct tags",
		New: func() any { return albtyped.New() }, Workloads: albtyped.Workloads},
	{Name: "huma", Desc: "huma v2 (humago on net/http) behind aws-lambda-go-api-proxy httpadapter.NewALB: the search and order endpoints",
		New: func() any { return humaapp.New() }, Workloads: humaapp.Workloads},
	{Name: "floor", Desc: "no framework: pooled fastjson, a hand matcher, an append-only encoder",
		New: func() any { return floor.New() }},
}

// ContenderByName returns the contender called name, or nil.
func ContenderByName(name string) *Contender {
	for _, c := range Contenders {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Unavailable are the adapters the issue asked to try that could not be
// benchmarked, with the reason.
var Unavailable = []struct{ Module, Reason string }{
	{"github.com/fujiwara/ridge", "the module proxy answers 403 Forbidden (\"This module version is not available\") for every version"},
	{"github.com/shogo82148/ridgenative", "the module proxy answers 403 Forbidden (\"This module version is not available\") for every version"},
	{"github.com/akrylysov/algnhsa", "tried as another ALB adapter: the module proxy answers 403 Forbidden as well"},
}
