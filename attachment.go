package ercms

import (
	"context"
	"io"
	"slices"
	"time"
)

// Attachment purposes: what a file is to the case.
const (
	AttachEvidence     = "evidence"     // a scan of an evidence item
	AttachPhoto        = "photo"        // the person's photograph
	AttachFingerprints = "fingerprints" // a fingerprint file in a format the profile allows
	AttachForm         = "form"         // a signed form (application, reply, handover record)
	AttachOriginal     = "original"     // what arrived by e-mail, kept as received
	AttachAnswer       = "answer"       // a file sent with the answer to a task
)

// AttachmentPurposes lists every purpose.
var AttachmentPurposes = []string{AttachEvidence, AttachPhoto, AttachFingerprints, AttachForm, AttachOriginal, AttachAnswer}

// Attachment is a file attached to a case. The bytes live in a BlobStore
// under their SHA-256; the record says whose they are and what they are.
type Attachment struct {
	ID         string    `json:"id"`
	CaseID     string    `json:"case_id"`
	Purpose    string    `json:"purpose"`
	EvidenceID string    `json:"evidence_id,omitempty"`
	TaskID     string    `json:"task_id,omitempty"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"` // pdf, jpeg, png, or a fingerprint format
	MIME       string    `json:"mime"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	OrgID      string    `json:"organisation_id"`
	UploadedBy string    `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// Image reports whether the attachment is a re-encoded image that may be
// shown inline.
func (t Attachment) Image() bool { return t.Kind == "jpeg" || t.Kind == "png" }

// BlobStore keeps the bytes of attachments, addressed by the lowercase hex
// SHA-256 of their content. Implementations: a directory on local disk
// (package blob); an S3-compatible store can be added behind the same
// interface.
type BlobStore interface {
	Put(ctx context.Context, key string, data []byte) error
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Delete(ctx context.Context, key string) error
}

// MayAttach reports whether a may attach a file of purpose to case c (c
// visible to a): the requesting authority attaches the application's files;
// the central authority everything, including originals received by e-mail;
// agencies and missions files with their answers; the border its handover
// record.
func MayAttach(a Actor, c *Case, purpose string) bool {
	switch {
	case a.IsRequesting():
		return slices.Contains([]string{AttachEvidence, AttachPhoto, AttachFingerprints, AttachForm}, purpose)
	case a.IsCA():
		return slices.Contains(AttachmentPurposes, purpose) && purpose != AttachAnswer
	case a.Role == RoleAgencyOfficer, a.Role == RoleConsularOfficer:
		return purpose == AttachAnswer
	case a.Role == RoleBorderOfficer:
		return purpose == AttachForm
	}
	return false
}

// MaySeeAttachment reports whether a (who may see case c) may see the
// attachment t: the parties see every file; the others see the evidence
// scans their work needs and the files of their own organisation, never
// health or other forms of the parties (data minimisation, as ViewFor).
func MaySeeAttachment(a Actor, t Attachment) bool {
	if a.IsRequesting() || a.IsCA() || a.Role == RoleSystem {
		return true
	}
	if t.OrgID == a.Org.ID {
		return true
	}
	switch a.Role {
	case RoleAgencyOfficer:
		return t.Purpose == AttachEvidence
	case RoleConsularOfficer:
		return t.Purpose == AttachEvidence || t.Purpose == AttachPhoto || t.Purpose == AttachFingerprints
	case RoleBorderOfficer:
		return t.Purpose == AttachPhoto
	}
	return false
}
