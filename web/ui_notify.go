package web

import (
	"strings"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// noticeWords says in l which deadline, task or proposal notification n is
// about and its date ("Reply: due on 9 December 2026…"), or "" when the
// kind says it all (a new message).
func (u *ui) noticeWords(l i18n.Lang, n ercms.Notification) string {
	date := ""
	if n.DueOn != nil {
		date = i18n.FormatDate(l, *n.DueOn)
	}
	label := func(prefix string) string {
		if n.Detail != "" && u.cat.Has(i18n.EN, prefix+n.Detail) {
			return u.cat.T(l, prefix+n.Detail)
		}
		return ""
	}
	switch n.Kind {
	case ercms.NotifyDeadlineSoon, ercms.NotifyDeadlineMissed:
		if d := label("clock."); d != "" && date != "" {
			return u.cat.T(l, "notify.text."+n.Kind, "deadline", d, "date", date)
		}
	case ercms.NotifyNewTask:
		if t := label("task."); t != "" {
			if date == "" {
				return t
			}
			return u.cat.T(l, "notify.text.new_task", "task", t, "date", date)
		}
	case ercms.NotifyTransferNotice, ercms.NotifyDeemedApproval:
		if date != "" {
			return u.cat.T(l, "notify.text."+n.Kind, "date", date)
		}
	case ercms.NotifySignOff:
		if n.Detail == "approve" || n.Detail == "refuse" {
			key := "notify.text.sign_off." + n.Detail
			if date == "" {
				key += "_undated"
			}
			return u.cat.T(l, key, "date", date)
		}
	}
	return ""
}

// noticeAbout names the case of notification n: its reference and, as far
// as the reader may know, who it is about.
func noticeAbout(n ercms.Notification) string {
	name := strings.TrimSpace(n.GivenNames + " " + n.Surname)
	if name == "" {
		return n.Reference
	}
	return n.Reference + " – " + name
}
