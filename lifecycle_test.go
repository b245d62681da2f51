package ercms

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// This file reads the contract, LIFECYCLE.md, at test time and holds the
// transition table (Lifecycle, Next, Terminal, ReadmissionStates,
// TransitStates, Roles) against it, so that the table and the spec cannot
// drift apart unnoticed.
//
// The spec is looked up in $ERCMS_SPEC_DIR, else in ../shared/spec (the
// project's layout). When neither exists and ERCMS_SPEC_DIR is unset, the
// spec-driven tests skip; when ERCMS_SPEC_DIR is set and the file is missing,
// they fail.

// specRow is one row of a LIFECYCLE.md action table, as written and resolved.
type specRow struct {
	Type     CaseType
	Action   string
	FromText string  // the "from" cell as written
	From     []State // resolved (globs expanded, phrases derived)
	ToText   string
	Target   Target
	To       State // ToState: the state; ToProposal: unused
	// FourEyesTo is the alternative target with four-eyes (pending_sign_off), or "".
	FourEyesTo State
	ByText     string
	By         []Role
	// NotProposer is set when the "by" cell says the proposer may not act.
	NotProposer bool
	Required    string
	Effects     string // clock effects, with Markdown emphasis removed
}

var sprintf = fmt.Sprintf

// lifecycleSpec is what the tests need from LIFECYCLE.md.
type lifecycleSpec struct {
	Roles             []Role
	ReadmissionStates []State
	TransitStates     []State
	Terminal          []State // the "Terminal states:" sentence (readmission)
	// TerminalAfterWindow lists terminal states that are terminal only once a
	// window has ended ("`closed` once the take-back window has ended").
	TerminalAfterWindow []State
	FlagBlocked         []string // actions the safeguard flags block
	Rows                []specRow
	// DirectHandover says the no-application path lets the border post
	// record the handover of an approved case directly (the paragraph
	// below the table: "`record_handover` directly").
	DirectHandover bool
}

// row returns the spec row of an action on a case type, or nil.
func (s *lifecycleSpec) row(t CaseType, action string) *specRow {
	for i := range s.Rows {
		if s.Rows[i].Type == t && s.Rows[i].Action == action {
			return &s.Rows[i]
		}
	}
	return nil
}

func (s *lifecycleSpec) states(t CaseType) []State {
	if t == TypeTransit {
		return s.TransitStates
	}
	return s.ReadmissionStates
}

var (
	specOnce   sync.Once
	specParsed *lifecycleSpec
	specErr    string
	specSkip   string
)

// loadSpec returns the parsed LIFECYCLE.md, skipping or failing the test as
// described at the top of this file.
func loadSpec(t *testing.T) *lifecycleSpec {
	t.Helper()
	specOnce.Do(func() {
		dir, set := os.LookupEnv("ERCMS_SPEC_DIR")
		if !set {
			dir = filepath.Join("..", "shared", "spec")
		}
		b, err := os.ReadFile(filepath.Join(dir, "LIFECYCLE.md"))
		if err != nil {
			if !set && os.IsNotExist(err) {
				specSkip = "LIFECYCLE.md not found in ../shared/spec; set ERCMS_SPEC_DIR to check the table against the spec"
				return
			}
			specErr = err.Error()
			return
		}
		specParsed, specErr = parseLifecycle(string(b))
	})
	switch {
	case specSkip != "":
		t.Skip(specSkip)
	case specErr != "":
		t.Fatalf("LIFECYCLE.md: %s", specErr)
	}
	return specParsed
}

var (
	backtickRe = regexp.MustCompile("`([^`]+)`")
	roleTokRe  = regexp.MustCompile(`\b([a-z]+_\*|[a-z]+_[a-z]+\b|system\b)`)
	kindNoteRe = regexp.MustCompile(`\(kind [^)]*\)`)
)

func ticks(s string) []string {
	var out []string
	for _, m := range backtickRe.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// tableRows returns the cells of the Markdown table rows of a section, header and separator left out.
func tableRows(section string) [][]string {
	var out [][]string
	inTable := false
	for _, line := range strings.Split(section, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			inTable = false
			continue
		}
		if !inTable { // the first row of a table is its header
			inTable = true
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if strings.HasPrefix(cells[0], "---") {
			continue
		}
		out = append(out, cells)
	}
	return out
}

// sections splits the document at its "## " headings.
func sections(doc string) map[string]string {
	out := map[string]string{}
	var name string
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "## ") {
			out[name] = b.String()
			name = strings.TrimSpace(strings.TrimPrefix(line, "## "))
			b.Reset()
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	out[name] = b.String()
	return out
}

func findSection(secs map[string]string, prefix string) (string, bool) {
	for name, body := range secs {
		if strings.HasPrefix(name, prefix) {
			return body, true
		}
	}
	return "", false
}

// parseLifecycle reads LIFECYCLE.md. Any cell it does not understand is an
// error: a change of the spec's wording must be looked at, not skipped.
func parseLifecycle(doc string) (*lifecycleSpec, string) {
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, sprintf(format, args...))
	}
	s := &lifecycleSpec{DirectHandover: strings.Contains(doc, "`record_handover` directly")}
	secs := sections(doc)

	roles, ok := findSection(secs, "Roles")
	if !ok {
		return nil, "no \"## Roles\" section"
	}
	for _, cells := range tableRows(roles) {
		for _, r := range ticks(cells[0]) {
			s.Roles = append(s.Roles, Role(r))
		}
	}

	type table struct {
		t      CaseType
		prefix string
	}
	rawRows := map[CaseType][][]string{}
	for _, tb := range []table{{TypeReadmission, "Readmission case"}, {TypeTransit, "Transit request"}} {
		body, ok := findSection(secs, tb.prefix)
		if !ok {
			bad("no %q section", "## "+tb.prefix)
			continue
		}
		rawRows[tb.t] = tableRows(body)
		if tb.t == TypeReadmission {
			flat := strings.Join(strings.Fields(body), " ") // sentences run over several lines
			if i := strings.Index(flat, "Terminal states:"); i >= 0 {
				sentence, _, _ := strings.Cut(flat[i:], ". ")
				for _, tok := range ticks(sentence) {
					s.Terminal = append(s.Terminal, State(tok))
				}
				if m := regexp.MustCompile("`([a-z_]+)` once the take-back window has ended").FindStringSubmatch(sentence); m != nil {
					s.TerminalAfterWindow = append(s.TerminalAfterWindow, State(m[1]))
				}
			}
			if i := strings.Index(flat, "Safeguard flags"); i >= 0 {
				sentence := flat[i:]
				sentence, _, _ = strings.Cut(sentence, " until ")
				for _, tok := range ticks(sentence) {
					s.FlagBlocked = append(s.FlagBlocked, tok)
				}
			}
		}
	}
	if len(s.Terminal) == 0 {
		bad("no \"Terminal states:\" sentence")
	}
	if len(s.FlagBlocked) == 0 {
		bad("no \"Safeguard flags … block …\" sentence")
	}

	// The states of each type: every state named in its table's from and to
	// cells (globs and the "kind" note of a to cell left out), and the
	// terminal states.
	stateSet := map[CaseType]map[State]bool{TypeReadmission: {}, TypeTransit: {}}
	for t, rows := range rawRows {
		for _, cells := range rows {
			if len(cells) < 6 {
				bad("%s table: row %q has %d cells, want 6", t, cells[0], len(cells))
				continue
			}
			for _, tok := range append(ticks(cells[1]), ticks(kindNoteRe.ReplaceAllString(cells[2], ""))...) {
				if !strings.HasSuffix(tok, "*") {
					stateSet[t][State(tok)] = true
				}
			}
		}
	}
	for _, st := range s.Terminal {
		stateSet[TypeReadmission][st] = true
	}
	s.ReadmissionStates = slices.Sorted(maps.Keys(stateSet[TypeReadmission]))
	s.TransitStates = slices.Sorted(maps.Keys(stateSet[TypeTransit]))

	expandRoles := func(tok string) []Role {
		if p, ok := strings.CutSuffix(tok, "*"); ok {
			var out []Role
			for _, r := range s.Roles {
				if strings.HasPrefix(string(r), p) {
					out = append(out, r)
				}
			}
			return out
		}
		if slices.Contains(s.Roles, Role(tok)) {
			return []Role{Role(tok)}
		}
		return nil
	}

	// Phrases of the from column that name states by a property; they are
	// derived below, from the rest of the table.
	const (
		phraseReply  = "any state with a running reply clock"
		phraseWindow = "any state with a running transfer window"
		phraseBefore = "any state before `transferred` except terminal ones"
	)
	var phrased []int
	for t, rows := range rawRows {
		for _, cells := range rows {
			if len(cells) < 6 {
				continue
			}
			r := specRow{Type: t, Action: strings.Trim(cells[0], "`"), FromText: cells[1], ToText: cells[2],
				ByText: cells[3], Required: cells[4], Effects: strings.ReplaceAll(cells[5], "**", "")}
			// from
			switch {
			case r.FromText == "—":
				// create: no state before.
			case strings.HasPrefix(r.FromText, "any state"):
				if !slices.Contains([]string{phraseReply, phraseWindow, phraseBefore}, r.FromText) {
					bad("%s %s: unknown from phrase %q", t, r.Action, r.FromText)
				}
				phrased = append(phrased, len(s.Rows))
			default:
				for _, tok := range ticks(r.FromText) {
					if p, ok := strings.CutSuffix(tok, "*"); ok {
						n := 0
						for _, st := range s.states(t) {
							if strings.HasPrefix(string(st), p) {
								r.From = append(r.From, st)
								n++
							}
						}
						if n == 0 {
							bad("%s %s: glob %q matches no state", t, r.Action, tok)
						}
						continue
					}
					r.From = append(r.From, State(tok))
				}
				if len(r.From) == 0 {
					bad("%s %s: from cell %q names no state", t, r.Action, r.FromText)
				}
			}
			// to
			to := kindNoteRe.ReplaceAllString(r.ToText, "")
			switch {
			case to == "same state":
				r.Target = ToSame
			case strings.HasPrefix(to, "state before"):
				r.Target = ToPrior
			case strings.HasPrefix(to, "the proposed"):
				r.Target = ToProposal
			default:
				toks := ticks(to)
				if len(toks) == 0 {
					bad("%s %s: to cell %q names no state", t, r.Action, r.ToText)
					break
				}
				r.Target, r.To = ToState, State(toks[0])
				for _, alt := range toks[1:] {
					if alt == string(StatePendingSignOff) {
						r.FourEyesTo = StatePendingSignOff
					} else {
						bad("%s %s: unexpected second state %q in to cell", t, r.Action, alt)
					}
				}
			}
			// by
			for _, m := range roleTokRe.FindAllStringSubmatch(r.ByText, -1) {
				rs := expandRoles(m[1])
				if len(rs) == 0 {
					bad("%s %s: by cell names unknown role %q", t, r.Action, m[1])
				}
				r.By = append(r.By, rs...)
			}
			if len(r.By) == 0 {
				bad("%s %s: by cell %q names no role", t, r.Action, r.ByText)
			}
			r.NotProposer = strings.Contains(r.ByText, "not the proposer")
			s.Rows = append(s.Rows, r)
		}
	}
	if len(problems) > 0 {
		return nil, strings.Join(problems, "; ")
	}

	// Derive the phrased from-sets from the rows with literal ones.
	var literal []specRow
	for i, r := range s.Rows {
		if !slices.Contains(phrased, i) {
			literal = append(literal, r)
		}
	}
	g := specGraph{rows: literal}
	for _, i := range phrased {
		r := &s.Rows[i]
		switch r.FromText {
		case phraseReply:
			r.From = g.replyClockStates()
		case phraseWindow:
			r.From = g.transferWindowStates()
		case phraseBefore:
			for _, st := range s.states(r.Type) {
				if st != StateTransferred && !slices.Contains(s.Terminal, st) &&
					g.reachable(r.Type, []State{st})[StateTransferred] {
					r.From = append(r.From, st)
				}
			}
		}
		if len(r.From) == 0 {
			return nil, sprintf("%s %s: %q resolves to no state", r.Type, r.Action, r.FromText)
		}
	}
	return s, ""
}

// specGraph answers questions about the states a set of spec rows connects.
type specGraph struct{ rows []specRow }

// priors returns the states a ToPrior row leaving `from` may return to: the
// spec's "state before the request / the proposal / it", that is every state
// from which a forward row leads into `from`.
func (g specGraph) priors(t CaseType, from State) []State {
	var out []State
	for _, r := range g.rows {
		if r.Type != t || r.Target == ToPrior || r.Target == ToSame {
			continue
		}
		if r.To == from || r.FourEyesTo == from {
			for _, st := range r.From {
				if !slices.Contains(out, st) {
					out = append(out, st)
				}
			}
		}
	}
	return out
}

// targets returns where row r leads from state st.
func (g specGraph) targets(r specRow, st State) []State {
	switch r.Target {
	case ToSame:
		return []State{st}
	case ToPrior:
		return g.priors(r.Type, st)
	case ToProposal:
		return []State{StateApproved, StateRefused}
	}
	if r.FourEyesTo != "" {
		return []State{r.To, r.FourEyesTo}
	}
	return []State{r.To}
}

// closure returns the states reached from start, following for each row and
// state the targets that follow(r) returns. With fromStart set, a return
// ("state before …") goes back only to a state reached from start whose own
// row into the returning state was followed: a case returns where it came
// from. Without it, a case in a start state may have come from anywhere.
func (g specGraph) closure(t CaseType, start []State, fromStart bool, follow func(r specRow, st State) []State) map[State]bool {
	seen := map[State]bool{}
	for _, st := range start {
		seen[st] = true
	}
	entered := map[[2]State]bool{} // followed edges (from, to)
	for changed := true; changed; {
		changed = false
		for _, r := range g.rows {
			if r.Type != t {
				continue
			}
			for _, st := range r.From {
				if !seen[st] {
					continue
				}
				for _, n := range follow(r, st) {
					if r.Target == ToPrior && fromStart && !entered[[2]State{n, st}] {
						continue
					}
					if r.Target != ToPrior {
						entered[[2]State{st, n}] = true
					}
					if !seen[n] {
						seen[n] = true
						changed = true
					}
				}
			}
		}
	}
	return seen
}

func (g specGraph) reachable(t CaseType, start []State) map[State]bool {
	return g.closure(t, start, false, g.targets)
}

// replyClockStates: the reply clock starts with the row whose clock effects
// say "starts reply clock" (submit) and runs until a row stops it ("stops
// reply clock", "stops all clocks", "as approve / refuse"), or replaces it by
// the transfer window (deem_approved). A proposal under four-eyes does not
// stop it: approve and refuse have their effects at sign-off.
func (g specGraph) replyClockStates() []State {
	var start []State
	for _, r := range g.rows {
		if r.Type == TypeReadmission && strings.Contains(r.Effects, "starts reply clock") {
			start = append(start, r.To)
		}
	}
	ends := func(r specRow) bool {
		return containsAny(r.Effects, "stops reply clock", "stops all clocks", "as approve / refuse", "starts transfer window")
	}
	seen := g.closure(TypeReadmission, start, true, func(r specRow, st State) []State {
		if !ends(r) {
			return g.targets(r, st)
		}
		if r.FourEyesTo != "" {
			return []State{r.FourEyesTo}
		}
		return nil
	})
	return slices.Sorted(maps.Keys(seen))
}

// transferWindowStates: the window starts with the rows whose effects say
// "starts transfer window" (approve, deem_approved; sign_off "as approve")
// and runs until a row stops it ("stops transfer window", "stops all
// clocks"), it passes (expire: "when the transfer window has passed"), or the
// approval is undone and the reply clock runs again (correct_deemed_approval).
func (g specGraph) transferWindowStates() []State {
	var start []State
	for _, r := range g.rows {
		if r.Type == TypeReadmission && strings.Contains(r.Effects, "starts transfer window") && r.Target == ToState {
			start = append(start, r.To)
		}
	}
	seen := g.closure(TypeReadmission, start, true, func(r specRow, st State) []State {
		if containsAny(r.Effects, "stops transfer window", "stops all clocks", "reply clock") ||
			strings.Contains(r.ByText, "transfer window has passed") {
			return nil
		}
		return g.targets(r, st)
	})
	return slices.Sorted(maps.Keys(seen))
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// codeOnly lists the actions the code adds to the spec's tables, each with
// the spec text it implements; the test holds their rows by hand.
var codeOnly = map[CaseType]map[string]specRow{
	TypeReadmission: {
		// "Verification tasks and interviews are records under the case …,
		// answered by the addressed agency or mission; they do not change the
		// case state." Roles table: agency_officer "answer tasks",
		// consular_officer "answer tasks, hold interviews". The from-states are
		// the code's choice: where verification or interview tasks can be
		// open (they are sent from registered on) until travel documents take
		// over; refused and withdrawn cancel them.
		ActAnswerTask: {Type: TypeReadmission, Action: ActAnswerTask, Target: ToSame,
			From: []State{StateRegistered, StateInfoRequested, StateUnderVerification, StatePendingSignOff,
				StateApproved, StateDeemedApproved, StateTravelDocumentRequested},
			By: []Role{RoleAgencyOfficer, RoleConsularOfficer}},
		// "Safeguard flags … block notify_transfer, confirm_transfer and
		// record_handover until a ca_supervisor clears them with a reason."
		// From-states: any state before the transfer that is not terminal
		// (the same set as withdraw).
		ActClearFlag: {Type: TypeReadmission, Action: ActClearFlag, Target: ToSame, By: []Role{RoleCASupervisor}},
	},
	TypeTransit: {},
}

// expectedRow returns the row the code must implement for an action: the
// spec's, or the hand-held one of a code-only action; nil when the action
// does not exist for the type.
func expectedRow(s *lifecycleSpec, t CaseType, action string) *specRow {
	if r := s.row(t, action); r != nil && r.Action != ActCreate {
		if t == TypeReadmission && action == ActRecordHandover && s.DirectHandover {
			// The table names the state of the usual path; the paragraph
			// on the no-application path adds approved (CanAct admits it
			// only for a case returned without a written notification).
			amended := *r
			amended.From = append(slices.Clone(r.From), StateApproved)
			return &amended
		}
		return r
	}
	if r, ok := codeOnly[t][action]; ok {
		if action == ActClearFlag {
			r.From = s.row(TypeReadmission, ActWithdraw).From
		}
		return &r
	}
	return nil
}

func sortedStates(in []State) []State {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

func sortedRoles(in []Role) []Role {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

// allActionNames lists every action name of both types, once.
func allActionNames() []string {
	var out []string
	for _, tr := range Lifecycle {
		if !slices.Contains(out, tr.Action) {
			out = append(out, tr.Action)
		}
	}
	return out
}

func TestSpecParserSanity(t *testing.T) {
	s := loadSpec(t)
	// A few facts read off the spec by eye, so that a parser bug that reads
	// nothing (and so agrees with nothing) is caught.
	if got := len(s.Rows); got < 35 {
		t.Errorf("parsed only %d action rows", got)
	}
	sub := s.row(TypeReadmission, ActSubmit)
	if sub == nil || !slices.Equal(sub.From, []State{StateDraft}) || sub.To != StateSubmitted ||
		!slices.Equal(sortedRoles(sub.By), []Role{RoleRequestingOfficer, RoleRequestingSupervisor}) {
		t.Errorf("submit row parsed as %+v", sub)
	}
	exp := s.row(TypeReadmission, ActExpire)
	if exp == nil || !slices.Contains(exp.From, StateTravelDocumentRequested) || !slices.Contains(exp.From, StateTravelDocumentIssued) {
		t.Errorf("expire: the glob travel_document_* was not expanded: %+v", exp)
	}
	if r := s.row(TypeReadmission, ActSignOff); r == nil || r.Target != ToProposal || !r.NotProposer {
		t.Errorf("sign_off parsed as %+v", r)
	}
	if r := s.row(TypeReadmission, ActApprove); r == nil || r.To != StateApproved || r.FourEyesTo != StatePendingSignOff {
		t.Errorf("approve parsed as %+v", r)
	}
	if r := s.row(TypeReadmission, ActIssueTravelDocument); r == nil || r.To != StateTravelDocumentIssued {
		t.Errorf("issue_travel_document parsed as %+v", r)
	}
	if r := s.row(TypeReadmission, ActClose); r == nil || !slices.Contains(r.By, RoleSystem) || !slices.Contains(r.By, RoleCASupervisor) {
		t.Errorf("close parsed as %+v", r)
	}
	if !slices.Equal(s.TerminalAfterWindow, []State{StateClosed}) {
		t.Errorf("terminal after window = %v, want [closed]", s.TerminalAfterWindow)
	}
	if slices.Contains(s.ReadmissionStates, "eu_standard") {
		t.Error("the travel-document kind eu_standard was read as a state")
	}
	// The derived phrases, checked against lists read off the spec by hand.
	if got, want := sortedStates(s.row(TypeReadmission, ActExtendReply).From), sortedStates(s.row(TypeReadmission, ActDeemApproved).From); !slices.Equal(got, want) {
		t.Errorf("states with a running reply clock = %v; want deem_approved's from-states %v", got, want)
	}
	wantWindow := sortedStates([]State{StateApproved, StateDeemedApproved, StateTravelDocumentRequested, StateTravelDocumentIssued,
		StateTransferNotified, StateTransferConfirmed, StateTransferObjected, StateTransferPostponed, StateConsentWithdrawalRequested})
	if got := sortedStates(s.row(TypeReadmission, ActExtendTransferWindow).From); !slices.Equal(got, wantWindow) {
		t.Errorf("states with a running transfer window = %v, want %v", got, wantWindow)
	}
	for _, st := range []State{StateDraft, StateConsentWithdrawalRequested, StatePendingSignOff, StateTransferConfirmed} {
		if !slices.Contains(s.row(TypeReadmission, ActWithdraw).From, st) {
			t.Errorf("withdraw: %s is a state before transferred and not terminal", st)
		}
	}
	for _, st := range []State{StateTransferred, StateClosed, StateTakeBackRequested, StateRefused, StateExpired} {
		if slices.Contains(s.row(TypeReadmission, ActWithdraw).From, st) {
			t.Errorf("withdraw: %s is not a state before transferred, or is terminal", st)
		}
	}
}

func TestStatesMatchSpec(t *testing.T) {
	s := loadSpec(t)
	for _, tc := range []struct {
		t    CaseType
		code []State
		spec []State
	}{
		{TypeReadmission, ReadmissionStates, s.ReadmissionStates},
		{TypeTransit, TransitStates, s.TransitStates},
	} {
		if got := sortedStates(tc.code); len(got) != len(tc.code) {
			t.Errorf("%s: the state list repeats a state: %v", tc.t, tc.code)
		}
		if got, want := sortedStates(tc.code), sortedStates(tc.spec); !slices.Equal(got, want) {
			t.Errorf("%s states:\n code %v\n spec %v", tc.t, got, want)
		}
	}
}

func TestRolesMatchSpec(t *testing.T) {
	s := loadSpec(t)
	code := append(slices.Clone(Roles), RoleSystem)
	if got, want := sortedRoles(code), sortedRoles(s.Roles); !slices.Equal(got, want) {
		t.Errorf("roles:\n code %v\n spec %v", got, want)
	}
	if slices.Contains(Roles, RoleSystem) {
		t.Error("system is not a role a user account may hold")
	}
}

func TestLifecycleMatchesSpec(t *testing.T) {
	s := loadSpec(t)
	for _, tt := range []CaseType{TypeReadmission, TypeTransit} {
		// every spec action exists in the code, and every code action in the spec (or is a documented extra)
		var specActions, codeActions []string
		for _, r := range s.Rows {
			if r.Type == tt && r.Action != ActCreate {
				specActions = append(specActions, r.Action)
			}
		}
		specActions = append(specActions, slices.Collect(maps.Keys(codeOnly[tt]))...)
		codeActions = Actions(tt)
		slices.Sort(specActions)
		sorted := slices.Sorted(slices.Values(codeActions))
		if !slices.Equal(sorted, specActions) {
			t.Errorf("%s actions:\n code %v\n spec %v", tt, sorted, specActions)
		}
		if c := slices.Compact(slices.Clone(sorted)); len(c) != len(sorted) {
			t.Errorf("%s: an action has two rows: %v", tt, codeActions)
		}
	}
	for _, tr := range Lifecycle {
		want := expectedRow(s, tr.Type, tr.Action)
		if want == nil {
			continue // reported above
		}
		name := string(tr.Type) + " " + tr.Action
		if got, w := sortedStates(tr.From), sortedStates(want.From); !slices.Equal(got, w) {
			t.Errorf("%s from:\n code %v\n spec %v (%q)", name, got, w, want.FromText)
		}
		if got, w := sortedRoles(tr.By), sortedRoles(want.By); !slices.Equal(got, w) {
			t.Errorf("%s by: code %v, spec %v (%q)", name, got, w, want.ByText)
		}
		if tr.Target != want.Target {
			t.Errorf("%s target: code %d, spec %d (%q)", name, tr.Target, want.Target, want.ToText)
		}
		if want.Target == ToState && tr.To != want.To {
			t.Errorf("%s to: code %s, spec %s", name, tr.To, want.To)
		}
		for _, st := range tr.From {
			if !slices.Contains(s.states(tr.Type), st) {
				t.Errorf("%s: from-state %s is not a %s state", name, st, tr.Type)
			}
		}
	}
	if TransitionFor(TypeReadmission, ActCreate) != nil || TransitionFor(TypeTransit, ActCreate) != nil {
		t.Error("create is not a transition of an existing case (NewCaseFrom makes the draft)")
	}
	if r := s.row(TypeReadmission, ActCreate); r == nil || r.To != StateDraft {
		t.Errorf("spec create row: %+v", r)
	}
}

// TestSetsPriorMatchesSpec checks that exactly the rows leading into a state
// that a "state before …" action leaves remember the state they came from.
func TestSetsPriorMatchesSpec(t *testing.T) {
	s := loadSpec(t)
	returning := map[CaseType][]State{} // states left by a ToPrior row
	for _, r := range s.Rows {
		if r.Target == ToPrior {
			returning[r.Type] = append(returning[r.Type], r.From...)
		}
	}
	if got := sortedStates(returning[TypeReadmission]); !slices.Equal(got, sortedStates([]State{StateInfoRequested, StatePendingSignOff, StateDeemedApproved, StateConsentWithdrawalRequested})) {
		t.Errorf("states with a return: %v", got)
	}
	for _, tr := range Lifecycle {
		into := tr.Target == ToState && (slices.Contains(returning[tr.Type], tr.To) ||
			(slices.Contains([]string{ActApprove, ActRefuse}, tr.Action) && slices.Contains(returning[tr.Type], StatePendingSignOff)))
		if into != tr.SetsPrior {
			t.Errorf("%s %s: SetsPrior = %v, want %v", tr.Type, tr.Action, tr.SetsPrior, into)
		}
	}
	// The states a return may go back to are the from-states of the rows
	// that remember them.
	g := specGraph{rows: s.Rows}
	for _, tr := range Lifecycle {
		if tr.Target != ToPrior {
			continue
		}
		for _, f := range tr.From {
			var code []State
			for _, in := range Lifecycle {
				if in.Type == tr.Type && in.SetsPrior && (in.To == f || (f == StatePendingSignOff && (in.Action == ActApprove || in.Action == ActRefuse))) {
					code = append(code, in.From...)
				}
			}
			if got, want := sortedStates(code), sortedStates(g.priors(tr.Type, f)); !slices.Equal(got, want) {
				t.Errorf("%s from %s returns to %v, spec: %v", tr.Action, f, got, want)
			}
		}
	}
}

func TestEveryStateReachable(t *testing.T) {
	s := loadSpec(t)
	g := specGraph{rows: s.Rows}
	for _, tt := range []CaseType{TypeReadmission, TypeTransit} {
		// By the spec's own rows, from draft (create) or approved (the no-application path).
		seen := g.reachable(tt, []State{StateDraft})
		for _, st := range s.states(tt) {
			if !seen[st] {
				t.Errorf("spec: %s state %s is not reachable from draft", tt, st)
			}
		}
		// By the code's table and Next.
		states := ReadmissionStates
		if tt == TypeTransit {
			states = TransitStates
		}
		reached := map[State]bool{StateDraft: true}
		queue := []State{StateDraft}
		approve := &Decision{Outcome: "approve"}
		refuse := &Decision{Outcome: "refuse"}
		for len(queue) > 0 {
			st := queue[0]
			queue = queue[1:]
			for _, tr := range Lifecycle {
				if tr.Type != tt {
					continue
				}
				var next []State
				for _, fourEyes := range []bool{false, true} {
					for _, dec := range []*Decision{approve, refuse} {
						// every state this one may return to
						for _, prior := range states {
							if n, err := Next(tt, st, prior, tr.Action, dec, fourEyes); err == nil {
								if tr.Target == ToPrior && !priorPossible(tt, st, prior) {
									continue
								}
								next = append(next, n)
							}
						}
					}
				}
				for _, n := range next {
					if !reached[n] {
						reached[n] = true
						queue = append(queue, n)
					}
				}
			}
		}
		for _, st := range states {
			if !reached[st] {
				t.Errorf("code: %s state %s is not reachable from draft", tt, st)
			}
		}
	}
}

// priorPossible reports whether the code's table can remember `prior` when it
// enters st (a SetsPrior row from prior leads into st).
func priorPossible(t CaseType, st, prior State) bool {
	for _, tr := range Lifecycle {
		if tr.Type != t || !tr.SetsPrior || !slices.Contains(tr.From, prior) {
			continue
		}
		if tr.To == st || (st == StatePendingSignOff && (tr.Action == ActApprove || tr.Action == ActRefuse)) {
			return true
		}
	}
	return false
}

func TestTerminalStates(t *testing.T) {
	s := loadSpec(t)
	// Readmission: the spec's list. closed is terminal only once the
	// take-back window has ended: Terminal leaves that to the caller and the
	// only way out of closed is request_take_back (while the window runs).
	for _, st := range s.Terminal {
		if slices.Contains(s.TerminalAfterWindow, st) {
			if Terminal(st) {
				t.Errorf("Terminal(%s) = true; %s is terminal only once its window has ended", st, st)
			}
			var out []string
			for _, tr := range Lifecycle {
				if tr.Type == TypeReadmission && slices.Contains(tr.From, st) {
					out = append(out, tr.Action)
				}
			}
			if !slices.Equal(out, []string{ActRequestTakeBack}) {
				t.Errorf("actions out of %s: %v, want only request_take_back", st, out)
			}
			continue
		}
		if !Terminal(st) {
			t.Errorf("Terminal(%s) = false; the spec lists it as terminal", st)
		}
	}
	// Transit: the states no transit row leaves.
	var transitTerminal []State
	for _, st := range s.TransitStates {
		leaves := false
		for _, r := range s.Rows {
			if r.Type == TypeTransit && slices.Contains(r.From, st) {
				leaves = true
			}
		}
		if !leaves {
			transitTerminal = append(transitTerminal, st)
		}
	}
	if len(transitTerminal) == 0 {
		t.Fatal("no transit state without a way out; the parser read nothing")
	}
	for _, st := range transitTerminal {
		if !Terminal(st) {
			t.Errorf("Terminal(%s) = false; no transit action leaves it", st)
		}
	}
	// No code row leaves a terminal state; every other state has a way forward.
	for _, tt := range []CaseType{TypeReadmission, TypeTransit} {
		for _, st := range s.states(tt) {
			var out []string
			for _, tr := range Lifecycle {
				if tr.Type == tt && slices.Contains(tr.From, st) && tr.Target != ToSame {
					out = append(out, tr.Action)
				}
			}
			switch {
			case Terminal(st) && len(out) > 0:
				t.Errorf("%s: terminal state %s has the actions %v", tt, st, out)
			case !Terminal(st) && len(out) == 0:
				t.Errorf("%s: state %s is not terminal but no action leaves it", tt, st)
			}
		}
	}
}

func TestNext(t *testing.T) {
	s := loadSpec(t)
	approve, refuse := &Decision{Outcome: "approve"}, &Decision{Outcome: "refuse"}
	for _, tt := range []CaseType{TypeReadmission, TypeTransit} {
		for _, action := range allActionNames() {
			want := expectedRow(s, tt, action)
			for _, st := range s.states(tt) {
				for _, fourEyes := range []bool{false, true} {
					got, err := Next(tt, st, StateRegistered, action, approve, fourEyes)
					name := sprintf("%s %s from %s (four-eyes %v)", tt, action, st, fourEyes)
					switch {
					case want == nil:
						if ErrorCode(err) != ENotFound {
							t.Errorf("%s: %v, %v; want %s", name, got, err, ENotFound)
						}
						continue
					case !slices.Contains(want.From, st):
						if ErrorCode(err) != EConflict {
							t.Errorf("%s: %v, %v; want %s", name, got, err, EConflict)
						}
						continue
					case err != nil:
						t.Errorf("%s: %v", name, err)
						continue
					}
					var exp State
					switch want.Target {
					case ToSame:
						exp = st
					case ToPrior:
						exp = StateRegistered // the prior passed in
					case ToProposal:
						exp = StateApproved
					default:
						exp = want.To
						if fourEyes && want.FourEyesTo != "" {
							exp = want.FourEyesTo
						}
					}
					if got != exp {
						t.Errorf("%s = %s, want %s", name, got, exp)
					}
				}
			}
		}
	}

	// The targets that depend on the case.
	if got, err := Next(TypeReadmission, StateInfoRequested, StateUnderVerification, ActProvideInfo, nil, true); err != nil || got != StateUnderVerification {
		t.Errorf("provide_info with prior under_verification: %v, %v", got, err)
	}
	if _, err := Next(TypeReadmission, StateInfoRequested, "", ActProvideInfo, nil, true); ErrorCode(err) != EConflict {
		t.Errorf("provide_info without a prior state: %v, want %s", err, EConflict)
	}
	if got, err := Next(TypeReadmission, StatePendingSignOff, StateRegistered, ActSignOff, refuse, true); err != nil || got != StateRefused {
		t.Errorf("sign_off of a refusal: %v, %v", got, err)
	}
	if got, err := Next(TypeReadmission, StatePendingSignOff, StateRegistered, ActSignOff, approve, false); err != nil || got != StateApproved {
		t.Errorf("sign_off of an approval: %v, %v", got, err)
	}
	if _, err := Next(TypeReadmission, StatePendingSignOff, StateRegistered, ActSignOff, nil, true); ErrorCode(err) != EConflict {
		t.Errorf("sign_off without a proposal: %v, want %s", err, EConflict)
	}
	if _, err := Next(TypeReadmission, StateSubmitted, "", "no_such_action", nil, true); ErrorCode(err) != ENotFound {
		t.Errorf("unknown action: %v, want %s", err, ENotFound)
	}
}

// TestFourEyes checks that only approve and refuse go through sign-off, and only with four-eyes on.
func TestFourEyes(t *testing.T) {
	for _, tr := range Lifecycle {
		for _, st := range tr.From {
			on, errOn := Next(tr.Type, st, StateRegistered, tr.Action, &Decision{Outcome: "approve"}, true)
			off, errOff := Next(tr.Type, st, StateRegistered, tr.Action, &Decision{Outcome: "approve"}, false)
			if errOn != nil || errOff != nil {
				t.Errorf("%s %s from %s: %v / %v", tr.Type, tr.Action, st, errOn, errOff)
				continue
			}
			readmissionDecision := tr.Type == TypeReadmission && (tr.Action == ActApprove || tr.Action == ActRefuse)
			switch {
			case readmissionDecision && (on != StatePendingSignOff || off == StatePendingSignOff):
				t.Errorf("%s from %s: four-eyes on → %s, off → %s", tr.Action, st, on, off)
			case !readmissionDecision && on != off:
				t.Errorf("%s %s from %s: four-eyes changes the target (%s / %s)", tr.Type, tr.Action, st, on, off)
			}
		}
	}
}

func TestRecipient(t *testing.T) {
	req := Actor{UserID: "u1", Role: RoleRequestingOfficer, Org: Organisation{Kind: OrgRequestingAuthority, State: "DE"}}
	ca := Actor{UserID: "u2", Role: RoleCAOfficer, Org: Organisation{Kind: OrgCentralAuthority, State: "AZ"}}
	border := Actor{UserID: "u3", Role: RoleBorderOfficer, Org: Organisation{Kind: OrgBorderPoint, State: "AZ", CrossingPoint: "GYD"}}
	agency := Actor{UserID: "u4", Role: RoleAgencyOfficer, Org: Organisation{Kind: OrgAgency, State: "AZ"}}
	c := func(st State) *Case { return &Case{Status: st, RequestingState: "DE", RequestedState: "AZ"} }
	for _, tc := range []struct {
		a      Actor
		c      *Case
		action string
		want   string
	}{
		{req, c(StateSubmitted), ActSubmit, "AZ"},
		{ca, c(StateRegistered), ActRegister, "DE"},
		{ca, c(StateInfoRequested), ActRequestInfo, "DE"},
		{req, c(StateRegistered), ActProvideInfo, "AZ"},
		{ca, c(StatePendingSignOff), ActApprove, ""}, // a proposal stays inside the central authority
		{ca, c(StateApproved), ActApprove, "DE"},
		{ca, c(StateApproved), ActSignOff, "DE"},
		{ca, c(StateUnderVerification), ActReturnProposal, ""},
		{ca, c(StateUnderVerification), ActStartVerification, ""},
		{agency, c(StateUnderVerification), ActAnswerTask, ""},
		{SystemActor(), c(StateDeemedApproved), ActDeemApproved, "DE"},
		{border, c(StateTransferred), ActRecordHandover, "DE"},
		{req, c(StateTransferNotified), ActNotifyTransfer, "AZ"},
		{ca, c(StateUnderVerification), ActClearFlag, ""},
	} {
		if got := Recipient(tc.a, tc.c, tc.action); got != tc.want {
			t.Errorf("Recipient(%s, %s after %s) = %q, want %q", tc.a.Role, tc.c.Status, tc.action, got, tc.want)
		}
	}
}
