package alb

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Route patterns follow httprouter's syntax, with one addition:
//
//	/users/:id     ":id" matches one non-empty path segment (up to the next '/')
//	/qr/:code.png  a parameter followed by static text in its segment
//	/files/*path   "*path" matches the rest of the path, including the '/'
//	               before it, so "/files/" gives "/" and "/files/a/b" gives "/a/b"
//
// A parameter name is a run of letters, digits and '_'; the first other
// character ends it. A parameter may start after other characters of its
// segment ("/user_:name") and may be followed by static text in it
// ("/qr/:code.png", "/files/:base.:ext"); two parameters in one segment must
// be separated by static text. A parameter followed by static text and then
// another parameter ends at the first occurrence of that text after its
// first byte; the last parameter of a segment followed by static text ends
// where that text ends the segment. That is the leftmost shortest value
// with which the pattern matches: "/files/:base.:ext" gives base "a" and ext
// "tar.gz" for "/files/a.tar.gz", "/qr/:code.png" gives code "a.png" for
// "/qr/a.png.png".
//
// A catch-all only follows a '/' and only ends the pattern. Static text, a
// parameter and a catch-all may branch off at the same position
// ("/users/new" beside "/users/:id", "/files/list" beside "/files/*path"),
// and so may the texts that follow one parameter ("/qr/:code",
// "/qr/:code.png", "/qr/:code.jpg"). A lookup tries the static branch first,
// then the parameter, then the catch-all; a parameter tries its shortest
// value first, and at equal values the longer static text that follows it.
// It backs up to the next choice when a branch does not lead to a route, so
// "/users/new/x" still reaches "/users/:id/x". Put differently, among the
// routes that match a path the one that reads static text at the first
// byte where they differ wins, and a parameter wins over a catch-all. Two
// different parameter names, or a parameter and a catch-all, at the same
// position are a conflict.

// maxParams is the most wildcards (parameters and catch-all) one pattern may
// hold. It sizes params; tree.add panics on a pattern with more.
const maxParams = 32

// params is fixed storage for the parameters of one match, so that a lookup
// allocates nothing; the request Context embeds one. The first n keys and
// values are the parameters, in pattern order; the entries after them are
// always empty, so a params retains no string beyond its parameters.
//
// Values are views into the path given to tree.lookup, or new strings when
// they had to be percent-decoded.
type params struct {
	n      int
	keys   [maxParams]string
	values [maxParams]string
}

// get returns the value of the first parameter named name, and whether there
// is one.
func (p *params) get(name string) (string, bool) {
	for i := 0; i < p.n; i++ {
		if p.keys[i] == name {
			return p.values[i], true
		}
	}
	return "", false
}

// reset empties p and clears its strings, so that p retains nothing.
func (p *params) reset() { p.truncate(0) }

// push appends a parameter. The tree never pushes more than maxParams: a
// lookup holds the parameters of one pattern at a time.
func (p *params) push(key, value string) {
	p.keys[p.n] = key
	p.values[p.n] = value
	p.n++
}

// truncate drops the parameters from index n on and clears their strings.
func (p *params) truncate(n int) {
	// A loop, not clear: for the few entries of a match it is cheaper than
	// clearing memory that holds pointers.
	for i := n; i < p.n; i++ {
		p.keys[i] = ""
		p.values[i] = ""
	}
	p.n = n
}

// tree is a radix tree that maps route patterns to values of type T, which
// is whatever the router keeps per pattern.
//
// The zero tree is empty and ready to use. add must not run concurrently with
// anything else; once every route is added, lookup and lookupCaseInsensitive
// are safe for concurrent use. Backtracking never tries a node twice,
// except a node for the static text after a parameter, which is tried at
// most at two places: a lookup visits each node at most once per pass (a
// miss takes a second pass for the trailing-slash hint), so its cost is
// bounded by the size of the tree, times the length of a segment where
// static text after a parameter must be searched for, whatever the path.
type tree[T any] struct {
	root node[T] // prefix "": every pattern begins below it, with '/'
}

// node is one node of a tree. Static text is split across nodes at the
// bytes where patterns diverge; wildcards hang off the node whose prefix
// ends where they start.
type node[T any] struct {
	// prefix is the static text this node matches, as registered (decoded
	// form). It is empty for the root and for parameter and catch-all
	// nodes, never empty otherwise.
	prefix string

	// indices holds the first byte of each static child's prefix, in the
	// order of children; those first bytes are distinct.
	indices  string
	children []*node[T]

	// param is the ":name" node that matches one non-empty segment, or the
	// rest of one, starting where prefix ends. Its own children are static
	// nodes beginning with '/'.
	param *node[T]

	// suffixes, on a parameter node only, are the nodes for the static texts
	// that follow the parameter inside its segment, one per distinct text:
	// each prefix is the whole text up to the next parameter, the next '/'
	// or the end of the pattern. Such a node has static children beginning
	// with '/', a value, a param, or several of them; it is never split.
	suffixes []*node[T]

	// catchAll is the "*name" node, set only when prefix ends with '/'. It
	// matches the rest of the path from that '/' on and is always a leaf
	// with a value.
	catchAll *node[T]

	name     string // parameter or catch-all name, without ':' or '*'
	pattern  string // the pattern that set value or, before that, created the node
	value    T
	hasValue bool
}

// add registers pattern with value.
//
// add panics, with a message quoting pattern (and, for a conflict, an
// existing pattern), if pattern does not begin with '/'; if a wildcard has
// an empty name, a parameter is directly followed by another wildcard, or a
// catch-all name holds a ':' or '*'; if a catch-all is not at the end or
// does not directly follow a '/'; if pattern has more than maxParams
// wildcards; if it is already registered; or if it puts a parameter where
// an existing pattern has a parameter of another name or a catch-all, or a
// catch-all where one has a parameter or another catch-all. A pattern that
// panics leaves the tree as it was.
func (t *tree[T]) add(pattern string, value T) {
	parts := parsePattern(pattern)
	t.check(pattern, parts)
	n := &t.root
	for i, part := range parts {
		switch part.kind {
		case partStatic:
			text := part.text
			if i > 0 && parts[i-1].kind == partParam {
				var suffix string
				suffix, text = cutSegment(text)
				if suffix != "" {
					n = n.suffixNode(suffix, pattern)
				}
			}
			if text != "" {
				n = n.insertStatic(text, pattern)
			}
		case partParam:
			if n.param == nil {
				n.param = &node[T]{name: part.text, pattern: pattern}
			}
			n = n.param
		case partCatchAll:
			n.catchAll = &node[T]{name: part.text, pattern: pattern}
			n = n.catchAll
		}
	}
	n.value = value
	n.hasValue = true
	n.pattern = pattern
}

// cutSegment splits the static text s that follows a parameter into the
// part inside the parameter's segment and the rest, from the next '/' on.
func cutSegment(s string) (suffix, rest string) {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// suffixNode returns the suffix node of the parameter node n for the static
// text s, adding one if n has none.
func (n *node[T]) suffixNode(s, pattern string) *node[T] {
	for _, c := range n.suffixes {
		if c.prefix == s {
			return c
		}
	}
	c := &node[T]{prefix: s, pattern: pattern}
	n.suffixes = append(n.suffixes, c)
	return c
}

// check panics if pattern, parsed into parts, conflicts with a registered
// pattern. It follows the parts through the existing nodes without changing
// anything; once the pattern leaves the existing nodes, nothing is left to
// conflict with.
func (t *tree[T]) check(pattern string, parts []patternPart) {
	n := &t.root
	k := 0 // bytes of n.prefix matched so far
	for i, part := range parts {
		switch part.kind {
		case partStatic:
			s := part.text
			if i > 0 && parts[i-1].kind == partParam {
				// n is the parameter node.
				var suffix string
				suffix, s = cutSegment(s)
				if suffix != "" {
					var c *node[T]
					for _, sn := range n.suffixes {
						if sn.prefix == suffix {
							c = sn
							break
						}
					}
					if c == nil {
						return
					}
					n, k = c, len(c.prefix)
				}
			}
			for s != "" {
				if k < len(n.prefix) {
					if n.prefix[k] != s[0] {
						return
					}
					k++
					s = s[1:]
					continue
				}
				child := n.staticChild(s[0])
				if child == nil {
					return
				}
				n, k = child, 0
			}
		case partParam:
			if k < len(n.prefix) {
				return
			}
			if c := n.catchAll; c != nil {
				panic("alb: parameter \":" + part.text + "\" in pattern " + strconv.Quote(pattern) +
					" conflicts with catch-all \"*" + c.name + "\" of existing pattern " + strconv.Quote(c.pattern))
			}
			p := n.param
			if p == nil {
				return
			}
			if p.name != part.text {
				panic("alb: parameter \":" + part.text + "\" in pattern " + strconv.Quote(pattern) +
					" conflicts with parameter \":" + p.name + "\" of existing pattern " + strconv.Quote(p.pattern))
			}
			n, k = p, 0
		case partCatchAll:
			if k < len(n.prefix) {
				return
			}
			if p := n.param; p != nil {
				panic("alb: catch-all \"*" + part.text + "\" in pattern " + strconv.Quote(pattern) +
					" conflicts with parameter \":" + p.name + "\" of existing pattern " + strconv.Quote(p.pattern))
			}
			c := n.catchAll
			if c == nil {
				return
			}
			if c.name != part.text {
				panic("alb: catch-all \"*" + part.text + "\" in pattern " + strconv.Quote(pattern) +
					" conflicts with catch-all \"*" + c.name + "\" of existing pattern " + strconv.Quote(c.pattern))
			}
			n, k = c, 0
		}
	}
	if k == len(n.prefix) && n.hasValue {
		panic("alb: pattern " + strconv.Quote(pattern) + " is already registered")
	}
}

// insertStatic adds the static text s below the end of n's prefix, splitting
// a node where s diverges from it, and returns the node whose prefix ends
// where s ends.
func (n *node[T]) insertStatic(s, pattern string) *node[T] {
	for s != "" {
		child := n.staticChild(s[0])
		if child == nil {
			child = &node[T]{prefix: s, pattern: pattern}
			n.indices += s[:1]
			n.children = append(n.children, child)
			return child
		}
		l := 1
		for l < len(s) && l < len(child.prefix) && s[l] == child.prefix[l] {
			l++
		}
		if l < len(child.prefix) {
			child.split(l)
		}
		n, s = child, s[l:]
	}
	return n
}

// split cuts n's prefix after l bytes: n keeps the first l bytes and gets
// one static child that takes over the rest along with everything n held.
func (n *node[T]) split(l int) {
	rest := &node[T]{
		prefix:   n.prefix[l:],
		indices:  n.indices,
		children: n.children,
		param:    n.param,
		catchAll: n.catchAll,
		pattern:  n.pattern,
		value:    n.value,
		hasValue: n.hasValue,
	}
	*n = node[T]{
		prefix:   n.prefix[:l],
		indices:  rest.prefix[:1],
		children: []*node[T]{rest},
		pattern:  n.pattern,
	}
}

// staticChild returns the static child whose prefix begins with c, or nil.
func (n *node[T]) staticChild(c byte) *node[T] {
	for i := 0; i < len(n.indices); i++ {
		if n.indices[i] == c {
			return n.children[i]
		}
	}
	return nil
}

// lookup finds the route for rawPath, the request path as the client sent it
// (still percent-encoded).
//
// It first resets ps. On a match it writes the route's parameters into ps,
// percent-decoded with unescapePath (a catch-all value included), and
// returns the route's value and ok true. Otherwise ps is left empty, and tsr
// reports whether a route exists for rawPath with its trailing slash toggled
// the way a trailing-slash redirect does it: removed if rawPath ends with
// '/' (and is not "/"), added otherwise.
//
// Matching goes segment by segment on the raw text: a parameter ends at the
// next '/' of rawPath, never at an encoded "%2F", or where static text that
// follows it in its segment matches. In static text a valid escape stands
// for the byte it encodes ("/caf%C3%A9" matches "/café", "/qr/a%2Epng"
// matches "/qr/:code.png"), except "%2F", which never matches a '/' of a
// pattern; a '%' that does not start a valid escape stands for itself.
//
// lookup allocates nothing, except one string for each parameter value that
// holds an escape.
func (t *tree[T]) lookup(rawPath string, ps *params) (value T, ok bool, tsr bool) {
	ps.reset()
	esc := strings.IndexByte(rawPath, '%') >= 0
	if n := t.root.match(rawPath, 0, esc, false, ps); n != nil {
		if esc {
			for i := 0; i < ps.n; i++ {
				ps.values[i] = unescapePath(ps.values[i])
			}
		}
		return n.value, true, false
	}
	if l := len(rawPath); l > 1 && rawPath[l-1] == '/' {
		tsr = t.root.match(rawPath[:l-1], 0, esc, false, ps) != nil
	} else {
		tsr = t.root.match(rawPath, 0, esc, true, ps) != nil
	}
	ps.reset()
	return value, false, tsr
}

// match returns the node holding the value of the route that matches path,
// or nil, starting at n with path[:i] matched by n's ancestors. It pushes the
// raw parameter values of the match onto ps; after a failure ps holds what it
// held before. With slash set, it matches path as if it had one more '/' at
// the end; the parameters it pushes then are not meaningful.
func (n *node[T]) match(path string, i int, esc, slash bool, ps *params) *node[T] {
	for {
		// This node's static text.
		if p := n.prefix; p != "" {
			if !esc {
				if len(path)-i >= len(p) && path[i:i+len(p)] == p {
					i += len(p)
				} else {
					if slash && len(path)-i == len(p)-1 && p[len(p)-1] == '/' && path[i:] == p[:len(p)-1] {
						return n.valueOrCatchAll()
					}
					return nil
				}
			} else {
				j, k := matchEscaped(path, i, p)
				if k < len(p) {
					if slash && j == len(path) && k == len(p)-1 && p[k] == '/' {
						return n.valueOrCatchAll()
					}
					return nil
				}
				i = j
			}
		}

		if i == len(path) {
			if slash {
				return n.slashEnd()
			}
			if n.hasValue {
				return n
			}
			if c := n.catchAll; c != nil {
				ps.push(c.name, path[i-1:])
				return c
			}
			return nil
		}

		// Static first, then the parameter, then the catch-all. When only
		// one of them can follow, there is nothing to back up to: walk on.
		var child *node[T]
		c, static := path[i], true
		if esc && c == '%' {
			c, static = escapedByte(path, i)
		}
		if static {
			for j := 0; j < len(n.indices); j++ {
				if n.indices[j] == c {
					child = n.children[j]
					break
				}
			}
		}
		if child != nil {
			if n.param == nil && n.catchAll == nil {
				n = child
				continue
			}
			k := ps.n
			if m := child.match(path, i, esc, slash, ps); m != nil {
				return m
			}
			ps.truncate(k)
		}
		if p := n.param; p != nil {
			end := i
			for end < len(path) && path[end] != '/' {
				end++
			}
			if end > i {
				k := ps.n
				if p.suffixes != nil {
					if m := p.matchSuffixes(path, i, end, esc, slash, ps); m != nil {
						return m
					}
				}
				ps.push(p.name, path[i:end])
				if n.catchAll == nil {
					n, i = p, end
					continue
				}
				if m := p.match(path, end, esc, slash, ps); m != nil {
					return m
				}
				ps.truncate(k)
			}
		}
		if c := n.catchAll; c != nil {
			ps.push(c.name, path[i-1:])
			return c
		}
		return nil
	}
}

// matchSuffixes matches the static texts that can follow the parameter
// node p inside the segment path[i:end], and what follows them. It returns
// the node holding the value of the route that matches, or nil, like
// match; on a match ps holds p's value path[i:q] and the parameters after
// it.
//
// Each suffix node gives at most two places q where p's value can end: the
// first occurrence of its text after path[i] when a parameter follows the
// text, and the place where the text ends the segment when the segment may
// end there. They are tried in order of q, and at one q the longer text
// first, which is the order of the routes' priority.
func (p *node[T]) matchSuffixes(path string, i, end int, esc, slash bool, ps *params) *node[T] {
	k := ps.n
	last := suffixCandidate{q: -1}
	for {
		next := suffixCandidate{q: -1}
		for j, s := range p.suffixes {
			fq, lq := s.suffixEnds(path, i, end, esc)
			for _, q := range [2]int{fq, lq} {
				if c := (suffixCandidate{q, len(s.prefix), j}); q >= 0 && last.before(c) && (next.q < 0 || c.before(next)) {
					next = c
				}
			}
		}
		if next.q < 0 {
			return nil
		}
		ps.push(p.name, path[i:next.q])
		if m := p.suffixes[next.idx].match(path, next.q, esc, slash, ps); m != nil {
			return m
		}
		ps.truncate(k)
		last = next
	}
}

// suffixCandidate is a place where a parameter can end: at q, before the
// text, len bytes long, of its suffix node number idx.
type suffixCandidate struct{ q, len, idx int }

// before reports whether a is tried before b: the earlier place first, at
// one place the longer text first, and then the text added first.
func (a suffixCandidate) before(b suffixCandidate) bool {
	if a.q != b.q {
		return a.q < b.q
	}
	if a.len != b.len {
		return a.len > b.len
	}
	return a.idx < b.idx
}

// suffixEnds returns where in the segment path[i:end] the parameter before
// the suffix node s can end, -1 for none: first, the first occurrence of
// s.prefix after path[i], if a parameter follows s; last, where s.prefix
// ends the segment after path[i], if the segment may end after s. With
// esc set, escapes in path stand for the bytes they encode, as in static
// text.
func (s *node[T]) suffixEnds(path string, i, end int, esc bool) (first, last int) {
	first, last = -1, -1
	t := s.prefix
	if s.param != nil {
		if !esc {
			if j := strings.Index(path[i+1:end], t); j >= 0 {
				first = i + 1 + j
			}
		} else {
			for q := i + escapeSize(path, i); q < end; q += escapeSize(path, q) {
				if _, n := matchEscaped(path, q, t); n == len(t) {
					first = q
					break
				}
			}
		}
	}
	if s.hasValue || s.children != nil {
		if !esc {
			if q := end - len(t); q > i && path[q:end] == t {
				last = q
			}
		} else if q, ok := matchEscapedEnd(path, i, end, t); ok {
			last = q
		}
	}
	return first, last
}

// escapeSize returns how many bytes of path the byte at path[i] takes: 3
// for a valid escape, else 1.
func escapeSize(path string, i int) int {
	if _, ok := unescapeAt(path, i); ok {
		return 3
	}
	return 1
}

// matchEscapedEnd matches the static text t against the end of
// path[i:end], backwards, where a valid escape stands for the byte it
// encodes, except "%2F", which never matches. It returns where the match
// starts, which must be after i.
//
// An escape can be told from the end: a '%' is never a hex digit, so the
// three bytes before path[j] are an escape exactly when unescapeAt says so.
func matchEscapedEnd(path string, i, end int, t string) (q int, ok bool) {
	j := end
	for k := len(t) - 1; k >= 0; k-- {
		if j <= i {
			return 0, false
		}
		c, size := path[j-1], 1
		if j-3 >= i {
			if d, valid := unescapeAt(path, j-3); valid {
				if d == '/' {
					return 0, false
				}
				c, size = d, 3
			}
		}
		if c != t[k] {
			return 0, false
		}
		j -= size
	}
	return j, j > i
}

// escapedByte returns the byte that static text must have to match the
// '%' at path[i]: the byte of the escape, or '%' itself if the escape is
// invalid. ok is false for "%2F", which no static text matches.
func escapedByte(path string, i int) (c byte, ok bool) {
	d, valid := unescapeAt(path, i)
	if !valid {
		return '%', true
	}
	return d, d != '/'
}

// valueOrCatchAll returns n if it holds a value, else its catch-all (which
// matches an empty rest), or nil.
func (n *node[T]) valueOrCatchAll() *node[T] {
	if n.hasValue {
		return n
	}
	return n.catchAll
}

// slashEnd returns the node whose value matches one more '/' after the end
// of n's prefix, or nil: a static child that is just "/", or the catch-all.
func (n *node[T]) slashEnd() *node[T] {
	if c := n.staticChild('/'); c != nil && c.prefix == "/" {
		if m := c.valueOrCatchAll(); m != nil {
			return m
		}
	}
	return n.catchAll
}

// matchEscaped matches the static text p against path[i:], where a valid
// escape stands for the byte it encodes, except "%2F", which never matches.
// It returns the index in path after the matched bytes and how many bytes of
// p matched; all of p matched if k == len(p).
func matchEscaped(path string, i int, p string) (j, k int) {
	for k < len(p) && i < len(path) {
		c, size := path[i], 1
		if c == '%' {
			if d, ok := unescapeAt(path, i); ok {
				if d == '/' {
					break
				}
				c, size = d, 3
			}
		}
		if c != p[k] {
			break
		}
		i += size
		k++
	}
	return i, k
}

// lookupCaseInsensitive finds a route for path, a raw path like lookup's,
// ignoring the case of its static text (Unicode simple case folding, so
// "/USERS" finds "/users" and "/ÄPFEL" finds "/äpfel"). If
// fixTrailingSlash is set and no route matches, it also tries path with its
// trailing slash toggled as lookup's tsr does.
//
// On success fixed is the path spelled the way the route spells it: its
// static text as registered, with '%', '?', '#', space and ASCII control
// bytes percent-encoded, and the text matched by wildcards copied from path
// unchanged, so lookup(fixed) matches the route. Bytes outside ASCII are not
// escaped; escape them before writing fixed to a Location header (as
// net/http's Redirect does). When several routes differ only in case, the
// one that keeps each character of path as it is, earliest first, wins.
//
// Case is folded character by character: a byte of path that is not UTF-8
// only matches itself, and a pattern whose static text is not UTF-8 may not
// be found (its text can end inside a character of path).
//
// It is meant for redirecting to the fixed path (RedirectFixedPath), not for
// every request: it allocates.
func (t *tree[T]) lookupCaseInsensitive(path string, fixTrailingSlash bool) (fixed string, ok bool) {
	buf := make([]byte, 0, len(path)+1)
	if out, ok := t.root.matchFold(path, 0, 0, buf); ok {
		return string(out), true
	}
	if !fixTrailingSlash {
		return "", false
	}
	if l := len(path); l > 1 && path[l-1] == '/' {
		path = path[:l-1]
	} else {
		path += "/"
	}
	if out, ok := t.root.matchFold(path, 0, 0, buf); ok {
		return string(out), true
	}
	return "", false
}

// matchFold matches path[i:] against the tree from k bytes into n's prefix,
// ignoring case, and returns out with the route's spelling of it appended.
// It is called at character boundaries of path only.
func (n *node[T]) matchFold(path string, i, k int, out []byte) ([]byte, bool) {
	if i == len(path) {
		if k == len(n.prefix) && n.valueOrCatchAll() != nil {
			return out, true
		}
		return nil, false
	}

	// Static text: the next character of path, in each of its cases.
	if buf, nb, size := nextChar(path, i); size > 0 {
		b := buf[:nb]
		r, rsize := utf8.DecodeRune(b)
		if r == utf8.RuneError && rsize <= 1 {
			r = -1 // not UTF-8: only the byte itself
		}
		for v := r; ; {
			if m, mk := n.walk(k, b); m != nil {
				if res, ok := m.matchFold(path, i+size, mk, appendStatic(out, b)); ok {
					return res, true
				}
			}
			if r < 0 {
				break
			}
			if v = unicode.SimpleFold(v); v == r {
				break
			}
			b = utf8.AppendRune(buf[:0], v)
		}
	}

	if k < len(n.prefix) {
		return nil, false
	}
	if p := n.param; p != nil {
		end := strings.IndexByte(path[i:], '/')
		if end < 0 {
			end = len(path)
		} else {
			end += i
		}
		if end > i {
			// The texts that can follow p, in the order of matchSuffixes.
			last := suffixCandidate{q: -1}
			for {
				next := suffixCandidate{q: -1}
				for j, s := range p.suffixes {
					fq, lq := s.foldEnds(path, i, end)
					for _, q := range [2]int{fq, lq} {
						if c := (suffixCandidate{q, len(s.prefix), j}); q >= 0 && last.before(c) && (next.q < 0 || c.before(next)) {
							next = c
						}
					}
				}
				if next.q < 0 {
					break
				}
				if res, ok := p.suffixes[next.idx].matchFold(path, next.q, 0, append(out, path[i:next.q]...)); ok {
					return res, true
				}
				last = next
			}
			if res, ok := p.matchFold(path, end, 0, append(out, path[i:end]...)); ok {
				return res, true
			}
		}
	}
	if n.catchAll != nil {
		return append(out, path[i:]...), true
	}
	return nil, false
}

// foldEnds is suffixEnds ignoring case, for matchFold: first is the first
// place after path[i] where s.prefix occurs in the segment path[i:end] in
// any case, if a parameter follows s; last is the first place after path[i]
// where it occurs and ends the segment, if the segment may end after s.
func (s *node[T]) foldEnds(path string, i, end int) (first, last int) {
	first, last = -1, -1
	wantFirst, wantLast := s.param != nil, s.hasValue || s.children != nil
	for q := i + escapeSize(path, i); q < end && (wantFirst || wantLast); q += escapeSize(path, q) {
		j, ok := foldPrefix(path, q, s.prefix)
		if !ok {
			continue
		}
		if wantFirst {
			first, wantFirst = q, false
		}
		if wantLast && j == end {
			last, wantLast = q, false
		}
	}
	return first, last
}

// foldPrefix matches the static text t against path[q:] character by
// character, ignoring case as matchFold does, and returns the index in path
// after the match.
func foldPrefix(path string, q int, t string) (int, bool) {
	for t != "" {
		buf, nb, size := nextChar(path, q)
		if size == 0 {
			return 0, false
		}
		b := buf[:nb]
		r, w := utf8.DecodeRuneInString(t)
		if r == utf8.RuneError && w <= 1 {
			w = 1
		}
		if string(b) != t[:w] {
			pr, pw := utf8.DecodeRune(b)
			if r == utf8.RuneError || pr == utf8.RuneError && pw <= 1 || !foldEqual(pr, r) {
				return 0, false
			}
		}
		q += size
		t = t[w:]
	}
	return q, true
}

// foldEqual reports whether a and b are equal under Unicode simple case
// folding.
func foldEqual(a, b rune) bool {
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return a == b
}

// walk follows the bytes b through static text from k bytes into n's
// prefix, and returns where they end, or nil if the tree has no such text.
func (n *node[T]) walk(k int, b []byte) (*node[T], int) {
	for _, c := range b {
		if k == len(n.prefix) {
			if n = n.staticChild(c); n == nil {
				return nil, 0
			}
			k = 0
		}
		if n.prefix[k] != c {
			return nil, 0
		}
		k++
	}
	return n, k
}

// nextChar decodes the character at path[i]: one UTF-8 encoded rune, or a
// single byte where path is not UTF-8, with escapes decoded. It returns its
// bytes in b[:n] and how many bytes of path it takes; size is 0 for "%2F",
// which matches no static text.
func nextChar(path string, i int) (b [utf8.UTFMax]byte, n, size int) {
	first := 0 // bytes of path the first byte takes
	for j := i; j < len(path) && n < len(b); {
		c, w := path[j], 1
		if c == '%' {
			if d, ok := unescapeAt(path, j); ok {
				c, w = d, 3
			}
		}
		if n == 0 {
			if c == '/' && w == 3 {
				return b, 0, 0
			}
			first = w
		} else if utf8.RuneStart(c) {
			break
		}
		b[n] = c
		n++
		j += w
		size += w
		if utf8.FullRune(b[:n]) {
			break
		}
	}
	if r, rsize := utf8.DecodeRune(b[:n]); r == utf8.RuneError && rsize <= 1 || rsize < n {
		return b, 1, first
	}
	return b, n, size
}

// appendStatic appends the static text b to a path, escaping the bytes
// that a raw path cannot hold as themselves.
func appendStatic(dst, b []byte) []byte {
	const hex = "0123456789ABCDEF"
	for _, c := range b {
		if c == '%' || c == '?' || c == '#' || c <= ' ' || c == 0x7f {
			dst = append(dst, '%', hex[c>>4], hex[c&0xf])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// patternPart is one piece of a parsed pattern: static text, or a wildcard
// with its name.
type patternPart struct {
	kind byte // partStatic, partParam or partCatchAll
	text string
}

const (
	partStatic   = 0
	partParam    = ':'
	partCatchAll = '*'
)

// parsePattern splits pattern into static text and wildcards, and panics if
// it is malformed (see tree.add).
func parsePattern(pattern string) []patternPart {
	if pattern == "" || pattern[0] != '/' {
		panic("alb: pattern " + strconv.Quote(pattern) + " must begin with '/'")
	}
	var parts []patternPart
	wildcards := 0
	for s := pattern; s != ""; {
		i := strings.IndexAny(s, ":*")
		if i < 0 {
			parts = append(parts, patternPart{partStatic, s})
			break
		}
		if i > 0 {
			parts = append(parts, patternPart{partStatic, s[:i]})
		}
		var end int
		if s[i] == ':' {
			end = i + 1 + nameLen(s[i+1:])
		} else if end = strings.IndexByte(s[i:], '/'); end < 0 {
			end = len(s)
		} else {
			end += i
		}
		wildcard, name := s[i:end], s[i+1:end]
		if name == "" {
			if s[i] == ':' {
				wildcard = ":"
			}
			panic("alb: wildcard " + strconv.Quote(wildcard) + " in pattern " + strconv.Quote(pattern) + " has an empty name")
		}
		if s[i] == ':' {
			if end < len(s) && (s[end] == ':' || s[end] == '*') {
				panic("alb: parameter " + strconv.Quote(wildcard) + " in pattern " + strconv.Quote(pattern) +
					" is directly followed by another wildcard: separate them with static text")
			}
		} else {
			if strings.ContainsAny(name, ":*") {
				panic("alb: catch-all " + strconv.Quote(wildcard) + " in pattern " + strconv.Quote(pattern) +
					" holds a second ':' or '*'")
			}
			if end < len(s) {
				panic("alb: catch-all " + strconv.Quote(wildcard) + " in pattern " + strconv.Quote(pattern) +
					" is not at the end of the pattern")
			}
			if i == 0 || s[i-1] != '/' {
				panic("alb: catch-all " + strconv.Quote(wildcard) + " in pattern " + strconv.Quote(pattern) +
					" does not directly follow a '/'")
			}
		}
		if wildcards++; wildcards > maxParams {
			panic("alb: pattern " + strconv.Quote(pattern) + " has more than " + strconv.Itoa(maxParams) + " wildcards")
		}
		parts = append(parts, patternPart{s[i], name})
		s = s[end:]
	}
	return parts
}

// nameLen returns the length of the parameter name at the start of s: the
// letters, digits and '_' it begins with.
func nameLen(s string) int {
	n := 0
	for n < len(s) {
		r, size := rune(s[n]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[n:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
		} else if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_') {
			break
		}
		n += size
	}
	return n
}
