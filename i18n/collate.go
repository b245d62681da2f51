package i18n

import (
	"sync"

	"golang.org/x/text/collate"
)

// collators keeps collators per language for reuse: a collate.Collator is
// not safe for concurrent use.
var collators = func() map[Lang]*sync.Pool {
	m := make(map[Lang]*sync.Pool, len(Languages))
	for _, l := range Languages {
		tag := l.Tag()
		m[l] = &sync.Pool{New: func() any { return collate.New(tag) }}
	}
	return m
}()

// withCollator runs f with a collator of l (English for any other value).
func withCollator(l Lang, f func(*collate.Collator)) {
	p := collators[l.or()]
	c := p.Get().(*collate.Collator)
	defer p.Put(c)
	f(c)
}

// Sort sorts names in place in the alphabetical order of l (CLDR collation):
// in Azerbaijani c < ç < d < e < ə < f < g < ğ < h < x < ı < i < … < o < ö <
// … < s < ş < … < u < ü, so "Cəfərov" < "Çələbi" < "Dadaşov" and "Eyvazov" <
// "Əliyev"; in Russian and French the usual orders.
func Sort(l Lang, names []string) {
	withCollator(l, func(c *collate.Collator) { c.SortStrings(names) })
}

// Compare compares a and b in the alphabetical order of l, returning -1, 0
// or +1, for sorting rows with slices.SortFunc.
func Compare(l Lang, a, b string) int {
	var r int
	withCollator(l, func(c *collate.Collator) { r = c.CompareString(a, b) })
	return r
}
