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

// Country is everything a demo deployment of one requested state needs.
type Country struct {
	// Code is the requested state (ISO 3166-1 alpha-2).
	Code string
	// Language is the default user-interface language of the requested side.
	Language string
	Orgs     []Org
	Accounts []Account
}

func org(key string, kind ercms.OrgKind, state, name string) Org {
	return Org{Key: key, Organisation: ercms.Organisation{Kind: kind, State: state, Name: name}}
}

func mission(key, name string, accredited ...string) Org {
	o := org(key, ercms.OrgConsularMission, "AZ", name)
	o.ParentID, o.Accredited = "mfa", accredited
	return o
}

func agency(key, agencyType, name string) Org {
	o := org(key, ercms.OrgAgency, "AZ", name)
	o.AgencyType = agencyType
	return o
}

// Azerbaijan is the demo of the EU–Azerbaijan agreement: the Azerbaijani
// side and the requesting authorities of five member states.
func Azerbaijan() Country {
	border := org("sbs-gyd", ercms.OrgBorderPoint, "AZ", "State Border Service – Heydar Aliyev International Airport")
	border.AgencyType, border.CrossingPoint = "border_service", "GYD"
	return Country{
		Code: "AZ", Language: "az",
		Orgs: []Org{
			org("sms", ercms.OrgCentralAuthority, "AZ", "State Migration Service of the Republic of Azerbaijan"),
			org("mfa", ercms.OrgMinistry, "AZ", "Ministry of Foreign Affairs of the Republic of Azerbaijan"),
			mission("mission-berlin", "Embassy of the Republic of Azerbaijan in Berlin – consular section", "DE"),
			mission("mission-vienna", "Embassy of the Republic of Azerbaijan in Vienna – consular section", "AT"),
			mission("mission-paris", "Embassy of the Republic of Azerbaijan in Paris – consular section", "FR"),
			mission("mission-brussels", "Embassy of the Republic of Azerbaijan in Brussels – consular section", "BE"),
			mission("mission-thehague", "Embassy of the Republic of Azerbaijan in The Hague – consular section", "NL"),
			agency("civil-registry", "civil_registry", "Ministry of Justice – Civil Registry Service"),
			agency("passport-registry", "passport_registry", "Ministry of Internal Affairs – Passport and Registration Department"),
			agency("police", "police", "Ministry of Internal Affairs – Police"),
			border,
			org("oversight", ercms.OrgOversight, "AZ", "eRCMS administration and oversight"),
			org("de", ercms.OrgRequestingAuthority, "DE", "Bundespolizeipräsidium – Rückführung"),
			org("at", ercms.OrgRequestingAuthority, "AT", "Bundesamt für Fremdenwesen und Asyl"),
			org("be", ercms.OrgRequestingAuthority, "BE", "Office des Étrangers / Dienst Vreemdelingenzaken"),
			org("fr", ercms.OrgRequestingAuthority, "FR", "Direction générale des étrangers en France"),
			org("nl", ercms.OrgRequestingAuthority, "NL", "Dienst Terugkeer en Vertrek"),
		},
		Accounts: []Account{
			{"admin", "System Administrator", "oversight", ercms.RoleAdmin},
			{"sms.officer", "Leyla Məmmədova", "sms", ercms.RoleCAOfficer},
			{"sms.supervisor", "Rauf Həsənov", "sms", ercms.RoleCASupervisor},
			{"mfa.consul.berlin", "Elçin Quliyev", "mission-berlin", ercms.RoleConsularOfficer},
			{"mfa.consul.vienna", "Nigar Əliyeva", "mission-vienna", ercms.RoleConsularOfficer},
			{"mfa.consul.paris", "Tural İsmayılov", "mission-paris", ercms.RoleConsularOfficer},
			{"mfa.consul.brussels", "Aynur Babayeva", "mission-brussels", ercms.RoleConsularOfficer},
			{"mfa.consul.thehague", "Kamran Rzayev", "mission-thehague", ercms.RoleConsularOfficer},
			{"civil.registry.officer", "Səbinə Hüseynova", "civil-registry", ercms.RoleAgencyOfficer},
			{"passport.registry.officer", "Orxan Cəfərov", "passport-registry", ercms.RoleAgencyOfficer},
			{"police.officer", "Vüqar Abbasov", "police", ercms.RoleAgencyOfficer},
			{"border.officer", "Fərid Nəsirov", "sbs-gyd", ercms.RoleBorderOfficer},
			{"de.officer", "Anna Schneider", "de", ercms.RoleRequestingOfficer},
			{"de.supervisor", "Thomas Becker", "de", ercms.RoleRequestingSupervisor},
			{"at.officer", "Katharina Gruber", "at", ercms.RoleRequestingOfficer},
			{"be.officer", "Lucas Peeters", "be", ercms.RoleRequestingOfficer},
			{"fr.officer", "Camille Durand", "fr", ercms.RoleRequestingOfficer},
			{"nl.officer", "Sanne de Vries", "nl", ercms.RoleRequestingOfficer},
			{"auditor", "Internal Auditor", "oversight", ercms.RoleAuditor},
			{"dpo", "Data Protection Officer", "oversight", ercms.RoleDPO},
			{"analyst", "Statistics Analyst", "oversight", ercms.RoleAnalyst},
		},
	}
}

// Countries lists the demo deployments by requested state.
var Countries = map[string]func() Country{"AZ": Azerbaijan}

// CountryCodes lists the codes of Countries, sorted.
func CountryCodes() []string { return slices.Sorted(maps.Keys(Countries)) }
