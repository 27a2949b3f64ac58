package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/tui/views/history"
	"github.com/hcbench/hcbench/tui/views/runview"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// render draws the whole screen at the current size. Every pane is clipped
// to its box, and the screen to the terminal, so no size can break it.
func (a *app) render() string {
	w, h := max(1, a.width), max(1, a.height)
	var out string
	switch {
	case a.screen == screenSetup && a.prompt == nil && !a.helpView.open:
		st := ""
		if a.status != "" {
			st = a.statusView()
		}
		out = a.setup.Draw(st, a.help, w, h)
	default:
		out = a.compose(w, h)
	}
	return theme.Fit(out, w, h)
}

func (a *app) helpLine(km keys.Set) string { return keys.Line(a.help, km, a.width) }

func (a *app) statusView() string {
	if a.statusErr {
		return a.st.ErrText.Render(a.status)
	}
	return a.st.Status.Render(a.status)
}

// statusLines are the status queue's lines in w cells, oldest first:
// the earlier ones (fewer on a short screen) above the latest.
func (a *app) statusLines(w int) []string {
	if a.status == "" {
		return nil
	}
	prev := a.statusPrev
	if keep := max(0, min(len(prev), (a.height-15)/5)); keep < len(prev) {
		prev = prev[len(prev)-keep:]
	}
	var out []string
	for _, p := range prev {
		st := a.st.Subtle
		if p.err {
			st = a.st.ErrText
		}
		out = append(out, theme.Cut(st.Render(p.text), w))
	}
	// The latest wraps onto a second line on a screen with room for it,
	// rather than losing its end.
	lines := strings.Split(theme.Wrap(a.status, w), "\n")
	if len(lines) == 1 || a.height < 20 {
		return append(out, theme.Cut(a.statusView(), w))
	}
	st := a.st.Status
	if a.statusErr {
		st = a.st.ErrText
	}
	rest := strings.Join(strings.Fields(strings.Join(lines[1:], " ")), " ")
	return append(out, st.Render(lines[0]), theme.Cut(st.Render(rest), w))
}

// header is the title line: run id and the plan in the CLI's terms. On a
// narrow screen the settings give way (seed, policy, repeats, depths)
// before the grid and the output directory, and whatever still does not
// fit ends in "…".
func (a *app) header(w int) string {
	title := a.st.Title.Render("hcbench")
	if a.show {
		what := "recorded runs, read-only"
		if v := a.views.shards; v != nil {
			what = v.Title() + " · read-only"
		}
		if h := a.views.history; h != nil && h.Tab != history.Runs {
			if r, s := h.Opened(); r != nil && s != nil {
				// The run on screen and its engine (and variant).
				what = fmt.Sprintf("run %d · %s · read-only", r.ID, engineText(s.Plan))
			}
		}
		// The directory goes last and loses its head first: what is on
		// screen matters more than where it lives.
		what = " · show · " + what + " · "
		room := w - lipgloss.Width(title) - lipgloss.Width(what)
		return theme.Cut(title+a.st.Subtle.Render(what+elideHead(a.outDir(), room)), w)
	}
	if a.sw == nil {
		return title
	}
	p := a.sw.Plan
	parts := []string{
		fmt.Sprintf("run %d", a.sw.RunID),
		engineText(p),
		fmt.Sprintf("D=%s K=%s T=%s", bench.FormatList(p.Grid.Dims), bench.FormatList(p.Grid.Branches), bench.FormatList(p.Grid.SeqLens)),
		"depths " + bench.FormatList(p.Depths),
		bench.Plural(p.Repeats, "repeat"),
		fmt.Sprintf("seed %d", p.Seed),
		p.Policy,
		"→ " + a.outDir(),
	}
	line := func() string { return title + a.st.Subtle.Render(" · "+strings.Join(parts, " · ")) }
	for _, drop := range []int{5, 5, 4, 3} { // seed, policy, repeats, depths
		if lipgloss.Width(line()) <= w {
			break
		}
		parts = append(parts[:drop], parts[drop+1:]...)
	}
	return theme.Cut(line(), w)
}

// elideHead shortens a path to at most w columns by replacing its start
// with "…", keeping the end a person recognises.
func elideHead(path string, w int) string {
	r := []rune(path)
	if len(r) <= w {
		return path
	}
	if w < 2 {
		return "…"
	}
	return "…" + string(r[len(r)-(w-1):])
}

// engineText names a plan's engine, and its variant B in an A/B sweep:
// "go", "python", "go vs policy=minrisk".
func engineText(p bench.Plan) string {
	if p.Vs.IsZero() {
		return p.EngineName()
	}
	return p.EngineName() + " vs " + p.Vs.String()
}

// compose stacks the header, the open sub-model's view (help, prompt,
// editor over the run, or the run) and the footer in w×h.
func (a *app) compose(w, h int) string {
	km := keys.RunSet(a.sw != nil && a.sw.Paused, a.sw != nil && a.sw.Active())
	switch {
	case a.prompt != nil:
		km = keys.PromptSet()
	case a.editor != nil:
		km = keys.EditorSet()
	case a.screen == screenSetup:
		km = keys.SetupSet()
	}
	over, overKeys, overOpen := "", keys.Set{}, false
	if a.prompt == nil && a.screen == screenRun {
		statusH := len(a.statusLines(w))
		over, overKeys, overOpen = a.viewBody(w, h, max(0, h-2-statusH))
		if overOpen {
			km = overKeys
		}
	}
	footer := []string{}
	footer = append(footer, a.statusLines(w)...)
	if a.show {
		// The keys give way before the note that says why some are missing.
		note := a.st.Subtle.Render(showNote)
		if w < 70 {
			note = a.st.Subtle.Render("read-only")
		}
		footer = append(footer, theme.Cut(keys.Line(a.help, km, w-lipgloss.Width(note)-2)+"  "+note, w))
	} else {
		footer = append(footer, theme.Cut(a.helpLine(km), w))
	}
	header := a.header(w)
	bodyH := max(0, h-1-len(footer))

	var body string
	switch {
	case a.helpView.open:
		var notes []string
		if a.screen == screenRun && a.editor == nil && h >= runview.CompactHeight {
			notes = keys.Notes
		}
		if a.show {
			notes = []string{showNote + ": the recorded runs of " + a.outDir() + "; nothing here measures, edits, pauses or continues a run, and nothing is written unless asked",
				"s writes the reports of the selected or opened run again (CSV, Markdown, benchstat, figures), after a yes",
				"enter opens a run, then its detail · space/x marks two runs, c compares them · / filters a run's table · z zooms · tab next tab",
				"a run another hcbench is still writing is followed live: its new results appear as they land"}
			if a.views.shards != nil {
				notes = []string{showNote + ": the shards of a sweep in " + a.outDir() + ", not merged yet, followed live; nothing here measures or writes",
					"each shard is waiting, queued, running, finished or failed: from squeue/sacct for a sweep submitted by hcbench slurm, else from its files (unfinished and quiet for 10 minutes: failed)",
					"the run so far is what hcbench merge would make of it now; the ETA is over all shards",
					"hcbench merge " + a.outDir() + " writes the run's reports (once all shards finished; before, the run so far)",
					"enter a config's detail · / filters the table · z zooms · m metric · a axes · o sort"}
			}
		}
		body = a.helpView.View(a.help, km, notes, a.st, w, bodyH)
	case a.prompt != nil:
		body = a.prompt.View(a.st, w, bodyH)
	case overOpen:
		body = over
	case a.sw == nil:
		body = ""
	case a.editor != nil:
		// The editor opens over the sweep, which stays visible below it:
		// it keeps running.
		ed := a.editor.Draw(a.sw, w)
		body = ed + "\n" + a.runBody(w, h, bodyH-lipgloss.Height(ed))
	default:
		body = a.runBody(w, h, bodyH)
	}
	body = theme.Lines(theme.Fit(body, w, bodyH), bodyH)
	return strings.Join(append([]string{header, body}, footer...), "\n")
}

// runBody is the run view's drawing of the current sweep.
func (a *app) runBody(w, h, bodyH int) string {
	return a.runv.Draw(a.sw, a.now(), a.quitting, a.haveBaseline(), w, h, bodyH)
}
