package htmlcheck

import (
	"fmt"
	"strings"
	"testing"
)

// page wraps main content in a page that passes every rule.
func page(content string) string {
	return doc("en", `<title>Case AZ-2026-000001 – Summary – eRCMS</title>`, `<a class="skip-link" href="#main">Skip to main content</a>
<header class="header"><a class="brand" href="/">eRCMS</a>
<nav aria-label="Language"><a href="/lang/az" lang="az">Azərbaycanca</a></nav>
<div class="who"><a href="/account/password">sms.officer</a>
<form method="post" action="/signout"><input type="hidden" name="csrf" value="abc"><button type="submit">Sign out</button></form></div>
</header>
<nav aria-label="Main"><ul><li><a href="/" aria-current="page">Home</a></li><li><a href="/cases">Cases</a></li></ul></nav>
<main id="main" tabindex="-1">
`+content+`
</main>
<footer>eRCMS</footer>`)
}

func doc(lang, head, body string) string {
	return `<!doctype html>
<html lang="` + lang + `" dir="ltr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
` + head + `
<link rel="stylesheet" href="/assets/app.css"><script src="/assets/app.js" defer></script>
</head>
<body>
` + body + `
</body>
</html>`
}

// good has one of everything the rules look at, done right.
const good = `<div class="error-summary" role="alert" aria-labelledby="es-title"><h2 id="es-title">There is a problem</h2>
<ul><li><a href="#f-reason">Enter a reason</a></li><li><a href="#f-choice">Choose one</a></li></ul></div>
<h1>Case AZ-2026-000001</h1>
<p>A <strong>paragraph</strong> with <a href="/cases/1/history">a link</a> and an <img src="/x.png" alt="">.</p>
<h2>Deadlines</h2>
<table><caption>Deadlines</caption>
<thead><tr><th scope="col">Deadline</th><th scope="col">Due</th></tr></thead>
<tbody><tr><th scope="row">Reply</th><td>15 December 2026</td></tr></tbody></table>
<h3>Chart</h3>
<svg role="img" aria-hidden="true" focusable="false" viewBox="0 0 10 10"><title>Chart</title><rect x="0" y="0" width="5" height="5"/></svg>
<svg role="img" viewBox="0 0 10 10"><title>A named chart</title><path d="M0 0L1 1"/></svg>
<dl class="summary"><div><dt>Reference</dt><dd>AZ-2026-000001</dd></div></dl>
<form method="post" action="/cases/1/act/refuse" novalidate>
<input type="hidden" name="csrf" value="abc"><input type="hidden" name="version" value="3">
<div class="field field-error"><label for="f-reason">Reason</label><span class="hint" id="f-reason-hint">In plain words</span>
<span class="error-message" id="f-reason-error">Enter a reason</span>
<textarea id="f-reason" name="reason" aria-describedby="f-reason-hint f-reason-error"></textarea></div>
<div class="field" id="f-choice"><fieldset><legend>Choice</legend>
<label for="f-choice-0"><input type="radio" id="f-choice-0" name="choice" value="a"> A</label>
<label for="f-choice-1"><input type="radio" id="f-choice-1" name="choice" value="b"> B</label></fieldset></div>
<div class="field"><fieldset><legend>Reasons</legend>
<label><input type="checkbox" name="reasons" value="a"> A</label><label><input type="checkbox" name="reasons" value="b"> B</label></fieldset></div>
<label for="f-single"><input type="checkbox" id="f-single" name="single" value="yes"> Only one</label>
<select aria-label="Sort" name="sort"><option value="">Any</option></select>
<input type="search" name="q" aria-labelledby="es-title">
<button class="button" type="submit">Refuse<span class="visually-hidden"> the application</span></button>
<input type="submit" value="Send">
</form>
<form method="get" action="/cases"><label for="q2">Search</label><input type="search" id="q2" name="q"></form>
<p lang="ru">Гулиев</p>
<dl class="summary"><div><dt>Name</dt><dd>X</dd><dd><a href="/a/person">Change<span class="visually-hidden"> name</span></a></dd></div>
<div><dt>Family</dt><dd>Y</dd><dd><a href="/a/family">Change<span class="visually-hidden"> family</span></a></dd></div></dl>
<table><caption>Years</caption><tr><th scope="row">AT</th><td><a href="/y/AT/2026">2026</a></td></tr><tr><th scope="row">AZ</th><td><a href="/y/AZ/2026">2026</a></td></tr></table>`

func TestGoodPage(t *testing.T) {
	r := Check([]byte(page(good)), Options{SignedIn: true, Lang: "en"})
	for _, p := range r.Problems {
		t.Error(p)
	}
	if r.Title != "Case AZ-2026-000001 – Summary – eRCMS" {
		t.Errorf("title %q", r.Title)
	}
	if !contains(r.Links, "/cases/1/history") || !contains(r.Links, "/cases") {
		t.Errorf("links %v", r.Links)
	}
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// TestEachRuleFails breaks each rule once and expects exactly that rule to report it.
func TestEachRuleFails(t *testing.T) {
	main := func(s string) string { return page(`<h1>Title</h1>` + s) }
	signedOut := doc("en", `<title>Sign in – eRCMS</title>`, `<a href="#main">Skip</a><header><a href="/">eRCMS</a></header><main id="main"><h1>Sign in</h1></main>`)
	tests := []struct {
		name, src, rule string
		opt             Options
	}{
		{"no doctype", strings.TrimPrefix(main(""), "<!doctype html>\n"), "doctype", Options{}},
		{"no lang", strings.Replace(main(""), ` lang="en"`, "", 1), "lang", Options{}},
		{"unknown lang", strings.Replace(main(""), ` lang="en"`, ` lang="de"`, 1), "lang", Options{}},
		{"other lang than expected", main(""), "lang", Options{Lang: "fr"}},
		{"no dir", strings.Replace(main(""), ` dir="ltr"`, "", 1), "lang", Options{}},
		{"bad lang on an element", main(`<p lang="">x</p>`), "lang", Options{}},
		{"no title", strings.Replace(main(""), `<title>Case AZ-2026-000001 – Summary – eRCMS</title>`, "", 1), "title", Options{}},
		{"empty title", strings.Replace(main(""), `Case AZ-2026-000001 – Summary – eRCMS`, " ", 1), "title", Options{}},
		{"two titles", strings.Replace(main(""), `<meta charset="utf-8">`, `<meta charset="utf-8"><title>Other</title>`, 1), "title", Options{}},
		{"no h1", page(`<h2>Sub</h2>`), "h1", Options{}},
		{"two h1", main(`<h1>Again</h1>`), "h1", Options{}},
		{"skipped level", main(`<h3>Deep</h3>`), "heading-order", Options{}},
		{"skipped level later", main(`<h2>A</h2><h3>B</h3><h2>C</h2><h4>D</h4>`), "heading-order", Options{}},
		{"empty heading", main(`<h2> </h2>`), "heading-empty", Options{}},
		{"no skip link", strings.Replace(main(""), `<a class="skip-link" href="#main">Skip to main content</a>`, "", 1), "skip-link", Options{}},
		{"skip link elsewhere", strings.Replace(main(""), `href="#main">Skip`, `href="#content">Skip`, 1), "skip-link", Options{}},
		{"main without id", strings.Replace(main(""), `<main id="main"`, `<main`, 1), "landmark", Options{}},
		{"two mains", main(`<div role="main">x</div>`), "landmark", Options{}},
		{"no header", strings.NewReplacer(`<header class="header">`, `<div>`, `</header>`, `</div>`).Replace(main("")), "landmark", Options{}},
		{"no nav when signed in", signedOut, "landmark", Options{SignedIn: true}},
		{"two navs, one unlabelled", main(`<nav><a href="/x">x</a></nav>`), "landmark", Options{}},
		{"two navs, same label", main(`<nav aria-label="Main"><a href="/x">x</a></nav>`), "landmark", Options{}},
		{"unlabelled input", main(`<input type="text" name="x">`), "label", Options{}},
		{"unlabelled select", main(`<select name="x"><option>a</option></select>`), "label", Options{}},
		{"unlabelled textarea", main(`<textarea name="x"></textarea>`), "label", Options{}},
		{"empty label", main(`<label for="x"></label><input type="text" id="x">`), "label", Options{}},
		{"label for nothing", main(`<label for="nothing">X</label>`), "label-for", Options{}},
		{"label for a div", main(`<label for="d">X</label><div id="d">d</div>`), "label-for", Options{}},
		{"duplicate id", main(`<p id="a">x</p><p id="a">y</p>`), "id", Options{}},
		{"id with spaces", main(`<p id="a b">x</p>`), "id", Options{}},
		{"describedby nothing", main(`<label for="x">X</label><input type="text" id="x" aria-describedby="x-hint">`), "idref", Options{}},
		{"link to a missing fragment", main(`<a href="#nowhere">go</a>`), "idref", Options{}},
		{"img without alt", main(`<img src="/x.png">`), "img-alt", Options{}},
		{"image input without alt", main(`<input type="image" src="/x.png">`), "img-alt", Options{}},
		{"svg unnamed", main(`<svg role="img" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>`), "svg", Options{}},
		{"svg named without role", main(`<svg aria-label="x" viewBox="0 0 1 1"></svg>`), "svg", Options{}},
		{"table without caption", main(`<table><tr><th scope="col">A</th></tr></table>`), "table", Options{}},
		{"table without headers", main(`<table><caption>C</caption><tr><td>A</td></tr></table>`), "table", Options{}},
		{"th without scope", main(`<table><caption>C</caption><tr><th>A</th></tr></table>`), "table", Options{}},
		{"empty th", main(`<table><caption>C</caption><tr><th scope="col"></th><th scope="col">B</th></tr></table>`), "table", Options{}},
		{"empty link", main(`<a href="/x"></a>`), "name", Options{}},
		{"link with a hidden icon only", main(`<a href="/x"><span aria-hidden="true">→</span></a>`), "name", Options{}},
		{"empty button", main(`<button type="submit"></button>`), "name", Options{}},
		{"input button without value", main(`<input type="button">`), "name", Options{}},
		{"fieldset without legend", main(`<fieldset><label><input type="radio" name="r" value="1"> One</label></fieldset>`), "fieldset", Options{}},
		{"legend not first", main(`<fieldset><p>x</p><legend>L</legend><label><input type="checkbox" name="c"> One</label></fieldset>`), "fieldset", Options{}},
		{"radios without a group", main(`<label><input type="radio" name="r" value="1"> One</label><label><input type="radio" name="r" value="2"> Two</label>`), "fieldset", Options{}},
		{"checkboxes of one name without a group", main(`<label><input type="checkbox" name="c" value="1"> One</label><label><input type="checkbox" name="c" value="2"> Two</label>`), "fieldset", Options{}},
		{"error summary to nowhere", strings.Replace(page(good), `href="#f-choice"`, `href="#f-missing"`, 1), "error-summary", Options{}},
		{"error summary without links", main(`<div class="error-summary"><h2>There is a problem</h2><p>Something</p></div>`), "error-summary", Options{}},
		{"inline script", main(`<script>alert(1)</script>`), "csp", Options{}},
		{"script with src and body", main(`<script src="/a.js">alert(1)</script>`), "csp", Options{}},
		{"event attribute", main(`<a href="/x" onclick="go()">x</a>`), "csp", Options{}},
		{"style attribute", main(`<p style="color:red">x</p>`), "csp", Options{}},
		{"style element", main(`<style>p{}</style>`), "csp", Options{}},
		{"javascript URL", main(`<a href="javascript:go()">x</a>`), "csp", Options{}},
		{"positive tabindex", main(`<a href="/x" tabindex="2">x</a>`), "tabindex", Options{}},
		{"stray end tag", main(`<p>x</p></div>`), "nesting", Options{}},
		{"unclosed element", main(`<div><p>x</p>`), "nesting", Options{}},
		{"misnested", main(`<p><strong>x</p></strong>`), "nesting", Options{}},
		{"self-closing div", main(`<div/>`), "nesting", Options{}},
		{"end tag of a void element", main(`<br></br>`), "nesting", Options{}},
		{"form inside p", main(`<p>x <form method="get" action="/x"><button>Go</button></form></p>`), "nesting", Options{}},
		{"list inside p", main(`<p><ul><li>x</li></ul></p>`), "nesting", Options{}},
		{"div in a span", main(`<span><div>x</div></span>`), "nesting", Options{}},
		{"li outside a list", main(`<div><li>x</li></div>`), "nesting", Options{}},
		{"div in a list", main(`<ul><div>x</div></ul>`), "nesting", Options{}},
		{"text in a table row", main(`<table><caption>C</caption><tr>oops<th scope="col">A</th></tr></table>`), "nesting", Options{}},
		{"caption not first", main(`<table><thead><tr><th scope="col">A</th></tr></thead><caption>C</caption></table>`), "nesting", Options{}},
		{"link in a link", main(`<a href="/a">a <a href="/b">b</a></a>`), "nesting", Options{}},
		{"button in a link", main(`<a href="/a">a <button>b</button></a>`), "nesting", Options{}},
		{"form in a form", main(`<form method="get" action="/a"><form method="get" action="/b"></form></form>`), "nesting", Options{}},
		{"duplicate attribute", main(`<p class="a" class="b">x</p>`), "dup-attr", Options{}},
		{"post form without csrf", main(`<form method="post" action="/x"><button>Go</button></form>`), "form-csrf", Options{}},
		{"post form with an empty csrf", main(`<form method="POST" action="/x"><input type="hidden" name="csrf" value=""><button>Go</button></form>`), "form-csrf", Options{}},
		{"hint not read with its field", main(`<label for="x">X</label><span class="hint">Like this</span><input type="text" id="x">`), "describedby", Options{}},
		{"error not read with its field", main(`<label for="x">X</label><span class="error-message" id="x-error">Wrong</span><input type="text" id="x">`), "describedby", Options{}},
		{"two Change links", main(`<dl><div><dt>A</dt><dd><a href="/a">Change</a></dd></div><div><dt>B</dt><dd><a href="/b">Change</a></dd></div></dl>`), "link-purpose", Options{}},
		{"missing translation", main(`<p>[action.approve]</p>`), "i18n-key", Options{}},
		{"missing translation of a code", main(`<p>[clock.]</p>`), "i18n-key", Options{}},
		{"a code instead of words", main(`<select aria-label="Rule"><option value="transfer_notice">transfer_notice</option></select>`), "i18n-key", Options{}},
		{"missing translation in an attribute", main(`<nav aria-label="[nav.other]"><a href="/x">x</a></nav>`), "i18n-key", Options{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Check([]byte(tc.src), tc.opt)
			var rules []string
			found := false
			for _, p := range r.Problems {
				rules = append(rules, p.String())
				found = found || p.Rule == tc.rule
			}
			if !found {
				t.Errorf("want a %s problem, got %d:\n%s", tc.rule, len(r.Problems), strings.Join(rules, "\n"))
			}
		})
	}
}

func TestLines(t *testing.T) {
	r := Check([]byte(page("<h1>T</h1>\n\n<p>x</p></span>")), Options{})
	for _, p := range r.Problems {
		if p.Rule == "nesting" {
			if want := strings.Count(strings.Split(page("<h1>T</h1>\n\n<p>x</p></span>"), "</span>")[0], "\n") + 1; p.Line != want {
				t.Errorf("line %d, want %d", p.Line, want)
			}
			return
		}
	}
	t.Error("no nesting problem")
}

func TestTitles(t *testing.T) {
	ts := Titles{}
	if _, dup := ts.Add("/cases", "Cases – eRCMS"); dup {
		t.Error("first title is a duplicate")
	}
	if _, dup := ts.Add("/cases", "Cases – eRCMS"); dup {
		t.Error("the same page twice is a duplicate")
	}
	if other, dup := ts.Add("/deadlines", "Cases – eRCMS"); !dup || other != "/cases" {
		t.Errorf("a second page with the title: %q %v", other, dup)
	}
}

func ExampleCheck() {
	r := Check([]byte(`<!doctype html><html lang="en" dir="ltr"><head><title>Home – eRCMS</title></head>
<body><a href="#main">Skip to main content</a><header>eRCMS</header><main id="main"><h1>Home</h1><h3>Queue</h3>
<input type="text" name="q"></main></body></html>`), Options{})
	for _, p := range r.Problems {
		fmt.Println(p)
	}
	// Output:
	// heading-order: <h3> ("Queue") follows an h1: a heading level is skipped
	// label: <input name="q" type="text"> has no label
}

func TestAttrNames(t *testing.T) {
	for raw, want := range map[string]string{
		`<p>`: "",
		`<input type=checkbox checked name="a b">`:          "type checked name",
		`<button data-confirm="x = y > z" class='c'>`:       "data-confirm class",
		`<rect x="1" y = "2"/>`:                             "x y",
		`<a href=/x?a=1&amp;b=2 title="The &quot;x&quot;">`: "href title",
	} {
		if got := strings.Join(attrNames([]byte(raw)), " "); got != want {
			t.Errorf("%s: %q, want %q", raw, got, want)
		}
	}
}
