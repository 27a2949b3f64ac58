package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
)

// WriteComparison prints a comparison as a table like benchstat's: config,
// old, new, ratio [CI], the CI's level, Holm's adjusted p, verdict (with
// what decided it when the interval alone did not); then the geomean and
// the counts.
func WriteComparison(w io.Writer, oldLabel, newLabel string, b compare.Baseline, notes []string) error {
	var s strings.Builder
	fmt.Fprintf(&s, "old: %s\nnew: %s\n", oldLabel, newLabel)
	for _, n := range notes {
		s.WriteString("note: " + n + "\n")
	}
	s.WriteString("\n")
	tw := tabwriter.NewWriter(&s, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "config\told (median)\tnew (median)\tratio [CI]\tlevel\tp (Holm)\tverdict\t")
	var quality []string
	for _, e := range b.Entries {
		v := e.Verdict
		if e.Reason != "" {
			v += " (" + e.Reason + ")"
		}
		if e.QualityDiffers {
			v += " quality differs"
			quality = append(quality, e.Config.String())
		}
		name := e.Config.String()
		if !slices.Equal(e.Depths, []int{1, 2, 3}) {
			name += " depths " + bench.FormatDepths(e.Depths)
		}
		p := "n/a"
		if !math.IsNaN(e.PAdj) {
			p = fmt.Sprintf("%.2g", e.PAdj)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, formatHeadlineCI(e.Old), formatHeadlineCI(e.New),
			compare.FormatRatioCI(e.Cmp), bench.FormatLevel(e.Cmp.Level), p, v)
	}
	geo := compare.FormatRatio(b.GeoMeanRatio)
	if !math.IsNaN(b.GeoMeanCILow) {
		g, lo, hi := compare.FormatRatios(b.GeoMeanRatio, b.GeoMeanCILow, b.GeoMeanCIHigh)
		geo = fmt.Sprintf("%s [%s, %s]", g, lo, hi)
	}
	fmt.Fprintf(tw, "geomean\t\t\t%s\t95%%\t\t\t\n", geo)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(&s, "\n%d faster, %d slower, %d unchanged", b.Faster, b.Slower, b.Unchanged)
	if b.Few > 0 {
		fmt.Fprintf(&s, ", %d with too few steady measurements to tell", b.Few)
	}
	if b.Invalid > 0 {
		fmt.Fprintf(&s, ", %d holding values no measurement can take", b.Invalid)
	}
	fmt.Fprintf(&s, " of %d matched configs (ratio new/old of the medians; t on the log ratio over the independent measurements, Holm-corrected over the configs, 5%%: each interval is at the level Holm tested its config at, so it excludes 1 exactly when p < 0.05)\n", len(b.Entries))
	if b.Unmatched > 0 {
		fmt.Fprintf(&s, "%d configs of the new run are not in the old one\n", b.Unmatched)
	}
	if len(quality) > 0 {
		fmt.Fprintf(&s, "quality differs for %s: the same seeds gave different total loss, RMSE or robustness, so the numbers changed, not only the speed\n",
			strings.Join(quality, ", "))
	}
	_, err := io.WriteString(w, s.String())
	return err
}
