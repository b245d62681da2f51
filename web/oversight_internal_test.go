package web

import (
	"encoding/csv"
	"strings"
	"testing"
)

// TestOversightSafeCell keeps CSV cells from being read as formulas by a
// spreadsheet, and leaves other text as it is.
func TestOversightSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+1":                "'+1",
		"-2+3":              "'-2+3",
		"@SUM(A1)":          "'@SUM(A1)",
		"\t=1":              "'\t=1",
		"sms.officer":       "sms.officer",
		"AZ-2026-000123":    "AZ-2026-000123",
		"Rəhimov = x":       "Rəhimov = x",
		"":                  "",
	} {
		if got := safeCell(in); got != want {
			t.Errorf("safeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOversightExportBound: an export stops at maxExport rows and says so
// in its last line; below the bound every row is written.
func TestOversightExportBound(t *testing.T) {
	var buf strings.Builder
	f := &csvFile{w: csv.NewWriter(&buf), full: "stopped at the bound"}
	n := 0
	for f.add("1", "=x") {
		n++
		if n > maxExport+1 {
			t.Fatal("the export does not stop")
		}
	}
	f.w.Flush()
	rows, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if err != nil || n != maxExport || len(rows) != maxExport+1 {
		t.Fatalf("%d rows added, %d written (%v), want %d and the last line", n, len(rows), err, maxExport)
	}
	if rows[0][1] != "'=x" || rows[maxExport][0] != "stopped at the bound" {
		t.Errorf("first row %q, last %q", rows[0], rows[maxExport])
	}
}
