// Package shards reads a sharded run's directory: DIR/shard-I-of-N/, one
// output directory per shard (`hcbench --shard I/N -o DIR` writes there,
// with its own JSONL and lock, so that no lock is shared between nodes),
// and what each shard has recorded of the sweep: its part of the grid
// (package engine/shard), the calibration config, what is still missing.
// It reads without locking or changing anything, so it can follow shards
// while they write.
package shards

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/shard"
	"github.com/hcbench/hcbench/report/store"
)

// Dir is shard s's output directory under out.
func Dir(out string, s bench.Shard) string {
	return filepath.Join(out, fmt.Sprintf("shard-%d-of-%d", s.Index, s.Count))
}

var dirName = regexp.MustCompile(`^shard-(\d+)-of-(\d+)$`)

// Files is one shard's directory as found.
type Files struct {
	bench.Shard
	Dir string
	// Exists: the directory is there; Records are its JSONL's (every run),
	// Err why they could not be read.
	Exists  bool
	Records []store.Record
	Err     error
	// Modified and Size are the JSONL's (zero when there is none).
	Modified time.Time
	Size     int64
}

// Layout is a sharded directory: Count shards, each in Shards[i] (those
// not created yet with Exists false).
type Layout struct {
	Dir    string
	Count  int
	Shards []Files
}

// ErrNotSharded: the directory holds no shard directories.
var ErrNotSharded = errors.New("no shard directories (shard-I-of-N) in it")

// IsSharded reports whether dir holds shard directories.
func IsSharded(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return e.IsDir() && dirName.MatchString(e.Name()) })
}

// Scan reads dir's shard directories. Shards of different counts (N) in
// one directory are refused: they are different sweeps.
func Scan(dir string) (Layout, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Layout{}, fmt.Errorf("reading the shards of %s: %w", dir, err)
	}
	l := Layout{Dir: dir}
	found := map[int]bool{}
	for _, e := range entries {
		m := dirName.FindStringSubmatch(e.Name())
		if !e.IsDir() || m == nil {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		if n < 1 || i >= n {
			continue
		}
		if l.Count != 0 && l.Count != n {
			return Layout{}, fmt.Errorf("%s holds shards of %d and of %d: one directory per sharded sweep", dir, l.Count, n)
		}
		l.Count = n
		found[i] = true
	}
	if l.Count == 0 {
		return Layout{}, fmt.Errorf("%s: %w", dir, ErrNotSharded)
	}
	for i := range l.Count {
		f := Files{Shard: bench.Shard{Index: i, Count: l.Count}}
		f.Dir = Dir(dir, f.Shard)
		if found[i] {
			f.Exists = true
			jsonl := store.PathsFor(f.Dir).JSONL
			if st, err := os.Stat(jsonl); err == nil {
				f.Modified, f.Size = st.ModTime(), st.Size()
				f.Records, _, f.Err = store.ReadJSONLRepair(jsonl)
			}
		}
		l.Shards = append(l.Shards, f)
	}
	return l, nil
}

// Shard is what one shard has recorded of a sweep.
type Shard struct {
	Files
	// Part is the configs the shard owns, Measures those and the
	// calibration config.
	Part, Measures []bench.Config
	// Results are its finished configs of Measures, the last record of
	// each, in sweep order; Plan is the plan its records say it measured
	// (the zero Plan when it has none).
	Results []store.Record
	Plan    bench.Plan
}

// Done reports whether the shard has a result for c.
func (s Shard) Done(c bench.Config) bool {
	return slices.ContainsFunc(s.Results, func(r store.Record) bool { return r.Config == c })
}

// Result is the shard's record of c.
func (s Shard) Result(c bench.Config) (store.Record, bool) {
	i := slices.IndexFunc(s.Results, func(r store.Record) bool { return r.Config == c })
	if i < 0 {
		return store.Record{}, false
	}
	return s.Results[i], true
}

// Finished reports whether every config the shard measures is recorded.
func (s Shard) Finished() bool {
	for _, c := range s.Measures {
		if !s.Done(c) {
			return false
		}
	}
	return true
}

// Sweep is one sharded run as its shards recorded it.
type Sweep struct {
	Dir    string
	RunID  int64
	Plan   bench.Plan // the first shard's with records
	Shards []Shard
	// Calibration is the config every shard measures besides its part.
	Calibration bench.Config
}

// LatestRun is the run id of the newest record among the shards (0: none).
func (l Layout) LatestRun() int64 {
	var id int64
	var at time.Time
	for _, f := range l.Shards {
		if len(f.Records) > 0 && (id == 0 || f.Modified.After(at)) {
			id, at = f.Records[len(f.Records)-1].RunID, f.Modified
		}
	}
	return id
}

// Sweep is run id's records in the shards (0: LatestRun). It fails when no
// shard has a record of the run.
func (l Layout) Sweep(id int64) (Sweep, error) {
	if id == 0 {
		id = l.LatestRun()
	}
	sw := Sweep{Dir: l.Dir, RunID: id}
	found := false
	for _, f := range l.Shards {
		s := Shard{Files: f}
		var recs []store.Record
		for _, r := range f.Records {
			if r.RunID == id {
				recs = append(recs, r)
			}
		}
		if len(recs) > 0 {
			s.Plan = PlanOf(recs[len(recs)-1])
			if !found {
				sw.Plan, found = s.Plan, true
			}
			s.Results = lastOfEach(recs)
		}
		sw.Shards = append(sw.Shards, s)
	}
	if !found {
		if id == 0 {
			return sw, fmt.Errorf("%s: no shard has recorded a result yet", l.Dir)
		}
		return sw, fmt.Errorf("%s: no shard has recorded a result of run %d", l.Dir, id)
	}
	sw.Calibration = shard.Calibration(sw.Plan)
	for i := range sw.Shards {
		s := &sw.Shards[i]
		s.Part, s.Measures = shard.Part(sw.Plan, s.Shard), shard.Measured(sw.Plan, s.Shard)
		s.Results = slices.DeleteFunc(s.Results, func(r store.Record) bool { return !slices.Contains(s.Measures, r.Config) })
		sortRecords(sw.Plan.Grid, s.Results)
	}
	return sw, nil
}

// PlanOf is the plan a record was measured with: its settings and grid.
func PlanOf(r store.Record) bench.Plan {
	p := bench.Plan{Depths: r.Depths, Repeats: r.Repeats, Seed: r.Seed, Policy: r.Policy, Timing: r.Timing,
		Engine: r.Engine, KeepRounds: r.KeepRounds, Vs: r.VsSpec, SameWithin: r.SameWithin}
	if r.Grid != nil {
		p.Grid = *r.Grid
	} else {
		p.Grid = bench.Grid{Dims: []int{r.D}, Branches: []int{r.K}, SeqLens: []int{r.T}}
	}
	return p
}

// Missing are the grid's configs whose owning shard has no result yet, in
// sweep order.
func (sw Sweep) Missing() []bench.Config {
	var out []bench.Config
	for _, s := range sw.Shards {
		for _, c := range s.Part {
			if !s.Done(c) {
				out = append(out, c)
			}
		}
	}
	pos := map[bench.Config]int{}
	for i, c := range sw.Plan.Grid.Configs() {
		pos[c] = i
	}
	slices.SortFunc(out, func(a, b bench.Config) int { return cmp.Compare(pos[a], pos[b]) })
	return out
}

// Owner is the shard whose part holds c.
func (sw Sweep) Owner(c bench.Config) (Shard, bool) {
	for _, s := range sw.Shards {
		if slices.Contains(s.Part, c) {
			return s, true
		}
	}
	return Shard{}, false
}

// lastOfEach keeps the last record of each config, at its first position.
func lastOfEach(recs []store.Record) []store.Record {
	pos := map[bench.Config]int{}
	var out []store.Record
	for _, r := range recs {
		if i, ok := pos[r.Config]; ok {
			out[i] = r
			continue
		}
		pos[r.Config] = len(out)
		out = append(out, r)
	}
	return out
}

func sortRecords(g bench.Grid, recs []store.Record) {
	pos := map[bench.Config]int{}
	for i, c := range g.Configs() {
		pos[c] = i
	}
	slices.SortStableFunc(recs, func(a, b store.Record) int { return cmp.Compare(pos[a.Config], pos[b.Config]) })
}
