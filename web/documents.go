package web

import (
	"context"
	"crypto/ed25519"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/mrz"
	"github.com/ercms/ercms/pdf"
	"github.com/ercms/ercms/seal"
)

// Document kinds a case can be printed as.
var documentKinds = []string{"application", "reply", "transfer_notice", "transit_reply", "travel_document", "dossier"}

// documentsOf lists the documents case c has now.
func documentsOf(c *ercms.Case) []string {
	var out []string
	if c.Type == ercms.TypeTransit {
		out = append(out, "application")
		if c.Decision != nil && c.Decision.DecidedOn != nil {
			out = append(out, "transit_reply")
		}
		return append(out, "dossier")
	}
	if !c.NoApplication {
		out = append(out, "application")
	}
	if (c.Decision != nil && c.Decision.DecidedOn != nil) || c.Status == ercms.StateDeemedApproved {
		out = append(out, "reply")
	}
	if c.Transfer != nil {
		out = append(out, "transfer_notice")
	}
	if c.TravelDocument != nil && c.TravelDocument.Kind == ercms.TravelDocumentNational {
		out = append(out, "travel_document")
	}
	return append(out, "dossier")
}

// keyLookup is what a signer offers to verify: its public keys.
type keyLookup interface {
	Lookup(kid string) (ed25519.PublicKey, bool)
}

// renderDocument writes document kind of case c (as a seen by a) in lang.
// The download is audited; a party's download of a form it sends to the
// other side is recorded as a transmission (the e-mail channel).
func (s *Server) renderDocument(ctx context.Context, a ercms.Actor, c *ercms.Case, kind string, lang i18n.Lang, baseURL string) ([]byte, error) {
	if !slices.Contains(documentsOf(c), kind) {
		return nil, ercms.Fail(ercms.ENotFound, "err.api.no_document")
	}
	orgs, err := s.db.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.NameIn(lang)
	}
	o := pdf.Options{Lang: lang, Org: func(id string) string { return names[id] }, Now: s.db.Now(), Loc: s.db.Location(),
		Refusal:  func(code string) string { return s.ui.refusalLabel(lang, code) },
		Evidence: func(code string) string { return s.ui.evidenceLabel(lang, code) }}
	switch kind {
	case "application":
		return pdf.Application(c, o)
	case "reply":
		return pdf.Reply(c, o)
	case "transfer_notice":
		return pdf.TransferNotice(c, o)
	case "transit_reply":
		return pdf.TransitReply(c, o)
	case "travel_document":
		photo, err := s.photoOf(ctx, a, c)
		if err != nil {
			return nil, err
		}
		ts, err := s.travelDocumentSeal(ctx, c, baseURL, &o, lang)
		if err != nil {
			return nil, err
		}
		return pdf.TravelDocument(c, photo, ts, o)
	}
	// The dossier: every form of the case and every file a may see.
	var docs, images [][]byte
	for _, k := range documentsOf(c) {
		if k == "dossier" {
			continue
		}
		b, err := s.renderDocument(ctx, a, c, k, lang, baseURL)
		if err != nil {
			return nil, err
		}
		docs = append(docs, b)
	}
	files, err := s.db.Attachments(ctx, a, c.ID)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if f.Kind != "pdf" && !f.Image() {
			continue // fingerprint files are not printable
		}
		_, rc, err := s.db.OpenAttachment(ctx, a, c.ID, f.ID)
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		if f.Image() {
			images = append(images, b)
		} else {
			docs = append(docs, b)
		}
	}
	return pdf.Dossier(docs, images, o)
}

// vdsSealer is what a signer offers to seal travel documents (a seal.Keyring).
type vdsSealer interface {
	SealVDS(seal.SealData) ([]byte, error)
	Certificates() ([]byte, error)
}

// travelDocumentSeal makes what a printed travel document carries to be
// checked: its machine-readable zone, its Visible Digital Seal (signed now
// by the issuing state's document signer) and the short verification link
// (the signed document's id); it names the agreement and the issuing
// officer in o.
func (s *Server) travelDocumentSeal(ctx context.Context, c *ercms.Case, baseURL string, o *pdf.Options, lang i18n.Lang) (pdf.TravelDocumentSeal, error) {
	ts := pdf.TravelDocumentSeal{MRZ: pdf.MRZ(c)}
	if p, err := s.db.ProfileFor(c.RequestingState); err == nil && p != nil {
		o.Agreement = p.NameIn(lang)
	}
	info, err := s.db.TravelDocumentPrint(ctx, c)
	if err != nil {
		return ts, err
	}
	o.Officer = info.Officer
	if info.ID != "" {
		ts.Link = strings.TrimRight(baseURL, "/") + "/verify?d=" + info.ID
	}
	td := c.TravelDocument
	sealer, ok := s.db.Signer.(vdsSealer)
	if !ok || td.IssuedOn == nil {
		return ts, nil
	}
	issuer := c.TravelDocumentIssuer()
	ts.VDS, err = sealer.SealVDS(seal.SealData{IssuingState: issuer, Country: mrz.Country(issuer),
		IssuedOn: time.Date(td.IssuedOn.Year, td.IssuedOn.Month, td.IssuedOn.Day, 0, 0, 0, 0, time.UTC), MRZ: ts.MRZ[:]})
	return ts, err
}

// photoOf returns the newest photo of the case a may see, or nil.
func (s *Server) photoOf(ctx context.Context, a ercms.Actor, c *ercms.Case) ([]byte, error) {
	files, err := s.db.Attachments(ctx, a, c.ID)
	if err != nil {
		return nil, err
	}
	for i := len(files) - 1; i >= 0; i-- {
		if files[i].Purpose == ercms.AttachPhoto {
			_, rc, err := s.db.OpenAttachment(ctx, a, c.ID, files[i].ID)
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return io.ReadAll(rc)
		}
	}
	return nil, nil
}

func writePDF(w http.ResponseWriter, name string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(b)
}

// caseDocument serves a document of a case to the API.
func (s *Server) caseDocument(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	c, err := s.db.FindCase(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	lang, ok := i18n.Parse(r.URL.Query().Get("lang"))
	if !ok {
		lang = i18n.Negotiate(r.Header.Get("Accept-Language"))
	}
	kind := r.PathValue("kind")
	b, err := s.renderDocument(r.Context(), a, c, kind, lang, s.BaseURL())
	if err != nil {
		return err
	}
	if err := s.db.RecordDocument(r.Context(), a, c, kind, b); err != nil {
		return err
	}
	writePDF(w, c.Reference+"-"+kind+".pdf", b)
	return nil
}

func (u *ui) caseDocument(rq *request) {
	c, err := u.s.db.FindCase(rq.r.Context(), *rq.actor, rq.r.PathValue("id"))
	if err != nil {
		u.fail(rq, err)
		return
	}
	kind := rq.r.PathValue("kind")
	b, err := u.s.renderDocument(rq.r.Context(), *rq.actor, c, kind, rq.lang, u.s.BaseURL())
	if err == nil {
		err = u.s.db.RecordDocument(rq.r.Context(), *rq.actor, c, kind, b)
	}
	if err != nil {
		u.fail(rq, err)
		return
	}
	writePDF(rq.w, c.Reference+"-"+kind+".pdf", b)
}

// Verification is what the verification of a travel document's token says.
type Verification struct {
	Valid  bool         `json:"valid"`
	Reason string       `json:"reason,omitempty"` // bad_signature, unknown_key, malformed, replaced, revoked, expired, unknown
	Claims *seal.Claims `json:"claims,omitempty"`
	Known  bool         `json:"issued_here"`
}

// verify checks a token's signature with the deployment's keys, then what
// the store knows of the document now.
func (s *Server) verify(ctx context.Context, token string) (Verification, error) {
	keys, ok := s.db.Signer.(keyLookup)
	if !ok {
		return Verification{Reason: "unknown_key"}, nil
	}
	c, err := seal.Verify(token, keys.Lookup)
	switch {
	case errors.Is(err, seal.ErrBadSignature):
		return Verification{Reason: "bad_signature"}, nil
	case errors.Is(err, seal.ErrUnknownKey):
		return Verification{Reason: "unknown_key"}, nil
	case err != nil:
		return Verification{Reason: "malformed"}, nil
	}
	v := Verification{Valid: true, Claims: &c}
	st, err := s.db.TravelDocumentStatus(ctx, token)
	if err != nil {
		return v, err
	}
	v.Known = st.Known
	switch {
	case !st.Known:
		v.Valid, v.Reason = false, "unknown"
	case st.Replaced:
		v.Valid, v.Reason = false, "replaced"
	case st.Revoked():
		v.Valid, v.Reason = false, "revoked"
	case c.ValidUntil != "" && c.ValidUntil < s.db.Today().String():
		v.Valid, v.Reason = false, "expired"
	}
	return v, nil
}

func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request, _ ercms.Actor) error {
	v, err := s.verify(r.Context(), strings.TrimSpace(r.URL.Query().Get("t")))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiPublicKeys(w http.ResponseWriter, r *http.Request, _ ercms.Actor) error {
	k, ok := s.db.Signer.(interface{ ExportPublic() ([]byte, error) })
	if !ok {
		return ercms.Fail(ercms.ENotFound, "err.api.no_signing")
	}
	b, err := k.ExportPublic()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(b)
	return err
}

func (u *ui) verifyPage(rq *request) {
	token := strings.TrimSpace(rq.r.URL.Query().Get("t"))
	var v *Verification
	if token != "" {
		res, err := u.s.verify(rq.r.Context(), token)
		if err != nil {
			u.fail(rq, err)
			return
		}
		v = &res
	}
	u.render(rq, http.StatusOK, "verify", page{Title: rq.t("verify.title"), Data: map[string]any{"Result": v, "Token": token}})
}

// documentRoutes registers the documents of the API and the pages.
func (s *Server) documentRoutes() {
	s.add("GET", "/api/v1/cases/{id}/documents/{kind}", true, s.caseDocument)
	s.add("GET", "/api/v1/verify", false, s.apiVerify)
	s.add("GET", "/api/v1/keys", false, s.apiPublicKeys)
}
