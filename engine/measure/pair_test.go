package measure

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/worker"
)

// serve runs the Go worker on pipes and returns a function that sends one
// measure request (the JSON after "type") and returns its result line.
func serve(t *testing.T) func(req string) string {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	served := make(chan error, 1)
	go func() {
		served <- ServeWorker(inR, outW)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	lines.Buffer(nil, 64<<20)
	if !lines.Scan() || !strings.Contains(lines.Text(), `"features":["vs"]`) {
		t.Fatalf("hello %q does not offer the vs feature", lines.Text())
	}
	t.Cleanup(func() {
		inW.Close()
		if err := <-served; err != nil {
			t.Error(err)
		}
	})
	id := 0
	return func(req string) string {
		id++
		fmt.Fprintf(inW, `{"type":"measure","id":%d,%s}`+"\n", id, req)
		for lines.Scan() {
			switch l := lines.Text(); {
			case strings.Contains(l, `"type":"result"`), strings.Contains(l, `"type":"error"`):
				return l
			}
		}
		t.Fatal("the worker ended without a result")
		return ""
	}
}

// One run with vs measures both variants in the same rounds: as many of
// B's as of A's, each variant's own batch and figures.
func TestPairedMeasurement(t *testing.T) {
	measure := serve(t)
	for _, tc := range []struct {
		name, vs    string
		sameQuality bool
	}{
		{"A/A", `"vs":{}`, true},
		{"another policy", `"vs":{"policy":"minrisk"}`, false},
	} {
		line := measure(`"config":{"D":3,"K":5,"T":24},"seed":7,"policy":"mean","depths":[1,2],"time_min":0.002,"min_epochs":3,"max_rounds":40,"warmup":2,"batch":0,` + tc.vs)
		var res struct {
			Type string
			worker.Result
		}
		if err := json.Unmarshal([]byte(line), &res); err != nil || res.Type != "result" {
			t.Fatalf("%s: %s (%v)", tc.name, line, err)
		}
		if res.Vs == nil {
			t.Fatalf("%s: the result has no vs part: %s", tc.name, line)
		}
		if len(res.Samples) != res.Rounds || len(res.Vs.Samples) != res.Rounds || res.Rounds < 1 {
			t.Fatalf("%s: %d rounds, %d of A's, %d of B's", tc.name, res.Rounds, len(res.Samples), len(res.Vs.Samples))
		}
		var a, b bench.Run
		if err := json.Unmarshal(res.Run, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(res.Vs.Run, &b); err != nil {
			t.Fatal(err)
		}
		if len(b.Depths) != 2 || b.Depths[0].Epochs != res.Rounds*res.Batch || a.Depths[0].Epochs != res.Rounds*res.Batch {
			t.Errorf("%s: A measured %d epochs per depth (batch %d), B %d (batch %d), in %d rounds",
				tc.name, a.Depths[0].Epochs, res.Batch, b.Depths[0].Epochs, res.Batch, res.Rounds)
		}
		if same := a.TotalMean == b.TotalMean && a.RobustnessMean == b.RobustnessMean; same != tc.sameQuality {
			t.Errorf("%s: A's quality %v/%v, B's %v/%v: same = %v, want %v", tc.name,
				a.TotalMean, a.RobustnessMean, b.TotalMean, b.RobustnessMean, same, tc.sameQuality)
		}
	}
	if line := measure(`"config":{"D":3,"K":5,"T":24},"seed":7,"policy":"mean","depths":[1],"time_min":0,"min_epochs":1,"max_rounds":1,"warmup":1,"vs":{"policy":"bogus"}`); !strings.Contains(line, `"type":"error"`) || !strings.Contains(line, "bogus") {
		t.Errorf("an unknown policy for B: %s", line)
	}
}
