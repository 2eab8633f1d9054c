package calibrate

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/benchgate/benchgate/internal/report"
)

// Print writes the calibration as a table and the recommendations, in
// plain words: the caller says how to apply them.
func (cal *Calibration) Print(w io.Writer) {
	fmt.Fprintf(w, "Calibration at %d rounds of %s, alpha %g\n\n", cal.Count, cal.Time, cal.Alpha)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "benchmark\tunit\tspread\tA/A change\tdetectable at n="+fmt.Sprint(cal.Count)+"\tthreshold\t")
	for _, r := range cal.Rows {
		flag := ""
		if r.Noisy {
			flag = "NOISY: " + r.Reason
		}
		mde := "over 200%"
		if r.MDEPct.Finite() {
			mde = fmt.Sprintf("%g%%", float64(r.MDEPct))
		}
		spread := "?"
		if r.SpreadPct.Finite() {
			spread = fmt.Sprintf("±%.0f%%", float64(r.SpreadPct))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%g%%\t%s\n", r.Benchmark, r.Unit, spread, report.Delta(r.AADeltaPct), mde, r.ThresholdPct, flag)
	}
	tw.Flush()
	rec := cal.Recommendation
	fmt.Fprintf(w, "\nRecommended for this machine: %d rounds", rec.Count)
	if rec.Benchtime != "" {
		fmt.Fprintf(w, ", benchtime %s", rec.Benchtime)
	}
	sep := "; thresholds no lower than"
	for _, t := range []struct {
		name string
		v    float64
	}{{"latency", rec.Thresholds.Latency}, {"throughput", rec.Thresholds.Throughput}, {"memory", rec.Thresholds.Memory}} {
		if t.v > 0 {
			fmt.Fprintf(w, "%s %s %g%%", sep, t.name, t.v)
			sep = ","
		}
	}
	fmt.Fprintln(w)
	for _, n := range rec.Notes {
		fmt.Fprintf(w, "- %s\n", n)
	}
}
