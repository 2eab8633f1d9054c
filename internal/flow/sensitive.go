package flow

import "github.com/benchgate/benchgate/internal/verdict"

// SensitivePct is every threshold of sensitive mode, in percent.
const SensitivePct = 3

// Sensitive switches c to sensitive mode (BENCH_SENSITIVE=1): every
// timed threshold (throughput, latency, memory, improvement) at
// SensitivePct (counted instructions keep theirs, already finer) and
// adaptive sampling on, so that the benchmarks whose change is still
// undecided at 3% after Run.Count rounds get extra rounds instead of a
// coin-flip verdict. Suite overrides still apply on top. bench:accuracy
// measures the mode (README, "Accuracy").
func (c *Config) Sensitive() {
	counted := c.Verdict.Thresholds
	c.Verdict.Thresholds = verdict.AllAt(SensitivePct)
	c.Verdict.Thresholds.Instructions, c.Verdict.Thresholds.Cycles = counted.Instructions, counted.Cycles
	c.Adaptive = true
}
