// Package demo seeds a demonstration deployment: the organisations and
// accounts of both sides of an agreement and a spread of cases over every
// state of both lifecycles. Seeding is idempotent: a second run finds the
// seed marker and changes nothing.
package demo

import (
	"maps"
	"slices"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
)

// Org is an organisation of the demo with a short key the accounts refer to.
type Org struct {
	Key string
	ercms.Organisation
}

// Account is a demo user.
type Account struct {
	Username    string
	DisplayName string
	OrgKey      string
	Role        ercms.Role
}

// Country is everything a demo deployment of one requested state needs:
// the organisations and accounts of both sides, and what its cases are made
// of. It is data: the code that seeds it names no country.
type Country struct {
	// Code is the requested state (ISO 3166-1 alpha-2); the deployment
	// must serve it (ercms --country).
	Code string
	// Language is the working language of the requested side (that of
	// its cases' texts).
	Language string
	// AccountLanguage is the web application's language every demo account
	// starts with ("" leaves it to the browser); each user may switch.
	AccountLanguage string
	// Orgs lists the organisations; an organisation's ParentID names the Key of another.
	Orgs     []Org
	Accounts []Account
	// Casework is what SeedCases makes the country's cases of.
	Casework Casework
}

// named is an organisation's name in Azerbaijani, English, French and
// Russian; the English one is also its name of record (Organisation.Name).
func named(az, en, fr, ru string) i18n.Texts {
	return i18n.Texts{i18n.AZ: az, i18n.EN: en, i18n.FR: fr, i18n.RU: ru}
}

func org(key string, kind ercms.OrgKind, state string, names i18n.Texts) Org {
	return Org{Key: key, Organisation: ercms.Organisation{Kind: kind, State: state, Name: names[i18n.EN], Names: names}}
}

// mission is a consular mission of state under the ministry parent,
// accredited to member states.
func mission(state, parent, key string, names i18n.Texts, accredited ...string) Org {
	o := org(key, ercms.OrgConsularMission, state, names)
	o.ParentID, o.Accredited = parent, accredited
	return o
}

// agency is a verifying agency of state answering tasks of agencyType.
func agency(state, key, agencyType string, names i18n.Texts) Org {
	o := org(key, ercms.OrgAgency, state, names)
	o.AgencyType = agencyType
	return o
}

// borderPoint is the border organisation at a crossing point of the profile.
func borderPoint(state, key, crossingPoint string, names i18n.Texts) Org {
	o := org(key, ercms.OrgBorderPoint, state, names)
	o.AgencyType, o.CrossingPoint = "border_service", crossingPoint
	return o
}

// oversight is the organisation of the deployment's administrators,
// auditors and analysts.
func oversight(state string) Org {
	return org("oversight", ercms.OrgOversight, state, named(
		"eRCMS-in idarə edilməsi və nəzarəti",
		"eRCMS administration and oversight",
		"Administration et contrôle de l'eRCMS",
		"Администрирование и контроль eRCMS"))
}

// Countries lists the demo deployments by requested state.
var Countries = map[string]func() Country{"AZ": Azerbaijan, "CI": CoteDIvoire}

// CountryCodes lists the codes of Countries, sorted.
func CountryCodes() []string { return slices.Sorted(maps.Keys(Countries)) }
