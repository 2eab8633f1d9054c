// Package targets is what each of benchgate's targets does, written once:
// the Mage targets (package bench) and the benchgate command both run
// these, with the same settings and the same exit statuses.
package targets

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/benchgate/benchgate/internal/bisectflow"
	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/historyflow"
	"github.com/benchgate/benchgate/internal/profile"
	"github.com/benchgate/benchgate/internal/settings"
	"github.com/benchgate/benchgate/internal/suite"
)

// A Target is one of benchgate's targets.
type Target struct {
	// Name is bench:Name in Mage and benchgate Name on the command line.
	Name string
	// Synopsis is the one line mage -l and benchgate help show.
	Synopsis string
	// Run does it for a repository with these suites (none: ./... or
	// BENCH_PACKAGES). Its error's exit status (exit.Code) is the
	// target's: 0 pass, 1 regression, 2 no verdict or bad input.
	Run func(ctx context.Context, suites []suite.Suite) error
}

// All are the targets in the order help lists them.
var All = []Target{
	{"regression", "Regression benchmarks the baseline and the current tree interleaved on this machine and fails on a significant regression.", Regression},
	{"saveBaseline", "SaveBaseline benchmarks the current tree and saves benchmark_results/baseline.txt (plus a dated copy in history/).", SaveBaseline},
	{"quick", "Quick runs every benchmark of the current tree once, briefly, and prints a table: a quick look, no verdict.", Quick},
	{"report", "Report writes benchmark_results/report.html and report.md from the last comparison, or from the current results alone.", Report},
	{"alert", "Alert sends the last comparison to Slack, the pull request and, for scheduled or main-branch runs, a GitHub issue.", Alert},
	{"merge", "Merge merges the CI shards' comparisons (benchmark_results/shards/*/) into one report; fails on any regression, absent or failed shard.", Merge},
	{"calibrate", "Calibrate runs the suites A/A to measure this machine's noise, recommends BENCH_COUNT and thresholds, and writes calibration.json.", Calibrate},
	{"profile", "Profile benchmarks the baseline and the current tree like bench:regression and diffs CPU and allocation profiles of every benchmark BENCH_FILTER selects.", Profile},
	{"record", "Record benchmarks the committed HEAD (or reuses current.txt measured there) and stores the run on the history branch.", Record},
	{"backfill", "Backfill records the last BENCH_BACKFILL (20) first-parent commits that the history branch lacks, oldest first; rerun to resume.", Backfill},
	{"trend", "Trend finds change points and drift in the history and writes trend.html, trend.md and changepoints.json; fails on an unacknowledged worsening.", Trend},
	{"export", "Export writes the history branch's runs into PostgreSQL at BENCH_DATABASE_URL (only those it lacks: safe after every bench:record).", Export},
	{"bisect", "Bisect names the commit between BENCH_GOOD and BENCH_BAD (default: the last regression) that made the change, measuring each step against the good end; writes bisect.json and bisect.md.", Bisect},
	{"env", "Env prints every setting (environment variable) with the value in force, its default and what it does; exit 2 when one is bad.", Env},
}

// Find returns the target named name, matched as Mage matches (case
// insensitive; "save-baseline" and "bench:saveBaseline" work too).
func Find(name string) (Target, bool) {
	key := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "")) }
	name = key(strings.TrimPrefix(strings.ToLower(name), "bench:"))
	for _, t := range All {
		if key(t.Name) == name {
			return t, true
		}
	}
	return Target{}, false
}

// Names are the targets' names, comma separated.
func Names() string {
	var n []string
	for _, t := range All {
		n = append(n, t.Name)
	}
	return strings.Join(n, ", ")
}

// Stderr is where warnings about the settings go.
var Stderr io.Writer = os.Stderr

// Load reads the settings a target uses from the environment; every bad
// value is an error (exit status 2) before anything runs, and settings
// that look like typos are warned about.
func Load(uses settings.Use, suites []suite.Suite) (*settings.Values, error) {
	v, err := settings.Load(settings.Environ, uses, suites)
	if err != nil {
		return nil, exit.Wrap(err)
	}
	for _, w := range settings.Unknown(os.Environ()) {
		fmt.Fprintln(Stderr, "warning: "+w)
	}
	return v, nil
}

// run loads the settings in uses (a bad one: exit 2 before anything
// runs) and does the target with them, its error carrying the exit
// status.
func run(ctx context.Context, suites []suite.Suite, uses settings.Use, do func(context.Context, *settings.Values) error) error {
	v, err := Load(uses, suites)
	if err != nil {
		return err
	}
	return exit.Wrap(do(ctx, v))
}

// Regression is bench:regression: exit 0 pass, 1 regression or missing
// benchmark, 2 no verdict.
func Regression(ctx context.Context, suites []suite.Suite) error {
	return run(ctx, suites, settings.Run|settings.Verdict, func(ctx context.Context, v *settings.Values) error { return flow.Regression(ctx, v.Config) })
}

// SaveBaseline is bench:saveBaseline.
func SaveBaseline(ctx context.Context, suites []suite.Suite) error {
	return run(ctx, suites, settings.Run, func(ctx context.Context, v *settings.Values) error { return flow.SaveBaseline(ctx, v.Config) })
}

// Quick is bench:quick: QuickOptions' time and count unless set.
func Quick(ctx context.Context, suites []suite.Suite) error {
	return run(ctx, suites, settings.Run, func(ctx context.Context, v *settings.Values) error {
		if !settings.IsSet(settings.Environ, "BENCH_TIME") {
			v.Config.Run.Time = flow.QuickOptions.Time
		}
		if !settings.IsSet(settings.Environ, "BENCH_COUNT") {
			v.Config.Run.Count = flow.QuickOptions.Count
		}
		return flow.Quick(ctx, v.Config)
	})
}

// Report is bench:report.
func Report(ctx context.Context, suites []suite.Suite) error {
	return run(ctx, suites, settings.Run|settings.Verdict|settings.Report, func(ctx context.Context, v *settings.Values) error { return flow.Report(ctx, v.Config, v.Report) })
}

// Alert is bench:alert.
func Alert(ctx context.Context, suites []suite.Suite) error {
	return run(ctx, suites, settings.Alert, func(ctx context.Context, v *settings.Values) error { return flow.Alert(ctx, v.Config, v.Alert) })
}

// Merge is bench:merge.
func Merge(ctx context.Context, suites []suite.Suite) error {
	return run(ctx, suites, settings.Merge|settings.Verdict, func(_ context.Context, v *settings.Values) error { return flow.Merge(v.Config, v.ShardsDir) })
}

// Calibrate is bench:calibrate.
func Calibrate(ctx context.Context, suites []suite.Suite) error {
	return run(ctx, suites, settings.Run|settings.Verdict|settings.Calibrate, func(ctx context.Context, v *settings.Values) error { return flow.Calibrate(ctx, v.Config, v.Calibrate) })
}

// Profile is bench:profile: bench:regression with every selected
// benchmark profiled.
func Profile(ctx context.Context, suites []suite.Suite) error {
	return run(ctx, suites, settings.Run|settings.Verdict, func(ctx context.Context, v *settings.Values) error {
		v.Config.Profile = profile.All
		return flow.Regression(ctx, v.Config)
	})
}

// Record is bench:record.
func Record(ctx context.Context, suites []suite.Suite) error {
	return run(ctx, suites, settings.Run|settings.History, func(ctx context.Context, v *settings.Values) error {
		return historyflow.Record(ctx, v.Config, v.History)
	})
}

// Backfill is bench:backfill.
func Backfill(ctx context.Context, suites []suite.Suite) error {
	return run(ctx, suites, settings.Run|settings.History, func(ctx context.Context, v *settings.Values) error {
		return historyflow.Backfill(ctx, v.Config, v.History)
	})
}

// Trend is bench:trend.
func Trend(ctx context.Context, suites []suite.Suite) error {
	return run(ctx, suites, settings.Run|settings.History|settings.Alert, func(ctx context.Context, v *settings.Values) error {
		v.History.Alert = &v.Alert
		return historyflow.Trend(ctx, v.Config, v.History)
	})
}

// Export is bench:export.
func Export(ctx context.Context, suites []suite.Suite) error {
	return run(ctx, suites, settings.Run|settings.History, func(ctx context.Context, v *settings.Values) error {
		return historyflow.Export(ctx, v.Config, v.History)
	})
}

// Bisect is bench:bisect: exit 0 with an answer (culprits or none), 2
// without one.
func Bisect(ctx context.Context, suites []suite.Suite) error {
	return run(ctx, suites, settings.Run|settings.Verdict|settings.Bisect|settings.Alert, func(ctx context.Context, v *settings.Values) error {
		v.Bisect.Alert = &v.Alert
		return bisectflow.Bisect(ctx, v.Config, v.Bisect)
	})
}

// Env is bench:env: every setting on standard output.
func Env(_ context.Context, suites []suite.Suite) error {
	settings.Describe(os.Stdout, settings.Environ, settings.All)
	_, err := settings.Load(settings.Environ, settings.All, suites)
	return exit.Wrap(err)
}
