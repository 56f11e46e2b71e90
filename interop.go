package alb

import (
	"maps"
	"slices"

	"github.com/aws/aws-lambda-go/events"
)

// fromEvent fills r from a typed event, as decodeEvent would from the same
// event's JSON: multi-value mode when MultiValueHeaders is non-nil, and the
// mode's collections only. Go maps have no order, so fields are taken in
// sorted key order; the values of one multi-value key keep theirs. The
// strings are the event's own.
func (r *request) fromEvent(ev *events.ALBTargetGroupRequest) {
	r.reset()
	r.method = ev.HTTPMethod
	r.rawPath = ev.Path
	r.body = ev.Body
	r.isBase64 = ev.IsBase64Encoded
	r.targetGroupARN = ev.RequestContext.ELB.TargetGroupArn
	r.multiValue = ev.MultiValueHeaders != nil
	if r.multiValue {
		r.headers = appendMultiFields(r.cols[colMultiHeaders], ev.MultiValueHeaders)
		r.query = appendMultiFields(r.cols[colMultiQuery], ev.MultiValueQueryStringParameters)
		r.cols[colMultiHeaders], r.cols[colMultiQuery] = r.headers, r.query
	} else {
		r.headers = appendFields(r.cols[colHeaders], ev.Headers)
		r.query = appendFields(r.cols[colQuery], ev.QueryStringParameters)
		r.cols[colHeaders], r.cols[colQuery] = r.headers, r.query
	}
}

func appendFields(dst []field, m map[string]string) []field {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		dst = append(dst, field{k, m[k]})
	}
	return dst
}

func appendMultiFields(dst []field, m map[string][]string) []field {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		for _, v := range m[k] {
			dst = append(dst, field{k, v})
		}
	}
	return dst
}
