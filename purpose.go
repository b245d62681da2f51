package ercms

// Audit purposes. An audit event records why data was read or sent. Most
// purposes are codes of their own vocabularies (a lifecycle action, a
// file's purpose, a message's kind, a document's kind, or the event's
// action when no purpose is given); the purposes below are phrases the
// system writes itself. The legal record keeps the phrase as written;
// PurposeCode gives each a stable code, which pages translate.
const (
	// PurposeCaseHandling is the reading of a case in the course of its handling.
	PurposeCaseHandling = "case handling"
	// PurposeDataProtection is the reading done for a data protection report.
	PurposeDataProtection = "data protection report"
	// PurposeStatistics is the reading of statistics.
	PurposeStatistics = "statistics"
	// PurposeDocumentVerification is the check of a travel document's seal.
	PurposeDocumentVerification = "document verification"
	// PurposeTransfer is the reading of a group transfer.
	PurposeTransfer = "transfer"
	// PurposeAbsenceCover is the reassignment of an absent officer's cases.
	PurposeAbsenceCover = "absence cover"
	// PurposeReadReceipt is the receipt of messages read by the other party.
	PurposeReadReceipt = "read receipt"
	// PurposeReceivedByEmail is the entry of an application received by e-mail.
	PurposeReceivedByEmail = "application received by e-mail"
	// PurposeTransmissionExport is the export of a requesting state's record of transmissions.
	PurposeTransmissionExport = "export of the requesting state's transmission record"
)

// purposeCodes maps the phrases above to their stable codes.
var purposeCodes = map[string]string{
	PurposeCaseHandling:         "case_handling",
	PurposeDataProtection:       "data_protection_report",
	PurposeStatistics:           "statistics",
	PurposeDocumentVerification: "document_verification",
	PurposeTransfer:             "transfer",
	PurposeAbsenceCover:         "absence_cover",
	PurposeReadReceipt:          "read_receipt",
	PurposeReceivedByEmail:      "received_by_email",
	PurposeTransmissionExport:   "transmission_export",
	// The phrase written before requesting states beyond the EU's members
	// (Norway, Switzerland) used the deployment.
	"export of the member state's transmission record": "transmission_export",
}

// PurposeCode returns the stable code of an audit purpose: the code of one
// of the phrases above, else the purpose itself (already a code).
func PurposeCode(purpose string) string {
	if c, ok := purposeCodes[purpose]; ok {
		return c
	}
	return purpose
}

// PurposePhrases lists the phrases the system writes as audit purposes.
func PurposePhrases() []string {
	out := make([]string, 0, len(purposeCodes))
	for p := range purposeCodes {
		out = append(out, p)
	}
	return out
}
