package alb

import "strconv"

// statusLine returns the statusDescription ("<code> <reason>", contract
// rule 23) of code when net/http names it, with net/http's reason text, and
// "" for any other code in 0-599.
func statusLine(code int) string { return statusLineTexts[statusLineIndex[code]] }

// statusLineIndex maps a status code to its line in statusLineTexts; 0, the
// index of "", for the codes net/http does not name. Bytes rather than
// strings indexed by code keep the table small in the binary (0.6 KB, not
// 9.6 KB), which every cold start maps.
//
// Both are array literals of constants, so the compiler lays them out in
// the binary: nothing runs at package init, which matters because package
// init runs on every Lambda cold start.
var statusLineIndex = [600]uint8{
	100: 1,
	101: 2,
	102: 3,
	103: 4,
	200: 5,
	201: 6,
	202: 7,
	203: 8,
	204: 9,
	205: 10,
	206: 11,
	207: 12,
	208: 13,
	226: 14,
	300: 15,
	301: 16,
	302: 17,
	303: 18,
	304: 19,
	305: 20,
	307: 21,
	308: 22,
	400: 23,
	401: 24,
	402: 25,
	403: 26,
	404: 27,
	405: 28,
	406: 29,
	407: 30,
	408: 31,
	409: 32,
	410: 33,
	411: 34,
	412: 35,
	413: 36,
	414: 37,
	415: 38,
	416: 39,
	417: 40,
	418: 41,
	421: 42,
	422: 43,
	423: 44,
	424: 45,
	425: 46,
	426: 47,
	428: 48,
	429: 49,
	431: 50,
	451: 51,
	500: 52,
	501: 53,
	502: 54,
	503: 55,
	504: 56,
	505: 57,
	506: 58,
	507: 59,
	508: 60,
	510: 61,
	511: 62,
}

// statusLineTexts are the lines statusLineIndex points at.
var statusLineTexts = [...]string{
	"",
	"100 Continue",
	"101 Switching Protocols",
	"102 Processing",
	"103 Early Hints",
	"200 OK",
	"201 Created",
	"202 Accepted",
	"203 Non-Authoritative Information",
	"204 No Content",
	"205 Reset Content",
	"206 Partial Content",
	"207 Multi-Status",
	"208 Already Reported",
	"226 IM Used",
	"300 Multiple Choices",
	"301 Moved Permanently",
	"302 Found",
	"303 See Other",
	"304 Not Modified",
	"305 Use Proxy",
	"307 Temporary Redirect",
	"308 Permanent Redirect",
	"400 Bad Request",
	"401 Unauthorized",
	"402 Payment Required",
	"403 Forbidden",
	"404 Not Found",
	"405 Method Not Allowed",
	"406 Not Acceptable",
	"407 Proxy Authentication Required",
	"408 Request Timeout",
	"409 Conflict",
	"410 Gone",
	"411 Length Required",
	"412 Precondition Failed",
	"413 Request Entity Too Large",
	"414 Request URI Too Long",
	"415 Unsupported Media Type",
	"416 Requested Range Not Satisfiable",
	"417 Expectation Failed",
	"418 I'm a teapot",
	"421 Misdirected Request",
	"422 Unprocessable Entity",
	"423 Locked",
	"424 Failed Dependency",
	"425 Too Early",
	"426 Upgrade Required",
	"428 Precondition Required",
	"429 Too Many Requests",
	"431 Request Header Fields Too Large",
	"451 Unavailable For Legal Reasons",
	"500 Internal Server Error",
	"501 Not Implemented",
	"502 Bad Gateway",
	"503 Service Unavailable",
	"504 Gateway Timeout",
	"505 HTTP Version Not Supported",
	"506 Variant Also Negotiates",
	"507 Insufficient Storage",
	"508 Loop Detected",
	"510 Not Extended",
	"511 Network Authentication Required",
}

// statusClasses is the reason text of a code that has no standard reason,
// indexed by the code's class (code / 100).
var statusClasses = [6]string{
	1: "Informational",
	2: "Success",
	3: "Redirection",
	4: "Client Error",
	5: "Server Error",
}

// appendStatusDescription appends the statusDescription of code to dst:
// statusLine(code) when net/http names the code ("404 Not Found"), else
// "<code> <class>" ("299 Success"). The result is never just a code, needs no
// JSON escaping and costs no allocation beyond growing dst. code must be in
// 100-599; the encoder passes only final statuses, 200-599.
func appendStatusDescription(dst []byte, code int) []byte {
	if line := statusLine(code); line != "" {
		return append(dst, line...)
	}
	dst = strconv.AppendInt(dst, int64(code), 10)
	dst = append(dst, ' ')
	return append(dst, statusClasses[code/100]...)
}
