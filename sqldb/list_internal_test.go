package sqldb

import (
	"context"
	"database/sql"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestPrefixEnd(t *testing.T) {
	for p, want := range map[string]string{
		"mamm": "mamn", "a": "b", "ay": "az", "az": "b", "abzz": "ac", "zz": "", "z": "", "": "",
	} {
		if got := prefixEnd(p); got != want {
			t.Errorf("prefixEnd(%q) = %q, want %q", p, got, want)
		}
	}
}

// TestPrefixRangeUnderCollations checks on PostgreSQL that the range
// [p, prefixEnd(p)) selects exactly the words starting with p in byte
// order, the collation of case_names.token, and shows why the column needs
// it: under language collations no such range is right (ICU ignores the
// former bound's "\x7f", and Azerbaijani sorts x between h and i).
func TestPrefixRangeUnderCollations(t *testing.T) {
	url := os.Getenv("ERCMS_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("set ERCMS_TEST_DATABASE_URL to check PostgreSQL collations")
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	words := []string{"a", "b", "ha", "hz", "ia", "ka", "kz", "ma", "mal", "mam", "mama", "mamadov", "mamm", "mammadov", "mammz", "mamn",
		"mamz", "mamzz", "man", "maz", "mazz", "mb", "qa", "xa", "y", "z", "za", "zz", "zza", "zzz"}
	prefixes := []string{"a", "h", "k", "ma", "mam", "mamm", "mamz", "maz", "z", "zz", "zzz"}
	collations := []string{"C"}
	for _, c := range []string{"und-x-icu", "en-x-icu", "az-x-icu", "en_US.utf8"} {
		var ok bool
		if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = $1 AND collencoding IN (-1, pg_char_to_encoding('UTF8')))`, c).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		if ok {
			collations = append(collations, c)
		}
	}
	if len(collations) == 1 {
		t.Log("no language collation on this server: byte order only")
	}
	for _, coll := range collations {
		for _, p := range prefixes {
			var want []string
			for _, w := range words {
				if strings.HasPrefix(w, p) {
					want = append(want, w)
				}
			}
			q := `SELECT w FROM unnest($1::text[]) AS u(w) WHERE w COLLATE "` + coll + `" >= $2 AND ($3 = '' OR w COLLATE "` + coll + `" < $3) ORDER BY w COLLATE "C"`
			rows, err := db.QueryContext(ctx, q, words, p, prefixEnd(p))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for rows.Next() {
				var w string
				if err := rows.Scan(&w); err != nil {
					t.Fatal(err)
				}
				got = append(got, w)
			}
			rows.Close()
			switch {
			case coll == "C" && !slices.Equal(got, want):
				t.Errorf("collation %s, prefix %q: %v, want %v", coll, p, got, want)
			case !slices.Equal(got, want):
				t.Logf("collation %s, prefix %q: the range finds %v, not %v", coll, p, got, want)
			}
			var old int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM unnest($1::text[]) AS u(w) WHERE w COLLATE "`+coll+`" >= $2 AND w COLLATE "`+coll+`" < $3`,
				words, p, p+"\x7f").Scan(&old); err != nil {
				t.Fatal(err)
			}
			if old != len(want) {
				t.Logf("collation %s, prefix %q: the former bound p+\"\\x7f\" finds %d of %d words", coll, p, old, len(want))
			}
		}
	}
}
