package mrz

import "testing"

// The specimen of Doc 9303 Part 4 (Anna Maria Eriksson, Utopia).
func TestSpecimen(t *testing.T) {
	l := Lines(Data{IssuingState: "UTO", Surname: "Eriksson", GivenNames: "Anna Maria", Number: "L898902C3", Nationality: "UTO",
		BirthYear: 1974, BirthMonth: 8, BirthDay: 12, Sex: "F", ExpiryYear: 2012, ExpiryMonth: 4, ExpiryDay: 15})
	if want := "PEUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"; l[0] != want {
		t.Errorf("line 1 = %q, want %q", l[0], want)
	}
	if want := "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<<8"; l[1] != want {
		t.Errorf("line 2 = %q, want %q", l[1], want)
	}
	if !Valid("L898902C36UTO7408122F1204159ZE184226B<<<<<10") {
		t.Error("the specimen's line 2 is not valid")
	}
	if Valid("L898902C36UTO7408122F1204159ZE184226B<<<<<11") || Valid("L898902C37UTO7408122F1204159ZE184226B<<<<<10") {
		t.Error("a wrong check digit passes")
	}
}

func TestLatin(t *testing.T) {
	for in, want := range map[string]string{
		"Məmmədova":         "MAMMADOVA",
		"Şükürov Çingiz":    "SUKUROV<CINGIZ",
		"Ağa İsmayıl Gökçe": "AGA<ISMAYIL<GOKCE",
		"Мамедов":           "MAMEDOV",
	} {
		if got := Latin(in); got != want {
			t.Errorf("Latin(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLines(t *testing.T) {
	l := Lines(Data{IssuingState: "AZ", Surname: "Məmmədova-Hüseynova", GivenNames: "Günay Şəhla", Number: "ETD-2026/0001234", Nationality: "AZ",
		BirthYear: 1990, Sex: "X", ExpiryYear: 2027, ExpiryMonth: 1, ExpiryDay: 6})
	for i, s := range l {
		if len(s) != LineLength {
			t.Fatalf("line %d has %d characters: %q", i+1, len(s), s)
		}
	}
	if want := "PEAZEMAMMADOVA<HUSEYNOVA<<GUNAY<SAHLA<<<<<<<"; l[0] != want {
		t.Errorf("line 1 = %q, want %q", l[0], want)
	}
	if l[1][:10] != "ETD202600<" || l[1][13:20] != "90<<<<3" || l[1][20] != '<' {
		t.Errorf("line 2 = %q: long number, unknown month and day, sex X", l[1])
	}
	if !Valid(l[1]) {
		t.Errorf("line 2 %q has a wrong check digit", l[1])
	}
	if got := Country("DE"); got != "D<<" {
		t.Errorf("Germany = %q", got)
	}
	if got := Country("FR"); got != "FRA" {
		t.Errorf("France = %q", got)
	}
}

func TestReadLine2(t *testing.T) {
	short := Lines(Data{Number: "RC-0042", ExpiryYear: 2026, ExpiryMonth: 7, ExpiryDay: 3})[1]
	long := Lines(Data{Number: "ETD-2026/0001234", ExpiryYear: 2027, ExpiryMonth: 1, ExpiryDay: 6})[1]
	if got := DocumentNumber(short); got != "RC0042" {
		t.Errorf("number of %q = %q", short, got)
	}
	if got := DocumentNumber(long); got != "ETD20260001234" {
		t.Errorf("number of %q = %q", long, got)
	}
	if got := Expiry(short); got != "2026-07-03" {
		t.Errorf("expiry of %q = %q", short, got)
	}
	if DocumentNumber("short") != "" || Expiry("short") != "" {
		t.Error("a short line was read")
	}
}
