package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/blob"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/pdf"
	"github.com/ercms/ercms/sqldb"
)

// workflowRoutes are the API of the workflow's depth: messages between the
// parties, notifications, the change feed and webhooks of member states'
// systems, absence cover.
func (s *Server) workflowRoutes() {
	s.add("GET", "/api/v1/cases/{id}/messages", true, s.listMessages)
	s.add("POST", "/api/v1/cases/{id}/messages", true, s.sendMessage)
	s.add("GET", "/api/v1/notifications", true, s.notifications)
	s.add("POST", "/api/v1/notifications/read", true, s.readNotifications)
	s.add("PUT", "/api/v1/me/email", true, s.setEmail)
	s.add("GET", "/api/v1/feed", true, s.feed)
	s.add("GET", "/api/v1/webhooks", true, s.listWebhooks)
	s.add("POST", "/api/v1/webhooks", true, s.createWebhook)
	s.add("DELETE", "/api/v1/webhooks/{id}", true, s.deleteWebhook)
	s.add("POST", "/api/v1/absence-cover", true, s.absenceCover)
	s.add("PUT", "/api/v1/cases/{id}/tasks/{task}/schedule", true, s.scheduleInterview)
	s.add("GET", "/api/v1/cases/{id}/export", true, s.exportApplication)
	s.add("GET", "/api/v1/cases/{id}/attachments", true, s.apiAttachments)
	s.add("POST", "/api/v1/cases/{id}/attachments", true, s.apiUpload)
	s.add("GET", "/api/v1/cases/{id}/attachments/{file}", true, s.apiDownload)
	s.add("POST", "/api/v1/imports", true, s.importApplication)
	s.add("GET", "/api/v1/forms/application", true, s.apiBlankForm)
	s.add("POST", "/api/v1/transfer-operations", true, s.notifyGroupTransfer)
	s.add("GET", "/api/v1/transfer-operations/{id}", true, s.transferOperation)
	s.add("POST", "/api/v1/transfer-operations/{id}/actions/{action}", true, s.actOnOperation)
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	msgs, err := s.db.Messages(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	if msgs == nil {
		msgs = []ercms.Message{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var m ercms.NewMessage
	if err := decode(r, &m); err != nil {
		return err
	}
	out, err := s.db.SendMessage(r.Context(), a, r.PathValue("id"), m)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *Server) notifications(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	notes, unread, err := s.db.Notifications(r.Context(), a, 50)
	if err != nil {
		return err
	}
	if notes == nil {
		notes = []ercms.Notification{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"notifications": notes, "unread": unread})
}

func (s *Server) readNotifications(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var body struct {
		CaseID string `json:"case_id"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &body); err != nil {
			return err
		}
	}
	if err := s.db.MarkNotificationsRead(r.Context(), a, body.CaseID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) setEmail(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var body struct {
		Email string `json:"email"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := s.db.SetEmail(r.Context(), a, a.UserID, body.Email); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) feed(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	q := r.URL.Query()
	var after int64
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return badQuery("after", "field.api.after_cursor")
		}
		after = n
	}
	limit := sqldb.MaxFeed
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > sqldb.MaxFeed {
			return badQuery("limit", "field.api.limit", "max", sqldb.MaxFeed)
		}
		limit = n
	}
	evs, err := s.db.Feed(r.Context(), a, after, limit)
	if err != nil {
		return err
	}
	if evs == nil {
		evs = []sqldb.FeedEvent{}
	}
	next := after
	if len(evs) > 0 {
		next = evs[len(evs)-1].Cursor
	}
	return writeJSON(w, http.StatusOK, map[string]any{"events": evs, "cursor": next})
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	hooks, err := s.db.Webhooks(r.Context(), a)
	if err != nil {
		return err
	}
	if hooks == nil {
		hooks = []sqldb.Webhook{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"webhooks": hooks})
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var body struct {
		URL string `json:"url"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	hook, err := s.db.CreateWebhook(r.Context(), a, body.URL)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, hook)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	if err := s.db.DeleteWebhook(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) absenceCover(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var body struct {
		From string `json:"from_user_id"`
		To   string `json:"to_user_id"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	moved, err := s.db.CoverAbsence(r.Context(), a, body.From, body.To)
	if err != nil {
		return err
	}
	if moved == nil {
		moved = []string{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"moved": moved})
}

func (s *Server) notifyGroupTransfer(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	// The transfer is notify_transfer's: its system fields (notified_on,
	// late_notice, handover) are refused, as on a single case.
	var body struct {
		Cases    []sqldb.CaseVersion  `json:"cases"`
		Transfer ercms.TransferNotice `json:"transfer"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	op, err := s.db.NotifyGroupTransfer(r.Context(), a, body.Cases, *ercms.Union(ercms.NotifyTransfer{Transfer: &body.Transfer}).Transfer)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/transfer-operations/"+op.ID)
	return writeJSON(w, http.StatusCreated, op)
}

func (s *Server) transferOperation(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	op, err := s.db.TransferOperation(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, op)
}

// actOnOperation takes an action on cases of a group transfer. The body
// holds the cases it applies to, with the versions seen ("cases"), and
// beside them the fields of the action's own input, decoded as the case
// action's are: a field of another action is refused.
func (s *Server) actOnOperation(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return badJSON(err, nil, nil)
	}
	if err := refusedJSON(raw); err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return badJSON(err, nil, nil)
	}
	var body struct {
		Cases []sqldb.CaseVersion `json:"cases"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return badJSON(err, raw, reflect.TypeOf(&body))
	}
	delete(fields, "cases")
	rest, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	in, err := decodeAction(bytes.NewReader(rest), r.PathValue("action"))
	if err != nil {
		return err
	}
	op, err := s.db.ActOnOperation(r.Context(), a, r.PathValue("id"), r.PathValue("action"), body.Cases, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, op)
}

func (s *Server) scheduleInterview(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var body struct {
		ScheduledAt time.Time `json:"scheduled_at"`
		Place       string    `json:"place"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	c, err := s.db.ScheduleInterview(r.Context(), a, r.PathValue("id"), version, r.PathValue("task"), body.ScheduledAt, body.Place)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Version))
	return writeJSON(w, http.StatusOK, s.view(r, a, c))
}

func (s *Server) exportApplication(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	if ercms.Side(a) == "" {
		return ercms.Fail(ercms.EForbidden, "err.api.export_parties")
	}
	c, err := s.db.FindCase(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+c.Reference+`.json"`)
	return writeJSON(w, http.StatusOK, ercms.ExportApplication(c))
}

// importBody is an application received by e-mail, entered through the API.
type importBody struct {
	RequestingOrganisationID string        `json:"requesting_organisation_id"`
	ReceivedOn               civil.Date    `json:"received_on"`
	Application              ercms.NewCase `json:"application"`
	// Form is our fillable application form as filled in (PDF, base64),
	// instead of application.
	Form []byte `json:"form,omitempty"`
	// Original is the e-mail as received (PDF or image), base64 in JSON.
	Original *struct {
		Name    string `json:"name"`
		Content []byte `json:"content"`
	} `json:"original,omitempty"`
}

// fileAs moves the message of e's field "file" (the error of a file
// checked on its own) to the field of the body that held the file.
func fileAs(e *ercms.Error, field string) *ercms.Error {
	out := &ercms.Error{Code: e.Code, Message: e.Message, Args: e.Args, Fields: map[string]string{field: e.Fields["file"]}}
	if a := e.FieldArgs["file"]; a != nil {
		out.FieldArgs = map[string]map[string]any{field: a}
	}
	return out
}

func (s *Server) importApplication(w http.ResponseWriter, r *http.Request, a ercms.Actor) error {
	var body importBody
	if err := decode(r, &body); err != nil {
		return err
	}
	if len(body.Form) > 0 {
		n, err := pdf.ReadApplicationForm(body.Form)
		if err != nil {
			var e *ercms.Error
			if errors.As(err, &e) && e.Fields["file"] != "" {
				return fileAs(e, "form")
			}
			return err
		}
		body.Application = n
	}
	var original *sqldb.NewAttachment
	if o := body.Original; o != nil {
		f, err := blob.Check(o.Name, o.Content, blob.Policy{MaxBytes: maxUpload, Kinds: blob.Documents})
		if err != nil {
			var e *ercms.Error
			if errors.As(err, &e) {
				return fileAs(e, "original")
			}
			return err
		}
		original = &sqldb.NewAttachment{Name: f.Name, Kind: string(f.Kind), MIME: f.MIME, Data: f.Data}
	}
	c, err := s.db.ImportApplication(r.Context(), a, body.RequestingOrganisationID, body.ReceivedOn, body.Application, original)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	w.Header().Set("ETag", etag(c.Version))
	return writeJSON(w, http.StatusCreated, s.view(r, a, c))
}

func (s *Server) apiBlankForm(w http.ResponseWriter, r *http.Request, _ ercms.Actor) error {
	lang, ok := i18n.Parse(r.URL.Query().Get("lang"))
	if !ok {
		lang = i18n.Negotiate(r.Header.Get("Accept-Language"))
	}
	b, err := pdf.ApplicationForm(nil, pdf.Options{Lang: lang})
	if err != nil {
		return err
	}
	writePDF(w, "readmission-application-form.pdf", b)
	return nil
}
