package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/emulator"
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

func TestHelloOverHTTP(t *testing.T) {
	// A real client through the local ALB emulator, as `go run` serves it.
	for _, multi := range []bool{false, true} {
		srv := httptest.NewServer(emulator.New(newRouter(), emulator.Options{MultiValue: multi}))
		resp, err := http.Get(srv.URL + "/hello/world?name=Ada+Lovelace")
		if err != nil {
			t.Fatal(err)
		}
		var got greeting
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		srv.Close()
		want := greeting{Message: "Hello, world!", Name: "Ada Lovelace", Path: "/hello/world"}
		if err != nil || resp.StatusCode != http.StatusOK || got != want || resp.Header.Get("Server") != "awselb/2.0" {
			t.Errorf("multi=%v: %d %+v (%v), want 200 %+v from awselb/2.0", multi, resp.StatusCode, got, err, want)
		}
	}
}
