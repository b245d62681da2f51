package web

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/deadline"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/names"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Cookie names.
const (
	sessionCookie = "ercms_session"
	langCookie    = "ercms_lang"
	preCSRFCookie = "ercms_pre" // CSRF token of the sign-in form, before a session exists
	flashCookie   = "ercms_flash"
)

// contentSecurityPolicy allows only our own scripts, styles and images: no
// inline script, no eval, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// ui renders the web application.
type ui struct {
	s      *Server
	cat    *i18n.Catalog
	pages  map[string]*template.Template
	assets map[string]asset // by hashed name
	named  map[string]string
	// countries are the options of a country list in each language, sorted by name.
	countries map[i18n.Lang][]i18n.Country
}

type asset struct {
	body        []byte
	contentType string
}

func newUI(s *Server) *ui {
	u := &ui{s: s, cat: i18n.Default(), pages: map[string]*template.Template{}, assets: map[string]asset{}, named: map[string]string{}, countries: map[i18n.Lang][]i18n.Country{}}
	for _, l := range i18n.Languages {
		u.countries[l] = u.cat.Countries(l, ercms.Countries())
	}
	for _, name := range []string{"app.css", "app.js"} {
		b, err := assetFS.ReadFile("assets/" + name)
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		ct := "text/css; charset=utf-8"
		if ext == ".js" {
			ct = "text/javascript; charset=utf-8"
		}
		u.assets[hashed] = asset{body: b, contentType: ct}
		u.named[name] = "/assets/" + hashed
	}
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "base" || name == "partials" {
			continue
		}
		t := template.Must(template.New(name).Funcs(u.funcs(i18n.EN)).ParseFS(templateFS, "templates/base.html", "templates/partials.html", f))
		u.pages[name] = t
	}
	return u
}

// funcs returns the template functions for a language.
func (u *ui) funcs(l i18n.Lang) template.FuncMap {
	today := u.s.db.Today()
	return template.FuncMap{
		"t": func(key string, args ...any) string {
			kv := make([]string, len(args))
			for i, a := range args {
				kv[i] = fmt.Sprint(a)
			}
			return u.cat.T(l, key, kv...)
		},
		"has":   func(key string) bool { return u.cat.Has(l, key) },
		"asset": func(name string) string { return u.named[name] },
		"date": func(d any) string {
			switch v := d.(type) {
			case civil.Date:
				return i18n.FormatDate(l, v)
			case *civil.Date:
				if v == nil {
					return ""
				}
				return i18n.FormatDate(l, *v)
			}
			return ""
		},
		"datetime": func(v any) string {
			var t time.Time
			switch x := v.(type) {
			case time.Time:
				t = x
			case *time.Time:
				if x == nil {
					return ""
				}
				t = *x
			default:
				return ""
			}
			loc := u.s.db.Location()
			lt := t.In(loc)
			return i18n.FormatDate(l, civil.In(t, loc)) + " " + lt.Format("15:04") + " " + loc.String()
		},
		"family":   func(s ercms.State) string { return i18n.StateFamily(string(s)) },
		"daysleft": func(d *ercms.Deadline) string { return u.dueWords(l, today, d) },
		"dueclass": func(d *ercms.Deadline) string {
			if d == nil || d.DueOn == nil || d.Status != ercms.DeadlineRunning {
				return ""
			}
			switch n := today.DaysUntil(*d.DueOn); {
			case n < 0:
				return "due-overdue"
			case n <= 2:
				return "due-soon"
			}
			return ""
		},
		"rule": func(r deadline.Rule) string { return u.ruleWords(l, r, civil.Date{}) },
		// eventwords and calendarwords word a rule's event and calendar codes.
		"eventwords":    func(event string, before bool) string { return u.eventWords(l, event, before) },
		"calendarwords": func(cal string) string { return u.calendarWords(l, cal) },
		"basis": func(d any) string {
			switch v := d.(type) {
			case ercms.Deadline:
				return u.basisWords(l, v)
			case *ercms.Deadline:
				if v != nil {
					return u.basisWords(l, *v)
				}
			}
			return ""
		},
		"unit":        func(unit deadline.Unit) string { return u.cat.T(l, "web3.unit_name."+string(unit)) },
		"taskdetail":  func(t ercms.Task) string { return u.taskDetail(l, t) },
		"note":        func(e ercms.Event) string { return eventNote(u.cat, l, e) },
		"notice":      func(n ercms.Notification) string { return ercms.NoticeWords(u.cat, l, n) },
		"about":       noticeAbout,
		"num":         func(n int) string { return i18n.FormatNumber(l, int64(n)) },
		"bytes":       func(n int64) string { return i18n.FormatBytes(l, n) },
		"maxupload":   func() int64 { return maxUpload },
		"documents":   documentsOf,
		"refusal":     func(code string) string { return u.refusalLabel(l, code) },
		"evidence":    func(code string) string { return u.evidenceLabel(l, code) },
		"auditaction": func(code string) string { return u.auditActionLabel(l, code) },
		"country":     func(code string) string { return u.cat.CountryName(l, code) },
		"zoned":       func(e ercms.Event, c *ercms.Case) ercms.Event { return u.zonedNote(l, e, c) },
		"localtime":   func(hhmm string, d civil.Date, state string) string { return u.localTime(l, hhmm, d, state) },
		"langnames":   func(codes []string) string { return strings.Join(i18n.LanguageNames(l, codes), ", ") },
		"countries":   func() []i18n.Country { return u.countries[l] },
		"upper":       strings.ToUpper,
		"surname":     names.Upper,
		"lower":       strings.ToLower,
		"join":        strings.Join,
		"fieldid":     fieldID,
		"newkey":      func() string { return randomHex(16) },
		"list":        func(xs ...string) []string { return xs },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
}

// navItem is a link of the main navigation.
type navItem struct {
	Href, Label string
	Current     bool
}

// fieldError is one message of an error summary, linked to its field.
type fieldError struct {
	ID, Message string
}

// page is what every template receives.
type page struct {
	Lang      i18n.Lang
	Dir       string
	Title     string
	User      *ercms.Actor
	CSRF      string
	Nav       []navItem
	Flash     string
	Errors    []fieldError
	Languages []i18n.Lang
	Path      string
	Data      any
	// Session is what the session-expiry warning needs (signed-in pages only).
	Session *sessionNotice
}

// LangURL returns where the language switch posts to choose language l.
func (p page) LangURL(l i18n.Lang) string { return "/lang/" + string(l) }

// FieldError returns the error of one field, if any.
func (p page) FieldError(id string) *fieldError {
	for i := range p.Errors {
		if p.Errors[i].ID == id {
			return &p.Errors[i]
		}
	}
	return nil
}

// request is the state of one browser request.
type request struct {
	u     *ui
	w     http.ResponseWriter
	r     *http.Request
	lang  i18n.Lang
	actor *ercms.Actor
	token string
	// refused are the messages of the posted form's fields whose text the
	// character rule refuses, by field name (refusedText).
	refused map[string]string
	// ends is when the session ends unless used again (the earlier of its
	// absolute end and its idle end).
	ends time.Time
	// pre is the CSRF token of a reader not signed in (preCSRF).
	pre string
}

func (rq *request) t(key string, args ...string) string { return rq.u.cat.T(rq.lang, key, args...) }

// dueWords says where a deadline stands: the days left while its clock
// runs; when it was met or stopped once it no longer runs (a met reply
// deadline does not read "15 days left", nor a closed case "150 days
// overdue").
func (u *ui) dueWords(l i18n.Lang, today civil.Date, d *ercms.Deadline) string {
	switch {
	case d == nil || d.DueOn == nil:
		return ""
	case d.Status == ercms.DeadlineRunning:
		return u.cat.DaysLeft(l, today.DaysUntil(*d.DueOn), false)
	case d.Status == ercms.DeadlineMissed:
		return u.cat.Message(l, "deadline.missed_on", map[string]any{"due": *d.DueOn})
	case d.MetOn == nil:
		return ""
	case d.Status == ercms.DeadlineMet:
		return u.cat.Message(l, "deadline.met_on", map[string]any{"date": *d.MetOn})
	}
	return u.cat.Message(l, "deadline.stopped_on", map[string]any{"date": *d.MetOn})
}

// language picks the language of a page: the switch's cookie (named
// cookie), else the user's remembered choice, else Accept-Language, else
// the deployment's language def.
func language(r *http.Request, a *ercms.Actor, def i18n.Lang, cookie string) i18n.Lang {
	if c, err := r.Cookie(cookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			return l
		}
	}
	if a != nil {
		if l, ok := i18n.Parse(a.Language); ok {
			return l
		}
	}
	return i18n.NegotiateOr(r.Header.Get("Accept-Language"), def)
}

// csrfFor derives the CSRF token of a session: only a page that knows the
// (HttpOnly) session token can compute it, and every node computes the same.
func csrfFor(token string) string {
	sum := sha256.Sum256([]byte("ercms-csrf\x00" + token))
	return hex.EncodeToString(sum[:16])
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// fieldID turns a field name (person.surname, tasks[0].question) into an HTML id.
func fieldID(name string) string {
	var b strings.Builder
	b.WriteString("f-")
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// render writes a page with status code status.
func (u *ui) render(rq *request, status int, name string, p page) {
	p.Lang, p.Dir, p.Languages, p.Path = rq.lang, rq.lang.Dir(), i18n.Languages, rq.r.URL.RequestURI()
	p.User = rq.actor
	if rq.token != "" {
		p.CSRF = csrfFor(rq.token)
	} else {
		p.CSRF = u.preCSRF(rq)
	}
	if p.User != nil {
		p.Nav = u.nav(rq)
		p.Session = u.sessionNotice(rq)
	}
	if p.Flash == "" {
		p.Flash = u.takeFlash(rq)
	}
	// A page with errors says so first in its title, whichever form it is.
	if prefix := rq.t("error.title_prefix"); len(p.Errors) > 0 && !strings.HasPrefix(p.Title, prefix) {
		p.Title = prefix + " " + p.Title
	}
	t, err := u.pages[name].Clone()
	if err == nil {
		var buf bytes.Buffer
		t.Funcs(u.funcs(rq.lang))
		if err = t.ExecuteTemplate(&buf, "base", p); err == nil {
			h := rq.w.Header()
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Content-Language", string(rq.lang))
			rq.w.WriteHeader(status)
			_, _ = buf.WriteTo(rq.w)
			return
		}
	}
	u.s.log.Error("render", "page", name, "err", err)
	http.Error(rq.w, "internal error", http.StatusInternalServerError)
}

// auditActionLabel names an action of the audit trail in words: a change
// of a case by its action's name, another event by its own label; the
// code itself when it has neither.
func (u *ui) auditActionLabel(l i18n.Lang, code string) string {
	return auditActionWords(u.cat, l, code)
}

// auditActionWords names an audit action in words in l (see
// auditActionLabel), or returns the code when it has none.
func auditActionWords(cat *i18n.Catalog, l i18n.Lang, code string) string {
	if rest, ok := strings.CutPrefix(code, "case."); ok && cat.Has(l, "action."+rest) {
		return cat.T(l, "action."+rest)
	}
	if cat.Has(l, "audit_action."+code) {
		return cat.T(l, "audit_action."+code)
	}
	return code
}

// purposeWords names the purpose of an audit event in words in l: a
// phrase of the system by its code (ercms.PurposeCode), a lifecycle
// action, a file's purpose, a message's kind, a document, or the event's
// action (the purpose of an event that names none); the purpose as
// stored when it has no words.
func purposeWords(cat *i18n.Catalog, l i18n.Lang, purpose string) string {
	code := ercms.PurposeCode(purpose)
	for _, k := range []string{"audit_purpose." + code, "action." + code, "purpose." + code, "message_kind." + code, "document." + code} {
		if cat.Has(l, k) {
			return cat.T(l, k)
		}
	}
	return auditActionWords(cat, l, code)
}
