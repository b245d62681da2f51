package i18n

import (
	"slices"
	"testing"

	"github.com/ercms/ercms/civil"
)

func TestPluralForm(t *testing.T) {
	for _, tc := range []struct {
		l    Lang
		n    int
		want string
	}{
		{EN, 0, "other"}, {EN, 1, "one"}, {EN, 2, "other"}, {EN, 21, "other"}, {EN, -1, "one"},
		{AZ, 0, "other"}, {AZ, 1, "one"}, {AZ, 5, "other"},
		{FR, 0, "one"}, {FR, 1, "one"}, {FR, 2, "other"}, {FR, 21, "other"}, {FR, 1000, "other"},
		{FR, 1000000, "many"}, {FR, 3000000, "many"}, {FR, 1000001, "other"}, {FR, -1, "one"},
		{RU, 0, "many"}, {RU, 1, "one"}, {RU, 2, "few"}, {RU, 3, "few"}, {RU, 4, "few"}, {RU, 5, "many"},
		{RU, 10, "many"}, {RU, 11, "many"}, {RU, 12, "many"}, {RU, 14, "many"}, {RU, 15, "many"},
		{RU, 20, "many"}, {RU, 21, "one"}, {RU, 22, "few"}, {RU, 24, "few"}, {RU, 25, "many"},
		{RU, 101, "one"}, {RU, 111, "many"}, {RU, 112, "many"}, {RU, 122, "few"}, {RU, 1001, "one"},
		{RU, -2, "few"}, {Lang("de"), 1, "one"}, {Lang("de"), 2, "other"},
	} {
		if got := PluralForm(tc.l, tc.n); got != tc.want {
			t.Errorf("PluralForm(%s, %d) = %q, want %q", tc.l, tc.n, got, tc.want)
		}
	}
}

// TestPluralFormsComplete checks that pluralForms lists exactly the
// categories PluralForm gives, so that the catalog test asks for the right
// entries.
func TestPluralFormsComplete(t *testing.T) {
	for _, l := range Languages {
		seen := map[string]bool{}
		for n := -1000; n <= 3000; n++ {
			seen[PluralForm(l, n)] = true
		}
		for _, n := range []int{1000000, 2000000, 1000001, 1 << 40} {
			seen[PluralForm(l, n)] = true
		}
		got := slicesSorted(seen)
		want := slices.Sorted(slices.Values(pluralForms(l)))
		if !slices.Equal(got, want) {
			t.Errorf("%s: PluralForm gives %v, pluralForms lists %v", l, got, want)
		}
	}
}

func TestDaysLeft(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		l       Lang
		days    int
		working bool
		want    string
	}{
		{EN, 0, false, "today"},
		{EN, 0, true, "today"},
		{EN, 1, false, "1 day left"},
		{EN, 3, false, "3 days left"},
		{EN, 1, true, "1 working day left"},
		{EN, 3, true, "3 working days left"},
		{EN, -1, false, "overdue by 1 day"},
		{EN, -2, false, "overdue by 2 days"},
		{EN, -2, true, "overdue by 2 working days"},
		{EN, 1500, false, "1,500 days left"},
		{AZ, 0, false, "bu gün"},
		{AZ, 1, false, "1 gün qalıb"},
		{AZ, 3, true, "3 iş günü qalıb"},
		{AZ, -2, false, "müddət 2 gün keçib"},
		{FR, 0, false, "aujourd’hui"},
		{FR, 1, false, "1 jour restant"},
		{FR, 3, false, "3 jours restants"},
		{FR, 1, true, "1 jour ouvrable restant"},
		{FR, -1, false, "en retard de 1 jour"},
		{FR, -2, true, "en retard de 2 jours ouvrables"},
		{FR, 1000000, false, "1\u202f000\u202f000 de jours restants"},
		{RU, 0, false, "сегодня"},
		{RU, 1, false, "остался 1 день"},
		{RU, 2, false, "осталось 2 дня"},
		{RU, 5, false, "осталось 5 дней"},
		{RU, 11, false, "осталось 11 дней"},
		{RU, 21, false, "остался 21 день"},
		{RU, 22, true, "осталось 22 рабочих дня"},
		{RU, 1, true, "остался 1 рабочий день"},
		{RU, -1, false, "просрочено на 1 день"},
		{RU, -3, false, "просрочено на 3 дня"},
		{RU, -12, true, "просрочено на 12 рабочих дней"},
		{RU, 1001, false, "остался 1\u00a0001 день"},
		{Lang("de"), 2, false, "2 days left"},
	} {
		if got := c.DaysLeft(tc.l, tc.days, tc.working); got != tc.want {
			t.Errorf("DaysLeft(%s, %d, %v) = %q, want %q", tc.l, tc.days, tc.working, got, tc.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	d := civil.Date{Year: 2026, Month: 12, Day: 15}
	for _, tc := range []struct {
		l    Lang
		d    civil.Date
		want string
	}{
		{EN, d, "15 December 2026"},
		{AZ, d, "15 dekabr 2026"},
		{FR, d, "15 décembre 2026"},
		{RU, d, "15 декабря 2026"},
		{EN, civil.Date{Year: 2027, Month: 3, Day: 1}, "1 March 2027"},
		{FR, civil.Date{Year: 2027, Month: 3, Day: 1}, "1er mars 2027"},
		{FR, civil.Date{Year: 2027, Month: 8, Day: 2}, "2 août 2027"},
		{RU, civil.Date{Year: 2027, Month: 3, Day: 8}, "8 марта 2027"},
		{RU, civil.Date{Year: 2027, Month: 5, Day: 9}, "9 мая 2027"},
		{AZ, civil.Date{Year: 2027, Month: 8, Day: 31}, "31 avqust 2027"},
		{AZ, civil.Date{Year: 2026, Month: 5, Day: 28}, "28 may 2026"},
		{Lang("de"), d, "15 December 2026"},
		{EN, civil.Date{}, ""},
	} {
		if got := FormatDate(tc.l, tc.d); got != tc.want {
			t.Errorf("FormatDate(%s, %v) = %q, want %q", tc.l, tc.d, got, tc.want)
		}
	}
	for _, l := range Languages {
		for m := 1; m <= 12; m++ {
			if monthNames[l][m-1] == "" {
				t.Errorf("%s: no name for month %d", l, m)
			}
		}
	}
}

func TestFormatNumber(t *testing.T) {
	for _, tc := range []struct {
		l    Lang
		n    int64
		want string
	}{
		{EN, 0, "0"},
		{EN, 7, "7"},
		{EN, 999, "999"},
		{EN, 1000, "1,000"},
		{EN, 12345, "12,345"},
		{EN, 1234567, "1,234,567"},
		{EN, -12345, "-12,345"},
		{AZ, 12345, "12.345"},
		{AZ, 1700, "1.700"},
		{FR, 12345, "12\u202f345"},
		{FR, 1234567, "1\u202f234\u202f567"},
		{RU, 12345, "12\u00a0345"},
		{RU, -100000, "-100\u00a0000"},
		{EN, -9223372036854775808, "-9,223,372,036,854,775,808"},
		{EN, 9223372036854775807, "9,223,372,036,854,775,807"},
		{Lang("xx"), 12345, "12,345"},
	} {
		if got := FormatNumber(tc.l, tc.n); got != tc.want {
			t.Errorf("FormatNumber(%s, %d) = %q, want %q", tc.l, tc.n, got, tc.want)
		}
	}
}
