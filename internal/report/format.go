// Package report renders a verdict.Comparison as text for the console,
// Markdown for pull requests, HTML for people and JSON for machines. Every
// renderer reads the comparison; none re-parses another's output.
package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/benchgate/benchgate/internal/verdict"
)

// Value formats a measurement with about four significant digits and no
// exponent: 1234567, 1234, 12.35, 0.1235.
func Value(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v):
		return "?"
	case math.IsInf(v, 0):
		return "∞"
	case a >= 1000 || v == math.Trunc(v):
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// Delta formats a percent change: "+18.00%", "-8.24%", "+∞%".
func Delta(d verdict.Number) string {
	f := float64(d)
	switch {
	case math.IsNaN(f):
		return "?"
	case math.IsInf(f, 1):
		return "+∞%"
	case math.IsInf(f, -1):
		return "-∞%"
	}
	return fmt.Sprintf("%+.2f%%", f)
}

// Range formats a confidence interval as benchstat does: "±2%", "±∞".
func Range(s *verdict.Stats) string {
	r := s.RangePct()
	if math.IsNaN(r) {
		if !s.Lo.Finite() || !s.Hi.Finite() {
			return "±∞"
		}
		return "±?"
	}
	return fmt.Sprintf("±%.0f%%", r)
}

// Evidence says how sure a row's verdict is: "p=0.002 n=6", "n=6+5",
// "unverified n=1".
func Evidence(r *verdict.Row) string {
	n := ""
	switch {
	case r.Base == nil && r.Current == nil:
	case r.Base == nil:
		n = fmt.Sprintf("n=%d", r.Current.N)
	case r.Current == nil:
		n = fmt.Sprintf("n=%d", r.Base.N)
	case r.Base.N == r.Current.N:
		n = fmt.Sprintf("n=%d", r.Base.N)
	default:
		n = fmt.Sprintf("n=%d+%d", r.Base.N, r.Current.N)
	}
	switch {
	case r.Unverified:
		return "unverified " + n
	case r.Class.Counted() && r.SpreadPct.Finite():
		return fmt.Sprintf("counted ±%.2f%% %s", float64(r.SpreadPct), n)
	case r.Class.Counted():
		return "counted " + n
	case r.P.Finite():
		return fmt.Sprintf("p=%.3f %s", float64(r.P), n)
	}
	return n
}

// BenchName names a row's benchmark with its package's short import path
// ("storage/log.BenchmarkAppend-2"): two packages may both have
// BenchmarkEncode.
func BenchName(r *verdict.Row) string {
	if r.Pkg == "" {
		return r.Benchmark
	}
	return shortImport(r.Pkg) + "." + r.Benchmark
}

// Metric names a row's metric: "Latency (ns/op)".
func Metric(r *verdict.Row) string {
	return fmt.Sprintf("%s (%s)", r.Class.Label(), r.Unit)
}

// StatusLabel is a status as reports show it: "🔴 Regression".
func StatusLabel(s verdict.Status) string {
	switch s {
	case verdict.StatusRegression:
		return "🔴 Regression"
	case verdict.StatusImprovement:
		return "🟢 Improvement"
	case verdict.StatusUndecided:
		return "🟡 Undecided"
	case verdict.StatusMissing:
		return "⚠️ Missing"
	case verdict.StatusNew:
		return "🆕 New"
	case verdict.StatusNotCounted:
		return "⚪ Not counted"
	}
	return "✅ OK"
}

// rowStatus is StatusLabel with the row's qualifiers.
func rowStatus(r *verdict.Row) string {
	s := StatusLabel(r.Status)
	if r.Unverified && (r.Status == verdict.StatusRegression || r.Status == verdict.StatusImprovement) {
		s += " (unverified)"
	}
	if r.Noisy {
		s += " (noisy)"
	}
	if r.Reason != "" && r.Reason != verdict.ReasonNotReproduced {
		s += " (" + r.Reason + ")"
	}
	return s + confirmation(r)
}

// confirmation says what the fresh rounds of a row that needed
// confirmation found: " (confirmed: fresh rounds +310.2%, p=0.002 n=6)".
func confirmation(r *verdict.Row) string {
	if r.Confirmed == nil {
		return ""
	}
	word := "confirmed"
	if !*r.Confirmed {
		word = verdict.ReasonNotReproduced
	}
	f := r.Confirmation
	if f == nil || f.Base == nil || f.Current == nil {
		return " (" + word + ": not measured again)"
	}
	return fmt.Sprintf(" (%s: fresh rounds %s, %s)", word, Delta(f.DeltaPct), Evidence(&verdict.Row{Base: f.Base, Current: f.Current, P: f.P}))
}

// Clean makes text from data safe to print on a terminal or in a CI log:
// control characters (ANSI and OSC escapes, carriage returns) are
// dropped, and "::" is broken up so that no line can become a GitHub
// Actions workflow command (::error::, ::add-mask::).
func Clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.ReplaceAll(s, "::", ":\u200b:")
}

// ShortCommit abbreviates a commit hash (see verdict.ShortCommit).
var ShortCommit = verdict.ShortCommit

// sideName describes one side: "main (a1b2c3d)".
func sideName(s verdict.Side) string {
	var parts []string
	if s.Ref != "" {
		parts = append(parts, s.Ref)
	}
	if s.Commit != "" {
		parts = append(parts, "("+ShortCommit(s.Commit)+")")
	}
	if len(parts) == 0 {
		return s.File
	}
	return strings.Join(parts, " ")
}

// benchmarks groups a comparison's rows by benchmark, in row order.
func benchmarks(c *verdict.Comparison) [][]*verdict.Row {
	idx := map[[2]string]int{}
	var groups [][]*verdict.Row
	for i := range c.Rows {
		r := &c.Rows[i]
		k := [2]string{r.Pkg, r.Benchmark}
		j, ok := idx[k]
		if !ok {
			j = len(groups)
			idx[k] = j
			groups = append(groups, nil)
		}
		groups[j] = append(groups[j], r)
	}
	return groups
}

func worst(rows []*verdict.Row) verdict.Status {
	s := verdict.StatusOK
	for _, r := range rows {
		if r.Status.Rank() < s.Rank() {
			s = r.Status
		}
	}
	return s
}
