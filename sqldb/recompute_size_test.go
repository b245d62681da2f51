//go:build !race

package sqldb_test

// recomputeCases is how many running cases the batched recomputation test
// takes: 10,000 (fewer under the race detector, which slows SQLite tens
// of times; see recompute_size_race_test.go).
const recomputeCases = 10000
