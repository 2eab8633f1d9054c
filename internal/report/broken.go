package report

import "github.com/benchgate/benchgate/internal/verdict"

// brokenLines are the comparison's broken benchmarks and packages, one
// line per package, sides and reason: what, on which sides, and why.
func brokenLines(c *verdict.Comparison) []string {
	return verdict.GroupBroken(c.Broken)
}

// quarantinedLines are the quarantine file's entries that hold, one line
// each (the expired ones are warnings).
func quarantinedLines(c *verdict.Comparison) []string {
	var out []string
	for _, e := range c.Quarantined {
		if !e.Expired {
			out = append(out, e.String())
		}
	}
	return out
}
