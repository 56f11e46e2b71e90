package main

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/albkit/alb"
)

// Limits on a note, checked by noteInput.validate.
const (
	maxTitle = 200    // characters, after trimming spaces
	maxBody  = 10_000 // characters
	maxTags  = 10
	maxTag   = 32 // bytes: a tag is ASCII
)

// Limits on a list.
const (
	defaultLimit = 50
	maxLimit     = 100
)

// noteInput is the body of POST and PUT: a whole note.
type noteInput struct {
	Title string   `json:"title"`
	Body  string   `json:"body"`
	Tags  []string `json:"tags"`
}

// notePatch is the body of PATCH: the fields to change. A field that is
// absent (or null) is left as it is.
type notePatch struct {
	Title *string   `json:"title"`
	Body  *string   `json:"body"`
	Tags  *[]string `json:"tags"`
}

// validate trims the title, makes Tags a fresh non-nil slice and checks
// the limits. It returns a *validationError that lists every field in
// error, or nil.
func (in *noteInput) validate() error {
	fields := map[string]string{}
	in.Title = strings.TrimSpace(in.Title)
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		fields["title"] = "must not be empty"
	case n > maxTitle:
		fields["title"] = "must be at most " + strconv.Itoa(maxTitle) + " characters"
	}
	if utf8.RuneCountInString(in.Body) > maxBody {
		fields["body"] = "must be at most " + strconv.Itoa(maxBody) + " characters"
	}
	if len(in.Tags) > maxTags {
		fields["tags"] = "must hold at most " + strconv.Itoa(maxTags) + " tags"
	}
	for i, tag := range in.Tags {
		key := "tags[" + strconv.Itoa(i) + "]"
		switch {
		case !validTag(tag):
			fields[key] = "must be 1 to " + strconv.Itoa(maxTag) + " lower-case letters, digits or '-'"
		case slices.Contains(in.Tags[:i], tag):
			fields[key] = "repeats " + strconv.Quote(tag)
		}
	}
	if len(fields) > 0 {
		return &validationError{Message: "invalid note", Fields: fields}
	}
	// A copy, never nil: the store keeps it, and nothing else may change it.
	in.Tags = append([]string{}, in.Tags...)
	return nil
}

// validTag reports whether tag is 1 to maxTag of a-z, 0-9 and '-'.
func validTag(tag string) bool {
	if tag == "" || len(tag) > maxTag {
		return false
	}
	for i := 0; i < len(tag); i++ {
		if c := tag[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// validationError says which fields of a request body are semantically
// wrong (the JSON itself was fine). The router's ErrorHandler, errorHandler,
// answers it as 422 with this struct as the JSON body.
type validationError struct {
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"` // field name → what is wrong with it
}

// errInvalid is what a validationError unwraps to, so that code that looks
// for an *alb.HTTPError with errors.As finds a 422: alb.DefaultErrorHandler
// answers it as {"message":"invalid note"}, without the fields, should a
// router lack errorHandler.
var errInvalid = alb.NewHTTPError(http.StatusUnprocessableEntity, "invalid note")

// Error lists the fields in error, sorted, for the log.
func (e *validationError) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for i, name := range slices.Sorted(maps.Keys(e.Fields)) {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(name + " " + e.Fields[name])
	}
	return b.String()
}

// Unwrap returns errInvalid.
func (e *validationError) Unwrap() error { return errInvalid }

// notesAPI holds the handlers of /api/v1/notes.
type notesAPI struct {
	store *store
}

// list answers GET /api/v1/notes?limit=N&tag=T.
func (a *notesAPI) list(c *alb.Context) error {
	limit := defaultLimit
	if s, ok := c.LookupQuery("limit"); ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return alb.NewHTTPError(http.StatusBadRequest, "limit must be a whole number from 1 to "+strconv.Itoa(maxLimit))
		}
		limit = n
	}
	return c.JSON(http.StatusOK, struct {
		Notes []note `json:"notes"`
	}{a.store.list(c.Query("tag"), limit)})
}

// get answers GET /api/v1/notes/:id.
func (a *notesAPI) get(c *alb.Context) error {
	n, err := a.store.get(c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}

// create answers POST /api/v1/notes with 201, the note and its Location.
//
// It binds with BindJSON, which ignores fields it does not know: a client
// may post back a note it read, id and dates included.
func (a *notesAPI) create(c *alb.Context) error {
	var in noteInput
	if err := c.BindJSON(&in); err != nil {
		return err // 400, with the framework's message
	}
	if err := in.validate(); err != nil {
		return err // 422, through errorHandler
	}
	n := a.store.create(in)
	c.SetHeader("Location", "/api/v1/notes/"+n.ID)
	return c.JSON(http.StatusCreated, n)
}

// replace answers PUT /api/v1/notes/:id: the body is the whole new note
// (a field left out is emptied). Like create, it ignores unknown fields.
func (a *notesAPI) replace(c *alb.Context) error {
	var in noteInput
	if err := c.BindJSON(&in); err != nil {
		return err
	}
	if err := in.validate(); err != nil {
		return err
	}
	n, err := a.store.update(c.Param("id"), func(n *note) error {
		n.Title, n.Body, n.Tags = in.Title, in.Body, in.Tags
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}

// patch answers PATCH /api/v1/notes/:id: only the fields in the body
// change. It binds with BindJSONStrict: in a patch, a misspelt field would
// otherwise change nothing and still answer 200.
func (a *notesAPI) patch(c *alb.Context) error {
	var p notePatch
	if err := c.BindJSONStrict(&p); err != nil {
		return err
	}
	n, err := a.store.update(c.Param("id"), func(n *note) error {
		in := noteInput{Title: n.Title, Body: n.Body, Tags: n.Tags}
		if p.Title != nil {
			in.Title = *p.Title
		}
		if p.Body != nil {
			in.Body = *p.Body
		}
		if p.Tags != nil {
			in.Tags = *p.Tags
		}
		if err := in.validate(); err != nil { // the note as it would be
			return err
		}
		n.Title, n.Body, n.Tags = in.Title, in.Body, in.Tags
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}

// remove answers DELETE /api/v1/notes/:id with 204.
func (a *notesAPI) remove(c *alb.Context) error {
	if err := a.store.delete(c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
