package emulator

import (
	"io"
	"net/http"
	"strconv"
)

// serverName is the Server header of every answer, as the ALB sends it.
const serverName = "awselb/2.0"

// badGatewayPage is the body of the ALB's 502 answer.
const badGatewayPage = "<html>\n" +
	"<head><title>502 Bad Gateway</title></head>\n" +
	"<body>\n" +
	"<center><h1>502 Bad Gateway</h1></center>\n" +
	"</body>\n" +
	"</html>\n"

// page returns the ALB-style HTML page for status.
func page(status int) string {
	if status == http.StatusBadGateway {
		return badGatewayPage
	}
	title := strconv.Itoa(status) + " " + statusText(status)
	return "<html>\n" +
		"<head><title>" + title + "</title></head>\n" +
		"<body>\n" +
		"<center><h1>" + title + "</h1></center>\n" +
		"</body>\n" +
		"</html>\n"
}

// writePage answers with the ALB's own page for status: text/html,
// Server: awselb/2.0, and no body for HEAD.
func writePage(w http.ResponseWriter, r *http.Request, status int) {
	body := page(status)
	h := w.Header()
	h.Set("Content-Type", "text/html")
	h.Set("Server", serverName)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = io.WriteString(w, body)
	}
}

// statusText is the reason phrase of the ALB's own pages.
func statusText(status int) string {
	switch status {
	case 400:
		return "Bad Request"
	case 405:
		return "Method Not Allowed"
	case 413:
		return "Request Entity Too Large"
	case 502:
		return "Bad Gateway"
	}
	return strconv.Itoa(status)
}
