package names

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLatin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", "   "},
		// Latin input is unchanged, apart from NFC.
		{"Məmmədov", "Məmmədov"},
		{"MAMMADOV", "MAMMADOV"},
		{"Hu\u0308seynov", "Hüseynov"},
		{"I\u0307smay\u0131lov", "İsmayılov"},
		{"S\u0327u\u0308ku\u0308rova", "Şükürova"},
		{"O'Neil, Seán", "O'Neil, Seán"},
		// Russian Cyrillic: passport romanisation.
		{"Мамедов", "Mamedov"},
		{"Гусейнов", "Guseynov"},
		{"Алиев", "Aliev"},
		{"Рашидов", "Rashidov"},
		{"Гасымов", "Gasymov"},
		{"Джафаров", "Dzhafarov"},
		{"Халилов", "Khalilov"},
		{"Шукюрова", "Shukyurova"},
		{"ШУКЮРОВА", "SHUKYUROVA"},
		{"Назрин", "Nazrin"},
		{"Вюсал", "Vyusal"},
		{"Исмайылов", "Ismayylov"},
		{"Щукин", "Shchukin"},
		{"ЩУКИН", "SHCHUKIN"},
		{"Ж", "Zh"},
		{"Гёзель", "Gyozel"},
		{"Игорь Подъячев", "Igor Podyachev"},
		{"Эльчин", "Elchin"},
		{"Ильхам", "Ilkham"},
		{"Ӣ", "Ī"}, // a letter outside the tables: base letter plus its mark
		// Azerbaijani Cyrillic: the Azerbaijani Latin alphabet.
		{"Мәммәдов", "Məmmədov"},
		{"Һүсејнов", "Hüseynov"},
		{"Әлијев", "Əliyev"},
		{"Рәшидов", "Rəşidov"},
		{"Ҹәфәров", "Cəfərov"},
		{"ҸӘФӘРОВ", "CƏFƏROV"},
		{"Хәлилов", "Xəlilov"},
		{"Шүкүрова", "Şükürova"},
		{"Нәзрин", "Nəzrin"},
		{"Вүсал", "Vüsal"},
		{"Ағајев", "Ağayev"},
		{"Исмајылов", "İsmayılov"},
		{"исмајылов", "ismayılov"},
		{"ИСМАЈЫЛОВ", "İSMAYILOV"},
		{"Илһам", "İlham"},
		{"ИЛҺАМ", "İLHAM"},
		{"Јылдыз", "Yıldız"},
		{"ЈЫЛДЫЗ", "YILDIZ"},
		{"Чинҝиз Гасымов", "Çingiz Qasımov"},
		{"Ҝөзәл", "Gözəl"},
		// Shared letters are Azerbaijani when the string has Azerbaijani evidence.
		{"Гасымов Рәшид", "Qasımov Rəşid"},
		{"Гусейнов Һүсејн", "Guseynov Hüseyn"}, // й: Russian, whatever the other word
		// Other Slavic Cyrillic.
		{"Олександр Шевченко", "Oleksandr Shevchenko"},
		{"Јовановић", "Jovanović"},
		// Mixed scripts in one string.
		{"Məmmədov / Мамедов (MAMMADOV)", "Məmmədov / Mamedov (MAMMADOV)"},
		{"Mамедов", "Mamedov"}, // Latin M among Cyrillic letters
		{"Əli Һүсејн", "Əli Hüseyn"},
		{"محمد Алиев", "محمد Aliev"},
	}
	for _, tt := range tests {
		if got := Latin(tt.in); got != tt.want {
			t.Errorf("Latin(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestICAO(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{" \t\n", ""},
		{"MƏMMƏDOV", "MAMMADOV"},
		{"Məmmədov", "MAMMADOV"},
		{"Мәммәдов", "MAMMADOV"},
		{"Мамедов", "MAMEDOV"},
		{"Гусейнов", "GUSEINOV"},
		{"Hüseynov", "HUSEYNOV"},
		{"Һүсејнов", "HUSEYNOV"},
		{"Hu\u0308seynov", "HUSEYNOV"},
		{"İsmayılov", "ISMAYILOV"},
		{"Исмайылов", "ISMAIYLOV"},
		{"Исмајылов", "ISMAYILOV"},
		{"Джафаров", "DZHAFAROV"},
		{"Шукюрова", "SHUKIUROVA"},
		{"Щукин", "SHCHUKIN"},
		{"Игорь Подъячев", "IGOR<PODIEIACHEV"},
		{"Ёлкин Эдуард Цой Яна", "ELKIN<EDUARD<TSOI<IANA"},
		{"Xəlilov Ağa Bəy oğlu", "XALILOV<AGA<BAY<OGLU"},
		{"Əliyeva-Hüseynova", "ALIYEVA<HUSEYNOVA"},
		{"O'Neil", "ONEIL"},
		{"  Çingiz ,  Şükürova  ", "CINGIZ<SUKUROVA"},
		{"MAMMADOV<<ALI", "MAMMADOV<<ALI"},
		{"MAMMADOV<<ALI<<<<<<<<", "MAMMADOV<<ALI"},
		{"Müller Strauß Øst Ærø Łukasz", "MULLER<STRAUSS<OEST<AEROE<LUKASZ"},
		{"محمد", ""},
	}
	for _, tt := range tests {
		if got := ICAO(tt.in); got != tt.want {
			t.Errorf("ICAO(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   \t\n ", ""},
		{"\u00a0\u2003", ""},
		{"Məmmədov", "mammadov"},
		{"MƏMMƏDOV", "mammadov"},
		{"MAMMADOV", "mammadov"},
		{"Мамедов", "mamedov"},
		{"Мәммәдов", "mammadov"},
		{"Hüseynov", "huseynov"},
		{"Hu\u0308seynov", "huseynov"},
		{"Гусейнов", "guseynov"},
		{"Şükürova", "sukurova"},
		{"S\u0327u\u0308ku\u0308rova", "sukurova"},
		{"Ağa Bəy oğlu", "aga bay oglu"},
		{"Əliyeva-Hüseynova", "aliyeva huseynova"},
		{"  Ağa,  Bəy!! ", "aga bay"},
		{"Qasımov Rəşid", "qasimov rasid"},
		{"Гасымов Рәшид", "qasimov rasid"},
		{"O'Neil", "oneil"},
		{"Gyul’nara", "gyulnara"},
		{"Ali\u00adyev", "aliyev"}, // soft hyphen
		{"Ali2 Vəli", "ali vali"},
		{"Mariä-Ørsted", "maria orsted"},
		{"Straße Łukasz Œdipe", "strasse lukasz oedipe"},
		{"Ｍａｍｍａｄｏｖ", "mammadov"}, // full-width
		{"ﬁruzə", "firuza"},      // ligature
		{"Məmmədov Мамедов MAMMADOV", "mammadov mamedov mammadov"},
		{"محمد Ali", "ali"},
		{"Ǝliyev", "aliyev"}, // reversed E typed for Ə
		{"\xff\xfeAli", "ali"},
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDottedI covers Turkish and Azerbaijani dotted and dotless I, where default
// case mapping goes wrong: strings.ToLower("İ") is "i̇" (i and a combining dot) and
// strings.ToUpper("ı") is "I", so naive folding splits one name into several.
func TestDottedI(t *testing.T) {
	forms := []string{
		"İsmayılov",
		"ISMAYILOV",
		"İSMAYILOV",
		"ismayılov",
		strings.ToLower("İsmayılov"),
		strings.ToUpper("ismayılov"),
		"I\u0307smay\u0131lov",
		"Исмајылов",
		"ИСМАЈЫЛОВ",
	}
	for _, s := range forms {
		if got := Key(s); got != "ismayilov" {
			t.Errorf("Key(%q) = %q, want %q", s, got, "ismayilov")
		}
	}
	forms = append(forms, "Исмайылов", "ИСМАЙЫЛОВ", "Ismailov", "ISMAILOV", "ISMAIYLOV")
	want := Skeleton(forms[0])
	for _, s := range forms {
		if got := Skeleton(s); got != want {
			t.Errorf("Skeleton(%q) = %q, want %q (as for %q)", s, got, want, forms[0])
		}
	}
	if got := ICAO("ismayılov"); got != "ISMAYILOV" {
		t.Errorf("ICAO(ismayılov) = %q", got)
	}
}

// sameName lists spellings of one name, in Azerbaijani Latin, Cyrillic (Russian
// and Azerbaijani), romanised Russian and MRZ form.
var sameName = [][]string{
	{"Məmmədov", "Мамедов", "Mamedov", "MAMMADOV", "Mammadov", "Мәммәдов", "MAMEDOV", "Mammedov"},
	{"Hüseynov", "Гусейнов", "Guseynov", "Huseynov", "HUSEYNOV", "GUSEINOV", "Һүсејнов", "Guseinov", "Husseynov"},
	{"Əliyev", "Алиев", "Aliyev", "Aliev", "ALIEV", "Әлијев", "ALIYEV"},
	{"Rəşidov", "Рашидов", "Rashidov", "RASIDOV", "Рәшидов"},
	{"Qasımov", "Гасымов", "Gasimov", "Kasimov", "Gasymov", "QASIMOV", "Касимов"},
	{"Cəfərov", "Джафаров", "Jafarov", "Dzhafarov", "DZHAFAROV", "Djafarov", "Ҹәфәров", "CAFAROV"},
	{"Xəlilov", "Халилов", "Khalilov", "XALILOV", "Хәлилов"},
	{"Şükürova", "Шукюрова", "Shukurova", "Shukyurova", "SHUKIUROVA", "SUKUROVA", "Шүкүрова"},
	{"Nəzrin", "Назрин", "Nazrin", "NAZRIN", "Нәзрин"},
	{"Vüsal", "Вюсал", "Vusal", "Vyusal", "VIUSAL", "Вүсал"},
	{"Əhmədov", "Ахмедов", "Akhmedov", "AKHMEDOV", "AHMADOV"},
	{"Hacıyev", "Гаджиев", "Gadzhiev", "Hajiyev", "HACIYEV"},
	{"Ağayev", "Агаев", "Agaev", "Aghayev", "AGAYEV"},
	{"Əyyub", "Аюб", "Ayub", "AIUB", "Ayyub"},
	{"Yusif", "Юсиф", "Yusif", "IUSIF", "Јусиф"},
	{"Yaşar", "Яшар", "Yashar", "IASHAR"},
	{"Zeynalov", "Зейналов", "ZEINALOV"},
	{"Gülnarə", "Гюльнара", "Gyulnara", "GIULNARA", "Gul'nara"},
	{"Kəmalə", "Кямаля", "Kyamalya"},
	{"Könül", "Кёнюль", "Kyonyul"},
	{"Gözəl", "Гёзель", "Gyozel"},
	{"Elçin", "Эльчин", "Elchin", "ELCHIN"},
	{"Sevinc", "Севиндж", "Sevindzh"},
	{"Tofiq", "Тофик", "Tofik"},
	{"İlham", "Ильхам", "Ilkham", "ILHAM"},
	{"Həsənov", "Гасанов", "Hasanov", "Gasanov", "Хасанов"},
	{"Məmmədov Əli Hüseyn oğlu", "Мамедов Али Гусейн оглы", "MAMMADOV ALI HUSEYN OGLU", "Mamedov Ali Guseyn ogly"},
	{"Əliyeva Aynur Rəşid qızı", "Алиева Айнур Рашид кызы", "ALIYEVA AYNUR RASHID KIZI"},
}

// differentNames lists pairs of different names that must keep different skeletons.
var differentNames = [][2]string{
	{"Mamedov", "Mehdiyev"},
	{"Məmmədov", "Mehdiyev"},
	{"Мамедов", "Мехтиев"},
	{"Məmmədov", "Məhəmmədov"},
	{"Aliyev", "Alizada"},
	{"Əliyev", "Əlizadə"},
	{"Əliyev", "Vəliyev"},
	{"Aliyev", "Alayev"},
	{"Vəliyev", "Valeyev"},
	{"Hüseynov", "Həsənov"},
	{"Гусейнов", "Гасанов"},
	{"Qasımov", "Quliyev"},
	{"Qasımov", "Həsənov"},
	{"Rəşidov", "Rəhimov"},
	{"Cəfərov", "Səfərov"},
	{"Xəlilov", "Cəlilov"},
	{"Nəzrin", "Nərmin"},
	{"Vüsal", "Vüqar"},
	{"Şükürova", "Şükürov"},
	{"Əhmədov", "Məmmədov"},
	{"Yusif", "Yunis"},
	{"Quliyev", "Qəniyev"},
}

func TestSkeletonSame(t *testing.T) {
	for _, group := range sameName {
		want := Skeleton(group[0])
		if want == "" {
			t.Errorf("Skeleton(%q) is empty", group[0])
		}
		for _, s := range group[1:] {
			if got := Skeleton(s); got != want {
				t.Errorf("Skeleton(%q) = %q, want %q (as for %q)", s, got, want, group[0])
			}
		}
	}
}

func TestSkeletonDifferent(t *testing.T) {
	for _, p := range differentNames {
		a, b := Skeleton(p[0]), Skeleton(p[1])
		if a == b {
			t.Errorf("Skeleton(%q) == Skeleton(%q) == %q, want them different", p[0], p[1], a)
		}
	}
	// No two groups of sameName may meet either.
	seen := map[string]string{}
	for _, group := range sameName {
		sk := Skeleton(group[0])
		if other, ok := seen[sk]; ok {
			t.Errorf("Skeleton(%q) == Skeleton(%q) == %q", group[0], other, sk)
		}
		seen[sk] = group[0]
	}
}

func TestSkeletonValues(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{" \t ", ""},
		{"Məmmədov", "mamadov"},
		{"Hüseynov", "kusainov"},
		{"Əliyev", "aliav"},
		{"Cəfərov", "cafarov"},
		{"Ağa-Bəy", "aka bai"},
		{"Y", "i"},
		{"Yu", "u"},
	}
	for _, tt := range tests {
		if got := Skeleton(tt.in); got != tt.want {
			t.Errorf("Skeleton(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  \t ", nil},
		{"Məmmədov Əli Hüseyn oğlu", []string{"mammadov", "ali", "huseyn", "oglu"}},
		{"Əliyeva-Hüseynova", []string{"aliyeva", "huseynova"}},
		{"Гасымов Рәшид", []string{"qasimov", "rasid"}},
		{"Ali Ali", []string{"ali", "ali"}},
		{"MAMMADOV<<ALI", []string{"mammadov", "ali"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Tokens(tt.in)); diff != "" {
			t.Errorf("Tokens(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

// TestIdempotent checks the stated algebra on the fixed examples.
func TestIdempotent(t *testing.T) {
	for _, group := range sameName {
		for _, s := range group {
			k := Key(s)
			if Key(k) != k {
				t.Errorf("Key(Key(%q)) = %q, want %q", s, Key(k), k)
			}
			if Skeleton(k) != Skeleton(s) {
				t.Errorf("Skeleton(Key(%q)) = %q, want %q", s, Skeleton(k), Skeleton(s))
			}
			sk := Skeleton(s)
			if Skeleton(sk) != sk {
				t.Errorf("Skeleton(Skeleton(%q)) = %q, want %q", s, Skeleton(sk), sk)
			}
			if l := Latin(s); Latin(l) != l {
				t.Errorf("Latin(Latin(%q)) = %q, want %q", s, Latin(l), l)
			}
			if i := ICAO(s); ICAO(i) != i {
				t.Errorf("ICAO(ICAO(%q)) = %q, want %q", s, ICAO(i), i)
			}
		}
	}
}

var benchNames = []string{
	"Məmmədov Əli Hüseyn oğlu",
	"Мамедов Али Гусейнович",
	"MAMMADOV<<ALI",
	"Şükürova Gülnarə",
	"Hu\u0308seynov",
	"Һүсејнов Рәшид",
}

func BenchmarkKey(b *testing.B) {
	for b.Loop() {
		for _, s := range benchNames {
			_ = Key(s)
		}
	}
}

func BenchmarkSkeleton(b *testing.B) {
	for b.Loop() {
		for _, s := range benchNames {
			_ = Skeleton(s)
		}
	}
}
