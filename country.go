package ercms

import (
	"slices"
	"strings"
)

// Codes of a nationality that is no state's (ICAO Doc 9303 Part 3): they
// stand where a travel document writes its three-letter code.
const (
	// CountryStateless is a stateless person (1954 Convention).
	CountryStateless = "XXA"
	// CountryRefugee is a refugee under the 1951 Convention.
	CountryRefugee = "XXB"
	// CountryRefugeeOther is a refugee other than under the 1951 Convention.
	CountryRefugeeOther = "XXC"
	// CountryUnspecified is a nationality not specified or not known.
	CountryUnspecified = "XXX"
)

// isoCountries are the codes of ISO 3166-1 alpha-2 officially assigned
// (249 countries and territories).
var isoCountries = strings.Fields(`
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW`)

// FormerCountries are the codes of former states whose documents a person
// may still hold, Soviet-era ones above all (ISO 3166-3): SU the USSR, YU
// Yugoslavia, and CS Czechoslovakia, the meaning CS had from 1974 to 1993
// (it named Serbia and Montenegro only from 2003 to 2006, whose passports
// a person now holds as RS or ME).
var FormerCountries = []string{"CS", "SU", "YU"}

// NoStateCountries are the ICAO codes of a nationality that is no state's.
var NoStateCountries = []string{CountryStateless, CountryRefugee, CountryRefugeeOther, CountryUnspecified}

// countries is every code a country field takes, sorted.
var countries = func() []string {
	all := slices.Concat(isoCountries, FormerCountries, NoStateCountries)
	slices.Sort(all)
	return all
}()

// Countries returns every code a country field of the application takes:
// ISO 3166-1 alpha-2, the former states (FormerCountries) and ICAO's codes
// of no state (NoStateCountries), sorted by code.
func Countries() []string { return slices.Clone(countries) }

// IsCountry reports whether code is one of Countries (upper case).
func IsCountry(code string) bool {
	_, ok := slices.BinarySearch(countries, code)
	return ok
}
