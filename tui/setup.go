package tui

import (
	"fmt"
	"strconv"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine"
	"github.com/hcbench/hcbench/report"
)

const listHint = "LIST: 3,6 · 3..12 · 3..12:3"

// Each check is the CLI's own parser (engine's field parsers), so a value
// is judged and explained the same way in the form as on the command line.

func checkAxis(axis string) func(string) error {
	return func(s string) error { _, err := engine.ParseAxis(axis, s); return err }
}

var (
	checkDims     = checkAxis("D")
	checkBranches = checkAxis("K")
	checkSeqLens  = checkAxis("T")
	checkDepths   = checkAxis("depths")
)

func checkRepeats(s string) error { _, err := engine.ParseRepeats(s); return err }

func checkSeed(s string) error { _, err := engine.ParseSeed(s); return err }

func checkPolicy(s string) error { _, err := engine.ParsePolicy(s); return err }

// newSetupForm prefills every field from the plan the flags gave; paths
// typed relative are checked in work.
func newSetupForm(p engine.Plan, outDir, baseline, work string) *form {
	return newForm(
		newField("D", "D  dims", listHint, engine.FormatList(p.Grid.Dims), checkDims),
		newField("K", "K  branches", listHint+" (≥ 2)", engine.FormatList(p.Grid.Branches), checkBranches),
		newField("T", "T  seq len", listHint, engine.FormatList(p.Grid.SeqLens), checkSeqLens),
		newField("depths", "depths", listHint, engine.FormatList(p.Depths), checkDepths),
		newField("repeats", "repeats", "repeat r uses seed+r", strconv.Itoa(p.Repeats), checkRepeats),
		newField("seed", "seed", "integer", strconv.FormatUint(p.Seed, 10), checkSeed),
		newField("min-time", "min-time", "per depth, e.g. 10ms, 1.5s", p.Timing.MinTime.String(), checkMinTime),
		newChoice("policy", "policy", p.Policy, engine.Policies, checkPolicy),
		newField("out", "output dir", "reports go here (~ is home)", outDir, checkOutDirIn(work)),
		newField("baseline", "baseline", "optional: earlier run's JSONL", baseline, checkBaselineIn(work)),
	)
}

// setupPlan builds the plan from the form over base (which keeps what the
// form has no field for). The output directory comes back with "~"
// expanded. The error names the field.
func setupPlan(f *form, base engine.Plan) (engine.Plan, string, error) {
	if name, err := f.firstError(); err != nil {
		return base, "", fmt.Errorf("%s: %w", name, err)
	}
	p := base
	p.Grid.Dims, _ = engine.ParseList(f.value("D"))
	p.Grid.Branches, _ = engine.ParseList(f.value("K"))
	p.Grid.SeqLens, _ = engine.ParseList(f.value("T"))
	p.Depths, _ = engine.ParseList(f.value("depths"))
	p.Repeats, _ = strconv.Atoi(f.value("repeats"))
	p.Seed, _ = strconv.ParseUint(f.value("seed"), 10, 64)
	p.Timing.MinTime, _ = time.ParseDuration(f.value("min-time"))
	p.Policy = f.value("policy")
	return p, expandHome(f.value("out")), p.Validate()
}

// planLine is the live count under a form: configs and the lower bound on
// the measuring time (with how it is reckoned when there is room), or what
// is wrong.
func planLine(f *form, base engine.Plan, st styles, width int) string {
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
	base engine.Plan
}

func newSetupModel(p engine.Plan, outDir, baseline, work string) *setupModel {
	return &setupModel{form: newSetupForm(p, outDir, baseline, work), base: p}
}

// baseline is the baseline file typed, "~" expanded; "" for none.
func (m *setupModel) baseline() string { return expandHome(m.form.value("baseline")) }

// Update edits the form; enter asks to start, esc to quit, ? for help.
func (m *setupModel) Update(msg tea.KeyMsg) action {
	switch {
	case key.Matches(msg, keys.Exit):
		return actQuit
	case key.Matches(msg, keys.Help):
		return actHelp
	case key.Matches(msg, keys.Start):
		return actStart
	}
	m.form.update(msg)
	return actTyped
}

// plan is the plan and output directory the form describes, or what is
// wrong with them.
func (m *setupModel) plan() (engine.Plan, string, error) { return setupPlan(m.form, m.base) }

// View draws the setup screen in w×h, with the status line and the key
// help below the form. A short terminal loses the form's border and blank
// line before any field.
func (m *setupModel) View(st styles, status string, hm help.Model, w, h int) string {
	title := st.title.Render("hcbench") + st.subtle.Render(" · set up a sweep")
	body := m.form.view(st, w-4)
	count := planLine(m.form, m.base, st, w-4)
	pane := st.pane.Width(max(0, w-2)).Render(lipgloss.JoinVertical(lipgloss.Left, body, "", count))
	if need := lipgloss.Height(pane) + 2 + btoi(status != ""); need > h {
		pane = m.form.view(st, w)
		if _, err := m.form.firstError(); err == nil {
			// With a field in error the ✗ lines say what the plan line
			// would ("fix the marked field"): the key help keeps its line.
			pane += "\n" + planLine(m.form, m.base, st, w)
		}
	}
	parts := []string{title, pane}
	if status != "" {
		parts = append(parts, status)
	}
	parts = append(parts, shortHelp(hm, setupHelp(), w))
	return lipgloss.JoinVertical(lipgloss.Left, parts...)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
