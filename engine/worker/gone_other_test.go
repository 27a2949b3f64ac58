//go:build !unix

package worker

import "time"

// processGone cannot check without Unix signals; process groups are a Unix
// feature anyway.
func processGone(int, time.Duration) bool { return true }
