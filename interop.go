package alb

import (
	"encoding/json"
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
	r.settle()
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

// responseEventFromJSON decodes response JSON written by the encoder into a
// typed response, exactly as it goes on the wire (the same header checks,
// cookie policy, body encoding and size limit). Headers and
// MultiValueHeaders are never nil; the one of the other mode is empty, so
// that encoding/json writes {} rather than null for it (contract rule 22).
func responseEventFromJSON(b []byte) events.ALBTargetGroupResponse {
	var resp events.ALBTargetGroupResponse
	if err := json.Unmarshal(b, &resp); err != nil {
		// The encoder only writes valid JSON of this shape.
		panic("alb: encoder wrote a response that does not decode: " + err.Error())
	}
	if resp.Headers == nil {
		resp.Headers = map[string]string{}
	}
	if resp.MultiValueHeaders == nil {
		resp.MultiValueHeaders = map[string][]string{}
	}
	return resp
}
