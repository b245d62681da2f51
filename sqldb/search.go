package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/names"
	"github.com/pressly/goose/v3"
)

// A search's text is read word by word (see CaseFilter.Text):
//
//   - a word holding a digit is an identifier (a reference, the requesting
//     state's file number, a document number, a date of birth) and matches
//     only an identifier of a case, exactly, whatever its punctuation and
//     case ("az-de-2026-00042" finds AZ-DE-2026-00042, 12.05.1988 finds a
//     person born on 1988-05-12); a number never matches names;
//   - any other word is a name, matched by the prefix of its Latin key or by
//     its phonetic skeleton (names.Skeleton), the feminine and masculine forms
//     of a surname together (Məmmədova, Mamedov);
//   - punctuation alone (%, _, -) matches nothing.
//
// Every word must match. The whole text also matches an identifier as
// written, so that a file number with spaces ("BAMF 1234/26") finds its case.
// When the exact matches are listed to their end, cases whose names are one
// letter off a name word follow them, marked as similar (Mamedof).

// searchQuery is a search text read into its terms.
type searchQuery struct {
	// tokens holds the name keys of the name words (a hyphenated word gives
	// several).
	tokens []string
	// ids holds the identifier keys of the words holding a digit.
	ids []string
	// whole is the identifier key of the whole text.
	whole string
}

// parseSearch reads a search text.
func parseSearch(text string) searchQuery {
	var q searchQuery
	for _, w := range strings.Fields(text) {
		if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			if k := identifierKey(w); k != "" {
				q.ids = append(q.ids, k)
			}
			continue
		}
		q.tokens = append(q.tokens, names.Tokens(w)...)
	}
	q.whole = identifierKey(text)
	return q
}

// empty reports whether the text holds nothing to match.
func (q searchQuery) empty() bool { return len(q.tokens) == 0 && len(q.ids) == 0 && q.whole == "" }

// identifierKey writes an identifier as the index keeps it: a date of birth
// written day.month.year or day/month/year as year-month-day; anything else
// as its letters and digits, upper case, without spaces or punctuation.
func identifierKey(s string) string {
	s = strings.TrimSpace(s)
	if d, ok := dayMonthYear(s); ok {
		return d
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// dayMonthYear reads a date of birth written with dots, slashes or hyphens,
// day first or year first (12.05.1988, 12/05/1988, 1988-05-12, 05.1988),
// as its key: the ISO form without separators (19880512, 198805), which is
// what identifierKey makes of the ISO form too.
func dayMonthYear(s string) (string, bool) {
	if strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsDigit(r) && r != '.' && r != '/' && r != '-' }) {
		return "", false
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '/' || r == '-' })
	if len(parts) < 2 || len(parts) > 3 {
		return "", false
	}
	if len(parts[0]) == 4 { // year first: reverse to day first
		slices.Reverse(parts)
	}
	y := parts[len(parts)-1]
	key := y
	for i := len(parts) - 2; i >= 0; i-- {
		if len(parts[i]) > 2 {
			return "", false
		}
		key += pad2(parts[i])
	}
	return key, len(y) == 4
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// caseIdentifiers returns the distinct identifier keys of a case: its
// reference, the requesting state's file number, the person's document
// numbers and those of the evidence, the travel document's number, and the
// dates of birth of the person and the family, with their year and month
// and their year (so that "Aliyev 1988" finds an Aliyev born in 1988).
func caseIdentifiers(c *ercms.Case) []string {
	app := &c.Application
	all := []string{c.Reference, c.RequestingReference}
	all = append(all, app.Person.DocumentNumbers...)
	for _, e := range app.Evidence {
		all = append(all, e.Number)
	}
	if td := c.TravelDocument; td != nil {
		all = append(all, td.Number)
	}
	births := []ercms.PartialDate{app.Person.DateOfBirth}
	for _, f := range app.Family {
		births = append(births, f.DateOfBirth)
	}
	for _, d := range births {
		if d.Year == 0 {
			continue
		}
		all = append(all, d.String(), fmt.Sprint(d.Year)) // 1988-05-12 and 1988
		if d.Month != 0 {
			all = append(all, ercms.PartialDate{Year: d.Year, Month: d.Month}.String())
		}
	}
	var out []string
	for _, s := range all {
		if k := identifierKey(s); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// genderForms returns the name key with the other gender's form of a
// Slavic or Azerbaijani surname: Məmmədova's key with mammadov, Aliyev's
// with aliyeva, Pushkin's with pushkina. It works on skeletons too (which
// write ev as av).
func genderForms(tok string) []string {
	for _, suffix := range []string{"ov", "ev", "av", "in", "yn"} {
		switch {
		case strings.HasSuffix(tok, suffix+"a") && len(tok) > len(suffix)+2:
			return []string{tok, tok[:len(tok)-1]}
		case strings.HasSuffix(tok, suffix) && len(tok) > len(suffix)+1:
			return []string{tok, tok + "a"}
		}
	}
	return []string{tok}
}

// skeletons returns the distinct skeletons of the gender forms of a token.
func skeletons(tok string) []string {
	var out []string
	for _, f := range genderForms(tok) {
		if s := names.Skeleton(f); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// spellingVariants returns a skeleton and every string one letter shorter:
// two skeletons one edit apart (a letter changed, added, dropped or two
// swapped) share one of these, which name_variants keeps for every skeleton
// indexed. (So do a few two edits apart, a letter dropped at each end.)
func spellingVariants(skel string) []string {
	out := []string{skel}
	rs := []rune(skel)
	for i := range rs {
		v := string(rs[:i]) + string(rs[i+1:])
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// searchSQL is the set of case ids (column case_id) matching q, or with
// similar the set matching it with the names spelled one letter off each
// name word too (a skeleton of minSimilar letters or more sharing a string
// one letter shorter with one of the word's, through name_variants); arg
// adds a placeholder.
func searchSQL(q searchQuery, similar bool, arg func(any) string) string {
	var sets []string
	for _, tok := range q.tokens {
		byKey := "n.token >= " + arg(tok)
		if end := prefixEnd(tok); end != "" {
			byKey += " AND n.token < " + arg(end)
		}
		skels := skeletons(tok)
		ph := make([]string, len(skels))
		for i, s := range skels {
			ph[i] = arg(s)
		}
		cond := "(" + byKey + ") OR n.skeleton IN (" + strings.Join(ph, ",") + ")"
		if similar && len([]rune(skels[0])) >= minSimilar {
			var vs []string
			for _, s := range skels {
				for _, v := range spellingVariants(s) {
					vs = append(vs, arg(v))
				}
			}
			cond += " OR n.skeleton IN (SELECT v.skeleton FROM name_variants v WHERE v.variant IN (" + strings.Join(vs, ",") + "))"
		}
		sets = append(sets, "SELECT DISTINCT n.case_id FROM case_names n WHERE "+cond)
	}
	for _, id := range q.ids {
		sets = append(sets, "SELECT i.case_id FROM case_identifiers i WHERE i.value = "+arg(id))
	}
	match := strings.Join(sets, " INTERSECT ")
	if q.whole != "" && !similar && !(len(q.ids) == 1 && len(q.tokens) == 0 && q.ids[0] == q.whole) {
		if match != "" {
			match += " UNION "
		}
		match += "SELECT w.case_id FROM case_identifiers w WHERE w.value = " + arg(q.whole)
	}
	return match
}

// minSimilar is the shortest skeleton whose spellings one letter off are
// searched: one letter off a short name is another name.
const minSimilar = 4

// writeIdentifiers indexes the identifiers of a case for search, replacing
// those of an existing case.
func (tx *Tx) writeIdentifiers(ctx context.Context, c *ercms.Case, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM case_identifiers WHERE case_id = $1`, c.ID); err != nil {
			return err
		}
	}
	return insertIdentifiers(ctx, tx, c.ID, caseIdentifiers(c))
}

// execer is what the index writers need of a transaction: the store's, or
// the migration's that fills the index of the cases already kept.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// insertIdentifiers adds identifier keys of a case in one statement.
func insertIdentifiers(ctx context.Context, tx execer, caseID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var rows []string
	args := []any{caseID}
	for _, id := range ids {
		args = append(args, id)
		rows = append(rows, fmt.Sprintf("($1,$%d)", len(args)))
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO case_identifiers (case_id, value) VALUES `+strings.Join(rows, ","), args...)
	return err
}

// insertVariants keeps the spelling variants of skeletons and of their
// other gender's form (so that Mamedof finds Məmmədova), for the search of
// similar names: a list of the spellings indexed, tied to no case.
func insertVariants(ctx context.Context, tx execer, skels []string) error {
	var rows []string
	var args []any
	seen := map[[2]string]bool{}
	for _, s := range skels {
		for _, f := range genderForms(s) {
			for _, v := range spellingVariants(f) {
				if seen[[2]string{v, s}] {
					continue
				}
				seen[[2]string{v, s}] = true
				args = append(args, v, s)
				rows = append(rows, fmt.Sprintf("($%d,$%d)", len(args)-1, len(args)))
			}
		}
	}
	if len(rows) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO name_variants (variant, skeleton) VALUES `+strings.Join(rows, ",")+` ON CONFLICT (variant, skeleton) DO NOTHING`, args...)
	return err
}

// indexMigration returns migration 10, written in Go: it fills the index of
// identifiers and the spellings of names (migration 9) for the cases kept
// before, in the migration's transaction.
func indexMigration() *goose.Migration {
	return goose.NewGoMigration(10, &goose.GoFunc{RunTx: indexKeptCases}, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM name_variants`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM case_identifiers`)
		return err
	}})
}

// keptCase is the id and data of a case a migration reads.
type keptCase struct{ id, data string }

// keptCases calls fn with every case, a thousand cases at a time in the
// order of their ids, for a migration written in Go: the rows of a batch
// are read and closed before fn writes.
func keptCases(ctx context.Context, tx *sql.Tx, fn func([]keptCase) error) error {
	after := ""
	for {
		rows, err := tx.QueryContext(ctx, `SELECT id, data FROM cases WHERE id > $1 ORDER BY id LIMIT 1000`, after)
		if err != nil {
			return err
		}
		var batch []keptCase
		for rows.Next() {
			var k keptCase
			if err := rows.Scan(&k.id, &k.data); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		if err := fn(batch); err != nil {
			return err
		}
		after = batch[len(batch)-1].id
	}
}

// indexKeptCases writes the identifiers of every case, a thousand cases at
// a time, and the spelling variants of every name skeleton already indexed.
func indexKeptCases(ctx context.Context, tx *sql.Tx) error {
	err := keptCases(ctx, tx, func(batch []keptCase) error {
		for _, k := range batch {
			var c ercms.Case
			if err := json.Unmarshal([]byte(k.data), &c); err != nil {
				return fmt.Errorf("case %s: %w", k.id, err)
			}
			c.ID = k.id
			if err := insertIdentifiers(ctx, tx, k.id, caseIdentifiers(&c)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT skeleton FROM case_names`)
	if err != nil {
		return err
	}
	var skels []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		skels = append(skels, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for len(skels) > 0 { // a few hundred rows per statement
		n := min(len(skels), 100)
		if err := insertVariants(ctx, tx, skels[:n]); err != nil {
			return err
		}
		skels = skels[n:]
	}
	return nil
}
