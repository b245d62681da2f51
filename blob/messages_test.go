package blob_test

import (
	"testing"

	"github.com/ercms/ercms/blob"
	"github.com/ercms/ercms/i18n"
)

// TestMessagesExist checks that the web layer finds a text in every
// language for each kind and each reason of a refusal.
func TestMessagesExist(t *testing.T) {
	c := i18n.Default()
	var keys []string
	for _, k := range blob.Kinds {
		keys = append(keys, k.MessageKey())
	}
	for _, r := range []string{blob.ReasonEmpty, blob.ReasonTooLarge, blob.ReasonBadName,
		blob.ReasonTypeNotAllowed, blob.ReasonCorruptImage, blob.ReasonImageTooLarge} {
		keys = append(keys, "upload.error."+r)
	}
	for _, l := range i18n.Languages {
		for _, k := range keys {
			if !c.Has(l, k) {
				t.Errorf("%s: no message %q", l, k)
			}
		}
	}
}
