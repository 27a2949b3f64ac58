// Package bench is hcbench's vocabulary, shared by every other package:
// a Config and a Grid of them; a Plan (grid, depths, repeats, seed, policy,
// timing, engine) and its validation; the Result of a config, and how its
// headline and interval are made from its measurements (Headline, Split);
// a plan's fields as a user types them (ParseList, ParseAxis, ParseMinTime,
// …) and as they are written back (FormatList, FormatSeconds, …); and
// Args, the only command-line spelling of a plan, from which every printed
// or copied command is built. It measures nothing and starts nothing.
package bench
