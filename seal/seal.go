// Package seal signs travel documents so that a border officer can check
// them offline: the Visible Digital Seal of ICAO Doc 9303 Part 13 (vds.go,
// ECDSA P-256 under a document signer certificate that a country signing CA
// of the deployment signed, readable by any seal reader), and the older
// Ed25519 tokens of the documents' key fields, which keep verifying. The
// keys live in files outside the database; the Ed25519 keys are rotatable,
// with retired keys still verifying old documents.
//
// # Token
//
// A token is base64url(payload) "." base64url(signature), without padding.
// The payload is the claims as JSON with the fields in the fixed order of
// the Claims type (encoding/json writes struct fields in order and this
// package never changes it within a version "v"); the signature is Ed25519
// over the payload bytes exactly as carried, so a verifier never
// re-encodes anything. The key id ("kid") inside the payload names the key.
package seal

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// Version is the claims format this package writes.
const Version = 1

// MaxToken is the size budget of a token: it travels in a QR code.
const MaxToken = 900

// Claims are the key fields of a travel document.
type Claims struct {
	V             int    `json:"v"`
	KeyID         string `json:"kid"`
	Number        string `json:"num"`
	Kind          string `json:"kind"`          // national, eu_standard
	IssuedOn      string `json:"iss"`           // YYYY-MM-DD
	ValidUntil    string `json:"exp"`           // YYYY-MM-DD
	IssuingState  string `json:"st"`            // ISO 3166-1 alpha-2
	Mission       string `json:"mis"`           // issuing mission's id
	Surname       string `json:"sn"`            // as in the document
	GivenNames    string `json:"gn"`            //
	DateOfBirth   string `json:"dob"`           // YYYY, YYYY-MM or YYYY-MM-DD
	Nationality   string `json:"nat"`           //
	CaseReference string `json:"ref"`           // the readmission case
	PhotoSHA256   string `json:"pho,omitempty"` // hex SHA-256 of the photo printed on it
}

// Errors of Verify.
var (
	ErrMalformed    = errors.New("seal: malformed token")
	ErrUnknownKey   = errors.New("seal: signed with an unknown key")
	ErrBadSignature = errors.New("seal: the signature does not match: the document was altered or forged")
	ErrTooLong      = errors.New("seal: the token is too long for a QR code")
)

var b64 = base64.RawURLEncoding

// sign makes the token of c with key.
func sign(c Claims, key ed25519.PrivateKey) (string, error) {
	c.V = Version
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	tok := b64.EncodeToString(payload) + "." + b64.EncodeToString(ed25519.Sign(key, payload))
	if len(tok) > MaxToken {
		return "", ErrTooLong
	}
	return tok, nil
}

// Verify checks a token against the public keys (looked up by key id) and
// returns its claims. It needs nothing but the keys: a border officer's
// laptop can run it offline.
func Verify(token string, keys func(kid string) (ed25519.PublicKey, bool)) (Claims, error) {
	var c Claims
	p, s, ok := strings.Cut(strings.TrimSpace(token), ".")
	if !ok {
		return c, ErrMalformed
	}
	payload, err := b64.DecodeString(p)
	if err != nil {
		return c, ErrMalformed
	}
	sig, err := b64.DecodeString(s)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return c, ErrMalformed
	}
	if err := json.Unmarshal(payload, &c); err != nil || c.V != Version || c.KeyID == "" {
		return Claims{}, ErrMalformed
	}
	pub, ok := keys(c.KeyID)
	if !ok {
		return Claims{}, ErrUnknownKey
	}
	if !ed25519.Verify(pub, payload, sig) {
		return Claims{}, ErrBadSignature
	}
	return c, nil
}

// Peek returns the claims of a token without checking its signature, to
// read its key id or number; never trust them before Verify.
func Peek(token string) (Claims, error) {
	var c Claims
	p, _, ok := strings.Cut(strings.TrimSpace(token), ".")
	if !ok {
		return c, ErrMalformed
	}
	payload, err := b64.DecodeString(p)
	if err != nil || json.Unmarshal(payload, &c) != nil {
		return Claims{}, ErrMalformed
	}
	return c, nil
}

// VerificationURL is the address a document's QR code carries: the
// verification page of base with the token.
func VerificationURL(base, token string) string {
	return strings.TrimRight(base, "/") + "/verify?t=" + token
}
