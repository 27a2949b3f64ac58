//go:build !unix

package worker

// waitGone cannot check without Unix signals; process groups are a Unix
// feature anyway.
func waitGone(int) {}
