// Package web serves eRCMS over HTTP: the JSON API under /api/v1 (described
// by the OpenAPI document at /api/v1/openapi.json) and the health check.
// Handlers only decode, call the store and encode: every rule lives in the
// domain core and the store.
package web

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/civil"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/sqldb"
	"github.com/go-json-experiment/json/jsontext"
)

// Server is the HTTP front of a store.
type Server struct {
	db     *sqldb.DB
	log    *slog.Logger
	mux    *http.ServeMux
	routes []route
	ui     *ui
	// shed bounds the password checks this node takes on (SetSignInRate).
	shed *shedder
	// lang is the deployment's language: the pages' language for a reader
	// who has chosen none and whose browser asks for none of ours.
	lang i18n.Lang
	// base is the public address (SetBaseURL); proxies the peers whose
	// forwarded headers count (SetTrustedProxies).
	base    *url.URL
	proxies []netip.Prefix
	// cop refuses browsers' cross-origin state changes.
	cop *http.CrossOriginProtection
}

// route is one registered endpoint; the OpenAPI parity test walks them.
type route struct {
	Method, Path string
	auth         bool
	h            func(w http.ResponseWriter, r *http.Request, a ercms.Actor) error
}

// New returns a Server over db that logs operational messages (never
// personal data, query strings or bodies) to log. Its pages speak the
// language of the country db serves (i18n.CountryLanguage) to a reader who
// asks for none; SetLanguage changes it.
func New(db *sqldb.DB, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{db: db, log: log, mux: http.NewServeMux(), lang: i18n.CountryLanguage(db.Country()), cop: http.NewCrossOriginProtection(), shed: newShedder(DefaultSignInRate)}
	s.base, _ = url.Parse(defaultBaseURL)
	s.apiRoutes()
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Path, s.handle(rt))
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /api/v1/openapi.json", serveOpenAPI)
	s.mux.Handle("/api/", s.handle(route{h: func(http.ResponseWriter, *http.Request, ercms.Actor) error {
		return ercms.Fail(ercms.ENotFound, "err.api.no_endpoint")
	}}))
	s.uiRoutes()
	return s
}

// SetLanguage sets the deployment's language, that of the pages (the
// sign-in page too) for a reader who has not chosen one and whose browser
// asks for none of ours. The API answers such a caller in English.
func (s *Server) SetLanguage(l i18n.Lang) { s.lang = l }

// Routes lists the method and path pattern of every API endpoint.
func (s *Server) Routes() [][2]string {
	out := make([][2]string, 0, len(s.routes)+1)
	for _, rt := range s.routes {
		out = append(out, [2]string{rt.Method, rt.Path})
	}
	return append(out, [2]string{"GET", "/api/v1/openapi.json"})
}

func (s *Server) add(method, path string, auth bool, h func(http.ResponseWriter, *http.Request, ercms.Actor) error) {
	s.routes = append(s.routes, route{Method: method, Path: path, auth: auth, h: h})
}

// ServeHTTP logs each request (method, route pattern, status, time: never the
// query string or the body), sets the security headers of every answer,
// refuses browsers' cross-origin state changes and recovers from panics.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", "route", r.Pattern, "panic", p, "stack", string(debug.Stack()))
			writeProblem(sw, r, ercms.Fail(ercms.EInternal, "err.internal"))
		}
		s.log.Info("request", "method", r.Method, "route", routeOf(r), "status", sw.status, "ms", time.Since(start).Milliseconds())
	}()
	s.securityHeaders(sw, r)
	if s.crossOrigin(sw, r) {
		return
	}
	s.mux.ServeHTTP(sw, r)
}

// routeOf names the request for the log by its route pattern, so that no id
// or query string reaches the log.
func routeOf(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	return "(unmatched)"
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.Error("health check: the database does not answer", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// handle authenticates (when the route needs it), runs the handler and
// turns its error into a problem document.
func (s *Server) handle(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a ercms.Actor
		var err error
		if rt.auth {
			a, err = s.authenticate(r)
		}
		if err == nil && a.ReadOnly && r.Method != http.MethodGet && r.Method != http.MethodHead {
			// The one check of a read-only API token's scope.
			err = ercms.Fail(ercms.EForbidden, "err.token.read_only")
		}
		if err == nil {
			err = rt.h(w, r, a)
		}
		if err != nil {
			if ercms.ErrorCode(err) == ercms.EInternal {
				s.log.Error("request failed", "route", routeOf(r), "err", err)
			}
			writeProblem(w, r, err)
		}
	})
}

func (s *Server) authenticate(r *http.Request) (ercms.Actor, error) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		return ercms.Actor{}, ercms.Fail(ercms.EUnauthorized, "err.api.sign_in")
	}
	return s.db.Authenticate(r.Context(), strings.TrimSpace(token))
}

// httpStatuses maps each error code to its HTTP status: the one mapping of
// the API's problem documents and the pages' error pages (HTTPStatus).
var httpStatuses = map[string]int{
	ercms.EInvalid:              http.StatusUnprocessableEntity,
	ercms.ENotFound:             http.StatusNotFound,
	ercms.EConflict:             http.StatusConflict,
	ercms.EPreconditionRequired: http.StatusPreconditionRequired,
	ercms.EPreconditionFailed:   http.StatusPreconditionFailed,
	ercms.EUnauthorized:         http.StatusUnauthorized,
	ercms.EForbidden:            http.StatusForbidden,
	ercms.EInternal:             http.StatusInternalServerError,
	ercms.EThrottled:            http.StatusTooManyRequests,
}

// setRetryAfter tells the client of a throttled request (EThrottled) when
// to try again, in the Retry-After header.
func setRetryAfter(w http.ResponseWriter, err error) {
	if e, ok := errors.AsType[*sqldb.Throttled](err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.Wait.Seconds())))
	}
}

// HTTPStatus returns the HTTP status of an error code; an unknown code is an
// internal error (500).
func HTTPStatus(code string) int {
	if s, ok := httpStatuses[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem document with the eRCMS error code, the
// message key and its arguments, and per-field messages. Detail and Errors
// are worded in the language of the request's Accept-Language (English when
// it names none of ours); Key, Args and FieldKeys let a client word them
// itself. A message not yet moved to a key has no key.
type Problem struct {
	Type      string                `json:"type"`
	Title     string                `json:"title"`
	Status    int                   `json:"status"`
	Code      string                `json:"code"`
	Detail    string                `json:"detail"`
	Key       string                `json:"key,omitempty"`
	Args      map[string]any        `json:"args,omitempty"`
	Errors    map[string]string     `json:"errors,omitempty"`
	FieldKeys map[string]ProblemKey `json:"field_keys,omitempty"`
}

// ProblemKey is the message key of one field's error and its arguments.
type ProblemKey struct {
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
}

// writeProblem writes err as a problem document in the language r asks for.
func writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	code := ercms.ErrorCode(err)
	status := HTTPStatus(code)
	lang := i18n.Negotiate(r.Header.Get("Accept-Language"))
	cat := i18n.Default()
	msg, args := ercms.ErrorMessage(err)
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: code, Detail: cat.Message(lang, msg, args)}
	if ercms.IsKey(msg) {
		p.Key, p.Args = msg, args
	}
	var e *ercms.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		p.Errors = make(map[string]string, len(e.Fields))
		for k, m := range e.Fields {
			p.Errors[k] = cat.Message(lang, m, e.FieldArgs[k])
			if ercms.IsKey(m) {
				if p.FieldKeys == nil {
					p.FieldKeys = map[string]ProblemKey{}
				}
				p.FieldKeys[k] = ProblemKey{Key: m, Args: e.FieldArgs[k]}
			}
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ercms"`)
	}
	setRetryAfter(w, err)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", string(lang))
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// maxBody bounds a JSON request body.
const maxBody = 1 << 20

// decode reads a JSON body strictly: unknown fields and trailing data are errors.
func decode(r *http.Request, v any) error {
	return decodeFrom(http.MaxBytesReader(nil, r.Body, maxBody), v)
}

// decodeFrom is decode from any reader. A value that does not decode is
// named by its field: a field the type does not have, a value of the wrong
// kind, a date that does not parse, a name given twice, text that is not
// UTF-8 or holds characters that are refused (refusedJSON).
func decodeFrom(body io.Reader, v any) error {
	raw, err := io.ReadAll(body)
	if err != nil {
		return badJSON(err, nil, nil)
	}
	if err := refusedJSON(raw); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badJSON(err, raw, reflect.TypeOf(v))
	}
	if dec.More() {
		return badBody("err.api.body_one_object", "body", "field.api.trailing_data")
	}
	return nil
}

// refusedJSON returns the first thing of the JSON body raw that decoding
// would repair or silently drop, as an error on the field at fault ("body"
// when it is not in a field): a name given twice in one object (decoding
// keeps the last value), text that is not UTF-8 or holds a lone surrogate
// escape (decoding puts U+FFFD in its place), and text the character rule
// refuses (ercms.RefusedText; a field's text may have lines when
// ercms.MultiLine says so, an item of a list never). nil when there is none,
// and when raw is not JSON: the decoder says what is wrong then.
func refusedJSON(raw []byte) error {
	dec := jsontext.NewDecoder(bytes.NewReader(raw), jsontext.AllowDuplicateNames(true))
	errNotJSON := errors.New("not JSON")
	// unreadable is the error of a token that does not read at path: text
	// that is not Unicode when encoding/json reads the body (which is what
	// the strict reader refuses beyond it), else not JSON.
	unreadable := func(path string) error {
		if json.Valid(raw) {
			return badBody("err.api.body", bodyPath(path), "input.not_utf8")
		}
		return errNotJSON
	}
	refused := func(path, text string, multiLine bool) error {
		key, char := ercms.RefusedText(text, multiLine)
		switch {
		case key == "":
			return nil
		case char == "":
			return badBody("err.api.body", bodyPath(path), key)
		}
		return badBody("err.api.body", bodyPath(path), key, "char", char)
	}
	var walk func(path string, item bool) error
	walk = func(path string, item bool) error {
		t, err := dec.ReadToken()
		if err != nil {
			return unreadable(path)
		}
		switch t.Kind() {
		case '{':
			seen := map[string]bool{}
			for dec.PeekKind() != '}' {
				k, err := dec.ReadToken()
				if err != nil {
					return unreadable(path)
				}
				name := k.String()
				if err := refused(path, name, false); err != nil {
					return err
				}
				p := name
				if path != "" {
					p = path + "." + name
				}
				if seen[name] {
					return badBody("err.api.body", p, "field.api.duplicate_field")
				}
				seen[name] = true
				if err := walk(p, false); err != nil {
					return err
				}
			}
		case '[':
			for i := 0; dec.PeekKind() != ']'; i++ {
				if err := walk(fmt.Sprintf("%s[%d]", path, i), true); err != nil {
					return err
				}
			}
		case '"':
			return refused(path, t.String(), !item && ercms.MultiLine(path))
		default:
			return nil
		}
		if _, err := dec.ReadToken(); err != nil { // the closing delimiter
			return unreadable(path)
		}
		return nil
	}
	if err := walk("", false); err != nil && err != errNotJSON {
		return err
	}
	return nil
}

// bodyPath names the field at path for an error, "body" for the whole body.
func bodyPath(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

// badBody is an EInvalid error of a request body: the message key msg and
// the message key of the field that could not be read, with its arguments.
func badBody(msg, field, key string, args ...any) *ercms.Error {
	e := ercms.FieldError(field, key, args...)
	e.Message = msg
	return e
}

// badQuery is an EInvalid error of the query string: the message key of the
// parameter that is wrong, with its arguments.
func badQuery(field, key string, args ...any) *ercms.Error {
	return badBody("err.api.query", field, key, args...)
}

// jsonKind returns the message key that names what a JSON value of Go type
// t is, for a client who sent another kind (never the Go type's name).
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[civil.Date]():
		return "field.api.wrong_type.date"
	case t == reflect.TypeFor[ercms.PartialDate]():
		return "field.api.wrong_type.partial_date"
	case t == reflect.TypeFor[time.Time]():
		return "field.api.wrong_type.date_time"
	}
	switch t.Kind() {
	case reflect.String:
		return "field.api.wrong_type.text"
	case reflect.Bool:
		return "field.api.wrong_type.bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "field.api.wrong_type.whole_number"
	case reflect.Float32, reflect.Float64:
		return "field.api.wrong_type.number"
	case reflect.Slice, reflect.Array:
		return "field.api.wrong_type.list"
	case reflect.Map, reflect.Struct:
		return "field.api.wrong_type.object"
	}
	return "field.api.wrong_type.other"
}

// dateKey returns the message key that says how to write a date of Go type
// t: a date, a date of birth that may lack its day or month, or a time.
func dateKey(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[ercms.PartialDate]():
		return "field.api.partial_date"
	case reflect.TypeFor[time.Time]():
		return "field.api.date_time"
	}
	return "field.api.date"
}

// badJSON turns an error of decoding raw into the Go type t into an
// EInvalid error on the field at fault ("body" when there is none): a value
// of the wrong kind, a field the type does not have, a date that does not
// parse (found by walking raw against t), a body too large or not JSON.
func badJSON(err error, raw []byte, t reflect.Type) error {
	var te *json.UnmarshalTypeError
	var me *http.MaxBytesError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return badBody("err.api.body", te.Field, jsonKind(te.Type))
	case errors.As(err, &te):
		return badBody("err.api.body", "body", jsonKind(te.Type))
	case errors.As(err, &me):
		return badBody("err.api.body", "body", "field.api.too_large", "max", i18n.Bytes(me.Limit))
	case errors.As(err, &se):
		return badBody("err.api.body", "body", "field.api.not_json", "offset", se.Offset)
	}
	var v any
	if t != nil && json.Unmarshal(raw, &v) == nil {
		if path := unknownPath(v, t); path != "" {
			return badBody("err.api.body", path, "field.api.unknown_field")
		}
		if path, ft := badTextPath(v, t); path != "" {
			return badBody("err.api.body", path, dateKey(ft))
		}
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return badBody("err.api.body", strings.Trim(field, `"`), "field.api.unknown_field")
	}
	return badBody("err.api.body", "body", "field.api.not_json_value")
}

// The action inputs of the document are generated from the action
// descriptions (ercms.Descriptions); TestOpenAPIActionSchemas checks them.
//
//go:generate go test -run TestOpenAPIActionSchemas -update .
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}

func asError(err error, target **ercms.Error) bool { return errors.As(err, target) }
