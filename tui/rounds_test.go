package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hcbench/hcbench/engine/bench"
)

// summariseRounds makes r a result as recorded without --keep-rounds: no
// rounds, each measurement's round summary (10 rounds about it; the
// second measurement had a stall at four times the headline).
func summariseRounds(r *bench.Result) {
	r.Samples = nil
	r.Rounds, r.RoundsMin, r.RoundsP25, r.RoundsP75, r.RoundsMax = nil, nil, nil, nil, nil
	for i, m := range r.Measurements {
		hi := m * 1.05
		if i == 1 {
			hi = 4 * r.TimeEpochMedian
		}
		r.Rounds = append(r.Rounds, 10)
		r.RoundsMin = append(r.RoundsMin, m*0.95)
		r.RoundsP25 = append(r.RoundsP25, m*0.98)
		r.RoundsP75 = append(r.RoundsP75, m*1.02)
		r.RoundsMax = append(r.RoundsMax, hi)
	}
	r.Outliers = 1
}

// TestDetailSummarisedRounds: a recorded run's result without its rounds
// (the default record) shows one box plot per measurement from its round
// summary, its counts from RoundCount — never "no samples recorded"; a
// live result (every round) keeps the histogram.
func TestDetailSummarisedRounds(t *testing.T) {
	for _, s := range sizes {
		t.Run(s.name, func(t *testing.T) {
			m := workbench(t, s.w, s.h, fixtureRun{id: idOld, scale: 1, lean: true})
			m = press(m, "h", "enter", "enter")
			d := m.a.views.detail
			if d == nil {
				t.Fatal("enter on a past run's row opened no detail")
			}
			r := d.Result()
			if len(r.Samples) != 0 || !r.RoundSummarized() || r.RoundCount() != 60 {
				t.Fatalf("the fixture is not a summarised record: %d samples, summarised %v", len(r.Samples), r.RoundSummarized())
			}
			checkFits(t, m.View(), s.w, s.h)
			all := strings.Join(d.Content(s.w, s.h), "\n")
			mustContain(t, all, "Rounds of each measurement (60 rounds, summarised)", "outliers: 1 of 60 rounds (1.7%)")
			if strings.Contains(all, "no samples") || strings.Contains(all, "Distribution of") {
				t.Errorf("a summarised record drew the rounds histogram:\n%s", all)
			}
			var rows []string
			for _, l := range strings.Split(all, "\n") {
				if strings.HasPrefix(l, "#") {
					rows = append(rows, l)
				}
			}
			if len(rows) != len(r.Measurements) {
				t.Fatalf("want a row per measurement (%d), got %d:\n%s", len(r.Measurements), len(rows), all)
			}
			for i, l := range rows {
				mustContain(t, l, fmt.Sprintf("#%d 10 rounds", i+1), "┃")
				if s.w >= 80 {
					mustContain(t, l, "├", bench.FormatSeconds(r.Measurements[i]))
				}
			}
			// The stall runs past the scale (twice the headline) and says so.
			if !strings.Contains(rows[1], ">") || strings.Contains(rows[0], ">") {
				t.Errorf("only the second measurement's whisker passes the scale:\n%s\n%s", rows[0], rows[1])
			}
		})
	}
	// Live: every round is there, so the histogram of them.
	m := workbench(t, 80, 24)
	m = press(m, "j", "j", "enter")
	all := strings.Join(m.a.views.detail.Content(80, 24), "\n")
	mustContain(t, all, "Distribution of 60 round samples", "outliers: 2 of 60 rounds (3.3%)")
	if strings.Contains(all, "summarised") {
		t.Errorf("a live result drew the summary:\n%s", all)
	}
}

// TestGoldenDetailSummarised pins the detail of a summarised record at
// 120×40 and 80×24 (testdata/TestGoldenDetailSummarised; -update).
func TestGoldenDetailSummarised(t *testing.T) {
	for _, s := range sizes[:2] {
		t.Run(s.name, func(t *testing.T) {
			m := workbench(t, s.w, s.h, fixtureRun{id: idOld, scale: 1, lean: true})
			m = press(m, "h", "enter", "j", "enter", "down", "down", "down", "down", "down", "down")
			v := m.a.render()
			checkFits(t, v, s.w, s.h)
			teatest.RequireEqualOutput(t, []byte(v))
		})
	}
}

// TestHistoryKeepsKeepRounds: a past run recorded with --keep-rounds is
// continued with it; one recorded without is not.
func TestHistoryKeepsKeepRounds(t *testing.T) {
	m := workbench(t, 80, 24, fixtureRun{id: idOld, scale: 1, lean: true}, fixtureRun{id: idNew, scale: 1, keep: true})
	m = press(m, "h")
	runs := m.a.views.history.Runs()
	if len(runs) != 2 || runs[0].ID != idNew || !runs[0].Plan.KeepRounds || runs[1].Plan.KeepRounds {
		t.Fatalf("want run %d's plan with KeepRounds and run %d's without: %+v", idNew, idOld, runs)
	}
}
