// Package bench is benchgate's Mage targets: the Bench namespace
// (bench:regression, bench:saveBaseline, bench:report, bench:quick, ...).
// Any repository gets them with one import in its magefile:
//
//	//mage:import
//	_ "github.com/benchgate/benchgate/bench"
//
// Without a suite table the targets benchmark ./...; a magefile declares
// its suites by setting Suites in an init function.
package bench

import (
	"context"

	"github.com/magefile/mage/mg"

	"github.com/benchgate/benchgate/internal/suite"
	"github.com/benchgate/benchgate/internal/targets"
	"github.com/benchgate/benchgate/internal/verdict"
)

// Suite is a named group of packages with optional threshold overrides:
// what BENCH_SUITES selects and CI shards across runners.
type Suite = suite.Suite

// Thresholds are percentages of change that count; zero fields inherit.
type Thresholds = verdict.Thresholds

// Override adjusts thresholds for benchmarks matching a pattern.
type Override = verdict.Override

// Suites are the suites of the importing repository. Default none: every
// target benchmarks ./... (or BENCH_PACKAGES).
var Suites []Suite

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
func (Bench) Regression(ctx context.Context) error { return targets.Regression(ctx, Suites) }

// SaveBaseline benchmarks the current tree and saves benchmark_results/baseline.txt (plus a dated copy in history/).
func (Bench) SaveBaseline(ctx context.Context) error { return targets.SaveBaseline(ctx, Suites) }

// Quick runs every benchmark of the current tree once, briefly, and prints a table: a quick look, no verdict.
func (Bench) Quick(ctx context.Context) error { return targets.Quick(ctx, Suites) }

// Report writes benchmark_results/report.html and report.md from the last comparison, or from the current results alone.
//
// Runs the current benchmarks first when benchmark_results/current.txt is
// missing. BENCH_OPEN=1 opens the HTML in the desktop browser.
func (Bench) Report(ctx context.Context) error { return targets.Report(ctx, Suites) }

// Alert sends the last comparison to Slack, the pull request and, for scheduled or main-branch runs, a GitHub issue.
//
// Every channel whose settings are present is used; each prints one line.
// Alert failures do not fail the target unless BENCH_ALERT_STRICT=1.
func (Bench) Alert(ctx context.Context) error { return targets.Alert(ctx, Suites) }

// Merge merges the CI shards' comparisons (benchmark_results/shards/*/) into one report; fails on any regression, absent or failed shard.
func (Bench) Merge() error { return targets.Merge(context.Background(), Suites) }

// Calibrate runs the suites A/A to measure this machine's noise, recommends BENCH_COUNT and thresholds, and writes calibration.json.
//
// bench:regression then marks the verdicts of metrics too noisy to gate on.
func (Bench) Calibrate(ctx context.Context) error { return targets.Calibrate(ctx, Suites) }

// Profile benchmarks the baseline and the current tree like bench:regression and diffs CPU and allocation profiles of every benchmark BENCH_FILTER selects.
func (Bench) Profile(ctx context.Context) error { return targets.Profile(ctx, Suites) }

// Record benchmarks the committed HEAD (or reuses current.txt measured there) and stores the run on the history branch.
func (Bench) Record(ctx context.Context) error { return targets.Record(ctx, Suites) }

// Backfill records the last BENCH_BACKFILL (20) first-parent commits that the history branch lacks, oldest first; rerun to resume.
func (Bench) Backfill(ctx context.Context) error { return targets.Backfill(ctx, Suites) }

// Export writes the history branch's runs into PostgreSQL at BENCH_DATABASE_URL (only those it lacks: safe after every bench:record).
func (Bench) Export(ctx context.Context) error { return targets.Export(ctx, Suites) }

// Bisect names the commit between BENCH_GOOD and BENCH_BAD (default: the last regression) that made the change, measuring each step against the good end; writes bisect.json and bisect.md.
func (Bench) Bisect(ctx context.Context) error { return targets.Bisect(ctx, Suites) }

// Trend finds change points and drift in the history and writes trend.html, trend.md and changepoints.json; fails on an unacknowledged worsening.
func (Bench) Trend(ctx context.Context) error { return targets.Trend(ctx, Suites) }

// Env prints every setting (environment variable) with the value in force, its default and what it does; exit 2 when one is bad.
func (Bench) Env() error { return targets.Env(context.Background(), Suites) }
