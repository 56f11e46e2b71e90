package albapp

import (
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/albkit/alb"
)

// problems collects what is wrong with a request, checked by hand, in the
// shape alb's typed routes answer (alb.Register): a 400 listing the values
// that do not parse, else a 422 listing every broken rule. The messages are
// the typed routes' own, so that both contenders answer the same bytes to
// the same bad request; nothing is allocated unless something is wrong.
type problems struct {
	bad, broken []alb.FieldError
}

// at is where a value is: name, or list[index].name when list is set.
type at struct {
	list  string
	index int
	name  string
}

func (a at) String() string {
	if a.list == "" {
		return a.name
	}
	return a.list + "[" + strconv.Itoa(a.index) + "]." + a.name
}

func (p *problems) malformed(where at, msg string, value any) {
	p.bad = append(p.bad, alb.FieldError{Location: where.String(), Message: msg, Value: value})
}

func (p *problems) invalid(where at, msg string, value any) {
	p.broken = append(p.broken, alb.FieldError{Location: where.String(), Message: msg, Value: value})
}

// text checks that s has from minLen to maxLen characters.
func (p *problems) text(where at, s string, minLen, maxLen int) {
	switch n := utf8.RuneCountInString(s); {
	case n < minLen && minLen == 1:
		p.invalid(where, "must not be empty", s)
	case n < minLen:
		p.invalid(where, "must be at least "+strconv.Itoa(minLen)+" characters long", s)
	case n > maxLen:
		p.invalid(where, "must be at most "+strconv.Itoa(maxLen)+" characters long", s)
	}
}

// number checks that n is from lo to hi.
func (p *problems) number(where at, n, lo, hi int64) {
	switch {
	case n < lo:
		p.invalid(where, "must be at least "+strconv.FormatInt(lo, 10), n)
	case n > hi:
		p.invalid(where, "must be at most "+strconv.FormatInt(hi, 10), n)
	}
}

// err returns the problem, or nil when nothing is wrong.
func (p *problems) err() error {
	switch {
	case len(p.bad) > 0:
		return &alb.ProblemError{Problem: alb.Problem{Status: http.StatusBadRequest,
			Title: http.StatusText(http.StatusBadRequest), Detail: "the request is malformed", Errors: p.bad}}
	case len(p.broken) > 0:
		return &alb.ProblemError{Problem: alb.Problem{Status: http.StatusUnprocessableEntity,
			Title: http.StatusText(http.StatusUnprocessableEntity), Detail: "the request breaks the API's rules", Errors: p.broken}}
	}
	return nil
}
