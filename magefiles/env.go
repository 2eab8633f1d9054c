//go:build mage

package main

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/accuracy"
	"github.com/benchgate/benchgate/internal/alert"
	"github.com/benchgate/benchgate/internal/gate"
	"github.com/benchgate/benchgate/internal/verdict"
)

// The environment variables benchgate reads. Each is listed, with its
// default, in README.md.
const (
	EnvBase           = "BENCH_BASE"        // git revision, or file:path of saved results, to compare with; default: the merge base with main
	EnvSuites         = "BENCH_SUITES"      // comma list of suites; default: all
	EnvPackages       = "BENCH_PACKAGES"    // package patterns replacing the suites, e.g. ./...
	EnvFilter         = "BENCH_FILTER"      // -bench regular expression; default "."
	EnvTime           = "BENCH_TIME"        // -benchtime per run; default 100ms
	EnvCount          = "BENCH_COUNT"       // rounds (samples per side); default 6
	EnvDir            = "BENCH_DIR"         // root of the Go module to benchmark; default "."
	EnvResultsDir     = "BENCH_RESULTS_DIR" // output directory; default benchmark_results
	EnvThroughput     = "THROUGHPUT_THRESHOLD"
	EnvLatency        = "LATENCY_THRESHOLD"
	EnvMemory         = "MEMORY_THRESHOLD"
	EnvImprovement    = "BENCH_IMPROVEMENT_THRESHOLD"
	EnvAlpha          = "BENCH_ALPHA"
	EnvCorrection     = "BENCH_CORRECTION"
	EnvAllowMissing   = "BENCH_ALLOW_MISSING" // regexp of benchmarks that may be missing on the current side
	EnvStepSummary    = "GITHUB_STEP_SUMMARY"
	EnvOpen           = "BENCH_OPEN"             // 1: bench:report opens the HTML in the browser
	EnvShardsDir      = "BENCH_SHARDS_DIR"       // bench:merge input; default $BENCH_RESULTS_DIR/shards
	EnvAdaptive       = "BENCH_ADAPTIVE"         // 0 or 1: extra rounds for undecided benchmarks
	EnvBudget         = "BENCH_BUDGET"           // time cap of the adaptive rounds, e.g. 2m
	EnvSensitive      = "BENCH_SENSITIVE"        // 1: every threshold 3% and adaptive sampling; explicit thresholds and BENCH_ADAPTIVE still win
	EnvConfirm        = "BENCH_CONFIRM"          // 0 or 1: measure regressions and improvements again in fresh rounds; default 1
	EnvConfirmCount   = "BENCH_CONFIRM_COUNT"    // rounds of the confirmation; default BENCH_COUNT
	EnvCalibrateTimes = "BENCH_CALIBRATE_TIMES"  // bench:calibrate benchtimes; default BENCH_TIME and twice it
	EnvAccReps        = "BENCH_ACCURACY_REPS"    // bench:accuracy repetitions; default 3
	EnvAccMethods     = "BENCH_ACCURACY_METHODS" // bench:accuracy methods; default all

	// bench:alert
	EnvSlackWebhook    = "SLACK_WEBHOOK_URL"
	EnvSlackToken      = "SLACK_BOT_TOKEN"
	EnvSlackChannel    = "SLACK_CHANNEL"
	EnvGitHubToken     = "GITHUB_TOKEN"
	EnvGitHubAPI       = "GITHUB_API_URL"
	EnvGitHubServer    = "GITHUB_SERVER_URL"
	EnvGitHubRepo      = "GITHUB_REPOSITORY"
	EnvGitHubRunID     = "GITHUB_RUN_ID"
	EnvGitHubEvent     = "GITHUB_EVENT_NAME"
	EnvGitHubEventPath = "GITHUB_EVENT_PATH"
	EnvGitHubRef       = "GITHUB_REF"
	EnvPR              = "BENCH_PR"              // PR number when not in a pull_request event
	EnvIssue           = "BENCH_ISSUE"           // 1: open the regression issue whatever the event
	EnvIssueLabels     = "BENCH_ISSUE_LABELS"    // default performance,regression,P1
	EnvIssueAssignees  = "BENCH_ISSUE_ASSIGNEES" // comma list of logins
	EnvAlertAlways     = "BENCH_ALERT_ALWAYS"    // 1: send an all-clear too
	EnvAlertStrict     = "BENCH_ALERT_STRICT"    // 1: a failed channel fails bench:alert
)

// config builds the gate configuration from the environment.
func config() (gate.Config, error) {
	c := gate.DefaultConfig()
	var err error
	str := func(name string, dst *string) {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			*dst = v
		}
	}
	num := func(name string, dst *float64) {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" && err == nil {
			f, perr := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
			if perr != nil {
				err = fmt.Errorf("%s=%q is not a number", name, v)
			}
			*dst = f
		}
	}
	str(EnvBase, &c.Base)
	str(EnvDir, &c.Dir)
	str(EnvResultsDir, &c.ResultsDir)
	str(EnvFilter, &c.Run.Bench)
	str(EnvTime, &c.Run.Time)
	str(EnvStepSummary, &c.StepSummary)
	str(EnvAllowMissing, &c.Verdict.AllowMissing)
	if _, err := regexp.Compile(c.Verdict.AllowMissing); err != nil {
		return c, fmt.Errorf("%s=%q is not a regular expression: %w (example: ^BenchmarkOld)", EnvAllowMissing, c.Verdict.AllowMissing, err)
	}
	if v := strings.TrimSpace(os.Getenv(EnvCount)); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 1 {
			return c, fmt.Errorf("%s=%q: use a whole number of rounds, 1 or more (6 or more for a verdict that can reach significance)", EnvCount, v)
		}
		c.Run.Count = n
	}
	var sensitive bool
	if err := flag(EnvSensitive, &sensitive); err != nil {
		return c, err
	}
	if sensitive {
		c.Sensitive() // first, so that the variables below override it
	}
	t := &c.Verdict.Thresholds
	num(EnvThroughput, &t.Throughput)
	num(EnvLatency, &t.Latency)
	num(EnvMemory, &t.Memory)
	num(EnvImprovement, &t.Improvement)
	num(EnvAlpha, &c.Verdict.Alpha)
	if err != nil {
		return c, err
	}
	if err := flag(EnvAdaptive, &c.Adaptive); err != nil {
		return c, err
	}
	if err := flag(EnvConfirm, &c.Confirm); err != nil {
		return c, err
	}
	if v := strings.TrimSpace(os.Getenv(EnvConfirmCount)); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 1 {
			return c, fmt.Errorf("%s=%q: use a whole number of rounds, 1 or more (6 or more for a confirmation that can reach significance)", EnvConfirmCount, v)
		}
		c.ConfirmCount = n
	}
	if v := strings.TrimSpace(os.Getenv(EnvBudget)); v != "" {
		d, perr := time.ParseDuration(v)
		if perr != nil || d <= 0 {
			return c, fmt.Errorf("%s=%q: use a duration such as 90s or 2m", EnvBudget, v)
		}
		c.Budget = d
	}
	if v := strings.TrimSpace(os.Getenv(EnvCorrection)); v != "" {
		c.Verdict.Correction = verdict.Correction(v)
	}
	if err != nil {
		return c, err
	}
	c.Suites, err = gate.SelectSuites(suites, list(os.Getenv(EnvSuites)))
	if err != nil {
		return c, err
	}
	c.Packages = list(os.Getenv(EnvPackages))
	return c, nil
}

// flag reads an on/off variable into dst, which it leaves alone when the
// variable is unset.
func flag(name string, dst *bool) error {
	switch v := strings.TrimSpace(os.Getenv(name)); strings.ToLower(v) {
	case "":
	case "1", "true":
		*dst = true
	case "0", "false":
		*dst = false
	default:
		return fmt.Errorf("%s=%q: use 1 (on) or 0 (off)", name, v)
	}
	return nil
}

func list(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, f)
	}
	return out
}

// quick applies the quick settings where BENCH_TIME and BENCH_COUNT are
// not set.
func quick(c gate.Config) gate.Config {
	if os.Getenv(EnvTime) == "" {
		c.Run.Time = gate.QuickOptions.Time
	}
	if os.Getenv(EnvCount) == "" {
		c.Run.Count = gate.QuickOptions.Count
	}
	return c
}

// alertOptions builds the alert configuration from the environment.
func alertOptions() (gate.AlertOptions, error) {
	var o gate.AlertOptions
	o.Slack = alert.SlackConfig{WebhookURL: os.Getenv(EnvSlackWebhook), Token: os.Getenv(EnvSlackToken), Channel: os.Getenv(EnvSlackChannel)}
	o.GitHub = alert.GitHubConfig{Token: os.Getenv(EnvGitHubToken), APIURL: os.Getenv(EnvGitHubAPI),
		Labels: list(os.Getenv(EnvIssueLabels)), Assignees: list(os.Getenv(EnvIssueAssignees))}
	repo := os.Getenv(EnvGitHubRepo)
	o.Run = alert.RunInfo{Repo: repo, URL: alert.RunURL(os.Getenv(EnvGitHubServer), repo, os.Getenv(EnvGitHubRunID)),
		Event: os.Getenv(EnvGitHubEvent), Ref: os.Getenv(EnvGitHubRef)}
	o.GitHub.OpenIssue = os.Getenv(EnvIssue) == "1" || alert.OpensIssue(o.Run.Event, o.Run.Ref, "main")
	pr, err := alert.PRFromEvent(os.Getenv(EnvGitHubEventPath))
	if err != nil {
		return o, err
	}
	if v := os.Getenv(EnvPR); v != "" {
		if pr, err = strconv.Atoi(v); err != nil || pr <= 0 {
			return o, fmt.Errorf("%s=%q is not a pull request number", EnvPR, v)
		}
	}
	o.GitHub.PR = pr
	o.Always = os.Getenv(EnvAlertAlways) == "1"
	o.Strict = os.Getenv(EnvAlertStrict) == "1"
	return o, nil
}

// accuracyOptions builds the accuracy benchmark's options from the
// environment: BENCH_COUNT and BENCH_TIME set benchgate's side of it.
func accuracyOptions(c gate.Config) (accuracy.Options, error) {
	o := accuracy.DefaultOptions
	o.Count, o.Time = c.Run.Count, c.Run.Time
	if v := os.Getenv(EnvAccReps); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return o, fmt.Errorf("%s=%q: use a whole number of repetitions, 1 or more", EnvAccReps, v)
		}
		o.Reps = n
	}
	o.Methods = list(os.Getenv(EnvAccMethods))
	o.Progress = os.Stderr
	return o, nil
}
