package keys

import tea "github.com/charmbracelet/bubbletea"

// Action is what a key pressed in a view asks of the workbench beyond the
// view itself: the workbench owns the run's life (start, stop, save) and
// which view is open; a view only its own state.
type Action int

const (
	ActNone    Action = iota
	ActTyped          // a form changed: an old error in the status may be stale
	ActQuit           // leave
	ActHelp           // open the full help
	ActStart          // setup: start a sweep of the form's plan
	ActRerun          // measure the run again
	ActEdit           // open the grid editor
	ActApply          // editor: apply its grid
	ActCancel         // editor: closed without applying
	ActPause          // pause or resume
	ActSave           // save the reports
	ActClose          // the view closes (esc)
	ActDetail         // open the selected row's detail
	ActFilter         // type a filter
	ActResume         // history: continue the selected run
	ActCompare        // history: compare the marked runs
	ActHistory        // setup: open the history of the form's directory
)

// ActionMsg is an Action as a message: what a view's Update returns when
// it is run as a tea.Model of its own.
type ActionMsg struct{ Action Action }

// Cmd is the command that delivers a as a message (nil for ActNone).
func (a Action) Cmd() tea.Cmd {
	if a == ActNone {
		return nil
	}
	return func() tea.Msg { return ActionMsg{a} }
}
