package ercms

import (
	"slices"
	"time"

	"github.com/ercms/ercms/i18n"
)

// Role is what a user may do; each user has exactly one role.
type Role string

// The roles of LIFECYCLE.md.
const (
	RoleRequestingOfficer    Role = "requesting_officer"
	RoleRequestingSupervisor Role = "requesting_supervisor"
	RoleCAOfficer            Role = "ca_officer"
	RoleCASupervisor         Role = "ca_supervisor"
	RoleAgencyOfficer        Role = "agency_officer"
	RoleConsularOfficer      Role = "consular_officer"
	RoleBorderOfficer        Role = "border_officer"
	RoleAdmin                Role = "admin"
	RoleAuditor              Role = "auditor"
	RoleDPO                  Role = "dpo"
	RoleAnalyst              Role = "analyst"
	RoleSystem               Role = "system"
)

// Roles lists every role a user account may hold (system is not one of them).
var Roles = []Role{
	RoleRequestingOfficer, RoleRequestingSupervisor, RoleCAOfficer, RoleCASupervisor,
	RoleAgencyOfficer, RoleConsularOfficer, RoleBorderOfficer, RoleAdmin, RoleAuditor, RoleDPO, RoleAnalyst,
}

// OrgKind is the kind of an organisation; it decides which roles its users may hold.
type OrgKind string

// Organisation kinds.
const (
	OrgRequestingAuthority OrgKind = "requesting_authority" // a member state's competent authority
	OrgCentralAuthority    OrgKind = "central_authority"    // the requested state's central authority (Azerbaijan: SMS)
	OrgMinistry            OrgKind = "ministry"             // e.g. the Ministry of Foreign Affairs (parent of missions)
	OrgConsularMission     OrgKind = "consular_mission"     // an embassy or consulate accredited to member states
	OrgAgency              OrgKind = "agency"               // a verifying agency: civil registry, passport registry, police
	OrgBorderPoint         OrgKind = "border_point"         // a border crossing point
	OrgOversight           OrgKind = "oversight"            // auditors, data protection, statistics, administration
)

// OrgKinds lists the organisation kinds.
var OrgKinds = []OrgKind{OrgRequestingAuthority, OrgCentralAuthority, OrgMinistry, OrgConsularMission, OrgAgency, OrgBorderPoint, OrgOversight}

// allowedRoles says which roles the users of each kind of organisation may hold.
var allowedRoles = map[OrgKind][]Role{
	OrgRequestingAuthority: {RoleRequestingOfficer, RoleRequestingSupervisor, RoleAdmin},
	OrgCentralAuthority:    {RoleCAOfficer, RoleCASupervisor, RoleAdmin, RoleAnalyst},
	OrgMinistry:            {RoleAdmin, RoleAnalyst},
	OrgConsularMission:     {RoleConsularOfficer},
	OrgAgency:              {RoleAgencyOfficer},
	OrgBorderPoint:         {RoleBorderOfficer},
	OrgOversight:           {RoleAdmin, RoleAuditor, RoleDPO, RoleAnalyst},
}

// RoleAllowed reports whether a user of an organisation of kind k may hold role r.
func RoleAllowed(k OrgKind, r Role) bool { return slices.Contains(allowedRoles[k], r) }

// Organisation is a body taking part in the system. Every organisation
// belongs to one state (ISO 3166-1 alpha-2).
type Organisation struct {
	ID   string  `json:"id"`
	Kind OrgKind `json:"kind"`
	// Name is the organisation's name as first entered; it names the
	// organisation in a language Names has no text for (organisations
	// created before names per language keep only this one).
	Name string `json:"name"`
	// Names is the organisation's name in each language it is known in.
	Names i18n.Texts `json:"names,omitempty"`
	State string     `json:"state"`
	// ParentID links a consular mission to its ministry, for example.
	ParentID string `json:"parent_id,omitempty"`
	// AgencyType names what a verifying agency is (civil_registry, passport_registry, police, border_service).
	AgencyType string `json:"agency_type,omitempty"`
	// Accredited lists the member states a consular mission serves.
	Accredited []string `json:"accredited,omitempty"`
	// CrossingPoint is the code of a border crossing point organisation (e.g. GYD).
	CrossingPoint string `json:"crossing_point,omitempty"`
	Disabled      bool   `json:"disabled,omitempty"`
}

// NameIn names the organisation in the reader's language l: its name in l,
// else its English name, else its name of record (Name).
func (o Organisation) NameIn(l i18n.Lang) string { return o.Names.Or(l, o.Name) }

// User is a person (or, with Service set, a member state's system) who signs in.
type User struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	OrgID       string `json:"organisation_id"`
	Role        Role   `json:"role"`
	Service     bool   `json:"service,omitempty"`
	Disabled    bool   `json:"disabled,omitempty"`
	// Status says whether the account may sign in: active, or pending a
	// second person's confirmation of its role, or refused (GrantNeedsConfirmation).
	Status    AccountStatus `json:"status"`
	Language  string        `json:"language,omitempty"`
	CreatedAt time.Time     `json:"created_at"`
}

// AccountStatus is where an account stands in the grant of its role.
type AccountStatus string

// Account statuses: only an active account signs in.
const (
	AccountActive  AccountStatus = "active"
	AccountPending AccountStatus = "pending"
	AccountRefused AccountStatus = "refused"
)

// Actor is who performs an operation: the user with their organisation, as
// resolved from a session or an API token. Every store call takes one.
type Actor struct {
	UserID   string
	Username string
	Role     Role
	Org      Organisation
	// Language is the user's chosen language of the web application ("" when not chosen).
	Language string
	// SessionID is the opaque id of the session or API token the actor
	// came with ("" for the command line and timed actions).
	SessionID string
	// ReadOnly tells that the actor came with an API token that may only
	// read: the API refuses it every request that is not a GET.
	ReadOnly bool
}

// SystemActor is the actor of timed actions (deemed approval, expiry).
func SystemActor() Actor {
	return Actor{UserID: "", Username: "system", Role: RoleSystem}
}

// IsRequesting reports whether the actor works for a requesting (member-state) authority.
func (a Actor) IsRequesting() bool {
	return a.Role == RoleRequestingOfficer || a.Role == RoleRequestingSupervisor
}

// IsCA reports whether the actor works for the requested state's central authority.
func (a Actor) IsCA() bool { return a.Role == RoleCAOfficer || a.Role == RoleCASupervisor }

// Session is a signed-in session or API token resolved to its user.
type Session struct {
	Token     string    `json:"token"`
	UserID    string    `json:"-"`
	ExpiresAt time.Time `json:"expires_at"`
	// SecondFactor is "" for a session signed in, else what its user must
	// still do before it is: FactorVerify or FactorEnrol. Such a session
	// opens only the pages of the second factor.
	SecondFactor string `json:"-"`
}

// What a session opened by a right password still waits for.
const (
	// FactorVerify: a code of the user's authenticator app, a recovery
	// code, or the user's passkey.
	FactorVerify = "verify"
	// FactorEnrol: the user must set up a second factor first.
	FactorEnrol = "enrol"
)

// NeedsSecondFactor reports whether the role reads personal data or
// administers the deployment, so that where the deployment's policy
// requires it, its users sign in with a second factor. The analyst reads
// anonymised statistics only; a service account uses API tokens.
func (r Role) NeedsSecondFactor() bool {
	return r != RoleAnalyst && r != RoleSystem
}
