package i18n_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// adapterDirs are the packages of the adapters whose messages are in the
// area "api": the web layer, the documents, the upload checks and the
// deadline rules.
var adapterDirs = []string{"web", "pdf", "blob", "deadline"}

// TestAdapterMessagesTranslated does for the adapters what
// TestErrorMessagesTranslated does for the root package: every message key
// their non-test source gives renders in every language with its arguments
// and is not English in az, fr or ru. Every key of the area "api" is
// rendered too, with the arguments its English text names, and must be
// used by the adapters' source (a key written nowhere is a leftover).
func TestAdapterMessagesTranslated(t *testing.T) {
	keys := map[string][]keyUse{}
	var src strings.Builder
	for _, dir := range adapterDirs {
		for k, uses := range packageKeys(t, filepath.Join("..", dir)) {
			keys[k] = append(keys[k], uses...)
		}
		files, _ := filepath.Glob(filepath.Join("..", dir, "*.go"))
		for _, f := range files {
			if !strings.HasSuffix(f, "_test.go") {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				src.Write(b)
			}
		}
	}
	b, err := os.ReadFile(filepath.Join("messages", "api", "en.json"))
	if err != nil {
		t.Fatal(err)
	}
	var area map[string]string
	if err := json.Unmarshal(b, &area); err != nil {
		t.Fatal(err)
	}
	if len(area) < 50 {
		t.Fatalf("the area api holds %d keys: the file is not the one the adapters use", len(area))
	}
	for k, text := range area {
		if !strings.Contains(src.String(), `"`+k+`"`) {
			t.Errorf("messages/api: %s is used nowhere in %v", k, adapterDirs)
		}
		use := keyUse{where: "messages/api/en.json"}
		for _, p := range leftPlaceholder.FindAllString(text, -1) {
			use.args = append(use.args, strings.Trim(p, "{}"))
		}
		keys[k] = append(keys[k], use)
	}
	checkKeysTranslated(t, keys)
}
