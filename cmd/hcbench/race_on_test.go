//go:build race

package main

// raceEnabled: the race detector is on. Tests that only wait on a
// process's own timers (minutes of them) run once, without it.
const raceEnabled = true
