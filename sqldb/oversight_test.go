package sqldb_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// TestOversightAuditSearch filters and pages the audit trail as the
// auditor's screen does.
func TestOversightAuditSearch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		run := runAudit(t, db, clock)
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		auditor := run.act["auditor"]
		if _, err := db.SearchAudit(ctx, run.act["sms.officer"], sqldb.AuditQuery{}); ercms.ErrorCode(err) != ercms.EForbidden {
			t.Fatalf("an officer reads the trail: %v", err)
		}
		all, err := db.SearchAudit(ctx, auditor, sqldb.AuditQuery{Limit: sqldb.MaxPage})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Events) < 10 || all.Next != 0 {
			t.Fatalf("whole trail: %d events, next %d", len(all.Events), all.Next)
		}
		for i := 1; i < len(all.Events); i++ {
			if all.Events[i].Seq >= all.Events[i-1].Seq {
				t.Fatalf("not newest first: %d after %d", all.Events[i].Seq, all.Events[i-1].Seq)
			}
		}
		// Pages of 4 run through the same events, without overlap.
		var paged []int64
		for before := int64(0); ; {
			pg, err := db.SearchAudit(ctx, auditor, sqldb.AuditQuery{Limit: 4, Before: before})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range pg.Events {
				paged = append(paged, e.Seq)
			}
			if pg.Next == 0 {
				break
			}
			before = pg.Next
		}
		if len(paged) != len(all.Events) || paged[len(paged)-1] != all.Events[len(all.Events)-1].Seq {
			t.Fatalf("pages hold %d events, the trail %d", len(paged), len(all.Events))
		}
		narrows := func(what string, q sqldb.AuditQuery, keep func(sqldb.AuditEvent) bool) []sqldb.AuditEvent {
			t.Helper()
			q.Limit = sqldb.MaxPage
			pg, err := db.SearchAudit(ctx, auditor, q)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			want := 0
			for _, e := range all.Events {
				if keep(e) {
					want++
				}
			}
			if len(pg.Events) == 0 || len(pg.Events) == len(all.Events) || len(pg.Events) != want {
				t.Fatalf("%s: %d events of %d, want %d", what, len(pg.Events), len(all.Events), want)
			}
			for _, e := range pg.Events {
				if !keep(e) {
					t.Fatalf("%s: kept %s by %s", what, e.Action, e.Actor)
				}
			}
			return pg.Events
		}
		narrows("user", sqldb.AuditQuery{Username: "sms.officer"}, func(e sqldb.AuditEvent) bool { return e.Actor == "sms.officer" })
		narrows("action", sqldb.AuditQuery{Action: "case.read"}, func(e sqldb.AuditEvent) bool { return e.Action == "case.read" })
		reg := run.act["civil.registry.officer"]
		narrows("organisation", sqldb.AuditQuery{OrgID: reg.Org.ID}, func(e sqldb.AuditEvent) bool { return e.OrgID == reg.Org.ID })
		names := func(e sqldb.AuditEvent, id string) bool {
			return e.ObjectID == id || slices.Contains(records(e), "case:"+id)
		}
		byRef := narrows("reference", sqldb.AuditQuery{Reference: run.de.Reference}, func(e sqldb.AuditEvent) bool { return names(e, run.de.ID) })
		if !slices.ContainsFunc(byRef, func(e sqldb.AuditEvent) bool { return e.Action == "case.read" && e.Actor == "sms.officer" }) {
			t.Fatal("the case's reads are not among its events")
		}
		mid := all.Events[0].At // the newest: after the run's hour passed
		narrows("period", sqldb.AuditQuery{From: mid}, func(e sqldb.AuditEvent) bool { return !e.At.Before(mid) })
		narrows("period's end", sqldb.AuditQuery{To: mid}, func(e sqldb.AuditEvent) bool { return e.At.Before(mid) })
		narrows("transmissions", sqldb.AuditQuery{Transmissions: true}, func(e sqldb.AuditEvent) bool { return e.Recipient != "" })
		narrows("transmissions to Germany", sqldb.AuditQuery{Transmissions: true, State: "DE"}, func(e sqldb.AuditEvent) bool {
			return e.Recipient != "" && (e.Recipient == "DE" || e.PartyState == "DE")
		})
		pg, err := db.SearchAudit(ctx, auditor, sqldb.AuditQuery{Reference: "AZ-1999-999999"})
		if err != nil || len(pg.Events) != 0 {
			t.Fatalf("unknown reference: %d events, %v", len(pg.Events), err)
		}
		if pg, err := db.SearchAudit(ctx, auditor, sqldb.AuditQuery{Reference: run.de.Reference}); err != nil || pg.References[run.de.ID] != run.de.Reference {
			t.Fatalf("references: %v %v", pg.References, err)
		}
	})
}

// TestOversightPersonReport finds a person by reference and by name and
// lists who read or received the person's data, for the DPO only.
func TestOversightPersonReport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		run := runAudit(t, db, clock)
		dpo := run.act["dpo"]
		if _, err := db.FindPersons(ctx, run.act["auditor"], run.de.Reference, "", 10); ercms.ErrorCode(err) != ercms.EForbidden {
			t.Fatalf("the auditor finds persons: %v", err)
		}
		if _, _, err := db.PersonReport(ctx, run.act["sms.officer"], run.de.ID); ercms.ErrorCode(err) != ercms.EForbidden {
			t.Fatalf("an officer reads the report: %v", err)
		}
		find := func(ref, name string) []string {
			t.Helper()
			ms, err := db.FindPersons(ctx, dpo, ref, name, 10)
			if err != nil {
				t.Fatalf("find %q %q: %v", ref, name, err)
			}
			var ids []string
			for _, m := range ms {
				ids = append(ids, m.CaseID)
			}
			slices.Sort(ids)
			return ids
		}
		both := []string{run.de.ID, run.fr.ID}
		slices.Sort(both)
		for _, c := range []struct {
			ref, name string
			want      []string
		}{
			{run.de.Reference, "", []string{run.de.ID}},
			{"DE-2026-0100", "", []string{run.de.ID}},
			{"", "Məmmədov", both},
			{"", "MAMMADOV ali", both},
			{run.fr.Reference, "Məmmədov", []string{run.fr.ID}},
			{"", "Nobody", nil},
			{"XX-0000", "", nil},
			{"", "%_'\"", nil},
		} {
			if got := find(c.ref, c.name); !slices.Equal(got, c.want) {
				t.Errorf("find %q %q: %v, want %v", c.ref, c.name, got, c.want)
			}
		}
		m, evs, err := db.PersonReport(ctx, dpo, run.de.ID)
		if err != nil || m.Reference != run.de.Reference {
			t.Fatalf("report: %v %+v", err, m)
		}
		has := func(what string, ok func(sqldb.AuditEvent) bool) {
			t.Helper()
			if !slices.ContainsFunc(evs, ok) {
				t.Errorf("the report misses %s", what)
			}
		}
		has("the central authority's read", func(e sqldb.AuditEvent) bool { return e.Action == "case.read" && e.Actor == "sms.officer" })
		has("the registry's read", func(e sqldb.AuditEvent) bool { return e.Actor == "civil.registry.officer" })
		has("a transmission to Germany", func(e sqldb.AuditEvent) bool { return e.Recipient == "DE" })
		for i, e := range evs {
			if e.ObjectID != run.de.ID && !slices.Contains(records(e), "person:"+run.de.ID) {
				t.Errorf("the report lists an event not about the person: %s", e.Action)
			}
			if i > 0 && e.At.After(evs[i-1].At) {
				t.Errorf("not newest first at %d", i)
			}
			if strings.HasPrefix(e.Action, "audit.") {
				t.Errorf("the report lists the oversight's own event %s", e.Action)
			}
		}
		if _, _, err := db.PersonReport(ctx, dpo, "no-such-case"); ercms.ErrorCode(err) != ercms.ENotFound {
			t.Fatalf("unknown case: %v", err)
		}
		// The report and the search are on the trail, naming the case only.
		var rep []sqldb.AuditEvent
		for _, e := range auditRows(t, db) {
			if e.Actor == "dpo" && e.Action == "audit.person_report" && e.ObjectID == run.de.ID {
				rep = append(rep, e)
			}
		}
		if len(rep) != 1 || slices.Contains(records(rep[0]), "person:"+run.de.ID) {
			t.Fatalf("audit of the report: %+v", rep)
		}
	})
}

// TestOversightPaging: the trail's pages go back with After to the same
// events, and the person report read page by page (an export) holds the
// same events as read at once, its first page alone audited.
func TestOversightPaging(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		run := runAudit(t, db, clock)
		auditor, dpo := run.act["auditor"], run.act["dpo"]
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		seqs := func(pg sqldb.AuditPage) []int64 {
			var out []int64
			for _, e := range pg.Events {
				out = append(out, e.Seq)
			}
			return out
		}
		page := func(q sqldb.AuditQuery) sqldb.AuditPage {
			t.Helper()
			q.Limit = 3
			pg, err := db.SearchAudit(ctx, auditor, q)
			if err != nil {
				t.Fatal(err)
			}
			return pg
		}
		first := page(sqldb.AuditQuery{})
		if first.Prev != 0 || first.Next == 0 || len(first.Events) != 3 {
			t.Fatalf("first page %v prev %d next %d", seqs(first), first.Prev, first.Next)
		}
		second := page(sqldb.AuditQuery{Before: first.Next})
		third := page(sqldb.AuditQuery{Before: second.Next})
		if second.Prev == 0 || third.Prev == 0 {
			t.Fatalf("no previous page from the second (%d) or third (%d)", second.Prev, third.Prev)
		}
		if back := page(sqldb.AuditQuery{After: third.Prev}); !slices.Equal(seqs(back), seqs(second)) || back.Next != second.Next {
			t.Errorf("back from the third page: %v (next %d), want %v (next %d)", seqs(back), back.Next, seqs(second), second.Next)
		}
		if back := page(sqldb.AuditQuery{After: second.Prev}); !slices.Equal(seqs(back), seqs(first)) || back.Prev != 0 {
			t.Errorf("back to the first page: %v (prev %d), want %v and no previous", seqs(back), back.Prev, seqs(first))
		}

		_, all, err := db.PersonReport(ctx, dpo, run.de.ID)
		if err != nil || len(all) < 4 {
			t.Fatalf("report: %v, %d events", err, len(all))
		}
		before := len(auditRows(t, db))
		var paged []sqldb.AuditEvent
		after := ""
		for i := 0; ; i++ {
			_, evs, next, err := db.PersonReportPage(ctx, dpo, run.de.ID, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, evs...)
			if next == "" || i > 100 {
				break
			}
			after = next
		}
		// The report read now has one more event of its own: the first
		// page's audit, which the pages after it do not repeat.
		var ids, want []string
		for _, e := range paged {
			ids = append(ids, e.ID)
		}
		for _, e := range all {
			want = append(want, e.ID)
		}
		if len(ids) < len(want) || !slices.Equal(ids[len(ids)-len(want):], want) {
			t.Errorf("the report page by page: %d events, want the %d read at once", len(ids), len(want))
		}
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(auditRows(t, db)) - before; n != 1 {
			t.Errorf("reading the report page by page wrote %d audit events, want 1", n)
		}
	})
}
