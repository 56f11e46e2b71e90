package middleware

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/albkit/alb"
)

// CompressOptions configures Compress. The zero value is ready to use.
type CompressOptions struct {
	// MinSize is the smallest body, in bytes, worth compressing. 0 means
	// 1024. Negative panics.
	MinSize int

	// Level is the gzip level, gzip.HuffmanOnly (-2) to gzip.BestCompression
	// (9). 0 means gzip.DefaultCompression: gzip.NoCompression would only
	// add bytes.
	Level int

	// Types lists the compressible media types: exact ("application/json"),
	// a whole type ("text/*") or a structured-syntax suffix ("+json").
	// Matching ignores ASCII case and parameters. nil means text/*,
	// application/json, +json, application/javascript, application/xml,
	// +xml and image/svg+xml.
	Types []string
}

// Compress returns middleware that gzips response bodies once the handler
// has returned, when all of these hold:
//
//   - the request is not HEAD and the handler returned no error (the
//     router's ErrorHandler writes its answer after Compress has run);
//   - the status is 2xx other than 204 and 206, or 4xx or 5xx;
//   - the response has no Content-Encoding and no Content-Range, and its
//     Cache-Control does not say no-transform;
//   - the body is at least MinSize bytes and its Content-Type is one of
//     Types;
//   - the request's Accept-Encoding accepts gzip (or x-gzip, or "*"),
//     with a q-value above 0: "gzip;q=0" refuses it;
//   - the gzipped body is smaller.
//
// The body is then replaced by the gzipped bytes with the same status and
// Content-Type, Content-Encoding: gzip is set, and a strong ETag becomes
// weak (the bytes differ). The response goes out as base64 with
// "isBase64Encoded": true (contract rule 29): the ALB decodes it and sends
// the compressed bytes, which it never compresses itself. Compressing also
// makes room under the ALB's 1 MB response limit, less the third that
// base64 adds.
//
// Every response that passes all checks but the last two gets
// Vary: Accept-Encoding, so caches in front of the ALB keep both forms.
//
// gzip writers are pooled. A response that is not compressed allocates
// nothing, except that in multi-value mode reading the request's
// Accept-Encoding lines allocates. Invalid options panic, quoting the bad
// value.
func Compress(opts CompressOptions) alb.Middleware {
	z := &compressor{minSize: opts.MinSize, level: opts.Level}
	switch {
	case opts.MinSize < 0:
		panic("middleware: Compress: negative MinSize " + strconv.Itoa(opts.MinSize))
	case opts.MinSize == 0:
		z.minSize = 1024
	}
	switch {
	case opts.Level < gzip.HuffmanOnly || opts.Level > gzip.BestCompression:
		panic("middleware: Compress: invalid gzip Level " + strconv.Itoa(opts.Level))
	case opts.Level == 0:
		z.level = gzip.DefaultCompression
	}
	types := opts.Types
	if types == nil {
		types = []string{"text/*", "application/json", "+json", "application/javascript", "application/xml", "+xml", "image/svg+xml"}
	}
	for _, t := range types {
		if !validTypePattern(t) {
			panic("middleware: Compress: invalid media type pattern " + strconv.Quote(t))
		}
		z.types = append(z.types, strings.ToLower(t))
	}
	return func(next alb.HandlerFunc) alb.HandlerFunc {
		return func(c *alb.Context) error {
			err := next(c)
			if err == nil && c.Method() != http.MethodHead && z.eligible(c) {
				if !hasDirective(c.ResponseHeader("Vary"), "Accept-Encoding") {
					c.AddHeader("Vary", "Accept-Encoding")
				}
				if acceptsGzip(c) {
					z.compressResponse(c)
				}
			}
			return err
		}
	}
}

type compressor struct {
	minSize int
	level   int
	types   []string // lower-cased patterns
	writers sync.Pool
}

// eligible reports whether c's response may be compressed for a client
// that accepts gzip.
func (z *compressor) eligible(c *alb.Context) bool {
	status := c.ResponseStatus()
	switch {
	case len(c.ResponseBody()) < z.minSize,
		status < 200, status == http.StatusNoContent, status == http.StatusPartialContent,
		status >= 300 && status < 400,
		c.ResponseHeader("Content-Encoding") != "",
		c.ResponseHeader("Content-Range") != "",
		hasDirective(c.ResponseHeader("Cache-Control"), "no-transform"):
		return false
	}
	return z.compressible(c.ResponseHeader("Content-Type"))
}

// compressible reports whether the media type of contentType matches one
// of the patterns.
func (z *compressor) compressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	slash := strings.IndexByte(mt, '/')
	if slash <= 0 || slash == len(mt)-1 {
		return false
	}
	for _, p := range z.types {
		switch {
		case p[0] == '+':
			if len(mt) > slash+len(p) && strings.EqualFold(mt[len(mt)-len(p):], p) {
				return true
			}
		case strings.HasSuffix(p, "/*"):
			if strings.EqualFold(mt[:slash+1], p[:len(p)-1]) {
				return true
			}
		default:
			if strings.EqualFold(mt, p) {
				return true
			}
		}
	}
	return false
}

// validTypePattern reports whether p is "type/subtype", "type/*" or
// "+suffix".
func validTypePattern(p string) bool {
	if suffix, ok := strings.CutPrefix(p, "+"); ok {
		return isToken(suffix) && !strings.ContainsAny(suffix, "/*")
	}
	typ, sub, ok := strings.Cut(p, "/")
	return ok && isToken(typ) && typ != "*" && (sub == "*" || isToken(sub) && !strings.Contains(sub, "*"))
}

// maxPooledGzipBuffer is the largest buffer capacity a pooled gzip writer
// keeps; responses are under the ALB's 1 MB limit anyway.
const maxPooledGzipBuffer = 1 << 20

// gzipWriter is a pooled gzip writer with the buffer it writes into.
type gzipWriter struct {
	buf bytes.Buffer
	w   *gzip.Writer
}

// compressResponse replaces c's body with its gzipped form when that is
// smaller.
func (z *compressor) compressResponse(c *alb.Context) {
	body := c.ResponseBody()
	gw, _ := z.writers.Get().(*gzipWriter)
	if gw == nil {
		gw = new(gzipWriter)
		gw.w, _ = gzip.NewWriterLevel(&gw.buf, z.level) // the level was checked
	}
	gw.buf.Reset()
	gw.w.Reset(&gw.buf)
	_, _ = gw.w.Write(body) // writing to a bytes.Buffer does not fail
	_ = gw.w.Close()
	var gz []byte
	if gw.buf.Len() < len(body) {
		gz = bytes.Clone(gw.buf.Bytes())
	}
	if gw.buf.Cap() <= maxPooledGzipBuffer {
		gw.buf.Reset()
		z.writers.Put(gw)
	}
	if gz == nil {
		return
	}
	c.SetHeader("Content-Encoding", "gzip")
	if etag := c.ResponseHeader("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
		c.SetHeader("ETag", "W/"+etag)
	}
	c.SetBodyEncoding(alb.BodyBase64)
	_ = c.Blob(c.ResponseStatus(), "", gz)
}

// acceptsGzip reports whether the request's Accept-Encoding accepts gzip.
func acceptsGzip(c *alb.Context) bool {
	var a acceptEncoding
	if c.MultiValue() {
		for _, v := range c.HeaderValues("Accept-Encoding") {
			a.parse(v)
		}
	} else {
		a.parse(c.Header("Accept-Encoding"))
	}
	switch {
	case a.gzip != unseen:
		return a.gzip == accepted
	case a.star != unseen:
		return a.star == accepted
	}
	return false
}

// acceptEncoding collects what an Accept-Encoding header says of gzip and
// of "*". A refusal (q=0) outweighs an acceptance of the same coding.
type acceptEncoding struct {
	gzip, star uint8
}

const (
	unseen uint8 = iota
	accepted
	refused
)

// parse reads one Accept-Encoding line, such as "gzip, deflate;q=0.5".
func (a *acceptEncoding) parse(line string) {
	for line != "" {
		var elem string
		elem, line, _ = strings.Cut(line, ",")
		coding, params, _ := strings.Cut(elem, ";")
		var seen *uint8
		switch coding = strings.TrimSpace(coding); {
		case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"):
			seen = &a.gzip
		case coding == "*":
			seen = &a.star
		default:
			continue
		}
		verdict := accepted
		if !positiveQ(params) {
			verdict = refused
		}
		if *seen != refused {
			*seen = verdict
		}
	}
}

// positiveQ reports whether the parameters of an Accept-Encoding element
// (";q=0.5") give a q-value above 0. No q means 1; a malformed one counts
// as 0.
func positiveQ(params string) bool {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		value = strings.TrimSpace(value)
		// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
		whole, frac, dot := strings.Cut(value, ".")
		if len(frac) > 3 || strings.Trim(frac, "0123456789") != "" || dot && whole == "" {
			return false
		}
		switch whole {
		case "1":
			return strings.Trim(frac, "0") == ""
		case "0":
			return strings.Trim(frac, "0") != ""
		}
		return false
	}
	return true
}

// hasDirective reports whether the comma-separated header value v has the
// directive name (ASCII case-insensitively).
func hasDirective(v, name string) bool {
	for v != "" {
		var d string
		d, v, _ = strings.Cut(v, ",")
		d, _, _ = strings.Cut(d, "=")
		if strings.EqualFold(strings.TrimSpace(d), name) {
			return true
		}
	}
	return false
}
