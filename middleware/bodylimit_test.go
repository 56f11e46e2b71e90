package middleware

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/albkit/alb"
)

func TestBodyLimit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ev     event
		status int
	}{
		{"empty", newEvent("POST", "/"), http.StatusOK},
		{"at the limit", newEvent("POST", "/").withBody(strings.Repeat("a", 16)), http.StatusOK},
		{"over the limit", newEvent("POST", "/").withBody(strings.Repeat("a", 17)), http.StatusRequestEntityTooLarge},
		// 16 bytes decoded, 24 as base64: the decoded length counts.
		{"base64 at the limit", newEvent("POST", "/").withBinaryBody(bytes.Repeat([]byte{0xff}, 16)), http.StatusOK},
		{"base64 over the limit", newEvent("POST", "/").withBinaryBody(bytes.Repeat([]byte{0xff}, 17)), http.StatusRequestEntityTooLarge},
	} {
		forEachModeIn(t, tc.name, func(t *testing.T, multi bool) {
			calls := 0
			r := newRouter(func(c *alb.Context) error {
				calls++
				return c.String(http.StatusOK, "ok")
			}, BodyLimit(16))
			resp := invoke(t, r, tc.ev.mode(multi))
			checkStatus(t, resp, tc.status)
			if tc.status == http.StatusOK {
				if calls != 1 {
					t.Errorf("%s: handler ran %d times, want 1", tc.name, calls)
				}
				return
			}
			checkJSONBody(t, resp, `{"message":"Request Entity Too Large"}`)
			if calls != 0 {
				t.Errorf("%s: handler ran %d times, want 0", tc.name, calls)
			}
		})
	}
}

func TestBodyLimitBadMax(t *testing.T) {
	for _, max := range []int64{0, -1} {
		msg := mustPanic(t, func() { BodyLimit(max) })
		if !strings.HasPrefix(msg, "middleware: BodyLimit: max must be positive, got ") {
			t.Errorf("BodyLimit(%d) panic = %q", max, msg)
		}
	}
}

func TestBodyLimitAllocs(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			payload := newEvent("POST", "/").withBody(`{"name":"Ada"}`).mode(m.multiValue).json()
			assertNoExtraAllocs(t, newRouter(nil, BodyLimit(1024)), newRouter(nil), context.Background(), payload)
		})
	}
}
