package sonic

import (
	"strconv"
	"strings"
)

// fieldAt returns the member path, dotted, of the value that starts at
// src[pos], as encoding/json names fields: the names of the objects'
// members, not the arrays' indexes ("items.quantity"). src[:pos] is JSON
// that sonic has parsed; fieldAt returns "" if it is not.
func fieldAt(src string, pos int) string {
	if pos < 0 || pos > len(src) {
		return ""
	}
	type frame struct {
		object    bool
		key       string
		expectKey bool
	}
	var stack []frame
	for i := 0; i < pos; i++ {
		switch c := src[i]; c {
		case '{':
			stack = append(stack, frame{object: true, expectKey: true})
		case '[':
			stack = append(stack, frame{})
		case '}', ']':
			if len(stack) == 0 {
				return ""
			}
			stack = stack[:len(stack)-1]
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].expectKey = true
			}
		case ':':
			if n := len(stack); n > 0 {
				stack[n-1].expectKey = false
			}
		case '"':
			end := i + 1
			for end < pos && src[end] != '"' {
				if src[end] == '\\' {
					end++
				}
				end++
			}
			if end >= pos {
				return ""
			}
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].expectKey {
				key := src[i : end+1]
				if unquoted, err := strconv.Unquote(key); err == nil {
					key = unquoted
				} else {
					key = key[1 : len(key)-1]
				}
				stack[n-1].key = key
			}
			i = end
		}
	}
	var path []string
	for i, f := range stack {
		if f.object && !(i == len(stack)-1 && f.expectKey) { // not at a member name
			path = append(path, f.key)
		}
	}
	return strings.Join(path, ".")
}
