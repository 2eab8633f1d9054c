// Package settings owns every environment variable benchgate reads: one
// table of name, default, parser and one-line doc. Loading parses and
// validates the variables a target uses, all of them, before anything
// runs; the README's table is rendered from the same rows.
package settings

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/benchgate/benchgate/internal/alert"
	"github.com/benchgate/benchgate/internal/bisectflow"
	"github.com/benchgate/benchgate/internal/calibrate"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/historyflow"
	"github.com/benchgate/benchgate/internal/suite"
)

// A Use is a group of settings a target may read.
type Use uint

// The groups.
const (
	// Run: what to measure and how (bench:regression, saveBaseline,
	// quick, report, calibrate, accuracy).
	Run Use = 1 << iota
	// Verdict: thresholds and statistics.
	Verdict
	// Alert: the alert channels (bench:alert).
	Alert
	// Merge: the CI shards (bench:merge).
	Merge
	// Report: bench:report's own settings.
	Report
	// Calibrate: bench:calibrate's own settings.
	Calibrate
	// Accuracy: bench:accuracy's own settings.
	Accuracy
	// History: bench:record, bench:backfill and bench:trend.
	History
	// Bisect: bench:bisect's own settings.
	Bisect

	// All is every group.
	All = Run | Verdict | Alert | Merge | Report | Calibrate | Accuracy | History | Bisect
)

// Values are what the settings set. Load starts from Defaults.
type Values struct {
	Config    flow.Config
	Alert     flow.AlertOptions
	Accuracy  AccuracySettings
	Calibrate flow.CalibrateOptions
	Report    flow.ReportOptions
	History   historyflow.Options
	Bisect    bisectflow.Options
	// ShardsDir is where bench:merge finds the shards (BENCH_SHARDS_DIR).
	ShardsDir string

	// Alert parts that Load combines once all are read.
	serverURL, runID string
	issue            bool
}

// finish derives what several settings make together.
func (v *Values) finish(uses Use) {
	if uses&Run != 0 && len(v.Config.Suites) == 0 && len(v.Config.Packages) == 0 {
		v.Config.Packages = []string{"./..."}
	}
	if uses&Alert != 0 {
		v.Alert.Run.URL = alert.RunURL(v.serverURL, v.Alert.Run.Repo, v.runID)
		v.Alert.GitHub.OpenIssue = v.issue
		for _, b := range v.Config.MainBranches {
			if !strings.Contains(b, "/") && alert.OpensIssue(v.Alert.Run.Event, v.Alert.Run.Ref, b) {
				v.Alert.GitHub.OpenIssue = true
			}
		}
	}
	if uses&History != 0 && v.History.RunID == "" {
		v.History.RunID = v.runID
	}
}

// AccuracySettings are bench:accuracy's settings, as given: that target
// (this repository's own study, not part of the importable namespace)
// checks the names against its methods and machine states.
type AccuracySettings struct {
	// Reps is BENCH_ACCURACY_REPS.
	Reps int
	// Methods is BENCH_ACCURACY_METHODS; nil: the default methods.
	Methods []string
	// Load is BENCH_ACCURACY_LOAD: idle, loaded or both.
	Load string
}

// Defaults are the values with no variable set.
func Defaults() *Values {
	return &Values{
		Config:    flow.DefaultConfig(),
		Alert:     flow.AlertOptions{Config: alert.Config{GitHub: alert.GitHubConfig{APIURL: alert.DefaultAPIURL, Labels: slices.Clone(alert.DefaultLabels), BotLogin: alert.DefaultBotLogin}}},
		Accuracy:  AccuracySettings{Reps: 3, Load: "both"},
		Calibrate: flow.CalibrateOptions{Options: calibrate.DefaultOptions},
		History:   historyflow.DefaultOptions,
		Bisect:    bisectflow.DefaultOptions,
	}
}

// A Setting is one environment variable.
type Setting struct {
	// Name is the variable.
	Name string
	// Default is the value in force when it is unset, as the docs say it.
	Default string
	// Mode marks a setting that sets others' values (BENCH_SENSITIVE):
	// Load applies modes before everything else, wherever their rows are,
	// so that a setting given alongside still wins.
	Mode bool
	// InWords marks a Default that says in words what happens unset
	// ("unset", "the merge base with main"), not a value that means the
	// same when set; every other Default is held to the code by a test.
	InWords bool
	// Doc says what it does, in one line.
	Doc string
	// Uses are the groups it belongs to: a target reads a setting only
	// when it uses one of them.
	Uses Use
	// Secret settings are never printed.
	Secret bool
	// Advanced settings stay out of README.md's short table (tuning,
	// toolchains, CI plumbing); docs/settings.md lists every setting.
	Advanced bool
	// set parses a non-empty, trimmed value into v; its error says what is
	// wrong and gives an example of a good value.
	set func(value string, v *Values) error
}

// LookupEnv looks a variable up, as os.LookupEnv does.
type LookupEnv func(string) (string, bool)

// Load reads the settings of the groups in uses from env, starting from
// Defaults: the modes first (BENCH_SENSITIVE, so that the thresholds it
// sets can be overridden), then the rest; the table's order does not
// matter. Every bad value is reported,
// each with the variable, the value and an example of a good one. suites
// is the suite table BENCH_SUITES selects from.
func Load(env LookupEnv, uses Use, suites []suite.Suite) (*Values, error) {
	v := Defaults()
	v.Config.Suites = suites
	var errs []error
	ordered := slices.Concat(
		slices.DeleteFunc(slices.Clone(Table), func(s Setting) bool { return !s.Mode }),
		slices.DeleteFunc(slices.Clone(Table), func(s Setting) bool { return s.Mode }))
	for _, s := range ordered {
		if s.Uses&uses == 0 {
			continue
		}
		raw, ok := env(s.Name)
		val := strings.TrimSpace(raw)
		if !ok || val == "" {
			continue
		}
		if err := s.set(val, v); err != nil {
			shown := val
			if s.Secret {
				shown = "(secret)"
			}
			errs = append(errs, fmt.Errorf("%s=%q: %w", s.Name, shown, err))
		}
	}
	v.finish(uses)
	return v, errors.Join(errs...)
}

// IsSet reports whether env sets name to something other than blanks.
func IsSet(env LookupEnv, name string) bool {
	v, ok := env(name)
	return ok && strings.TrimSpace(v) != ""
}

// Describe writes the settings of uses, one per line, with the value in
// force from env ("(default)" when unset; secrets as "(set)").
func Describe(w interface{ Write([]byte) (int, error) }, env LookupEnv, uses Use) {
	for _, s := range Table {
		if s.Uses&uses == 0 {
			continue
		}
		val, ok := env(s.Name)
		shown := strings.TrimSpace(val)
		switch {
		case !ok || shown == "":
			shown = "(default: " + s.Default + ")"
		case s.Secret:
			shown = "(set)"
		}
		fmt.Fprintf(w, "%-28s %s\n    %s\n", s.Name, shown, s.Doc)
	}
}

// Environ is the process environment as a LookupEnv.
var Environ LookupEnv = os.LookupEnv
