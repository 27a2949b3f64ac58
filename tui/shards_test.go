package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/cluster"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/shards"
	"github.com/hcbench/hcbench/report/store"
)

// shardGrid is a small grid: six configs, two to each of three shards
// (with the calibration config every shard measures).
var shardGrid = []string{"-D", "3,6", "-K", "3,5,9", "-T", "48", "--repeats", "1", "--min-time", "1ms"}

// realShards measures the shards I/n of shardGrid for real, in process
// (hcbench --shard I/N --run-id 7, the test binary its own worker), in a
// directory of its own, and returns each shard's JSONL lines.
func realShards(t *testing.T, n int) [][]string {
	t.Helper()
	if testing.Short() {
		t.Skip("measures real shards")
	}
	src := t.TempDir()
	out := make([][]string, n)
	for i := range n {
		var errb bytes.Buffer
		args := append([]string{"--shard", fmt.Sprintf("%d/%d", i, n), "--run-id", "7", "-o", src}, shardGrid...)
		if code := cluster.Shard(args, "test", &bytes.Buffer{}, &errb); code != 0 {
			t.Fatalf("shard %d/%d: exit %d: %s", i, n, code, errb.String())
		}
		b, err := os.ReadFile(store.PathsFor(shards.Dir(src, bench.Shard{Index: i, Count: n})).JSONL)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	return out
}

// writeShardLines makes shard i/n's JSONL in dir hold these lines, as the
// shard would have written them so far (none: its directory only).
func writeShardLines(t *testing.T, dir string, i, n int, lines []string) {
	t.Helper()
	sd := shards.Dir(dir, bench.Shard{Index: i, Count: n})
	if err := os.MkdirAll(sd, 0o755); err != nil {
		t.Fatal(err)
	}
	if len(lines) == 0 {
		return
	}
	text := strings.Join(lines, "")
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	if err := os.WriteFile(store.PathsFor(sd).JSONL, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// shardsModel is hcbench show's model on the shards in dir at w×h, their
// status read (Init's command, run here), following left to the tests.
// dir is typed as its base name (from its parent), as a user in it would.
func shardsModel(t *testing.T, dir string, w, h int) Model {
	t.Helper()
	return shardsModelSpec(t, session.Spec{Out: filepath.Base(dir), WorkDir: filepath.Dir(dir)}, w, h)
}

// shardsModelSpec is shardsModel with the output directory given as spec.
func shardsModelSpec(t *testing.T, spec session.Spec, w, h int) Model {
	t.Helper()
	m := NewModel(Options{Spec: spec, show: true, shards: true})
	m.a.now = func() time.Time { return testEpoch }
	m.a.open = func(context.Context, session.Spec) (runSession, error) {
		t.Error("hcbench show opened a run")
		return nil, errors.New("read-only")
	}
	m = update(m, size(w, h))
	m.a.followEvery = 0
	return run(m, m.Init())
}

// configsDone is the count the progress line gives: "4/6".
var configsDone = regexp.MustCompile(`(\d+)/6\b`)

// TestShowShardsLive: hcbench show on the shards of a sweep not merged
// yet — one finished, one running, one waiting, made from real shards'
// records — shows each shard's state and configs, where the states come
// from, the run so far (progress, table, heatmap) at every size; keys
// look but change nothing; a refresh picks up the shards' new results
// (the view's zoom kept) until all have finished and it says hcbench merge
// writes the reports. The directory is never written.
func TestShowShardsLive(t *testing.T) {
	recs := realShards(t, 3)
	dir := filepath.Join(t.TempDir(), "sweep")
	writeShardLines(t, dir, 0, 3, recs[0])
	writeShardLines(t, dir, 1, 3, recs[1][:1])
	writeShardLines(t, dir, 2, 3, nil)
	before := snapshot(t, dir)
	done := len(recs[0]) - 1 // its part: the calibration config is another's

	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			m := shardsModel(t, dir, sz.w, sz.h)
			v := m.View()
			checkFits(t, v, sz.w, sz.h)
			mustContain(t, v, "shards of run 7", "read-only", "0/3", "1/3", "running", "waiting", "z zoom", "q quit")
			if sz.w >= 80 {
				mustContain(t, v, "0/3   ✓ finished", "1/3   ● running", "2/3   ○ waiting", "(file activity)", "1 finished, 1 running, 1 waiting",
					"followed live", "Heatmap", "Results (")
			}
			if got := configsDone.FindStringSubmatch(v); got == nil || got[1] == "0" {
				t.Errorf("no configs done over all shards:\n%s", v)
			}
			if strings.Contains(v, "hcbench merge") {
				t.Errorf("the merge hint while a shard runs:\n%s", v)
			}
		})
	}

	m := shardsModel(t, dir, 120, 40)
	if !strings.Contains(m.View(), fmt.Sprintf("%d/6 configs", done+1)) && !strings.Contains(m.View(), fmt.Sprintf("%d/6 configs", done)) {
		t.Errorf("the progress counts the finished shard's configs and the running one's:\n%s", m.View())
	}
	// Keys: the run view's own work; those that would change a run are
	// refused; the help names the view's keys and where states come from.
	m = press(m, "z")
	mustContain(t, m.View(), "z 1/3 table")
	for _, k := range []string{"r", "e", "p"} {
		m = press(m, k)
		mustContain(t, m.View(), "read-only: hcbench show: it measures nothing")
	}
	m = press(m, "s")
	mustContain(t, screenWords(m.View()), "hcbench merge")
	m = press(m, "?")
	help := screenWords(m.View())
	mustContain(t, help, "zoom a pane", "metric", "sort", "squeue/sacct", "the ETA is over all shards")
	m = press(m, "?", "enter")
	mustContain(t, m.View(), "(shards, read-only)")
	m = press(m, "esc")
	if m.a.views.detail != nil || m.a.quitting {
		t.Fatal("esc in the detail should return to the shards")
	}

	// The shards go on: the running one finishes, the waiting one starts.
	writeShardLines(t, dir, 1, 3, recs[1])
	writeShardLines(t, dir, 2, 3, recs[2][:1])
	m = run(m, m.a.shardsRead(false))
	v := m.View()
	mustContain(t, v, "z 1/3 table", "2 finished, 1 running")
	if cmd := m.a.shardsRead(false); cmd != nil {
		// Nothing changed: the command reads nothing (and sets nothing).
		m = run(m, cmd)
		if m.View() != v {
			t.Errorf("an unchanged directory changed the view:\n%s\nthen\n%s", v, m.View())
		}
	}

	writeShardLines(t, dir, 2, 3, recs[2])
	m = run(m, m.a.shardsRead(false))
	m = press(m, "z", "z", "z")
	v = m.View()
	checkFits(t, v, 120, 40)
	mustContain(t, v, "3 finished", "all 3 shards finished", "hcbench merge sweep writes the run's reports", "6/6 configs")
	if strings.Contains(v, "ETA") {
		t.Errorf("an ETA once every shard finished:\n%s", v)
	}
	for _, sz := range sizes {
		m = update(m, size(sz.w, sz.h))
		v := m.View()
		checkFits(t, v, sz.w, sz.h)
		mustContain(t, screenWords(v), "hcbench merge")
	}
	nm, cmd := m.Update(keyMsg("esc"))
	if !nm.(Model).a.quitting || cmd == nil {
		t.Error("esc on the shards should quit hcbench show")
	}

	// Written by the test only: what show read of it is as it was.
	after := snapshot(t, dir)
	for p := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("%s is gone", p)
		}
	}
	for p := range after {
		if strings.HasPrefix(filepath.Base(p), ".") || strings.HasSuffix(p, ".lock") {
			t.Errorf("%s appeared: show takes no lock", p)
		}
	}
}

// TestShowShardsNothingYet: shards that have recorded nothing yet read as
// waiting, with no grid to draw; a filled-in shard makes the run appear.
func TestShowShardsNothingYet(t *testing.T) {
	recs := realShards(t, 2)
	dir := t.TempDir()
	writeShardLines(t, dir, 0, 2, nil)
	writeShardLines(t, dir, 1, 2, nil)
	for _, sz := range sizes {
		m := shardsModel(t, dir, sz.w, sz.h)
		v := m.View()
		checkFits(t, v, sz.w, sz.h)
		mustContain(t, v, "2 waiting", "0/2", "1/2")
		mustContain(t, screenWords(v), "no shard has recorded a result yet")
		m = press(m, "enter", "z", "/", "o")
		checkFits(t, m.View(), sz.w, sz.h)
	}
	m := shardsModel(t, dir, 80, 24)
	writeShardLines(t, dir, 0, 2, recs[0][:1])
	m = run(m, m.a.shardsRead(false))
	mustContain(t, m.View(), "shards of run 7", "1 running, 1 waiting", "Results (")
}

// TestShowShardsEntry: hcbench show on a sharded directory without its
// own JSONL follows the shards (no longer refused: it needs a terminal,
// like any); with a merged JSONL it is the history, as before.
func TestShowShardsEntry(t *testing.T) {
	dir := t.TempDir()
	writeShardLines(t, dir, 0, 2, nil)
	var ue *session.UsageError
	if err := Show(context.Background(), ShowOptions{Dir: dir}); !errors.As(err, &ue) || err.Error() != "hcbench show needs a terminal" {
		t.Errorf("a sharded directory: %v", err)
	}
	if sharded, err := checkShowDir(dir); !sharded || err != nil {
		t.Errorf("checkShowDir = %v, %v; want the shards", sharded, err)
	}
	writeHistory(t, dir, bench.DefaultPlan(), fixtureRun{id: idOld, scale: 1})
	if sharded, err := checkShowDir(dir); sharded || err != nil {
		t.Errorf("merged: checkShowDir = %v, %v; want the history", sharded, err)
	}
	m := showModel(t, dir, 80, 24)
	if m.a.views.shards != nil || m.a.views.history == nil {
		t.Fatal("a merged directory should open the history")
	}
	mustContain(t, m.View(), "Runs (1)")
}

// TestShowHeaderLongPath: a long directory loses its head, not the name
// of what is on screen, at 80 and 50 columns.
func TestShowHeaderLongPath(t *testing.T) {
	recs := realShards(t, 2)
	dir := filepath.Join(t.TempDir(), strings.Repeat("a-rather-long-folder/", 4), "sweep")
	writeShardLines(t, dir, 0, 2, recs[0])
	writeShardLines(t, dir, 1, 2, nil)
	for _, w := range []int{80, 50} {
		m := shardsModelSpec(t, session.Spec{Out: dir}, w, 24)
		head := strings.SplitN(m.View(), "\n", 2)[0]
		mustContain(t, head, "hcbench · show · shards of run 7", "…")
		if w == 80 {
			mustContain(t, head, "read-only · …", "folder/sweep")
		}
	}
}

func TestElideHead(t *testing.T) {
	for _, c := range []struct {
		in   string
		w    int
		want string
	}{
		{"/a/b", 10, "/a/b"},
		{"/a/b", 4, "/a/b"},
		{"/tmp/x/sweep", 6, "…sweep"},
		{"/tmp", 1, "…"},
		{"/tmp", -3, "…"},
	} {
		if got := elideHead(c.in, c.w); got != c.want {
			t.Errorf("elideHead(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
	}
}
