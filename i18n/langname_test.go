package i18n

import "testing"

// TestLanguageName names the languages of an implementing protocol in the
// reader's language, and leaves a code no one names as it is.
func TestLanguageName(t *testing.T) {
	for _, c := range []struct {
		l          Lang
		code, want string
	}{
		{EN, "de", "German"},
		{FR, "de", "allemand"},
		{RU, "de", "немецкий"},
		{AZ, "de", "alman"},
		{FR, "nl", "néerlandais"},
		{AZ, "en", "ingilis"},
		{EN, "xx1", "xx1"},
		{FR, "", ""},
	} {
		if got := LanguageName(c.l, c.code); got != c.want {
			t.Errorf("LanguageName(%s, %q) = %q, want %q", c.l, c.code, got, c.want)
		}
	}
}
