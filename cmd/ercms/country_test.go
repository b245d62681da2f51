package main

import (
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// countryWords are what would name a requested state in code: the
// countries, their capitals, airports and codes. Azerbaijani (the language,
// a language of the web application) is not the country.
var countryWords = []struct {
	word  string
	fold  bool // case-insensitive
	exact bool // the whole string literal, e.g. "AZ"
}{
	{word: "azerbaijan", fold: true}, {word: "baku", fold: true}, {word: "bakı", fold: true}, {word: "GYD"},
	{word: "AZ", exact: true},
	{word: "ivoire", fold: true}, {word: "abidjan", fold: true}, {word: "ABJ"}, {word: "CI", exact: true},
}

// countryAllowed are the findings that are configuration, not logic: the
// default of --country and of sqldb.Options.Country, and examples in the
// messages that explain a profile field. Each is file: finding.
var countryAllowed = map[string][]string{
	"cmd/ercms/config.go": {`"AZ"`}, // defaultCountry, the deployment's default --country
	"sqldb/db.go":         {`"AZ"`}, // Options.Country's documented default
	"deadline/profile.go": {"baku", "GYD"},
	"names/upper.go":      {`"AZ"`}, // nationalities whose alphabet has the dotted and dotless i: a fact of the alphabet, not of the deployment
}

// TestNoCountryInCode walks the module's Go code (not tests, not the demo
// data in demo/) and fails where a string literal or an identifier names a
// requested state: everything country-specific is data (profiles,
// calendars, the demo's Country values), chosen by --country.
func TestNoCountryInCode(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor" || rel == "demo") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, f := range countryFindings(rel, src) {
			if allowedFinding(rel, f.what) {
				t.Logf("allowed: %s:%d: %s", rel, f.line, f.token)
			} else {
				t.Errorf("%s:%d: %s names a country in code (%s); make it data", rel, f.line, f.token, f.what)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

type countryFinding struct {
	line        int
	token, what string
}

// countryFindings scans src (comments skipped) for string literals and
// identifiers holding a country word.
func countryFindings(name string, src []byte) []countryFinding {
	fset := token.NewFileSet()
	file := fset.AddFile(name, -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0)
	var out []countryFinding
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok != token.STRING && tok != token.CHAR && tok != token.IDENT {
			continue
		}
		text := lit
		if tok != token.IDENT {
			if u, err := strconv.Unquote(lit); err == nil {
				text = u
			}
		}
		for _, w := range countryWords {
			switch {
			case w.exact:
				if tok == token.STRING && text == w.word {
					out = append(out, countryFinding{fset.Position(pos).Line, lit, strconv.Quote(w.word)})
				}
			case w.fold:
				if hasWord(strings.ToLower(text), w.word) {
					out = append(out, countryFinding{fset.Position(pos).Line, lit, w.word})
				}
			case strings.Contains(text, w.word):
				out = append(out, countryFinding{fset.Position(pos).Line, lit, w.word})
			}
		}
	}
}

// hasWord reports whether s holds word, not as the start of "azerbaijani"
// (the language).
func hasWord(s, word string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], word)
		if j < 0 {
			return false
		}
		end := i + j + len(word)
		if word != "azerbaijan" || !strings.HasPrefix(s[end:], "i") {
			return true
		}
		i = end
	}
}

func allowedFinding(file, what string) bool {
	for _, a := range countryAllowed[file] {
		if a == what {
			return true
		}
	}
	return false
}

// TestCountryFindings checks the scanner on examples.
func TestCountryFindings(t *testing.T) {
	src := []byte(`package x
// Azerbaijan in a comment is fine, and so is "AZ".
var lang = language.Azerbaijani
const zone = "Asia/Baku"
var code = "AZ"
func Azerbaijan() {}
var msg = "the AZ code"
var ci = "CI"
`)
	var got []string
	for _, f := range countryFindings("x.go", src) {
		got = append(got, strconv.Itoa(f.line)+" "+f.what)
	}
	want := []string{"4 baku", `5 "AZ"`, "6 azerbaijan", `8 "CI"`}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("findings %v, want %v", got, want)
	}
}
