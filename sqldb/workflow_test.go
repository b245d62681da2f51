package sqldb_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

func TestMessagesBetweenTheParties(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, fr, sms, civreg := act["de.officer"], act["fr.officer"], act["sms.officer"], act["civil.registry.officer"]
		draft := createCase(t, db, de, application("DE-MSG-0"))
		_, err := db.SendMessage(ctx, de, draft.ID, ercms.NewMessage{Body: "hello"})
		wantCode(t, err, ercms.EConflict, "message on a draft")

		c := submittedCase(t, db, de, "DE-MSG-1")
		_, err = db.SendMessage(ctx, fr, c.ID, ercms.NewMessage{Body: "hello"})
		wantCode(t, err, ercms.ENotFound, "another state's case")
		_, err = db.SendMessage(ctx, de, c.ID, ercms.NewMessage{Kind: "gossip", Subject: "a\nb"})
		wantFields(t, err, "kind", "subject", "body")
		_, err = db.SendMessage(ctx, de, c.ID, ercms.NewMessage{Kind: ercms.MessageAnswer, Body: "x"})
		wantFields(t, err, "reply_to")

		sent := newAudit(t, db, func() {
			m, err := db.SendMessage(ctx, de, c.ID, ercms.NewMessage{Kind: ercms.MessageNote, Subject: "Flight", Body: "The person's flight leaves Frankfurt on Monday."})
			if err != nil {
				t.Fatal(err)
			}
			if m.DeliveredAt == nil || !m.DeliveredAt.Equal(m.SentAt) || m.ReadAt != nil || len(m.ContentSHA256) != 64 {
				t.Errorf("sent message %+v", m)
			}
		})
		if len(sent) != 1 || sent[0].Action != "message.send" || sent[0].Recipient != "AZ" || string(sent[0].Details) == "{}" {
			t.Fatalf("audit of the message: %+v", sent)
		}
		// The receiving side's officers are told (the case has no officer yet).
		if n := count(t, db, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'message'`, sms.UserID); n != 1 {
			t.Errorf("central-authority officer has %d message notifications, want 1", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM notifications WHERE user_id = $1`, de.UserID); n != 0 {
			t.Errorf("the sender was notified of its own message")
		}

		// Agencies do not read the correspondence between the parties.
		_, err = db.Messages(ctx, civreg, c.ID)
		wantCode(t, err, ercms.ENotFound, "an agency without a task reads messages")

		clock.Advance(time.Hour)
		var msgs []ercms.Message
		read := newAudit(t, db, func() {
			if msgs, err = db.Messages(ctx, sms, c.ID); err != nil {
				t.Fatal(err)
			}
		})
		if len(msgs) != 1 || msgs[0].ReadAt == nil || msgs[0].ReadBy != sms.UserID || !msgs[0].ReadAt.Equal(clock.Now()) {
			t.Fatalf("read by the central authority: %+v", msgs)
		}
		if len(read) != 2 || read[0].Action != "message.read" || read[0].Recipient != "DE" {
			t.Errorf("read receipt audit: %+v", read)
		}
		answer, err := db.SendMessage(ctx, sms, c.ID, ercms.NewMessage{Kind: ercms.MessageAnswer, Body: "Noted.", ReplyTo: msgs[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.SendMessage(ctx, sms, c.ID, ercms.NewMessage{Kind: ercms.MessageAnswer, Body: "Again.", ReplyTo: answer.ID})
		wantFields(t, err, "reply_to") // one's own message is not a request to answer

		// The sender sees the read time; reading again changes nothing.
		clock.Advance(time.Hour)
		mine, err := db.Messages(ctx, de, c.ID)
		if err != nil || len(mine) != 2 {
			t.Fatalf("requesting side reads %d messages: %v", len(mine), err)
		}
		if !mine[0].ReadAt.Equal(msgs[0].ReadAt.UTC()) || mine[1].ReadBy != de.UserID {
			t.Errorf("after the requesting side read: %+v", mine)
		}
	})
}

func TestNotificationsAndEmailJobs(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms, civreg := act["de.officer"], act["sms.officer"], act["civil.registry.officer"]
		err := db.SetEmail(ctx, de, civreg.UserID, "x@example.org")
		wantCode(t, err, ercms.EForbidden, "setting another user's address")
		wantFields(t, db.SetEmail(ctx, civreg, civreg.UserID, "not an address"), "email")
		if err := db.SetEmail(ctx, civreg, civreg.UserID, "registry@example.org"); err != nil {
			t.Fatal(err)
		}

		c := submittedCase(t, db, de, "DE-NOTE-1")
		c = mustAct(t, db, sms, c, ercms.ActRegister, ercms.ActionInput{})
		c = mustAct(t, db, sms, c, ercms.ActStartVerification, ercms.ActionInput{Tasks: []ercms.TaskInput{
			{OrganisationID: civreg.Org.ID, Question: "Confirm the birth record"}}})

		notes, unread, err := db.Notifications(ctx, civreg, 10)
		if err != nil || unread != 1 || len(notes) != 1 || notes[0].Kind != ercms.NotifyNewTask || notes[0].Reference != c.Reference {
			t.Fatalf("civil registry notifications %+v (unread %d): %v", notes, unread, err)
		}
		// Only the addressed agency is told.
		if n := count(t, db, `SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'new_task' AND u.org_id <> $1`, civreg.Org.ID); n != 0 {
			t.Errorf("%d users of other organisations told of the task", n)
		}

		jobs, err := db.ClaimJobs(ctx, "node-a", []string{sqldb.JobEmail}, 10, time.Minute)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("claimed %d jobs: %v", len(jobs), err)
		}
		notice, err := db.EmailNoticeFor(ctx, jobs[0].Payload)
		if err != nil || notice.To != "registry@example.org" || notice.Reference != c.Reference || notice.Kind != ercms.NotifyNewTask {
			t.Fatalf("notice %+v: %v", notice, err)
		}
		if again, _ := db.ClaimJobs(ctx, "node-b", []string{sqldb.JobEmail}, 10, time.Minute); len(again) != 0 {
			t.Fatal("a leased job was claimed by a second node")
		}
		wantCode(t, db.FinishJob(ctx, "node-b", jobs[0].ID, nil, false, 0), ercms.EConflict, "finishing another node's job")
		if err := db.FinishJob(ctx, "node-a", jobs[0].ID, errors.New("451 try later"), false, 5*time.Minute); err != nil {
			t.Fatal(err)
		}
		if again, _ := db.ClaimJobs(ctx, "node-b", []string{sqldb.JobEmail}, 10, time.Minute); len(again) != 0 {
			t.Fatal("a job was retried before its back-off")
		}
		clock.Advance(6 * time.Minute)
		retry, err := db.ClaimJobs(ctx, "node-b", []string{sqldb.JobEmail}, 10, time.Minute)
		if err != nil || len(retry) != 1 || retry[0].Attempts != 1 {
			t.Fatalf("retry %+v: %v", retry, err)
		}
		if err := db.FinishJob(ctx, "node-b", retry[0].ID, nil, false, 0); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM jobs WHERE done_at IS NOT NULL AND attempts = 2`); n != 1 {
			t.Errorf("%d jobs done after two attempts, want 1", n)
		}

		if err := db.MarkNotificationsRead(ctx, civreg, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, unread, _ := db.Notifications(ctx, civreg, 10); unread != 0 {
			t.Errorf("%d unread after marking read", unread)
		}

		// A clock two working days away is told once to those who must act.
		clock.Advance(4 * 24 * time.Hour) // the 5-working-day task clock now falls due within 2 working days
		n1, err := db.NotifyDeadlines(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n2, err := db.NotifyDeadlines(ctx)
		if err != nil || n2 != 0 {
			t.Fatalf("second run wrote %d notifications: %v", n2, err)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'deadline_soon'`, civreg.UserID); got != 1 || n1 < 1 {
			t.Errorf("civil registry has %d deadline warnings (run wrote %d), want 1", got, n1)
		}
	})
}

// TestJobsRunOnceAcrossNodes claims jobs from several goroutines at once
// (several nodes of a PostgreSQL deployment); each job must go to one node.
func TestJobsRunOnceAcrossNodes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		for i := range 40 {
			if _, err := db.SQL().ExecContext(ctx, `INSERT INTO jobs (id, kind, payload, run_at, created_at) VALUES ($1, 'email', '{}', $2, $2)`,
				fmt.Sprintf("job-%02d", i), clock.Now().UTC().Format("2006-01-02T15:04:05.000000000Z")); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		got := map[string]string{}
		var wg sync.WaitGroup
		for node := range 4 {
			wg.Go(func() {
				for {
					jobs, err := db.ClaimJobs(ctx, fmt.Sprint("node-", node), []string{sqldb.JobEmail}, 3, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(jobs) == 0 {
						return
					}
					mu.Lock()
					for _, j := range jobs {
						if prev, dup := got[j.ID]; dup {
							t.Errorf("%s claimed by %s and node-%d", j.ID, prev, node)
						}
						got[j.ID] = fmt.Sprint("node-", node)
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(got) != 40 {
			t.Errorf("%d of 40 jobs claimed", len(got))
		}
	})
}

func TestCoverAbsence(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms, sup := act["de.officer"], act["sms.officer"], act["sms.supervisor"]
		var refs []string
		for i := range 3 {
			c := submittedCase(t, db, de, fmt.Sprint("DE-COVER-", i))
			c, err := db.Assign(ctx, sms, c.ID, c.Version, sms.UserID)
			if err != nil {
				t.Fatal(err)
			}
			refs = append(refs, c.Reference)
		}
		_, err := db.CoverAbsence(ctx, sms, sms.UserID, sup.UserID)
		wantCode(t, err, ercms.EForbidden, "an officer moving cases")
		_, err = db.CoverAbsence(ctx, sup, de.UserID, de.UserID)
		wantFields(t, err, "from_user_id", "to_user_id")
		moved, err := db.CoverAbsence(ctx, sup, sms.UserID, sup.UserID)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(moved)
		if !slices.Equal(moved, refs) {
			t.Errorf("moved %v, want %v", moved, refs)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM cases WHERE assigned_to = $1`, sup.UserID); n != 3 {
			t.Errorf("%d cases now with the supervisor, want 3", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_events WHERE action = 'case.assign' AND purpose = 'absence cover'`); n != 3 {
			t.Errorf("%d absence-cover audit events, want 3", n)
		}
	})
}

func TestChangeFeedAndWebhooks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, deSup, fr, sms := act["de.officer"], act["de.supervisor"], act["fr.officer"], act["sms.officer"]
		_, err := db.CreateWebhook(ctx, de, "https://bpol.example.de/ercms")
		wantCode(t, err, ercms.EForbidden, "an officer subscribing")
		for _, bad := range []string{"ftp://x", "https://user:pw@x.example/", "not a url", ""} {
			_, err := db.CreateWebhook(ctx, deSup, bad)
			wantFields(t, err, "url")
		}
		hook, err := db.CreateWebhook(ctx, deSup, "https://bpol.example.de/ercms")
		if err != nil || len(hook.Secret) != 64 {
			t.Fatalf("webhook %+v: %v", hook, err)
		}

		c := submittedCase(t, db, de, "DE-FEED-1")
		c = mustAct(t, db, sms, c, ercms.ActRegister, ercms.ActionInput{})
		submittedCase(t, db, fr, "FR-FEED-1")
		if _, err := db.FindCase(ctx, de, c.ID); err != nil { // a read is not a change
			t.Fatal(err)
		}
		if _, err := db.SendMessage(ctx, sms, c.ID, ercms.NewMessage{Body: "Registered."}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}

		_, err = db.Feed(ctx, sms, 0, 10)
		wantCode(t, err, ercms.EForbidden, "the central authority reading a member state's feed")
		all, err := db.Feed(ctx, de, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range all {
			if e.CaseID != c.ID || e.Reference != c.Reference {
				t.Errorf("Germany's feed shows %+v", e)
			}
			actions = append(actions, e.Action)
		}
		if want := []string{"case.create", "case.submit", "case.register", "message.send"}; !slices.Equal(actions, want) {
			t.Errorf("feed actions %v, want %v", actions, want)
		}
		if all[2].Status != string(ercms.StateRegistered) {
			t.Errorf("register event %+v", all[2])
		}
		page, err := db.Feed(ctx, de, all[1].Cursor, 1)
		if err != nil || len(page) != 1 || page[0].Cursor != all[2].Cursor {
			t.Errorf("page after cursor %d: %+v %v", all[1].Cursor, page, err)
		}

		// Webhook: one delivery job per subscription, for the events since it was created.
		n, err := db.QueueWebhooks(ctx)
		if err != nil || n != 1 {
			t.Fatalf("queued %d: %v", n, err)
		}
		if n, _ := db.QueueWebhooks(ctx); n != 0 {
			t.Errorf("queued %d more while one is pending", n)
		}
		jobs, err := db.ClaimJobs(ctx, "node-a", []string{sqldb.JobWebhook}, 10, time.Minute)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("claimed %v: %v", jobs, err)
		}
		batch, err := db.WebhookEvents(ctx, jobs[0].Payload, 100)
		if err != nil || batch.Webhook.URL != hook.URL || len(batch.Events) != 4 || batch.Webhook.Secret != hook.Secret {
			t.Fatalf("batch %+v: %v", batch, err)
		}
		if err := db.AdvanceWebhook(ctx, hook.ID, batch.Events[3].Cursor); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishJob(ctx, "node-a", jobs[0].ID, nil, false, 0); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.QueueWebhooks(ctx); n != 0 {
			t.Errorf("queued %d with nothing new", n)
		}
		mustAct(t, db, sms, c, ercms.ActRequestInfo, ercms.ActionInput{Question: "Which airport?"})
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.QueueWebhooks(ctx); n != 1 {
			t.Errorf("queued %d after a new change, want 1", n)
		}
	})
}

func TestScheduleInterviewIsStored(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms, berlin := act["de.officer"], act["sms.officer"], act["mfa.consul.berlin"]
		c := submittedCase(t, db, de, "DE-IV-1")
		c = mustAct(t, db, sms, c, ercms.ActRegister, ercms.ActionInput{})
		c = mustAct(t, db, de, c, ercms.ActRequestInterview, ercms.ActionInput{MissionID: berlin.Org.ID, Mode: "in_person", Language: "az"})
		task := c.Tasks[len(c.Tasks)-1].ID
		when := clock.Now().Add(48 * time.Hour)
		_, err := db.ScheduleInterview(ctx, berlin, c.ID, c.Version-1, task, when, "Embassy, Axel-Springer-Str. 54")
		wantCode(t, err, ercms.EPreconditionFailed, "a stale version")
		got, err := db.ScheduleInterview(ctx, berlin, c.ID, c.Version, task, when, "Embassy, Axel-Springer-Str. 54")
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != c.Version+1 || len(got.Tasks) != 1 {
			t.Errorf("the mission's view after scheduling: version %d, tasks %d", got.Version, len(got.Tasks))
		}
		stored := readCase(t, db, c.ID).Task(task)
		if stored.ScheduledAt == nil || !stored.ScheduledAt.Equal(when) || stored.Place == "" {
			t.Errorf("stored task %+v", stored)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_events WHERE action = 'case.schedule_interview'`); n != 1 {
			t.Errorf("%d audit events for the schedule", n)
		}
	})
}
