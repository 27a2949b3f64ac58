package tui

import (
	"fmt"
	"os"
	"strconv"

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
		form.NewField("out", "output dir", "reports go here (~ is home)", outOf(spec), checkOutDirIn(work)),
		form.NewField("baseline", "baseline", "optional: earlier run's JSONL", spec.Baseline, checkBaselineIn(work)),
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
	return p, expandHome(f.Value("out")), p.Validate()
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
	line := st.Value.Render(fmt.Sprintf("%d configs", n)) +
		st.Subtle.Render(fmt.Sprintf(" · est. ≥ %s", bench.FormatDuration(runstate.EstimateDuration(p, n))))
	detail := st.Subtle.Render(fmt.Sprintf("  (%d×%d×%d grid × %d repeats × %d depths × min-time %v)",
		len(p.Grid.Dims), len(p.Grid.Branches), len(p.Grid.SeqLens), p.Repeats, len(p.Depths), p.Timing.MinTime))
	if lipgloss.Width(line+detail) <= width {
		line += detail
	}
	return line
}

// setupModel is the screen before a sweep: the form, prefilled from the
// flags (or the run before), over the spec that keeps what the form has
// no field for.
type setupModel struct {
	form *form.Form
	base session.Spec
	// opening: Enter asked for the run, which is being opened (a Python
	// engine is checked by starting a worker); Enter waits until then.
	opening bool
}

func newSetupModel(spec session.Spec, st theme.Styles) *setupModel {
	return &setupModel{form: newSetupForm(spec, st), base: spec}
}

// formView draws the form in w×h (h 0: no limit).
func (m *setupModel) formView(w, h int) string { return formView(m.form, w, h) }

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

// Update edits the form; enter asks to start, esc to leave (back to the
// run before, or out), ? for help. While the run is being opened the form
// waits for it.
func (m *setupModel) Update(msg tea.KeyMsg) keys.Action {
	switch {
	case key.Matches(msg, keys.Exit):
		return keys.ActClose
	case key.Matches(msg, keys.Help):
		return keys.ActHelp
	case m.opening:
		return keys.ActNone
	case key.Matches(msg, keys.Start):
		return keys.ActStart
	}
	m.form.Update(msg)
	return keys.ActTyped
}

// plan is the plan and output directory the form describes, or what is
// wrong with them.
func (m *setupModel) plan() (bench.Plan, string, error) { return setupPlan(m.form, m.base.Plan) }

// spec is the run the form asks for: its plan, directory, baseline and
// engine (the Python engine's checkout and interpreter checked as --qmlhc
// and --python are; nothing is run), a new run.
func (m *setupModel) spec() (session.Spec, error) {
	p, out, err := m.plan()
	if err != nil {
		return m.base, err
	}
	spec := m.base
	spec.Plan, spec.PlanGiven = p, true
	spec.Out = out
	spec.Baseline = expandHome(m.form.Value("baseline"))
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

// View draws the setup screen in w×h, with the status line and the key
// help below the form. A short terminal loses the form's border and blank
// line first; if the fields still do not fit, they scroll (the focused one
// always shown) and the key help keeps its line.
func (m *setupModel) View(st theme.Styles, status string, hm help.Model, w, h int) string {
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

// startFromSetup opens and starts a run of the form's spec (the session
// checks a Python engine by starting one of its workers first). Nothing
// is created on disk before that.
func (a *app) startFromSetup() tea.Cmd {
	spec, err := a.setup.spec()
	if err != nil {
		a.setStatus("✗ "+err.Error(), true)
		return nil
	}
	cmd := a.startSpec(spec)
	if a.opening != nil {
		a.setup.opening = true
	}
	return cmd
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
