package alb_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/albkit/alb"
)

// GetUserInput is what GET /users/:id reads from the request.
type GetUserInput struct {
	ID     int    `path:"id" minimum:"1" doc:"the user's number"`
	Fields string `query:"fields" default:"name" enum:"name,all"`
}

// User is the answer.
type User struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

func ExampleRegister() {
	r := alb.New()
	api := r.Group("/api")
	alb.Register(api, alb.Operation{
		Method:  "GET",
		Path:    "/users/:id",
		Summary: "Get a user",
		Errors:  []alb.ErrorResponse{{Status: http.StatusNotFound, Description: "no such user"}},
	}, func(c *alb.Context, in *GetUserInput) (*User, error) {
		if in.ID != 1 {
			return nil, alb.NewHTTPError(http.StatusNotFound, "no such user")
		}
		u := &User{ID: 1, Name: "Ada"}
		if in.Fields == "all" {
			u.Email = "ada@example.com"
		}
		return u, nil
	})
	for _, target := range []string{"/api/users/1", "/api/users/1?fields=all", "/api/users/2", "/api/users/0?fields=some", "/api/users/x"} {
		path, query, _ := cut(target)
		out, _ := r.Invoke(context.Background(), []byte(`{"httpMethod":"GET","path":"`+path+`",`+
			`"queryStringParameters":{`+query+`},"headers":{},"body":"","isBase64Encoded":false}`))
		fmt.Println(string(out))
	}
	// Output:
	// {"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"application/json"},"body":"{\"id\":1,\"name\":\"Ada\"}"}
	// {"statusCode":200,"statusDescription":"200 OK","isBase64Encoded":false,"headers":{"Content-Type":"application/json"},"body":"{\"id\":1,\"name\":\"Ada\",\"email\":\"ada@example.com\"}"}
	// {"statusCode":404,"statusDescription":"404 Not Found","isBase64Encoded":false,"headers":{"Content-Type":"application/problem+json"},"body":"{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no such user\"}"}
	// {"statusCode":422,"statusDescription":"422 Unprocessable Entity","isBase64Encoded":false,"headers":{"Content-Type":"application/problem+json"},"body":"{\"type\":\"about:blank\",\"title\":\"Unprocessable Entity\",\"status\":422,\"detail\":\"the request breaks the API's rules\",\"errors\":[{\"location\":\"path.id\",\"message\":\"must be at least 1\",\"value\":0},{\"location\":\"query.fields\",\"message\":\"must be one of name, all\",\"value\":\"some\"}]}"}
	// {"statusCode":400,"statusDescription":"400 Bad Request","isBase64Encoded":false,"headers":{"Content-Type":"application/problem+json"},"body":"{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,\"detail\":\"the request is malformed\",\"errors\":[{\"location\":\"path.id\",\"message\":\"must be an integer\",\"value\":\"x\"}]}"}
}

// cut splits a target into its path and its query as the members of an
// event's queryStringParameters ("fields=all" becomes "fields":"all").
func cut(target string) (path, query string, ok bool) {
	path, q, ok := strings.Cut(target, "?")
	if !ok {
		return path, "", false
	}
	k, v, _ := strings.Cut(q, "=")
	return path, `"` + k + `":"` + v + `"`, true
}
