package ercms

import (
	"time"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
)

// Notification kinds (issue: notifications in-app and by e-mail).
const (
	NotifyNewTask        = "new_task"
	NotifyDeadlineSoon   = "deadline_soon"
	NotifyDeadlineMissed = "deadline_missed"
	NotifyDeemedApproval = "deemed_approval"
	NotifyTransferNotice = "transfer_notice"
	NotifyMessage        = "message"
	// NotifySignOff tells a supervisor that a proposed approval or refusal
	// awaits their sign-off (four eyes).
	NotifySignOff = "sign_off"
	// NotifyProposalReturned tells the officer who proposed a decision
	// that the supervisor returned it (their comment is on the case).
	NotifyProposalReturned = "proposal_returned"
)

// NotificationKinds lists every kind of notification.
var NotificationKinds = []string{NotifyNewTask, NotifyDeadlineSoon, NotifyDeadlineMissed, NotifyDeemedApproval, NotifyTransferNotice, NotifyMessage, NotifySignOff, NotifyProposalReturned}

// Notification tells one user that something in a case needs them. It
// stores the case's reference and id, which deadline or task and its date,
// never personal data, so it can be e-mailed as it is; the person's names
// are read with the case, in the reader's scope, when the list is shown.
type Notification struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	CaseID    string `json:"case_id,omitempty"`
	Reference string `json:"reference,omitempty"`
	// Detail names which deadline (a clock kind, such as "reply"), which
	// task (a task kind) or which proposed outcome ("approve", "refuse").
	Detail string `json:"detail,omitempty"`
	// DueOn is the date the notification is about: the deadline's due
	// date, the task's, the transfer's, or the deemed approval's.
	DueOn *civil.Date `json:"due_on,omitempty"`
	// Surname and GivenNames name who the case is about, as far as the
	// reader may know (ViewFor); empty when the case is out of scope now.
	Surname    string     `json:"surname,omitempty"`
	GivenNames string     `json:"given_names,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ReadAt     *time.Time `json:"read_at"`
}

// NotificationSlot groups a user's notifications of one case and kind: a
// newer one replaces the older unread one of its slot. A missed deadline
// shares the slot of the warning that it was near.
func NotificationSlot(kind, caseID string) string {
	if kind == NotifyDeadlineMissed {
		kind = NotifyDeadlineSoon
	}
	return kind + ":" + caseID
}

// NotificationFor returns the kind of notification an action raises for
// the party that must act next, or "" when it raises none.
func NotificationFor(action string) string {
	if d := Describe(action); d != nil {
		return d.Notifies
	}
	return ""
}

// NoticeWords says in l, with the texts of cat, which deadline, task or
// proposal notification n is about and its date ("Reply: due on
// 9 December 2026"), or "" when its kind says it all (a new message).
func NoticeWords(cat *i18n.Catalog, l i18n.Lang, n Notification) string {
	date := ""
	if n.DueOn != nil {
		date = i18n.FormatDate(l, *n.DueOn)
	}
	label := func(prefix string) string {
		if n.Detail != "" && cat.Has(i18n.EN, prefix+n.Detail) {
			return cat.T(l, prefix+n.Detail)
		}
		return ""
	}
	switch n.Kind {
	case NotifyDeadlineSoon, NotifyDeadlineMissed:
		if d := label("clock."); d != "" && date != "" {
			return cat.T(l, "notify.text."+n.Kind, "deadline", d, "date", date)
		}
	case NotifyNewTask:
		if t := label("task."); t != "" {
			if date == "" {
				return t
			}
			return cat.T(l, "notify.text.new_task", "task", t, "date", date)
		}
	case NotifyTransferNotice, NotifyDeemedApproval:
		if date != "" {
			return cat.T(l, "notify.text."+n.Kind, "date", date)
		}
	case NotifySignOff:
		if n.Detail == "approve" || n.Detail == "refuse" {
			key := "notify.text.sign_off." + n.Detail
			if date == "" {
				key += "_undated"
			}
			return cat.T(l, key, "date", date)
		}
	case NotifyProposalReturned:
		if n.Detail == "approve" || n.Detail == "refuse" {
			return cat.T(l, "notify.text.proposal_returned."+n.Detail)
		}
	}
	return ""
}
