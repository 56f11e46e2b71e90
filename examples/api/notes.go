package main

import (
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/albkit/alb"
)

// Limits on a note. The struct tags below repeat them, since a tag is a
// constant; TestLimits checks that the tags and these agree.
const (
	maxTitle = 200    // characters, after trimming spaces
	maxBody  = 10_000 // characters
	maxTags  = 10
	maxTag   = 32 // characters: a tag is ASCII
)

// Limits on a list.
const (
	defaultLimit = 50
	maxLimit     = 100
)

// NoteInput is the body of POST and PUT: a whole note. The tags are the
// rules, checked before the handler runs and written in the API document;
// Validate adds the one a tag cannot say exactly.
type NoteInput struct {
	Title string `json:"title" minLength:"1" maxLength:"200" pattern:"\\S" example:"Buy milk" doc:"The title: at most 200 characters, not blank. Spaces around it are removed."`

	Body string `json:"body,omitempty" maxLength:"10000" example:"Semi-skimmed, two litres." doc:"The text of the note, at most 10,000 characters."`

	Tags []string `json:"tags,omitempty" maxItems:"10" uniqueItems:"true" minLength:"1" maxLength:"32" pattern:"^[a-z0-9-]+$" example:"[\"home\",\"shop\"]" doc:"At most 10 distinct tags, each 1 to 32 of a-z, 0-9 and '-'."`
}

// Validate refuses a title that is nothing but spaces once trimmed. The
// pattern tag (\S, a character that is not a space) already refuses most,
// and refuses them together with the other fields in error; Validate is
// for the Unicode spaces that strings.TrimSpace removes and a pattern's
// \S does not know.
func (in *NoteInput) Validate() error {
	if strings.TrimSpace(in.Title) == "" {
		return &alb.FieldError{Location: "body.title", Message: "must not be blank", Value: in.Title}
	}
	return nil
}

// clean returns the note as the store keeps it: the title trimmed and
// Tags a fresh slice, never nil, that nothing else may change.
func (in NoteInput) clean() NoteInput {
	in.Title = strings.TrimSpace(in.Title)
	in.Tags = append([]string{}, in.Tags...)
	return in
}

// NotePatch is the body of PATCH: the fields to change. A field that is
// absent (or null) is left as it is. Each field has the rules of
// NoteInput's, so the note as patched keeps them all.
type NotePatch struct {
	Title *string `json:"title" minLength:"1" maxLength:"200" pattern:"\\S" doc:"The new title, as in NoteInput."`

	Body *string `json:"body" maxLength:"10000" doc:"The new text, as in NoteInput."`

	Tags *[]string `json:"tags" maxItems:"10" uniqueItems:"true" minLength:"1" maxLength:"32" pattern:"^[a-z0-9-]+$" doc:"The new tags, replacing the old ones, as in NoteInput."`
}

// Validate refuses a blank title, as NoteInput's does.
func (p *NotePatch) Validate() error {
	if p.Title != nil && strings.TrimSpace(*p.Title) == "" {
		return &alb.FieldError{Location: "body.title", Message: "must not be blank", Value: *p.Title}
	}
	return nil
}

// listInput is the query of GET /api/v1/notes.
type listInput struct {
	Limit int `query:"limit" default:"50" minimum:"1" maximum:"100" doc:"How many notes to return at most."`

	Tag string `query:"tag,omitempty" doc:"Only the notes that carry this tag."`

	After string `query:"after,omitempty" pattern:"^[1-9][0-9]*$" example:"50" doc:"The cursor of the next page: the next field of the previous answer. Notes are listed oldest first."`
}

// NoteList is a page of notes.
type NoteList struct {
	Notes []Note `json:"notes" doc:"The notes, oldest first."`

	// Next is the cursor of the next page, empty on the last one. It is
	// the id of the last note listed.
	Next string `json:"next,omitempty" doc:"Pass it as the after parameter to read the next page; absent on the last page."`
}

// noteID is the input of the routes of one note.
type noteID struct {
	ID string `path:"id" pattern:"^[1-9][0-9]*$" doc:"The note's id." example:"1"`
}

// noteWrite is the input of PUT: the note's id and its new content.
type noteWrite struct {
	ID   string `path:"id" pattern:"^[1-9][0-9]*$" doc:"The note's id." example:"1"`
	Body NoteInput
}

// notePatchInput is the input of PATCH: the note's id and the changes.
type notePatchInput struct {
	ID   string `path:"id" pattern:"^[1-9][0-9]*$" doc:"The note's id." example:"1"`
	Body NotePatch
}

// createInput is the input of POST. The note is wrapped in a Body field,
// though it is the whole input: an input struct that has a field named
// Body (as NoteInput does, the text of the note) would be taken for one
// whose Body field is the request body.
type createInput struct {
	Body NoteInput
}

// noteAnswer is the answer of the routes of one note, wrapped for the
// same reason: an output with a Body field is a body and its headers.
type noteAnswer struct {
	Body Note
}

// createdNote is the answer to POST: the note, and where it is.
type createdNote struct {
	Location string `header:"Location" doc:"The URL of the new note." example:"/api/v1/notes/1"`
	Body     Note
}

// notesAPI holds the handlers of /api/v1/notes.
type notesAPI struct {
	store *store
}

// errNotFound is the error the handlers answer themselves, besides those
// of binding (400, 415, 422) and of a failure (500) that every typed
// route declares, and those the middleware describe (BearerAuth's 401,
// BodyLimit's 413).
var errNotFound = alb.ErrorResponse{Status: http.StatusNotFound, Description: "No note has this id."}

// The operations, registered by newRouter.
var (
	opList = alb.Operation{Method: http.MethodGet, Path: "/notes", OperationID: "listNotes", Tags: []string{"notes"},
		Summary:     "List notes",
		Description: "The notes, oldest first, a page at a time, optionally only those with a tag."}
	opGet = alb.Operation{Method: http.MethodGet, Path: "/notes/:id", OperationID: "getNote", Tags: []string{"notes"},
		Summary: "Read a note", Errors: []alb.ErrorResponse{errNotFound}}
	opCreate = alb.Operation{Method: http.MethodPost, Path: "", OperationID: "createNote", Tags: []string{"notes"},
		Summary: "Create a note", Status: http.StatusCreated,
		Description:        "Unknown members are ignored, so a client may post back a note it read, id and dates included.",
		AllowUnknownFields: true}
	opReplace = alb.Operation{Method: http.MethodPut, Path: "/:id", OperationID: "replaceNote", Tags: []string{"notes"},
		Summary:     "Replace a note",
		Description: "The body is the whole new note: a member left out is emptied. Unknown members are ignored, as in createNote.",
		Errors:      []alb.ErrorResponse{errNotFound}, AllowUnknownFields: true}
	opPatch = alb.Operation{Method: http.MethodPatch, Path: "/:id", OperationID: "patchNote", Tags: []string{"notes"},
		Summary:     "Change some fields of a note",
		Description: "Only the members given change. An unknown member is refused (400): in a patch, a misspelt member would otherwise change nothing and still answer 200.",
		Errors:      []alb.ErrorResponse{errNotFound}}
	opDelete = alb.Operation{Method: http.MethodDelete, Path: "/:id", OperationID: "deleteNote", Tags: []string{"notes"},
		Summary: "Delete a note", Errors: []alb.ErrorResponse{errNotFound}}
)

// list answers GET /api/v1/notes?limit=N&tag=T&after=ID.
func (a *notesAPI) list(c *alb.Context, in *listInput) (NoteList, error) {
	notes, more := a.store.list(in.Tag, in.After, in.Limit)
	l := NoteList{Notes: notes}
	if more {
		l.Next = notes[len(notes)-1].ID
	}
	return l, nil
}

// get answers GET /api/v1/notes/:id.
func (a *notesAPI) get(c *alb.Context, in *noteID) (noteAnswer, error) {
	n, err := a.store.get(in.ID)
	return noteAnswer{n}, err
}

// create answers POST /api/v1/notes with 201, the note and its Location.
func (a *notesAPI) create(c *alb.Context, in *createInput) (createdNote, error) {
	n := a.store.create(in.Body.clean())
	return createdNote{Location: "/api/v1/notes/" + n.ID, Body: n}, nil
}

// replace answers PUT /api/v1/notes/:id. The body was checked before the
// lookup, so a bad body is a 422 even for a note that does not exist.
func (a *notesAPI) replace(c *alb.Context, in *noteWrite) (noteAnswer, error) {
	nw := in.Body.clean()
	n, err := a.store.update(in.ID, func(n *Note) error {
		n.Title, n.Body, n.Tags = nw.Title, nw.Body, nw.Tags
		return nil
	})
	return noteAnswer{n}, err
}

// patch answers PATCH /api/v1/notes/:id: only the fields in the body
// change.
func (a *notesAPI) patch(c *alb.Context, in *notePatchInput) (noteAnswer, error) {
	p := in.Body
	n, err := a.store.update(in.ID, func(n *Note) error {
		nw := NoteInput{Title: n.Title, Body: n.Body, Tags: n.Tags}
		if p.Title != nil {
			nw.Title = *p.Title
		}
		if p.Body != nil {
			nw.Body = *p.Body
		}
		if p.Tags != nil {
			nw.Tags = *p.Tags
		}
		nw = nw.clean()
		n.Title, n.Body, n.Tags = nw.Title, nw.Body, nw.Tags
		return nil
	})
	return noteAnswer{n}, err
}

// remove answers DELETE /api/v1/notes/:id with 204.
func (a *notesAPI) remove(c *alb.Context, in *noteID) (struct{}, error) {
	return struct{}{}, a.store.delete(in.ID)
}

// version answers GET /api/v1/version: a plain HandlerFunc, which the API
// document lists with a generic answer.
func version(c *alb.Context) error {
	v := struct {
		Version string `json:"version"`
		Go      string `json:"go"`
	}{Version: "(devel)"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v.Version, v.Go = bi.Main.Version, bi.GoVersion
	}
	return c.JSON(http.StatusOK, v)
}
