//go:build !go1.27

package main

import "github.com/go-json-experiment/json"

func unmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
func marshal(v any) ([]byte, error)   { return json.Marshal(v) }
