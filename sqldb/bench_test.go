package sqldb_test

// Benchmarks of case lists and name searches over 100,000 cases on each
// engine. They run only with -bench; the 100,000 cases are built once per
// engine and process (SQLite: once per machine, cached under os.TempDir by
// schema version, and copied for each run). Each result also reports
// x-baseline, its time divided by that of a trivial SELECT 1 on the same
// store in the same run, so that results from different machines compare.
// Every list also writes its audit event and commits, as in production.
//
//	ERCMS_TEST_DATABASE_URL=postgres:///ercms_test go test -run XXX -bench . ./sqldb
//
// ERCMS_BENCH_KEEP_SCHEMA=1 keeps the PostgreSQL schema (its name is
// printed) to study query plans afterwards; drop it by hand.

import (
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	crand "crypto/rand"

	"github.com/google/uuid"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/demo"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

const (
	benchCases = 100_000
	// benchDataVersion changes whenever the generated data changes, so that
	// a cached SQLite fixture of older data is not reused.
	benchDataVersion = 2
)

// benchFixture is a store holding benchCases cases.
type benchFixture struct {
	db  *sqldb.DB
	act map[string]ercms.Actor
	// deep is a list cursor half-way down the central authority's list.
	deep string
	// rare is a surname that only a handful of cases have.
	rare string
	// ref is the reference of a case half-way down the list.
	ref string
	// baseline is the time of one SELECT 1 on the store, in ns.
	baseline float64
	built    time.Duration
}

var (
	fixtureMu sync.Mutex
	fixtures  = map[sqldb.Engine]*benchFixture{}
	fixErrs   = map[sqldb.Engine]error{}
	cleanups  []func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	os.Exit(code)
}

// fixture returns the store of engine e with its cases, building it on first use.
func fixture(b *testing.B, e sqldb.Engine) *benchFixture {
	b.Helper()
	if e == sqldb.Postgres && os.Getenv(testdb.EnvURL) == "" {
		b.Skipf("set %s to benchmark PostgreSQL", testdb.EnvURL)
	}
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if f, ok := fixtures[e]; ok {
		return f
	}
	if err, ok := fixErrs[e]; ok {
		b.Fatal(err)
	}
	start := time.Now()
	var f *benchFixture
	var err error
	if e == sqldb.SQLite {
		f, err = sqliteFixture(b)
	} else {
		f, err = postgresFixture(b)
	}
	if err == nil {
		err = f.prepare()
	}
	if err != nil {
		fixErrs[e] = err
		b.Fatal(err)
	}
	f.built = time.Since(start)
	b.Logf("%s: %d cases ready in %s; SELECT 1 takes %.0f ns", e, benchCases, f.built.Round(time.Millisecond), f.baseline)
	fixtures[e] = f
	return f
}

// openBench opens a store for the benchmarks, with the test clock's date.
func openBench(url string) (*sqldb.DB, error) {
	db, err := sqldb.Open(ctx, sqldb.Options{URL: url})
	if err != nil {
		return nil, err
	}
	clock := &testdb.Clock{}
	clock.Set(testdb.Start)
	db.Now, db.Argon = clock.Now, testdb.FastArgon
	return db, nil
}

// sqliteFixture copies the cached database of benchCases cases, building it
// first when this machine has none for the current schema.
func sqliteFixture(b *testing.B) (*benchFixture, error) {
	key := fmt.Sprintf("%s-%d-v%d", sqldb.SchemaKey(), benchCases, benchDataVersion)
	cached := filepath.Join(os.TempDir(), "ercms-bench-"+key+".db")
	if _, err := os.Stat(cached); err != nil {
		b.Logf("sqlite: building %s", cached)
		tmp := fmt.Sprintf("%s.tmp-%d", cached, os.Getpid())
		err := func() error {
			db, err := openBench(tmp)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := populate(db); err != nil {
				return err
			}
			// One self-contained file: no write-ahead log beside it.
			_, err = db.SQL().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
			return err
		}()
		if err == nil {
			err = os.Rename(tmp, cached)
		}
		if err == nil { // fixtures of other schema versions are stale: each takes some 350 MB
			old, _ := filepath.Glob(filepath.Join(os.TempDir(), "ercms-bench-*.db"))
			for _, f := range old {
				if f != cached {
					os.Remove(f)
				}
			}
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		if err != nil {
			return nil, fmt.Errorf("build the SQLite fixture: %w", err)
		}
	}
	dir, err := os.MkdirTemp("", "ercms-bench-")
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "ercms.db")
	if err := copyFile(cached, path); err != nil {
		return nil, err
	}
	db, err := openBench(path)
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func() { db.Close() })
	return &benchFixture{db: db}, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// postgresFixture builds the cases in a schema of its own, dropped when the
// test binary ends.
func postgresFixture(b *testing.B) (*benchFixture, error) {
	base := os.Getenv(testdb.EnvURL)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	r := make([]byte, 6)
	_, _ = crand.Read(r)
	schema := "bench_" + hex.EncodeToString(r)
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		return nil, err
	}
	cleanups = append(cleanups, func() {
		if os.Getenv("ERCMS_BENCH_KEEP_SCHEMA") != "" { // to study query plans afterwards
			fmt.Fprintf(os.Stderr, "PostgreSQL benchmark schema kept: %s\n", schema)
		} else {
			_, _ = admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`)
		}
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := openBench(u.String())
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func() { db.Close() })
	if err := populate(db); err != nil {
		return nil, err
	}
	// A server that has run for a while has vacuumed and analysed; a fresh
	// load has not yet (and autovacuum would start in the middle of a run).
	_, err = db.SQL().ExecContext(ctx, `VACUUM ANALYZE`)
	return &benchFixture{db: db}, err
}

// Names for the generated cases: common Azerbaijani surnames with their
// Russified Cyrillic forms, and syllables for rarer made-up ones.
var (
	benchSurnames = [][2]string{
		{"Məmmədov", "Мамедов"}, {"Əliyev", "Алиев"}, {"Həsənov", "Гасанов"}, {"Hüseynov", "Гусейнов"}, {"Quliyev", "Кулиев"},
		{"İsmayılov", "Исмаилов"}, {"Abbasov", "Аббасов"}, {"Cəfərov", "Джафаров"}, {"Rəhimov", "Рагимов"}, {"Babayev", "Бабаев"},
		{"Süleymanov", "Сулейманов"}, {"Nəsirov", "Насиров"}, {"Qasımov", "Касумов"}, {"Rzayev", "Рзаев"}, {"Kərimov", "Керимов"},
		{"Orucov", "Оруджев"}, {"Zeynalov", "Зейналов"}, {"Bağırov", "Багиров"}, {"Vəliyev", "Велиев"}, {"Sadıqov", "Садыхов"},
	}
	benchGiven = []string{"Əli", "Rəşid", "Elçin", "Nigar", "Tural", "Aynur", "Kamran", "Səbinə", "Orxan", "Vüqar", "Fərid",
		"Leyla", "Rauf", "Günel", "Samir", "Elşən", "Ramil", "Ülvi", "Aysel", "Nərmin", "Zaur", "Könül", "Emin", "Lalə"}
	benchSyllables = []string{"ka", "ra", "zə", "mu", "te", "li", "xa", "nu", "şi", "bo", "qe", "lo", "dü", "ve", "sa", "yı"}
	benchStates    = []string{"DE", "DE", "DE", "DE", "FR", "FR", "AT", "AT", "BE", "NL"}
	benchStatuses  = []ercms.State{ercms.StateDraft, ercms.StateSubmitted, ercms.StateSubmitted, ercms.StateRegistered,
		ercms.StateUnderVerification, ercms.StateUnderVerification, ercms.StateApproved, ercms.StateRefused,
		ercms.StateTransferred, ercms.StateClosed, ercms.StateClosed, ercms.StateWithdrawn, ercms.StateExpired}
)

// benchCase generates case i: its state, its application and its status.
func benchCase(r *rand.Rand, i int) (string, ercms.NewCase, ercms.State) {
	n := application(fmt.Sprintf("B-%06d", i))
	p := &n.Application.Person
	p.GivenNames = benchGiven[r.IntN(len(benchGiven))]
	if r.IntN(3) == 0 {
		p.GivenNames += " " + benchGiven[r.IntN(len(benchGiven))]
	}
	if r.IntN(5) < 4 {
		s := benchSurnames[r.IntN(len(benchSurnames))]
		p.Surname, p.OriginalScript = s[0], nil
		if r.IntN(3) == 0 {
			p.OriginalScript = &ercms.Name{Surname: s[1], GivenNames: p.GivenNames, Script: "Cyrl"}
		}
	} else { // a rarer name: three syllables and a suffix
		var b strings.Builder
		for range 3 {
			b.WriteString(benchSyllables[r.IntN(len(benchSyllables))])
		}
		w := []rune(b.String())
		p.Surname, p.OriginalScript = strings.ToUpper(string(w[0]))+string(w[1:])+[]string{"ov", "li", "zadə"}[r.IntN(3)], nil
	}
	p.DateOfBirth = ercms.PartialDate{Year: 1960 + r.IntN(45), Month: 1 + r.IntN(12)}
	if r.IntN(5) == 0 {
		n.Family = []ercms.FamilyMember{{Relationship: "spouse", Surname: p.Surname + "a", GivenNames: benchGiven[r.IntN(len(benchGiven))],
			DateOfBirth: ercms.PartialDate{Year: 1965 + r.IntN(40)}}}
	}
	return benchStates[r.IntN(len(benchStates))], n, benchStatuses[r.IntN(len(benchStatuses))]
}

// populate seeds the demo people and benchCases cases, in batches that
// alternate between member states so that every state's cases spread over
// the whole id order.
func populate(db *sqldb.DB) error {
	act, err := demo.SeedPeople(ctx, db, demo.Azerbaijan(), func(string) string { return testPassword })
	if err != nil {
		return err
	}
	officer := map[string]string{"DE": "de.officer", "FR": "fr.officer", "AT": "at.officer", "BE": "be.officer", "NL": "nl.officer"}
	r := rand.New(rand.NewPCG(1, benchDataVersion))
	received := civil.MustParse("2026-02-02")
	mission := map[string]string{"DE": "mfa.consul.berlin", "FR": "mfa.consul.paris", "AT": "mfa.consul.vienna", "BE": "mfa.consul.brussels", "NL": "mfa.consul.thehague"}
	task := func(c *ercms.Case, user string) {
		c.Tasks = append(c.Tasks, ercms.Task{ID: uuid.Must(uuid.NewV7()).String(), Kind: ercms.TaskVerification, OrgID: act[user].Org.ID,
			Question: "Verify", Status: ercms.TaskOpen, SentOn: received})
	}
	// adjust gives case i its status and what goes with it: verification
	// tasks (every case to the civil registry, one in five to the mission,
	// one in fifty to the police) and transfers at GYD handed over in the
	// last 60 days.
	adjust := func(i int, c *ercms.Case, status ercms.State) {
		if c.Status = status; status == ercms.StateDraft {
			return
		}
		c.ReceivedOn = &received
		switch status {
		case ercms.StateUnderVerification:
			task(c, "civil.registry.officer")
			if i%5 == 0 {
				task(c, mission[c.RequestingState])
			}
			if i%50 == 0 {
				task(c, "police.officer")
			}
		case ercms.StateTransferred, ercms.StateClosed:
			handover := civil.MustParse("2026-01-02").AddDays(i % 60)
			c.Transfer = &ercms.Transfer{Date: handover, CrossingPoint: "GYD", Escorts: 1, NotifiedOn: handover.AddDays(-5), HandoverOn: &handover}
		}
	}
	const batch = 100 // consecutive cases of one state
	for lo := 0; lo < benchCases; lo += 5 * batch {
		byState := map[string][]ercms.NewCase{}
		statuses := map[string][]ercms.State{}
		numbers := map[string][]int{}
		for i := lo; i < min(lo+5*batch, benchCases); i++ {
			st, n, status := benchCase(r, i)
			byState[st] = append(byState[st], n)
			statuses[st] = append(statuses[st], status)
			numbers[st] = append(numbers[st], i)
		}
		for _, st := range []string{"DE", "FR", "AT", "BE", "NL"} {
			ns := byState[st]
			for len(ns) > 0 {
				k := min(batch, len(ns))
				sts, nums := statuses[st][:k], numbers[st][:k]
				_, err := db.BulkCreateCases(ctx, act[officer[st]], ns[:k], func(i int, c *ercms.Case) { adjust(nums[i], c, sts[i]) })
				if err != nil {
					return err
				}
				ns, statuses[st], numbers[st] = ns[k:], statuses[st][k:], numbers[st][k:]
			}
		}
	}
	return nil
}

// prepare finds the actors, the deep cursor and a rare name, and measures
// the baseline.
func (f *benchFixture) prepare() error {
	var err error
	if f.act, err = demo.Actors(ctx, f.db, demo.Azerbaijan()); err != nil {
		return err
	}
	var n int
	if err := f.db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil || n != benchCases {
		return fmt.Errorf("the fixture has %d cases (%v)", n, err)
	}
	if err := f.db.SQL().QueryRowContext(ctx, `SELECT id FROM cases WHERE requested_state = 'AZ' AND status <> 'draft' ORDER BY id DESC LIMIT 1 OFFSET $1`,
		benchCases/2).Scan(&f.deep); err != nil {
		return err
	}
	if err := f.db.SQL().QueryRowContext(ctx, `SELECT reference FROM cases WHERE requested_state = 'AZ' AND status <> 'draft' ORDER BY id DESC LIMIT 1 OFFSET $1`,
		benchCases/2).Scan(&f.ref); err != nil {
		return err
	}
	// A made-up surname that 1 to 5 cases share.
	err = f.db.SQL().QueryRowContext(ctx, `SELECT token FROM case_names WHERE token LIKE '%zada' GROUP BY token HAVING COUNT(*) BETWEEN 1 AND 5 ORDER BY token LIMIT 1`).Scan(&f.rare)
	if err != nil {
		return fmt.Errorf("a rare name: %w", err)
	}
	const rounds = 2000
	start := time.Now()
	for range rounds {
		if err := selectOne(f.db); err != nil {
			return err
		}
	}
	f.baseline = float64(time.Since(start).Nanoseconds()) / rounds
	return nil
}

func selectOne(db *sqldb.DB) error {
	var one int
	return db.SQL().QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// benchEngines are the engines to benchmark here.
func benchEngines() []sqldb.Engine { return []sqldb.Engine{sqldb.SQLite, sqldb.Postgres} }

// benchList benchmarks one list request and reports its time as a multiple
// of the baseline and how many cases a page showed.
func benchList(f *benchFixture, user string, filter sqldb.CaseFilter, wantSome bool) func(*testing.B) {
	return func(b *testing.B) {
		a := f.act[user]
		shown := 0
		for b.Loop() {
			page, err := f.db.ListCases(ctx, a, filter)
			if err != nil {
				b.Fatal(err)
			}
			shown = len(page.Cases)
		}
		if wantSome && shown == 0 {
			b.Fatalf("%s: %+v shows no case", user, filter)
		}
		b.ReportMetric(float64(shown), "cases/op")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/f.baseline, "x-baseline")
	}
}

func benchBaseline(f *benchFixture) func(*testing.B) {
	return func(b *testing.B) {
		for b.Loop() {
			if err := selectOne(f.db); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/f.baseline, "x-baseline")
	}
}

// BenchmarkListCases lists 100,000 cases: the first page, a page deep in
// the keyset, and pages filtered by status, for the central authority (who
// sees every submitted case), a member state, agencies, a consular mission
// and the border crossing point.
func BenchmarkListCases(b *testing.B) {
	for _, e := range benchEngines() {
		b.Run(string(e), func(b *testing.B) {
			f := fixture(b, e)
			b.Run("baseline", benchBaseline(f))
			b.Run("first_page", benchList(f, "sms.officer", sqldb.CaseFilter{}, true))
			b.Run("first_page_member_state", benchList(f, "nl.officer", sqldb.CaseFilter{}, true))
			b.Run("deep_page", benchList(f, "sms.officer", sqldb.CaseFilter{After: f.deep}, true))
			b.Run("status", benchList(f, "sms.officer", sqldb.CaseFilter{Status: []ercms.State{ercms.StateUnderVerification}}, true))
			b.Run("status_and_state", benchList(f, "sms.officer", sqldb.CaseFilter{Status: []ercms.State{ercms.StateExpired}, RequestingState: "NL"}, true))
			b.Run("page_of_200", benchList(f, "sms.officer", sqldb.CaseFilter{Limit: sqldb.MaxPage}, true))
			b.Run("agency", benchList(f, "civil.registry.officer", sqldb.CaseFilter{}, true))
			b.Run("agency_few_tasks", benchList(f, "police.officer", sqldb.CaseFilter{}, true))
			b.Run("consular", benchList(f, "mfa.consul.berlin", sqldb.CaseFilter{}, true))
			b.Run("border", benchList(f, "border.officer", sqldb.CaseFilter{}, true))
		})
	}
}

// BenchmarkSearchCases searches 100,000 cases by name: a Latin prefix, a
// full name in Azerbaijani Latin and in Russian Cyrillic, two names, a rare
// name and one that matches nothing, a reference and a requesting state's
// file number (identifiers: words with a digit), a name one letter off
// (its similar spellings) and a name with a year of birth.
func BenchmarkSearchCases(b *testing.B) {
	for _, e := range benchEngines() {
		b.Run(string(e), func(b *testing.B) {
			f := fixture(b, e)
			b.Run("baseline", benchBaseline(f))
			b.Run("latin_prefix", benchList(f, "sms.officer", sqldb.CaseFilter{Text: "mamm"}, true))
			b.Run("latin_full", benchList(f, "sms.officer", sqldb.CaseFilter{Text: "Məmmədov"}, true))
			b.Run("cyrillic", benchList(f, "sms.officer", sqldb.CaseFilter{Text: "Мамедов"}, true))
			b.Run("two_names", benchList(f, "sms.officer", sqldb.CaseFilter{Text: "Гусейнов Нигар"}, true))
			b.Run("member_state_prefix", benchList(f, "nl.officer", sqldb.CaseFilter{Text: "hus"}, true))
			b.Run("rare", benchList(f, "sms.officer", sqldb.CaseFilter{Text: f.rare}, false))
			b.Run("no_match", benchList(f, "sms.officer", sqldb.CaseFilter{Text: "Zzyzx"}, false))
			b.Run("reference", benchList(f, "sms.officer", sqldb.CaseFilter{Text: f.ref}, true))
			b.Run("file_number", benchList(f, "sms.officer", sqldb.CaseFilter{Text: "B-050000"}, false))
			b.Run("misspelled", benchList(f, "sms.officer", sqldb.CaseFilter{Text: "Mamedof"}, true))
			b.Run("name_and_year", benchList(f, "sms.officer", sqldb.CaseFilter{Text: "Məmmədov 1990"}, false))
		})
	}
}

// TestBulkCreateMatchesCreateCase checks the benchmarks' bulk loader against
// CreateCase: the same application gives the same rows in every table, but
// for the ids and the reference number.
func TestBulkCreateMatchesCreateCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de := act["de.officer"]
		one := createCase(t, db, de, personal("DE-same"))
		ids, err := db.BulkCreateCases(ctx, de, []ercms.NewCase{personal("DE-same"), application("DE-other")}, nil)
		if err != nil || len(ids) != 2 {
			t.Fatalf("bulk: %v %v", err, ids)
		}
		two := readCase(t, db, ids[0])
		if two.Reference != "AZ-DE-2026-00002" || readCase(t, db, ids[1]).Reference != "AZ-DE-2026-00003" {
			t.Errorf("references %s", two.Reference)
		}
		// Rows of the one case, with its ids replaced by names.
		rows := func(c *ercms.Case) string {
			pairs := []string{c.ID, "<case>", c.Reference, "<reference>"}
			for i, f := range c.Family {
				pairs = append(pairs, f.ID, fmt.Sprintf("<family %d>", i))
			}
			for i, e := range c.Evidence {
				pairs = append(pairs, e.ID, fmt.Sprintf("<evidence %d>", i))
			}
			var b strings.Builder
			for _, q := range []string{
				`SELECT * FROM cases WHERE id = $1`,
				`SELECT token, skeleton FROM case_names WHERE case_id = $1 ORDER BY token`,
				`SELECT org_id, kind, status FROM case_tasks WHERE case_id = $1 ORDER BY id`,
				`SELECT kind, task_id, due_on, status FROM case_deadlines WHERE case_id = $1 ORDER BY kind, task_id`,
				`SELECT case_id, at, action, from_status, to_status, actor_id, actor, org_id, note FROM case_events WHERE case_id = $1`,
				`SELECT seq, at, actor_id, actor_username, org_id, action, object_type, object_id, records, purpose, recipient, party_state, details
					FROM audit_events WHERE object_id = $1 AND action = 'case.create'`,
			} {
				b.WriteString(dump(t, db, q, c.ID))
				b.WriteString("--\n")
			}
			return strings.NewReplacer(pairs...).Replace(b.String())
		}
		if a, b := rows(one), rows(two); a != b {
			t.Errorf("CreateCase wrote\n%s\nthe bulk loader\n%s", a, b)
		} else if !strings.Contains(a, "mammadov") || !strings.Contains(a, "case.create") {
			t.Errorf("rows %s", a)
		}
		// CreateCase numbers on after the bulk loader.
		if c := createCase(t, db, de, application("DE-after")); c.Reference != "AZ-DE-2026-00004" {
			t.Errorf("reference after the bulk load: %s", c.Reference)
		}
		// Bulk-loaded cases are found like any other.
		page, err := db.ListCases(ctx, de, sqldb.CaseFilter{Text: "Qasımova"})
		if err != nil || len(page.Cases) != 2 {
			t.Fatalf("search: %v %+v", err, page)
		}
		if _, err := db.SequenceAudit(ctx); err != nil {
			t.Fatal(err)
		}
		if r, err := db.VerifyAudit(ctx); err != nil || !r.OK() {
			t.Fatalf("verify: %v %+v", err, r)
		}
	})
}
