package ercms

import "slices"

// ViewFor returns what actor a may read of case c (data minimisation,
// DOMAIN.md §7): the parties to the case (the requesting authority and the
// central authority) and the system see all of it; the organisations that
// only do one piece of the work see the fields that piece needs and nothing
// more:
//
//   - a verifying agency sees the person's identity particulars (names in
//     every script, sex, date and place of birth, nationality, parents, last
//     address, document numbers), the family members' identities, the
//     evidence without the officers' notes, and only its own tasks and their
//     clocks; never health data, special circumstances, the decision or the
//     transfer;
//   - a consular mission sees the same, plus what an interview and a travel
//     document need: the physical description, languages, civil status,
//     whether the person is a minor, the decision's outcome and the family
//     members it covers, and the travel document;
//   - a border crossing point sees the identity particulars, the travel
//     document, the transfer (escorts, security measures, special needs), the
//     decision's outcome, covered family and the assistance granted with a transit, and of the special
//     circumstances only what the handover needs (medical escort, contagious
//     disease, security risk, minor), with the transfer's timeline entries;
//     of a case whose arrival was cancelled (withdrawn or expired), a stub
//     only (arrivalStub).
//
// The requesting state sees the whole case but for the requested state's
// internal targets: the clocks of its tasks (a verification task's target,
// say) and the tasks' due dates.
//
// The case itself is not changed; c must be the whole case as stored.
// Actions always run on the whole case; only what is returned is trimmed.
func ViewFor(a Actor, c *Case) *Case {
	switch a.Role {
	case RoleAgencyOfficer, RoleConsularOfficer, RoleBorderOfficer:
	case RoleRequestingOfficer, RoleRequestingSupervisor:
		return withoutTargets(c)
	default:
		return c
	}
	v := &Case{
		ID: c.ID, Reference: c.Reference, Type: c.Type, Status: c.Status, Version: c.Version,
		ProfileID: c.ProfileID, ProfileVersion: c.ProfileVersion,
		RequestedState: c.RequestedState, RequestingState: c.RequestingState, RequestingOrgID: c.RequestingOrgID,
		RequestingReference: c.RequestingReference, Procedure: c.Procedure, Category: c.Category,
		NoApplication: c.NoApplication, WithoutNotification: c.WithoutNotification, ReceivedOn: c.ReceivedOn, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		Deadlines: []Deadline{},
	}
	p := c.Person
	v.Person = Person{
		Surname: p.Surname, GivenNames: p.GivenNames, OriginalScript: p.OriginalScript, OtherNames: p.OtherNames,
		Sex: p.Sex, DateOfBirth: p.DateOfBirth, PlaceOfBirth: p.PlaceOfBirth, Nationality: p.Nationality,
		PreviousNation: p.PreviousNation, FatherName: p.FatherName, MotherName: p.MotherName,
		LastAddress: p.LastAddress, DocumentNumbers: p.DocumentNumbers, HasPhoto: p.HasPhoto,
	}
	v.Family = c.Family
	for _, e := range c.Evidence {
		e.Note = ""
		v.Evidence = append(v.Evidence, e)
	}
	switch a.Role {
	case RoleAgencyOfficer:
		v.Person.HasPhoto = false
		v.ownTasks(a, c)
	case RoleConsularOfficer:
		v.Person.Description, v.Person.Languages, v.Person.CivilStatus = p.Description, p.Languages, p.CivilStatus
		v.Special = Special{Minor: c.Special.Minor}
		v.Decision = decisionOutcome(c.Decision)
		v.TravelDocument = c.TravelDocument
		v.ownTasks(a, c)
	case RoleBorderOfficer:
		if c.Status == StateWithdrawn || c.Status == StateExpired {
			return arrivalStub(c)
		}
		v.Person.Description = p.Description
		v.Special = Special{Minor: c.Special.Minor, MedicalEscort: c.Special.MedicalEscort,
			ContagiousDisease: c.Special.ContagiousDisease, SecurityRisk: c.Special.SecurityRisk}
		v.Decision = decisionOutcome(c.Decision)
		if v.Decision != nil {
			v.Decision.Assistance = c.Decision.Assistance // what the crossing point provides with a transit
		}
		v.TravelDocument = c.TravelDocument
		v.Transfer = c.Transfer
		if c.Transit != nil {
			v.Transit = c.Transit
		}
		for _, e := range c.Timeline {
			if readsText, ok := borderTimeline[e.Action]; ok {
				if !readsText {
					e.Text, e.Codes = "", nil
				}
				v.Timeline = append(v.Timeline, e)
			}
		}
	}
	return v
}

// borderTimeline lists the actions whose timeline entries a border crossing
// point reads (the transfer or transit it must receive) and whether it reads
// what the actor wrote with them: not the grounds of a revoked transit,
// which are the decision's (a criminal charge in the transit state, say).
var borderTimeline = map[string]bool{ActNotifyTransfer: true, ActConfirmTransfer: true, ActObjectTransfer: true, ActPostponeTransfer: true,
	ActRecordNoShow: true, ActRecordHandover: true, ActApproveTransit: true, ActRevokeTransit: false, ActRecordTransit: true}

// ownTasks copies into v the tasks of c addressed to a's organisation, their
// clocks, and the timeline entries of those tasks written by a's
// organisation or sending them.
func (v *Case) ownTasks(a Actor, c *Case) {
	ids := map[string]bool{}
	for _, t := range c.Tasks {
		if t.OrgID == a.Org.ID {
			v.Tasks = append(v.Tasks, t)
			ids[t.ID] = true
		}
	}
	for _, d := range c.Deadlines {
		if d.TaskID != "" && ids[d.TaskID] {
			v.Deadlines = append(v.Deadlines, d)
		}
	}
	for _, e := range c.Timeline {
		if e.OrgID == a.Org.ID {
			v.Timeline = append(v.Timeline, e)
		}
	}
}

// decisionOutcome returns the part of a decision that the mission and the
// border need: approved or not, on which date, for which family members.
func decisionOutcome(d *Decision) *Decision {
	if d == nil {
		return nil
	}
	return &Decision{Outcome: d.Outcome, FamilyCovered: d.FamilyCovered, DecidedOn: d.DecidedOn}
}

// withoutTargets returns c without the requested state's internal targets:
// the clocks of its tasks and the tasks' due dates.
func withoutTargets(c *Case) *Case {
	v := *c
	v.Deadlines = make([]Deadline, 0, len(c.Deadlines))
	for _, d := range c.Deadlines {
		if d.TaskID == "" {
			v.Deadlines = append(v.Deadlines, d)
		}
	}
	v.Tasks = slices.Clone(c.Tasks)
	for i := range v.Tasks {
		v.Tasks[i].DueOn = nil
	}
	return &v
}

// arrivalStub is what a border crossing point reads of a case whose arrival
// was cancelled (withdrawn or expired): the reference, the state, and the
// transfer's date, time and crossing point; no person.
func arrivalStub(c *Case) *Case {
	v := &Case{ID: c.ID, Reference: c.Reference, Type: c.Type, Status: c.Status, Version: c.Version,
		RequestedState: c.RequestedState, RequestingState: c.RequestingState, Deadlines: []Deadline{}}
	if t := c.Transfer; t != nil {
		v.Transfer = &Transfer{Date: t.Date, Time: t.Time, CrossingPoint: t.CrossingPoint, Flight: t.Flight}
	}
	return v
}
