// Package setup is the workbench's two forms: the setup form, where a
// sweep is described before anything runs — every field checked as it is
// typed with the command line's own parsers, the output directory and the
// baseline checked on disk without creating anything, the Python engine's
// checkout and interpreter shown only while it is chosen — and the grid
// editor, which edits the grid of the sweep that runs.
package setup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/launch"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/tui/widgets/form"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

const listHint = "LIST: 3,6 · 3..12 · 3..12:3"

// Each check is the CLI's own parser (engine's field parsers), so a value
// is judged and explained the same way in the form as on the command line.

func checkAxis(axis string) func(string) error {
	return func(s string) error { _, err := bench.ParseAxis(axis, s); return err }
}

var (
	checkDims     = checkAxis("D")
	checkBranches = checkAxis("K")
	checkSeqLens  = checkAxis("T")
	checkDepths   = checkAxis("depths")
)

func checkRepeats(s string) error { _, err := bench.ParseRepeats(s); return err }

func checkSeed(s string) error { _, err := bench.ParseSeed(s); return err }

func checkPolicy(s string) error { _, err := bench.ParsePolicy(s); return err }

// checkVs accepts an empty --vs (no A/B) or a variant.
func checkVs(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	_, err := bench.ParseVariant(s)
	return err
}

func checkEngine(s string) error { _, err := bench.ParseEngine(s); return err }

// pythonChosen shows the Python engine's fields only while it is chosen:
// the Go engine needs neither, and the form stays short.
func pythonChosen(f *form.Form) bool { return f.Value("engine") == bench.EnginePython }

// newSetupForm prefills every field from spec (the flags, or the run
// before); paths typed relative are checked in spec.WorkDir.
func newSetupForm(spec session.Spec, st theme.Styles) *form.Form {
	work, p := spec.WorkDir, spec.Plan
	eng := form.NewChoice("engine", "engine", spec.Engine.Name(), bench.Engines, checkEngine)
	eng.Hint = "←/→ go: built-in · python: yours"
	dir := spec.Engine.QMLHC
	if dir == "" {
		dir = os.Getenv(launch.EnvQMLHC)
	}
	py := spec.Engine.Python
	if py == "" {
		py = launch.DefaultPython
	}
	qmlhc := form.NewField("qmlhc", "qml-hcs dir", "checkout: its src/, examples/", dir, checkQMLHCIn(work))
	qmlhc.Shown = pythonChosen
	python := form.NewField("python", "python", "interpreter with numpy", py, checkPythonIn(work))
	python.Shown = pythonChosen
	return form.New(formKeys, formStyles(st),
		form.NewField("D", "D  dims", listHint, bench.FormatList(p.Grid.Dims), checkDims),
		form.NewField("K", "K  branches", listHint+" (≥ 2)", bench.FormatList(p.Grid.Branches), checkBranches),
		form.NewField("T", "T  seq len", listHint, bench.FormatList(p.Grid.SeqLens), checkSeqLens),
		form.NewField("depths", "depths", listHint, bench.FormatList(p.Depths), checkDepths),
		form.NewField("repeats", "repeats", "repeat r uses seed+r", strconv.Itoa(p.Repeats), checkRepeats),
		form.NewField("seed", "seed", "integer", strconv.FormatUint(p.Seed, 10), checkSeed),
		form.NewField("min-time", "min-time", "per depth, e.g. 10ms, 1.5s", p.Timing.MinTime.String(), checkMinTime),
		form.NewChoice("policy", "policy", p.Policy, bench.Policies, checkPolicy),
		form.NewField("out", "output dir", "reports go here (~ is home)", OutDir(spec), checkOutDirIn(work)),
		form.NewField("baseline", "baseline", "optional: earlier run's JSONL", spec.Baseline, checkBaselineIn(work)),
		form.NewField("vs", "A/B vs", "optional: B, e.g. policy=minrisk", p.Vs.String(), checkVs),
		eng, qmlhc, python,
	)
}

// setupPlan builds the plan from the form over base (which keeps what the
// form has no field for). The output directory comes back with "~"
// expanded. The error names the field.
func setupPlan(f *form.Form, base bench.Plan) (bench.Plan, string, error) {
	if name, err := f.FirstError(); err != nil {
		return base, "", fmt.Errorf("%s: %w", name, err)
	}
	p := base
	p.Grid.Dims, _ = bench.ParseList(f.Value("D"))
	p.Grid.Branches, _ = bench.ParseList(f.Value("K"))
	p.Grid.SeqLens, _ = bench.ParseList(f.Value("T"))
	p.Depths, _ = bench.ParseList(f.Value("depths"))
	// Every field checked without error above: the parsers cannot fail.
	p.Repeats, _ = bench.ParseRepeats(f.Value("repeats"))
	p.Seed, _ = bench.ParseSeed(f.Value("seed"))
	p.Timing.MinTime, _ = bench.ParseMinTime(f.Value("min-time"))
	p.Policy = f.Value("policy")
	p.Engine = f.Value("engine")
	p.Vs = bench.Variant{}
	if v := strings.TrimSpace(f.Value("vs")); v != "" {
		p.Vs, _ = bench.ParseVariant(v)
	}
	return p, ExpandHome(f.Value("out")), p.Validate()
}

// planLine is the live count under a form: configs and the lower bound on
// the measuring time (with how it is reckoned when there is room), or what
// is wrong.
func planLine(f *form.Form, base bench.Plan, st theme.Styles, width int) string {
	p, _, err := setupPlan(f, base)
	if err != nil {
		if _, ferr := f.FirstError(); ferr != nil {
			return st.ErrText.Render("✗ fix the marked field to start")
		}
		return st.ErrText.Width(max(1, width)).Render("✗ " + err.Error())
	}
	n := p.Grid.Size()
	line := st.Value.Render(bench.Plural(n, "config")) +
		st.Subtle.Render(" · est. "+runstate.FormatRange(runstate.EstimateRange(p)))
	detail := st.Subtle.Render(fmt.Sprintf("  (%d×%d×%d grid × %s × %s × min-time %v)",
		len(p.Grid.Dims), len(p.Grid.Branches), len(p.Grid.SeqLens), bench.Plural(p.Repeats, "repeat"), bench.Plural(len(p.Depths), "depth"), p.Timing.MinTime))
	if lipgloss.Width(line+detail) <= width {
		line += detail
	}
	return line
}

// setupModel is the screen before a sweep: the form, prefilled from the
// flags (or the run before), over the spec that keeps what the form has
// no field for.
type Model struct {
	form *form.Form
	base session.Spec
	// Opening: enter asked for the run, which is being opened (a Python
	// engine is checked by starting a worker); enter waits until then.
	Opening bool
	st      theme.Styles

	// What View draws with, when the form is used as a tea.Model.
	status string
	help   help.Model
	w, h   int
}

// New is the setup form prefilled from spec (the flags, or the run
// before).
func New(spec session.Spec, st theme.Styles) *Model {
	return &Model{form: newSetupForm(spec, st), base: spec, st: st, help: keys.NewHelp(st.HelpKey, st.HelpDesc, st.HelpSep)}
}

// Form is the form itself.
func (m *Model) Form() *form.Form { return m.form }

func (m *Model) Init() tea.Cmd { return nil }

// Update answers a key (Key); what it asks of the workbench comes back as
// a keys.ActionMsg.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		return m, m.Key(k).Cmd()
	}
	return m, nil
}

// SetSize sets the size View draws in, SetStatus the status line under
// the form.
func (m *Model) SetSize(w, h int)        { m.w, m.h = w, h }
func (m *Model) SetStatus(status string) { m.status = status }

// View is Draw with the status, key help and size set.
func (m *Model) View() string { return m.Draw(m.status, m.help, m.w, m.h) }

// formView draws the form in w×h (h 0: no limit).
func (m *Model) formView(w, h int) string { return formView(m.form, w, h) }

func formView(f *form.Form, w, h int) string {
	f.SetSize(w, h)
	return f.View()
}

// formKeys are the forms' keys.
var formKeys = form.KeyMap{Next: keys.Next, Prev: keys.Prev, ChoiceNext: keys.ChoiceNext, ChoicePrev: keys.ChoicePrev}

// formStyles are the style sheet's form styles.
func formStyles(st theme.Styles) form.Styles {
	return form.Styles{Label: st.FieldLabel, Focused: st.FieldFocused, Err: st.ErrText, Subtle: st.Subtle}
}

// Key edits the form; enter asks to start, esc to leave (back to the run
// before, or out), ? for help. While the run is being opened the form
// waits for it.
func (m *Model) Key(msg tea.KeyMsg) keys.Action {
	switch {
	case key.Matches(msg, keys.Exit):
		return keys.ActClose
	case key.Matches(msg, keys.Help):
		return keys.ActHelp
	case m.Opening:
		return keys.ActNone
	case key.Matches(msg, keys.Start):
		return keys.ActStart
	case key.Matches(msg, keys.History) && m.historyKeyFree():
		return keys.ActHistory
	}
	m.form.Update(msg)
	return keys.ActTyped
}

// historyKeyFree reports whether h opens the history: on a field where no
// value can hold an "h" (a LIST, a number, a choice), not one that types
// text (a path, a duration).
func (m *Model) historyKeyFree() bool {
	switch m.form.Fields[m.form.Focus].Name {
	case "D", "K", "T", "depths", "repeats", "seed", "policy", "engine":
		return true
	}
	return false
}

// Out is the output directory the form names now, as typed (~ expanded).
func (m *Model) Out() string { return ExpandHome(m.form.Value("out")) }

// Plan is the plan and output directory the form describes, or what is
// wrong with them.
func (m *Model) Plan() (bench.Plan, string, error) { return setupPlan(m.form, m.base.Plan) }

// Spec is the run the form asks for: its plan, directory, baseline and
// engine (the Python engine's checkout and interpreter checked as --qmlhc
// and --python are; nothing is run), a new run.
func (m *Model) Spec() (session.Spec, error) {
	p, out, err := m.Plan()
	if err != nil {
		return m.base, err
	}
	spec := m.base
	spec.Plan, spec.PlanGiven = p, true
	spec.Out = out
	spec.Baseline = ExpandHome(m.form.Value("baseline"))
	spec.Resume, spec.ResumeID = false, 0
	spec.Engine, spec.EngineGiven = launch.Spec{Engine: p.EngineName()}, true
	if p.EngineName() == bench.EnginePython {
		work := m.base.WorkDir
		dir, err := launch.CheckQMLHC(qmlhcIn(work, m.form.Value("qmlhc")))
		if err != nil {
			return spec, fmt.Errorf("qmlhc: %w", err)
		}
		py, err := launch.FindPython(pythonIn(work, m.form.Value("python")))
		if err != nil {
			return spec, fmt.Errorf("python: %w", err)
		}
		spec.Engine = launch.Spec{Engine: bench.EnginePython, QMLHC: dir, Python: py}
	}
	return spec, nil
}

// Draw draws the setup screen in w×h, with the status line and the key
// help below the form. A short terminal loses the form's border and blank
// line first; if the fields still do not fit, they scroll (the focused one
// always shown) and the key help keeps its line.
func (m *Model) Draw(status string, hm help.Model, w, h int) string {
	st := m.st
	title := st.Title.Render("hcbench") + st.Subtle.Render(" · set up a sweep")
	if status != "" {
		// A refused start says why in full, wrapped: it is the one thing
		// to read.
		status = lipgloss.NewStyle().Width(max(1, w)).Render(status)
	}
	statusH := 0
	if status != "" {
		statusH = lipgloss.Height(status)
	}
	body := m.formView(w-4, 0)
	count := planLine(m.form, m.base.Plan, st, w-4)
	pane := st.Pane.Width(max(0, w-2)).Render(lipgloss.JoinVertical(lipgloss.Left, body, "", count))
	if need := lipgloss.Height(pane) + 2 + statusH; need > h {
		plan := ""
		if _, err := m.form.FirstError(); err == nil {
			// With a field in error the ✗ lines say what the plan line
			// would ("fix the marked field"): the key help keeps its line.
			plan = planLine(m.form, m.base.Plan, st, w)
		}
		avail := h - 2 - statusH
		if plan != "" {
			avail -= lipgloss.Height(plan)
		}
		pane = m.formView(w, avail)
		if plan != "" {
			pane += "\n" + plan
		}
	}
	parts := []string{title, pane}
	if status != "" {
		parts = append(parts, status)
	}
	parts = append(parts, keys.Line(hm, keys.SetupSet(), w))
	return lipgloss.JoinVertical(lipgloss.Left, parts...)
}

// ExpandHome turns a leading "~" or "~/" into the home directory, as a
// shell would: the form is not a shell, and "~/x" would otherwise become a
// directory named "~" here.
func ExpandHome(p string) string { return bench.ExpandHome(p) }

// checkOutDirIn checks the output directory as it is typed, without
// creating anything: empty, a file in the way, or a directory that cannot
// be made or written are refused. Relative paths are resolved in work.
func checkOutDirIn(work string) func(string) error {
	return func(s string) error {
		if s == "" {
			return errors.New("give a directory for the reports")
		}
		dir := Resolve(work, ExpandHome(s))
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
		info, err := os.Stat(Resolve(work, ExpandHome(s)))
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
	return Resolve(work, ExpandHome(s))
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
	s = ExpandHome(s)
	if !strings.ContainsRune(s, '/') && !strings.ContainsRune(s, filepath.Separator) {
		return s
	}
	return Resolve(work, s)
}

// The grid editor opens over the running sweep. Only the grid can change
// live: depths, repeats, seed and policy decide what a result means, so a
// change there would be a different benchmark (start one from setup).

// Editor is the grid editor: a form of the three axes.
type Editor struct {
	form *form.Form
	st   theme.Styles
	run  *runstate.Run // what View previews the edit on
	w    int
}

// NewEditor edits grid g.
func NewEditor(g bench.Grid, st theme.Styles) *Editor {
	return &Editor{form: newEditorForm(g, st), st: st}
}

func (e *Editor) Init() tea.Cmd { return nil }

func (e *Editor) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		return e, e.Key(k).Cmd()
	}
	return e, nil
}

// SetRun sets the run View previews the edit on, and its width.
func (e *Editor) SetRun(s *runstate.Run, w int) { e.run, e.w = s, w }

// View is Draw of the run set.
func (e *Editor) View() string { return e.Draw(e.run, e.w) }

// Key edits the form; enter asks to apply, esc to cancel.
func (e *Editor) Key(msg tea.KeyMsg) keys.Action {
	switch {
	case key.Matches(msg, keys.Cancel):
		return keys.ActCancel
	case key.Matches(msg, keys.Apply):
		return keys.ActApply
	}
	e.form.Update(msg)
	return keys.ActNone
}

// Grid is the grid the form describes, or what is wrong with it.
func (e *Editor) Grid() (bench.Grid, error) { return editorGrid(e.form) }

func newEditorForm(g bench.Grid, st theme.Styles) *form.Form {
	return form.New(formKeys, formStyles(st),
		form.NewField("D", "D  dims", listHint, bench.FormatList(g.Dims), checkDims),
		form.NewField("K", "K  branches", listHint+" (≥ 2)", bench.FormatList(g.Branches), checkBranches),
		form.NewField("T", "T  seq len", listHint, bench.FormatList(g.SeqLens), checkSeqLens),
	)
}

func editorGrid(f *form.Form) (bench.Grid, error) {
	if name, err := f.FirstError(); err != nil {
		return bench.Grid{}, fmt.Errorf("%s: %w", name, err)
	}
	var g bench.Grid
	g.Dims, _ = bench.ParseList(f.Value("D"))
	g.Branches, _ = bench.ParseList(f.Value("K"))
	g.SeqLens, _ = bench.ParseList(f.Value("T"))
	return g, g.Validate()
}

// Preview says what applying would do: how many configs the new grid
// has, how many are done already, how many would run and how many queued
// ones would be dropped.
func Preview(s *runstate.Run, g bench.Grid) string {
	configs := g.Configs()
	done, toRun := 0, 0
	for _, c := range configs {
		if _, ok := s.Results[c]; ok {
			done++
		} else {
			toRun++
		}
	}
	dropped := 0
	for _, c := range s.Order {
		if _, ok := s.Results[c]; !ok && !g.Contains(c) {
			dropped++
		}
	}
	return fmt.Sprintf("%s: %d done · %d to run · %d queued dropped", bench.Plural(len(configs), "config"), done, toRun, dropped)
}

// Draw draws the editor in w cells, previewing what applying would do to
// the sweep s.
func (e *Editor) Draw(s *runstate.Run, w int) string {
	st := e.st
	iw := max(1, w-4)
	// Each line is fitted to the pane here, wrapped or cut: joined, the
	// widest would pad the others past the border, every one ending in "…".
	title := theme.Cut(st.PaneTitle.Render("Edit the grid")+st.Subtle.Render("  (applies to the running sweep)"), iw)
	preview := ""
	if g, err := e.Grid(); err == nil {
		preview = st.Value.Render(theme.Wrap(Preview(s, g), iw))
	} else if _, ferr := e.form.FirstError(); ferr == nil {
		preview = st.ErrText.Render(theme.Wrap("✗ "+err.Error(), iw))
	}
	note := st.Subtle.Render(theme.Wrap("depths, repeats, seed and policy stay: results must stay comparable", iw))
	inner := lipgloss.JoinVertical(lipgloss.Left, title, formView(e.form, iw, 0), "", preview, note)
	return st.Pane.Width(max(0, w-2)).Render(theme.Fit(inner, w-4, 1000))
}

// Resolve places a path typed by the user (shown as typed) in work, the
// directory relative paths are read from ("": the process's).
func Resolve(work, dir string) string {
	if work == "" || filepath.IsAbs(dir) {
		return dir
	}
	return filepath.Join(work, dir)
}

// OutDir is spec's output directory as typed (the default when none is).
func OutDir(spec session.Spec) string {
	if spec.Out == "" {
		return session.DefaultOut
	}
	return spec.Out
}
