// Package jsoncorpus is a differential test of alb.JSONCodec
// implementations against alb.StandardJSON, the encoding/json reference: a
// corpus of valid and invalid request bodies with the Go types they decode
// into, values to encode, a runner that reports every input on which a
// codec and the reference disagree, and the benchmark the codec adapters
// share.
package jsoncorpus

import (
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Order is the ~1 KiB order body of the post-json benchmark workload, the
// same shape as bench/app's.
type Order struct {
	Reference string   `json:"reference"`
	Customer  Customer `json:"customer"`
	Items     []Item   `json:"items"`
	Shipping  Address  `json:"shipping"`
	Note      string   `json:"note"`
	Gift      bool     `json:"gift"`
}

// Customer is the buyer of an Order.
type Customer struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Item is one line of an Order; UnitPrice is in cents.
type Item struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Quantity  int    `json:"quantity"`
	UnitPrice int    `json:"unitPrice"`
}

// Address is where an Order goes.
type Address struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	City       string `json:"city"`
	PostalCode string `json:"postalCode"`
	Country    string `json:"country"`
}

// Receipt is the answer to an Order.
type Receipt struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Units  int    `json:"units"`
	Total  int    `json:"total"`
}

// ReceiptFor computes the receipt of o.
func ReceiptFor(o *Order) Receipt {
	r := Receipt{ID: o.Reference, Status: "accepted"}
	for _, it := range o.Items {
		r.Units += it.Quantity
		r.Total += it.Quantity * it.UnitPrice
	}
	return r
}

// SampleOrder returns the order of the benchmark: about 1 KiB of JSON.
func SampleOrder() Order {
	return Order{
		Reference: "ord-20250117-1001",
		Customer:  Customer{ID: "cus_4f9a2c", Name: "Zoë Faure", Email: "zoe.faure@example.com"},
		Items: []Item{
			{SKU: "MUG-CAFE-350", Name: "Café au lait mug, 350 ml", Quantity: 2, UnitPrice: 1450},
			{SKU: "BEANS-ETH-1K", Name: "Ethiopia Yirgacheffe beans, 1 kg", Quantity: 1, UnitPrice: 3290},
			{SKU: "FILTER-02-100", Name: "Paper filters, size 02, 100 pcs", Quantity: 3, UnitPrice: 590},
			{SKU: "GRINDER-HAND", Name: "Hand grinder, ceramic burrs", Quantity: 1, UnitPrice: 5900},
			{SKU: "SCALE-0.1G", Name: "Coffee scale with timer, 0.1 g", Quantity: 1, UnitPrice: 2490},
		},
		Shipping: Address{Line1: "12 rue des Cafés", Line2: "Bâtiment B, 3e étage", City: "Lyon", PostalCode: "69002", Country: "FR"},
		Note: "Please leave the parcel with the concierge if nobody answers. " +
			"The grinder is a gift: no prices on the packing slip, thank you. " +
			"Deliveries before 9:00 are fine; the building door code is 4521B. " +
			"Call +33 4 00 00 00 00 if the courier cannot find the entrance.",
		Gift: true,
	}
}

// OrderBody is SampleOrder encoded by encoding/json.
func OrderBody() []byte {
	b, err := json.Marshal(SampleOrder())
	if err != nil {
		panic(err)
	}
	return b
}

// Basic has one field of each JSON type.
type Basic struct {
	Name   string   `json:"name"`
	Age    int      `json:"age"`
	Score  float64  `json:"score"`
	Active bool     `json:"active"`
	Tags   []string `json:"tags"`
}

// Small has numeric fields with small ranges.
type Small struct {
	I8  int8    `json:"i8"`
	U8  uint8   `json:"u8"`
	U   uint    `json:"u"`
	I64 int64   `json:"i64"`
	F32 float32 `json:"f32"`
}

// Untagged has no tags: its members are named after its fields.
type Untagged struct {
	FirstName string
	LastName  string
}

// Ptrs has pointer fields.
type Ptrs struct {
	P *int    `json:"p"`
	S *string `json:"s"`
	B *Basic  `json:"b"`
}

// Base is embedded in Embedded.
type Base struct {
	ID   int    `json:"id"`
	Kind string `json:"kind"`
}

// Embedded has the fields of Base promoted.
type Embedded struct {
	Base
	Extra string `json:"extra"`
}

// Stringy has numbers and a boolean quoted in JSON strings.
type Stringy struct {
	N int     `json:"n,string"`
	F float64 `json:"f,string"`
	B bool    `json:"b,string"`
}

// Times holds a time.
type Times struct {
	At time.Time `json:"at"`
}

// Bytes holds bytes, base64 in JSON.
type Bytes struct {
	Data []byte  `json:"data"`
	Arr  [2]byte `json:"arr"`
}

// Maps has maps with string and integer keys.
type Maps struct {
	M  map[string]int `json:"m"`
	IK map[int]string `json:"ik"`
}

// Any holds any JSON value.
type Any struct {
	V any `json:"v"`
}

// Raw keeps a member's JSON text.
type Raw struct {
	R json.RawMessage `json:"r"`
}

// Omit has omitempty fields.
type Omit struct {
	A string         `json:"a,omitempty"`
	B int            `json:"b,omitempty"`
	C []int          `json:"c,omitempty"`
	D map[string]int `json:"d,omitempty"`
	E *int           `json:"e,omitempty"`
	F bool           `json:"f,omitempty"`
	G float64        `json:"g,omitempty"`
}

// Nils has nilable fields without omitempty.
type Nils struct {
	S []int          `json:"s"`
	M map[string]int `json:"m"`
	P *int           `json:"p"`
	I any            `json:"i"`
}

// Ignored has fields that JSON never sees.
type Ignored struct {
	Keep       string `json:"keep"`
	Skip       string `json:"-"`
	unexported int
}

// Level is a TextMarshaler and TextUnmarshaler: "low" or "high".
type Level int

// MarshalText returns "low" or "high".
func (l Level) MarshalText() ([]byte, error) {
	if l == 0 {
		return []byte("low"), nil
	}
	return []byte("high"), nil
}

// UnmarshalText accepts "low" and "high".
func (l *Level) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*l = 0
	case "high":
		*l = 1
	default:
		return errors.New("level must be low or high")
	}
	return nil
}

// Levels uses Level as a value and a map key.
type Levels struct {
	L   Level         `json:"l"`
	ByL map[Level]int `json:"byL"`
}

// Picky is a json.Unmarshaler that accepts only the JSON string "ok".
type Picky struct{ OK bool }

// UnmarshalJSON accepts only "ok".
func (p *Picky) UnmarshalJSON(b []byte) error {
	if string(b) != `"ok"` {
		return errors.New("picky wants ok")
	}
	p.OK = true
	return nil
}

// Pickies holds a Picky.
type Pickies struct {
	P Picky `json:"p"`
}

// Spaced is a json.Marshaler whose output has white space.
type Spaced struct{}

// MarshalJSON returns an object with white space in it.
func (Spaced) MarshalJSON() ([]byte, error) { return []byte("{ \"a\" : [ 1 , 2 ] }"), nil }

// Triple is a Go array.
type Triple struct {
	A [3]int `json:"a"`
}

// Deep nests objects.
type Deep struct {
	Order  Order   `json:"order"`
	Orders []Order `json:"orders"`
}

// nested returns n opening brackets.
func nested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
