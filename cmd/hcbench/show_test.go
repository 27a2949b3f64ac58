package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/report/store"
)

// TestShowRefusals: hcbench show's refusals are one line on stderr naming
// what they are about: exit 2 for a bad command line (a path that does not
// exist, more than one, a flag, no terminal), 1 for a JSONL it cannot read.
func TestShowRefusals(t *testing.T) {
	dir := t.TempDir()
	jsonl := store.PathsFor(dir).JSONL
	show := func(args ...string) (int, string) {
		var errs bytes.Buffer
		code := runShow(args, io.Discard, &errs)
		if strings.Count(errs.String(), "\n") != 1 {
			t.Errorf("show %q: want one line on stderr, got %q", args, errs.String())
		}
		return code, errs.String()
	}
	missing := filepath.Join(dir, "nope")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{missing}, missing},
		{[]string{dir}, jsonl},
		{[]string{dir, dir}, "hcbench show [DIR]"},
		{[]string{"--out", dir}, "hcbench show [DIR]"},
	} {
		if code, msg := show(tc.args...); code != exitUsage || !strings.Contains(msg, tc.want) {
			t.Errorf("show %q: exit %d, %q; want exit 2 naming %q", tc.args, code, msg, tc.want)
		}
	}
	if err := os.WriteFile(jsonl, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// go test's stdout is no terminal.
	if code, msg := show(dir); code != exitUsage || !strings.Contains(msg, "hcbench show needs a terminal") {
		t.Errorf("no terminal: exit %d, %q", code, msg)
	}
	if os.Getuid() != 0 { // root reads anything
		if err := os.Chmod(jsonl, 0); err != nil {
			t.Fatal(err)
		}
		if code, msg := show(dir); code != exitError || !strings.Contains(msg, jsonl) {
			t.Errorf("an unreadable JSONL: exit %d, %q; want exit 1 naming it", code, msg)
		}
	}
}
