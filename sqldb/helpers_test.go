package sqldb_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

var ctx = context.Background()

const day = 24 * time.Hour

// wantCode fails the test unless err has the error code want.
func wantCode(t *testing.T, err error, want, what string) {
	t.Helper()
	if got := ercms.ErrorCode(err); got != want {
		t.Fatalf("%s: got %q (%v), want %q", what, got, err, want)
	}
}

// wantFields fails the test unless err is EInvalid naming exactly the fields want.
func wantFields(t *testing.T, err error, want ...string) {
	t.Helper()
	var e *ercms.Error
	if !errorAs(err, &e) || e.Code != ercms.EInvalid {
		t.Fatalf("got %v, want EInvalid with fields %v", err, want)
	}
	var got []string
	for f, msg := range e.Fields {
		got = append(got, f)
		if strings.TrimSpace(msg) == "" {
			t.Errorf("field %s has no message", f)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("fields %v, want %v (%v)", got, want, err)
	}
}

func errorAs(err error, e **ercms.Error) bool { return errors.As(err, e) }

// baku returns the civil date in Baku of the store's clock.
func baku(clock interface{ Now() time.Time }) civil.Date {
	loc, err := time.LoadLocation("Asia/Baku")
	if err != nil {
		panic(err)
	}
	return civil.In(clock.Now(), loc)
}

// createCase creates a case and fails the test on error.
func createCase(t *testing.T, db *sqldb.DB, a ercms.Actor, n ercms.NewCase) *ercms.Case {
	t.Helper()
	c, _, err := db.CreateCase(ctx, a, n, "")
	if err != nil {
		t.Fatalf("create by %s: %v", a.Username, err)
	}
	return c
}

// submittedCase creates and submits an own-national application.
func submittedCase(t *testing.T, db *sqldb.DB, a ercms.Actor, ref string) *ercms.Case {
	t.Helper()
	return mustAct(t, db, a, createCase(t, db, a, application(ref)), ercms.ActSubmit, ercms.ActionInput{})
}

// noApplication is a case that needs no application: the person holds a valid passport.
func noApplication(ref string, today civil.Date) ercms.NewCase {
	n := application(ref)
	n.NoApplication = true
	exp := today.AddDays(400)
	n.Evidence[0].ExpiresOn = &exp
	return n
}

// readCase returns the case as the system sees it.
func readCase(t *testing.T, db *sqldb.DB, id string) *ercms.Case {
	t.Helper()
	c, err := db.FindCase(ctx, ercms.SystemActor(), id)
	if err != nil {
		t.Fatalf("read %s: %v", id, err)
	}
	return c
}

// auditRows returns every audit event in the table, sequenced or not, in the
// order they were written.
func auditRows(t *testing.T, db *sqldb.DB) []sqldb.AuditEvent {
	t.Helper()
	rows, err := db.SQL().QueryContext(ctx, `SELECT id, COALESCE(seq, 0), at, actor_id, actor_username, org_id, action, object_type, object_id,
		records, purpose, recipient, party_state, details, prev_hash, hash FROM audit_events ORDER BY at, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []sqldb.AuditEvent
	for rows.Next() {
		var e sqldb.AuditEvent
		var at, rec, det string
		if err := rows.Scan(&e.ID, &e.Seq, &at, &e.ActorID, &e.Actor, &e.OrgID, &e.Action, &e.ObjectType, &e.ObjectID,
			&rec, &e.Purpose, &e.Recipient, &e.PartyState, &det, &e.PrevHash, &e.Hash); err != nil {
			t.Fatal(err)
		}
		e.Records, e.Details = []byte(rec), []byte(det)
		if e.At, err = time.Parse("2006-01-02T15:04:05.000000Z", at); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// newAudit runs fn and returns the audit events it wrote.
func newAudit(t *testing.T, db *sqldb.DB, fn func()) []sqldb.AuditEvent {
	t.Helper()
	before := map[string]bool{}
	for _, e := range auditRows(t, db) {
		before[e.ID] = true
	}
	fn()
	var out []sqldb.AuditEvent
	for _, e := range auditRows(t, db) {
		if !before[e.ID] {
			out = append(out, e)
		}
	}
	return out
}

// count returns the result of a COUNT(*) query.
func count(t *testing.T, db *sqldb.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// dump returns the rows of a query as text, one line a row, for comparisons.
func dump(t *testing.T, db *sqldb.DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.SQL().QueryContext(ctx, q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteByte('|')
			}
			if v.Valid {
				b.WriteString(v.String)
			} else {
				b.WriteString("NULL")
			}
		}
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// caseState returns everything the store holds about a case, as text.
func caseState(t *testing.T, db *sqldb.DB, id string) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, reference, status, version, received_on, assigned_to, crossing_point, handover_on, next_due_on, data, updated_at FROM cases WHERE id = $1`,
		`SELECT id, org_id, kind, status FROM case_tasks WHERE case_id = $1 ORDER BY id`,
		`SELECT kind, task_id, due_on, status FROM case_deadlines WHERE case_id = $1 ORDER BY kind, task_id`,
		`SELECT id, at, action, from_status, to_status, actor_id, actor, org_id, note FROM case_events WHERE case_id = $1 ORDER BY at, id`,
		`SELECT token, skeleton FROM case_names WHERE case_id = $1 ORDER BY token`,
	} {
		fmt.Fprintf(&b, "%s\n%s", q, dump(t, db, q, id))
	}
	return b.String()
}

// records decodes the records of an audit event.
func records(e sqldb.AuditEvent) []string {
	var out []string
	if err := json.Unmarshal(e.Records, &out); err != nil {
		panic(fmt.Sprintf("audit event %s: records %s: %v", e.ID, e.Records, err))
	}
	return out
}

// opener returns a function that opens (and reopens, as after a restart)
// the store at url for a deployment serving country ("" for the default),
// on the settable clock.
func opener(t *testing.T, url, country string, clock *testdb.Clock) func() *sqldb.DB {
	return func() *sqldb.DB {
		t.Helper()
		db, err := sqldb.Open(context.Background(), sqldb.Options{URL: url, Country: country})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.Now, db.Argon = clock.Now, testdb.FastArgon
		return db
	}
}

// openCountry opens a fresh store on engine e for a deployment serving
// country, with a settable clock at testdb.Start.
func openCountry(t *testing.T, e sqldb.Engine, country string) (*sqldb.DB, *testdb.Clock) {
	t.Helper()
	clock := &testdb.Clock{}
	clock.Set(testdb.Start)
	return opener(t, testdb.URL(t, e), country, clock)(), clock
}
