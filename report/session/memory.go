package session

import (
	"bufio"
	"os"
	"strconv"
	"strings"

	"github.com/hcbench/hcbench/engine/launch"
)

// MemoryBudget is the memory a run may use unless the user says otherwise
// (Spec.MaxMemory): what the OS reports as available now, lowered to what
// the address-space limit (ulimit -v), where one is set, leaves a worker
// for its buffers (launch.AddressSpaceBudget), and where that figure comes
// from, to be named in a refusal. 0 when neither is known. A limit that
// leaves nothing is not a budget: Open refuses the run (launch.CheckLimits).
func MemoryBudget() (budget int64, source string) {
	budget, source = availableMemory(), "the memory available on this machine"
	if l := launch.AddressSpaceBudget(); l > 0 && (budget == 0 || l < budget) {
		budget, source = l, "what the address-space limit (ulimit -v) leaves a worker process"
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
