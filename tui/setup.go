package tui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

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

func checkOutDir(s string) error {
	if s == "" {
		return errors.New("give a directory for the reports")
	}
	return nil
}

// newSetupForm prefills every field from the plan the flags gave.
func newSetupForm(p engine.Plan, outDir string) *form {
	return newForm(
		newField("D", "D  dims", listHint, engine.FormatList(p.Grid.Dims), checkDims),
		newField("K", "K  branches", listHint+" (≥ 2)", engine.FormatList(p.Grid.Branches), checkBranches),
		newField("T", "T  seq len", listHint, engine.FormatList(p.Grid.SeqLens), checkSeqLens),
		newField("depths", "depths", listHint, engine.FormatList(p.Depths), checkDepths),
		newField("repeats", "repeats", "repeat r uses seed+r", strconv.Itoa(p.Repeats), checkRepeats),
		newField("seed", "seed", "integer", strconv.FormatUint(p.Seed, 10), checkSeed),
		newField("out", "output dir", "reports go here", outDir, checkOutDir),
		newField("policy", "policy", strings.Join(engine.Policies, " | "), p.Policy, checkPolicy),
	)
}

// setupPlan builds the plan from the form over base (which keeps what the
// form has no field for, e.g. timing). The error names the field.
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
	p.Policy = f.value("policy")
	return p, f.value("out"), p.Validate()
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

// setupView is the screen before the sweep starts.
func (a *app) setupView() string {
	w := a.width
	title := a.st.title.Render("hcbench") + a.st.subtle.Render(" · set up a sweep")
	body := a.setup.view(a.st, w-4)
	count := planLine(a.setup, a.opt.Plan, a.st, w-4)
	inner := lipgloss.JoinVertical(lipgloss.Left, body, "", count)
	pane := a.st.pane.Width(max(0, w-2)).Render(inner)
	parts := []string{title, pane}
	if a.status != "" {
		parts = append(parts, a.statusView())
	}
	parts = append(parts, a.helpLine(setupHelp()))
	return lipgloss.JoinVertical(lipgloss.Left, parts...)
}
