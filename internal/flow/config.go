// Package flow runs the gate's flows: the regression gate, merging CI
// shards, saving a baseline, a quick look, reports, alerts, calibration,
// profiles and bisection. It ties gitref, runner, verdict, report, alert,
// profile and bisect together, and its Config measures sides for the
// history's flows too (package historyflow); the targets (package
// targets, called by the Mage namespace and the benchgate command) are
// thin calls into them.
package flow

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/benchgate/benchgate/internal/counter"
	"github.com/benchgate/benchgate/internal/profile"
	"github.com/benchgate/benchgate/internal/quarantine"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/suite"
	"github.com/benchgate/benchgate/internal/verdict"
)

// Config is what every flow needs. Start from DefaultConfig.
type Config struct {
	// Dir is the root of the Go module to benchmark (BENCH_DIR).
	// Default ".".
	Dir string
	// ResultsDir receives every output file (BENCH_RESULTS_DIR).
	// Default "benchmark_results".
	ResultsDir string
	// Base is the git revision to compare with (BENCH_BASE). Default "":
	// the saved baseline if there is one, else the merge base of HEAD
	// and the main branch.
	Base string
	// BaseGo and CurrentGo, when set, are the Go toolchains that build
	// each side (BENCH_BASE_GO, BENCH_CURRENT_GO, such as go1.27.3; Go
	// fetches them as GOTOOLCHAIN does). With Base HEAD and a clean tree
	// the comparison asks whether that Go is slower. Default: the go
	// command's own.
	BaseGo, CurrentGo string
	// Suites are the suites to run (already selected by BENCH_SUITES).
	Suites []suite.Suite
	// Shard, when set, runs only that part of the suites' packages
	// (BENCH_SHARD), balanced by their benchmark functions. Default: all.
	Shard runner.Shard
	// Affected measures only the packages the change reaches: those whose
	// test binary or package files differ between the sides
	// (BENCH_AFFECTED). Default false: every package.
	Affected bool
	// Shards, when set, is how many shards Merge expects, found by the
	// shard each status.json records (BENCH_SHARDS). Default 0: one
	// shard per suite.
	Shards int
	// Packages, when set, replace the suites' packages with one suite
	// named "custom" (BENCH_PACKAGES).
	Packages []string
	// Run are the runner options (BENCH_FILTER, BENCH_SKIP, BENCH_TIME,
	// BENCH_COUNT); the quarantine file's entries join Run.Skip.
	Run runner.Options
	// quarantined is the quarantine file as the last RunTrees read it.
	quarantined []quarantine.Entry
	// Annotate prints GitHub Actions annotations of the findings after
	// the reports (GITHUB_ACTIONS=true). Default false.
	Annotate bool
	// Quarantine is the quarantine file (BENCH_QUARANTINE), relative to
	// Dir. Default quarantine.File; one that does not exist holds
	// nothing.
	Quarantine string
	// Verdict are the statistical options and thresholds.
	Verdict verdict.Options
	// Adaptive spends extra rounds, after Run.Count, on the benchmarks
	// whose verdict is not settled (BENCH_ADAPTIVE). Default false;
	// Sensitive turns it on.
	Adaptive bool
	// Budget caps the time of the adaptive rounds (BENCH_BUDGET).
	// Default 0: as long as the first Run.Count rounds took.
	Budget time.Duration
	// Confirm measures every regression and improvement found by the
	// main rounds again, in fresh rounds: it stands only if they reproduce
	// it (BENCH_CONFIRM). Default true.
	Confirm bool
	// Profile chooses the benchmarks profiled after the rounds
	// (BENCH_PROFILE): profile.Auto, On, Off or All. Default
	// profile.Auto: confirmed regressions.
	Profile profile.Mode
	// ConfirmCount is the number of confirmation rounds
	// (BENCH_CONFIRM_COUNT). Default 0: Run.Count.
	ConfirmCount int
	// MainBranches are tried in order for the default merge base.
	// Default main, origin/main, master, origin/master.
	MainBranches []string
	// StepSummary, when set, is a file the Markdown report is appended
	// to ($GITHUB_STEP_SUMMARY). Default "".
	StepSummary string
	// Stdout receives reports, Stderr progress and notes.
	// Default os.Stdout and os.Stderr.
	Stdout, Stderr io.Writer
	// TempDir is where scratch trees and the test binaries kept from run
	// to run go. Default: benchgate's folder in the user cache directory.
	TempDir string
	// Deadline bounds a whole run (BENCH_DEADLINE); past it the run stops
	// with no verdict. Default 60 minutes.
	Deadline time.Duration
	// Stats, when set, receives the run's time accounting (the accuracy
	// benchmark reads the confirmation's share from it). Default nil.
	Stats *runner.Stats
	// Measure is what gates (BENCH_MEASURE): MeasureTime, counted
	// MeasureInstructions (with B/op and allocs/op), MeasureCycles
	// (those and estimated cycles), or MeasureBoth.
	// Default MeasureTime.
	Measure Measure
	// Counter chooses the instruction counter (BENCH_COUNTER). Default
	// counter.Auto: hardware counters where the kernel has them, else
	// valgrind, callgrind reading the marks (one process per binary) where
	// they fit the toolchain; counter.Cachegrind: a process per benchmark.
	Counter counter.Kind
	// CountRounds is how many rounds count instructions
	// (BENCH_INSTRUCTIONS_COUNT). Default runner.DefaultCountRounds.
	CountRounds int
	// Recount counts every run afresh instead of reusing an unchanged
	// binary's counts from an earlier run (runner.Options.Recount).
	// Default false; studies whose repetitions must be independent, and
	// bisection, which pools a step's measurements, set it.
	Recount bool
}

// A Measure is what a run measures and gates on.
type Measure string

// The measures.
const (
	MeasureTime         Measure = "time"         // timed runs: ns/op, MB/s, B/op, allocs/op
	MeasureInstructions Measure = "instructions" // counted runs: instructions/op, B/op, allocs/op
	MeasureBoth         Measure = "both"         // both, in every round; everything gates
	// MeasureCycles counts like MeasureInstructions on valgrind's
	// simulated cache: estimated-cycles/op gates besides them.
	MeasureCycles Measure = "cycles"
)

// DefaultConfig is the configuration without any env var set.
func DefaultConfig() Config {
	return Config{
		Dir:          ".",
		ResultsDir:   "benchmark_results",
		Run:          runner.DefaultOptions,
		Quarantine:   quarantine.File,
		Verdict:      verdict.DefaultOptions,
		Confirm:      true,
		Profile:      profile.Auto,
		Measure:      MeasureTime,
		Counter:      counter.Auto,
		CountRounds:  runner.DefaultCountRounds,
		Deadline:     60 * time.Minute,
		MainBranches: []string{"main", "origin/main", "master", "origin/master"},
		Stdout:       os.Stdout,
		Stderr:       os.Stderr,
	}
}

// The files a flow writes in ResultsDir.
const (
	BaselineFile   = "baseline.txt"
	BaseFile       = "base.txt"
	CurrentFile    = "current.txt"
	QuickFile      = "quick.txt"
	ComparisonFile = "comparison.json"
	MarkdownFile   = "report.md"
	HTMLFile       = "report.html"
	HistoryDir     = "history"
	// ChangePointsFile is bench:trend's finding, which bisection reads.
	ChangePointsFile = "changepoints.json"
)

// Path is the path of a file in the results directory.
func (c *Config) Path(name string) string { return filepath.Join(c.ResultsDir, name) }

// RunnerSuites returns the runner suites and the verdict overrides.
func (c *Config) RunnerSuites() ([]runner.Suite, []verdict.Override) {
	return suite.Split(c.Suites, c.Packages)
}

// VerdictOptions are the verdict options with the suites' overrides.
func (c *Config) VerdictOptions() verdict.Options {
	o := c.Verdict
	_, ovs := c.RunnerSuites()
	o.Overrides = append(ovs, o.Overrides...)
	return o
}

func (c *Config) validate() error {
	if c.Stdout == nil {
		c.Stdout = os.Stdout
	}
	if c.Stderr == nil {
		c.Stderr = os.Stderr
	}
	if c.Dir == "" {
		c.Dir = "."
	}
	if c.ResultsDir == "" {
		c.ResultsDir = "benchmark_results"
	}
	abs, err := filepath.Abs(c.Dir)
	if err != nil {
		return fmt.Errorf("BENCH_DIR %s: %w", c.Dir, err)
	}
	if _, err := os.Stat(filepath.Join(abs, "go.mod")); err != nil {
		return fmt.Errorf("BENCH_DIR %s has no go.mod: point it at the root of a Go module", abs)
	}
	c.Dir = abs
	if len(c.Suites) == 0 && len(c.Packages) == 0 {
		return fmt.Errorf("no suites selected: set BENCH_SUITES or BENCH_PACKAGES")
	}
	return nil
}

// Quarantined are the quarantine file's entries (none when it does not
// exist), each marked expired when past its date.
func (c *Config) Quarantined() ([]quarantine.Entry, error) {
	if c.Quarantine == "" {
		return nil, nil
	}
	path := c.Quarantine
	if !filepath.IsAbs(path) {
		path = filepath.Join(c.Dir, path)
	}
	return quarantine.Load(path, time.Now())
}

// Counts reports whether m counts instructions; NoTime whether it
// measures no time.
func (m Measure) Counts() bool { return m != MeasureTime }

// NoTime reports whether the rounds only count (instructions or cycles).
func (m Measure) NoTime() bool { return m == MeasureInstructions || m == MeasureCycles }
