package measure

import (
	"bufio"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/worker"
)

func TestPlanBatchAndRounds(t *testing.T) {
	for _, tc := range []struct {
		name          string
		req           worker.Request
		warm          []float64
		batch, rounds int
	}{
		// 3 depths of 1µs, 10ms each: 30,000 epochs per depth would need
		// 500·60 rounds; batches of 20 keep it at the cap.
		{"fast", worker.Request{TimeMin: 0.01, MinEpochs: 3, MaxRounds: 500}, []float64{1e-6, 1e-6, 1e-6}, 20, 500},
		{"slow", worker.Request{TimeMin: 0.01, MinEpochs: 3, MaxRounds: 500}, []float64{0.1, 0.1, 0.1}, 1, 3},
		{"middle", worker.Request{TimeMin: 0.01, MinEpochs: 3, MaxRounds: 500}, []float64{1e-4, 2e-4, 3e-4}, 1, 50},
		{"given batch", worker.Request{TimeMin: 0.01, MinEpochs: 3, MaxRounds: 500, Batch: 7}, []float64{1e-6, 1e-6, 1e-6}, 7, 500},
		{"min epochs", worker.Request{TimeMin: 0, MinEpochs: 9, MaxRounds: 500, Batch: 4}, []float64{1e-6}, 4, 3},
		{"zero time", worker.Request{TimeMin: 0.01, MinEpochs: 1, MaxRounds: 10}, []float64{0}, 1, 10},
	} {
		b, r := plan(tc.req, tc.warm)
		if b != tc.batch || r != tc.rounds {
			t.Errorf("%s: plan = batch %d, %d rounds; want %d, %d", tc.name, b, r, tc.batch, tc.rounds)
		}
	}
}

// TestWorkerReleasesBigHeaps: after a measurement whose buffers exceed
// releaseAbove (82 MiB here), the worker returns its memory to the OS;
// after a small one it does not.
func TestWorkerReleasesBigHeaps(t *testing.T) {
	var released atomic.Int32
	old := freeOSMemory
	freeOSMemory = func() { released.Add(1) }
	defer func() { freeOSMemory = old }()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	served := make(chan error, 1)
	go func() {
		served <- worker.Serve(inR, outW, worker.Hello{Engine: "go"}, Measure)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	lines.Buffer(nil, 64<<20)
	lines.Scan() // hello
	for i, tc := range []struct {
		c    bench.Config
		want int32
	}{{bench.Config{D: 3, K: 3, T: 8}, 0}, {bench.Config{D: 8, K: 2, T: 200000}, 1}} {
		if b, _ := peakBytes(bench.DefaultPlan(), tc.c); (b > releaseAbove) != (tc.want == 1) {
			t.Fatalf("%v holds %d bytes: not the case tested", tc.c, b)
		}
		fmt.Fprintf(inW, `{"type":"measure","id":%d,"config":{"D":%d,"K":%d,"T":%d},"seed":1,"policy":"mean","depths":[1],"time_min":0,"min_epochs":1,"max_rounds":1,"warmup":1}`+"\n",
			i+1, tc.c.D, tc.c.K, tc.c.T)
		for lines.Scan() && !strings.Contains(lines.Text(), `"type":"result"`) {
			if strings.Contains(lines.Text(), `"type":"error"`) {
				t.Fatalf("%v: %s", tc.c, lines.Text())
			}
		}
		if got := released.Load(); got != tc.want {
			t.Errorf("after %v: memory released %d times, want %d", tc.c, got, tc.want)
		}
	}
	inW.Close()
	if err := <-served; err != nil {
		t.Error(err)
	}
}

// A measurement runs below as many extra frames as it is given, so that
// its stack (and the tanh kernels' buffers on it) lies elsewhere each time.
func TestAtRandomStackDepth(t *testing.T) {
	frames := func(depth int) int {
		n := 0
		atRandomStackDepth(depth, func() { n = runtime.Callers(0, make([]uintptr, 4096)) })
		return n
	}
	base := frames(0)
	for _, depth := range []int{1, 17, stackSteps - 1} {
		if got := frames(depth) - base; got != depth {
			t.Errorf("depth %d ran f %d frames deeper", depth, got)
		}
	}
}
