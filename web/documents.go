package web

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/mrz"
	"github.com/ercms/ercms/pdf"
	"github.com/ercms/ercms/seal"
	"github.com/ercms/ercms/sqldb"
)

// Document kinds a case can be printed as.
var documentKinds = []string{"application", "reply", "transfer_notice", "transit_reply", "travel_document", "eu_travel_document", "dossier"}

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
	if c.TravelDocument != nil && c.TravelDocument.Kind == ercms.TravelDocumentEUStandard {
		out = append(out, "eu_travel_document")
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
		Refusal:   func(code string) string { return s.ui.refusalLabel(lang, code) },
		Evidence:  func(code string) string { return s.ui.evidenceLabel(lang, code) },
		LocalTime: func(hhmm string, d civil.Date) string { return s.ui.localTime(lang, hhmm, d, c.RequestingState) }}
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
	case "eu_travel_document":
		photo, err := s.photoOf(ctx, a, c)
		if err != nil {
			return nil, err
		}
		return pdf.EUTravelDocument(c, photo, o)
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
	// The issuing side chooses the document's language; the reader's by default.
	lang := rq.lang
	if l, ok := i18n.Parse(rq.r.URL.Query().Get("lang")); ok {
		lang = l
	}
	b, err := u.s.renderDocument(rq.r.Context(), *rq.actor, c, kind, lang, u.s.BaseURL())
	if err == nil {
		err = u.s.db.RecordDocument(rq.r.Context(), *rq.actor, c, kind, b)
	}
	if err != nil {
		u.fail(rq, err)
		return
	}
	writePDF(rq.w, c.Reference+"-"+kind+".pdf", b)
}

// Verification is what the verification of a travel document says: of
// its Visible Digital Seal (Seal), of its old signed token (Claims), or of
// the record its short link names (Document).
type Verification struct {
	Valid  bool         `json:"valid"`
	Reason string       `json:"reason,omitempty"` // bad_signature, unknown_key, malformed, replaced, revoked, expired, unknown, not_found
	Claims *seal.Claims `json:"claims,omitempty"`
	Known  bool         `json:"issued_here"`
	// Seal is what a verified seal says.
	Seal *SealView `json:"seal,omitempty"`
	// Document is this deployment's record of the document.
	Document *DocumentView `json:"document,omitempty"`
}

// SealView is the content of a verified Visible Digital Seal.
type SealView struct {
	Country  string   `json:"issuing_country"` // as the MRZ writes it
	SignerID string   `json:"signer_id"`
	CertRef  string   `json:"certificate_reference"`
	IssuedOn string   `json:"issued_on"`
	SignedOn string   `json:"signed_on"`
	MRZ      []string `json:"mrz"`
}

// DocumentView is what the deployment's record says of a travel document.
type DocumentView struct {
	Number     string `json:"number"`
	IssuedOn   string `json:"issued_on"`
	ValidUntil string `json:"valid_until,omitempty"`
}

// verifyInput checks what a reader brings: the short link of a QR code (or
// its id), the address of an old QR code, an old token, or a seal's bytes
// (hex or base64, as a DataMatrix reader gives them).
func (s *Server) verifyInput(ctx context.Context, input, id string) (Verification, error) {
	in := strings.TrimSpace(input)
	if i := strings.Index(in, "/verify?"); i >= 0 {
		q, _ := url.ParseQuery(in[i+len("/verify?"):])
		if d := q.Get("d"); d != "" {
			return s.verifyID(ctx, d)
		}
		in = strings.TrimSpace(q.Get("t"))
	}
	if in == "" && id != "" {
		return s.verifyID(ctx, id)
	}
	if b, ok := seal.ReadSealText(in); ok {
		return s.verifySeal(ctx, b)
	}
	return s.verify(ctx, in)
}

// inForce says why a document this deployment knows is no longer valid.
func (s *Server) inForce(v *Verification, st sqldb.TravelDocumentStatus, validUntil string) {
	v.Known = st.Known
	switch {
	case !st.Known:
		v.Valid, v.Reason = false, "unknown"
	case st.Replaced:
		v.Valid, v.Reason = false, "replaced"
	case st.Revoked():
		v.Valid, v.Reason = false, "revoked"
	case validUntil != "" && validUntil < s.db.Today().String():
		v.Valid, v.Reason = false, "expired"
	}
}

// verifySeal checks a Visible Digital Seal with the deployment's
// certificates, then what the store knows of the document its MRZ names.
func (s *Server) verifySeal(ctx context.Context, b []byte) (Verification, error) {
	sealer, ok := s.db.Signer.(vdsSealer)
	if !ok {
		return Verification{Reason: "unknown_key"}, nil
	}
	pemCerts, err := sealer.Certificates()
	if err != nil {
		return Verification{}, err
	}
	certs, err := seal.ParseCertificates(pemCerts)
	if err != nil {
		return Verification{}, err
	}
	v, err := seal.VerifyVDS(b, certs)
	switch {
	case errors.Is(err, seal.ErrBadSignature):
		return Verification{Reason: "bad_signature"}, nil
	case errors.Is(err, seal.ErrUnknownKey):
		return Verification{Reason: "unknown_key"}, nil
	case err != nil:
		return Verification{Reason: "malformed"}, nil
	}
	lines := v.MRZ()
	res := Verification{Valid: true, Seal: &SealView{Country: v.Country, SignerID: v.SignerID, CertRef: v.CertRef,
		IssuedOn: v.IssuedOn.Format(time.DateOnly), SignedOn: v.SignedOn.Format(time.DateOnly), MRZ: lines}}
	if len(lines) != 2 || !mrz.Valid(lines[1]) {
		return Verification{Reason: "malformed"}, nil
	}
	number, expiry := mrz.DocumentNumber(lines[1]), mrz.Expiry(lines[1])
	st, err := s.db.TravelDocumentByMRZ(ctx, number, expiry)
	if err != nil {
		return res, err
	}
	if st.Known {
		res.Document = &DocumentView{Number: st.Number, IssuedOn: st.IssuedOn, ValidUntil: st.ValidUntil}
	}
	s.inForce(&res, st.TravelDocumentStatus, expiry)
	return res, nil
}

var documentID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// verifyID looks up the document a short verification link names: the
// link carries no signature, so the answer is the record of this
// deployment (reached over its own address).
func (s *Server) verifyID(ctx context.Context, id string) (Verification, error) {
	if !documentID.MatchString(id) { // ids are UUIDs: anything else is no document, never a database error
		return Verification{Reason: "not_found"}, nil
	}
	st, err := s.db.TravelDocumentByID(ctx, id)
	if err != nil {
		return Verification{}, err
	}
	if !st.Known {
		return Verification{Reason: "not_found"}, nil
	}
	v := Verification{Valid: true, Document: &DocumentView{Number: st.Number, IssuedOn: st.IssuedOn, ValidUntil: st.ValidUntil}}
	s.inForce(&v, st.TravelDocumentStatus, st.ValidUntil)
	return v, nil
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
	s.inForce(&v, st, c.ValidUntil)
	return v, nil
}

func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request, _ ercms.Actor) error {
	q := r.URL.Query()
	v, err := s.verifyInput(r.Context(), q.Get("t"), strings.TrimSpace(q.Get("d")))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// apiCertificates serves the seal certificates (PEM): what a border
// reader loads to verify the DataMatrix of a travel document.
func (s *Server) apiCertificates(w http.ResponseWriter, r *http.Request, _ ercms.Actor) error {
	k, ok := s.db.Signer.(vdsSealer)
	if !ok {
		return ercms.Fail(ercms.ENotFound, "err.api.no_signing")
	}
	b, err := k.Certificates()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Header().Set("Content-Disposition", "attachment; filename=ercms-seal-certificates.pem")
	_, err = w.Write(b)
	return err
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
	q := rq.r.URL.Query()
	token, id := strings.TrimSpace(q.Get("t")), strings.TrimSpace(q.Get("d"))
	var v *Verification
	if token != "" || id != "" {
		res, err := u.s.verifyInput(rq.r.Context(), token, id)
		if err != nil {
			u.fail(rq, err)
			return
		}
		v = &res
	}
	u.render(rq, http.StatusOK, "verify", page{Title: rq.t("verify.title"), Data: map[string]any{"Result": v, "Token": token}})
}

// verifyUpload checks a file a DataMatrix reader saved: the seal's raw
// bytes, or its text (hex, base64, the QR code's link, an older token).
func (u *ui) verifyUpload(rq *request) {
	var v *Verification
	token := ""
	f, _, err := rq.r.FormFile("seal")
	if err == nil {
		b, rerr := io.ReadAll(io.LimitReader(f, 16<<10))
		f.Close()
		var res Verification
		switch {
		case rerr != nil:
			err = rerr
		case len(b) > 0 && b[0] == seal.VDSMagic:
			res, err = u.s.verifySeal(rq.r.Context(), b)
			token = hex.EncodeToString(b)
		default:
			token = strings.TrimSpace(strings.ToValidUTF8(string(b), ""))
			res, err = u.s.verifyInput(rq.r.Context(), token, "")
		}
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
	s.add("GET", "/api/v1/certificates", false, s.apiCertificates)
}
