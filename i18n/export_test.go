package i18n

// KnownStateFamily exposes the explicit state → family table to the tests
// of package i18n_test, which walk the states of the root package.
func KnownStateFamily(s string) (string, bool) {
	f, ok := stateFamilies[s]
	return f, ok
}
