// Package httprouterapp serves the benchmark application with net/http
// handlers on julienschmidt/httprouter behind aws-lambda-go-api-proxy's
// ALB adapter for any http.Handler (httpadapter.NewALB).
package httprouterapp

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/julienschmidt/httprouter"

	"github.com/albkit/alb/bench/app"
)

// New returns the function for lambda.Start: the adapter's
// ProxyWithContext in front of an httprouter.Router.
func New() func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	r := httprouter.New()
	r.GET("/search", search)
	r.POST("/orders", createOrder)
	r.GET("/session", session)
	r.GET("/logo.png", logo)
	for _, rt := range app.RestRoutes {
		r.Handle(rt.Method, rt.Pattern, rest(rt.Pattern))
	}
	return httpadapter.NewALB(r).ProxyWithContext
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func search(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
	q := r.URL.Query()
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil {
		page = 1
	}
	writeJSON(w, http.StatusOK, app.SearchResult{Query: q.Get("q"), Page: page})
}

func createOrder(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
	var o app.Order
	if err := json.NewDecoder(r.Body).Decode(&o); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
		return
	}
	w.Header().Set("Location", app.OrderLocation(o.Reference))
	writeJSON(w, http.StatusCreated, app.ReceiptFor(&o))
}

func session(w http.ResponseWriter, _ *http.Request, _ httprouter.Params) {
	http.SetCookie(w, &http.Cookie{Name: "session", Value: "8f14e45fceea167a5a36dedd4bea2543", Path: "/",
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	http.SetCookie(w, &http.Cookie{Name: "theme", Value: "dark", Path: "/", MaxAge: 31536000})
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(app.SessionBody))
}

func logo(w http.ResponseWriter, _ *http.Request, _ httprouter.Params) {
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", app.LogoCacheControl)
	_, _ = w.Write(app.Logo)
}

func rest(pattern string) httprouter.Handle {
	names := app.ParamNames(pattern)
	return func(w http.ResponseWriter, _ *http.Request, ps httprouter.Params) {
		params := make(map[string]string, len(names))
		for _, n := range names {
			params[n] = ps.ByName(n)
		}
		writeJSON(w, http.StatusOK, app.RestAnswer{Route: pattern, Params: params})
	}
}
