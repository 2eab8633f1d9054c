package gate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/benchgate/benchgate/internal/atomicfile"
	"github.com/benchgate/benchgate/internal/calibrate"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

// CalibrationFile is written by Calibrate and read by Regression.
const CalibrationFile = "calibration.json"

// Calibrate runs the current tree A/A (the same tree on both sides, the
// usual interleaved runner), measures each benchmark metric's noise,
// prints a table and recommendations, and writes calibration.json.
func Calibrate(ctx context.Context, cfg Config, opts calibrate.Options) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	cfg.Adaptive = false // calibration measures the noise at exactly Run.Count samples
	aPath, bPath := cfg.path("calibrate-a.txt"), cfg.path("calibrate-b.txt")
	fmt.Fprintln(cfg.Stderr, "calibrating: the current tree against itself, interleaved")
	err := cfg.run(ctx, bPath, func(context.Context, string) (*runner.Tree, error) {
		t := cfg.currentTree(aPath)
		t.Name = "base"
		return t, nil
	})
	if err != nil && !errors.Is(err, runner.ErrBenchmarkFailed) {
		return err
	}
	a, err := verdict.ReadFile(aPath)
	if err != nil {
		return err
	}
	b, err := verdict.ReadFile(bPath)
	if err != nil {
		return err
	}
	aa, err := verdict.Compare(a, b, cfg.verdictOptions())
	if err != nil {
		return err
	}
	cal := calibrate.Calibrate(aa, cfg.Run.Count, cfg.Run.Time, opts)
	if err := atomicfile.Write(cfg.path(CalibrationFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(cal)
	}); err != nil {
		return err
	}
	printCalibration(cfg.Stdout, cal)
	fmt.Fprintf(cfg.Stderr, "wrote %s: bench:regression marks the noisy metrics' verdicts while it is there\n", cfg.path(CalibrationFile))
	return nil
}

func printCalibration(w io.Writer, cal *calibrate.Calibration) {
	fmt.Fprintf(w, "Calibration at BENCH_COUNT=%d, BENCH_TIME=%s, alpha %g\n\n", cal.Count, cal.Time, cal.Alpha)
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
	fmt.Fprintf(w, "\nRecommended for this machine: BENCH_COUNT=%d", rec.Count)
	sep := "; thresholds no lower than"
	for _, t := range []struct {
		name string
		v    float64
	}{{"LATENCY_THRESHOLD", rec.Thresholds.Latency}, {"THROUGHPUT_THRESHOLD", rec.Thresholds.Throughput}, {"MEMORY_THRESHOLD", rec.Thresholds.Memory}} {
		if t.v > 0 {
			fmt.Fprintf(w, "%s %s=%g", sep, t.name, t.v)
			sep = ","
		}
	}
	fmt.Fprintln(w)
	for _, n := range rec.Notes {
		fmt.Fprintf(w, "- %s\n", n)
	}
}

// loadCalibration marks noisy metrics from calibration.json, if present.
func (c *Config) loadCalibration() error {
	path := c.path(CalibrationFile)
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	cal, err := calibrate.Read(path)
	if err != nil {
		return err
	}
	c.Verdict.Noisy = cal.Noisy()
	fmt.Fprintf(c.Stderr, "using %s: %d noisy metrics will be marked\n", path, len(c.Verdict.Noisy))
	return nil
}
