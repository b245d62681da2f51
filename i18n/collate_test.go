package i18n

import (
	"slices"
	"testing"
)

func TestSort(t *testing.T) {
	for _, tc := range []struct {
		l    Lang
		in   []string
		want []string
	}{
		{AZ, []string{"Dadaşov", "Çələbi", "Cəfərov"}, []string{"Cəfərov", "Çələbi", "Dadaşov"}},
		{AZ, []string{"Əliyev", "Eyvazov", "Fərəcov", "Dadaşov"}, []string{"Dadaşov", "Eyvazov", "Əliyev", "Fərəcov"}},
		{AZ, []string{"Xəlilov", "İsmayılov", "Hüseynov", "Ibrahimov"}, []string{"Hüseynov", "Xəlilov", "Ibrahimov", "İsmayılov"}},
		{AZ, []string{"Ömərov", "Orucov", "Pənahov"}, []string{"Orucov", "Ömərov", "Pənahov"}},
		{AZ, []string{"Şirinov", "Səmədov", "Tağıyev"}, []string{"Səmədov", "Şirinov", "Tağıyev"}},
		{AZ, []string{"Ümidov", "Usubov", "Vəliyev"}, []string{"Usubov", "Ümidov", "Vəliyev"}},
		{AZ, []string{"Həsənov", "Qasımov", "Kərimov", "Ğ", "Quliyev"}, []string{"Ğ", "Həsənov", "Kərimov", "Qasımov", "Quliyev"}},
		{AZ, []string{"Çaylı", "Cəfərov"}, []string{"Cəfərov", "Çaylı"}},
		// The English (root) order differs: ç is a c with an accent, x follows w.
		{EN, []string{"Çaylı", "Cəfərov"}, []string{"Çaylı", "Cəfərov"}},
		{EN, []string{"Xəlilov", "Ismayilov", "Hüseynov"}, []string{"Hüseynov", "Ismayilov", "Xəlilov"}},
		{AZ, []string{"Xəlilov", "Ismayilov", "Hüseynov"}, []string{"Hüseynov", "Xəlilov", "Ismayilov"}},
		{FR, []string{"Émile", "Eric", "Zoé", "Adèle"}, []string{"Adèle", "Émile", "Eric", "Zoé"}},
		{RU, []string{"Юсупов", "Ёлкин", "Евдокимов", "Жуков", "Алиев"}, []string{"Алиев", "Евдокимов", "Ёлкин", "Жуков", "Юсупов"}},
	} {
		got := slices.Clone(tc.in)
		Sort(tc.l, got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Sort(%s, %q) = %q, want %q", tc.l, tc.in, got, tc.want)
		}
	}
	if Compare(AZ, "Çələbi", "Cəfərov") <= 0 || Compare(AZ, "Çələbi", "Dadaşov") >= 0 || Compare(AZ, "Əliyev", "Eyvazov") <= 0 {
		t.Error("Compare disagrees with the Azerbaijani order")
	}
	if Compare(EN, "a", "a") != 0 || Compare(Lang("xx"), "a", "b") >= 0 {
		t.Error("Compare of equal or unknown-language strings")
	}
}

// TestSortConcurrent runs collators from several goroutines (go test -race).
func TestSortConcurrent(t *testing.T) {
	done := make(chan bool)
	for i := range 8 {
		go func() {
			l := Languages[i%len(Languages)]
			for range 50 {
				s := []string{"Dadaşov", "Çələbi", "Cəfərov"}
				Sort(l, s)
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
}
