package session

// Command is the command line that continues the run (resume) or measures
// it again as a new run, as it stands now: the plan with its grid edits,
// the engine, the baseline and the directory — what Outcome.Continue and
// Outcome.Rerun will say, for a front door that shows it before the end
// (the workbench's "copy the command").
func (s *Session) Command(resume bool) string { return s.command(s.Plan(), resume) }
