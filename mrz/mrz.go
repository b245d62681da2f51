// Package mrz writes the machine-readable zone of an emergency travel
// document in the TD3 format of ICAO Doc 9303 (Parts 3, 4 and 8): two lines
// of 44 characters from A–Z, 0–9 and the filler '<', with check digits
// computed with the 7-3-1 weighting.
package mrz

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"

	"github.com/ercms/ercms/names"
)

// LineLength is the length of a TD3 line.
const LineLength = 44

// DocumentCode is the document code of the first line: P for a
// passport-type document, E in second place for the emergency travel
// document (Doc 9303 Part 8 leaves the second character to the issuing
// state).
const DocumentCode = "PE"

// Data is what the zone carries.
type Data struct {
	IssuingState string // ISO 3166-1 alpha-2 (or an ICAO code such as XXA)
	Surname      string // as written, in any script
	GivenNames   string
	Number       string // the document's number
	Nationality  string // ISO 3166-1 alpha-2, XXA for stateless
	BirthYear    int
	BirthMonth   int // 0 when unknown
	BirthDay     int // 0 when unknown
	Sex          string
	ExpiryYear   int
	ExpiryMonth  int
	ExpiryDay    int
}

// CheckDigit returns the Doc 9303 check digit of s: each character's value
// (digits their value, A–Z 10–35, '<' 0) weighted 7, 3, 1 in turn, summed,
// modulo 10.
func CheckDigit(s string) byte {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += value(s[i]) * weights[i%3]
	}
	return byte('0' + sum%10)
}

func value(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 0
}

// Latin returns a name in the characters of the MRZ as the issuing
// state's passports write it (names.ICAO: Ə→A, Ş→S, Ç→C, Ğ→G, I and İ→I,
// Ö→O, Ü→U, Cyrillic by the ICAO table; Doc 9303 Part 3 leaves OE and UE
// as an option), so that the travel document matches the person's
// passport; spaces and hyphens become '<'.
func Latin(s string) string {
	return names.ICAO(norm.NFC.String(s))
}

// Country returns the three-letter code the MRZ prints for an ISO 3166-1
// alpha-2 code: its alpha-3 code, but D for Germany (Doc 9303 Part 3); ICAO
// codes of three letters (XXA stateless, XXB refugee …) pass through.
func Country(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	switch {
	case code == "DE":
		return "D<<"
	case len(code) == 3:
		return code
	}
	if r, err := language.ParseRegion(code); err == nil && r.ISO3() != "ZZZ" {
		return r.ISO3()
	}
	return "XXX"
}

// pad fills s with '<' to n characters, cutting it when longer.
func pad(s string, n int) string {
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat("<", n-len(s))
}

// date writes YYMMDD, unknown parts as "<<".
func date(y, m, d int) string {
	part := func(v int) string {
		if v == 0 {
			return "<<"
		}
		return fmt.Sprintf("%02d", v)
	}
	return fmt.Sprintf("%02d", y%100) + part(m) + part(d)
}

// alnum keeps the letters and digits of s, in capitals.
func alnum(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NameField returns the 39 characters of the name: the primary identifier,
// "<<", the secondary identifier, truncated to fit.
func NameField(surname, given string) string {
	sn, gn := Latin(surname), Latin(given)
	s := sn
	if gn != "" {
		s += "<<" + gn
	}
	return pad(s, 39)
}

// Lines returns the two lines of the zone.
func Lines(d Data) [2]string {
	line1 := DocumentCode + Country(d.IssuingState) + NameField(d.Surname, d.GivenNames)
	num := alnum(d.Number)
	optional := ""
	numField := pad(num, 9)
	numCheck := string(CheckDigit(numField))
	if len(num) > 9 {
		// Doc 9303 Part 4: the rest of a long number goes to the optional
		// data, followed by its check digit, and '<' stands in the number's.
		optional = num[9:] + string(CheckDigit(num))
		numCheck = "<"
	}
	sex := strings.ToUpper(d.Sex)
	if sex != "F" && sex != "M" {
		sex = "<"
	}
	birth := date(d.BirthYear, d.BirthMonth, d.BirthDay)
	expiry := date(d.ExpiryYear, d.ExpiryMonth, d.ExpiryDay)
	optional = pad(optional, 14)
	optCheck := "<"
	if strings.Trim(optional, "<") != "" {
		optCheck = string(CheckDigit(optional))
	}
	line2 := numField + numCheck + Country(d.Nationality) + birth + string(CheckDigit(birth)) + sex +
		expiry + string(CheckDigit(expiry)) + optional + optCheck
	composite := line2[0:10] + line2[13:20] + line2[21:43]
	return [2]string{line1, line2 + string(CheckDigit(composite))}
}

// Valid reports whether the check digits of a TD3 line 2 are right.
func Valid(line2 string) bool {
	if len(line2) != LineLength {
		return false
	}
	ok := func(field string, digit byte) bool {
		return digit == CheckDigit(field) || (digit == '<' && strings.Trim(field, "<") == "")
	}
	numOK := line2[9] == '<' || ok(line2[0:9], line2[9])
	return numOK && ok(line2[13:19], line2[19]) && ok(line2[21:27], line2[27]) &&
		ok(line2[28:42], line2[42]) && line2[43] == CheckDigit(line2[0:10]+line2[13:20]+line2[21:43])
}

// DocumentNumber reads the document number of a TD3 line 2, with the part
// a long number carries in the optional data.
func DocumentNumber(line2 string) string {
	if len(line2) != LineLength {
		return ""
	}
	n := strings.TrimRight(line2[:9], "<")
	if line2[9] == '<' {
		if rest := strings.TrimRight(line2[28:42], "<"); len(rest) > 1 {
			n += rest[:len(rest)-1] // its last character is the check digit
		}
	}
	return n
}

// Expiry reads the date of expiry of a TD3 line 2 as YYYY-MM-DD (this
// century: an emergency travel document is valid for weeks).
func Expiry(line2 string) string {
	if len(line2) != LineLength {
		return ""
	}
	e := line2[21:27]
	return "20" + e[:2] + "-" + e[2:4] + "-" + e[4:6]
}
