package ercms

import (
	"fmt"
	"slices"
	"time"

	"github.com/ercms/ercms/deadline"
)

// Change says what one change of a case did, so that the store records it
// in the same transaction as the case: the audit event (and the
// transmission, when it crosses to the other party), the files and messages
// it adds, and whom it tells. Every change of a case is a pure function of
// this package that checks the actor's rights and the case's state, changes
// the case in place and returns a Change; the store's one door loads the
// case in the actor's scope at the version the caller saw, applies the
// function and writes everything it returns.
type Change struct {
	// Action names the change in the audit ("case.<Action>"); for the
	// lifecycle actions it is the action, which also says whom to notify.
	Action string
	// Lifecycle is set for the actions of the transition table: the store
	// notifies as NotificationFor says and signs travel documents issued.
	Lifecycle bool
	// Records names the records the change touched beyond the case itself
	// ("user:…", "task:…", "message:…").
	Records []string
	// Person is set when the change wrote the person's data: the audit names
	// every personal record of the case, and the name index is rewritten.
	Person bool
	// Purpose is the audit's purpose of the change ("" for the action's name).
	Purpose string
	// Recipient is the state the change is transmitted to, "" when it stays
	// inside one party.
	Recipient string
	// Details are added to the audit event.
	Details map[string]any
	// Attachment is a file added to the case (its bytes already stored).
	Attachment *Attachment
	// Detached is the id of a file removed from a draft application.
	Detached string
	// Message is a message sent to the other party.
	Message *Message
	// ReadMessages are the messages of the other party read now (read receipts).
	ReadMessages []string
	// Unchanged says that nothing changed: nothing is written.
	Unchanged bool
	// KeepVersion says that the change adds correspondence (a message, a read
	// receipt) and no fact an officer decides on: the case keeps its
	// version, so that a decision prepared meanwhile is not refused.
	KeepVersion bool
}

// unchanged is the Change of a change that had nothing to do.
var unchanged = Change{Unchanged: true}

// event appends a timeline event of a change that keeps the case's state.
func (c *Case) event(env Env, a Actor, action string, note Note) {
	c.Timeline = append(c.Timeline, Event{At: env.Now, Action: action, From: string(c.Status), To: string(c.Status),
		ActorID: a.UserID, Actor: a.Username, OrgID: a.Org.ID, NoteKey: note.Key, NoteArgs: note.Args})
}

// Act is a lifecycle action as a change of a case: Apply, and what the
// store records with it.
func Act(env Env, c *Case, a Actor, action string, in ActionInput) (Change, error) {
	if _, err := Apply(env, c, a, action, in); err != nil {
		return Change{}, err
	}
	return Change{Action: action, Lifecycle: true, Purpose: action, Recipient: Recipient(a, c, action),
		Details: map[string]any{"status": c.Status}}, nil
}

// ChangeAssign is the audit name of an assignment or absence cover.
const ChangeAssign = "assign"

// Assign gives case c to the central-authority officer `to`: an officer
// takes an unassigned case for themself; a supervisor assigns any case of
// the authority (LIFECYCLE.md roles). Errors: ENotFound (out of scope),
// EForbidden, EConflict (a terminal case), EInvalid (user_id: not an active
// officer of the authority). Assigning the officer in charge again changes
// nothing.
func Assign(env Env, c *Case, a Actor, to User) (Change, error) {
	if !CanView(a, c, env.Today) {
		return Change{}, Fail(ENotFound, "err.no_such_case")
	}
	switch {
	case a.Role == RoleCASupervisor:
	case a.Role == RoleCAOfficer && (c.AssignedTo == "" || c.AssignedTo == a.UserID) && to.ID == a.UserID:
	default:
		return Change{}, Fail(EForbidden, "err.assign.supervisor_only")
	}
	if Terminal(c.Status) {
		return Change{}, Fail(EConflict, "err.assign.terminal", "state", string(c.Status))
	}
	if !caOfficerOf(to, a.Org.ID) || to.Disabled {
		return Change{}, FieldError("user_id", "field.user_id.officer")
	}
	if c.AssignedTo == to.ID {
		return unchanged, nil
	}
	c.AssignedTo = to.ID
	c.event(env, a, ChangeAssign, NewNote("note.assigned", "user_id", to.ID))
	return Change{Action: ChangeAssign, Records: []string{"user:" + to.ID}}, nil
}

// caOfficerOf reports whether u is an officer or supervisor of the central
// authority org.
func caOfficerOf(u User, org string) bool {
	return u.ID != "" && u.OrgID == org && (u.Role == RoleCAOfficer || u.Role == RoleCASupervisor)
}

// CheckAbsenceCover checks a supervisor's move of the cases of officer
// `from`, who is away, to officer `to`: both officers of the supervisor's
// authority, `to` active. Errors: EForbidden, EInvalid (fields
// from_user_id, to_user_id).
func CheckAbsenceCover(a Actor, from, to User) error {
	if a.Role != RoleCASupervisor {
		return Fail(EForbidden, "err.cover.supervisor_only")
	}
	var v Validation
	if !caOfficerOf(from, a.Org.ID) {
		v.Add("from_user_id", "field.officer.own_authority")
	}
	switch {
	case !caOfficerOf(to, a.Org.ID):
		v.Add("to_user_id", "field.officer.own_authority")
	case to.Disabled:
		v.Add("to_user_id", "field.officer.active")
	}
	if from.ID == to.ID && from.ID != "" {
		v.Add("to_user_id", "field.to_user_id.same")
	}
	return v.Err()
}

// CoverAbsence moves case c from officer `from`, who is away, to officer
// `to` (checked with CheckAbsenceCover). A closed-for-good case, or one no
// longer assigned to `from`, stays as it is.
func CoverAbsence(env Env, c *Case, a Actor, from, to User) (Change, error) {
	if err := CheckAbsenceCover(a, from, to); err != nil {
		return Change{}, err
	}
	if !CanView(a, c, env.Today) {
		return Change{}, Fail(ENotFound, "err.no_such_case")
	}
	if Terminal(c.Status) || c.AssignedTo != from.ID {
		return unchanged, nil
	}
	c.AssignedTo = to.ID
	c.event(env, a, ChangeAssign, NewNote("note.absence_cover", "from_user_id", from.ID, "user_id", to.ID))
	return Change{Action: ChangeAssign, Records: []string{"user:" + from.ID, "user:" + to.ID}, Purpose: PurposeAbsenceCover}, nil
}

// ChangeUpdate is the audit name of a draft edit.
const ChangeUpdate = "update"

// EditDraft replaces the application of draft c with n: the requesting
// state edits its draft before submission. Type, procedure, category and
// file number may change too; the draft keeps its id and reference.
// Errors: EForbidden, EConflict (not a draft), EInvalid.
func EditDraft(env Env, c *Case, a Actor, n NewCase) (Change, error) {
	if !CanView(a, c, env.Today) {
		return Change{}, Fail(ENotFound, "err.no_such_case")
	}
	if !a.IsRequesting() {
		return Change{}, Fail(EForbidden, "err.draft.requesting_only")
	}
	if c.Status != StateDraft {
		return Change{}, Fail(EConflict, "err.draft.not_draft", "state", string(c.Status))
	}
	if n.NoApplication || n.PreviousCaseID != "" {
		return Change{}, FieldError("no_application", "field.no_application.fixed")
	}
	kept := keptItemIDs(c, n)
	if err := n.PrepareWith(env.NewID, env.Today, env.Evidence); err != nil {
		return Change{}, err
	}
	// An item the draft had keeps its id, so that what points at it (the
	// scan of an evidence item) still does.
	for i, id := range kept.family {
		if id != "" {
			n.Family[i].ID = id
		}
	}
	for i, id := range kept.evidence {
		if id != "" {
			n.Evidence[i].ID = id
		}
	}
	c.Type, c.Procedure, c.Category, c.RequestingReference, c.Application = n.Type, n.Procedure, n.Category, n.RequestingReference, n.Application
	c.event(env, a, ChangeUpdate, NewNote("note.draft_edited"))
	return Change{Action: ChangeUpdate, Person: true}, nil
}

// itemIDs are the ids of the family members and evidence items of an
// application, by position ("" for a new item).
type itemIDs struct{ family, evidence []string }

// keptItemIDs returns, for each family member and evidence item of n, its
// id when it names one of draft c's (each once), else "": ids the sender
// makes up are not kept.
func keptItemIDs(c *Case, n NewCase) itemIDs {
	var out itemIDs
	used := map[string]bool{}
	keep := func(id string, known bool) string {
		if id == "" || !known || used[id] {
			return ""
		}
		used[id] = true
		return id
	}
	for _, m := range n.Family {
		out.family = append(out.family, keep(m.ID, slices.ContainsFunc(c.Family, func(f FamilyMember) bool { return f.ID == m.ID })))
	}
	for _, e := range n.Evidence {
		out.evidence = append(out.evidence, keep(e.ID, slices.ContainsFunc(c.Evidence, func(x Evidence) bool { return x.ID == e.ID })))
	}
	return out
}

// Schedule is ScheduleInterview as a change of the case.
func Schedule(env Env, c *Case, a Actor, taskID string, at time.Time, place string) (Change, error) {
	if _, err := ScheduleInterview(env, c, a, taskID, at, place); err != nil {
		return Change{}, err
	}
	return Change{Action: ActScheduleInterview, Records: []string{"task:" + taskID}}, nil
}

// ChangeReplyOverdue is the audit name of the overdue flag.
const ChangeReplyOverdue = "reply_overdue"

// FlagOverdue marks a case whose reply date passed under a profile without
// deemed approval (LIFECYCLE.md deem_approved); a case already flagged, or
// whose reply date has not passed, is unchanged. Only the system flags.
func FlagOverdue(env Env, c *Case, a Actor) (Change, error) {
	if a.Role != RoleSystem {
		return Change{}, Fail(EForbidden, "err.system_only.flag_overdue")
	}
	rc := c.ReplyClock()
	if env.Profile.DeemedApproval || c.pausedBySuspension() || c.HasWarning(WarnOverdue) || rc == nil || rc.DueOn == nil || !env.Today.After(*rc.DueOn) {
		return unchanged, nil
	}
	c.Warnings = append(c.Warnings, WarnOverdue)
	note := NewNote("note.reply_overdue", "date", *rc.DueOn)
	c.Timeline = append(c.Timeline, Event{At: env.Now, Action: ChangeReplyOverdue, Actor: "system", NoteKey: note.Key, NoteArgs: note.Args})
	return Change{Action: ChangeReplyOverdue}, nil
}

// ChangeDeadlineRecomputed is the audit name of a recomputation of a case's
// deadlines on new holiday data.
const ChangeDeadlineRecomputed = "deadline_recomputed"

// RecomputeDeadlines recomputes the running clocks of c on the calendars
// cals (an administrator's edit of holiday data) and on the rules of the
// case's profile version env.Profile (an administrator's correction of it);
// a case none of whose due dates moves is unchanged. Only the system
// recomputes.
func RecomputeDeadlines(env Env, c *Case, a Actor, cals *deadline.Calendars) (Change, error) {
	if a.Role != RoleSystem {
		return Change{}, Fail(EForbidden, "err.system_only.recompute")
	}
	moves, err := c.RecomputeOn(env.Profile, cals)
	if err != nil {
		return Change{}, err
	}
	if len(moves) == 0 {
		return unchanged, nil
	}
	for _, n := range moves {
		c.Timeline = append(c.Timeline, Event{At: env.Now, Action: ChangeDeadlineRecomputed, Actor: "system", NoteKey: n.Key, NoteArgs: n.Args})
	}
	return Change{Action: ChangeDeadlineRecomputed, Details: map[string]any{"changes": len(moves)}}, nil
}

// NewAttachment is a checked file to attach to a case.
type NewAttachment struct {
	Purpose    string
	EvidenceID string
	TaskID     string
	Name       string
	Kind       string
	MIME       string
	Data       []byte
}

// ChangeAttach is the audit name of a file added to a case.
const ChangeAttach = "attachment.add"

// Attach adds the file n (its bytes stored under sha256) to case c for a.
// Errors: EForbidden (a may not attach files of that purpose), EConflict
// (a terminal case), EInvalid (fields purpose, evidence_id, task_id, file).
func Attach(env Env, c *Case, a Actor, n NewAttachment, sha256 string) (Change, error) {
	if !CanView(a, c, env.Today) {
		return Change{}, Fail(ENotFound, "err.no_such_case")
	}
	invalid := func(field, key string) (Change, error) {
		return Change{}, FieldError(field, key)
	}
	if !slices.Contains(AttachmentPurposes, n.Purpose) {
		return invalid("purpose", "field.purpose.required")
	}
	if !MayAttach(a, c, n.Purpose) {
		return Change{}, Fail(EForbidden, "err.attach.forbidden")
	}
	if Terminal(c.Status) {
		return Change{}, Fail(EConflict, "err.attach.terminal", "state", string(c.Status))
	}
	if n.EvidenceID != "" && !slices.ContainsFunc(c.Evidence, func(e Evidence) bool { return e.ID == n.EvidenceID }) {
		return invalid("evidence_id", "field.evidence_id.unknown")
	}
	if n.Purpose == AttachEvidence && n.EvidenceID == "" {
		return invalid("evidence_id", "field.evidence_id.required")
	}
	if n.Purpose == AttachAnswer {
		if t := c.Task(n.TaskID); t == nil || t.OrgID != a.Org.ID {
			return invalid("task_id", "field.task_id.own")
		}
	} else if n.TaskID != "" {
		return invalid("task_id", "field.task_id.not_answer")
	}
	if len(n.Data) == 0 || n.Name == "" || n.Kind == "" {
		return invalid("file", "field.file.required")
	}
	t := &Attachment{ID: env.NewID(), CaseID: c.ID, Purpose: n.Purpose, EvidenceID: n.EvidenceID, TaskID: n.TaskID, Name: n.Name,
		Kind: n.Kind, MIME: n.MIME, Size: int64(len(n.Data)), SHA256: sha256, OrgID: a.Org.ID, UploadedBy: a.UserID, UploadedAt: env.Now}
	ch := Change{Action: ChangeAttach, Records: []string{"attachment:" + t.ID}, Purpose: t.Purpose, Attachment: t,
		Details: map[string]any{"attachment_id": t.ID, "sha256": t.SHA256, "size": t.Size, "kind": t.Kind}}
	switch Side(a) {
	case SideRequesting:
		ch.Recipient = c.RequestedState
	case SideRequested:
		if t.Purpose != AttachOriginal { // an original came from the other side; it is not sent back
			ch.Recipient = c.RequestingState
		}
	}
	return ch, nil
}

// ChangeDetach is the audit name of a file removed from a draft.
const ChangeDetach = "attachment.remove"

// Detach removes file t from draft c for a: the requesting authority
// takes back a photo, fingerprints or scan it attached before it submits
// the application; once submitted, the file has been sent and stays.
// Errors: ENotFound (no such case or file), EForbidden (not the
// requesting side), EConflict (no longer a draft).
func Detach(env Env, c *Case, a Actor, t *Attachment) (Change, error) {
	if !CanView(a, c, env.Today) {
		return Change{}, Fail(ENotFound, "err.no_such_case")
	}
	if t == nil || t.CaseID != c.ID || !MaySeeAttachment(a, *t) {
		return Change{}, Fail(ENotFound, "err.attachment.not_found")
	}
	if !a.IsRequesting() {
		return Change{}, Fail(EForbidden, "err.draft.requesting_only")
	}
	if c.Status != StateDraft {
		return Change{}, Fail(EConflict, "err.detach.not_draft")
	}
	return Change{Action: ChangeDetach, Records: []string{"attachment:" + t.ID}, Purpose: t.Purpose, Detached: t.ID,
		Details: map[string]any{"attachment_id": t.ID, "sha256": t.SHA256}}, nil
}

// ChangeSendMessage is the audit name of a message sent.
const ChangeSendMessage = "message.send"

// SendMessage sends m from a's party to the other party of case c.
// replyToSide is the party that wrote the message m answers ("" when there
// is no such message in the case). Errors: EForbidden (not a party),
// EConflict (a draft), EInvalid (kind, subject, body, reply_to).
func SendMessage(env Env, c *Case, a Actor, m NewMessage, replyToSide string) (Change, error) {
	if !CanView(a, c, env.Today) {
		return Change{}, Fail(ENotFound, "err.no_such_case")
	}
	side := Side(a)
	if side == "" {
		return Change{}, Fail(EForbidden, "err.message.forbidden")
	}
	if c.Status == StateDraft {
		return Change{}, Fail(EConflict, "err.message.draft")
	}
	if err := m.Validate(); err != nil {
		return Change{}, err
	}
	if m.ReplyTo != "" && (replyToSide == "" || replyToSide == side) {
		return Change{}, FieldError("reply_to", "field.reply_to.other_party")
	}
	now := env.Now
	msg := &Message{ID: env.NewID(), CaseID: c.ID, Kind: m.Kind, FromSide: side, FromOrgID: a.Org.ID, FromUserID: a.UserID,
		Subject: m.Subject, Body: m.Body, ReplyTo: m.ReplyTo, ContentSHA256: m.ContentSHA256(), SentAt: now, DeliveredAt: &now}
	recipient := c.RequestedState
	if side == SideRequested {
		recipient = c.RequestingState
	}
	return Change{Action: ChangeSendMessage, Records: []string{"message:" + msg.ID}, Purpose: msg.Kind, Recipient: recipient, Message: msg,
		KeepVersion: true, Details: map[string]any{"message_id": msg.ID, "content_sha256": msg.ContentSHA256}}, nil
}

// ChangeReadMessages is the audit name of read receipts.
const ChangeReadMessages = "message.read"

// ReadMessages records that a read the messages of the other party among
// msgs that nobody of a's party had read; it marks them read in msgs.
// Errors: ENotFound (out of scope), EForbidden (not a party).
func ReadMessages(env Env, c *Case, a Actor, msgs []Message) (Change, error) {
	if !CanView(a, c, env.Today) {
		return Change{}, Fail(ENotFound, "err.no_such_case")
	}
	side := Side(a)
	if side == "" {
		return Change{}, Fail(EForbidden, "err.message.read_forbidden")
	}
	var read []string
	for i := range msgs {
		m := &msgs[i]
		if m.FromSide == side || m.ReadAt != nil {
			continue
		}
		now := env.Now
		m.ReadAt, m.ReadBy = &now, a.UserID
		read = append(read, m.ID)
	}
	if len(read) == 0 {
		return unchanged, nil
	}
	recipient := c.RequestingState
	if side == SideRequesting {
		recipient = c.RequestedState
	}
	records := make([]string, len(read))
	for i, id := range read {
		records[i] = "message:" + id
	}
	return Change{Action: ChangeReadMessages, Records: records, Purpose: PurposeReadReceipt, Recipient: recipient, ReadMessages: read, KeepVersion: true}, nil
}

// String describes a change for logs and test failures (no personal data).
func (ch Change) String() string {
	if ch.Unchanged {
		return "unchanged"
	}
	return fmt.Sprintf("%s (recipient %q)", ch.Action, ch.Recipient)
}
