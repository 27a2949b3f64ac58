//go:build race

package main

// raceEnabled: the race detector is on. Tests that only wait on a
// process's own timers (minutes of them), and those that run the built
// binary (built without -race, so the detector would watch only the
// test's waiting), run once, without it.
const raceEnabled = true
