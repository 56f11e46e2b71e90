package main

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/albkit/alb"
)

// Note is what the API stores and returns. Its Tags slice is never
// modified once the note is stored (an update stores a new slice), so a
// note can be handed out by value and read concurrently.
type Note struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Tags      []string  `json:"tags"` // never nil: the JSON is [] rather than null
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// hasTag reports whether n carries tag.
func (n *Note) hasTag(tag string) bool { return slices.Contains(n.Tags, tag) }

// errNoteNotFound is what the store returns for an id it does not hold: a
// 404 that the typed routes answer as a problem with this detail.
var errNoteNotFound = alb.NewHTTPError(http.StatusNotFound, "note not found")

// store keeps notes in memory, in the order they were created. It is safe
// for concurrent use: Lambda runs one request at a time per process, but
// the local emulator (and Lambda Managed Instances) run several at once.
//
// On Lambda the store lives as long as the execution environment: warm
// invocations share it, other instances have their own, and it is lost on
// a cold start. A real API keeps its notes in a database; the handlers
// would not change.
type store struct {
	now func() time.Time // the clock, replaceable in tests

	mu    sync.RWMutex
	seq   int             // the last id given out
	ids   []string        // ids in creation order
	notes map[string]Note // by id
}

// newStore returns an empty store.
func newStore() *store {
	return &store{
		now:   func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) },
		notes: map[string]Note{},
	}
}

// list returns at most limit notes, oldest first, carrying tag when tag is
// not "", and created after the note after when after is not "" (that
// note need not exist any more: ids grow with creation order). more
// reports whether other notes would follow. The result is never nil.
func (s *store) list(tag, after string, limit int) (notes []Note, more bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Note, 0, min(limit, len(s.ids)))
	for _, id := range s.ids {
		if after != "" && !idAfter(id, after) {
			continue
		}
		if n := s.notes[id]; tag == "" || n.hasTag(tag) {
			if len(out) == limit {
				return out, true
			}
			out = append(out, n)
		}
	}
	return out, false
}

// idAfter reports whether id was given out after other: ids are decimal
// numbers without leading zeros, so the longer one is the greater.
func idAfter(id, other string) bool {
	return len(id) > len(other) || len(id) == len(other) && id > other
}

// get returns the note id, or errNoteNotFound.
func (s *store) get(id string) (Note, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n, ok := s.notes[id]
	if !ok {
		return Note{}, errNoteNotFound
	}
	return n, nil
}

// create stores a new note made of in, which must be valid, and returns it.
func (s *store) create(in NoteInput) Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	now := s.now()
	n := Note{
		ID:        strconv.Itoa(s.seq),
		Title:     in.Title,
		Body:      in.Body,
		Tags:      in.Tags,
		CreatedAt: now,
		UpdatedAt: now,
	}
	s.ids = append(s.ids, n.ID)
	s.notes[n.ID] = n
	return n
}

// update applies change to a copy of the note id and stores the result,
// unless change returns an error, which update returns. The whole
// read-modify-write holds the lock, so two concurrent PATCHes of different
// fields both take effect. It returns errNoteNotFound for an unknown id.
func (s *store) update(id string, change func(n *Note) error) (Note, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.notes[id]
	if !ok {
		return Note{}, errNoteNotFound
	}
	if err := change(&n); err != nil {
		return Note{}, err
	}
	n.UpdatedAt = s.now()
	s.notes[id] = n
	return n, nil
}

// delete removes the note id, or returns errNoteNotFound.
func (s *store) delete(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.notes[id]; !ok {
		return errNoteNotFound
	}
	delete(s.notes, id)
	s.ids = slices.DeleteFunc(s.ids, func(x string) bool { return x == id })
	return nil
}
