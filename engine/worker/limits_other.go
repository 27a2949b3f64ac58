//go:build !unix

package worker

// openFileLimit is unknown where there are no Unix resource limits.
func openFileLimit() int { return 0 }
