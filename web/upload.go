package web

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/blob"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
)

// uploadPolicy is what a file of purpose may be: a photo is an image;
// fingerprints are in a format the case's agreement profile allows (or an
// image); everything else a PDF or an image.
func (s *Server) uploadPolicy(ctx context.Context, c *ercms.Case, purpose string) blob.Policy {
	p := blob.Policy{MaxBytes: maxUpload}
	switch purpose {
	case ercms.AttachPhoto:
		p.Kinds = []blob.Kind{blob.JPEG, blob.PNG}
	case ercms.AttachFingerprints:
		p.Kinds = []blob.Kind{blob.PNG}
		if prof, err := s.db.ProfileFor(c.RequestingState); err == nil {
			for _, f := range prof.FingerprintFormats {
				p.Kinds = append(p.Kinds, blob.Kind(f))
			}
		}
	default:
		p.Kinds = slices.Clone(blob.Documents)
	}
	return p
}

// attach checks an upload and attaches it to case c. A refused file stores
// nothing: Check runs before the store is touched.
func (s *Server) attach(ctx context.Context, a ercms.Actor, c *ercms.Case, purpose, evidenceID, taskID, name string, data []byte) (*ercms.Attachment, int, error) {
	if !slices.Contains(ercms.AttachmentPurposes, purpose) {
		return nil, 0, ercms.FieldError("purpose", "field.api.purpose", "purposes", ercms.AttachmentPurposes)
	}
	f, err := blob.Check(name, data, s.uploadPolicy(ctx, c, purpose))
	if err != nil {
		return nil, 0, err
	}
	return s.db.AddAttachment(ctx, a, c.ID, sqldb.NewAttachment{Purpose: purpose, EvidenceID: evidenceID, TaskID: taskID,
		Name: f.Name, Kind: string(f.Kind), MIME: f.MIME, Data: f.Data})
}

// uploadFile attaches a file from the case page's form.
func (u *ui) uploadFile(rq *request) {
	d, ok := u.loadCase(rq)
	if !ok {
		return
	}
	f := rq.r.PostForm
	values := fieldValues{"purpose": f.Get("purpose"), "evidence_id": f.Get("evidence_id"), "task_id": f.Get("task_id")}
	att, fields, err := u.attachPosted(rq, d.Case)
	if err != nil {
		u.fail(rq, err)
		return
	}
	if fields != nil {
		u.sectionError(rq, "files", values, fields)
		return
	}
	u.flash(rq, rq.t("files.attached", "name", att.Name))
	http.Redirect(rq.w, rq.r, "/cases/"+url.PathEscape(d.Case.ID)+"/files", http.StatusSeeOther)
}

// attachPosted attaches the file of a posted form (fields purpose,
// evidence_id, task_id, file) to case c, checked like every upload. A file
// refused gives the message of each field at fault, in the reader's
// language, and stores nothing.
func (u *ui) attachPosted(rq *request, c *ercms.Case) (*ercms.Attachment, map[string]string, error) {
	f := rq.r.PostForm
	file, hdr, err := rq.r.FormFile("file")
	if err != nil {
		return nil, map[string]string{"file": rq.t("upload.error.choose")}, nil
	}
	data, err := io.ReadAll(io.LimitReader(file, maxUpload+1))
	file.Close()
	if err != nil {
		return nil, nil, err
	}
	att, _, err := u.s.attach(rq.r.Context(), *rq.actor, c, f.Get("purpose"), f.Get("evidence_id"), f.Get("task_id"), rawFilename(hdr), data)
	if reason := blob.Reason(err); reason != "" {
		return nil, map[string]string{"file": rq.t("upload.error."+reason, "max", i18n.FormatBytes(rq.lang, maxUpload))}, nil
	}
	if fields, ok := u.errorTexts(rq, err); ok {
		return nil, fields, nil
	}
	return att, nil, err
}

// apiUpload attaches a file sent as multipart/form-data (fields purpose,
// evidence_id, task_id, file).
func (s *Server) apiUpload(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return badBody("err.api.multipart", "file", "field.api.one_file", "max", i18n.Bytes(maxUpload))
	}
	for name, values := range r.MultipartForm.Value {
		for _, v := range values {
			if key, char := ercms.RefusedText(v, false); key != "" {
				return badBody("err.api.body", name, key, "char", char)
			}
		}
	}
	c, err := s.db.FindCase(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return ercms.FieldError("file", "field.api.file_field")
	}
	data, err := io.ReadAll(file)
	file.Close()
	if err != nil {
		return err
	}
	att, version, err := s.attach(r.Context(), a, c, r.FormValue("purpose"), r.FormValue("evidence_id"), r.FormValue("task_id"), rawFilename(hdr), data)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID+"/attachments/"+att.ID)
	w.Header().Set("ETag", etag(version)) // the file moved the case's version
	return writeJSON(w, http.StatusCreated, att)
}

func (s *Server) apiAttachments(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	list, err := s.db.Attachments(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	if list == nil {
		list = []ercms.Attachment{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"attachments": list})
}

func (s *Server) apiDownload(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	t, rc, err := s.db.OpenAttachment(r.Context(), a, r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		return err
	}
	defer rc.Close()
	serveAttachment(w, t, rc)
	return nil
}

// serveAttachment writes a file: re-encoded images inline, everything else
// as a download; never sniffed, never cached, never run.
func serveAttachment(w http.ResponseWriter, t *ercms.Attachment, rc io.Reader) {
	h := w.Header()
	h.Set("Content-Type", t.MIME)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox")
	disposition := "attachment"
	if t.Image() {
		disposition = "inline"
	}
	h.Set("Content-Disposition", disposition+"; filename*=UTF-8''"+url.PathEscape(t.Name))
	_, _ = io.Copy(w, rc)
}

// rawFilename returns the file name as the client sent it. Go's multipart
// reader keeps only the last element of a path; a name with a path is
// refused instead (blob.Check), so that nothing is stored under a name the
// sender did not mean.
func rawFilename(h *multipart.FileHeader) string {
	_, params, err := mime.ParseMediaType(h.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] == "" {
		return h.Filename
	}
	return params["filename"]
}
