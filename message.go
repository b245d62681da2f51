package ercms

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// Message kinds: a plain message, a request for information and the answer
// to one. (The request_info action is the formal request that moves the
// case; messages are the correspondence around it.)
const (
	MessageNote        = "message"
	MessageRequest     = "information_request"
	MessageAnswer      = "answer"
	SideRequesting     = "requesting"
	SideRequested      = "requested"
	MaxMessageSubject  = 200
	MaxMessageBodySize = 20000
)

// MessageKinds lists the kinds of message a party may send.
var MessageKinds = []string{MessageNote, MessageRequest, MessageAnswer}

// Message is one message between the parties inside a case, with its
// delivery receipt and the moment the other side first read it.
type Message struct {
	ID            string     `json:"id"`
	CaseID        string     `json:"case_id"`
	Kind          string     `json:"kind"`
	FromSide      string     `json:"from_side"` // requesting, requested
	FromOrgID     string     `json:"from_organisation_id"`
	FromUserID    string     `json:"from_user_id"`
	Subject       string     `json:"subject,omitempty"`
	Body          string     `json:"body"`
	ReplyTo       string     `json:"reply_to,omitempty"`
	ContentSHA256 string     `json:"content_sha256"`
	SentAt        time.Time  `json:"sent_at"`
	DeliveredAt   *time.Time `json:"delivered_at"`
	ReadAt        *time.Time `json:"read_at"`
	ReadBy        string     `json:"read_by,omitempty"`
}

// NewMessage is what a party writes.
type NewMessage struct {
	Kind    string `json:"kind"`
	Subject string `json:"subject,omitempty"`
	Body    string `json:"body"`
	ReplyTo string `json:"reply_to,omitempty"`
}

// Side returns the party a belongs to in a case: SideRequesting for the
// requesting authority's officers, SideRequested for the central
// authority's, "" for everyone else (agencies, missions and border posts
// work through their tasks, not through messages between the parties).
func Side(a Actor) string {
	switch {
	case a.IsRequesting():
		return SideRequesting
	case a.IsCA():
		return SideRequested
	}
	return ""
}

// Validate checks a new message: a known kind, a body, and sizes within
// bounds. Errors: EInvalid with fields kind, subject, body.
func (m *NewMessage) Validate() error {
	var v Validation
	m.Subject, m.Body = strings.TrimSpace(m.Subject), strings.TrimSpace(m.Body)
	if m.Kind == "" {
		m.Kind = MessageNote
	}
	known := false
	for _, k := range MessageKinds {
		known = known || k == m.Kind
	}
	if !known {
		v.Add("kind", "field.kind.choose", "kinds", MessageKinds)
	}
	if utf8.RuneCountInString(m.Subject) > MaxMessageSubject || strings.ContainsAny(m.Subject, "\r\n") {
		v.Add("subject", "field.subject.too_long", "max", 200)
	}
	v.Require("body", m.Body, "field.body.required")
	if len(m.Body) > MaxMessageBodySize {
		v.Add("body", "field.body.too_long", "max", 20000)
	}
	if m.Kind == MessageAnswer && m.ReplyTo == "" {
		v.Add("reply_to", "field.reply_to.required")
	}
	return v.Err()
}

// ContentSHA256 returns the hex SHA-256 of the message's kind, subject and
// body: what the audit records of a message sent to the other party.
func (m NewMessage) ContentSHA256() string {
	sum := sha256.Sum256([]byte(m.Kind + "\x00" + m.Subject + "\x00" + m.Body))
	return hex.EncodeToString(sum[:])
}
