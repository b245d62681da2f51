package ercms

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
)

// submit sets the date of receipt, starts the reply clock and checks the submission limits.
func (c *Case) submit(env Env) (Note, error) {
	received := env.Profile.ReceivedOn(env.Now)
	note, err := c.submitOn(env, received)
	if err == nil && c.Type == TypeReadmission {
		// The system's delivery receipt is the acknowledgement of an
		// electronic submission (LIFECYCLE.md submit).
		c.AcknowledgedOn, c.AcknowledgedElectronically = &received, true
	}
	return note, err
}

// AcknowledgementEvent is the name of the event a reply rule counts from
// when the agreement runs the time limit from the acknowledgement of
// receipt rather than from receipt (Rule.From).
const AcknowledgementEvent = "acknowledged_on"

// recordAcknowledgement records the date the central authority sent the
// acknowledgement of receipt of an application that came by e-mail or on
// paper. Where the profile counts the reply time from the acknowledgement,
// the running reply clock starts again from that date.
func (c *Case) recordAcknowledgement(env Env, in RecordAcknowledgement) (Note, error) {
	var v Validation
	switch {
	case in.AcknowledgedOn == nil:
		v.Add("acknowledged_on", "field.acknowledged_on.required")
	case in.AcknowledgedOn.After(env.Today):
		v.Add("acknowledged_on", "field.acknowledged_on.future")
	case c.ReceivedOn != nil && in.AcknowledgedOn.Before(*c.ReceivedOn):
		v.Add("acknowledged_on", "field.acknowledged_on.before_received", "received", *c.ReceivedOn)
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	on := *in.AcknowledgedOn
	c.AcknowledgedOn = &on
	if d := c.ReplyClock(); d != nil && d.Rule.From == AcknowledgementEvent {
		d.From = on
		if err := d.compute(env.Calendars); err != nil {
			return Note{}, err
		}
		if d.DueOn != nil {
			return NewNote("note.acknowledgement_sent_reply_due", "date", on, "due_date", *d.DueOn), nil
		}
	}
	return NewNote("note.acknowledgement_sent", "date", on), nil
}

// submitOn is submit with the date of receipt given: today's for a
// submission in the system, the true date for an application that arrived
// by e-mail.
func (c *Case) submitOn(env Env, received civil.Date) (Note, error) {
	if err := suspendedRefusal(env, c, received); err != nil {
		return Note{}, err
	}
	// A transitional period: the obligations for a category of persons
	// apply only to applications received from a date.
	if f, ok := env.Profile.ObligationsStart(string(c.Category)); ok && c.Type == TypeReadmission && received.Before(f.Date) {
		return Note{}, Fail(EConflict, "err.obligations_not_yet", "persons", string(c.Category), "date", f.Date)
	}
	c.ReceivedOn = &received
	c.raiseApplicationFlags(env)
	if c.Type == TypeTransit {
		t := c.Application.Transit
		s, err := env.Profile.Setting("transit_lead_time", c.RequestingState)
		if err != nil {
			return Note{}, err
		}
		r, err := deadline.Compute(s.Rule, t.TransitOn, env.Calendars)
		if err != nil {
			return Note{}, err
		}
		if !r.BeyondData && received.After(r.Due) {
			c.warn(WarnShortLeadTime)
		}
		if _, err := c.startClock(env, ClockTransitReply, "", received); err != nil {
			return Note{}, err
		}
		return NewNote("note.transit_received", "date", received), nil
	}
	kind := ClockReply
	if c.Procedure == ProcedureAccelerated {
		kind = ClockReplyAccelerated
		if err := c.checkSubmission(env, "submission_accelerated", c.Application.ApprehendedOn, received); err != nil {
			return Note{}, err
		}
	}
	if c.Category != CategoryOwnNational {
		if err := c.checkSubmission(env, "submission_tcn", c.Application.FactsKnownOn, received); err != nil {
			return Note{}, err
		}
	}
	d, err := c.startClock(env, kind, "", received)
	if err != nil {
		return Note{}, err
	}
	if d.DueOn == nil {
		return NewNote("note.application_received_no_due", "date", received), nil
	}
	return NewNote("note.application_received", "date", received, "due_date", *d.DueOn), nil
}

// checkSubmission flags a submission made after the limit of rule kind counted from `from`.
func (c *Case) checkSubmission(env Env, kind string, from *civil.Date, received civil.Date) error {
	if from == nil {
		return nil
	}
	s, err := env.Profile.Setting(kind, c.RequestingState)
	if err != nil {
		return err
	}
	r, err := deadline.Compute(s.Rule, *from, env.Calendars)
	if err != nil {
		return err
	}
	if r.BeyondData || !received.After(r.Due) {
		return nil
	}
	// A third-country-national application made late because of an
	// obstacle the requesting state states is not late: the limit runs
	// only until the obstacle is removed (DOMAIN.md §5.1).
	if kind == "submission_tcn" && c.Application.Obstacle != "" && c.Application.ObstacleRemovedOn != nil {
		c.warn(WarnLateObstacle)
		return nil
	}
	c.warn(WarnLateSubmission)
	return nil
}

// raiseApplicationFlags raises the safeguard flags the application's special circumstances call for.
func (c *Case) raiseApplicationFlags(env Env) {
	sp := c.Application.Special
	want := map[string]bool{
		FlagMinor:       sp.Minor,
		FlagTrafficking: sp.VictimOfTrafficking,
		FlagMedical:     sp.MedicalEscort || sp.ContagiousDisease,
	}
	for _, code := range SafeguardFlags {
		if want[code] && !slices.ContainsFunc(c.Flags, func(f Flag) bool { return f.Code == code }) {
			c.Flags = append(c.Flags, Flag{Code: code, RaisedAt: env.Now, NoteKey: "note.flag.special_circumstances"})
		}
	}
}

func (c *Case) addTask(env Env, kind, orgID, question, mode, language string) *Task {
	c.Tasks = append(c.Tasks, Task{ID: env.NewID(), Kind: kind, OrgID: orgID, Question: question, Mode: mode,
		Language: language, Status: TaskOpen, SentOn: env.Today})
	return &c.Tasks[len(c.Tasks)-1]
}

func (c *Case) startVerification(env Env, in StartVerification) (Note, error) {
	var v Validation
	if len(in.Tasks) == 0 {
		v.Add("tasks", "field.tasks.required")
	}
	for i, t := range in.Tasks {
		org, ok := env.Org(t.OrganisationID)
		switch {
		case !ok || (org.Kind != OrgAgency && org.Kind != OrgConsularMission) || org.State != c.RequestedState:
			v.Add(fmt.Sprintf("tasks[%d].organisation_id", i), "field.tasks.organisation_id.requested_state")
		case org.Kind == OrgConsularMission && !slices.Contains(org.Accredited, c.RequestingState):
			// Only a mission accredited to the requesting state sees the case (CanView).
			v.Add(fmt.Sprintf("tasks[%d].organisation_id", i), "field.mission.accredited", "country", c.RequestingState)
		}
		v.Require(fmt.Sprintf("tasks[%d].question", i), t.Question, "field.tasks.question.required")
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	for _, t := range in.Tasks {
		task := c.addTask(env, TaskVerification, t.OrganisationID, t.Question, "", "")
		d, err := c.startClock(env, ClockVerificationTask, task.ID, env.Today)
		if err != nil {
			return Note{}, err
		}
		task.DueOn = d.DueOn
	}
	return NewNote("note.verification_tasks_sent", "count", len(in.Tasks)), nil
}

func (c *Case) answerTask(env Env, a Actor, in AnswerTask) (Note, error) {
	t := c.Task(in.TaskID)
	if t == nil || t.OrgID != a.Org.ID || t.Kind == TaskTravelDocument {
		return Note{}, FieldError("task_id", "field.task_id.own")
	}
	if t.Status != TaskOpen {
		return Note{}, Fail(EConflict, "err.task_already", "task_status", t.Status)
	}
	var v Validation
	findings := TaskFindings
	if t.Kind == TaskInterview {
		findings = InterviewFindings
	}
	if !slices.Contains(findings, in.Finding) {
		v.Add("finding", "field.finding.choose", "findings", findings)
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	today := env.Today
	t.Status, t.Finding, t.Answer, t.AnsweredOn = TaskAnswered, in.Finding, in.Answer, &today
	kind := ClockVerificationTask
	if t.Kind == TaskInterview {
		kind = c.taskClockKind(t.ID)
	}
	c.stopClock(kind, t.ID, today, DeadlineMet)
	return NewNote("note.task_answered", "task_kind", t.Kind, "finding", in.Finding), nil
}

// taskClockKind returns the clock kind attached to a task.
func (c *Case) taskClockKind(taskID string) string {
	for _, d := range c.Deadlines {
		if d.TaskID == taskID {
			return d.Kind
		}
	}
	return ""
}

// mission returns the consular mission named by id, or adds a message for
// field to v. A mission must be one of the requested state's; with serving
// set it must also be accredited to the case's requesting state, since only
// such a mission sees the case (CanView) and can answer what it is sent.
func (c *Case) mission(env Env, v *Validation, field, id string, serving bool) (Organisation, bool) {
	org, ok := env.Org(id)
	switch {
	case !ok || org.Kind != OrgConsularMission || org.State != c.RequestedState:
		v.Add(field, "field.mission.requested_state")
		return Organisation{}, false
	case serving && !slices.Contains(org.Accredited, c.RequestingState):
		v.Add(field, "field.mission.accredited", "country", c.RequestingState)
		return Organisation{}, false
	}
	return org, true
}

func (c *Case) requestInterview(env Env, in RequestInterview) (Note, error) {
	var v Validation
	// A mission not accredited to the requesting state may be asked: the
	// interview then runs on the longer no-mission clock.
	m, _ := c.mission(env, &v, "mission_id", in.MissionID, false)
	if !slices.Contains(InterviewModes, in.Mode) {
		v.Add("mode", "field.mode.required")
	}
	v.Require("language", in.Language, "field.language.required")
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	kind := ClockInterview
	if !slices.Contains(m.Accredited, c.RequestingState) {
		kind = ClockInterviewNoMission
	}
	t := c.addTask(env, TaskInterview, m.ID, in.Place, in.Mode, in.Language)
	d, err := c.startClock(env, kind, t.ID, env.Today)
	if err != nil {
		return Note{}, err
	}
	t.DueOn = d.DueOn
	return NewNote("note.interview_requested", "mode", in.Mode), nil
}

func (c *Case) extendReply(env Env, in ExtendReply) (Note, error) {
	var v Validation
	d := c.ReplyClock()
	v.Require("justification", in.Justification, "field.justification.extend_reply")
	if d == nil {
		return Note{}, Fail(EConflict, "err.reply_clock_not_running")
	}
	if in.Days < 1 || d.ExtendedDays+in.Days > env.Profile.ExtensionMaxDays {
		v.Add("days", "field.days.range", "max", env.Profile.ExtensionMaxDays-d.ExtendedDays, "granted", d.ExtendedDays)
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	d.ExtendedDays += in.Days
	if err := d.compute(env.Calendars); err != nil {
		return Note{}, err
	}
	if d.DueOn == nil {
		return NewNote("note.reply_extended_no_due", "count", in.Days), nil
	}
	return NewNote("note.reply_extended", "count", in.Days, "date", *d.DueOn), nil
}

// decide proposes or takes a decision: approve (with its input) or refuse.
func (c *Case) decide(env Env, a Actor, approve *Approve, refuse *Refuse, next State) (Note, error) {
	var v Validation
	dec := &Decision{ProposedBy: a.UserID, ProposedAt: env.Now}
	if in := approve; in != nil {
		dec.Outcome = "approve"
		if in.FamilyCovered == nil {
			v.Add("family_covered", "field.family_covered.required")
		} else {
			for _, id := range *in.FamilyCovered {
				if !slices.ContainsFunc(c.Application.Family, func(f FamilyMember) bool { return f.ID == id }) {
					v.Add("family_covered", "field.family_covered.unknown", "value", id)
				}
			}
			dec.FamilyCovered = *in.FamilyCovered
		}
	} else {
		in := refuse
		dec.Outcome = "refuse"
		if len(in.Reasons) == 0 {
			v.Add("reasons", "field.reasons.required")
		}
		for _, r := range in.Reasons {
			if !slices.Contains(env.RefusalReasons, r) {
				v.Add("reasons", "field.reasons.unknown", "value", r)
			}
		}
		v.Require("text", in.Text, "field.text.refusal")
		dec.Reasons, dec.Text = in.Reasons, in.Text
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	c.Decision = dec
	if next == StatePendingSignOff && dec.Outcome == "refuse" {
		return NewNote("note.refusal_proposed"), nil
	}
	if next == StatePendingSignOff {
		return NewNote("note.approval_proposed"), nil
	}
	return c.finaliseDecision(env)
}

// finaliseDecision stops the reply clock and, for an approval, starts the transfer window.
func (c *Case) finaliseDecision(env Env) (Note, error) {
	today := env.Today
	c.Decision.DecidedOn = &today
	rc := c.ReplyClock()
	if rc != nil {
		c.stopClock(rc.Kind, "", today, DeadlineMet)
	}
	if c.Decision.Outcome == "refuse" {
		c.stopAllClocks(today)
		c.closeAllTasks(today)
		return NewNote("note.refused"), nil
	}
	c.closeVerification(today)
	if _, err := c.startClock(env, ClockTransferWindow, "", today); err != nil {
		return Note{}, err
	}
	return NewNote("note.approved"), nil
}

func (c *Case) correctDeemedApproval(env Env) (Note, error) {
	today := env.Today
	for i := range c.Deadlines {
		d := &c.Deadlines[i]
		switch {
		case d.Kind == ClockTransferWindow && d.Status == DeadlineRunning:
			d.Status, d.MetOn = DeadlineStopped, &today
		case (d.Kind == ClockReply || d.Kind == ClockReplyAccelerated) && d.Status == DeadlineMissed:
			d.Status, d.MetOn = DeadlineRunning, nil
			if err := d.compute(env.Calendars); err != nil {
				return Note{}, err
			}
		}
	}
	if c.Decision != nil {
		c.Decision = c.Decision.Overtaken // the proposal waiting for sign-off, if any
	}
	c.noteDeadlineWarnings()
	if rc := c.ReplyClock(); rc != nil && rc.DueOn != nil {
		return NewNote("note.deemed_approval_corrected", "due_date", *rc.DueOn), nil
	}
	return NewNote("note.deemed_approval_corrected_no_due"), nil
}

// checkValidity adds to v, for field, a travel-document validity that has
// ended or is longer than the profile allows.
func checkValidity(env Env, v *Validation, field string, until civil.Date) {
	if !until.After(env.Today) {
		v.Add(field, "field.valid_until.past")
	} else if max := env.Today.AddDays(env.Profile.TravelDocumentValidityDays); until.After(max) {
		v.Add(field, "field.valid_until.too_long", "days", env.Profile.TravelDocumentValidityDays, "date", max)
	}
}

func (c *Case) issueTravelDocument(env Env, a Actor, in IssueTravelDocument) (Note, error) {
	var task *Task
	for i := range c.Tasks {
		t := &c.Tasks[i]
		if t.Kind == TaskTravelDocument && t.Status == TaskOpen {
			task = t
		}
	}
	if task == nil || task.OrgID != a.Org.ID {
		return Note{}, Fail(EForbidden, "err.travel_document.other_mission")
	}
	var v Validation
	v.Require("number", in.Number, "field.number.required")
	if in.ValidUntil == nil {
		v.Add("valid_until", "field.valid_until.required")
	} else {
		checkValidity(env, &v, "valid_until", *in.ValidUntil)
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	today := env.Today
	task.Status, task.AnsweredOn, task.Finding = TaskAnswered, &today, "issued"
	c.stopClock(ClockTravelDocument, "", today, DeadlineMet)
	c.TravelDocument = &TravelDocument{Kind: TravelDocumentNational, Number: in.Number, IssuedOn: &today, ValidUntil: in.ValidUntil, MissionID: a.Org.ID}
	return NewNote("note.travel_document_issued", "until_date", *in.ValidUntil), nil
}

func (c *Case) closeTasks(kind, status string, today civil.Date) {
	for i := range c.Tasks {
		if t := &c.Tasks[i]; t.Kind == kind && t.Status == TaskOpen {
			t.Status, t.AnsweredOn = status, &today
		}
	}
}

// closeVerification cancels the verification and interview tasks still
// open once the decision is final, and stops their clocks: their answers
// can no longer change the decision, and their targets no longer bind.
func (c *Case) closeVerification(today civil.Date) {
	for _, t := range c.Tasks {
		if t.Status == TaskOpen && (t.Kind == TaskVerification || t.Kind == TaskInterview) {
			for _, kind := range verificationClocks {
				c.stopClock(kind, t.ID, today, DeadlineStopped)
			}
		}
	}
	c.closeTasks(TaskVerification, TaskCancelled, today)
	c.closeTasks(TaskInterview, TaskCancelled, today)
}

func (c *Case) closeAllTasks(today civil.Date) {
	for _, k := range []string{TaskVerification, TaskInterview, TaskTravelDocument} {
		c.closeTasks(k, TaskCancelled, today)
	}
}

// crossingPoints returns the codes of the crossing points the profile allows
// for a member state: its implementing protocol's, or else the profile's
// (deadline.Profile.CrossingPointsFor).
func crossingPoints(p *deadline.Profile, memberState string) []string {
	var out []string
	for _, cp := range p.CrossingPointsFor(memberState) {
		out = append(out, cp.Code)
	}
	return out
}

func (c *Case) notifyTransfer(env Env, in NotifyTransfer) (Note, error) {
	var v Validation
	t := in.Transfer
	if t == nil {
		v.Add("transfer", "field.transfer.required")
		return Note{}, v.Err()
	}
	today := env.Today
	if t.Date.IsZero() {
		v.Add("transfer.date", "field.transfer.date.required")
	} else if t.Date.Before(today) {
		v.Add("transfer.date", "field.transfer.date.past")
	}
	if !slices.Contains(crossingPoints(env.Profile, c.RequestingState), t.CrossingPoint) {
		v.Add("transfer.crossing_point", "field.transfer.crossing_point.choose", "choices", crossingPoints(env.Profile, c.RequestingState))
	}
	if t.Escorts < 0 {
		v.Add("transfer.escorts", "field.escorts.negative")
	}
	if len(t.EscortNames) > t.Escorts {
		v.Add("transfer.escort_names", "field.transfer.escort_names.too_many")
	}
	if c.Category == CategoryOwnNational && !c.NoApplication {
		td := c.TravelDocument
		if td == nil || (td.ValidUntil != nil && !t.Date.IsZero() && td.ValidUntil.Before(t.Date)) {
			v.Add("transfer.date", "field.transfer.date.travel_document")
		}
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	n := Transfer{Date: t.Date, Time: t.Time, CrossingPoint: t.CrossingPoint, Flight: t.Flight, Escorts: t.Escorts,
		EscortNames: t.EscortNames, MedicalEscort: t.MedicalEscort, Security: t.Security, SpecialNeeds: t.SpecialNeeds,
		NotifiedOn: today, OperationID: t.OperationID}
	s, err := env.Profile.Setting("transfer_notice", c.RequestingState)
	if err != nil {
		return Note{}, err
	}
	r, err := deadline.Compute(s.Rule, t.Date, env.Calendars)
	if err != nil {
		return Note{}, err
	}
	if r.BeyondData || today.After(r.Due) {
		n.LateNotice = !r.BeyondData
	}
	c.Transfer = &n
	c.setWarning(WarnLateNotice, n.LateNotice)
	if n.LateNotice {
		return NewNote("note.transfer_notified_late", "date", t.Date, "crossing_point", t.CrossingPoint, "due_date", r.Due), nil
	}
	return NewNote("note.transfer_notified", "date", t.Date, "crossing_point", t.CrossingPoint), nil
}

// handoverSkew is how far ahead of the server's clock a handover's time may
// be, for the clocks of the border post's devices.
const handoverSkew = 15 * time.Minute

func (c *Case) recordHandover(env Env, a Actor, in RecordHandover) (Note, error) {
	var v Validation
	h := in.Handover
	if h == nil {
		v.Add("handover", "field.handover.required")
		return Note{}, v.Err()
	}
	on := env.Profile.ReceivedOn(h.At)
	switch {
	case h.At.IsZero():
		v.Add("handover.at", "field.handover.at.required")
	case h.At.After(env.Now.Add(handoverSkew)):
		v.Add("handover.at", "field.handover.at.future")
	case c.Decision != nil && c.Decision.DecidedOn != nil && on.Before(*c.Decision.DecidedOn):
		v.Add("handover.at", "field.handover.at.before_decision", "date", *c.Decision.DecidedOn)
	}
	v.Require("handover.officer", h.Officer, "field.handover.officer.required")
	if h.Persons < 1 {
		v.Add("handover.persons", "field.handover.persons.required")
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	if c.Transfer == nil {
		// Returned without a written notification (WithoutNotification):
		// the transfer is what the border post saw.
		c.Transfer = &Transfer{Date: on, CrossingPoint: a.Org.CrossingPoint, NotifiedOn: on}
	}
	c.Transfer.HandoverOn = &on
	c.stopClock(ClockTransferWindow, "", on, DeadlineMet)
	if _, err := c.startClock(env, ClockTakeBack, "", on); err != nil {
		return Note{}, err
	}
	if _, err := c.startClock(env, ClockCloseAfterHandover, "", on); err != nil {
		return Note{}, err
	}
	if docs := strings.TrimSpace(h.Documents); docs != "" {
		return NewNote("note.handover_recorded_documents", "date", on, "count", h.Persons, "officer", h.Officer, "documents", docs), nil
	}
	return NewNote("note.handover_recorded", "date", on, "count", h.Persons, "officer", h.Officer), nil
}

func (c *Case) clearFlag(env Env, a Actor, in ClearFlag) (Note, error) {
	var v Validation
	v.Require("reason", in.Reason, "field.reason.clear_safeguard")
	idx := slices.IndexFunc(c.Flags, func(f Flag) bool { return f.Code == in.Flag && f.ClearedAt == nil })
	if idx < 0 {
		v.Add("flag", "field.flag.active")
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	now := env.Now
	f := &c.Flags[idx]
	f.ClearedAt, f.ClearedBy, f.Reason = &now, a.UserID, in.Reason
	return NewNote("note.flag_cleared", "flag", in.Flag), nil
}

// StartWithoutApplication puts a no-application case (LIFECYCLE.md: the
// person holds a valid travel document, and third-country nationals a valid
// visa or residence permit) straight into approved with its transfer window
// running. It checks the evidence that makes the application unnecessary.
func (c *Case) StartWithoutApplication(env Env) error {
	var v Validation
	validateApplication(&v, c.Type, c.Procedure, c.Category, &c.Application, true, env.Today, env.Evidence)
	if c.Type != TypeReadmission {
		v.Add("no_application", "field.no_application.readmission_only")
	}
	valid := func(kinds ...string) *Evidence {
		for i, e := range c.Application.Evidence {
			if slices.Contains(kinds, e.Type) && e.ExpiresOn != nil && !e.ExpiresOn.Before(env.Today) {
				return &c.Application.Evidence[i]
			}
		}
		return nil
	}
	td := valid("national_passport", "diplomatic_passport", "service_passport", "emergency_passport", "child_passport")
	// An own national with a valid passport or identity card needs no
	// written notification where the agreement says so (Switzerland–
	// Azerbaijan, Art. 4(2)).
	noNotice := env.Profile.ValidDocumentWithoutNotification && c.Category == CategoryOwnNational
	if td == nil && noNotice {
		td = valid("national_id_card")
	}
	if td == nil {
		v.Add("evidence", "field.evidence.no_application_document")
	}
	if c.Category != CategoryOwnNational && valid("visa", "residence_permit") == nil {
		v.Add("evidence", "field.evidence.no_application_visa")
	}
	if err := v.Err(); err != nil {
		return err
	}
	today := env.Today
	c.ReceivedOn = &today
	c.Status = StateApproved
	c.WithoutNotification = noNotice
	c.raiseApplicationFlags(env)
	c.TravelDocument = &TravelDocument{Kind: TravelDocumentNational, Number: td.Number, IssuedOn: td.IssuedOn, ValidUntil: td.ExpiresOn}
	_, err := c.startClock(env, ClockTransferWindow, "", today)
	return err
}
