package report

import "github.com/benchgate/benchgate/internal/verdict"

// brokenLines are the comparison's broken benchmarks and packages, one
// line each: what, on which sides, and why.
func brokenLines(c *verdict.Comparison) []string {
	out := make([]string, len(c.Broken))
	for i, b := range c.Broken {
		out[i] = b.String()
	}
	return out
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
