package jobs_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/jobs"
	"github.com/ercms/ercms/sqldb"
)

// mailbox records e-mails; fail makes the next sends fail with err.
type mailbox struct {
	mu   sync.Mutex
	sent []string
	fail error
}

func (m *mailbox) Send(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.sent = append(m.sent, to+"\n"+subject+"\n"+body)
	return nil
}

// hookSink records webhook deliveries and answers with status.
type hookSink struct {
	bodies []string
	status int
}

func (h *hookSink) Deliver(_ context.Context, url string, secret []byte, id, event string, body []byte) (int, error) {
	h.bodies = append(h.bodies, string(body))
	return h.status, nil
}

func seed(t *testing.T, db *sqldb.DB) map[string]ercms.Actor {
	t.Helper()
	act, err := demo.SeedPeople(context.Background(), db, demo.Azerbaijan(), func(string) string { return "correct horse battery" })
	if err != nil {
		t.Fatal(err)
	}
	return act
}

func application() ercms.NewCase {
	return ercms.NewCase{Type: ercms.TypeReadmission, RequestingReference: "BPOL-J-1", Procedure: ercms.ProcedureNormal, Category: ercms.CategoryOwnNational,
		Application: ercms.Application{Person: ercms.Person{Surname: "Quliyev", GivenNames: "Elnur", DateOfBirth: ercms.PartialDate{Year: 1991}, Nationality: "AZ"},
			Evidence: []ercms.Evidence{{Type: "national_passport", Number: "C7654321"}}}}
}

func TestEmailJobs(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		ctx := context.Background()
		act := seed(t, db)
		de, sms, civreg := act["de.officer"], act["sms.officer"], act["civil.registry.officer"]
		if err := db.SetEmail(ctx, civreg, civreg.UserID, "registry@example.az"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetLanguage(ctx, civreg, "az"); err != nil {
			t.Fatal(err)
		}
		c, _, err := db.CreateCase(ctx, de, application(), "")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []struct {
			a      ercms.Actor
			action string
			in     ercms.ActionInput
		}{{de, ercms.ActSubmit, ercms.ActionInput{}}, {sms, ercms.ActRegister, ercms.ActionInput{}},
			{sms, ercms.ActStartVerification, ercms.ActionInput{Tasks: []ercms.TaskInput{{OrganisationID: civreg.Org.ID, Question: "Birth record?"}}}}} {
			if c, err = db.Act(ctx, s.a, c.ID, s.action, c.Version, s.in); err != nil {
				t.Fatal(err)
			}
		}

		box := &mailbox{fail: errors.New("421 service not available")}
		r := &jobs.Runner{DB: db, Mail: box, BaseURL: "https://ercms.example.az", Worker: "node-1", Backoff: func(int) time.Duration { return time.Minute }}
		if n, err := r.RunOnce(ctx, 10); err != nil || n != 1 {
			t.Fatalf("first run: %d %v", n, err)
		}
		if n, _ := r.RunOnce(ctx, 10); n != 0 {
			t.Fatalf("a failed job ran again before its back-off")
		}
		box.fail = nil
		clock.Advance(2 * time.Minute)
		if n, err := r.RunOnce(ctx, 10); err != nil || n != 1 {
			t.Fatalf("retry: %d %v", n, err)
		}
		if len(box.sent) != 1 {
			t.Fatalf("sent %d e-mails", len(box.sent))
		}
		mail := box.sent[0]
		task := c.Tasks[len(c.Tasks)-1]
		// The e-mail names which task and when it is due, in the reader's language.
		taskDue := i18n.Default().T(i18n.AZ, "notify.text.new_task", "task", i18n.Default().T(i18n.AZ, "task.verification"), "date", i18n.FormatDate(i18n.AZ, *task.DueOn))
		for _, want := range []string{"registry@example.az", c.Reference, "https://ercms.example.az/cases/" + c.ID, "Təşkilatınız üçün yeni tapşırıq", taskDue} {
			if !strings.Contains(mail, want) {
				t.Errorf("the e-mail lacks %q:\n%s", want, mail)
			}
		}
		for _, secret := range []string{"Quliyev", "Elnur", "C7654321", "Birth record"} {
			if strings.Contains(mail, secret) {
				t.Errorf("the e-mail holds personal data %q", secret)
			}
		}

		// A permanent refusal gives the job up at once.
		if _, err := db.SendMessage(ctx, de, c.ID, ercms.NewMessage{Body: "Hello"}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetEmail(ctx, sms, sms.UserID, "sms@example.az"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SendMessage(ctx, de, c.ID, ercms.NewMessage{Body: "Hello again"}); err != nil {
			t.Fatal(err)
		}
		box.fail = jobs.Permanent{Err: errors.New("550 no such mailbox")}
		if n, _ := r.RunOnce(ctx, 10); n != 1 {
			t.Fatalf("ran %d", n)
		}
		clock.Advance(time.Hour)
		if n, _ := r.RunOnce(ctx, 10); n != 0 {
			t.Errorf("a permanently failed job ran again")
		}
	})
}

func TestWebhookJobs(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		ctx := context.Background()
		act := seed(t, db)
		de, deSup, sms := act["de.officer"], act["de.supervisor"], act["sms.officer"]
		hook, err := db.CreateWebhook(ctx, deSup, "https://bpol.example.de/ercms")
		if err != nil {
			t.Fatal(err)
		}
		c, _, err := db.CreateCase(ctx, de, application(), "")
		if err != nil {
			t.Fatal(err)
		}
		if c, err = db.Act(ctx, de, c.ID, ercms.ActSubmit, c.Version, ercms.ActionInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		sink := &hookSink{status: 503}
		r := &jobs.Runner{DB: db, Hooks: sink, Worker: "node-1", Backoff: func(int) time.Duration { return time.Minute }}
		if n, err := r.RunOnce(ctx, 10); err != nil || n != 1 || len(sink.bodies) != 1 {
			t.Fatalf("first delivery: %d %v %d", n, err, len(sink.bodies))
		}
		if !strings.Contains(sink.bodies[0], `"case.submit"`) || strings.Contains(sink.bodies[0], "Quliyev") {
			t.Errorf("webhook body %s", sink.bodies[0])
		}
		sink.status = 204
		clock.Advance(2 * time.Minute)
		if n, _ := r.RunOnce(ctx, 10); n != 1 || len(sink.bodies) != 2 {
			t.Fatalf("retry: %d, %d deliveries", n, len(sink.bodies))
		}
		hooks, _ := db.Webhooks(ctx, deSup)
		if len(hooks) != 1 || hooks[0].Cursor <= hook.Cursor {
			t.Errorf("cursor not advanced: %+v", hooks)
		}
		if n, _ := r.RunOnce(ctx, 10); n != 0 {
			t.Errorf("delivered again with nothing new")
		}

		// A subscriber that refuses for good is disabled.
		if _, err := db.Act(ctx, sms, c.ID, ercms.ActRegister, c.Version, ercms.ActionInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		sink.status = 410
		if n, _ := r.RunOnce(ctx, 10); n != 1 {
			t.Fatalf("ran %d", n)
		}
		if hooks, _ := db.Webhooks(ctx, deSup); len(hooks) != 0 {
			t.Errorf("a refusing subscriber is still active: %+v", hooks)
		}
	})
}

// A subscription whose address turns out to be loopback at delivery (its
// name resolves elsewhere since it was registered, or the allowance was
// withdrawn) is disabled at the first attempt with the same reason whether
// a server listens there or not, and the server gets nothing; with the
// administrator's allowance the same subscription is delivered.
func TestWebhookJobsToRefusedAddresses(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		ctx := context.Background()
		act := seed(t, db)
		de, deSup, auditor := act["de.officer"], act["de.supervisor"], act["auditor"]
		srv, hits := receiver(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
		closed := httptest.NewTLSServer(http.NotFoundHandler())
		closed.Close()
		db.WebhookPolicy = loopbackAllowed
		listening, err := db.CreateWebhook(ctx, deSup, srv.URL+"/ercms")
		if err != nil {
			t.Fatal(err)
		}
		silent, err := db.CreateWebhook(ctx, deSup, closed.URL+"/ercms")
		if err != nil {
			t.Fatal(err)
		}
		c, _, err := db.CreateCase(ctx, de, application(), "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Act(ctx, de, c.ID, ercms.ActSubmit, c.Version, ercms.ActionInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		r := &jobs.Runner{DB: db, Hooks: deliverer(srv, nil), Worker: "node-1", Backoff: func(int) time.Duration { return time.Minute }}
		if n, err := r.RunOnce(ctx, 10); err != nil || n != 2 {
			t.Fatalf("ran %d: %v", n, err)
		}
		if hits.Load() != 0 {
			t.Errorf("the loopback receiver got %d requests", hits.Load())
		}
		if hooks, _ := db.Webhooks(ctx, deSup); len(hooks) != 0 {
			t.Errorf("subscriptions to refused addresses still active: %+v", hooks)
		}
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		var reasons []string
		for _, id := range []string{listening.ID, silent.ID} {
			evs, err := db.AuditEvents(ctx, auditor, sqldb.AuditFilter{ObjectID: id})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if e.Action == "webhook.disable" {
					reasons = append(reasons, string(e.Details))
				}
			}
		}
		if len(reasons) != 2 || reasons[0] != reasons[1] || strings.Contains(reasons[0], "127.0.0.1") {
			t.Errorf("disable reasons %q: want the same words for both, without the address", reasons)
		}

		// Allowed, the same address is delivered.
		hook, err := db.CreateWebhook(ctx, deSup, srv.URL+"/ercms")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Act(ctx, act["sms.officer"], c.ID, ercms.ActRegister, c.Version+1, ercms.ActionInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		r.Hooks = deliverer(srv, loopbackAllowed)
		if n, err := r.RunOnce(ctx, 10); err != nil || n != 1 || hits.Load() != 1 {
			t.Fatalf("allowed delivery: ran %d, %v, %d requests", n, err, hits.Load())
		}
		if hooks, _ := db.Webhooks(ctx, deSup); len(hooks) != 1 || hooks[0].ID != hook.ID || hooks[0].Cursor <= hook.Cursor {
			t.Errorf("after an allowed delivery: %+v", hooks)
		}
	})
}
