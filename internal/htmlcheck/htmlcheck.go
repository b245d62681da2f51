// Package htmlcheck checks a rendered page for the accessibility and
// validity rules of the web application (spec/UI.md "Behaviour"): a
// language, one title and one h1, headings in order, a skip link and
// landmarks, labelled controls, named links and buttons, data tables with
// captions and header scopes, nothing the Content-Security-Policy would block,
// and markup that a browser does not have to repair.
//
// Check runs two passes: one over the raw token stream (what the template
// wrote: stray or missing end tags, misnesting, duplicate attributes,
// content models the parser would silently fix up), and one over the tree a
// browser builds (html.Parse), for the rules about what assistive technology
// sees.
package htmlcheck

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Problem is one rule a page breaks.
type Problem struct {
	Rule string // short name of the rule, such as "label" or "heading-order"
	Line int    // line of the source, when the problem comes from the token stream
	Msg  string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s (line %d): %s", p.Rule, p.Line, p.Msg)
	}
	return p.Rule + ": " + p.Msg
}

// Options say what the page should be.
type Options struct {
	// Languages are the allowed values of <html lang>; empty means az, en, fr, ru.
	Languages []string
	// Lang, when set, is the language the page must declare.
	Lang string
	// SignedIn requires the main navigation landmark.
	SignedIn bool
}

// Report is the outcome of checking one page.
type Report struct {
	Title    string
	Problems []Problem
	// Links are the href of every <a> and the action of every GET form, in
	// document order, for a crawler.
	Links []string
}

// DefaultLanguages are the languages of the web application.
var DefaultLanguages = []string{"az", "en", "fr", "ru"}

// Check checks one HTML document.
func Check(src []byte, opt Options) Report {
	c := &checker{opt: opt}
	if len(c.opt.Languages) == 0 {
		c.opt.Languages = DefaultLanguages
	}
	c.tokens(src)
	doc, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		c.add("parse", 0, "the document does not parse: %v", err)
		return Report{Problems: c.problems}
	}
	c.tree(doc)
	return Report{Title: c.title, Problems: c.problems, Links: c.links}
}

type checker struct {
	opt      Options
	problems []Problem
	title    string
	links    []string
	ids      map[string]*html.Node
	doc      *html.Node
}

func (c *checker) add(rule string, line int, format string, args ...any) {
	c.problems = append(c.problems, Problem{Rule: rule, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// ---- The raw token stream ----

var voidElements = set("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")

// closesP are the start tags that close an open <p> (HTML "in body" insertion mode).
var closesP = set("address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "fieldset", "figcaption", "figure",
	"footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre", "section",
	"table", "ul")

// phrasingOnly are elements whose content is phrasing content: a block inside one is invalid.
var phrasingOnly = set("span", "label", "strong", "em", "small", "b", "i", "code", "abbr", "time", "button", "h1", "h2", "h3", "h4", "h5",
	"h6", "option", "q", "s", "sub", "sup", "u", "var", "kbd", "samp", "cite", "dfn", "mark", "bdi", "bdo", "data", "output")

// flowBlocks are elements that are flow but not phrasing content.
var flowBlocks = set("address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "fieldset", "figure", "footer",
	"form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "menu", "nav", "ol", "p", "pre", "section", "table", "ul", "li",
	"dt", "dd", "tr", "td", "th", "caption", "thead", "tbody", "tfoot", "legend")

// children restricts the element children of some elements.
var children = map[string]map[string]bool{
	"html":     set("head", "body"),
	"head":     set("meta", "link", "title", "script", "style", "base", "noscript", "template"),
	"table":    set("caption", "colgroup", "thead", "tbody", "tfoot", "tr", "script", "template"),
	"thead":    set("tr", "script", "template"),
	"tbody":    set("tr", "script", "template"),
	"tfoot":    set("tr", "script", "template"),
	"tr":       set("td", "th", "script", "template"),
	"ul":       set("li", "script", "template"),
	"ol":       set("li", "script", "template"),
	"menu":     set("li", "script", "template"),
	"dl":       set("dt", "dd", "div", "script", "template"),
	"select":   set("option", "optgroup", "hr", "script", "template"),
	"optgroup": set("option", "script", "template"),
	"colgroup": set("col", "template"),
}

// parents restricts where some elements may appear.
var parents = map[string]map[string]bool{
	"li":       set("ul", "ol", "menu"),
	"dt":       set("dl", "div"),
	"dd":       set("dl", "div"),
	"tr":       set("table", "thead", "tbody", "tfoot"),
	"td":       set("tr"),
	"th":       set("tr"),
	"thead":    set("table"),
	"tbody":    set("table"),
	"tfoot":    set("table"),
	"caption":  set("table"),
	"option":   set("select", "optgroup", "datalist"),
	"optgroup": set("select"),
	"legend":   set("fieldset"),
	"body":     set("html"),
	"head":     set("html"),
}

// interactive elements must not nest.
var interactive = set("a", "button", "form", "label", "select", "textarea")

type open struct {
	name     string
	line     int
	children int // element children so far
}

func (c *checker) tokens(src []byte) {
	z := html.NewTokenizer(bytes.NewReader(src))
	line := 1
	var stack []open
	sawDoctype, sawElement := false, false
	inForeign := func() bool {
		for _, o := range stack {
			if o.name == "svg" || o.name == "math" {
				return true
			}
		}
		return false
	}
	has := func(name string) int {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].name == name {
				return i
			}
		}
		return -1
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		at := line
		raw := z.Raw()
		line += bytes.Count(raw, []byte("\n"))
		tok := z.Token()
		switch tt {
		case html.DoctypeToken:
			if !sawElement && strings.EqualFold(strings.TrimSpace(tok.Data), "html") {
				sawDoctype = true
			}
		case html.TextToken:
			if len(stack) > 0 && strings.TrimSpace(tok.Data) != "" {
				if top := stack[len(stack)-1].name; children[top] != nil && top != "head" && top != "html" {
					c.add("nesting", at, "text %q directly inside <%s>", abbreviate(tok.Data), top)
				}
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			if !sawElement && !sawDoctype {
				c.add("doctype", at, "the document does not start with <!doctype html>")
			}
			sawElement = true
			name := tok.Data
			// The tokenizer drops a repeated attribute: read them from the source.
			seen := map[string]bool{}
			for _, k := range attrNames(raw) {
				if seen[k] {
					c.add("dup-attr", at, "<%s> has the attribute %s twice", name, k)
				}
				seen[k] = true
			}
			foreign := inForeign()
			if !foreign {
				var parent *open
				if len(stack) > 0 {
					parent = &stack[len(stack)-1]
				}
				if parent != nil {
					if allowed := children[parent.name]; allowed != nil && !allowed[name] {
						c.add("nesting", at, "<%s> is not allowed directly inside <%s>", name, parent.name)
					} else if allowed := parents[name]; allowed != nil && !allowed[parent.name] {
						c.add("nesting", at, "<%s> must not be a child of <%s>", name, parent.name)
					}
					if (name == "legend" || name == "caption") && parent.children > 0 {
						c.add("nesting", at, "<%s> must be the first child of <%s>", name, parent.name)
					}
					if phrasingOnly[parent.name] && flowBlocks[name] {
						c.add("nesting", at, "block <%s> inside <%s>, which takes only phrasing content", name, parent.name)
					}
					parent.children++
				}
				if closesP[name] {
					if i := has("p"); i >= 0 && !slices.ContainsFunc(stack[i:], func(o open) bool { return o.name == "button" || o.name == "td" || o.name == "th" }) {
						c.add("nesting", at, "<%s> inside <p> (line %d): the browser closes the paragraph before it", name, stack[i].line)
					}
				}
				if interactive[name] {
					for _, o := range stack {
						if nestedInteractive(o.name, name) {
							c.add("nesting", at, "<%s> inside <%s> (line %d)", name, o.name, o.line)
						}
					}
				}
			}
			switch {
			case voidElements[name]:
			case tt == html.SelfClosingTagToken && (foreign || name == "svg" || name == "math"):
			case tt == html.SelfClosingTagToken:
				c.add("nesting", at, "self-closing syntax on <%s/>, which is not a void element: the browser leaves it open", name)
			default:
				stack = append(stack, open{name: name, line: at})
			}
		case html.EndTagToken:
			name := tok.Data
			if voidElements[name] {
				c.add("nesting", at, "end tag </%s> of a void element", name)
				continue
			}
			i := has(name)
			if i < 0 {
				c.add("nesting", at, "end tag </%s> without a start tag", name)
				continue
			}
			for _, o := range stack[i+1:] {
				c.add("nesting", o.line, "<%s> is not closed before </%s> (line %d)", o.name, name, at)
			}
			stack = stack[:i]
		}
	}
	if !sawDoctype && !sawElement {
		c.add("doctype", 0, "the document is empty")
	}
	for _, o := range stack {
		c.add("nesting", o.line, "<%s> is never closed", o.name)
	}
}

// attrNames lists the attribute names of a start tag's source, <name k=v k2 k3="v">.
func attrNames(raw []byte) []string {
	s := string(raw)
	i := strings.IndexAny(s, " \t\n\r\f/>")
	if i < 0 {
		return nil
	}
	var names []string
	space := func(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' }
	for i < len(s) {
		for i < len(s) && (space(s[i]) || s[i] == '/') {
			i++
		}
		if i >= len(s) || s[i] == '>' {
			break
		}
		j := i + 1 // a name may start with '='
		for j < len(s) && !space(s[j]) && s[j] != '/' && s[j] != '>' && s[j] != '=' {
			j++
		}
		names = append(names, strings.ToLower(s[i:j]))
		for j < len(s) && space(s[j]) {
			j++
		}
		if j < len(s) && s[j] == '=' {
			j++
			for j < len(s) && space(s[j]) {
				j++
			}
			switch {
			case j < len(s) && (s[j] == '"' || s[j] == '\''):
				if k := strings.IndexByte(s[j+1:], s[j]); k >= 0 {
					j += k + 2
				} else {
					j = len(s)
				}
			default:
				for j < len(s) && !space(s[j]) && s[j] != '>' {
					j++
				}
			}
		}
		i = j
	}
	return names
}

// nestedInteractive reports whether an element inner must not be inside outer.
func nestedInteractive(outer, inner string) bool {
	switch outer {
	case "a", "button":
		return inner == "a" || inner == "button" || inner == "select" || inner == "textarea" || inner == "label" || inner == "form"
	case "form":
		return inner == "form"
	case "label":
		return inner == "label"
	}
	return false
}

func abbreviate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// ---- The tree ----

func (c *checker) tree(doc *html.Node) {
	c.ids, c.doc = map[string]*html.Node{}, doc
	var all []*html.Node
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		all = append(all, n)
		if id, ok := attr(n, "id"); ok {
			switch {
			case strings.TrimSpace(id) == "" || strings.ContainsAny(id, " \t\n\r\f"):
				c.add("id", 0, "%s: an id must be non-empty and without spaces", describe(n))
			case c.ids[id] != nil:
				c.add("id", 0, "the id %q is used twice: %s and %s", id, describe(c.ids[id]), describe(n))
			default:
				c.ids[id] = n
			}
		}
	})
	htmlEl := first(doc, "html")
	c.checkLanguage(htmlEl)
	c.checkTitle(doc)
	c.checkHeadings(all)
	c.checkLandmarks(doc, all)
	for _, n := range all {
		c.checkElement(n)
	}
	c.checkRadioGroups(all)
	c.checkErrorSummary(all)
	c.checkDescriptions(all)
	c.checkLinkPurpose(all)
	c.checkText(doc)
}

func (c *checker) checkLanguage(h *html.Node) {
	if h == nil {
		c.add("lang", 0, "no <html> element")
		return
	}
	lang, _ := attr(h, "lang")
	switch {
	case lang == "":
		c.add("lang", 0, "<html> has no lang")
	case !slices.Contains(c.opt.Languages, lang):
		c.add("lang", 0, "<html lang=%q> is not one of %s", lang, strings.Join(c.opt.Languages, ", "))
	case c.opt.Lang != "" && lang != c.opt.Lang:
		c.add("lang", 0, "<html lang=%q>, expected %q", lang, c.opt.Lang)
	}
	if dir, _ := attr(h, "dir"); dir != "ltr" && dir != "rtl" {
		c.add("lang", 0, "<html> has dir=%q, not ltr or rtl", dir)
	}
}

func (c *checker) checkTitle(doc *html.Node) {
	var titles []*html.Node
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Title && n.Namespace == "" {
			titles = append(titles, n)
		}
	})
	if len(titles) != 1 {
		c.add("title", 0, "%d <title> elements, not one", len(titles))
	}
	if len(titles) > 0 {
		c.title = normalise(text(titles[0]))
		if c.title == "" {
			c.add("title", 0, "the <title> is empty")
		}
		if titles[0].Parent == nil || titles[0].Parent.DataAtom != atom.Head {
			c.add("title", 0, "the <title> is not in <head>")
		}
	}
}

func (c *checker) checkHeadings(all []*html.Node) {
	h1, prev := 0, 1
	for _, n := range all {
		lvl := headingLevel(n)
		if lvl == 0 || hidden(n) {
			continue
		}
		if lvl == 1 {
			h1++
		}
		if accessibleText(c, n) == "" {
			c.add("heading-empty", 0, "%s has no text", describe(n))
		}
		if lvl > prev+1 {
			c.add("heading-order", 0, "%s (%q) follows an h%d: a heading level is skipped", describe(n), abbreviate(text(n)), prev)
		}
		prev = lvl
	}
	if h1 != 1 {
		c.add("h1", 0, "%d h1 elements, not one", h1)
	}
}

func headingLevel(n *html.Node) int {
	switch n.DataAtom {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

func (c *checker) checkLandmarks(doc *html.Node, all []*html.Node) {
	body := first(doc, "body")
	// The skip link: the first thing to focus, to #main.
	if body != nil {
		var f *html.Node
		walk(body, func(n *html.Node) {
			if f == nil && n.Type == html.ElementNode && focusable(n) {
				f = n
			}
		})
		if href, _ := attr(f, "href"); f == nil || f.DataAtom != atom.A || href != "#main" {
			c.add("skip-link", 0, "the first focusable element is %s, not a skip link to #main", describe(f))
		} else if accessibleName(c, f) == "" {
			c.add("skip-link", 0, "the skip link has no text")
		}
	}
	var mains, headers, navs []*html.Node
	for _, n := range all {
		switch {
		case n.DataAtom == atom.Main || role(n) == "main":
			mains = append(mains, n)
		case n.DataAtom == atom.Header && !inside(n, atom.Article, atom.Aside, atom.Main, atom.Nav, atom.Section) || role(n) == "banner":
			headers = append(headers, n)
		case n.DataAtom == atom.Nav || role(n) == "navigation":
			navs = append(navs, n)
		}
	}
	if len(mains) != 1 {
		c.add("landmark", 0, "%d main landmarks, not one", len(mains))
	} else if id, _ := attr(mains[0], "id"); id != "main" {
		c.add("landmark", 0, "<main> has id %q, not main (the skip link's target)", id)
	}
	if len(headers) == 0 {
		c.add("landmark", 0, "no header landmark")
	}
	if c.opt.SignedIn && !slices.ContainsFunc(navs, func(n *html.Node) bool { return !inside(n, atom.Main) }) {
		c.add("landmark", 0, "no navigation landmark outside main")
	}
	if len(navs) > 1 {
		names := map[string]bool{}
		for _, n := range navs {
			name := labelOf(c, n)
			switch {
			case name == "":
				c.add("landmark", 0, "%s: with several navigation landmarks, each needs a label", describe(n))
			case names[name]:
				c.add("landmark", 0, "two navigation landmarks are labelled %q", name)
			}
			names[name] = true
		}
	}
}

// labelOf is the aria-labelledby or aria-label of an element.
func labelOf(c *checker, n *html.Node) string {
	if ids, ok := attr(n, "aria-labelledby"); ok {
		var parts []string
		for _, id := range strings.Fields(ids) {
			if t := c.ids[id]; t != nil {
				parts = append(parts, accessibleText(c, t))
			}
		}
		if s := normalise(strings.Join(parts, " ")); s != "" {
			return s
		}
	}
	l, _ := attr(n, "aria-label")
	return normalise(l)
}

var idrefAttrs = []string{"aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "aria-details", "aria-errormessage", "list", "form", "headers"}

var labelable = set("button", "input", "meter", "output", "progress", "select", "textarea")

func (c *checker) checkElement(n *html.Node) {
	name := n.Data
	for _, a := range n.Attr {
		switch {
		case strings.HasPrefix(a.Key, "on"):
			c.add("csp", 0, "%s has the event handler attribute %s (blocked by script-src 'self')", describe(n), a.Key)
		case a.Key == "style":
			c.add("csp", 0, "%s has a style attribute (blocked by style-src 'self')", describe(n))
		case (a.Key == "href" || a.Key == "src" || a.Key == "action" || a.Key == "formaction") &&
			strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
			c.add("csp", 0, "%s has a javascript: URL", describe(n))
		case a.Key == "lang" && !langTag.MatchString(a.Val):
			c.add("lang", 0, "%s has lang=%q, not a language tag", describe(n), a.Val)
		case a.Key == "tabindex" && strings.TrimSpace(a.Val) != "" && a.Val != "0" && !strings.HasPrefix(a.Val, "-"):
			c.add("tabindex", 0, "%s has a positive tabindex, which breaks the reading order", describe(n))
		case slices.Contains(idrefAttrs, a.Key) && n.Namespace == "":
			for _, id := range strings.Fields(a.Val) {
				if c.ids[id] == nil {
					c.add("idref", 0, "%s has %s=%q but no element has the id %q", describe(n), a.Key, a.Val, id)
				}
			}
		}
	}
	if n.Namespace != "" && n.Namespace != "svg" {
		return
	}
	switch name {
	case "script":
		if src, _ := attr(n, "src"); src == "" || strings.TrimSpace(text(n)) != "" {
			c.add("csp", 0, "an inline <script> (blocked by script-src 'self')")
		}
	case "style":
		if n.Namespace == "" || n.Namespace == "svg" {
			c.add("csp", 0, "a <style> element (blocked by style-src 'self')")
		}
	case "a":
		href, ok := attr(n, "href")
		if !ok {
			break
		}
		c.links = append(c.links, href)
		if accessibleName(c, n) == "" {
			c.add("name", 0, "%s has no text", describe(n))
		}
		if frag, ok := strings.CutPrefix(href, "#"); ok && frag != "" && c.ids[frag] == nil {
			c.add("idref", 0, "%s links to #%s, which does not exist", describe(n), frag)
		}
	case "button":
		if accessibleName(c, n) == "" {
			c.add("name", 0, "%s has no text", describe(n))
		}
	case "img":
		if _, ok := attr(n, "alt"); !ok {
			c.add("img-alt", 0, "%s has no alt", describe(n))
		}
	case "svg":
		if n.Parent != nil && n.Parent.Namespace == "svg" {
			break
		}
		if h, _ := attr(n, "aria-hidden"); h == "true" {
			break
		}
		hasTitle := false
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.Type == html.ElementNode && ch.Data == "title" && normalise(text(ch)) != "" {
				hasTitle = true
			}
		}
		if !hasTitle && labelOf(c, n) == "" {
			c.add("svg", 0, "%s is neither aria-hidden nor named by a <title> or aria-label", describe(n))
		}
		if r := role(n); r != "img" && r != "presentation" && r != "none" && r != "graphics-document" {
			c.add("svg", 0, "%s shown to assistive technology needs role=img", describe(n))
		}
	case "input", "select", "textarea":
		c.checkControl(n)
	case "label":
		if f, ok := attr(n, "for"); ok {
			t := c.ids[f]
			switch {
			case t == nil:
				c.add("label-for", 0, "%s is for %q, which does not exist", describe(n), f)
			case !labelable[t.Data] || t.Data == "input" && attrIs(t, "type", "hidden"):
				c.add("label-for", 0, "%s is for %s, which cannot be labelled", describe(n), describe(t))
			}
		}
	case "table":
		if r := role(n); r == "presentation" || r == "none" {
			break
		}
		caption := false
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.Type == html.ElementNode && ch.DataAtom == atom.Caption && normalise(text(ch)) != "" {
				caption = true
			}
		}
		if !caption && labelOf(c, n) == "" {
			c.add("table", 0, "%s has neither a caption nor an aria-label", describe(n))
		}
		if first(n, "th") == nil {
			c.add("table", 0, "%s has no header cells", describe(n))
		}
	case "th":
		if s, _ := attr(n, "scope"); s != "col" && s != "row" && s != "colgroup" && s != "rowgroup" {
			c.add("table", 0, "%s (%q) has no scope", describe(n), abbreviate(text(n)))
		}
		if accessibleText(c, n) == "" {
			c.add("table", 0, "an empty header cell %s: use <td> or name the column", describe(n))
		}
	case "fieldset":
		controls := false
		walk(n, func(d *html.Node) {
			if d.DataAtom == atom.Input && (attrIs(d, "type", "radio") || attrIs(d, "type", "checkbox")) {
				controls = true
			}
		})
		var legend *html.Node
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.Type == html.ElementNode {
				if ch.DataAtom == atom.Legend {
					legend = ch
				}
				break
			}
		}
		if controls && (legend == nil || normalise(text(legend)) == "") {
			c.add("fieldset", 0, "%s groups radios or checkboxes without a legend as its first child", describe(n))
		}
	case "form":
		if m, _ := attr(n, "method"); strings.EqualFold(m, "post") {
			csrf := false
			walk(n, func(d *html.Node) {
				if d.DataAtom == atom.Input && attrIs(d, "type", "hidden") && attrIs(d, "name", "csrf") {
					v, _ := attr(d, "value")
					csrf = csrf || v != ""
				}
			})
			if !csrf {
				a, _ := attr(n, "action")
				c.add("form-csrf", 0, "the post form to %q has no csrf token", a)
			}
		} else if a, ok := attr(n, "action"); ok {
			c.links = append(c.links, a)
		}
	}
}

func (c *checker) checkControl(n *html.Node) {
	typ, _ := attr(n, "type")
	typ = strings.ToLower(typ)
	if n.DataAtom == atom.Input {
		switch typ {
		case "hidden":
			return
		case "submit", "reset", "button":
			if v, ok := attr(n, "value"); typ == "button" && (!ok || normalise(v) == "") && labelOf(c, n) == "" {
				c.add("name", 0, "%s has no value", describe(n))
			}
			return
		case "image":
			if alt, _ := attr(n, "alt"); normalise(alt) == "" {
				c.add("img-alt", 0, "%s has no alt", describe(n))
			}
			return
		}
	}
	if labelOf(c, n) != "" {
		return
	}
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Label && accessibleText(c, p) != "" {
			return
		}
	}
	if id, ok := attr(n, "id"); ok && id != "" {
		labelled := false
		for _, l := range c.labelsFor(id) {
			if accessibleText(c, l) != "" {
				labelled = true
			}
		}
		if labelled {
			return
		}
	}
	c.add("label", 0, "%s has no label", describe(n))
}

func (c *checker) labelsFor(id string) []*html.Node {
	var out []*html.Node
	walk(c.doc, func(n *html.Node) {
		if n.DataAtom == atom.Label && attrIs(n, "for", id) {
			out = append(out, n)
		}
	})
	return out
}

// checkRadioGroups requires every group of radios, and every set of
// checkboxes of one name, to be inside a named group.
func (c *checker) checkRadioGroups(all []*html.Node) {
	count := map[string]int{}
	for _, n := range all {
		if n.DataAtom == atom.Input && attrIs(n, "type", "checkbox") {
			name, _ := attr(n, "name")
			count[name]++
		}
	}
	reported := map[string]bool{}
	for _, n := range all {
		if n.DataAtom != atom.Input {
			continue
		}
		name, _ := attr(n, "name")
		if !attrIs(n, "type", "radio") && !(attrIs(n, "type", "checkbox") && count[name] > 1) {
			continue
		}
		named := false
		for p := n.Parent; p != nil && !named; p = p.Parent {
			switch {
			case p.DataAtom == atom.Fieldset:
				if l := first(p, "legend"); l != nil && normalise(text(l)) != "" {
					named = true
				}
			case role(p) == "radiogroup" || role(p) == "group":
				named = labelOf(c, p) != ""
			}
		}
		if !named && !reported[name] {
			reported[name] = true
			c.add("fieldset", 0, "the choices %q are not in a fieldset with a legend", name)
		}
	}
}

// checkErrorSummary: every message of the error summary links to its field.
func (c *checker) checkErrorSummary(all []*html.Node) {
	for _, n := range all {
		if !hasClass(n, "error-summary") {
			continue
		}
		links := 0
		walk(n, func(a *html.Node) {
			if a.DataAtom != atom.A {
				return
			}
			links++
			href, _ := attr(a, "href")
			id, ok := strings.CutPrefix(href, "#")
			if !ok || c.ids[id] == nil {
				c.add("error-summary", 0, "the error %q links to %q, which is not a field of the page", abbreviate(text(a)), href)
			}
		})
		if links == 0 {
			c.add("error-summary", 0, "the error summary has no links to the fields")
		}
	}
}

// checkDescriptions: a field's hint and error message are read with the
// field, so each is referenced by the aria-describedby of its control or
// of its fieldset.
func (c *checker) checkDescriptions(all []*html.Node) {
	described := map[string]bool{}
	for _, n := range all {
		if v, ok := attr(n, "aria-describedby"); ok {
			for _, id := range strings.Fields(v) {
				described[id] = true
			}
		}
	}
	for _, n := range all {
		kind := ""
		switch {
		case hasClass(n, "hint"):
			kind = "hint"
		case hasClass(n, "error-message"):
			kind = "error message"
		default:
			continue
		}
		if id, _ := attr(n, "id"); id == "" || !described[id] {
			c.add("describedby", 0, "the %s %q is not referenced by the aria-describedby of its field", kind, abbreviate(text(n)))
		}
	}
}

// checkLinkPurpose: links with the same text go to the same place, unless
// their paragraph, list item or table cell tells them apart (WCAG 2.4.4);
// a summary list's "Change" links need their own words.
func (c *checker) checkLinkPurpose(all []*html.Node) {
	hrefs := map[string]string{}
	reported := map[string]bool{}
	for _, n := range all {
		href, ok := attr(n, "href")
		if n.DataAtom != atom.A || !ok || inside(n, atom.P, atom.Li, atom.Td, atom.Th) {
			continue
		}
		name := strings.ToLower(accessibleName(c, n))
		if name == "" {
			continue
		}
		if other, ok := hrefs[name]; ok && other != href && !reported[name] {
			reported[name] = true
			c.add("link-purpose", 0, "two links read %q but go to %s and %s", accessibleName(c, n), other, href)
		}
		hrefs[name] = href
	}
}

// missingKey is how the catalogue shows a message it does not have: [the.key].
var missingKey = regexp.MustCompile(`\[[a-z][A-Za-z0-9_]*(\.[A-Za-z0-9_-]*)+\]`)

// rawCode is an identifier of the code (snake_case) shown as the whole of a text.
var rawCode = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)+$`)

var langTag = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)

// checkText looks for untranslated catalogue keys in the text and in the
// attributes people read or hear.
func (c *checker) checkText(doc *html.Node) {
	walk(doc, func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if m := missingKey.FindString(n.Data); m != "" {
				c.add("i18n-key", 0, "the text shows the catalogue key %s", m)
			}
			if code := strings.TrimSpace(n.Data); rawCode.MatchString(code) && !inside(n, atom.Code, atom.Pre, atom.Kbd, atom.Samp, atom.Script, atom.Style) {
				c.add("i18n-key", 0, "the text shows the code %s instead of words", code)
			}
		case html.ElementNode:
			for _, a := range n.Attr {
				if a.Key == "aria-label" || a.Key == "title" || a.Key == "alt" || a.Key == "placeholder" || a.Key == "data-confirm" ||
					a.Key == "value" && (n.Data == "button" || attrIs(n, "type", "submit") || attrIs(n, "type", "button")) {
					if m := missingKey.FindString(a.Val); m != "" {
						c.add("i18n-key", 0, "%s shows the catalogue key %s in %s", describe(n), m, a.Key)
					}
				}
			}
		}
	})
}

// ---- Helpers ----

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		walk(ch, f)
	}
}

func first(n *html.Node, name string) *html.Node {
	var out *html.Node
	walk(n, func(d *html.Node) {
		if out == nil && d != n && d.Type == html.ElementNode && d.Data == name {
			out = d
		}
	})
	return out
}

func attr(n *html.Node, key string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val, true
		}
	}
	return "", false
}

func attrIs(n *html.Node, key, val string) bool {
	v, ok := attr(n, key)
	return ok && strings.EqualFold(v, val)
}

func role(n *html.Node) string { r, _ := attr(n, "role"); return strings.TrimSpace(r) }

func hasClass(n *html.Node, class string) bool {
	v, _ := attr(n, "class")
	return slices.Contains(strings.Fields(v), class)
}

func inside(n *html.Node, as ...atom.Atom) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && slices.Contains(as, p.DataAtom) {
			return true
		}
	}
	return false
}

func hidden(n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if attrIs(n, "aria-hidden", "true") {
			return true
		}
		if _, ok := attr(n, "hidden"); ok && n.Type == html.ElementNode {
			return true
		}
	}
	return false
}

// focusable reports whether an element takes the keyboard focus.
func focusable(n *html.Node) bool {
	if ti, ok := attr(n, "tabindex"); ok {
		return !strings.HasPrefix(ti, "-")
	}
	switch n.DataAtom {
	case atom.A:
		_, ok := attr(n, "href")
		return ok
	case atom.Button, atom.Select, atom.Textarea:
		return true
	case atom.Input:
		return !attrIs(n, "type", "hidden")
	}
	return false
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(d *html.Node) {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	})
	return b.String()
}

func normalise(s string) string { return strings.Join(strings.Fields(s), " ") }

// accessibleText is the text of an element as assistive technology reads
// it: its text and the alternative text of its images, without what is
// aria-hidden.
func accessibleText(c *checker, n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(d *html.Node) {
		if d.Type == html.ElementNode {
			if attrIs(d, "aria-hidden", "true") {
				return
			}
			if l := labelOf(c, d); l != "" && d != n {
				b.WriteString(" " + l + " ")
				return
			}
			if d.DataAtom == atom.Img {
				alt, _ := attr(d, "alt")
				b.WriteString(" " + alt + " ")
			}
			if d.DataAtom == atom.Input && attrIs(d, "type", "text") {
				return
			}
		}
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
		for ch := d.FirstChild; ch != nil; ch = ch.NextSibling {
			rec(ch)
		}
	}
	rec(n)
	return normalise(b.String())
}

// accessibleName is the name of a link or button.
func accessibleName(c *checker, n *html.Node) string {
	if l := labelOf(c, n); l != "" {
		return l
	}
	if s := accessibleText(c, n); s != "" {
		return s
	}
	t, _ := attr(n, "title")
	return normalise(t)
}

// describe names an element for a message: <input id=f-x name=x>.
func describe(n *html.Node) string {
	if n == nil {
		return "nothing"
	}
	var b strings.Builder
	b.WriteString("<" + n.Data)
	for _, k := range []string{"id", "name", "type", "for", "href", "class"} {
		if v, ok := attr(n, k); ok {
			fmt.Fprintf(&b, " %s=%q", k, abbreviate(v))
		}
	}
	b.WriteString(">")
	return b.String()
}

// Titles remembers the title of each page of a crawl, to find two pages
// that share one (UI.md: every page has a unique title).
type Titles map[string]string // title → page

// Add records the title of page; it returns the other page with the same
// title, if there is one.
func (t Titles) Add(page, title string) (other string, dup bool) {
	if p, ok := t[title]; ok && p != page {
		return p, true
	}
	t[title] = page
	return "", false
}
