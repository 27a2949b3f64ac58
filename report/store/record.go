package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/measure"
)

// Meta describes one run.
type Meta struct {
	RunID   int64 // the run's start time, whole Unix seconds
	Plan    bench.Plan
	Version string // hcbench's version
	// Baseline is the JSONL the run is compared with ("" for none), so
	// that a resumed run keeps its comparison.
	Baseline string
}

// Machine says where a result was measured.
type Machine struct {
	Version   string `json:"hcbench_version"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	CPU       string `json:"cpu,omitempty"` // model name, when the OS tells
	NumCPU    int    `json:"num_cpu"`
	// Revision is the VCS revision hcbench was built from ("+dirty" with
	// uncommitted changes; "" for builds without VCS information).
	Revision string `json:"revision"`
	Host     string `json:"host"`
	// LoadAvg is the 1-minute load average when the run started
	// (/proc/loadavg; 0 where the OS does not offer it that way).
	LoadAvg float64 `json:"load_avg"`
}

// Record is one line of the JSONL: a finished config with its run and the
// circumstances of the measurement.
type Record struct {
	RunID int64 `json:"run_id"`
	bench.Result
	Machine
	// Timing and Seed are the run's options (repeat r used Seed+r).
	Timing bench.Timing `json:"timing"`
	Seed   uint64       `json:"seed"`
	// Grid is the run's grid when the record was written, so that --resume
	// can continue exactly the run that was asked for rather than any run
	// whose finished configs happen to fit. Files written before it existed
	// have none (nil).
	Grid *bench.Grid `json:"grid,omitempty"`
	// Started is when the recording of the run (or of its resumption)
	// began, in UTC.
	Started time.Time `json:"started,omitzero"`
	// Baseline is the JSONL the run was compared with (absolute), if any.
	Baseline string `json:"baseline,omitempty"`
	// KeepRounds says the run was asked to record every round
	// (--keep-rounds): Result.Samples is written in full. Without it a
	// record carries the summary of the rounds (Result.Rounds, …) and no
	// Samples, unless its result has no summary to stand for them (a
	// record of an earlier version, carried over by a resume).
	KeepRounds bool `json:"keep_rounds,omitempty"`
	// VsSpec is an A/B run's variant B (--vs; its paths absolute), whose
	// result is Result.Vs, and SameWithin the margin of its verdict "same"
	// (--same-within, percent; 0 for the default).
	VsSpec     bench.Variant `json:"ab_vs,omitzero"`
	SameWithin float64       `json:"ab_same_within,omitempty"`
}

// thisMachine describes the machine the program runs on.
func thisMachine(version string) Machine {
	return Machine{
		Version:   version,
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
		CPU:       cpuModel(),
		NumCPU:    runtime.NumCPU(),
		Revision:  measure.BuildRevision(),
		Host:      hostName(),
		LoadAvg:   LoadAvg(),
	}
}

// cpuModel is the processor's model name from /proc/cpuinfo ("" where
// there is none). It is read once: it does not change while we run.
var cpuModel = sync.OnceValue(func() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "model name", "Model", "Hardware", "cpu model":
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
})

// nullSentinel stands in for a non-finite float while encoding: JSON has no
// NaN or Inf, and refusing the line would lose a measured result, so such
// values are written as null (read back as 0). The largest float64 never
// occurs in a timing or a quality metric.
const nullSentinel = math.MaxFloat64

// encodeRecord is one JSONL line, newline included.
func encodeRecord(rec Record) ([]byte, error) {
	b, err := json.Marshal(onDisk(rec))
	if err != nil {
		var uve *json.UnsupportedValueError
		if !errors.As(err, &uve) {
			return nil, err
		}
		rec.Result = finiteCopy(rec.Result)
		if b, err = json.Marshal(onDisk(rec)); err != nil {
			return nil, err
		}
		b = bytes.ReplaceAll(b, []byte(fmt.Sprint(nullSentinel)), []byte("null"))
	}
	return append(b, '\n'), nil
}

// diskRecord is a Record as a line holds it: each repeat in Runs (which
// shadows Result.Runs) a bench.Run, or a leanRun where the repeat's means
// and standard deviations over its depths are exactly what its depths
// give (bench.Run.Reaggregate), as they are for every repeat hcbench
// measures: ten derived numbers a repeat, a kilobyte of a record at
// default settings, that parseRecord computes again.
type diskRecord struct {
	Record
	Runs []any `json:"runs"`
}

// leanRun is a repeat without its means over the depths.
type leanRun struct {
	Seed         uint64              `json:"seed"`
	Depths       []bench.DepthResult `json:"depth_results"`
	MemPeakBytes int64               `json:"mem_peak_bytes"`
}

func onDisk(rec Record) diskRecord {
	d := diskRecord{Record: rec, Runs: make([]any, len(rec.Runs))}
	for i, run := range rec.Runs {
		d.Runs[i] = run
		if len(run.Depths) > 0 && sameMeans(run, rec.T) {
			d.Runs[i] = leanRun{Seed: run.Seed, Depths: run.Depths, MemPeakBytes: run.MemPeakBytes}
		}
	}
	return d
}

// sameMeans reports whether run's means over its depths are, bit for bit,
// what Reaggregate makes of its depths.
func sameMeans(run bench.Run, T int) bool {
	again := run
	again.Reaggregate(T)
	same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
	return same(run.TimeEpochMean, again.TimeEpochMean) && same(run.TimeEpochStd, again.TimeEpochStd) &&
		same(run.TimeForwardMean, again.TimeForwardMean) && same(run.TimeForwardStd, again.TimeForwardStd) &&
		same(run.TotalMean, again.TotalMean) && same(run.TotalStd, again.TotalStd) &&
		same(run.RMSEMean, again.RMSEMean) && same(run.RMSEStd, again.RMSEStd) &&
		same(run.OvershootMean, again.OvershootMean) && same(run.RobustnessMean, again.RobustnessMean)
}

// finiteCopy is a deep copy of r with every NaN and ±Inf replaced by
// nullSentinel; r itself (shared with the caller's memory) is not touched.
func finiteCopy(r bench.Result) bench.Result {
	r.Depths = append([]int(nil), r.Depths...)
	for _, s := range []*[]float64{&r.Samples, &r.Measurements, &r.RoundsMin, &r.RoundsP25, &r.RoundsP75, &r.RoundsMax} {
		*s = append([]float64(nil), *s...)
	}
	runs := make([]bench.Run, len(r.Runs))
	for i, run := range r.Runs {
		run.Depths = append([]bench.DepthResult(nil), run.Depths...)
		runs[i] = run
	}
	r.Runs = runs
	replaceNonFinite(reflect.ValueOf(&r).Elem())
	return r
}

func replaceNonFinite(v reflect.Value) {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			v.SetFloat(nullSentinel)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				replaceNonFinite(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			replaceNonFinite(v.Index(i))
		}
	}
}

// ReadJSONLRepair is ReadJSONL for a file a crash may have cut short: a
// torn last line (invalid JSON on the final line, as an interrupted append
// leaves) is dropped and its number returned as tornLine (0 if none).
// Malformed earlier lines are still errors: a crash cannot make them.
func ReadJSONLRepair(path string) (recs []Record, tornLine int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	return readJSONL(f, path, true)
}

// Line is a record with the number of the line it was read from.
type Line struct {
	Record
	N int // 1-based
}

// ReadJSONLLines is ReadJSONLRepair with each record's line number, for
// readers that say which lines they left out or found suspicious.
func ReadJSONLLines(path string) (lines []Line, tornLine int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	return readLines(f, path, true)
}

// LineError is a line of a JSONL that is not a record, or cannot be read.
type LineError struct {
	Path string
	Line int // 1-based
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

func readJSONL(r io.Reader, name string, repair bool) ([]Record, int, error) {
	lines, torn, err := readLines(r, name, repair)
	recs := make([]Record, len(lines))
	for i, l := range lines {
		recs[i] = l.Record
	}
	return recs, torn, err
}

func readLines(r io.Reader, name string, repair bool) ([]Line, int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var out []Line
	for n := 1; ; n++ {
		// ReadBytes, not a Scanner: a line with many samples can be long.
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return out, 0, &LineError{name, n, err}
		}
		last := err == io.EOF
		if len(bytes.TrimSpace(line)) > 0 {
			rec, perr := parseRecord(line)
			if perr != nil {
				if repair && (last || isLastLine(br)) {
					return out, n, nil
				}
				return out, 0, &LineError{name, n, perr}
			}
			out = append(out, Line{rec, n})
		}
		if last {
			return out, 0, nil
		}
	}
}

// isLastLine reports whether nothing but white space follows in br.
func isLastLine(br *bufio.Reader) bool {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return true
		}
		if !isSpace(b) {
			br.UnreadByte()
			return false
		}
	}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// parseRecord decodes one line, insisting on the fields without which a
// record cannot be matched to a config or a run.
func parseRecord(line []byte) (Record, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(line, &probe); err != nil {
		return Record{}, fmt.Errorf("not a JSON object: %w", err)
	}
	for _, k := range []string{"run_id", "D", "K", "T"} {
		if _, ok := probe[k]; !ok {
			return Record{}, fmt.Errorf("not a benchmark record: no %q field", k)
		}
	}
	var rec Record
	if err := json.Unmarshal(line, &rec); err != nil {
		return Record{}, err
	}
	if rec.D < 1 || rec.K < 1 || rec.T < 1 {
		return Record{}, fmt.Errorf("not a benchmark record: config %s is out of range", rec.Config)
	}
	// A repeat written without its means over the depths (a leanRun) gets
	// them back; one that has them (records of earlier versions) keeps
	// them as written.
	var means []struct {
		Mean json.RawMessage `json:"time_epoch_mean"`
	}
	if json.Unmarshal(probe["runs"], &means) == nil && len(means) == len(rec.Runs) {
		for i := range rec.Runs {
			if means[i].Mean == nil && len(rec.Runs[i].Depths) > 0 {
				rec.Runs[i].Reaggregate(rec.T)
			}
		}
	}
	return rec, nil
}

// Runs groups records by run id. Within a run a config recorded twice (a
// retried append, a resumed run) keeps its last record, at the position of
// its first.
func Runs(recs []Record) map[int64][]bench.Result {
	type slot struct {
		pos map[bench.Config]int
		res []bench.Result
	}
	runs := map[int64]*slot{}
	for _, r := range recs {
		s := runs[r.RunID]
		if s == nil {
			s = &slot{pos: map[bench.Config]int{}}
			runs[r.RunID] = s
		}
		if i, ok := s.pos[r.Config]; ok {
			s.res[i] = r.Result
			continue
		}
		s.pos[r.Config] = len(s.res)
		s.res = append(s.res, r.Result)
	}
	out := make(map[int64][]bench.Result, len(runs))
	for id, s := range runs {
		out[id] = s.res
	}
	return out
}
