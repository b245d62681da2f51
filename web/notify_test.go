package web_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/internal/testdb"
)

// navNotifications reads the menu's notifications entry of page: its label
// with the unread count, if any.
var navNotifications = regexp.MustCompile(`<a href="/notifications"[^>]*>([^<]*)</a>`)

// TestNotificationNamesTheDeadline: in Azerbaijani and French, the central
// authority's officer reads a notification that names the case, who it is
// about, and which deadline falls due on which date; opening the case
// marks it read and the menu's count drops.
func TestNotificationNamesTheDeadline(t *testing.T) {
	cat := i18n.Default()
	for _, lang := range []i18n.Lang{i18n.AZ, i18n.FR} {
		t.Run(string(lang), func(t *testing.T) {
			db, actors, base := journeyStore(t)
			s := newCase(t, db, actors).act("de.officer", ercms.ActSubmit, ercms.ActionInput{}).act("sms.officer", ercms.ActRegister, ercms.ActionInput{})
			reply := s.c.Deadline(ercms.ClockReply)
			if reply == nil || reply.DueOn == nil {
				t.Fatalf("no reply clock: %+v", s.c.Deadlines)
			}
			sms := actors["sms.officer"]
			v, _ := journeyClocks.Load(base)
			clock := v.(*testdb.Clock)
			// Days pass until the reply is two working days away.
			for range 30 {
				clock.Advance(24 * time.Hour)
				if _, err := db.NotifyDeadlines(context.Background()); err != nil {
					t.Fatal(err)
				}
				if n, _ := db.UnreadNotifications(context.Background(), sms); n > 0 {
					break
				}
			}
			unread, err := db.UnreadNotifications(context.Background(), sms)
			if err != nil || unread == 0 {
				t.Fatalf("no notification of the reply: %d, %v", unread, err)
			}

			u := newUIClient(t, base, string(lang))
			u.signIn("sms.officer")
			status, page := u.get("/notifications")
			if status != 200 {
				t.Fatalf("notifications page: %d", status)
			}
			text := html.UnescapeString(page)
			want := cat.T(lang, "notify.text.deadline_soon", "deadline", cat.T(lang, "clock.reply"), "date", i18n.FormatDate(lang, *reply.DueOn))
			for _, w := range []string{want, cat.T(lang, "notify.deadline_soon"), s.c.Reference, "Əliyeva"} {
				if !strings.Contains(text, w) {
					t.Errorf("the notifications page does not read %q", w)
				}
			}
			before := navNotifications.FindStringSubmatch(text)
			if before == nil || !strings.Contains(before[1], "("+i18n.FormatNumber(lang, int64(unread))+")") {
				t.Fatalf("menu entry %q, want the count %d", before, unread)
			}

			if status, _ := u.get("/cases/" + s.c.ID); status != 200 {
				t.Fatalf("opening the case: %d", status)
			}
			_, page = u.get("/notifications")
			text = html.UnescapeString(page)
			after := navNotifications.FindStringSubmatch(text)
			left, _ := db.UnreadNotifications(context.Background(), sms)
			if left >= unread || after == nil || after[1] == before[1] {
				t.Errorf("after opening the case: menu %q (was %q), %d unread (was %d)", after, before[1], left, unread)
			}
			if left == 0 && (strings.Contains(after[1], "(") || strings.Contains(text, "("+cat.T(lang, "notifications.new")+")")) {
				t.Errorf("a read notification is still counted or marked new: %q", after[1])
			}
			if !strings.Contains(text, want) {
				t.Errorf("the read notification left the list")
			}
		})
	}
}

// TestBrowserSignOffNotice: in French, in Chromium, the central authority's
// supervisor reads that a proposed approval awaits their sign-off and when
// the reply is due, follows the notification to the case, and the menu's
// count drops.
func TestBrowserSignOffNotice(t *testing.T) {
	cat := i18n.Default()
	db, actors, base := journeyStore(t)
	s := newCase(t, db, actors).act("de.officer", ercms.ActSubmit, ercms.ActionInput{}).act("sms.officer", ercms.ActRegister, ercms.ActionInput{})
	none := []string{}
	s.act("sms.officer", ercms.ActApprove, ercms.ActionInput{FamilyCovered: &none})
	reply := s.c.Deadline(ercms.ClockReply)
	unread, err := db.UnreadNotifications(context.Background(), actors["sms.supervisor"])
	if err != nil || unread == 0 || reply == nil || reply.DueOn == nil {
		t.Fatalf("the supervisor has %d unread (%v); reply clock %+v", unread, err, reply)
	}

	b := newBrowser(t, base)
	b.signIn("fr", "sms.supervisor")
	b.open("/notifications")
	b.screenshot("notifications-fr")
	nav := `nav.nav a[href="/notifications"]`
	b.expect(nav, regexp.QuoteMeta("("+i18n.FormatNumber(i18n.FR, int64(unread))+")"))
	b.expect("main table tbody", regexp.QuoteMeta(cat.T(i18n.FR, "notify.sign_off")))
	b.expect("main table tbody", regexp.QuoteMeta(cat.T(i18n.FR, "notify.text.sign_off.approve", "date", i18n.FormatDate(i18n.FR, *reply.DueOn))))
	b.expect("main table tbody", regexp.QuoteMeta(s.c.Reference)+".*Əliyeva")

	b.submit(`main table a[href="/cases/` + s.c.ID + `"]`)
	left, _ := db.UnreadNotifications(context.Background(), actors["sms.supervisor"])
	if left >= unread {
		t.Errorf("unread %d after opening the case, was %d", left, unread)
	}
	b.open("/notifications")
	b.screenshot("notifications-read-fr")
	if got := b.text(nav); strings.Contains(got, "("+i18n.FormatNumber(i18n.FR, int64(unread))+")") {
		t.Errorf("menu still reads %q after the case was opened", got)
	}
}
