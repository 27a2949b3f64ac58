//go:build !unix || openbsd

package worker

// addressSpaceLimit is unknown where there is no RLIMIT_AS.
func addressSpaceLimit() int64 { return 0 }
