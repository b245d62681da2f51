package web

import "testing"

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
