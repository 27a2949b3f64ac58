package launch

import (
	"fmt"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/engine/worker"
)

// ProcessReserve is the address space one hcbench process reserves beyond
// the buffers it measures with — an address-space limit (ulimit -v) holds
// for each process alone, the parent and every worker. It is the Go
// runtime's own: the page allocator's summaries and the scavenger's index
// (1.07 GiB, reserved at start whatever the program), the heap's arena
// index and first arena, and a stack for each thread (8 MiB each under the
// default ulimit -s). Measured on Linux, 2 CPUs, Go 1.26 (VmPeak): a worker
// measuring a small config 1.57 GiB, the parent of 12 workers 1.77 GiB;
// under limits of 1.1 to 1.8 GB such processes died at random with a
// runtime fatal error (or before main, where no program can say anything),
// above 1.85 GB none did. 2 GiB leaves a margin.
const ProcessReserve = 2 << 30

// bufferGrowth is how much more than its buffers a worker's heap reserves
// as it allocates them (the heap grows by whole arenas; the collector lets
// it grow past what is live). Measured: a worker holding 194 MiB of buffers
// peaked 200 MB above a small one.
const bufferGrowth = 1.25

// AddressSpaceBudget is the largest buffers a worker can measure with
// under this process's address-space limit (ulimit -v), which its workers
// inherit: the limit less ProcessReserve, divided by bufferGrowth. 0 when
// there is no limit, or when it leaves nothing (CheckLimits then refuses
// any run).
func AddressSpaceBudget() int64 {
	return bufferBudget(worker.CurrentLimits().AddressSpace)
}

func bufferBudget(limit int64) int64 {
	if limit <= ProcessReserve {
		return 0
	}
	return int64(float64(limit-ProcessReserve) / bufferGrowth)
}

// CheckLimits checks, before a run of p creates anything, that this
// process's limits let it run: that the address-space limit (ulimit -v)
// holds what each process reserves and a worker's buffers for p's largest
// config, and that the open-file limit (ulimit -n) leaves room for a worker
// process (sweep.PoolSize). The error is one line naming the limit and what
// the run needs; note, when not "", says that the open-file limit makes
// the run use fewer workers than it would.
func CheckLimits(p bench.Plan) (note string, err error) {
	l := worker.CurrentLimits()
	if err := checkAddressSpace(p, l.AddressSpace); err != nil {
		return "", err
	}
	_, note, err = sweep.PoolSize(p)
	return note, err
}

// checkAddressSpace refuses p when a worker measuring its largest config
// could not fit under limit (0: none).
func checkAddressSpace(p bench.Plan, limit int64) error {
	if limit <= 0 {
		return nil
	}
	c := bench.LargestConfig(p.Grid)
	buffers := bench.EstimatePeakBytes(p, c)
	need := ProcessReserve + int64(min(float64(buffers)*bufferGrowth, float64(1<<62)))
	if need <= limit {
		return nil
	}
	kib := (need + 1<<20 - 1) >> 20 << 10 // rounded up to whole MiB
	return fmt.Errorf("the address-space limit (ulimit -v %d) is %s, below what a run of %s needs in each of its processes: %s (%s that every hcbench process reserves, and %s for the config's buffers as they grow); raise it to ulimit -v %d or more, or lift it (ulimit -v unlimited)",
		limit>>10, bench.FormatBytes(limit), c, bench.FormatBytes(need), bench.FormatBytes(ProcessReserve),
		bench.FormatBytes(need-ProcessReserve), kib)
}
