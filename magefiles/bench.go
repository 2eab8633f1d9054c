//go:build mage

package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/magefile/mage/mg"

	"github.com/benchgate/benchgate/internal/accuracy"
	"github.com/benchgate/benchgate/internal/calibrate"
	"github.com/benchgate/benchgate/internal/gate"
)

// Bench holds the benchmarking targets. They run serially: benchmarks that
// run in parallel measure each other.
type Bench mg.Namespace

// Regression benchmarks the baseline and the current tree interleaved on this machine and fails on a significant regression.
//
// The baseline is BENCH_BASE (a git revision, or file:path for saved
// results), else the merge base of HEAD and main. Writes base.txt,
// current.txt, comparison.json, report.md, report.html and status.json in
// benchmark_results. Exit status 0 pass, 1 regression or missing
// benchmark, 2 no verdict.
func (Bench) Regression(ctx context.Context) error {
	cfg, err := config()
	if err != nil {
		return gate.Exit(err)
	}
	return gate.Exit(gate.Regression(ctx, cfg))
}

// SaveBaseline benchmarks the current tree and saves benchmark_results/baseline.txt (plus a dated copy in history/).
func (Bench) SaveBaseline(ctx context.Context) error {
	cfg, err := config()
	if err != nil {
		return gate.Exit(err)
	}
	return gate.Exit(gate.SaveBaseline(ctx, cfg))
}

// Quick runs every benchmark of the current tree once, briefly, and prints a table: a quick look, no verdict.
func (Bench) Quick(ctx context.Context) error {
	cfg, err := config()
	if err != nil {
		return gate.Exit(err)
	}
	return gate.Exit(gate.Quick(ctx, quick(cfg)))
}

// Report writes benchmark_results/report.html and report.md from the last comparison, or from the current results alone.
//
// Runs the current benchmarks first when benchmark_results/current.txt is
// missing. BENCH_OPEN=1 opens the HTML in the desktop browser.
func (Bench) Report(ctx context.Context) error {
	cfg, err := config()
	if err != nil {
		return gate.Exit(err)
	}
	return gate.Exit(gate.Report(ctx, cfg, gate.ReportOptions{Open: os.Getenv(EnvOpen) == "1"}))
}

// Alert sends the last comparison to Slack, the pull request and, for scheduled or main-branch runs, a GitHub issue.
//
// Every channel whose settings are present is used; each prints one line.
// Alert failures do not fail the target unless BENCH_ALERT_STRICT=1.
func (Bench) Alert(ctx context.Context) error {
	cfg, err := config()
	if err != nil {
		return gate.Exit(err)
	}
	opts, err := alertOptions()
	if err != nil {
		return gate.Exit(err)
	}
	return gate.Exit(gate.Alert(ctx, cfg, opts))
}

// Merge merges the CI shards' comparisons (benchmark_results/shards/*/) into one report; fails on any regression, absent or failed shard.
func (Bench) Merge() error {
	cfg, err := config()
	if err != nil {
		return gate.Exit(err)
	}
	return gate.Exit(gate.Merge(cfg, os.Getenv(EnvShardsDir)))
}

// Calibrate runs the suites A/A to measure this machine's noise, recommends BENCH_COUNT and thresholds, and writes calibration.json.
//
// bench:regression then marks the verdicts of metrics too noisy to gate on.
func (Bench) Calibrate(ctx context.Context) error {
	cfg, err := config()
	if err != nil {
		return gate.Exit(err)
	}
	return gate.Exit(gate.Calibrate(ctx, cfg, gate.CalibrateOptions{Options: calibrate.DefaultOptions, Times: list(os.Getenv(EnvCalibrateTimes))}))
}

// Accuracy measures false alarms, detection and time of benchgate against the naive and benchstat methods on a generated repository.
//
// Writes benchmark_results/accuracy.txt. BENCH_ACCURACY_REPS (default 3)
// and BENCH_ACCURACY_METHODS select repetitions and methods; it takes
// several minutes per repetition.
func (Bench) Accuracy(ctx context.Context) error {
	cfg, err := config()
	if err != nil {
		return gate.Exit(err)
	}
	opts, err := accuracyOptions(cfg)
	if err != nil {
		return gate.Exit(err)
	}
	rep, err := accuracy.Run(ctx, opts)
	if err != nil {
		return gate.Exit(err)
	}
	rep.Print(os.Stdout)
	return gate.Exit(rep.WriteFile(filepath.Join(cfg.ResultsDir, "accuracy.txt")))
}
