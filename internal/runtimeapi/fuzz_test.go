package runtimeapi

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"testing"
)

// FuzzReadResponse reads responses with conn.readResponse and with
// net/http.ReadResponse, the oracle: whatever both accept has the same
// status, body and captured header values. Only HTTP/1.1 responses are
// compared, the only version the Runtime API speaks; a 1xx response, which
// readResponse skips and net/http returns, is not compared.
func FuzzReadResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nLambda-Runtime-Aws-Request-Id: a\r\n\r\n{}"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"))
	f.Add([]byte("HTTP/1.0 200 OK\r\n\r\nabc"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte("HTTP/1.1 ")) {
			return
		}
		c := newConn("x", invocationHeaders...)
		c.r = bufio.NewReader(bytes.NewReader(data))
		_, err := c.readResponse()
		resp, herr := http.ReadResponse(bufio.NewReader(bytes.NewReader(data)), nil)
		var hbody []byte
		if herr == nil {
			hbody, herr = io.ReadAll(resp.Body)
		}
		if err != nil || herr != nil || resp.StatusCode < 200 {
			return
		}
		if resp.StatusCode != c.status || !bytes.Equal(hbody, c.body) {
			t.Fatalf("status %d, body %q; net/http: %d, %q", c.status, c.body, resp.StatusCode, hbody)
		}
		for i, h := range invocationHeaders {
			v, ok := c.value(i)
			if hv := resp.Header.Values(h); ok != (len(hv) > 0) || ok && string(v) != hv[0] {
				t.Fatalf("%s: %q, %v; net/http: %q", h, v, ok, hv)
			}
		}
	})
}
