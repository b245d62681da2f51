package ercms_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// TestLicenceIsTheOfficialEUPL: the repository carries the official
// English text of the European Union Public Licence v. 1.2, unchanged (its
// SHA-256 is that of the text the European Commission publishes, as SPDX
// keeps it), and the README names the licence and points to the file.
func TestLicenceIsTheOfficialEUPL(t *testing.T) {
	b, err := os.ReadFile("LICENSE")
	if err != nil {
		t.Fatalf("no LICENSE file at the repository root: %v", err)
	}
	text := string(b)
	if !strings.HasPrefix(strings.TrimSpace(text), "EUROPEAN UNION PUBLIC LICENCE v. 1.2\n                      EUPL © the European Union 2007, 2016") {
		t.Errorf("LICENSE does not open with the title of the EUPL v. 1.2: %.80q", text)
	}
	for _, article := range []string{"1. Definitions", "5. Obligations of the Licensee", "15. Applicable Law", "Appendix",
		"- European Union Public Licence (EUPL) v. 1.1, v. 1.2"} {
		if !strings.Contains(text, "\n"+article+"\n") {
			t.Errorf("LICENSE lacks %q", article)
		}
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != "b56930706dd647adc517580349805a3f8fadf5c0d00845efe49b9b7383d367d1" {
		t.Errorf("LICENSE differs from the official text (SHA-256 %s)", got)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "European Union Public Licence v. 1.2 (EUPL-1.2)") || !strings.Contains(string(readme), "(LICENSE)") {
		t.Error("the README does not name the licence and its file")
	}
}
