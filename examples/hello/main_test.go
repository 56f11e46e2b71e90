package main

import (
	"encoding/json"
	"testing"

	"github.com/albkit/alb/albtest"
)

func TestHello(t *testing.T) {
	for _, multi := range []bool{false, true} {
		opts := []albtest.Option{}
		if multi {
			opts = append(opts, albtest.WithMultiValue())
		}
		resp := albtest.Do(t, newRouter(), albtest.NewRequest("GET", "/hello/world?name=Ada+Lovelace", opts...))
		var got greeting
		if err := json.Unmarshal(resp.Body, &got); err != nil {
			t.Fatal(err)
		}
		want := greeting{Message: "Hello, world!", Name: "Ada Lovelace", Path: "/hello/world"}
		if resp.Status != 200 || got != want || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("multi=%v: %d %+v, want 200 %+v", multi, resp.Status, got, want)
		}
	}
	resp := albtest.Do(t, newRouter(), albtest.NewRequest("GET", "/", albtest.WithHealthCheck()))
	if resp.Status != 200 {
		t.Errorf("health check on /: %d", resp.Status)
	}
}
