package i18n

// StateFamilies lists the families of case states, one colour of status tag
// each (UI.md), in the order of a legend. Their names are the keys
// "state_family.<family>".
var StateFamilies = []string{"new", "in_progress", "positive", "negative", "closed"}

// stateFamilies maps every state of both case types to its family.
var stateFamilies = map[string]string{
	// new: written or sent, not yet taken up by the requested state.
	"draft":             "new",
	"submitted":         "new",
	"transit_requested": "new",
	// in_progress: the requested state is examining the application, or a
	// decision or transfer is in question again.
	"registered":                   "in_progress",
	"info_requested":               "in_progress",
	"under_verification":           "in_progress",
	"pending_sign_off":             "in_progress",
	"consent_withdrawal_requested": "in_progress",
	"take_back_requested":          "in_progress",
	// positive: readmission or transit granted, on its way or done.
	"approved":                  "positive",
	"deemed_approved":           "positive",
	"travel_document_requested": "positive",
	"travel_document_issued":    "positive",
	"transfer_notified":         "positive",
	"transfer_confirmed":        "positive",
	"transfer_objected":         "positive",
	"transfer_postponed":        "positive",
	"transferred":               "positive",
	"transit_approved":          "positive",
	"transit_executed":          "positive",
	// negative: ended without the person being (or staying) readmitted.
	"refused":         "negative",
	"expired":         "negative",
	"withdrawn":       "negative",
	"taken_back":      "negative",
	"transit_refused": "negative",
	"transit_revoked": "negative",
	// closed: readmitted, the case filed.
	"closed": "closed",
}

// StateFamily returns the family of a case state (one of StateFamilies),
// which chooses the colour of its status tag:
//
//   - new: draft, submitted, transit_requested;
//   - in_progress: registered, info_requested, under_verification,
//     pending_sign_off, and the states that put a decision or transfer in
//     question again: consent_withdrawal_requested, take_back_requested;
//   - positive: approved, deemed_approved, the travel-document and transfer
//     states (objected and postponed too: the approval stands),
//     transferred, transit_approved, transit_executed;
//   - negative: refused, expired, withdrawn, taken_back, transit_refused,
//     transit_revoked;
//   - closed: closed.
//
// A state it does not know gives "in_progress".
func StateFamily(s string) string {
	if f, ok := stateFamilies[s]; ok {
		return f
	}
	return "in_progress"
}
