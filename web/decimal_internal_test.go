package web

import (
	"testing"

	"github.com/ercms/ercms/i18n"
)

// TestFormatDecimal: the dashboard's median is written with the separators
// of the user's language.
func TestFormatDecimal(t *testing.T) {
	cases := []struct {
		l    i18n.Lang
		f    float64
		want string
	}{
		{i18n.EN, 12.5, "12.5"},
		{i18n.AZ, 12.5, "12,5"},
		{i18n.FR, 12.5, "12,5"},
		{i18n.RU, 12.5, "12,5"},
		{i18n.EN, 14, "14"},
		{i18n.RU, 14.0, "14"},
		{i18n.EN, 1234.5, "1,234.5"},
		{i18n.AZ, 1234.5, "1.234,5"},
		{i18n.FR, 1234.5, "1\u202f234,5"},
		{i18n.RU, 1234.5, "1\u00a0234,5"},
		{i18n.EN, 0, "0"},
		{i18n.FR, -2.5, "-2,5"},
	}
	for _, tc := range cases {
		if got := formatDecimal(tc.l, tc.f, 1); got != tc.want {
			t.Errorf("formatDecimal(%s, %v) = %q, want %q", tc.l, tc.f, got, tc.want)
		}
	}
}
