package sqldb_test

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/names"
	"github.com/ercms/ercms/sqldb"
)

// personal is an application full of personal data: names in two scripts,
// a family member, document numbers, places and dates.
func personal(ref string) ercms.NewCase {
	n := application(ref)
	n.Person.FatherName = "Rəşid Həsənzadə"
	n.Person.DocumentNumbers = []string{"C01234567"}
	n.Person.OtherNames = []ercms.Name{{Surname: "Mamedov", GivenNames: "Ali"}}
	n.Family = []ercms.FamilyMember{{Relationship: "spouse", Surname: "Qasımova", GivenNames: "Günel Elşən qızı", Sex: "F",
		DateOfBirth: ercms.PartialDate{Year: 1993, Month: 11, Day: 7}, Nationality: "AZ"}}
	n.Evidence = append(n.Evidence, ercms.Evidence{Type: "birth_certificate", Number: "II-ГН 778812"})
	return n
}

// personalData lists what must never reach the audit trail: every name of
// personal(), their search keys, document numbers, places and dates of birth.
func personalData() []string {
	n := personal("")
	p := n.Person
	out := []string{p.Surname, p.GivenNames, p.OriginalScript.Surname, p.OriginalScript.GivenNames, p.FatherName,
		p.PlaceOfBirth, p.DocumentNumbers[0], n.Evidence[1].Number, p.DateOfBirth.String(),
		n.Family[0].Surname, n.Family[0].GivenNames, n.Family[0].DateOfBirth.String()}
	for _, s := range []string{p.Surname, p.GivenNames, p.OriginalScript.Surname, p.FatherName, n.Family[0].Surname, n.Family[0].GivenNames} {
		for _, w := range strings.Fields(s) {
			out = append(out, w)
		}
		for _, tok := range names.Tokens(s) {
			if len(tok) >= 5 { // shorter keys ("ali", "oglu") occur in ordinary words
				out = append(out, tok)
			}
			if sk := names.Skeleton(tok); len(sk) >= 5 {
				out = append(out, sk)
			}
		}
	}
	return out
}

var hexRun = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64}`)

// auditRun is what runAudit did.
type auditRun struct {
	act     map[string]ercms.Actor
	de, fr  *ercms.Case
	session string
}

// runAudit is a realistic working session: sign-ins (good and bad), cases
// created and moved by both parties, a verification task answered, case
// reads, lists and searches in two scripts, and an export.
func runAudit(t *testing.T, db *sqldb.DB, clock *testdb.Clock) auditRun {
	t.Helper()
	act := seed(t, db)
	sess, err := db.SignIn(ctx, "de.officer", testPassword, netip.Addr{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignIn(ctx, "de.officer", "not the password", netip.Addr{}); ercms.ErrorCode(err) != ercms.EUnauthorized {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := db.SignIn(ctx, "Məmmədov", testPassword, netip.Addr{}); ercms.ErrorCode(err) != ercms.EUnauthorized {
		t.Fatalf("unknown user: %v", err)
	}
	de, err := db.Authenticate(ctx, sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	c := createCase(t, db, de, personal("DE-2026-0100"))
	c = mustAct(t, db, de, c, ercms.ActSubmit, ercms.ActionInput{})
	clock.Advance(time.Hour)
	sms := act["sms.officer"]
	c = mustAct(t, db, sms, c, ercms.ActRegister, ercms.ActionInput{})
	reg := act["civil.registry.officer"]
	c = mustAct(t, db, sms, c, ercms.ActStartVerification, ercms.ActionInput{Tasks: []ercms.TaskInput{
		{OrganisationID: reg.Org.ID, Question: "Confirm the birth record"}}})
	if _, err := db.FindCase(ctx, reg, c.ID); err != nil {
		t.Fatal(err)
	}
	c = mustAct(t, db, reg, c, ercms.ActAnswerTask, ercms.ActionInput{TaskID: c.Tasks[0].ID, Finding: "confirmed", Answer: "record found"})
	fr := submittedCase(t, db, act["fr.officer"], "FR-2026-7")
	for _, f := range []sqldb.CaseFilter{{}, {Text: "Məmmədov"}, {Text: "Мамедов"}, {Text: "mamm"}, {Text: "C01234567"}} {
		for _, a := range []ercms.Actor{de, sms} {
			if _, err := db.ListCases(ctx, a, f); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := db.FindCase(ctx, sms, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Transmissions(ctx, de, testdb.Start.Add(-day), clock.Now().Add(day)); err != nil {
		t.Fatal(err)
	}
	return auditRun{act: act, de: c, fr: fr, session: sess.Token}
}

// TestAuditChainAfterARealisticRun sequences the trail of a working session
// and verifies it; later events stay pending without breaking the chain.
func TestAuditChainAfterARealisticRun(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		run := runAudit(t, db, clock)
		total := len(auditRows(t, db))
		n, err := db.SequenceAudit(ctx)
		if err != nil || n != total {
			t.Fatalf("sequence: %d of %d events, %v", n, total, err)
		}
		r, err := db.VerifyAudit(ctx)
		if err != nil || !r.OK() || r.Checked != int64(total) || r.Pending != 0 || r.Head == "" {
			t.Fatalf("verify: %v %+v (want %d checked)", err, r, total)
		}
		// A second run links nothing and changes nothing.
		if n, err := db.SequenceAudit(ctx); err != nil || n != 0 {
			t.Fatalf("second sequence: %d, %v", n, err)
		}
		// Events written after the sequencer ran are pending, not broken.
		if _, err := db.FindCase(ctx, run.act["sms.officer"], run.de.ID); err != nil {
			t.Fatal(err)
		}
		r2, err := db.VerifyAudit(ctx)
		if err != nil || !r2.OK() || r2.Pending != 1 || r2.Head != r.Head {
			t.Fatalf("verify with a pending event: %v %+v", err, r2)
		}
		if n, err := db.SequenceAudit(ctx); err != nil || n != 1 {
			t.Fatalf("sequence the pending event: %d, %v", n, err)
		}
		if r3, err := db.VerifyAudit(ctx); err != nil || !r3.OK() || r3.Checked != int64(total+1) {
			t.Fatalf("verify: %v %+v", err, r3)
		}
		// The chain links every event to its predecessor, in seq order.
		evs := auditRows(t, db)
		slices.SortFunc(evs, func(a, b sqldb.AuditEvent) int { return int(a.Seq - b.Seq) })
		prev := ""
		for i, e := range evs {
			if e.Seq != int64(i+1) || e.PrevHash != prev || sqldb.ChainHash(prev, &e) != e.Hash {
				t.Fatalf("event %d: seq %d prev %q hash %q", i+1, e.Seq, e.PrevHash, e.Hash)
			}
			prev = e.Hash
		}
	})
}

// TestAuditSequencersRunConcurrently keeps the chain whole while several
// sequencers race each other and the writers.
func TestAuditSequencersRunConcurrently(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		c := submittedCase(t, db, act["de.officer"], "DE-1")
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for _, who := range []string{"de.officer", "sms.officer", "sms.supervisor"} {
			wg.Go(func() {
				for range 15 {
					if _, err := db.FindCase(ctx, act[who], c.ID); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		for range 2 {
			wg.Go(func() {
				for range 10 {
					if _, err := db.SequenceAudit(ctx); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		r, err := db.VerifyAudit(ctx)
		if err != nil || !r.OK() || r.Pending != 0 || r.Checked != int64(len(auditRows(t, db))) {
			t.Fatalf("verify: %v %+v", err, r)
		}
	})
}

// TestAuditTamperingIsFound edits, deletes, reorders and forges rows of a
// sequenced trail directly in SQL; VerifyAudit names the first broken event.
func TestAuditTamperingIsFound(t *testing.T) {
	exec := func(t *testing.T, db *sqldb.DB, q string, args ...any) {
		t.Helper()
		if _, err := db.SQL().ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	idAt := func(t *testing.T, db *sqldb.DB, seq int64) string {
		t.Helper()
		var id string
		if err := db.SQL().QueryRowContext(ctx, `SELECT id FROM audit_events WHERE seq = $1`, seq).Scan(&id); err != nil {
			t.Fatalf("event %d: %v", seq, err)
		}
		return id
	}
	// forge returns an event that looks like a real one, linked after prev.
	forge := func(clock *testdb.Clock, seq int64, prev string) sqldb.AuditEvent {
		e := sqldb.AuditEvent{Seq: seq, ID: uuid.Must(uuid.NewV7()).String(), At: clock.Now().UTC(), Actor: "sms.officer",
			Action: "case.read", ObjectType: "case", ObjectID: uuid.Must(uuid.NewV7()).String(), Records: []byte(`[]`),
			Purpose: "case handling", Details: []byte(`{}`), PrevHash: prev}
		e.Hash = sqldb.ChainHash(prev, &e)
		return e
	}
	insert := func(t *testing.T, db *sqldb.DB, e sqldb.AuditEvent) {
		t.Helper()
		exec(t, db, `INSERT INTO audit_events (id, seq, at, actor_id, actor_username, org_id, action, object_type, object_id, records, purpose,
			recipient, party_state, details, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
			e.ID, e.Seq, e.At.Format("2006-01-02T15:04:05.000000Z"), e.ActorID, e.Actor, e.OrgID, e.Action, e.ObjectType, e.ObjectID,
			string(e.Records), e.Purpose, e.Recipient, e.PartyState, string(e.Details), e.PrevHash, e.Hash)
	}
	// shift renumbers the events after seq one up, leaving a gap at seq+1
	// (in two steps: seq is UNIQUE and checked row by row).
	shift := func(t *testing.T, db *sqldb.DB, after int64) {
		exec(t, db, `UPDATE audit_events SET seq = -seq WHERE seq > $1`, after)
		exec(t, db, `UPDATE audit_events SET seq = 1 - seq WHERE seq < 0`)
	}

	type tamper struct {
		name string
		// do tampers with a chain of n events whose head hash is head, and
		// returns the seq VerifyAudit must report and the id of that event
		// ("" when the event is gone).
		do      func(t *testing.T, db *sqldb.DB, clock *testdb.Clock, n int64, head string) (int64, string)
		problem string
	}
	tampers := []tamper{
		{"edit actor", func(t *testing.T, db *sqldb.DB, _ *testdb.Clock, n int64, _ string) (int64, string) {
			k := n / 2
			exec(t, db, `UPDATE audit_events SET actor_username = 'someone.else' WHERE seq = $1`, k)
			return k, idAt(t, db, k)
		}, "changed"},
		{"edit records", func(t *testing.T, db *sqldb.DB, _ *testdb.Clock, n int64, _ string) (int64, string) {
			k := n - 3
			exec(t, db, `UPDATE audit_events SET records = '[]' WHERE seq = $1`, k)
			return k, idAt(t, db, k)
		}, "changed"},
		{"edit time", func(t *testing.T, db *sqldb.DB, _ *testdb.Clock, _ int64, _ string) (int64, string) {
			exec(t, db, `UPDATE audit_events SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 2`)
			return 2, idAt(t, db, 2)
		}, "changed"},
		{"edit hash", func(t *testing.T, db *sqldb.DB, _ *testdb.Clock, n int64, _ string) (int64, string) {
			k := n / 3
			exec(t, db, `UPDATE audit_events SET hash = $1 WHERE seq = $2`, strings.Repeat("0", 64), k)
			return k, idAt(t, db, k)
		}, "changed"},
		{"delete middle", func(t *testing.T, db *sqldb.DB, _ *testdb.Clock, n int64, _ string) (int64, string) {
			k := n / 2
			exec(t, db, `DELETE FROM audit_events WHERE seq = $1`, k)
			return k, idAt(t, db, k+1)
		}, "missing"},
		{"delete first", func(t *testing.T, db *sqldb.DB, _ *testdb.Clock, _ int64, _ string) (int64, string) {
			exec(t, db, `DELETE FROM audit_events WHERE seq = 1`)
			return 1, idAt(t, db, 2)
		}, "missing"},
		{"truncate end", func(t *testing.T, db *sqldb.DB, _ *testdb.Clock, n int64, _ string) (int64, string) {
			exec(t, db, `DELETE FROM audit_events WHERE seq > $1`, n-3)
			return n - 2, ""
		}, "removed"},
		{"truncate last", func(t *testing.T, db *sqldb.DB, _ *testdb.Clock, n int64, _ string) (int64, string) {
			exec(t, db, `DELETE FROM audit_events WHERE seq = $1`, n)
			return n, ""
		}, "removed"},
		{"swap", func(t *testing.T, db *sqldb.DB, _ *testdb.Clock, n int64, _ string) (int64, string) {
			a, b := n/2, n/2+2
			idB := idAt(t, db, b)
			exec(t, db, `UPDATE audit_events SET seq = -1 WHERE seq = $1`, a)
			exec(t, db, `UPDATE audit_events SET seq = $1 WHERE seq = $2`, a, b)
			exec(t, db, `UPDATE audit_events SET seq = $1 WHERE seq = -1`, b)
			return a, idB
		}, "link"},
		{"forged at the end", func(t *testing.T, db *sqldb.DB, clock *testdb.Clock, n int64, head string) (int64, string) {
			e := forge(clock, n+1, head)
			insert(t, db, e)
			return n + 1, e.ID
		}, "head"},
		{"forged in the middle", func(t *testing.T, db *sqldb.DB, clock *testdb.Clock, n int64, _ string) (int64, string) {
			k := n / 2
			var prev string
			if err := db.SQL().QueryRowContext(ctx, `SELECT hash FROM audit_events WHERE seq = $1`, k).Scan(&prev); err != nil {
				t.Fatal(err)
			}
			next := idAt(t, db, k+1)
			shift(t, db, k)
			insert(t, db, forge(clock, k+1, prev)) // links to k and hashes right…
			return k + 2, next                     // …but the event after it does not link to it
		}, "link"},
		{"last edited and rehashed", func(t *testing.T, db *sqldb.DB, _ *testdb.Clock, n int64, _ string) (int64, string) {
			// A forger who rehashes the edited event is caught by the head.
			var last sqldb.AuditEvent
			for _, e := range auditRows(t, db) {
				if e.Seq == n {
					last = e
				}
			}
			last.Actor = "someone.else"
			exec(t, db, `UPDATE audit_events SET actor_username = $1, hash = $2 WHERE seq = $3`, last.Actor, sqldb.ChainHash(last.PrevHash, &last), n)
			return n, last.ID
		}, "rewritten"},
		{"forged pair in place of one", func(t *testing.T, db *sqldb.DB, clock *testdb.Clock, n int64, _ string) (int64, string) {
			// Replace event k by a forged event with a correct hash: the
			// event after it no longer links.
			k := n / 2
			var prev string
			if err := db.SQL().QueryRowContext(ctx, `SELECT prev_hash FROM audit_events WHERE seq = $1`, k).Scan(&prev); err != nil {
				t.Fatal(err)
			}
			next := idAt(t, db, k+1)
			exec(t, db, `DELETE FROM audit_events WHERE seq = $1`, k)
			insert(t, db, forge(clock, k, prev))
			return k + 1, next
		}, "link"},
	}
	testdb.Each(t, func(t *testing.T, src *sqldb.DB, clock *testdb.Clock) {
		// One working session makes the trail; each tampering happens on a
		// fresh store holding a copy of it, row for row.
		act := seed(t, src)
		c := submittedCase(t, src, act["de.officer"], "DE-1")
		mustAct(t, src, act["sms.officer"], c, ercms.ActRegister, ercms.ActionInput{})
		if _, err := src.FindCase(ctx, act["sms.officer"], c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := src.ListCases(ctx, act["sms.officer"], sqldb.CaseFilter{}); err != nil {
			t.Fatal(err)
		}
		if _, err := src.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		trail := auditRows(t, src)
		for _, tc := range tampers {
			t.Run(tc.name, func(t *testing.T) {
				db, _ := testdb.Open(t, src.Engine())
				for _, e := range trail {
					insert(t, db, e)
				}
				last := trail[len(trail)-1]
				for _, e := range trail {
					if e.Seq > last.Seq {
						last = e
					}
				}
				exec(t, db, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, last.Seq, last.Hash)
				r, err := db.VerifyAudit(ctx)
				if err != nil || !r.OK() || r.Checked != int64(len(trail)) || r.Checked < 10 {
					t.Fatalf("verify before tampering: %v %+v", err, r)
				}
				wantSeq, wantID := tc.do(t, db, clock, r.Checked, r.Head)
				got, err := db.VerifyAudit(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if got.OK() || got.BrokenAt != wantSeq || (wantID != "" && got.BrokenID != wantID) {
					t.Fatalf("verify after tampering: %+v, want broken at %d (%s)", got, wantSeq, wantID)
				}
				if !strings.Contains(got.Problem, tc.problem) {
					t.Errorf("problem %q does not say %q", got.Problem, tc.problem)
				}
				t.Logf("%s", got.Problem)
			})
		}
	})
}

// TestAuditHoldsNoPersonalData looks for every name, key, number and date
// of a case's person and family in every column of every audit event, after
// the case was created, moved, read, listed, searched and exported.
func TestAuditHoldsNoPersonalData(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		run := runAudit(t, db, clock)
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		secrets := append(personalData(), run.session, testPassword, "not the password", "Məmmədov")
		evs := auditRows(t, db)
		if len(evs) < 50 {
			t.Fatalf("only %d audit events", len(evs))
		}
		for _, e := range evs {
			row := strings.Join([]string{e.ID, e.At.String(), e.ActorID, e.Actor, e.OrgID, e.Action, e.ObjectType, e.ObjectID,
				string(e.Records), e.Purpose, e.Recipient, e.PartyState, string(e.Details), e.PrevHash, e.Hash}, "|")
			// Ids and hashes are hex: blank them so that a short number cannot match by chance.
			row = strings.ToLower(hexRun.ReplaceAllString(row, "<hex>"))
			for _, s := range secrets {
				if strings.Contains(row, strings.ToLower(s)) {
					t.Errorf("audit event %d (%s) holds %q: %s", e.Seq, e.Action, s, row)
				}
			}
		}
		// The records name the person by reference.
		c := readCase(t, db, run.de.ID)
		found := false
		for _, e := range evs {
			if e.Action == "case.read" && e.ObjectID == c.ID {
				found = true
				want := []string{"case:" + c.ID, "person:" + c.ID, "family:" + c.Family[0].ID, "evidence:" + c.Evidence[0].ID, "evidence:" + c.Evidence[1].ID}
				if got := records(e); !slices.Equal(got, want) {
					t.Errorf("case.read records %v, want %v", got, want)
				}
			}
		}
		if !found {
			t.Error("no case.read event")
		}
	})
}

// TestEveryReadIsLogged checks that FindCase and ListCases write exactly
// one event naming the records they returned, before returning them.
func TestEveryReadIsLogged(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms := act["de.officer"], act["sms.officer"]
		var ids []string
		for i := range 3 {
			ids = append(ids, submittedCase(t, db, de, fmt.Sprintf("DE-%d", i)).ID)
		}
		draft := createCase(t, db, de, personal("DE-draft"))

		var got *ercms.Case
		evs := newAudit(t, db, func() {
			var err error
			if got, err = db.FindCase(ctx, sms, ids[1]); err != nil {
				t.Fatal(err)
			}
		})
		if len(evs) != 1 {
			t.Fatalf("FindCase wrote %d events", len(evs))
		}
		e := evs[0]
		want := []string{"case:" + ids[1], "person:" + ids[1], "evidence:" + got.Evidence[0].ID}
		if e.Action != "case.read" || e.ObjectID != ids[1] || e.ActorID != sms.UserID || e.Actor != sms.Username || e.OrgID != sms.Org.ID ||
			e.PartyState != "DE" || e.Recipient != "" || !slices.Equal(records(e), want) {
			t.Errorf("read event %+v records %v, want %v", e, records(e), want)
		}

		// A list logs the cases and persons it shows, page by page.
		var pages [][]string
		next := ""
		for {
			var page *sqldb.CasePage
			evs := newAudit(t, db, func() {
				var err error
				if page, err = db.ListCases(ctx, de, sqldb.CaseFilter{Limit: 3, After: next}); err != nil {
					t.Fatal(err)
				}
			})
			var shown, want []string
			for _, c := range page.Cases {
				shown = append(shown, c.ID)
				want = append(want, "case:"+c.ID, "person:"+c.ID)
			}
			pages = append(pages, shown)
			if len(evs) != 1 {
				t.Fatalf("ListCases wrote %d events for %d cases", len(evs), len(shown))
			}
			if e := evs[0]; e.Action != "case.list" || e.ActorID != de.UserID || e.PartyState != "DE" || !slices.Equal(records(e), want) {
				t.Errorf("list event %+v records %v, want %v", e, records(e), want)
			}
			if next = page.Next; next == "" {
				break
			}
		}
		all := append(slices.Clone(ids), draft.ID)
		slices.Reverse(all)
		if got := slices.Concat(pages...); !slices.Equal(got, all) || len(pages) != 2 {
			t.Errorf("pages %v, want %v newest first in two pages", pages, all)
		}

		// Searches log what they found, not what was searched for.
		evs = newAudit(t, db, func() {
			page, err := db.ListCases(ctx, de, sqldb.CaseFilter{Text: "Qasımova"})
			if err != nil || len(page.Cases) != 1 || page.Cases[0].ID != draft.ID {
				t.Fatalf("search: %v %+v", err, page)
			}
		})
		if len(evs) != 1 || !slices.Equal(records(evs[0]), []string{"case:" + draft.ID, "person:" + draft.ID}) {
			t.Errorf("search events %+v", evs)
		}
	})
}

// TestFailedActChangesNothing tries actions that fail for every reason Act
// has; each leaves the case, its tasks, clocks, timeline and the audit trail
// exactly as they were.
func TestFailedActChangesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, fr, sms, reg := act["de.officer"], act["fr.officer"], act["sms.officer"], act["civil.registry.officer"]
		c := mustAct(t, db, sms, submittedCase(t, db, de, "DE-1"), ercms.ActRegister, ercms.ActionInput{})
		c = mustAct(t, db, sms, c, ercms.ActStartVerification, ercms.ActionInput{Tasks: []ercms.TaskInput{
			{OrganisationID: reg.Org.ID, Question: "Confirm the birth record"}}})
		clock.Advance(time.Hour)

		before := caseState(t, db, c.ID)
		auditBefore := count(t, db, `SELECT COUNT(*) FROM audit_events`)
		fails := []struct {
			name    string
			a       ercms.Actor
			action  string
			version int
			in      ercms.ActionInput
			code    string
		}{
			{"wrong role", de, ercms.ActRegister, c.Version, ercms.ActionInput{}, ercms.EForbidden},
			{"supervisor's action", sms, ercms.ActExtendReply, c.Version, ercms.ActionInput{Justification: "x", Days: 5}, ercms.EForbidden},
			{"wrong state", sms, ercms.ActRegister, c.Version, ercms.ActionInput{}, ercms.EConflict},
			{"out of scope", fr, ercms.ActWithdraw, c.Version, ercms.ActionInput{ReasonCode: "other", Reason: "x"}, ercms.ENotFound},
			{"unknown action", sms, "teleport", c.Version, ercms.ActionInput{}, ercms.ENotFound},
			{"stale version", sms, ercms.ActRequestInfo, c.Version - 1, ercms.ActionInput{Question: "?"}, ercms.EPreconditionFailed},
			{"no version", sms, ercms.ActRequestInfo, 0, ercms.ActionInput{Question: "?"}, ercms.EPreconditionRequired},
			// These fail after the domain changed its copy of the case (prior state, a decision, a task).
			{"invalid after prior state", sms, ercms.ActRequestInfo, c.Version, ercms.ActionInput{}, ercms.EInvalid},
			{"invalid family", sms, ercms.ActApprove, c.Version, ercms.ActionInput{FamilyCovered: &[]string{"nobody"}}, ercms.EInvalid},
			{"invalid refusal", sms, ercms.ActRefuse, c.Version, ercms.ActionInput{Reasons: []string{"no_reason_at_all"}}, ercms.EInvalid},
			{"invalid task answer", reg, ercms.ActAnswerTask, c.Version, ercms.ActionInput{TaskID: c.Tasks[0].ID, Finding: "maybe"}, ercms.EInvalid},
			{"invalid interview", de, ercms.ActRequestInterview, c.Version, ercms.ActionInput{MissionID: act["mfa.consul.berlin"].Org.ID, Mode: "telepathy"}, ercms.EInvalid},
			{"withdraw without reason", de, ercms.ActWithdraw, c.Version, ercms.ActionInput{}, ercms.EInvalid},
		}
		for _, f := range fails {
			_, err := db.Act(ctx, f.a, c.ID, f.action, f.version, f.in)
			if got := ercms.ErrorCode(err); got != f.code {
				t.Errorf("%s: got %q (%v), want %q", f.name, got, err, f.code)
			}
			if after := caseState(t, db, c.ID); after != before {
				t.Fatalf("%s changed the case:\nbefore:\n%s\nafter:\n%s", f.name, before, after)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM audit_events`); n != auditBefore {
				t.Fatalf("%s wrote %d audit events", f.name, n-auditBefore)
			}
		}
		// The version the caller saw still works.
		evs := newAudit(t, db, func() {
			c = mustAct(t, db, reg, c, ercms.ActAnswerTask, ercms.ActionInput{TaskID: c.Tasks[0].ID, Finding: "confirmed"})
		})
		if len(evs) != 1 || evs[0].Action != "case.answer_task" || evs[0].Recipient != "" {
			t.Errorf("answer_task events: %+v", evs)
		}
	})
}

// TestTransmissionsExportOwnRecordsOnly has two member states exchange
// cases with the requested state; each exports its own transmissions only.
func TestTransmissionsExportOwnRecordsOnly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, fr, sms := act["de.officer"], act["fr.officer"], act["sms.officer"]
		from := clock.Now()
		cases := map[string][]string{}
		for _, a := range []ercms.Actor{de, fr} {
			c := submittedCase(t, db, a, a.Org.State+"-1")
			mustAct(t, db, sms, c, ercms.ActRegister, ercms.ActionInput{})
			createCase(t, db, a, application(a.Org.State+"-draft")) // a draft is not transmitted
			d := createCase(t, db, a, noApplication(a.Org.State+"-2", baku(clock)))
			cases[a.Org.State] = append(cases[a.Org.State], c.ID, d.ID)
			clock.Advance(time.Hour)
		}
		to := clock.Now()
		clock.Advance(time.Hour)
		late := submittedCase(t, db, de, "DE-late") // after the period exported

		for _, a := range []ercms.Actor{de, act["de.supervisor"], fr} {
			st := a.Org.State
			var out []sqldb.AuditEvent
			evs := newAudit(t, db, func() {
				var err error
				if out, err = db.Transmissions(ctx, a, from, to); err != nil {
					t.Fatal(err)
				}
			})
			var got []string
			for _, e := range out {
				if e.PartyState != st || e.Recipient == "" || !slices.Contains(cases[st], e.ObjectID) || e.ObjectID == late.ID {
					t.Errorf("%s exports %+v", a.Username, e)
				}
				got = append(got, e.Action+">"+e.Recipient)
			}
			want := []string{"case.submit>AZ", "case.register>" + st, "case.create>AZ"}
			if !slices.Equal(got, want) {
				t.Errorf("%s exports %v, want %v", a.Username, got, want)
			}
			if len(evs) != 1 || evs[0].Action != "audit.export" || evs[0].PartyState != st || evs[0].ActorID != a.UserID {
				t.Errorf("export events %+v", evs)
			}
		}
		for _, who := range []string{"sms.officer", "auditor", "admin", "mfa.consul.berlin"} {
			_, err := db.Transmissions(ctx, act[who], from, to)
			wantCode(t, err, ercms.EForbidden, who+" exports transmissions")
		}
		// The export itself is not a transmission: a second export is the same.
		again, err := db.Transmissions(ctx, de, from, clock.Now().Add(time.Hour))
		if err != nil || len(again) != 4 {
			t.Fatalf("export with the late case: %v, %d events", err, len(again))
		}
	})
}

// TestAuditVerifySince: the trail's page verifies the events linked since
// its last verification and counts the whole chain; an event changed
// after the checkpoint, or the checkpoint's own event changed, is found;
// the filter lists each action the trail holds once.
func TestAuditVerifySince(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		run := runAudit(t, db, clock)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.SQL().ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		full, err := db.VerifyAudit(ctx)
		if err != nil || !full.OK() {
			t.Fatalf("full verification: %+v %v", full, err)
		}
		first, err := db.VerifyAuditSince(ctx)
		if err != nil || !first.OK() || first.Checked != full.Checked || first.Head != full.Head {
			t.Fatalf("first verification since: %+v %v, want %+v", first, err, full)
		}
		var seq int64
		if err := db.SQL().QueryRowContext(ctx, `SELECT seq FROM audit_verified WHERE id = 1`).Scan(&seq); err != nil || seq != full.Checked {
			t.Fatalf("checkpoint at %d (%v), want %d", seq, err, full.Checked)
		}
		for range 3 {
			if _, err := db.FindCase(ctx, run.act["sms.officer"], run.de.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		again, err := db.VerifyAuditSince(ctx)
		if err != nil || !again.OK() || again.Checked != full.Checked+3 {
			t.Fatalf("after three reads: %+v %v, want %d checked", again, err, full.Checked+3)
		}
		if _, err := db.FindCase(ctx, run.act["sms.officer"], run.de.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		exec(`UPDATE audit_events SET actor_username = 'someone.else' WHERE seq = $1`, again.Checked+1)
		if r, err := db.VerifyAuditSince(ctx); err != nil || r.OK() || r.BrokenAt != again.Checked+1 {
			t.Errorf("an event changed after the checkpoint: %+v %v", r, err)
		}
		exec(`UPDATE audit_events SET actor_username = 'sms.officer' WHERE seq = $1`, again.Checked+1)
		restored, err := db.VerifyAuditSince(ctx)
		if err != nil || !restored.OK() || restored.Checked != again.Checked+1 {
			t.Fatalf("restored: %+v %v", restored, err)
		}
		exec(`UPDATE audit_events SET hash = $1 WHERE seq = $2`, strings.Repeat("0", 64), restored.Checked)
		if r, err := db.VerifyAuditSince(ctx); err != nil || r.OK() || r.BrokenAt != restored.Checked {
			t.Errorf("the checkpoint's event changed: %+v %v", r, err)
		}

		acts, err := db.AuditActions(ctx, run.act["auditor"])
		if err != nil || len(acts) < 3 || !slices.IsSorted(acts) || len(slices.Compact(slices.Clone(acts))) != len(acts) || !slices.Contains(acts, "case.read") {
			t.Errorf("actions for the filter: %v %v", acts, err)
		}
	})
}
