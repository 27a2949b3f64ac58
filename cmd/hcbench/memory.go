package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
)

// memoryBudget is the memory a run may use unless --max-memory says
// otherwise: what the OS reports as available now, lowered to the process's
// address-space limit (ulimit -v) where one is set. 0 when neither is known.
func memoryBudget() (int64, string) {
	budget, source := availableMemory(), "the memory available on this machine"
	if limit := addressSpaceLimit(); limit > 0 {
		// The Go runtime and the program need some of the address space
		// beside the buffers.
		if l := limit / 4 * 3; budget == 0 || l < budget {
			budget, source = l, "¾ of the address-space limit (ulimit -v)"
		}
	}
	return budget, source
}

// availableMemory is MemAvailable from /proc/meminfo, 0 where there is none.
func availableMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != "MemAvailable" {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil || kb <= 0 {
			return 0
		}
		return kb * 1024
	}
	return 0
}

// checkMemory refuses a plan whose largest config needs more memory than
// the budget (--max-memory, else the machine's), before anything runs or
// is created: allocating it would kill the process with a runtime fatal
// error and lose the run's other results.
func checkMemory(p bench.Plan, o *options, env environment) error {
	budget, source := env.memory, env.memorySource
	if o.maxMemoryGiven {
		budget, source = o.maxMemory, "--"+flagMaxMemory
	}
	if budget <= 0 {
		return nil
	}
	if err := bench.CheckMemory(p, budget); err != nil {
		return usagef("%v, %s: shrink the grid or set --%s", err, source, flagMaxMemory)
	}
	return nil
}
