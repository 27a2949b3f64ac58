package worker

import (
	"encoding/json"
	"fmt"
	"time"
)

// Protocol is the protocol version this package speaks (docs/protocol.md).
const Protocol = 1

// EnvVar selects worker mode in a binary that can be its own worker: the
// hcbench binary (and test binaries that re-execute themselves) serve the
// protocol on stdin/stdout instead of running normally when it is "go".
const EnvVar = "HCBENCH_WORKER"

// Config is the grid point to measure.
type Config struct {
	D int `json:"D"`
	K int `json:"K"`
	T int `json:"T"`
}

func (c Config) String() string { return fmt.Sprintf("D=%d K=%d T=%d", c.D, c.K, c.T) }

// Hello is the worker's first line.
type Hello struct {
	Protocol      int               `json:"protocol"`
	Engine        string            `json:"engine"` // "go" or "python"
	EngineVersion string            `json:"engine_version"`
	Details       map[string]string `json:"details,omitempty"`
	// Features are what the worker can do beyond the protocol's core:
	// FeatureVs, measuring a second variant in the same run.
	Features []string `json:"features,omitempty"`
}

// FeatureVs: the worker measures Request.Vs, variant B, round by round
// with variant A in the same run.
const FeatureVs = "vs"

// Vs is variant B of a paired measurement, as far as it differs from the
// request (docs/protocol.md, "Two variants in one run").
type Vs struct {
	Policy string `json:"policy,omitempty"` // "": the request's
	QMLHC  string `json:"qmlhc,omitempty"`  // another checkout (python worker), "": the worker's own
}

// VsResult is variant B's part of a paired result: its rounds are paired
// with the result's, Samples[i] with the result's Samples[i], and have the
// same batch.
type VsResult struct {
	Samples []float64       `json:"samples"`
	Run     json.RawMessage `json:"run"`
	MemKind string          `json:"mem_kind"`
	// EngineVersion and Details describe B where they differ from the
	// worker's hello (another checkout); empty otherwise.
	EngineVersion string            `json:"engine_version,omitempty"`
	Details       map[string]string `json:"details,omitempty"`
}

// Request asks for one measurement: one run of a config with one seed (or
// a part of one: the sweep splits a repeat into parts, each with its share
// of the plan's time and epochs, so TimeMin and MinEpochs are this
// measurement's, not the plan's).
type Request struct {
	ID        int64   `json:"id"`
	Config    Config  `json:"config"`
	Seed      uint64  `json:"seed"`
	Policy    string  `json:"policy"`
	Depths    []int   `json:"depths"`
	TimeMin   float64 `json:"time_min"`   // seconds of measuring per depth, in this measurement
	MinEpochs int     `json:"min_epochs"` // measured epochs per depth, at least
	MaxRounds int     `json:"max_rounds"` // rounds (samples), at most
	Warmup    int     `json:"warmup"`     // untimed epochs per depth first
	Batch     int     `json:"batch"`      // epochs per depth and round; 0: calibrate
	// Vs, when set, asks for variant B too, its rounds alternating with
	// A's (only of a worker whose Hello has FeatureVs).
	Vs *Vs `json:"vs,omitempty"`

	// Epoch is the parent's estimate of one epoch of this config (its
	// mean over the depths; 0 when unknown), from which the client derives
	// how long the measurement may take (Limit). It is not sent.
	Epoch time.Duration `json:"-"`
}

// Result is one finished measurement.
type Result struct {
	ID      int64     `json:"id"`
	Batch   int       `json:"batch"`
	Rounds  int       `json:"rounds"`
	Samples []float64 `json:"samples"`
	// Run is a bench.Run as JSON (the reference's aggregation over
	// depths); the sweep decodes it, so this package needs no engine types.
	Run     json.RawMessage `json:"run"`
	MemKind string          `json:"mem_kind"`
	// Vs is variant B's rounds and run when the request had Vs.
	Vs *VsResult `json:"vs,omitempty"`
}

// Progress reports how far the measurement with ID is.
type Progress struct {
	ID       int64   `json:"id"`
	Depth    int     `json:"depth"`
	Fraction float64 `json:"fraction"`
}

// Message types on the wire.
const (
	typeHello    = "hello"
	typeFatal    = "fatal"
	typeMeasure  = "measure"
	typeProgress = "progress"
	typeResult   = "result"
	typeError    = "error"
	typePause    = "pause"
	typeResume   = "resume"
	typeStop     = "stop"
	typePaused   = "paused"
	typeResumed  = "resumed"
	typeStopped  = "stopped"
)

// envelope reads any line far enough to dispatch it.
type envelope struct {
	Type  string `json:"type"`
	ID    int64  `json:"id"`
	Error string `json:"error"`
}

// The wire forms: the payload with its "type".
type (
	helloMsg struct {
		Type string `json:"type"`
		Hello
	}
	requestMsg struct {
		Type string `json:"type"`
		Request
	}
	resultMsg struct {
		Type string `json:"type"`
		Result
	}
	progressMsg struct {
		Type string `json:"type"`
		Progress
	}
	idMsg struct {
		Type  string `json:"type"`
		ID    int64  `json:"id"`
		Error string `json:"error,omitempty"`
	}
)

// line encodes v as one protocol line.
func line(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
