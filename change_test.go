package ercms

import (
	"slices"
	"testing"
	"time"
)

// userOf is the account of actor a, as the store reads it for a rule.
func userOf(a Actor) User { return User{ID: a.UserID, OrgID: a.Org.ID, Role: a.Role} }

// TestAssignRules: an officer takes an unassigned case for themself; a
// supervisor assigns any case to any active officer of the authority;
// nobody else assigns, and a case that needs no officer is not assigned.
func TestAssignRules(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	now := at("2026-04-14 12:00")
	disabled := userOf(caOff)
	disabled.Disabled = true
	for _, tc := range []struct {
		name       string
		by         Actor
		assignedTo string
		to         User
		code       string
		field      string
	}{
		{"officer takes an unassigned case", caOff, "", userOf(caOff), "", ""},
		{"officer gives an unassigned case to a colleague", caOff, "", userOf(caSup1), EForbidden, ""},
		{"officer takes a colleague's case", caOff, caSup1.UserID, userOf(caOff), EForbidden, ""},
		{"supervisor reassigns", caSup1, caOff.UserID, userOf(caSup2), "", ""},
		{"supervisor assigns a disabled officer", caSup1, "", disabled, EInvalid, "user_id"},
		{"supervisor assigns a border officer", caSup1, "", userOf(gydOff), EInvalid, "user_id"},
		{"supervisor assigns no account", caSup1, "", User{}, EInvalid, "user_id"},
		{"member state assigns", deOff, "", userOf(caOff), EForbidden, ""},
		{"agency assigns", civregOff, "", userOf(caOff), ENotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := w.reach(StateRegistered)
			s.c.AssignedTo = tc.assignedTo
			before := deepCopy(s.c)
			ch, err := Assign(w.env(now), s.c, tc.by, tc.to)
			if tc.code != "" {
				checkErr(t, tc.name, err, tc.code, fieldsOf(tc.field)...)
				if !equalCases(before, s.c) {
					t.Error("a refused assignment changed the case")
				}
				return
			}
			if err != nil || ch.Unchanged || s.c.AssignedTo != tc.to.ID || ch.Action != ChangeAssign {
				t.Fatalf("assign: %v %v, assigned to %q", ch, err, s.c.AssignedTo)
			}
			if last := s.c.Timeline[len(s.c.Timeline)-1]; last.Action != ChangeAssign || last.ActorID != tc.by.UserID {
				t.Errorf("timeline %+v", last)
			}
			ch, err = Assign(w.env(now), s.c, tc.by, tc.to)
			if err != nil || !ch.Unchanged {
				t.Errorf("assigning the officer in charge again: %v %v", ch, err)
			}
		})
	}
	s, _ := w.reach(StateRegistered)
	s.c.Status = StateRefused
	_, err := Assign(w.env(now), s.c, caSup1, userOf(caOff))
	checkErr(t, "assign a refused case", err, EConflict)
}

func fieldsOf(f string) []string {
	if f == "" {
		return nil
	}
	return []string{f}
}

func equalCases(a, b *Case) bool {
	return a.AssignedTo == b.AssignedTo && a.Status == b.Status && len(a.Timeline) == len(b.Timeline) && a.Version == b.Version
}

// TestCoverAbsenceRules: only a supervisor moves an officer's cases, to an
// active officer of the same authority; cases of others, and terminal
// ones, stay.
func TestCoverAbsenceRules(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	now := at("2026-04-14 12:00")
	disabled := userOf(caSup2)
	disabled.Disabled = true
	checkErr(t, "an officer covers", CheckAbsenceCover(caOff, userOf(caOff), userOf(caSup2)), EForbidden)
	checkErr(t, "to a disabled officer", CheckAbsenceCover(caSup1, userOf(caOff), disabled), EInvalid, "to_user_id")
	checkErr(t, "to the same officer", CheckAbsenceCover(caSup1, userOf(caOff), userOf(caOff)), EInvalid, "to_user_id")
	checkErr(t, "from a member-state officer", CheckAbsenceCover(caSup1, userOf(deOff), userOf(caOff)), EInvalid, "from_user_id")
	if err := CheckAbsenceCover(caSup1, userOf(caOff), userOf(caSup2)); err != nil {
		t.Fatal(err)
	}
	s, _ := w.reach(StateRegistered)
	s.c.AssignedTo = caOff.UserID
	ch, err := CoverAbsence(w.env(now), s.c, caSup1, userOf(caOff), userOf(caSup2))
	if err != nil || ch.Unchanged || s.c.AssignedTo != caSup2.UserID || ch.Purpose != "absence cover" {
		t.Fatalf("cover: %v %v %q", ch, err, s.c.AssignedTo)
	}
	if ch, err := CoverAbsence(w.env(now), s.c, caSup1, userOf(caOff), userOf(caSup2)); err != nil || !ch.Unchanged {
		t.Errorf("a case no longer the absent officer's: %v %v", ch, err)
	}
	s.c.AssignedTo, s.c.Status = caOff.UserID, StateWithdrawn
	if ch, err := CoverAbsence(w.env(now), s.c, caSup1, userOf(caOff), userOf(caSup2)); err != nil || !ch.Unchanged || s.c.AssignedTo != caOff.UserID {
		t.Errorf("a withdrawn case: %v %v", ch, err)
	}
}

// TestEditDraftRules: the requesting state edits its own drafts only.
func TestEditDraftRules(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	now := at("2026-04-10 12:00")
	s, _ := w.reach(StateDraft)
	n := ownNational()
	n.Person.GivenNames = "Elçin"
	_, err := EditDraft(w.env(now), s.c, caOff, n)
	checkErr(t, "the CA edits a draft", err, ENotFound)
	n2 := n
	n2.NoApplication = true
	_, err = EditDraft(w.env(now), s.c, deOff, n2)
	checkErr(t, "no_application on an edit", err, EInvalid, "no_application")
	ch, err := EditDraft(w.env(now), s.c, deOff, n)
	if err != nil || !ch.Person || s.c.Person.GivenNames != "Elçin" {
		t.Fatalf("edit: %v %v %q", ch, err, s.c.Person.GivenNames)
	}
	sub, _ := w.reach(StateSubmitted)
	_, err = EditDraft(w.env(now), sub.c, deOff, n)
	checkErr(t, "edit a submitted case", err, EConflict)

	// An edit keeps the ids of the items the draft had (a scan points at
	// its evidence item), gives new items new ids, and keeps no made-up id.
	if len(s.c.Evidence) == 0 {
		t.Fatal("the draft has no evidence item")
	}
	had := s.c.Evidence[0].ID
	n3 := n
	n3.Evidence = append(slices.Clone(s.c.Evidence), Evidence{ID: "made-up", Type: s.c.Evidence[0].Type, Number: "X1"}, Evidence{ID: had, Type: s.c.Evidence[0].Type, Number: "X2"})
	if _, err := EditDraft(w.env(now), s.c, deOff, n3); err != nil {
		t.Fatal(err)
	}
	ev := s.c.Evidence
	if ev[0].ID != had || ev[len(ev)-2].ID == "made-up" || ev[len(ev)-2].ID == "" || ev[len(ev)-1].ID == had {
		t.Errorf("evidence ids after the edit: %+v (had %s)", ev, had)
	}
}

// TestFlagOverdueRules: only under a profile without deemed approval, once,
// after the reply date, by the system.
func TestFlagOverdueRules(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	s, _ := w.reach(StateRegistered)
	late := at("2026-05-20 12:00")
	if ch, err := FlagOverdue(w.env(late), s.c, sysActor); err != nil || !ch.Unchanged {
		t.Errorf("a profile with deemed approval: %v %v", ch, err)
	}
	env := w.env(late)
	p := *env.Profile
	p.DeemedApproval = false
	env.Profile = &p
	_, err := FlagOverdue(env, s.c, caSup1)
	checkErr(t, "a supervisor flags", err, EForbidden)
	early := w.env(at("2026-04-20 12:00"))
	early.Profile = &p
	if ch, err := FlagOverdue(early, s.c, sysActor); err != nil || !ch.Unchanged {
		t.Errorf("before the reply date: %v %v", ch, err)
	}
	if ch, err := FlagOverdue(env, s.c, sysActor); err != nil || ch.Unchanged || !s.c.HasWarning(WarnOverdue) {
		t.Fatalf("after the reply date: %v %v %v", ch, err, s.c.Warnings)
	}
	if ch, err := FlagOverdue(env, s.c, sysActor); err != nil || !ch.Unchanged {
		t.Errorf("flagged twice: %v %v", ch, err)
	}
}

// TestAttachRules: who attaches what; the file is kept with who sent it,
// and a party's file is a transmission to the other party.
func TestAttachRules(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	now := at("2026-04-17 12:00")
	s, _ := w.reach(StateUnderVerification)
	task := s.c.Tasks[0].ID
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	form := NewAttachment{Purpose: AttachForm, Name: "f.pdf", Kind: "pdf", MIME: "application/pdf", Data: pdf}
	for _, tc := range []struct {
		name  string
		by    Actor
		n     NewAttachment
		code  string
		field string
		to    string
	}{
		{"member state sends a form", deOff, form, "", "", "AZ"},
		{"CA sends a form", caOff, form, "", "", "DE"},
		{"CA keeps an original", caOff, NewAttachment{Purpose: AttachOriginal, Name: "m.eml", Kind: "pdf", Data: pdf}, "", "", ""},
		{"agency answers its task", civregOff, NewAttachment{Purpose: AttachAnswer, TaskID: task, Name: "a.pdf", Kind: "pdf", Data: pdf}, "", "", ""},
		{"agency answers another's task", policeOff, NewAttachment{Purpose: AttachAnswer, TaskID: task, Name: "a.pdf", Kind: "pdf", Data: pdf}, ENotFound, "", ""},
		{"member state keeps an original", deOff, NewAttachment{Purpose: AttachOriginal, Name: "m.pdf", Kind: "pdf", Data: pdf}, EForbidden, "", ""},
		{"unknown purpose", deOff, NewAttachment{Purpose: "selfie", Name: "x.pdf", Kind: "pdf", Data: pdf}, EInvalid, "purpose", ""},
		{"evidence scan without its item", deOff, NewAttachment{Purpose: AttachEvidence, Name: "x.pdf", Kind: "pdf", Data: pdf}, EInvalid, "evidence_id", ""},
		{"a form naming a task", deOff, NewAttachment{Purpose: AttachForm, TaskID: task, Name: "x.pdf", Kind: "pdf", Data: pdf}, EInvalid, "task_id", ""},
		{"no file", deOff, NewAttachment{Purpose: AttachForm}, EInvalid, "file", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := Attach(w.env(now), s.c, tc.by, tc.n, "abc")
			if tc.code != "" {
				checkErr(t, tc.name, err, tc.code, fieldsOf(tc.field)...)
				return
			}
			if err != nil || ch.Attachment == nil || ch.Attachment.OrgID != tc.by.Org.ID || ch.Attachment.SHA256 != "abc" || ch.Recipient != tc.to || ch.KeepVersion {
				t.Fatalf("attach: %+v %v", ch, err)
			}
		})
	}
	s.c.Status = StateWithdrawn
	_, err := Attach(w.env(now), s.c, deOff, form, "abc")
	checkErr(t, "a file on a withdrawn case", err, EConflict)
}

// TestMessageRules: the parties write to each other once the application
// is submitted; an answer names a message of the other party; reading
// marks the other party's messages read, once.
func TestMessageRules(t *testing.T) {
	w := newWorld(t, "eu-az", true)
	now := at("2026-04-14 12:00")
	s, _ := w.reach(StateRegistered)
	note := NewMessage{Kind: MessageNote, Body: "Please call."}
	_, err := SendMessage(w.env(now), s.c, civregOff, note, "")
	checkErr(t, "an agency writes", err, ENotFound)
	_, err = SendMessage(w.env(now), s.c, caOff, NewMessage{Kind: MessageAnswer, Body: "Yes.", ReplyTo: "m-1"}, SideRequested)
	checkErr(t, "answer to one's own side", err, EInvalid, "reply_to")
	_, err = SendMessage(w.env(now), s.c, caOff, NewMessage{Kind: MessageAnswer, Body: "Yes.", ReplyTo: "m-1"}, "")
	checkErr(t, "answer to no message", err, EInvalid, "reply_to")
	ch, err := SendMessage(w.env(now), s.c, caOff, note, "")
	if err != nil || ch.Message == nil || ch.Recipient != "DE" || !ch.KeepVersion || ch.Message.FromSide != SideRequested || ch.Message.ContentSHA256 == "" {
		t.Fatalf("send: %+v %v", ch, err)
	}
	msgs := []Message{*ch.Message, {ID: "own", FromSide: SideRequesting}}
	_, err = ReadMessages(w.env(now), s.c, civregOff, msgs)
	checkErr(t, "an agency reads", err, ENotFound)
	ch, err = ReadMessages(w.env(now.Add(time.Hour)), s.c, deOff, msgs)
	if err != nil || !slices.Equal(ch.ReadMessages, []string{msgs[0].ID}) || msgs[0].ReadAt == nil || msgs[1].ReadAt != nil || ch.Recipient != "AZ" {
		t.Fatalf("read: %+v %v", ch, err)
	}
	if ch, err := ReadMessages(w.env(now.Add(2*time.Hour)), s.c, deOff, msgs); err != nil || !ch.Unchanged {
		t.Errorf("read again: %+v %v", ch, err)
	}
	d, _ := w.reach(StateDraft)
	_, err = SendMessage(w.env(now), d.c, deOff, note, "")
	checkErr(t, "a message on a draft", err, EConflict)
}
