//go:build race

package sqldb_test

// recomputeCases is how many running cases the batched recomputation test
// takes under the race detector.
const recomputeCases = 1000
