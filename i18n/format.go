package i18n

import (
	"strconv"
	"strings"

	"github.com/ercms/ercms/civil"
)

// PluralForm returns the CLDR plural category of the integer n in l
// (cardinal numbers; the sign is ignored):
//
//   - az, en: "one" for 1, "other" otherwise;
//   - fr: "one" for 0 and 1, "many" for non-zero multiples of a million
//     ("1 000 000 de jours"), "other" otherwise;
//   - ru: "one" for 1, 21, 31, … but not 11; "few" for 2–4, 22–24, … but
//     not 12–14; "many" for the rest (0, 5–20, 25–30, …, 111).
//
// Any other language follows the English rule.
func PluralForm(l Lang, n int) string {
	u := uint64(n)
	if n < 0 {
		u = uint64(^n) + 1
	}
	switch l {
	case FR:
		switch {
		case u <= 1:
			return "one"
		case u%1000000 == 0:
			return "many"
		}
		return "other"
	case RU:
		switch d, dd := u%10, u%100; {
		case d == 1 && dd != 11:
			return "one"
		case d >= 2 && d <= 4 && (dd < 12 || dd > 14):
			return "few"
		}
		return "many"
	}
	if u == 1 {
		return "one"
	}
	return "other"
}

// pluralForms lists the categories PluralForm gives for the integers of l:
// the entries every plural message must have in l.
func pluralForms(l Lang) []string {
	switch l.or() {
	case FR:
		return []string{"one", "many", "other"}
	case RU:
		return []string{"one", "few", "many"}
	}
	return []string{"one", "other"}
}

// monthNames are the month names as written in a date: lower case except in
// English, Russian in the genitive ("15 декабря").
var monthNames = map[Lang][12]string{
	EN: {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	AZ: {"yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avqust", "sentyabr", "oktyabr", "noyabr", "dekabr"},
	FR: {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	RU: {"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"},
}

// FormatDate writes a civil date out in l, day month year: "15 December
// 2026", "15 dekabr 2026", "15 décembre 2026", "15 декабря 2026". French
// writes the first day of a month as "1er" ("1er mars 2027"). The zero date
// gives "", and a date with an impossible month its ISO form.
func FormatDate(l Lang, d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	if d.Month < 1 || d.Month > 12 {
		return d.String()
	}
	l = l.or()
	day := strconv.Itoa(d.Day)
	if l == FR && d.Day == 1 {
		day = "1er"
	}
	return day + " " + monthNames[l][d.Month-1] + " " + strconv.Itoa(d.Year)
}

// groupSeparators are the CLDR thousands separators: a comma in English, a
// full stop in Azerbaijani, a narrow no-break space (U+202F) in French and a
// no-break space (U+00A0) in Russian.
var groupSeparators = map[Lang]string{EN: ",", AZ: ".", FR: "\u202f", RU: "\u00a0"}

// FormatNumber writes an integer with the thousands separator of l: en
// "12,345", az "12.345", fr "12 345" (U+202F), ru "12 345" (U+00A0).
// Negative numbers start with a hyphen-minus.
func FormatNumber(l Lang, n int64) string {
	u := uint64(n)
	if n < 0 {
		u = uint64(^n) + 1
	}
	digits := strconv.FormatUint(u, 10)
	sep := groupSeparators[l.or()]
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
	}
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for i := first; i < len(digits); i += 3 {
		b.WriteString(sep)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Bytes is a size in bytes given as the argument of a message; FormatArg
// writes it as FormatBytes does.
type Bytes int64

// FormatBytes writes a file size for people: "850 KB", "2.4 MB" (with the
// decimal sign of the language).
func FormatBytes(l Lang, n int64) string {
	switch {
	case n < 1<<10:
		return FormatNumber(l, n) + " B"
	case n < 1<<20:
		return FormatNumber(l, (n+1<<9)>>10) + " KB"
	}
	tenths := (n*10 + 1<<19) >> 20
	whole := FormatNumber(l, tenths/10)
	if tenths%10 == 0 {
		return whole + " MB"
	}
	sep := "."
	if l.or() != EN {
		sep = ","
	}
	return whole + sep + strconv.FormatInt(tenths%10, 10) + " MB"
}
