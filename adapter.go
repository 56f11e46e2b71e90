package alb

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
)

// WrapHandler mounts an http.Handler on a route, for code written for
// net/http.
//
// It is the slow path: each request is converted to an *http.Request
// (method, URL from the raw path and query, headers with canonical names,
// Host, body, RemoteAddr from ClientIP with port 0, the invocation's
// context) and the
// handler's response is buffered and copied back: status, every header
// value, and the body, whose Content-Type is sniffed when the handler set
// none, as net/http does. Handlers that hijack the connection, flush or push
// are not supported: the ALB has no streaming.
func WrapHandler(h http.Handler) HandlerFunc {
	return func(c *Context) error {
		req, err := c.httpRequest()
		if err != nil {
			return &HTTPError{Status: http.StatusBadRequest, Message: "request cannot be converted for the handler", Err: err}
		}
		w := &bufferedWriter{header: http.Header{}}
		h.ServeHTTP(w, req)
		status := w.status
		if status == 0 {
			status = http.StatusOK
		}
		body := w.body.Bytes()
		if _, ok := w.header["Content-Type"]; !ok && len(body) > 0 {
			w.header.Set("Content-Type", http.DetectContentType(body))
		}
		for name, values := range w.header {
			c.DelHeader(name)
			for _, v := range values {
				c.AddHeader(name, v)
			}
		}
		c.resp.status = status
		c.resp.body = body
		return nil
	}
}

// httpRequest converts the request in c into an *http.Request.
func (c *Context) httpRequest() (*http.Request, error) {
	target := c.req.rawPath
	if q := c.RawQuery(); q != "" {
		target += "?" + q
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, err
	}
	header := make(http.Header, len(c.req.headers))
	for _, f := range c.req.headers {
		name := textproto.CanonicalMIMEHeaderKey(c.req.stable(f.name))
		if c.req.multiValue {
			header[name] = append(header[name], c.req.stable(f.value))
		} else {
			header[name] = []string{c.req.stable(f.value)} // the last wins, as in the event's map
		}
	}
	req := &http.Request{
		Method:        c.req.method,
		URL:           u,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Host:          c.Header("Host"),
		RequestURI:    target,
		RemoteAddr:    remoteAddr(c.ClientIP()),
		ContentLength: int64(len(c.body)),
		Body:          http.NoBody,
	}
	if len(c.body) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(c.body))
	}
	// A net/http server moves these into Host and ContentLength.
	header.Del("Host")
	header.Del("Content-Length")
	return req.WithContext(c.Context()), nil
}

// remoteAddr gives the client address the "ip:port" form net/http uses; the
// port the ALB saw is not in the event, so it is 0.
func remoteAddr(ip string) string {
	if ip == "" {
		return ""
	}
	return net.JoinHostPort(ip, "0")
}

// bufferedWriter is the http.ResponseWriter WrapHandler hands out.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferedWriter) Header() http.Header { return w.header }

// WriteHeader records the first final status; informational ones (1xx)
// cannot be sent through the ALB and are ignored, as net/http sends them
// ahead of the real response.
func (w *bufferedWriter) WriteHeader(status int) {
	if w.status == 0 && status >= 200 {
		w.status = status
	}
}

func (w *bufferedWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}
