package store

import (
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fixture"
	"github.com/hcbench/hcbench/report/internal/fsys"
)

const fixtureRunID = fixture.RunID

func fixtureResults() []bench.Result { return fixture.Results() }

// fixtureMeta is the run description of the fixture.
func fixtureMeta() Meta {
	p := bench.DefaultPlan()
	p.Timing = bench.Timing{MinTime: 10 * time.Millisecond, MinEpochs: 5}
	return Meta{RunID: fixtureRunID, Plan: p, Version: "v0.0.0-test"}
}

// fixedMachine stands in for the machine so that the JSONL is the same
// everywhere.
func fixedMachine(version string) Machine {
	return Machine{Version: version, GoVersion: "go1.26.0", OS: "linux", Arch: "amd64",
		CPU: "Test CPU @ 3.00GHz", NumCPU: 2}
}

// fixedNow is the fixture's clock.
func fixedNow() time.Time { return time.Unix(fixtureRunID, 0) }

// testEnv is a deterministic environment over fs.
func testEnv(fs fsys.FS) env { return env{fs: fs, machine: fixedMachine, now: fixedNow} }
