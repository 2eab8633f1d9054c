package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/benchgate/benchgate/internal/verdict"
)

const rule = "========================================"

// Text writes the console report of the original benchcmp tool: a block
// per benchmark with its status and every metric's before -> after value,
// then the summary.
func Text(w io.Writer, c *verdict.Comparison) error {
	b := bufio.NewWriter(w)
	fmt.Fprintln(b, "Performance Comparison Report")
	fmt.Fprintln(b, rule)
	fmt.Fprintf(b, "Base:    %s\n", Clean(sideName(c.Base)))
	fmt.Fprintf(b, "Current: %s\n", Clean(sideName(c.Current)))
	fmt.Fprintf(b, "Thresholds: %s\n", c.Settings)
	for _, rows := range benchmarks(c) {
		fmt.Fprintln(b)
		fmt.Fprintf(b, "Benchmark: %s\n", Clean(rows[0].Benchmark))
		if rows[0].Pkg != "" {
			fmt.Fprintf(b, "Package: %s\n", Clean(rows[0].Pkg))
		}
		fmt.Fprintf(b, "Status: %s\n", strings.ToUpper(StatusLabel(worst(rows))))
		for _, r := range rows {
			fmt.Fprintf(b, "  %s: %s\n", r.Class.Label(), Clean(textChange(r)))
		}
	}
	fmt.Fprintln(b)
	fmt.Fprintln(b, rule)
	s := c.Summary
	fmt.Fprintln(b, "Summary:")
	fmt.Fprintf(b, "  Total Benchmarks: %d\n", s.Benchmarks)
	fmt.Fprintf(b, "  Regressions: %d\n", s.Regressions)
	fmt.Fprintf(b, "  Improvements: %d\n", s.Improvements)
	fmt.Fprintf(b, "  Unchanged: %d\n", s.Unchanged)
	for _, x := range []struct {
		name string
		n    int
	}{{"Undecided", s.Undecided}, {"Missing", s.Missing}, {"New", s.New}} {
		if x.n > 0 {
			fmt.Fprintf(b, "  %s: %d\n", x.name, x.n)
		}
	}
	if n := len(c.NotAffected); n > 0 {
		fmt.Fprintf(b, "  Not affected (not measured): %d packages\n", n)
	}
	if len(c.Warnings) > 0 {
		fmt.Fprintln(b, "Warnings:")
		for _, w := range c.Warnings {
			fmt.Fprintf(b, "  %s\n", Clean(w))
		}
	}
	b.WriteString(whyText(c.Profiles))
	if len(c.Gaps) > 0 {
		fmt.Fprintln(b, "Gaps in the evidence:")
		for _, g := range c.Gaps {
			fmt.Fprintf(b, "  %s\n", Clean(g))
		}
	}
	if q := quarantinedLines(c); len(q) > 0 {
		fmt.Fprintln(b, "Quarantined (not run, not gated):")
		for _, l := range q {
			fmt.Fprintf(b, "  %s\n", Clean(l))
		}
	}
	if len(c.Broken) > 0 {
		fmt.Fprintln(b, "Failing on the base side too (not judged):")
		for _, l := range brokenLines(c) {
			fmt.Fprintf(b, "  %s\n", Clean(l))
		}
	}
	fmt.Fprintln(b)
	if c.Regressed() {
		fmt.Fprintln(b, "⚠️  Performance regressions detected!")
	}
	if missing := c.MissingBenchmarks(); len(missing) > 0 {
		fmt.Fprintf(b, "⚠️  Missing on the current side: %s (a benchmark may go only when allowed by name)\n", Clean(strings.Join(missing, ", ")))
	}
	switch c.Outcome() {
	case verdict.NoVerdict:
		fmt.Fprintln(b, "⛔ No verdict: the evidence is incomplete (see the gaps above).")
	case verdict.Pass:
		fmt.Fprintln(b, "✅ No performance regressions detected.")
	}
	return b.Flush()
}

func textChange(r *verdict.Row) string {
	var s string
	switch {
	case r.Base == nil:
		s = fmt.Sprintf("%s %s (new, %s)", Value(float64(r.Current.Center)), r.Unit, Evidence(r))
	case r.Current == nil:
		s = fmt.Sprintf("%s %s (missing in current)", Value(float64(r.Base.Center)), r.Unit)
	default:
		s = fmt.Sprintf("%s %s → %s %s (%s, %s)", Value(float64(r.Base.Center)), r.Unit,
			Value(float64(r.Current.Center)), r.Unit, Delta(r.DeltaPct), Evidence(r))
	}
	switch r.Status {
	case verdict.StatusRegression, verdict.StatusImprovement, verdict.StatusUndecided:
		s += " " + rowStatus(r)
	default:
		if r.Noisy {
			s += " (noisy)"
		}
	}
	return s
}
