package sqldb_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/internal/testdb"
	"github.com/ercms/ercms/sqldb"
)

// memBlobs is a blob store in memory for the store's tests (package blob
// tests the one on disk).
type memBlobs struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (b *memBlobs) Put(_ context.Context, key string, data []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[string][]byte{}
	}
	b.m[key] = bytes.Clone(data)
	return nil
}

func (b *memBlobs) Open(_ context.Context, key string) (io.ReadCloser, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.m[key]
	if !ok {
		return nil, os.ErrNotExist
	}
	return io.NopCloser(bytes.NewReader(d)), nil
}

func (b *memBlobs) Delete(_ context.Context, key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.m, key)
	return nil
}

func TestAttachmentsScopeAndAudit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, fr, sms, civreg, police := act["de.officer"], act["fr.officer"], act["sms.officer"], act["civil.registry.officer"], act["police.officer"]
		c := submittedCase(t, db, de, "DE-ATT-1")
		pdf := []byte("%PDF-1.4\n% a scan\n%%EOF\n")
		_, _, err := db.AddAttachment(ctx, de, c.ID, sqldb.NewAttachment{Purpose: ercms.AttachEvidence, EvidenceID: c.Evidence[0].ID, Name: "passport.pdf", Kind: "pdf", MIME: "application/pdf", Data: pdf})
		if err == nil {
			t.Fatal("an upload without a blob store was accepted")
		}
		blobs := &memBlobs{}
		db.Blobs = blobs

		_, _, err = db.AddAttachment(ctx, fr, c.ID, sqldb.NewAttachment{Purpose: ercms.AttachEvidence, EvidenceID: c.Evidence[0].ID, Name: "x.pdf", Kind: "pdf", Data: pdf})
		wantCode(t, err, ercms.ENotFound, "another state attaches")
		_, _, err = db.AddAttachment(ctx, de, c.ID, sqldb.NewAttachment{Purpose: "selfie", Name: "x.pdf", Kind: "pdf", Data: pdf})
		wantFields(t, err, "purpose")
		_, _, err = db.AddAttachment(ctx, de, c.ID, sqldb.NewAttachment{Purpose: ercms.AttachEvidence, EvidenceID: "nope", Name: "x.pdf", Kind: "pdf", Data: pdf})
		wantFields(t, err, "evidence_id")
		_, _, err = db.AddAttachment(ctx, de, c.ID, sqldb.NewAttachment{Purpose: ercms.AttachOriginal, Name: "x.pdf", Kind: "pdf", Data: pdf})
		wantCode(t, err, ercms.EForbidden, "the requesting side attaches an e-mail original")
		if len(blobs.m) != 0 {
			t.Fatalf("refused uploads stored %d blobs", len(blobs.m))
		}

		var scanAtt *ercms.Attachment
		audit := newAudit(t, db, func() {
			scanAtt, _, err = db.AddAttachment(ctx, de, c.ID, sqldb.NewAttachment{Purpose: ercms.AttachEvidence, EvidenceID: c.Evidence[0].ID,
				Name: "passport.pdf", Kind: "pdf", MIME: "application/pdf", Data: pdf})
			if err != nil {
				t.Fatal(err)
			}
		})
		sum := sha256.Sum256(pdf)
		if scanAtt.SHA256 != hex.EncodeToString(sum[:]) || scanAtt.Size != int64(len(pdf)) || !bytes.Equal(blobs.m[scanAtt.SHA256], pdf) {
			t.Errorf("stored %+v", scanAtt)
		}
		if len(audit) != 1 || audit[0].Recipient != "AZ" || audit[0].Action != "attachment.add" {
			t.Errorf("audit %+v", audit)
		}
		health := []byte("%PDF-1.4\n% medical report\n%%EOF\n")
		if _, _, err := db.AddAttachment(ctx, de, c.ID, sqldb.NewAttachment{Purpose: ercms.AttachForm, Name: "medical.pdf", Kind: "pdf", MIME: "application/pdf", Data: health}); err != nil {
			t.Fatal(err)
		}
		if c2 := readCase(t, db, c.ID); c2.Version != c.Version+2 {
			t.Errorf("version %d after two files, want %d: a file moves the version", c2.Version, c.Version+2)
		} else {
			c = c2
		}

		c = mustAct(t, db, sms, c, ercms.ActRegister, ercms.ActionInput{})
		c = mustAct(t, db, sms, c, ercms.ActStartVerification, ercms.ActionInput{Tasks: []ercms.TaskInput{
			{OrganisationID: civreg.Org.ID, Question: "Birth record?"}, {OrganisationID: police.Org.ID, Question: "Records?"}}})
		var civTask string
		for _, tk := range c.Tasks {
			if tk.OrgID == civreg.Org.ID {
				civTask = tk.ID
			}
		}
		_, _, err = db.AddAttachment(ctx, civreg, c.ID, sqldb.NewAttachment{Purpose: ercms.AttachAnswer, TaskID: "nope", Name: "r.pdf", Kind: "pdf", Data: pdf})
		wantFields(t, err, "task_id")
		extract := []byte("%PDF-1.4\n% birth register extract\n%%EOF\n")
		ans, _, err := db.AddAttachment(ctx, civreg, c.ID, sqldb.NewAttachment{Purpose: ercms.AttachAnswer, TaskID: civTask, Name: "extract.pdf", Kind: "pdf", MIME: "application/pdf", Data: extract})
		if err != nil {
			t.Fatal(err)
		}

		names := func(a ercms.Actor) []string {
			list, err := db.Attachments(ctx, a, c.ID)
			if err != nil {
				t.Fatalf("%s lists: %v", a.Username, err)
			}
			var out []string
			for _, x := range list {
				out = append(out, x.Name)
			}
			return out
		}
		for _, tc := range []struct {
			a    ercms.Actor
			want []string
		}{
			{de, []string{"passport.pdf", "medical.pdf", "extract.pdf"}},
			{sms, []string{"passport.pdf", "medical.pdf", "extract.pdf"}},
			{civreg, []string{"passport.pdf", "extract.pdf"}},
			{police, []string{"passport.pdf"}},
		} {
			if got := names(tc.a); !slices.Equal(got, tc.want) {
				t.Errorf("%s sees %v, want %v", tc.a.Username, got, tc.want)
			}
		}
		_, _, err = db.OpenAttachment(ctx, police, c.ID, ans.ID)
		wantCode(t, err, ercms.ENotFound, "the police opens the registry's answer")
		_, _, err = db.OpenAttachment(ctx, fr, c.ID, scanAtt.ID)
		wantCode(t, err, ercms.ENotFound, "another state opens a scan")
		read := newAudit(t, db, func() {
			_, rc, err := db.OpenAttachment(ctx, police, c.ID, scanAtt.ID)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(b, pdf) {
				t.Error("the opened file differs from the upload")
			}
		})
		if len(read) != 1 || read[0].Action != "attachment.read" {
			t.Errorf("read audit %+v", read)
		}
	})
}

func TestImportApplicationReceivedByEmail(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, sms := act["de.officer"], act["sms.officer"]
		db.Blobs = &memBlobs{}
		today := baku(clock)
		received := today.AddDays(-3)
		original := &sqldb.NewAttachment{Name: "email-2026-02-27.pdf", Kind: "pdf", MIME: "application/pdf", Data: []byte("%PDF-1.4\n% the e-mail\n%%EOF\n")}
		n := application("BPOL-EMAIL-1")

		_, err := db.ImportApplication(ctx, de, de.Org.ID, received, n, original)
		wantCode(t, err, ercms.EForbidden, "a member state imports")
		_, err = db.ImportApplication(ctx, sms, sms.Org.ID, received, n, original)
		wantFields(t, err, "requesting_organisation_id")
		_, err = db.ImportApplication(ctx, sms, de.Org.ID, today.AddDays(1), n, original)
		wantFields(t, err, "received_on")
		incomplete := application("BPOL-EMAIL-2")
		incomplete.Person.Surname = ""
		_, err = db.ImportApplication(ctx, sms, de.Org.ID, received, incomplete, original)
		wantFields(t, err, "person.surname")
		if n := count(t, db, `SELECT COUNT(*) FROM cases`); n != 0 {
			t.Fatalf("refused imports left %d cases", n)
		}

		c, err := db.ImportApplication(ctx, sms, de.Org.ID, received, n, original)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != ercms.StateSubmitted || c.ReceivedOn == nil || *c.ReceivedOn != received || c.RequestingState != "DE" || c.RequestingOrgID != de.Org.ID {
			t.Fatalf("imported case %s received %v from %s", c.Status, c.ReceivedOn, c.RequestingState)
		}
		// The reply clock counts from the e-mail's date: 15 days from it.
		if d := c.Deadline(ercms.ClockReply); d == nil || *d.DueOn != received.AddDays(15) {
			t.Errorf("reply clock %+v, want due %s", d, received.AddDays(15))
		}
		atts, err := db.Attachments(ctx, de, c.ID)
		if err != nil || len(atts) != 1 || atts[0].Purpose != ercms.AttachOriginal {
			t.Errorf("the member state sees attachments %+v: %v", atts, err)
		}
		var tr int
		for _, e := range auditRows(t, db) {
			if e.Action == "case.receive_by_email" && e.Recipient == "AZ" && e.PartyState == "DE" {
				tr++
			}
		}
		if tr != 1 {
			t.Errorf("%d receipt transmissions recorded, want 1", tr)
		}
		if _, err := db.Act(ctx, sms, c.ID, ercms.ActRegister, c.Version, ercms.ActionInput{}); err != nil {
			t.Errorf("the imported case cannot be registered: %v", err)
		}
	})
}

// TestAttachmentRemoveFromDraft: the requesting officer removes a photo
// from a draft application through the door (audited, the version moves,
// nothing is transmitted); another state's officer cannot, a stale
// version is refused, and once the application is submitted its files
// stay.
func TestAttachmentRemoveFromDraft(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqldb.DB, clock *testdb.Clock) {
		act := seed(t, db)
		de, fr := act["de.officer"], act["fr.officer"]
		db.Blobs = &memBlobs{}
		c := createCase(t, db, de, application("DE-DETACH-1"))
		jpeg := []byte("\xff\xd8\xff\xe0 a photo")
		photo, v, err := db.AddAttachment(ctx, de, c.ID, sqldb.NewAttachment{Purpose: ercms.AttachPhoto, Name: "photo.jpg", Kind: "jpeg", MIME: "image/jpeg", Data: jpeg})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.RemoveAttachment(ctx, fr, c.ID, photo.ID, 0)
		wantCode(t, err, ercms.ENotFound, "another state's officer removes the file")
		_, err = db.RemoveAttachment(ctx, de, c.ID, "no-such-file", 0)
		wantCode(t, err, ercms.ENotFound, "a file that is not there")
		_, err = db.RemoveAttachment(ctx, de, c.ID, photo.ID, v-1)
		wantCode(t, err, ercms.EPreconditionFailed, "a stale version")
		var nv int
		audit := newAudit(t, db, func() {
			if nv, err = db.RemoveAttachment(ctx, de, c.ID, photo.ID, v); err != nil {
				t.Fatal(err)
			}
		})
		if nv != v+1 {
			t.Errorf("version %d after the removal, want %d", nv, v+1)
		}
		if len(audit) != 1 || audit[0].Action != ercms.ChangeDetach || audit[0].Recipient != "" || audit[0].Purpose != ercms.AttachPhoto {
			t.Errorf("audit %+v", audit)
		}
		if list, err := db.Attachments(ctx, de, c.ID); err != nil || len(list) != 0 {
			t.Errorf("the draft still lists %+v (%v)", list, err)
		}
		_, err = db.RemoveAttachment(ctx, de, c.ID, photo.ID, 0)
		wantCode(t, err, ercms.ENotFound, "a file removed twice")

		scan, _, err := db.AddAttachment(ctx, de, c.ID, sqldb.NewAttachment{Purpose: ercms.AttachPhoto, Name: "photo2.jpg", Kind: "jpeg", MIME: "image/jpeg", Data: jpeg})
		if err != nil {
			t.Fatal(err)
		}
		c = mustAct(t, db, de, readCase(t, db, c.ID), ercms.ActSubmit, ercms.ActionInput{})
		_, err = db.RemoveAttachment(ctx, de, c.ID, scan.ID, 0)
		wantCode(t, err, ercms.EConflict, "a file of a submitted application")
		if list, _ := db.Attachments(ctx, de, c.ID); len(list) != 1 {
			t.Errorf("the submitted application lists %d files, want 1", len(list))
		}
	})
}
