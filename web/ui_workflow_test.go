package web_test

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/json"
	"html"
	"image"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ercms/ercms"
	"github.com/ercms/ercms/i18n"
	"github.com/ercms/ercms/pdf"
	"github.com/ercms/ercms/seal"
)

// TestUIMessagesAndNotifications: a member-state officer writes to the
// central authority in the browser; the officer there sees the
// notification, reads the message (the read receipt shows on the sender's
// page) and answers; a failed form keeps what was typed.
func TestUIMessagesAndNotifications(t *testing.T) {
	db, act, base := journeyStore(t)
	ctx := context.Background()
	c, _, err := db.CreateCase(ctx, act["de.officer"], sampleApplication(t), "")
	if err != nil {
		t.Fatal(err)
	}
	if c, err = db.Act(ctx, act["de.officer"], c.ID, ercms.ActSubmit, c.Version, ercms.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	de := newUIClient(t, base, "en")
	de.signIn("de.officer")
	msgs := "/cases/" + c.ID + "/messages"
	status, page := de.post(msgs, msgs, url.Values{"kind": {"information_request"}, "subject": {"Flight on Monday"}, "body": {""}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `class="error-summary"`) || !strings.Contains(page, "Flight on Monday") {
		t.Fatalf("empty message: %d\n%s", status, page)
	}
	status, page = de.post(msgs, msgs, url.Values{"kind": {"information_request"}, "subject": {"Flight on Monday"}, "body": {"Can the person land at GYD on Monday?"}})
	if status != 200 || !strings.Contains(page, "Message sent and delivered.") || !strings.Contains(page, "Not read yet") {
		t.Fatalf("send: %d\n%s", status, page)
	}

	sms := newUIClient(t, base, "az")
	sms.signIn("sms.officer")
	if _, page := sms.get("/notifications"); !strings.Contains(page, "İşdə yeni məktub") || !strings.Contains(page, c.Reference) {
		t.Fatalf("notifications page:\n%s", page)
	}
	_, page = sms.get(msgs)
	if !strings.Contains(page, "Can the person land at GYD on Monday?") || !strings.Contains(page, "?reply_to=") {
		t.Fatalf("central authority reads:\n%s", page)
	}
	reply := regexpFind(t, page, `href="(/cases/[^"]+/messages\?reply_to=[^"#]+)`)
	if _, page = sms.get(reply); !strings.Contains(page, `name="reply_to"`) {
		t.Fatalf("answer form:\n%s", page)
	}
	status, page = sms.post(reply, msgs, url.Values{"reply_to": {strings.SplitN(reply, "=", 2)[1]}, "kind": {"answer"}, "body": {"Yes, GYD is open on Monday."}})
	if status != 200 || !strings.Contains(page, "Yes, GYD is open on Monday.") {
		t.Fatalf("answer: %d\n%s", status, page)
	}
	if _, page = de.get(msgs); strings.Count(page, "Read ") < 1 {
		t.Errorf("the sender does not see the read receipt:\n%s", page)
	}
	// Another member state cannot open the messages.
	fr := newUIClient(t, base, "fr")
	fr.signIn("fr.officer")
	if status, _ := fr.get(msgs); status != http.StatusNotFound {
		t.Errorf("a French officer opens a German case's messages: %d", status)
	}
}

func TestUIAbsenceCoverAndInterview(t *testing.T) {
	db, act, base := journeyStore(t)
	ctx := context.Background()
	sms, sup, de, berlin := act["sms.officer"], act["sms.supervisor"], act["de.officer"], act["mfa.consul.berlin"]
	c, _, err := db.CreateCase(ctx, de, sampleApplication(t), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		a      ercms.Actor
		action string
		in     ercms.ActionInput
	}{
		{de, ercms.ActSubmit, ercms.ActionInput{}},
		{sms, ercms.ActRegister, ercms.ActionInput{}},
		{de, ercms.ActRequestInterview, ercms.ActionInput{MissionID: berlin.Org.ID, Mode: "video", Language: "az"}},
	} {
		if c, err = db.Act(ctx, step.a, c.ID, step.action, c.Version, step.in); err != nil {
			t.Fatal(err)
		}
	}

	// The supervisor moves the officer's cases.
	s := newUIClient(t, base, "en")
	s.signIn("sms.supervisor")
	status, page := s.post("/absence", "/absence", url.Values{"from_user_id": {sms.UserID}, "to_user_id": {sms.UserID}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "error-summary") {
		t.Fatalf("same officer: %d\n%s", status, page)
	}
	status, page = s.post("/absence", "/absence", url.Values{"from_user_id": {sms.UserID}, "to_user_id": {sup.UserID}})
	if status != 200 || !strings.Contains(page, "1 case(s) moved.") {
		t.Fatalf("absence cover: %d\n%s", status, page)
	}
	o := newUIClient(t, base, "en")
	o.signIn("sms.officer")
	if status, _ := o.get("/absence"); status != http.StatusForbidden {
		t.Errorf("an officer opens absence cover: %d", status)
	}

	// The mission schedules the video interview.
	task := c.Tasks[len(c.Tasks)-1].ID
	m := newUIClient(t, base, "ru")
	m.signIn("mfa.consul.berlin")
	form := "/cases/" + c.ID + "/tasks/" + task + "/schedule"
	if _, page := m.get("/cases/" + c.ID + "/verification"); !strings.Contains(page, `href="`+form+`"`) {
		t.Fatalf("the mission's verification section has no link to schedule:\n%s", page)
	}
	when := time.Now().Add(72 * time.Hour).In(db.Location()).Format("2006-01-02T15:04")
	status, page = m.post(form, form, url.Values{"version": {regexpFind(t, getPage(t, m, form), `name="version" value="(\d+)"`)}, "scheduled_at": {when}, "place": {"Room 4"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="f-place-error"`) || !strings.Contains(page, "Room 4") {
		t.Fatalf("video without a link: %d\n%s", status, page)
	}
	status, page = m.post(form, form, url.Values{"version": {regexpFind(t, getPage(t, m, form), `name="version" value="(\d+)"`)}, "scheduled_at": {when}, "place": {"https://meet.example/az-1"}})
	if status != 200 {
		t.Fatalf("schedule: %d\n%s", status, page)
	}
	if _, page := m.get("/cases/" + c.ID + "/verification"); !strings.Contains(page, "https://meet.example/az-1") {
		t.Errorf("the appointment is not shown:\n%s", page)
	}
	got, err := db.FindCase(ctx, ercms.SystemActor(), c.ID)
	if err != nil || got.Task(task).ScheduledAt == nil || got.Task(task).Place != "https://meet.example/az-1" {
		t.Fatalf("stored interview %+v: %v", got.Task(task), err)
	}

	// The person did not come: the mission answers with an interview's
	// finding, offered in its language (not a verification's).
	answer := "/cases/" + c.ID + "/act/answer_task"
	page = getPage(t, m, answer)
	for _, want := range []string{`value="not_held"`, "Собеседование не состоялось", `value="not_confirmed"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the interview's answer form lacks %s:\n%s", want, page)
		}
	}
	if strings.Contains(page, `value="not_found"`) {
		t.Errorf("the interview's answer form offers a verification's finding")
	}
	status, page = m.post(answer, answer, url.Values{"version": {regexpFind(t, page, `name="version" value="(\d+)"`)}, "task_id": {task}, "finding": {"not_held"}, "answer": {"Не явился."}})
	if status != 200 {
		t.Fatalf("answer the interview: %d\n%s", status, page)
	}
	if got, err := db.FindCase(ctx, ercms.SystemActor(), c.ID); err != nil || got.Task(task).Finding != "not_held" {
		t.Fatalf("stored answer %+v: %v", got.Task(task), err)
	}
}

func getPage(t *testing.T, u *uiClient, path string) string {
	t.Helper()
	_, p := u.get(path)
	return p
}

// sampleApplication is the API tests' complete application.
func sampleApplication(t *testing.T) ercms.NewCase {
	t.Helper()
	var n ercms.NewCase
	if err := json.Unmarshal([]byte(application), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// regexpFind returns the first group of pattern in page.
func regexpFind(t *testing.T, page, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("%s not found in:\n%s", pattern, page)
	}
	return strings.ReplaceAll(m[1], "&amp;", "&")
}

// TestUIGroupTransfer notifies one flight for two persons in the browser,
// the central authority confirms it in one step, and the border officer
// records the handover from the list.
func TestUIGroupTransfer(t *testing.T) {
	db, act, base := journeyStore(t)
	ctx := context.Background()
	today := db.Today()
	var values []string
	for _, ref := range []string{"BPOL-G-1", "BPOL-G-2"} {
		n := sampleApplication(t)
		n.RequestingReference, n.NoApplication = ref, true
		exp := today.AddDays(300)
		n.Evidence[0].ExpiresOn, n.Evidence[0].Type = &exp, "national_passport"
		c, _, err := db.CreateCase(ctx, act["de.officer"], n, "")
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, c.ID+":"+strconv.Itoa(c.Version))
	}
	de := newUIClient(t, base, "en")
	de.signIn("de.officer")
	on := today.AddDays(10)
	form := url.Values{"case": values[:1], "transfer.date.day": {strconv.Itoa(on.Day)}, "transfer.date.month": {strconv.Itoa(int(on.Month))}, "transfer.date.year": {strconv.Itoa(on.Year)}, "transfer.time": {"07:30"},
		"transfer.crossing_point": {"GYD"}, "transfer.flight_or_vehicle": {"charter 7"}, "transfer.escorts": {"4"}}
	status, page := de.post("/transfers/new", "/transfers/new", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="f-cases-error"`) || !strings.Contains(page, "charter 7") {
		t.Fatalf("one person: %d\n%s", status, page)
	}
	form["case"] = values
	status, page = de.post("/transfers/new", "/transfers/new", form)
	if status != 200 || !strings.Contains(page, "Transfer notified for 2 person(s).") || !strings.Contains(page, "BPOL") && !strings.Contains(page, "HÜSEYNOV") {
		t.Fatalf("notify: %d\n%s", status, page)
	}
	opURL := regexpFind(t, page, `action="(/transfers/[^/"]+)/act/`)

	sms := newUIClient(t, base, "en")
	sms.signIn("sms.officer")
	_, page = sms.get(opURL)
	status, page = sms.post(opURL, opURL+"/act/confirm_transfer", url.Values{"case": regexpAll(page, `id="f-case-confirm_transfer-\d+" name="case" value="([^"]+)"`)})
	if status != 200 || !strings.Contains(page, "done for 2 case(s)") {
		t.Fatalf("confirm: %d\n%s", status, page)
	}

	gyd := newUIClient(t, base, "az")
	gyd.signIn("border.officer")
	_, page = gyd.get(opURL)
	cases := regexpAll(page, `id="f-case-record_handover-\d+" name="case" value="([^"]+)"`)
	if len(cases) < 2 {
		t.Fatalf("border list:\n%s", page)
	}
	at := db.Now().In(db.Location()).Format("2006-01-02T15:04")
	status, page = gyd.post(opURL, opURL+"/act/record_handover", url.Values{"case": cases[:2], "handover.at": {at}, "handover.officer": {"F. Nəsirov"}, "handover.persons": {"1"}})
	if status != 200 {
		t.Fatalf("handover: %d\n%s", status, page)
	}
	for _, v := range values {
		c, err := db.FindCase(ctx, ercms.SystemActor(), strings.Split(v, ":")[0])
		if err != nil || c.Status != ercms.StateTransferred {
			t.Errorf("case after the group handover: %v %v", c.Status, err)
		}
	}
}

// regexpAll returns the first group of every match of pattern in page.
func regexpAll(page, pattern string) []string {
	var out []string
	for _, m := range regexp.MustCompile(pattern).FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestUIImportReceivedByEmail: the central authority pastes an application
// received by e-mail and gives the date it arrived.
func TestUIImportReceivedByEmail(t *testing.T) {
	db, act, base := journeyStore(t)
	b, err := json.Marshal(sampleApplication(t))
	if err != nil {
		t.Fatal(err)
	}
	sms := newUIClient(t, base, "fr")
	sms.signIn("sms.officer")
	// The day it arrived is typed as day, month and year.
	day := db.Today().AddDays(-1)
	received := map[string]string{"received_on.day": strconv.Itoa(day.Day), "received_on.month": strconv.Itoa(int(day.Month)), "received_on.year": strconv.Itoa(day.Year)}
	fields := func(application string) url.Values {
		v := url.Values{"requesting_organisation_id": {act["de.officer"].Org.ID}, "application": {application}}
		for k, x := range received {
			v.Set(k, x)
		}
		return v
	}
	status, page := sms.post("/imports/new", "/imports/new", fields(`{"nope": 1}`))
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="f-application-error"`) {
		t.Fatalf("not our JSON: %d\n%s", status, page)
	}
	// A control character written as a JSON escape is refused, not kept.
	escaped := strings.Replace(string(b), `"surname":"`, `"surname":"\u001b`, 1)
	if status, page := sms.post("/imports/new", "/imports/new", fields(escaped)); status != http.StatusUnprocessableEntity ||
		!strings.Contains(html.UnescapeString(page), i18n.Default().T(i18n.FR, "input.control", "char", "U+001B")) {
		t.Fatalf("an ESC in the pasted application: %d, want the French message", status)
	}
	wrong := fields(string(b))
	wrong.Set("received_on.day", "31")
	wrong.Set("received_on.month", "4")
	if status, page := sms.post("/imports/new", "/imports/new", wrong); status != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `id="f-received_on-error">`+html.EscapeString(i18n.Default().T(i18n.FR, "invalid.date.no_such_day"))) {
		t.Fatalf("received on 31 April: %d, want the French message on the field", status)
	}
	status, page = sms.post("/imports/new", "/imports/new", fields(string(b)))
	if status != 200 || !strings.Contains(page, "Demande saisie sous la référence AZ-DE-") {
		t.Fatalf("import: %d\n%s", status, page)
	}
	de := newUIClient(t, base, "en")
	de.signIn("de.officer")
	if status, _ := de.get("/imports/new"); status != http.StatusForbidden {
		t.Errorf("a member state opens the import: %d", status)
	}
	// The blank form goes out; it comes back filled in, as a PDF file.
	if status, blank := de.get("/forms/application"); status != 200 || !strings.HasPrefix(blank, "%PDF-") {
		t.Fatalf("blank form: %d", status)
	}
	filled, err := pdf.ApplicationForm(map[string]string{"requesting_reference": "BPOL-FORM-9", "procedure": "normal", "category": "own_national",
		"person.surname": "Hüseynova", "person.given_names": "Lalə", "person.date_of_birth": "1995", "person.nationality": "AZ",
		"evidence.0.type": "national_passport", "evidence.0.document_number": "C5550001"}, pdf.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, form := sms.get("/imports/new")
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", csrfField.FindStringSubmatch(form)[1])
	_ = w.WriteField("requesting_organisation_id", act["de.officer"].Org.ID)
	for k, x := range received {
		_ = w.WriteField(k, x)
	}
	fw, _ := w.CreateFormFile("application_file", "antrag.pdf")
	_, _ = fw.Write(filled)
	_ = w.Close()
	req, _ := http.NewRequest("POST", base+"/imports/new", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	status, page = sms.do(req)
	if status != 200 || !strings.Contains(page, "Demande saisie sous la référence") {
		t.Fatalf("import of the filled form: %d\n%s", status, page)
	}
	if _, page = sms.get("/cases?q=Hüseynova"); !strings.Contains(page, "BPOL-FORM-9") && !strings.Contains(page, "Hüseynova") {
		t.Errorf("the case entered from the form is not found by name")
	}
}

// postFile submits the case page's upload form with one file.
func (u *uiClient) postFile(from, action string, fields map[string]string, name string, data []byte) (int, string) {
	u.t.Helper()
	_, page := u.get(from)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		u.t.Fatalf("no CSRF token on %s", from)
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("csrf", m[1])
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest("POST", u.base+action, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return u.do(req)
}

// TestUIUploads: a member-state officer attaches a scan and a photo whose
// metadata is removed; a script named .pdf, a path in the name and an
// oversized file are refused with a message and nothing stored.
func TestUIUploads(t *testing.T) {
	db, act, base := journeyStore(t)
	ctx := context.Background()
	c, _, err := db.CreateCase(ctx, act["de.officer"], sampleApplication(t), "")
	if err != nil {
		t.Fatal(err)
	}
	de := newUIClient(t, base, "en")
	de.signIn("de.officer")
	files := "/cases/" + c.ID + "/files"
	stored := func() int {
		list, err := db.Attachments(ctx, act["de.officer"], c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	for _, bad := range []struct {
		name string
		data []byte
		want string
	}{
		{"evil.pdf", []byte("#!/bin/sh\nrm -rf /\n"), "This type of file is not accepted here"},
		{"../../passport.pdf", []byte("%PDF-1.4\n%%EOF\n"), "Give the file a plain name"},
		{"big.pdf", append([]byte("%PDF-1.4\n"), make([]byte, 20<<20)...), "larger than"},
	} {
		status, page := de.postFile(files, files, map[string]string{"purpose": "form"}, bad.name, bad.data)
		if (status != http.StatusUnprocessableEntity && status != http.StatusRequestEntityTooLarge) || !strings.Contains(page, bad.want) {
			t.Errorf("%s: %d, want a refusal saying %q", bad.name, status, bad.want)
		}
	}
	if n := stored(); n != 0 {
		t.Fatalf("refused uploads stored %d files", n)
	}

	var img bytes.Buffer
	if err := jpeg.Encode(&img, image.NewGray(image.Rect(0, 0, 20, 20)), nil); err != nil {
		t.Fatal(err)
	}
	withExif := append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x16}, append([]byte("Exif\x00\x00GPS-40.40N-49"), img.Bytes()[2:]...)...)
	status, page := de.postFile(files, files, map[string]string{"purpose": "photo"}, "photo.jpg", withExif)
	if status != 200 || !strings.Contains(page, "File attached: photo.jpg") || !strings.Contains(page, "<img") {
		t.Fatalf("photo: %d\n%s", status, page)
	}
	href := regexpFind(t, page, `<a href="(/cases/[^"]+/files/[^"]+)"`)
	req, _ := http.NewRequest("GET", base+href, nil)
	resp, err := de.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") || bytes.Contains(body, []byte("GPS-40")) {
		t.Errorf("served photo: %v, metadata kept: %v", resp.Header, bytes.Contains(body, []byte("GPS-40")))
	}
	fr := newUIClient(t, base, "en")
	fr.signIn("fr.officer")
	if status, _ := fr.get(href); status != http.StatusNotFound {
		t.Errorf("a French officer downloads a German case's photo: %d", status)
	}
}

// TestUITravelDocumentAndVerification: the consul issues a travel document;
// its PDF carries the signed QR code; the public verification page says
// valid, and a tampered code fails; the case's forms download as PDFs.
func TestUITravelDocumentAndVerification(t *testing.T) {
	db, act, base := journeyStore(t)
	keys, err := seal.OpenKeyring(t.TempDir(), db.Now, crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	db.Signer = keys
	ctx := context.Background()
	de, sms, sup, berlin := act["de.officer"], act["sms.officer"], act["sms.supervisor"], act["mfa.consul.berlin"]
	c, _, err := db.CreateCase(ctx, de, sampleApplication(t), "")
	if err != nil {
		t.Fatal(err)
	}
	valid := db.Today().AddDays(25)
	for _, s := range []struct {
		a      ercms.Actor
		action string
		in     ercms.ActionInput
	}{
		{de, ercms.ActSubmit, ercms.ActionInput{}}, {sms, ercms.ActRegister, ercms.ActionInput{}},
		{sms, ercms.ActApprove, ercms.ActionInput{FamilyCovered: &[]string{}}}, {sup, ercms.ActSignOff, ercms.ActionInput{}},
		{de, ercms.ActRequestTravelDocument, ercms.ActionInput{MissionID: berlin.Org.ID}},
		{berlin, ercms.ActIssueTravelDocument, ercms.ActionInput{Number: "RC-0077", ValidUntil: &valid}},
	} {
		if c, err = db.Act(ctx, s.a, c.ID, s.action, c.Version, s.in); err != nil {
			t.Fatalf("%s: %v", s.action, err)
		}
	}
	m := newUIClient(t, base, "az")
	m.signIn("mfa.consul.berlin")
	_, page := m.get("/cases/" + c.ID)
	if !strings.Contains(page, "/documents/travel_document") {
		t.Fatalf("no travel document link:\n%s", page)
	}
	status, doc := m.get("/cases/" + c.ID + "/documents/travel_document")
	if status != 200 || !strings.HasPrefix(doc, "%PDF-") {
		t.Fatalf("travel document: %d", status)
	}
	text, err := pdf.Text([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	squeezed := strings.Join(strings.Fields(text), "")
	if !strings.Contains(squeezed, "RC-0077") || !strings.Contains(squeezed, "HÜSEYNOV") || !strings.Contains(squeezed, "/verify?d=") {
		t.Fatalf("travel document text:\n%s", text)
	}
	// The QR code's address is the configured public one, whatever Host
	// and forwarded headers the request carries.
	if !strings.Contains(squeezed, base+"/verify?d=") {
		t.Errorf("the verification address is not %s/verify:\n%s", base, text)
	}
	req, _ := http.NewRequest("GET", base+"/cases/"+c.ID+"/documents/travel_document", nil)
	req.Host = "evil.example"
	req.Header.Set("X-Forwarded-Host", "evil.example")
	req.Header.Set("X-Forwarded-Proto", "https")
	baseURL, _ := url.Parse(base)
	for _, ck := range m.c.Jar.Cookies(baseURL) { // the client would pick the cookies of the Host
		req.AddCookie(ck)
	}
	if status, doc := m.do(req); status != 200 {
		t.Errorf("travel document with a forged Host: %d", status)
	} else if text, err := pdf.Text([]byte(doc)); err != nil || strings.Contains(text, "evil") || !strings.Contains(strings.Join(strings.Fields(text), ""), base+"/verify?d=") {
		t.Errorf("the Host header reached the travel document (%v):\n%s", err, text)
	}
	token := c.TravelDocument.Signature
	if token == "" {
		t.Fatal("the travel document is not signed")
	}

	// Anyone at the border, signed in or not, checks it.
	anon := newUIClient(t, base, "en")
	_, page = anon.get("/verify?t=" + url.QueryEscape(token))
	if !strings.Contains(page, "Valid: the signature matches") || !strings.Contains(page, "RC-0077") ||
		!strings.Contains(page, "<dd>"+i18n.Default().CountryName(i18n.EN, "AZ")+"</dd>") { // the nationality and issuing state named
		t.Fatalf("verification page:\n%s", page)
	}
	payload, sig, _ := strings.Cut(token, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "RC-0077", "RC-0078", 1))) + "." + sig
	_, page = anon.get("/verify?t=" + url.QueryEscape(forged))
	if !strings.Contains(page, "The signature does not match") || strings.Contains(page, "Valid: the signature matches") {
		t.Fatalf("forged code:\n%s", page)
	}

	// The forms of the case, for the e-mail channel; in the reader's language.
	for _, kind := range []string{"application", "reply", "dossier"} {
		status, doc := m.get("/cases/" + c.ID + "/documents/" + kind)
		if status != 200 || !strings.HasPrefix(doc, "%PDF-") {
			t.Errorf("%s: %d", kind, status)
		}
	}
	fr := newUIClient(t, base, "fr")
	fr.signIn("fr.officer")
	if status, _ := fr.get("/cases/" + c.ID + "/documents/application"); status != http.StatusNotFound {
		t.Errorf("a French officer prints a German case: %d", status)
	}
}

// TestUIRefusalReasonsEditable: the administrator adds a refusal reason in
// four languages and withdraws one; the refuse form offers the new one in
// the officer's language and no longer the withdrawn one.
func TestUIRefusalReasonsEditable(t *testing.T) {
	db, act, base := journeyStore(t)
	admin := newUIClient(t, base, "en")
	admin.signIn("admin")
	status, page := admin.post("/admin/reference", "/admin/reference/refusal", url.Values{"code": {"x"}, "labels.en": {"Only English"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="f-code-error"`) || !strings.Contains(page, `id="f-labels-ru-error"`) || !strings.Contains(page, "Only English") {
		t.Fatalf("incomplete reason: %d\n%s", status, page)
	}
	status, page = admin.post("/admin/reference", "/admin/reference/refusal", url.Values{"code": {"third_country_stay"},
		"labels.en": {"Long stay in a third country"}, "labels.az": {"Üçüncü ölkədə uzun müddət qalma"},
		"labels.fr": {"Long séjour dans un pays tiers"}, "labels.ru": {"Длительное пребывание в третьей стране"}})
	if status != 200 || !strings.Contains(page, "Long stay in a third country") {
		t.Fatalf("add: %d\n%s", status, page)
	}
	if status, _ := admin.post("/admin/reference", "/admin/reference/refusal/other", url.Values{"disable": {"yes"}}); status != 200 {
		t.Fatalf("withdraw: %d", status)
	}
	status, page = admin.post("/admin/reference", "/admin/reference/evidence", url.Values{"ev.code": {"consular_card"}, "ev.strength": {"strong"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="f-ev-strength-error"`) || !strings.Contains(page, `value="consular_card"`) {
		t.Fatalf("incomplete evidence type: %d\n%s", status, page)
	}
	status, _ = admin.post("/admin/reference", "/admin/reference/evidence", url.Values{"ev.code": {"consular_card"}, "ev.strength": {"prima_facie"}, "ev.for": {"nationality"},
		"ev.labels.en": {"Consular registration card"}, "ev.labels.az": {"Konsulluq qeydiyyat kartı"}, "ev.labels.fr": {"Carte d’immatriculation consulaire"}, "ev.labels.ru": {"Карточка консульского учёта"}})
	if status != 200 {
		t.Fatalf("add evidence type: %d", status)
	}
	de := newUIClient(t, base, "ru")
	de.signIn("de.officer")
	draft, _, err := db.CreateCase(context.Background(), act["de.officer"], sampleApplication(t), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, page := de.get("/cases/" + draft.ID + "/application/evidence"); !strings.Contains(page, "Карточка консульского учёта") {
		t.Errorf("the application form does not offer the added evidence type:\n%s", page)
	}
	ctx := context.Background()
	c, _, err := db.CreateCase(ctx, act["de.officer"], sampleApplication(t), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		a      ercms.Actor
		action string
	}{{act["de.officer"], ercms.ActSubmit}, {act["sms.officer"], ercms.ActRegister}} {
		if c, err = db.Act(ctx, s.a, c.ID, s.action, c.Version, ercms.ActionInput{}); err != nil {
			t.Fatal(err)
		}
	}
	sms := newUIClient(t, base, "fr")
	sms.signIn("sms.officer")
	_, page = sms.get("/cases/" + c.ID + "/act/refuse")
	if !strings.Contains(page, "Long séjour dans un pays tiers") || strings.Contains(page, `value="other"`) {
		t.Fatalf("refuse form:\n%s", page)
	}
	if status, _ := sms.get("/admin/reference"); status != http.StatusForbidden {
		t.Errorf("an officer opens the reference lists: %d", status)
	}
}

// TestUIAssignment: an officer takes an unassigned case; the supervisor
// gives it to another officer; the page names the officer in charge.
func TestUIAssignment(t *testing.T) {
	db, act, base := journeyStore(t)
	ctx := context.Background()
	c, _, err := db.CreateCase(ctx, act["de.officer"], sampleApplication(t), "")
	if err != nil {
		t.Fatal(err)
	}
	if c, err = db.Act(ctx, act["de.officer"], c.ID, ercms.ActSubmit, c.Version, ercms.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	o := newUIClient(t, base, "en")
	o.signIn("sms.officer")
	page := getPage(t, o, "/cases/"+c.ID)
	if !strings.Contains(page, "Take this case") {
		t.Fatalf("no way to take the case:\n%s", page)
	}
	status, page := o.post("/cases/"+c.ID, "/cases/"+c.ID+"/assign", url.Values{"version": {strconv.Itoa(c.Version)}, "user_id": {act["sms.officer"].UserID}})
	if status != 200 || !strings.Contains(page, "Officer in charge of") || strings.Contains(page, "Take this case") {
		t.Fatalf("take: %d\n%s", status, page)
	}
	s := newUIClient(t, base, "en")
	s.signIn("sms.supervisor")
	page = getPage(t, s, "/cases/"+c.ID)
	version := regexpFind(t, page, `action="/cases/[^"]+/assign"[^>]*>\s*<input type="hidden" name="csrf" value="[^"]+"><input type="hidden" name="version" value="(\d+)"`)
	status, _ = s.post("/cases/"+c.ID, "/cases/"+c.ID+"/assign", url.Values{"version": {version}, "user_id": {act["sms.supervisor"].UserID}})
	if status != 200 {
		t.Fatalf("reassign: %d", status)
	}
	got, err := db.FindCase(ctx, ercms.SystemActor(), c.ID)
	if err != nil || got.AssignedTo != act["sms.supervisor"].UserID {
		t.Errorf("officer in charge %q: %v", got.AssignedTo, err)
	}
}
