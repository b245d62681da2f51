package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"
)

// The API tests talk to the server through one path, client.send, which
// checks every request and every answer against the OpenAPI document
// (openapi.json, the one the server serves): a request the document does
// not describe, an answer with a status the document does not list for the
// endpoint, or a body that its schema refuses fails the test with the
// validator's words. A request a test sends on purpose against the
// document (to see it refused) is sent through client.offContract: its
// answer is checked all the same.

// contract is the validator of openapi.json, built once per test binary.
var contract struct {
	once sync.Once
	v    validator.Validator
	err  error
}

// freeForm are the places of the bodies whose keys the document leaves
// open on purpose (strict mode would name each key as undeclared).
var freeForm = []string{
	"$.body.errors**", "$.body.field_keys**", "$.body.args**", "$.body.timeline[*].note_args**",
	"$.body.events[*].details**", "$.body.transmissions[*].details**",
	"$.body.profiles[*].rules**", "$.body.profiles[*].overrides**",
	"$.body.info**", "$.body.servers[*]**", "$.body.security[*]**", "$.body.paths**", "$.body.components**",
}

// apiContract returns the validator of openapi.json: it checks parameters,
// the bearer token, request and response bodies and that each answer's
// status is one the document lists.
func apiContract() (validator.Validator, error) {
	contract.once.Do(func() {
		spec, err := os.ReadFile("openapi.json")
		if err != nil {
			contract.err = err
			return
		}
		doc, err := libopenapi.NewDocument(spec)
		if err != nil {
			contract.err = err
			return
		}
		v, errs := validator.NewValidator(doc, config.WithFormatAssertions(),
			// Strict: a property or header the document does not name is drift,
			// even where a schema leaves the object open.
			config.WithStrictMode(),
			// Sent on every answer by the server's front (ServeHTTP's security
			// headers, problem+json).
			config.WithStrictIgnoredHeadersExtra("x-content-type-options", "content-language", "www-authenticate",
				"content-security-policy", "referrer-policy", "x-frame-options", "strict-transport-security"),
			// Maps on purpose: a problem's field messages and arguments, an audit
			// event's details, a profile's rules, and the OpenAPI document itself.
			config.WithStrictIgnorePaths(freeForm...))
		if len(errs) > 0 {
			contract.err = fmt.Errorf("openapi.json: %v", errs)
			return
		}
		contract.v = v
	})
	return contract.v, contract.err
}

// offContract returns the client for requests that are meant not to match
// the document (a missing token, an unknown field, a value of the wrong
// kind): the request itself is not checked, its answer is.
func (c *client) offContract() *client {
	off := *c
	off.invalid = true
	return &off
}

// send sends req with the body body and returns the answer, after checking
// the request (unless the client is offContract) and the answer against
// the document.
func (c *client) send(req *http.Request, body []byte) reply {
	c.t.Helper()
	v, err := apiContract()
	if err != nil {
		c.t.Fatal(err)
	}
	if !c.invalid {
		if ok, errs := v.ValidateHttpRequestSync(withBody(req, body)); !ok {
			c.t.Errorf("the request is not what openapi.json describes:\n%s", describeDrift(req, 0, errs))
		}
	}
	resp, err := http.DefaultClient.Do(withBody(req, body))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if errs := checkAnswer(v, withBody(req, body), resp.StatusCode, resp.Header, b); len(errs) > 0 {
		c.t.Errorf("the answer is not what openapi.json describes:\n%s\nbody: %.400s", describeDrift(req, resp.StatusCode, errs), b)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// checkAnswer validates an answer (status, header and body) to req
// against the document.
func checkAnswer(v validator.Validator, req *http.Request, status int, header http.Header, body []byte) []*verrors.ValidationError {
	resp := &http.Response{
		StatusCode: status,
		Header:     header,
		Body:       io.NopCloser(bytes.NewReader(body)),
		Request:    req,
	}
	if ok, errs := v.ValidateHttpResponse(req, resp); !ok {
		return errs
	}
	return nil
}

// withBody is a copy of req that reads body.
func withBody(req *http.Request, body []byte) *http.Request {
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.ContentLength = int64(len(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	if body == nil {
		out.Body = http.NoBody
	}
	return out
}

// describeDrift writes the validator's findings for a request (and the
// status of its answer, when there is one), one per line.
func describeDrift(req *http.Request, status int, errs []*verrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "  %s %s", req.Method, req.URL.RequestURI())
		if status != 0 {
			fmt.Fprintf(&b, " → %d", status)
		}
		fmt.Fprintf(&b, ": %s", e.Message)
		if e.Reason != "" && e.Reason != e.Message {
			fmt.Fprintf(&b, " (%s)", e.Reason)
		}
		for _, f := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "\n      %s: %s", f.FieldPath, f.Reason)
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// TestContractCatchesDrift checks that the check of the API tests fails on
// what a client would trip over: a body of the wrong shape, a field the
// document does not name, a status the endpoint does not list, a request
// field the endpoint does not take; and that a conforming answer passes.
func TestContractCatchesDrift(t *testing.T) {
	v, err := apiContract()
	if err != nil {
		t.Fatal(err)
	}
	me, _ := http.NewRequest("GET", "http://ercms.test/api/v1/me", nil)
	me.Header.Set("Authorization", "Bearer x")
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	problemHeader := http.Header{"Content-Type": {"application/problem+json"}}
	const meBody = `{"user_id":"u1","username":"de.officer","role":"officer","organisation":{"id":"o1","kind":"requesting_authority","name":"Bundespolizei","state":"DE"}}`
	for _, tc := range []struct {
		name   string
		status int
		header http.Header
		body   string
		want   string // in the validator's findings; "" for none
	}{
		{"as documented", 200, jsonHeader, meBody, ""},
		{"a problem as documented", 401, problemHeader, `{"type":"about:blank","title":"Unauthorized","status":401,"code":"unauthorized","detail":"Sign in first.","key":"err.x","args":{"n":1},"errors":{"a.b":"x"}}`, ""},
		{"a field of the wrong kind", 200, jsonHeader, strings.Replace(meBody, `"u1"`, `5`, 1), "user_id"},
		{"a field the document does not name", 200, jsonHeader, strings.Replace(meBody, `"role"`, `"password_hash":"x","role"`, 1), "password_hash"},
		{"a status the endpoint does not list", http.StatusTeapot, jsonHeader, meBody, "418"},
		{"a problem without its code", 401, problemHeader, `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"Sign in first."}`, "code"},
		{"a problem with an unknown code", 401, problemHeader, `{"type":"about:blank","title":"Unauthorized","status":401,"code":"oops","detail":"x"}`, "code"},
	} {
		errs := checkAnswer(v, me, tc.status, tc.header, []byte(tc.body))
		got := describeDrift(me, tc.status, errs)
		switch {
		case tc.want == "" && len(errs) > 0:
			t.Errorf("%s: refused:\n%s", tc.name, got)
		case tc.want != "" && len(errs) == 0:
			t.Errorf("%s: passed, want a finding naming %s", tc.name, tc.want)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("%s: the findings do not name %s:\n%s", tc.name, tc.want, got)
		}
	}
	signIn, _ := http.NewRequest("POST", "http://ercms.test/api/v1/session", nil)
	signIn.Header.Set("Content-Type", "application/json")
	for body, want := range map[string]string{
		`{"username":"de.officer","password":"correct horse battery"}`:              "",
		`{"username":"de.officer","password":"correct horse battery","admin":true}`: "admin",
	} {
		ok, errs := v.ValidateHttpRequestSync(withBody(signIn, []byte(body)))
		got := describeDrift(signIn, 0, errs)
		if want == "" && !ok {
			t.Errorf("%s: refused:\n%s", body, got)
		}
		if want != "" && (ok || !strings.Contains(got, want)) {
			t.Errorf("%s: want a finding naming %s, got:\n%s", body, want, got)
		}
	}
}

// TestOpenAPIDocumentIsValid checks openapi.json against the OpenAPI 3.1
// specification's own schema.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	v, err := apiContract()
	if err != nil {
		t.Fatal(err)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("openapi.json: %s (%s)", e.Message, e.Reason)
			for _, f := range e.SchemaValidationErrors {
				t.Errorf("  %s: %s", f.FieldPath, f.Reason)
			}
		}
	}
}

// TestOpenAPIStatusesOfEveryOperation checks the statuses every operation
// can answer whatever the tests send: 422 where it reads a body (the body
// is decoded strictly), 401 behind the token, 428 and 412 where it takes
// If-Match. The API tests fail on a status the document does not list, but
// only on the paths they walk.
func TestOpenAPIStatusesOfEveryOperation(t *testing.T) {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	type operation struct {
		Security    *[]map[string][]string `json:"security"`
		RequestBody json.RawMessage        `json:"requestBody"`
		Parameters  []struct{ Name, In string }
		Responses   map[string]json.RawMessage
	}
	var doc struct {
		Security []map[string][]string                 `json:"security"`
		Paths    map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths {
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			var op operation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			var want []string
			if op.RequestBody != nil {
				want = append(want, "422")
			}
			if sec := doc.Security; op.Security == nil && len(sec) > 0 || op.Security != nil && len(*op.Security) > 0 {
				want = append(want, "401")
			}
			for _, p := range op.Parameters {
				if p.In == "header" && p.Name == "If-Match" {
					want = append(want, "412", "428")
				}
			}
			for _, status := range want {
				if _, ok := op.Responses[status]; !ok {
					t.Errorf("%s %s does not list %s", strings.ToUpper(method), path, status)
				}
			}
		}
	}
}
