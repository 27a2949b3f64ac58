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
		// Taken under the lock, so that no other hcbench can pick the
		// same id from the same history meanwhile.
		id, err := report.NextRunID(s.paths.JSONL, time.Now())
		if err != nil {
			s.close()
			return nil, fmt.Errorf("--%s %q: %w", flagOut, o.out, err)
		}
		s.runID = id
	}
	return s, nil
}

// relock moves the second-writer lock to the JSONL at the path after the
// recorder has recreated it (its directory or the file was removed mid-run):
// the old lock holds an unlinked file that no other hcbench would open, so
// without this a second writer would be let in.
func (s *session) relock() error {
	unlock, err := lockJSONL(s.paths.JSONL)
	if err != nil {
		return err
	}
	s.close()
	s.unlock = unlock
	return nil
}
