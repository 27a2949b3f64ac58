package store

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/hcbench/hcbench/report/internal/fixture"
	"github.com/hcbench/hcbench/report/internal/fsys"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGoldenJSONL: the JSONL the Recorder appends for the fixture, with a
// fixed machine and clock.
func TestGoldenJSONL(t *testing.T) {
	dir := t.TempDir()
	rec, err := newRecorder(fixtureMeta(), dir, nil, testEnv(fsys.OS{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range fixtureResults() {
		if err := rec.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(rec.Paths().JSONL)
	if err != nil {
		t.Fatal(err)
	}
	fixture.Golden(t, filepath.Join("testdata", "jsonl.golden"), got, *update)
}
