package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hcbench/hcbench/engine"
	"github.com/hcbench/hcbench/report"
)

// session is a validated command line with everything read from disk that
// the run needs, checked before any measuring starts.
type session struct {
	o     *options
	paths report.Paths

	// baseline is the latest run of --baseline's file, nil without it.
	baseline []engine.Result

	// runID identifies the run in the JSONL; a resumed run keeps its own.
	runID int64
	// prior are the resumed run's finished results, not measured again.
	prior []engine.Result

	// unlock releases the JSONL's lock.
	unlock func()
}

// errLocked is lockJSONL's refusal: another process writes the JSONL.
var errLocked = errors.New("another hcbench is writing to it")

// close releases what setUp took.
func (s *session) close() {
	if s.unlock != nil {
		s.unlock()
	}
}

// setUp reads the baseline, finds the run to resume and makes sure the
// output directory can be written, in that order: the first two are
// command-line errors (exit 2) and must be reported before anything is
// created; the directory is created last.
func setUp(o *options, stderr io.Writer) (*session, error) {
	s := &session{o: o, paths: report.PathsFor(o.out)}
	if o.baselinePath != "" {
		base, err := report.LoadBaseline(o.baselinePath)
		if err != nil {
			// LoadBaseline's errors start with "baseline"; the flag says that.
			msg := strings.TrimPrefix(err.Error(), "baseline: ")
			return nil, flagError(flagBaseline, o.baselinePath, errors.New(msg))
		}
		if len(base) == 0 {
			return nil, flagError(flagBaseline, o.baselinePath, fmt.Errorf("holds no results to compare with"))
		}
		s.baseline = base
	}
	if o.resume {
		id, prior, err := findResumable(s.paths.JSONL, o.plan, stderr)
		if err != nil {
			return nil, err
		}
		s.runID, s.prior = id, prior
	}
	if err := report.PrepareDir(o.out); err != nil {
		return nil, fmt.Errorf("cannot write results to --%s %q: %w", flagOut, o.out, err)
	}
	unlock, err := lockJSONL(s.paths.JSONL)
	if errors.Is(err, errLocked) {
		return nil, fmt.Errorf("--%s %q: another hcbench is writing %s; wait for it to finish or choose another --%s",
			flagOut, o.out, s.paths.JSONL, flagOut)
	}
	if err != nil {
		return nil, fmt.Errorf("--%s %q: %w", flagOut, o.out, err)
	}
	s.unlock = unlock
	if !o.resume {
		s.runID = newRunID(s.paths.JSONL)
	}
	return s, nil
}

// newRunID is the start time in whole Unix seconds, as the reference's
// run_id, but always above every run already in the JSONL so that two runs
// started within the same second (scripts, tests) never share an id.
func newRunID(jsonl string) int64 {
	id := time.Now().Unix()
	recs, _, err := report.ReadJSONLRepair(jsonl)
	if err != nil {
		// A missing or unreadable history cannot clash with the new id in
		// a way that matters more than the clock.
		return id
	}
	for _, r := range recs {
		if r.RunID >= id {
			id = r.RunID + 1
		}
	}
	return id
}
