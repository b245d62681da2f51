package names

import "testing"

func TestUpper(t *testing.T) {
	for _, tc := range []struct {
		surname, nationality, want string
	}{
		{"Rəhimov", "", "RƏHİMOV"},       // ə marks an Azerbaijani name
		{"Rəhimov", "DE", "RƏHİMOV"},     // whatever the nationality
		{"Aliyev", "AZ", "ALİYEV"},       // an Azerbaijani national
		{"aliyev", "az", "ALİYEV"},       // codes in any case
		{"Aliyev", "RU", "ALIYEV"},       // a Russian national's romanised name
		{"Yılmaz", "", "YILMAZ"},         // dotless ı
		{"Işık", "", "IŞIK"},             // dotless upper I stays I
		{"Demir", "TR", "DEMİR"},         // a Turkish national
		{"Doğan", "", "DOĞAN"},           // ğ
		{"Şahin", "", "ŞAHİN"},           // ş
		{"İsmayılov", "", "İSMAYILOV"},   // İ
		{"Giorgadze", "GE", "GIORGADZE"}, // Georgian: default casing
		{"Giorgadze", "", "GIORGADZE"},   // whatever the page's language
		{"Ghasemi", "IR", "GHASEMI"},     // Iranian
		{"Konan", "CI", "KONAN"},         // Côte d'Ivoire
		{"Kouassi-Ouédraogo", "CI", "KOUASSI-OUÉDRAOGO"},
		{"Keïta", "ML", "KEÏTA"},
		{"Straße", "DE", "STRASSE"}, // Unicode default casing
		{"Иванов", "RU", "ИВАНОВ"},  // Cyrillic
		{"ბერიძე", "GE", "ბერიძე"},  // no case in Georgian script
		{"حسینی", "IR", "حسینی"},    // nor in Arabic script
		{"", "AZ", ""},
		{"O'Brien", "IE", "O'BRIEN"},
		{"\xff", "", "\xff"}, // invalid UTF-8 does not panic
	} {
		if got := Upper(tc.surname, tc.nationality); got != tc.want {
			t.Errorf("Upper(%q, %q) = %q, want %q", tc.surname, tc.nationality, got, tc.want)
		}
	}
}
