// Package demo seeds a demonstration deployment: the organisations and
// accounts of both sides of an agreement and a spread of cases over every
// state of both lifecycles. Seeding is idempotent: a second run finds the
// seed marker and changes nothing.
package demo

import (
	"maps"
	"slices"

	"github.com/ercms/ercms"
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

func org(key string, kind ercms.OrgKind, state, name string) Org {
	return Org{Key: key, Organisation: ercms.Organisation{Kind: kind, State: state, Name: name}}
}

// mission is a consular mission of state under the ministry parent,
// accredited to member states.
func mission(state, parent, key, name string, accredited ...string) Org {
	o := org(key, ercms.OrgConsularMission, state, name)
	o.ParentID, o.Accredited = parent, accredited
	return o
}

// agency is a verifying agency of state answering tasks of agencyType.
func agency(state, key, agencyType, name string) Org {
	o := org(key, ercms.OrgAgency, state, name)
	o.AgencyType = agencyType
	return o
}

// borderPoint is the border organisation at a crossing point of the profile.
func borderPoint(state, key, crossingPoint, name string) Org {
	o := org(key, ercms.OrgBorderPoint, state, name)
	o.AgencyType, o.CrossingPoint = "border_service", crossingPoint
	return o
}

// Countries lists the demo deployments by requested state.
var Countries = map[string]func() Country{"AZ": Azerbaijan, "CI": CoteDIvoire}

// CountryCodes lists the codes of Countries, sorted.
func CountryCodes() []string { return slices.Sorted(maps.Keys(Countries)) }
