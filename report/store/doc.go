// Package store owns a run's life on disk (OpenRun: the output directory's
// lock, the run id, resume, recording) and the JSONL history that the
// Python reference's users already read: its records, how it is read back
// (ReadJSONL, Runs, LatestRun) and the Recorder that appends to it.
// Measured results are never lost: each is appended to the JSONL and synced
// the moment it is added, a failed write leaves the results in memory for a
// retry, and a JSONL removed, replaced or truncated in place behind the
// run's back is written again. The other files of the output directory (Paths) are package
// report's, written from the results the store keeps.
package store

import (
	"path/filepath"

	"github.com/hcbench/hcbench/report/internal/fsys"
)

// File names in the output directory, as the reference names them (the
// Markdown and SVG files are this project's additions).
const (
	FileJSONL      = "qmlhc_benchmarks.jsonl"
	FileCSV        = "qmlhc_benchmarks.csv"
	FileMarkdown   = "qmlhc_benchmarks.md"
	FileTimesPNG   = "bench_times.png"
	FileTimesSVG   = "bench_times.svg"
	FileScalingPNG = "bench_scaling.png"
	FileScalingSVG = "bench_scaling.svg"
	FileBench      = "qmlhc_benchmarks.bench.txt" // Go benchmark format, for benchstat
)

// Paths are the report files of one output directory.
type Paths struct {
	Dir, JSONL, CSV, Markdown, TimesPNG, TimesSVG, ScalingPNG, ScalingSVG, Bench string
	// Lock is the file a run locks against a second hcbench.
	Lock string
}

// PathsFor names the report files in dir. Paths stay relative when dir is.
func PathsFor(dir string) Paths {
	j := func(name string) string { return filepath.Join(dir, name) }
	return Paths{
		Dir:        dir,
		JSONL:      j(FileJSONL),
		CSV:        j(FileCSV),
		Markdown:   j(FileMarkdown),
		TimesPNG:   j(FileTimesPNG),
		TimesSVG:   j(FileTimesSVG),
		ScalingPNG: j(FileScalingPNG),
		ScalingSVG: j(FileScalingSVG),
		Bench:      j(FileBench),
		Lock:       j(FileLock),
	}
}

// Written lists the files in the order the summary prints them: the
// reference's four first, then this project's additions.
func (p Paths) Written() []string {
	return []string{p.JSONL, p.CSV, p.TimesPNG, p.ScalingPNG, p.Markdown, p.TimesSVG, p.ScalingSVG, p.Bench}
}

// PrepareDir creates dir (and its parents) and proves that files can be
// created in it, so an unusable output directory is reported before any
// work starts. The error names the path and the reason (a file is in the
// way, permission denied, ...).
func PrepareDir(dir string) error { return fsys.Prepare(fsys.OS{}, dir) }
