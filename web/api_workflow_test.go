package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestAPIMessagesFeedAndWebhooks walks the parties' correspondence, the
// notifications it raises and the member state's change feed through HTTP.
func TestAPIMessagesFeedAndWebhooks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		base := start(t, db)
		de, deSup := signIn(t, base, "de.officer"), signIn(t, base, "de.supervisor")
		fr, sms, civreg := signIn(t, base, "fr.officer"), signIn(t, base, "sms.officer"), signIn(t, base, "civil.registry.officer")

		var hook struct {
			ID, Secret string
		}
		if r := de.do("POST", "/api/v1/webhooks", map[string]string{"url": "https://bpol.example.de/hook"}); r.status != http.StatusForbidden {
			t.Errorf("officer creates a webhook: %d", r.status)
		}
		if p := deSup.do("POST", "/api/v1/webhooks", map[string]string{"url": "ftp://x"}).problem(t); p.Errors["url"] == "" {
			t.Errorf("bad webhook URL: %+v", p)
		}
		// Addresses that would turn the server inward are refused on the field url.
		for _, inward := range []string{"http://bpol.example.de/hook", "https://169.254.169.254/latest/meta-data/", "https://[::1]:8443/", "https://localhost/", "https://10.0.0.7/"} {
			r := deSup.do("POST", "/api/v1/webhooks", map[string]string{"url": inward})
			if p := r.problem(t); r.status != http.StatusUnprocessableEntity || p.Errors["url"] == "" {
				t.Errorf("%s: %d %+v", inward, r.status, p)
			}
		}
		r := deSup.do("POST", "/api/v1/webhooks", map[string]string{"url": "https://bpol.example.de/hook"})
		if r.status != http.StatusCreated {
			t.Fatalf("create webhook: %d %s", r.status, r.body)
		}
		r.decode(t, &hook)
		if len(hook.Secret) != 64 {
			t.Errorf("webhook secret %q", hook.Secret)
		}

		var cs caseJSON
		de.do("POST", "/api/v1/cases", application).decode(t, &cs)
		de.mustAct(&cs, "submit", nil)

		if r := de.do("POST", "/api/v1/cases/"+cs.ID+"/messages", map[string]string{"kind": "answer", "body": "x"}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("answer without reply_to: %d %s", r.status, r.body)
		}
		if r := fr.do("POST", "/api/v1/cases/"+cs.ID+"/messages", map[string]string{"body": "x"}); r.status != http.StatusNotFound {
			t.Errorf("another state writes in the case: %d", r.status)
		}
		if r := civreg.do("GET", "/api/v1/cases/"+cs.ID+"/messages", nil); r.status != http.StatusNotFound {
			t.Errorf("an agency reads the parties' messages: %d", r.status)
		}
		r = de.do("POST", "/api/v1/cases/"+cs.ID+"/messages", map[string]string{"subject": "Escort", "body": "Two escorts will travel."})
		if r.status != http.StatusCreated {
			t.Fatalf("send: %d %s", r.status, r.body)
		}

		var notes struct {
			Notifications []struct{ Kind, Reference string }
			Unread        int
		}
		sms.do("GET", "/api/v1/notifications", nil).decode(t, &notes)
		if notes.Unread != 1 || len(notes.Notifications) != 1 || notes.Notifications[0].Kind != "message" {
			t.Errorf("central authority notifications %+v", notes)
		}
		if r := sms.do("POST", "/api/v1/notifications/read", nil); r.status != http.StatusNoContent {
			t.Errorf("mark read: %d", r.status)
		}
		sms.do("GET", "/api/v1/notifications", nil).decode(t, &notes)
		if notes.Unread != 0 {
			t.Errorf("%d unread after marking read", notes.Unread)
		}

		var msgs struct {
			Messages []struct {
				Body   string
				ReadAt *string `json:"read_at"`
			}
		}
		sms.do("GET", "/api/v1/cases/"+cs.ID+"/messages", nil).decode(t, &msgs)
		if len(msgs.Messages) != 1 || msgs.Messages[0].ReadAt == nil || msgs.Messages[0].Body != "Two escorts will travel." {
			t.Errorf("messages read by the central authority: %+v", msgs)
		}

		if _, err := db.SequenceAudit(context.Background()); err != nil {
			t.Fatal(err)
		}
		if r := sms.do("GET", "/api/v1/feed", nil); r.status != http.StatusForbidden {
			t.Errorf("central authority reads a member state's feed: %d", r.status)
		}
		if p := de.do("GET", "/api/v1/feed?after=-1", nil).problem(t); p.Errors["after"] == "" {
			t.Errorf("bad cursor: %+v", p)
		}
		var feed struct {
			Events []struct {
				Action string
				CaseID string `json:"case_id"`
			}
			Cursor int64
		}
		de.do("GET", "/api/v1/feed", nil).decode(t, &feed)
		if len(feed.Events) != 3 || feed.Events[0].Action != "case.create" || feed.Events[2].Action != "message.send" || feed.Cursor == 0 {
			t.Errorf("feed %+v", feed)
		}
		var empty struct{ Events []any }
		fr.do("GET", "/api/v1/feed", nil).decode(t, &empty)
		if len(empty.Events) != 0 {
			t.Errorf("France's feed shows Germany's case: %+v", empty)
		}
		var after struct{ Events []any }
		de.do("GET", "/api/v1/feed?after="+strconv.FormatInt(feed.Cursor, 10), nil).decode(t, &after)
		if len(after.Events) != 0 {
			t.Errorf("events after the last cursor: %+v", after)
		}
	})
}

// TestAPIExportAndImport: a member state's application exported as JSON
// (what a state without the system e-mails) is entered by the central
// authority with the true date of receipt.
func TestAPIExportAndImport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		base := start(t, db)
		de, sms := signIn(t, base, "de.officer"), signIn(t, base, "sms.officer")
		var cs caseJSON
		de.do("POST", "/api/v1/cases", application).decode(t, &cs)
		r := de.do("GET", "/api/v1/cases/"+cs.ID+"/export", nil)
		if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Disposition"), ".json") {
			t.Fatalf("export: %d %s", r.status, r.body)
		}
		var exported map[string]any
		r.decode(t, &exported)
		var me struct {
			Organisation struct{ ID string } `json:"organisation"`
		}
		de.do("GET", "/api/v1/me", nil).decode(t, &me)

		received := db.Today().AddDays(-2).String()
		body := map[string]any{"requesting_organisation_id": me.Organisation.ID, "received_on": received, "application": exported}
		if r := de.do("POST", "/api/v1/imports", body); r.status != http.StatusForbidden {
			t.Errorf("a member state imports: %d", r.status)
		}
		bad := map[string]any{"requesting_organisation_id": me.Organisation.ID, "received_on": db.Today().AddDays(3).String(), "application": exported}
		if p := sms.do("POST", "/api/v1/imports", bad).problem(t); p.Errors["received_on"] == "" {
			t.Errorf("a date of receipt in the future: %+v", p)
		}
		body["original"] = map[string]any{"name": "../mail.pdf", "content": []byte("%PDF-1.4\n%%EOF\n")}
		if p := sms.do("POST", "/api/v1/imports", body).problem(t); p.Errors["original"] == "" {
			t.Errorf("an original with a path in its name: %+v", p)
		}
		body["original"] = map[string]any{"name": "email-from-bpol.pdf", "content": []byte("%PDF-1.4\n%%EOF\n")}
		r = sms.do("POST", "/api/v1/imports", body)
		if r.status != http.StatusCreated {
			t.Fatalf("import: %d %s", r.status, r.body)
		}
		var imported struct {
			Status     string `json:"status"`
			ReceivedOn string `json:"received_on"`
		}
		r.decode(t, &imported)
		if imported.Status != "submitted" || imported.ReceivedOn != received {
			t.Errorf("imported %+v, want submitted on %s", imported, received)
		}
		var files struct {
			Attachments []struct{ Purpose, Name string }
		}
		sms.do("GET", r.header.Get("Location")+"/attachments", nil).decode(t, &files)
		if len(files.Attachments) != 1 || files.Attachments[0].Purpose != "original" {
			t.Errorf("the original is not attached: %+v", files)
		}
	})
}

// upload sends one file as multipart/form-data.
func (c *client) upload(path string, fields map[string]string, name string, data []byte) reply {
	c.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest("POST", c.base+path, nil)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.token)
	return c.send(req, b.Bytes())
}

func TestAPIAttachments(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		base := start(t, db)
		de, fr := signIn(t, base, "de.officer"), signIn(t, base, "fr.officer")
		var cs caseJSON
		de.do("POST", "/api/v1/cases", application).decode(t, &cs)
		path := "/api/v1/cases/" + cs.ID + "/attachments"
		for _, bad := range []struct{ name, data, field string }{
			{"x.pdf", "MZ\x90\x00 an executable", "file"},
			{"../x.pdf", "%PDF-1.4\n%%EOF\n", "file"},
		} {
			r := de.upload(path, map[string]string{"purpose": "form"}, bad.name, []byte(bad.data))
			if p := r.problem(t); r.status != http.StatusUnprocessableEntity || p.Errors[bad.field] == "" {
				t.Errorf("%s: %d %+v", bad.name, r.status, p)
			}
		}
		if r := de.upload(path, map[string]string{"purpose": "selfie"}, "x.pdf", []byte("%PDF-1.4\n%%EOF\n")); r.status != http.StatusUnprocessableEntity {
			t.Errorf("unknown purpose: %d", r.status)
		}
		var list struct{ Attachments []map[string]any }
		de.do("GET", path, nil).decode(t, &list)
		if len(list.Attachments) != 0 {
			t.Fatalf("refused uploads were stored: %+v", list)
		}
		r := de.upload(path, map[string]string{"purpose": "form"}, "Anlage 1 – Вид на жительство.pdf", []byte("%PDF-1.4\n%%EOF\n"))
		if r.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		// The file moves the case's version: an action prepared on the case
		// as it was before the file is refused until the file has been seen.
		if r.header.Get("ETag") != fmt.Sprintf(`"%d"`, cs.Version+1) {
			t.Errorf("upload ETag %q, want the case's new version %d", r.header.Get("ETag"), cs.Version+1)
		}
		if stale := de.act(&cs, "submit", nil); stale.status != http.StatusPreconditionFailed {
			t.Errorf("submit on the version before the file: %d %s", stale.status, stale.body)
		}
		var att struct{ ID, SHA256, Name string }
		r.decode(t, &att)
		if len(att.SHA256) != 64 || att.Name != "Anlage 1 – Вид на жительство.pdf" {
			t.Errorf("attachment %+v", att)
		}
		got := de.do("GET", path+"/"+att.ID, nil)
		if got.status != 200 || !strings.HasPrefix(got.header.Get("Content-Disposition"), "attachment") || string(got.body) != "%PDF-1.4\n%%EOF\n" {
			t.Errorf("download: %d %v", got.status, got.header)
		}
		if r := fr.do("GET", path+"/"+att.ID, nil); r.status != http.StatusNotFound {
			t.Errorf("another state downloads: %d", r.status)
		}
	})
}
