package names

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// onlyWords reports whether s is empty or lower-case ASCII words separated by
// single spaces.
func onlyWords(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

func FuzzKey(f *testing.F) {
	for _, group := range sameName {
		for _, s := range group {
			f.Add(s)
		}
	}
	for _, s := range []string{"", " ", "\t\n", "İ", "ı", "I\u0307", "ǅ", "ﬁ", "\xff", "a'b", "<<", "Ӣ", "ӛ Һ", "ЈЫ", "ß", "Ǝ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if !onlyWords(k) {
			t.Fatalf("Key(%q) = %q: not lower-case ASCII words with single spaces", s, k)
		}
		if kk := Key(k); kk != k {
			t.Fatalf("Key(Key(%q)) = %q, want %q", s, kk, k)
		}
		sk := Skeleton(s)
		if !onlyWords(sk) {
			t.Fatalf("Skeleton(%q) = %q: not lower-case ASCII words with single spaces", s, sk)
		}
		if got := Skeleton(k); got != sk {
			t.Fatalf("Skeleton(Key(%q)) = %q, want Skeleton(s) = %q", s, got, sk)
		}
		if got := Skeleton(sk); got != sk {
			t.Fatalf("Skeleton(Skeleton(%q)) = %q, want %q", s, got, sk)
		}
		if len(strings.Fields(sk)) != len(strings.Fields(k)) {
			t.Fatalf("Skeleton(%q) = %q has not the words of Key = %q", s, sk, k)
		}
		if got, want := Tokens(s), strings.Fields(k); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("Tokens(%q) = %q, want %q", s, got, want)
		}
		m := ICAO(s)
		if strings.HasPrefix(m, "<") || strings.HasSuffix(m, "<") || strings.Contains(m, "<<<") {
			t.Fatalf("ICAO(%q) = %q: bad fillers", s, m)
		}
		for i := 0; i < len(m); i++ {
			if c := m[i]; c != '<' && (c < 'A' || c > 'Z') {
				t.Fatalf("ICAO(%q) = %q: not A–Z and <", s, m)
			}
		}
		if got := ICAO(m); got != m {
			t.Fatalf("ICAO(ICAO(%q)) = %q, want %q", s, got, m)
		}
		l := Latin(s)
		if utf8.ValidString(s) {
			if !utf8.ValidString(l) {
				t.Fatalf("Latin(%q) = %q: invalid UTF-8", s, l)
			}
			if got := Latin(l); got != l {
				t.Fatalf("Latin(Latin(%q)) = %q, want %q", s, got, l)
			}
		}
	})
}
