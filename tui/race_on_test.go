//go:build race

package tui

// raceEnabled: the race detector is on. Tests that drive a separately
// built binary (tmux) run once, in the plain pass: the binary is built
// without -race, so the detector would watch only the test's own waiting.
const raceEnabled = true
