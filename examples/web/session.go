package main

import (
	"crypto/rand"
	"errors"
	"sync"
	"time"
)

// errTooManySessions is what create returns when the store is full.
var errTooManySessions = errors.New("web: too many sessions")

// sessions is an in-memory session store: random session ids mapped to the
// name that signed in. It is safe for concurrent use, as Invoke is.
//
// It lives in one process. On Lambda that is one execution environment:
// another environment (a cold start, or concurrent requests served by
// several) does not know the session, and the user has to sign in again. A
// deployed application keeps sessions in a shared store, such as DynamoDB,
// or in a signed cookie.
type sessions struct {
	ttl time.Duration    // how long a session lasts after sign-in
	max int              // how many live sessions the store holds at most
	now func() time.Time // the clock; time.Now outside tests

	mu sync.Mutex
	m  map[string]session
}

type session struct {
	name    string
	expires time.Time
}

func newSessions(ttl time.Duration, max int) *sessions {
	return &sessions{ttl: ttl, max: max, now: time.Now, m: map[string]session{}}
}

// create starts a session for name and returns its id: 128 random bits from
// crypto/rand, as 26 base32 characters. It returns errTooManySessions when
// the store holds max live sessions.
func (s *sessions) create(name string) (string, error) {
	id := rand.Text()
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= s.max {
		for k, v := range s.m {
			if !now.Before(v.expires) {
				delete(s.m, k)
			}
		}
		if len(s.m) >= s.max {
			return "", errTooManySessions
		}
	}
	s.m[id] = session{name: name, expires: now.Add(s.ttl)}
	return id, nil
}

// lookup returns the name of the live session id, and whether there is
// one. An expired session is removed.
func (s *sessions) lookup(id string) (string, bool) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[id]
	if !ok {
		return "", false
	}
	if !now.Before(v.expires) {
		delete(s.m, id)
		return "", false
	}
	return v.name, true
}

// delete ends the session id, if there is one.
func (s *sessions) delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}
