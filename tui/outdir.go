package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/launch"
)

// expandHome turns a leading "~" or "~/" into the home directory, as a
// shell would: the form is not a shell, and "~/x" would otherwise become a
// directory named "~" here.
func expandHome(p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, "~"+string(filepath.Separator)) {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return p
	}
	return filepath.Join(home, p[1:])
}

// checkOutDirIn checks the output directory as it is typed, without
// creating anything: empty, a file in the way, or a directory that cannot
// be made or written are refused. Relative paths are resolved in work.
func checkOutDirIn(work string) func(string) error {
	return func(s string) error {
		if s == "" {
			return errors.New("give a directory for the reports")
		}
		dir := resolveIn(work, expandHome(s))
		// The nearest part of the path that exists decides: the directory
		// itself, or the parent the sweep would create it in.
		for p := dir; ; p = filepath.Dir(p) {
			info, err := os.Stat(p)
			if err != nil && !errors.Is(err, fs.ErrPermission) && filepath.Dir(p) != p {
				continue // missing, or under a file: the parent says which
			}
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			if !info.IsDir() {
				if p == dir {
					return fmt.Errorf("%s is a file, not a directory", s)
				}
				return fmt.Errorf("%s is a file: %s cannot be made under it", shownAs(work, p), s)
			}
			if err := writable(p); err != nil {
				return fmt.Errorf("%s is not writable", p)
			}
			return nil
		}
	}
}

// shownAs writes p relative to work when it lies there, as the user typed.
func shownAs(work, p string) string {
	if work != "" {
		if rel, err := filepath.Rel(work, p); err == nil && filepath.IsLocal(rel) {
			return rel
		}
	}
	return p
}

// checkBaselineIn checks the baseline field: empty (no baseline) or an
// existing file. Its records are read when the sweep starts.
func checkBaselineIn(work string) func(string) error {
	return func(s string) error {
		if s == "" {
			return nil
		}
		info, err := os.Stat(resolveIn(work, expandHome(s)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("%s does not exist: give an earlier run's qmlhc_benchmarks.jsonl, or leave it empty", s)
		case err != nil:
			return err
		case info.IsDir():
			return fmt.Errorf("%s is a directory: give its qmlhc_benchmarks.jsonl", s)
		}
		return nil
	}
}

// checkMinTime reads a Go duration as --min-time does (engine's parser).
func checkMinTime(s string) error { _, err := bench.ParseMinTime(s); return err }

// checkQMLHCIn checks the qml-hcs checkout field as --qmlhc is checked
// (launch.CheckQMLHC: the files only, nothing is run).
func checkQMLHCIn(work string) func(string) error {
	return func(s string) error {
		_, err := launch.CheckQMLHC(qmlhcIn(work, s))
		return err
	}
}

// qmlhcIn places the checkout typed in work ("" stays empty: none given).
func qmlhcIn(work, s string) string {
	if s == "" {
		return ""
	}
	return resolveIn(work, expandHome(s))
}

// checkPythonIn checks the interpreter field as --python is checked
// (looked up in PATH, or a path; not run: numpy is checked when the sweep
// starts).
func checkPythonIn(work string) func(string) error {
	return func(s string) error {
		_, err := launch.FindPython(pythonIn(work, s))
		return err
	}
}

// pythonIn places an interpreter typed as a path ("venv/bin/python",
// "~/py/bin/python3") in work; a bare name is looked up in PATH.
func pythonIn(work, s string) string {
	s = expandHome(s)
	if !strings.ContainsRune(s, '/') && !strings.ContainsRune(s, filepath.Separator) {
		return s
	}
	return resolveIn(work, s)
}
