package tui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/store"
)

// showModel is hcbench show's model on dir at w×h, with its history read
// (Init's command, run here) and an engine that fails the test if
// anything opens a run.
func showModel(t *testing.T, dir string, w, h int) Model {
	t.Helper()
	m := NewModel(Options{Spec: session.Spec{Out: dir}, show: true})
	m.a.now = func() time.Time { return testEpoch }
	m.a.open = func(context.Context, session.Spec) (runSession, error) {
		t.Error("hcbench show opened a run")
		return nil, errors.New("read-only")
	}
	m = update(m, size(w, h))
	m.a.followEvery = 0 // run would tick forever: following is tested on its own
	return run(m, m.Init())
}

// run carries out cmd as the program would, handing its messages back to
// Update (a tick's after its interval), until nothing is left; a quit
// ends it.
func run(m Model, cmd tea.Cmd) Model {
	for pending := []tea.Cmd{cmd}; len(pending) > 0; {
		c := pending[0]
		pending = pending[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			pending = append(pending, msg...)
		case tea.QuitMsg, nil:
		default:
			nm, next := m.Update(msg)
			m = nm.(Model)
			pending = append(pending, next)
		}
	}
	return m
}

// snapshot is every file under dir with its bytes.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestShowReadOnly: under hcbench show no key — every printable one and
// the named ones, from the list, a run's view, the detail, the
// comparison and the help — starts a run or writes anything: the
// directory stays byte-identical and is not locked (report/store opens a
// run in it afterwards).
func TestShowReadOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "results")
	p := bench.DefaultPlan()
	writeHistory(t, dir, p, fixtureRun{id: idOld, scale: 1, lean: true}, fixtureRun{id: idPart, scale: 1, done: 5})
	before := snapshot(t, dir)

	var all []tea.KeyMsg
	for r := rune(' '); r <= '~'; r++ {
		if r != 'q' {
			all = append(all, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
	for _, k := range []tea.KeyType{tea.KeyEnter, tea.KeyTab, tea.KeyShiftTab, tea.KeyUp, tea.KeyDown, tea.KeyLeft, tea.KeyRight,
		tea.KeyPgUp, tea.KeyPgDown, tea.KeyHome, tea.KeyEnd, tea.KeySpace, tea.KeyBackspace, tea.KeyCtrlS, tea.KeyEsc} {
		all = append(all, tea.KeyMsg{Type: k})
	}
	for _, from := range [][]string{nil, {"enter"}, {"enter", "enter"}, {"x", "j", "x", "c"}, {"?"}, {"k", "u"}} {
		t.Run(strings.Join(append([]string{"from"}, from...), "_"), func(t *testing.T) {
			m := showModel(t, dir, 80, 24)
			mustContain(t, m.View(), "Runs (2)", fmt.Sprint(idPart), "read-only: hcbench show")
			m = press(m, from...)
			if m.a.views.history == nil {
				t.Fatal("hcbench show without its history")
			}
			for _, k := range append(all, keyMsg("q")) {
				nm, cmd := m.Update(k)
				m = run(nm.(Model), cmd)
				checkFits(t, m.View(), 80, 24)
				if m.a.run != nil || m.a.opening != nil || m.a.editor != nil || m.a.screen != screenRun {
					t.Fatalf("key %q started something: run %v opening %v editor %v screen %v", k, m.a.run, m.a.opening, m.a.editor, m.a.screen)
				}
			}
			if !m.a.quitting {
				t.Error("q did not quit")
			}
		})
	}
	after := snapshot(t, dir)
	if len(after) != len(before) {
		t.Errorf("files before %d, after %d", len(before), len(after))
	}
	for p, b := range before {
		if after[p] != b {
			t.Errorf("%s changed", p)
		}
	}
	r, err := store.OpenRun(dir, p, store.RunOptions{})
	if err != nil {
		t.Fatalf("the directory is not free after hcbench show: %v", err)
	}
	r.Close()
}

// TestShowKeys: the list offers no key that changes a run and says it
// is read-only; u says why it does nothing; esc on the list quits; a
// recorded run's table, detail and a comparison open as in a run.
func TestShowKeys(t *testing.T) {
	dir := t.TempDir()
	writeHistory(t, dir, bench.DefaultPlan(), fixtureRun{id: idOld, scale: 1}, fixtureRun{id: idNew, scale: 1.1},
		fixtureRun{id: idPart, scale: 1, done: 5})
	m := showModel(t, dir, 80, 24)
	v := m.View()
	mustContain(t, v, "hcbench · show ", "Runs (3)", "read-only: hcbench show", fmt.Sprintf("run %d continues from a shell: hcbench --resume", idPart))
	for _, no := range []string{"u continue", "continue run", "rerun", "pause", "save"} {
		if strings.Contains(v, no) {
			t.Errorf("the list offers %q:\n%s", no, v)
		}
	}
	m = press(m, "u")
	mustContain(t, m.View(), "read-only: hcbench show: it measures nothing")
	m = press(m, "?")
	// The help names the directory, so it wraps where the temporary
	// directory's length puts it: compare its words, not its lines.
	mustContain(t, screenWords(m.View()), "nothing here measures, edits, pauses or continues a run, and nothing is written unless asked")
	m = press(m, "esc", "j", "enter")
	mustContain(t, m.View(), fmt.Sprintf("[Run %d]", idNew))
	m = press(m, "enter")
	mustContain(t, m.View(), fmt.Sprintf("run %d (history, read-only)", idNew), "Distribution of 60 round samples")
	m = press(m, "esc", "esc", "x", "j", "x", "c")
	m = run(m, nil)
	mustContain(t, m.View(), "geomean")
	m = press(m, "esc")
	nm, cmd := m.Update(keyMsg("esc"))
	if !nm.(Model).a.quitting || cmd == nil {
		t.Error("esc on the list should quit hcbench show")
	}
}

// TestShowRefuses: a directory or JSONL that is not there is a usage
// error naming it; one that cannot be read is another error; without a
// terminal, hcbench show says it needs one.
func TestShowRefuses(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var ue *session.UsageError
	missing := filepath.Join(dir, "nope")
	if err := Show(ctx, ShowOptions{Dir: missing}); !errors.As(err, &ue) || !strings.Contains(err.Error(), missing) {
		t.Errorf("a missing directory: %v", err)
	}
	if err := Show(ctx, ShowOptions{Dir: dir}); !errors.As(err, &ue) || !strings.Contains(err.Error(), store.PathsFor(dir).JSONL) {
		t.Errorf("a directory without its JSONL: %v", err)
	}
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Show(ctx, ShowOptions{Dir: file}); !errors.As(err, &ue) || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("a file: %v", err)
	}
	writeHistory(t, dir, bench.DefaultPlan(), fixtureRun{id: idOld, scale: 1})
	// go test's stdin and stdout are no terminal.
	if err := Show(ctx, ShowOptions{Dir: dir}); !errors.As(err, &ue) || err.Error() != "hcbench show needs a terminal" {
		t.Errorf("no terminal: %v", err)
	}
	if os.Getuid() != 0 {
		path := store.PathsFor(dir).JSONL
		if err := os.Chmod(path, 0); err != nil {
			t.Fatal(err)
		}
		if err := Show(ctx, ShowOptions{Dir: dir}); err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), path) {
			t.Errorf("an unreadable JSONL: %v", err)
		}
	}
}

// TestTmuxShow runs `hcbench show DIR` from the built binary in tmux at
// 80×24: the history of DIR's runs, a run's table with its position
// ("rows 1–… of 12"), the history again, a comparison of the two runs,
// then q, exit 0 — DIR unchanged.
func TestTmuxShow(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "results")
	writeHistory(t, dir, bench.DefaultPlan(), fixtureRun{id: idOld, scale: 1, lean: true}, fixtureRun{id: idNew, scale: 1.1})
	before := snapshot(t, dir)
	p := startTmux(t, 80, 24, "show "+dir)
	screen := p.waitFor("the history", time.Minute, has("Runs (2)", fmt.Sprint(idOld), fmt.Sprint(idNew), "read-only: hcbench show"))
	for _, l := range strings.Split(strings.TrimRight(screen, "\n"), "\n") {
		if len([]rune(l)) > 80 {
			t.Errorf("a line wider than 80 columns: %q", l)
		}
	}
	p.send("enter")
	p.waitFor("the run's table with its position", time.Minute, has(fmt.Sprintf("[Run %d]", idNew), "Results (12)", "rows 1–", "of 12"))
	p.send("Escape")
	p.waitFor("the history again", time.Minute, has("[Runs (2)]"))
	p.send("x", "j", "x", "c")
	p.waitFor("the comparison", time.Minute, has("[Compare]", "geomean"))
	p.send("q")
	p.waitFor("hcbench to exit", time.Minute, has("hcbench-exit=0"))
	after := snapshot(t, dir)
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("hcbench show changed its directory")
	}
}

// screenWords is a screen's words in order, the box's borders left out.
func screenWords(v string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("│", " ", "╭", " ", "╮", " ", "╰", " ", "╯", " ", "─", " ").Replace(v)), " ")
}
