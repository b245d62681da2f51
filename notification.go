package ercms

import "time"

// Notification kinds (issue: notifications in-app and by e-mail).
const (
	NotifyNewTask        = "new_task"
	NotifyDeadlineSoon   = "deadline_soon"
	NotifyDeadlineMissed = "deadline_missed"
	NotifyDeemedApproval = "deemed_approval"
	NotifyTransferNotice = "transfer_notice"
	NotifyMessage        = "message"
)

// NotificationKinds lists every kind of notification.
var NotificationKinds = []string{NotifyNewTask, NotifyDeadlineSoon, NotifyDeadlineMissed, NotifyDeemedApproval, NotifyTransferNotice, NotifyMessage}

// Notification tells one user that something in a case needs them. It
// holds the case's reference and id only, never personal data, so it can be
// e-mailed as it is.
type Notification struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	CaseID    string     `json:"case_id,omitempty"`
	Reference string     `json:"reference,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

// NotificationFor returns the kind of notification an action raises for
// the party that must act next, or "" when it raises none.
func NotificationFor(action string) string {
	if d := Describe(action); d != nil {
		return d.Notifies
	}
	return ""
}
