package tui

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/pyworker"
	"github.com/hcbench/hcbench/engine/worker"
	"github.com/hcbench/hcbench/report"
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
func pythonChosen(f *form) bool { return f.value("engine") == bench.EnginePython }

// newSetupForm prefills every field from the plan and the options the flags
// gave; paths typed relative are checked in opt.WorkDir.
func newSetupForm(p bench.Plan, opt Options) *form {
	work := opt.WorkDir
	eng := newChoice("engine", "engine", p.EngineName(), bench.Engines, checkEngine)
	eng.hint = "←/→ go: built-in · python: yours"
	dir := opt.QMLHC
	if dir == "" {
		dir = os.Getenv(pyworker.EnvQMLHC)
	}
	py := opt.Python
	if py == "" {
		py = pyworker.DefaultPython
	}
	qmlhc := newField("qmlhc", "qml-hcs dir", "checkout: its src/, examples/", dir, checkQMLHCIn(work))
	qmlhc.shown = pythonChosen
	python := newField("python", "python", "interpreter with numpy", py, checkPythonIn(work))
	python.shown = pythonChosen
	return newForm(
		newField("D", "D  dims", listHint, bench.FormatList(p.Grid.Dims), checkDims),
		newField("K", "K  branches", listHint+" (≥ 2)", bench.FormatList(p.Grid.Branches), checkBranches),
		newField("T", "T  seq len", listHint, bench.FormatList(p.Grid.SeqLens), checkSeqLens),
		newField("depths", "depths", listHint, bench.FormatList(p.Depths), checkDepths),
		newField("repeats", "repeats", "repeat r uses seed+r", strconv.Itoa(p.Repeats), checkRepeats),
		newField("seed", "seed", "integer", strconv.FormatUint(p.Seed, 10), checkSeed),
		newField("min-time", "min-time", "per depth, e.g. 10ms, 1.5s", p.Timing.MinTime.String(), checkMinTime),
		newChoice("policy", "policy", p.Policy, bench.Policies, checkPolicy),
		newField("out", "output dir", "reports go here (~ is home)", opt.OutDir, checkOutDirIn(work)),
		newField("baseline", "baseline", "optional: earlier run's JSONL", opt.BaselinePath, checkBaselineIn(work)),
		eng, qmlhc, python,
	)
}

// setupPlan builds the plan from the form over base (which keeps what the
// form has no field for). The output directory comes back with "~"
// expanded. The error names the field.
func setupPlan(f *form, base bench.Plan) (bench.Plan, string, error) {
	if name, err := f.firstError(); err != nil {
		return base, "", fmt.Errorf("%s: %w", name, err)
	}
	p := base
	p.Grid.Dims, _ = bench.ParseList(f.value("D"))
	p.Grid.Branches, _ = bench.ParseList(f.value("K"))
	p.Grid.SeqLens, _ = bench.ParseList(f.value("T"))
	p.Depths, _ = bench.ParseList(f.value("depths"))
	p.Repeats, _ = strconv.Atoi(f.value("repeats"))
	p.Seed, _ = strconv.ParseUint(f.value("seed"), 10, 64)
	p.Timing.MinTime, _ = time.ParseDuration(f.value("min-time"))
	p.Policy = f.value("policy")
	p.Engine = f.value("engine")
	return p, expandHome(f.value("out")), p.Validate()
}

// planLine is the live count under a form: configs and the lower bound on
// the measuring time (with how it is reckoned when there is room), or what
// is wrong.
func planLine(f *form, base bench.Plan, st styles, width int) string {
	p, _, err := setupPlan(f, base)
	if err != nil {
		if _, ferr := f.firstError(); ferr != nil {
			return st.errText.Render("✗ fix the marked field to start")
		}
		return st.errText.Width(max(1, width)).Render("✗ " + err.Error())
	}
	n := p.Grid.Size()
	line := st.value.Render(fmt.Sprintf("%d configs", n)) +
		st.subtle.Render(fmt.Sprintf(" · est. ≥ %s", report.FormatDuration(estimateDuration(p, n))))
	detail := st.subtle.Render(fmt.Sprintf("  (%d×%d×%d grid × %d repeats × %d depths × min-time %v)",
		len(p.Grid.Dims), len(p.Grid.Branches), len(p.Grid.SeqLens), p.Repeats, len(p.Depths), p.Timing.MinTime))
	if lipgloss.Width(line+detail) <= width {
		line += detail
	}
	return line
}

// setupModel is the screen before a sweep: the form, prefilled from the
// flags, over the plan that keeps what the form has no field for.
type setupModel struct {
	form *form
	base bench.Plan
	work string
	// probing: Enter started a Python worker to check it; the sweep starts
	// when it answers, and Enter waits until then.
	probing bool
}

func newSetupModel(p bench.Plan, opt Options) *setupModel {
	return &setupModel{form: newSetupForm(p, opt), base: p, work: opt.WorkDir}
}

// python is the Python engine setup the form's fields describe, checked
// as --qmlhc and --python are (nothing is run).
func (m *setupModel) python() (pyworker.Setup, error) {
	dir, err := pyworker.CheckDir(qmlhcIn(m.work, m.form.value("qmlhc")))
	if err != nil {
		return pyworker.Setup{}, fmt.Errorf("qmlhc: %w", err)
	}
	py, err := pyworker.FindPython(pythonIn(m.work, m.form.value("python")))
	if err != nil {
		return pyworker.Setup{}, fmt.Errorf("python: %w", err)
	}
	return pyworker.Setup{Python: py, Dir: dir}, nil
}

// baseline is the baseline file typed, "~" expanded; "" for none.
func (m *setupModel) baseline() string { return expandHome(m.form.value("baseline")) }

// Update edits the form; enter asks to start, esc to quit, ? for help.
// While a Python worker is being checked the form waits for its answer.
func (m *setupModel) Update(msg tea.KeyMsg) action {
	switch {
	case key.Matches(msg, keys.Exit):
		return actQuit
	case key.Matches(msg, keys.Help):
		return actHelp
	case m.probing:
		return actNone
	case key.Matches(msg, keys.Start):
		return actStart
	}
	m.form.update(msg)
	return actTyped
}

// plan is the plan and output directory the form describes, or what is
// wrong with them.
func (m *setupModel) plan() (bench.Plan, string, error) { return setupPlan(m.form, m.base) }

// View draws the setup screen in w×h, with the status line and the key
// help below the form. A short terminal loses the form's border and blank
// line first; if the fields still do not fit, they scroll (the focused one
// always shown) and the key help keeps its line.
func (m *setupModel) View(st styles, status string, hm help.Model, w, h int) string {
	title := st.title.Render("hcbench") + st.subtle.Render(" · set up a sweep")
	if status != "" {
		// A refused start says why in full, wrapped: it is the one thing
		// to read.
		status = lipgloss.NewStyle().Width(max(1, w)).Render(status)
	}
	statusH := 0
	if status != "" {
		statusH = lipgloss.Height(status)
	}
	body := m.form.view(st, w-4)
	count := planLine(m.form, m.base, st, w-4)
	pane := st.pane.Width(max(0, w-2)).Render(lipgloss.JoinVertical(lipgloss.Left, body, "", count))
	if need := lipgloss.Height(pane) + 2 + statusH; need > h {
		plan := ""
		if _, err := m.form.firstError(); err == nil {
			// With a field in error the ✗ lines say what the plan line
			// would ("fix the marked field"): the key help keeps its line.
			plan = planLine(m.form, m.base, st, w)
		}
		avail := h - 2 - statusH
		if plan != "" {
			avail -= lipgloss.Height(plan)
		}
		pane = m.form.viewIn(st, w, avail)
		if plan != "" {
			pane += "\n" + plan
		}
	}
	parts := []string{title, pane}
	if status != "" {
		parts = append(parts, status)
	}
	parts = append(parts, shortHelp(hm, setupHelp(), w))
	return lipgloss.JoinVertical(lipgloss.Left, parts...)
}

// probe is the check of a Python worker that Enter starts: one worker is
// started and its handshake read, so that a Python without numpy or a
// checkout that does not import is refused before anything is created.
type probe struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// stop cancels the check and waits until its worker is gone.
func (pr *probe) stop() {
	pr.cancel()
	select {
	case <-pr.done:
	case <-time.After(shutdownWait):
	}
}

// probedMsg is the checked worker's answer, with the sweep to start.
type probedMsg struct {
	plan   bench.Plan
	out    string
	setup  pyworker.Setup
	qmlhc  string // the fields as typed, to prefill the next form
	python string
	hello  worker.Hello
	err    error
}

// startFromSetup starts a sweep of the form's plan: at once for the Go
// engine; for python once a worker of the form's checkout and interpreter
// has answered (probedMsg). Nothing is created on disk before that.
func (a *app) startFromSetup() tea.Cmd {
	p, out, err := a.setup.plan()
	if err != nil {
		a.setStatus("✗ "+err.Error(), true)
		return nil
	}
	if path := a.setup.baseline(); path != a.opt.BaselinePath || (path != "" && !a.haveBaseline()) {
		base, err := loadBaseline(a.resolve(path))
		if err != nil {
			a.setStatus("✗ baseline: "+err.Error(), true)
			return nil
		}
		a.baseline, a.opt.BaselinePath = base, path
	}
	if p.EngineName() != bench.EnginePython {
		a.opt.OutDir = out
		a.setStatus("", false)
		return a.startFromPlan(p, out)
	}
	s, err := a.setup.python()
	if err != nil {
		a.setStatus("✗ "+err.Error(), true)
		return nil
	}
	ctx, cancel := context.WithCancel(a.ctx)
	pr := &probe{cancel: cancel, done: make(chan struct{})}
	a.probe, a.setup.probing = pr, true
	a.setStatus("checking the python engine: starting "+s.Python+"…", false)
	msg := probedMsg{plan: p, out: out, setup: s, qmlhc: a.setup.form.value("qmlhc"), python: a.setup.form.value("python")}
	return safeCmd(func() tea.Msg {
		defer close(pr.done)
		defer cancel()
		msg.hello, msg.err = pyworker.Probe(ctx, s.Workers())
		return msg
	})
}

// onProbed starts the sweep with the checked Python workers, or shows in
// one line why the worker was refused.
func (a *app) onProbed(msg probedMsg) tea.Cmd {
	a.probe = nil
	a.setup.probing = false
	if a.screen != screenSetup || a.quitting {
		return nil
	}
	if msg.err != nil {
		a.setStatus("✗ python engine: "+strings.Join(strings.Fields(msg.err.Error()), " "), true)
		return nil
	}
	a.opt.Workers = msg.setup.Workers()
	a.opt.QMLHC, a.opt.Python = msg.qmlhc, msg.python
	a.opt.OutDir = msg.out
	a.setStatus(pyworker.Describe(msg.hello), false)
	return a.startFromPlan(msg.plan, msg.out)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
