package i18n

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"
)

//go:embed messages
var messagesFS embed.FS

// Catalog holds the messages of every language. It is read-only once built
// and safe for concurrent use.
type Catalog struct {
	msgs map[Lang]map[string]string
	keys []string // sorted union of the keys of every language
}

// Default returns the catalog of the embedded message files, parsed on the
// first call. It never panics: the tests check that the embedded files parse
// without error, and a file that failed to parse would only leave its
// language to the English fallback.
func Default() *Catalog { return defaultCatalog() }

var defaultCatalog = sync.OnceValue(func() *Catalog {
	c, _ := load(messagesFS)
	return c
})

// load reads the messages of every language from fsys: messages/<lang>.json
// and, for each area of the application that keeps its own texts (the PDF
// documents, uploads, …), messages/<area>/<lang>.json. A key may be defined
// in one file only. It always returns a usable catalog; the error lists every
// file that could not be read or parsed and every key defined twice.
func load(fsys fs.FS) (*Catalog, error) {
	dirs := []string{"messages"}
	if entries, err := fs.ReadDir(fsys, "messages"); err == nil {
		for _, e := range entries {
			if e.IsDir() {
				dirs = append(dirs, "messages/"+e.Name())
			}
		}
	}
	msgs := make(map[Lang]map[string]string, len(Languages))
	var errs []error
	for _, l := range Languages {
		all := map[string]string{}
		for _, dir := range dirs {
			name := dir + "/" + string(l) + ".json"
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				if dir != "messages" && errors.Is(err, fs.ErrNotExist) {
					errs = append(errs, fmt.Errorf("%s: missing (every area needs a file per language)", name))
				} else {
					errs = append(errs, err)
				}
				continue
			}
			m, err := parseMessages(b)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
				continue
			}
			for k, v := range m {
				if _, dup := all[k]; dup {
					errs = append(errs, fmt.Errorf("%s: key %q is already defined in another file", name, k))
					continue
				}
				all[k] = v
			}
		}
		if len(all) > 0 {
			msgs[l] = all
		}
	}
	return newCatalog(msgs), errors.Join(errs...)
}

// newCatalog builds a catalog from messages per language.
func newCatalog(msgs map[Lang]map[string]string) *Catalog {
	seen := map[string]bool{}
	for _, m := range msgs {
		for k := range m {
			seen[k] = true
		}
	}
	return &Catalog{msgs: msgs, keys: slices.Sorted(maps.Keys(seen))}
}

// parseMessages reads one flat JSON object of string values, rejecting
// nested values and keys given twice (which encoding/json would silently
// let the last one win).
func parseMessages(b []byte) (map[string]string, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("want one JSON object of key → text")
	}
	m := map[string]string{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := t.(string) // inside an object, keys are strings
		var v string
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("key %q: the value must be a string: %w", key, err)
		}
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("key %q appears twice", key)
		}
		m[key] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("text after the JSON object")
	}
	return m, nil
}

// lookup returns the text of key in l, else in English.
func (c *Catalog) lookup(l Lang, key string) (string, Lang, bool) {
	if c == nil {
		return "", EN, false
	}
	if s, ok := c.msgs[l][key]; ok {
		return s, l, true
	}
	if s, ok := c.msgs[EN][key]; ok {
		return s, EN, true
	}
	return "", EN, false
}

// T returns the text of key in l with its placeholders filled from args,
// given as name/value pairs: T(AZ, "deadline.due", "date", FormatDate(AZ, d)).
// A key missing in l gives the English text; a key missing in English too
// gives "[key]". A placeholder without a value stays as written; an odd last
// argument is ignored.
func (c *Catalog) T(l Lang, key string, args ...string) string {
	s, _, ok := c.lookup(l, key)
	if !ok {
		return "[" + key + "]"
	}
	return expand(s, args)
}

// Has reports whether the catalog of l itself holds key (no fallback).
func (c *Catalog) Has(l Lang, key string) bool {
	if c == nil {
		return false
	}
	_, ok := c.msgs[l][key]
	return ok
}

// Keys returns every key of every language, sorted; plural messages appear
// with their category suffix ("days_left.one").
func (c *Catalog) Keys() []string {
	if c == nil {
		return nil
	}
	return slices.Clone(c.keys)
}

// Plural returns the plural message key for the number n in l: the entry
// key+"."+PluralForm(l, n), else key+".other" of l, else the English entry.
// The placeholder {n} is n written with FormatNumber; args fill the others
// as in T. A message missing in English too gives "[key]".
func (c *Catalog) Plural(l Lang, key string, n int, args ...string) string {
	try := func(l Lang) (string, bool) {
		if c == nil {
			return "", false
		}
		m := c.msgs[l]
		if s, ok := m[key+"."+PluralForm(l, n)]; ok {
			return s, true
		}
		s, ok := m[key+".other"]
		return s, ok
	}
	l = l.or()
	s, ok := try(l)
	if !ok {
		l = EN
		if s, ok = try(EN); !ok {
			return "[" + key + "]"
		}
	}
	all := make([]string, 0, len(args)+2)
	all = append(all, "n", FormatNumber(l, int64(n)))
	return expand(s, append(all, args...))
}

// DaysLeft words the distance to a due date as shown beside it: days is the
// number of (working, when working is set) days from today to the due date,
// negative once it has passed. 0 gives "today"; 3 "3 days left"; 1 with
// working "1 working day left"; -2 "overdue by 2 days"; with the plural
// forms of l ("осталось 5 дней", "остался 21 день").
func (c *Catalog) DaysLeft(l Lang, days int, working bool) string {
	var key string
	switch {
	case days == 0:
		return c.T(l, "deadline.today")
	case days > 0 && working:
		key = "working_days_left"
	case days > 0:
		key = "days_left"
	case working:
		key, days = "overdue_working_days", -days
	default:
		key, days = "overdue_days", -days
	}
	return c.Plural(l, key, days)
}

// expand fills the {name} placeholders of s from name/value pairs in one
// pass, so that a value holding braces is never expanded again.
func expand(s string, args []string) string {
	if len(args) < 2 || !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		j += i
		b.WriteString(s[:i])
		name, done := s[i+1:j], false
		for k := 0; k+1 < len(args); k += 2 {
			if args[k] == name {
				b.WriteString(args[k+1])
				done = true
				break
			}
		}
		if !done {
			b.WriteString(s[i : j+1])
		}
		s = s[j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// placeholders returns the names of the {name} placeholders of s, in order,
// and whether s holds a brace that is not part of one.
func placeholders(s string) (names []string, stray bool) {
	for {
		i := strings.IndexAny(s, "{}")
		if i < 0 {
			return names, stray
		}
		if s[i] == '}' {
			stray = true
			s = s[i+1:]
			continue
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 || !isName(s[i+1:i+j]) {
			stray = true
			s = s[i+1:]
			continue
		}
		names = append(names, s[i+1:i+j])
		s = s[i+j+1:]
	}
}

// isName reports whether s is a placeholder name: lower-case ASCII letters,
// digits and underscores, starting with a letter.
func isName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}
