package settings

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/alert"
	"github.com/benchgate/benchgate/internal/counter"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/historyflow"
	"github.com/benchgate/benchgate/internal/profile"
	"github.com/benchgate/benchgate/internal/quarantine"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/suite"
	"github.com/benchgate/benchgate/internal/verdict"
)

// Table is every environment variable benchgate reads, in the order Load
// applies them. README.md's settings table is rendered from it
// (Markdown).
// AccuracyMethods are bench:accuracy's methods, as its docs name them; a
// test of the accuracy package holds them to its own list.
var AccuracyMethods = []string{"benchgate", "benchgate-sensitive", "benchgate-instructions", "benchgate-adaptive", "naive", "benchstat-sequential", "benchstat-alternating", "bisect"}

var Table = []Setting{
	// What to measure.
	{Name: "BENCH_BASE", Default: "the merge base with main", InWords: true, Uses: Run,
		Doc: "what to compare with: a git revision (branch, origin/branch, tag, SHA, HEAD~N), measured interleaved; or file:path, saved results",
		set: text(func(v *Values) *string { return &v.Config.Base })},
	{Name: "BENCH_BASE_GO", Default: "the go command's", Advanced: true, Uses: Run,
		Doc: "Go toolchain that builds the base side, e.g. go1.27.3; with BENCH_BASE=HEAD: does a Go upgrade slow us down?",
		set: toolchain(func(v *Values) *string { return &v.Config.BaseGo })},
	{Name: "BENCH_CURRENT_GO", Default: "the go command's", Advanced: true, Uses: Run,
		Doc: "Go toolchain that builds the current side",
		set: toolchain(func(v *Values) *string { return &v.Config.CurrentGo })},
	{Name: "BENCH_SUITES", Default: "all", Uses: Run | Merge,
		Doc: "comma list of suites to run (bench:merge: the shards to expect)",
		set: func(s string, v *Values) (err error) {
			v.Config.Suites, err = suite.Select(v.Config.Suites, splitList(s), "BENCH_SUITES")
			return err
		}},
	{Name: "BENCH_SHARD", Default: "all packages", InWords: true, Advanced: true, Uses: Run,
		Doc: "i/N: only shard i of N of the packages, split by benchmark count alike on every machine; bench:merge with BENCH_SHARDS=N joins them",
		set: func(s string, v *Values) (err error) {
			v.Config.Shard, err = runner.ParseShard(s)
			return err
		}},
	{Name: "BENCH_AFFECTED", Default: "0", Advanced: true, Uses: Run,
		Doc: "1: measure only the packages the change reaches (a test binary or package file differs between the sides); the report names the rest",
		set: onOff(func(v *Values) *bool { return &v.Config.Affected })},
	{Name: "BENCH_PACKAGES", Default: "the suites' packages", InWords: true, Uses: Run,
		Doc: "package patterns replacing the suites, e.g. ./...",
		set: patterns(func(v *Values) *[]string { return &v.Config.Packages })},
	{Name: "BENCH_FILTER", Default: ".", Uses: Run,
		Doc: "-bench regular expression (one per /-separated level)",
		set: func(s string, v *Values) error {
			if err := CheckBenchPattern(s); err != nil {
				return err
			}
			v.Config.Run.Bench = s
			return nil
		}},
	{Name: "BENCH_SKIP", Default: "none", InWords: true, Uses: Run,
		Doc: "-skip regular expression: benchmarks left out (not run, not gated), e.g. Compaction or Fetch/size=1MiB",
		set: func(s string, v *Values) error {
			if err := CheckBenchPattern(s); err != nil {
				return err
			}
			v.Config.Run.Skip = s
			return nil
		}},
	{Name: "BENCH_QUARANTINE", Default: quarantine.File, Advanced: true, Uses: Run,
		Doc: "the checked-in quarantine file (in BENCH_DIR): lines of pattern, until-date, reason; its benchmarks are not run nor gated until that date, and every report lists them",
		set: text(func(v *Values) *string { return &v.Config.Quarantine })},
	{Name: "BENCH_TIME", Default: "100ms", Uses: Run,
		Doc: "how long one run of a benchmark takes (-benchtime: a duration, or Nx iterations; at most 3x that with its timer stopped)",
		set: func(s string, v *Values) error {
			if err := checkBenchtime(s); err != nil {
				return err
			}
			v.Config.Run.Time = s
			return nil
		}},
	{Name: "BENCH_COUNT", Default: "6", Uses: Run,
		Doc: "rounds, i.e. samples per side (6: the least at which the U test reaches p < 0.05 with margin)",
		set: count(func(v *Values) *int { return &v.Config.Run.Count }, "6")},
	{Name: "BENCH_MEASURE", Default: "time", Uses: Run,
		Doc: "what gates: time, instructions (counted instructions/op, B/op, allocs/op: no load disturbs them), cycles (those and estimated-cycles/op from valgrind's simulated cache) or both (time and instructions)",
		set: oneOf(func(v *Values) *flow.Measure { return &v.Config.Measure }, flow.MeasureTime, flow.MeasureInstructions, flow.MeasureCycles, flow.MeasureBoth)},
	{Name: "BENCH_COUNTER", Default: "auto", Advanced: true, Uses: Run,
		Doc: "auto (hardware counters where the kernel has them, else valgrind: callgrind reading benchgate's marks, one process per test binary), perf, or cachegrind (a process per benchmark)",
		set: oneOf(func(v *Values) *counter.Kind { return &v.Config.Counter }, counter.Auto, counter.Perf, counter.Cachegrind)},
	{Name: "BENCH_INSTRUCTIONS_COUNT", Default: "3", Advanced: true, Uses: Run,
		Doc: "rounds that count instructions (samples per side)",
		set: count(func(v *Values) *int { return &v.Config.CountRounds }, "3")},
	{Name: "BENCH_SEPARATE", Default: "0", Advanced: true, Uses: Run,
		Doc: "1: every benchmark in a process of its own (default: those of a package with close counts share one)",
		set: onOff(func(v *Values) *bool { return &v.Config.Run.Separate })},
	{Name: "BENCH_DIR", Default: ".", Uses: Run,
		Doc: "root of the Go module to benchmark",
		set: text(func(v *Values) *string { return &v.Config.Dir })},
	{Name: "BENCH_RESULTS_DIR", Default: "benchmark_results", Uses: Run | Alert | Merge | Report | Calibrate | Accuracy | History | Bisect,
		Doc: "where every output goes (one run at a time: it is locked)",
		set: text(func(v *Values) *string { return &v.Config.ResultsDir })},
	{Name: "BENCH_DEADLINE", Default: "60m", Advanced: true, Uses: Run,
		Doc: "the longest a whole run may take; then it stops with no verdict (exit 2)",
		set: duration(func(v *Values) *time.Duration { return &v.Config.Deadline }, "60m")},

	// How to judge. BENCH_SENSITIVE is a mode: Load applies it first, so
	// that the variables it sets can be overridden.
	{Name: "BENCH_SENSITIVE", Default: "0", Mode: true, Uses: Run | Verdict,
		Doc: "1: sensitive mode, every threshold 3% and BENCH_ADAPTIVE=1; a threshold or BENCH_ADAPTIVE=0 set alongside still wins",
		set: func(s string, v *Values) error {
			on, err := parseOnOff(s)
			if on {
				v.Config.Sensitive()
			}
			return err
		}},
	{Name: "THROUGHPUT_THRESHOLD", Default: "10", Uses: Verdict,
		Doc: "% decrease of a higher-is-better unit (B/s, MB/s, any */s) that counts",
		set: percent(func(v *Values) *float64 { return &v.Config.Verdict.Thresholds.Throughput })},
	{Name: "LATENCY_THRESHOLD", Default: "20", Uses: Verdict,
		Doc: "% increase of a time unit (ns/op, sec/op, p99-ns/op, ...) that counts",
		set: percent(func(v *Values) *float64 { return &v.Config.Verdict.Thresholds.Latency })},
	{Name: "MEMORY_THRESHOLD", Default: "15", Uses: Verdict,
		Doc: "% increase of B/op or allocs/op that counts",
		set: percent(func(v *Values) *float64 { return &v.Config.Verdict.Thresholds.Memory })},
	{Name: "INSTRUCTIONS_THRESHOLD", Default: "2", Uses: Verdict,
		Doc: "% increase of counted instructions/op that counts",
		set: percent(func(v *Values) *float64 { return &v.Config.Verdict.Thresholds.Instructions })},
	{Name: "CYCLES_THRESHOLD", Default: "3", Advanced: true, Uses: Verdict,
		Doc: "% increase of estimated-cycles/op (BENCH_MEASURE=cycles) that counts",
		set: percent(func(v *Values) *float64 { return &v.Config.Verdict.Thresholds.Cycles })},
	{Name: "BENCH_IMPROVEMENT_THRESHOLD", Default: "10", Uses: Verdict,
		Doc: "% change in the good direction reported as an improvement",
		set: percent(func(v *Values) *float64 { return &v.Config.Verdict.Thresholds.Improvement })},
	{Name: "BENCH_ALPHA", Default: "0.05", Uses: Verdict,
		Doc: "significance level of the Mann-Whitney U test",
		set: func(s string, v *Values) error {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return errors.New("use a level between 0 and 1, such as 0.05")
			}
			v.Config.Verdict.Alpha = f
			return verdict.CheckAlpha(f)
		}},
	{Name: "BENCH_CORRECTION", Default: "none", Advanced: true, Uses: Verdict,
		Doc: "multiple-comparison control: none, holm (family-wise) or bh (false discovery rate)",
		set: func(s string, v *Values) error {
			c, err := verdict.ParseCorrection(s)
			v.Config.Verdict.Correction = c
			return err
		}},
	{Name: "BENCH_ALLOW_MISSING", Default: "none", InWords: true, Advanced: true, Uses: Verdict,
		Doc: "regular expression naming benchmarks that may be missing on the current side (Name or import/path.Name)",
		set: func(s string, v *Values) error {
			if _, err := compile(s); err != nil {
				return fmt.Errorf("%w; use a regular expression such as ^BenchmarkOld$", err)
			}
			v.Config.Verdict.AllowMissing = s
			return nil
		}},
	{Name: "BENCH_CONFIRM", Default: "1", Uses: Run,
		Doc: "0: no confirmation rounds (a regression of the main rounds fails at once)",
		set: onOff(func(v *Values) *bool { return &v.Config.Confirm })},
	{Name: "BENCH_CONFIRM_COUNT", Default: "BENCH_COUNT", Advanced: true, Uses: Run,
		Doc: "rounds of the confirmation (adaptive: up to 3x for unsettled ones)",
		set: count(func(v *Values) *int { return &v.Config.ConfirmCount }, "6")},
	{Name: "BENCH_PROFILE", Default: "auto", Uses: Run,
		Doc: "which benchmarks get CPU and allocation profiles diffed: auto (confirmed regressions), 1 (regressed or undecided), 0 (none)",
		set: func(s string, v *Values) error {
			switch strings.ToLower(s) {
			case "auto":
				v.Config.Profile = profile.Auto
			case "1", "true":
				v.Config.Profile = profile.On
			case "0", "false":
				v.Config.Profile = profile.Off
			default:
				return errors.New("use auto, 1 (on) or 0 (off)")
			}
			return nil
		}},
	{Name: "BENCH_ADAPTIVE", Default: "0", Uses: Run,
		Doc: "1: after BENCH_COUNT rounds, extra rounds for the benchmarks whose verdict is not settled",
		set: onOff(func(v *Values) *bool { return &v.Config.Adaptive })},
	{Name: "BENCH_BUDGET", Default: "as long as the first rounds took", Advanced: true, Uses: Run,
		Doc: "time cap of the adaptive rounds",
		set: duration(func(v *Values) *time.Duration { return &v.Config.Budget }, "90s or 2m")},

	// Targets' own settings.
	{Name: "BENCH_OPEN", Default: "0", Uses: Report,
		Doc: "1: bench:report opens the HTML in the desktop browser",
		set: onOff(func(v *Values) *bool { return &v.Report.Open })},
	{Name: "BENCH_SHARDS", Default: "one shard per suite", InWords: true, Uses: Merge,
		Doc: "N: bench:merge expects the shards 1/N to N/N of BENCH_SHARD runs, found by the shard each status.json records",
		set: func(s string, v *Values) error {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > runner.MaxShards {
				return fmt.Errorf("use a number of shards from 1 to %d, such as 4", runner.MaxShards)
			}
			v.Config.Shards = n
			return nil
		}},
	{Name: "BENCH_SHARDS_DIR", Default: "$BENCH_RESULTS_DIR/shards", InWords: true, Uses: Merge,
		Doc: "where bench:merge looks for the shards",
		set: text(func(v *Values) *string { return &v.ShardsDir })},
	{Name: "BENCH_CALIBRATE_TIMES", Default: "BENCH_TIME and twice it", Uses: Calibrate,
		Doc: "comma list of benchtimes bench:calibrate compares",
		set: func(s string, v *Values) error {
			for _, t := range splitList(s) {
				if err := checkBenchtime(t); err != nil {
					return fmt.Errorf("%s: %w", t, err)
				}
			}
			v.Calibrate.Times = splitList(s)
			return nil
		}},
	{Name: "BENCH_ACCURACY_REPS", Default: "3", Uses: Accuracy,
		Doc: "repetitions of each comparison in bench:accuracy",
		set: count(func(v *Values) *int { return &v.Accuracy.Reps }, "3")},
	{Name: "BENCH_ACCURACY_METHODS", Default: "all but benchgate-adaptive and bisect", Uses: Accuracy,
		Doc: "comma list of " + strings.Join(AccuracyMethods, ", "),
		set: func(s string, v *Values) error {
			for _, m := range splitList(s) {
				if !slices.Contains(AccuracyMethods, m) {
					return fmt.Errorf("unknown method %s: use a comma list of %s", m, strings.Join(AccuracyMethods, ", "))
				}
			}
			v.Accuracy.Methods = splitList(s)
			return nil
		}},
	{Name: "BENCH_ACCURACY_LOAD", Default: "both", Uses: Accuracy,
		Doc: "machine states bench:accuracy runs every method in: idle, loaded (one busy loop per core beside it) or both",
		set: oneOf(func(v *Values) *string { return &v.Accuracy.Load }, "idle", "loaded", "both")},
	{Name: "BENCH_HISTORY_BRANCH", Default: history.DefaultBranch, Uses: History,
		Doc: "the branch of the benchmarked repository that keeps one file per recorded run",
		set: text(func(v *Values) *string { return &v.History.Branch })},
	{Name: "BENCH_HISTORY_DAYS", Default: "365", Uses: History,
		Doc: "runs older than this many days are pruned by bench:record",
		set: count(func(v *Values) *int { return &v.History.Days }, "365")},
	{Name: "BENCH_BACKFILL", Default: "20", Uses: History,
		Doc: "how many first-parent commits of HEAD bench:backfill covers",
		set: count(func(v *Values) *int { return &v.History.Backfill }, "20")},
	{Name: "BENCH_TREND_MIN_CHANGE", Default: "3", Uses: History,
		Doc: "% change of a metric's level that a change point needs (smaller steps are noise)",
		set: percent(func(v *Values) *float64 { return &v.History.Trend.MinChangePct })},
	{Name: "BENCH_TREND_DRIFT", Default: "5", Uses: History,
		Doc: "% slide from the best to the latest level reported as drift",
		set: percent(func(v *Values) *float64 { return &v.History.Trend.DriftPct })},
	{Name: "BENCH_ACK_FILE", Default: historyflow.DefaultAckFile, Uses: History,
		Doc: "file in the repository listing accepted change points: <first bad commit> <benchmark> <unit>, or drift <benchmark> <unit>",
		set: text(func(v *Values) *string { return &v.History.AckFile })},
	{Name: "BENCH_DATABASE_URL", Default: "unset", InWords: true, Uses: History, Secret: true,
		Doc: "PostgreSQL URL (postgres://user:password@host:5432/db): bench:record writes each run there too, bench:trend its findings, bench:export the branch's runs",
		set: text(func(v *Values) *string { return &v.History.DatabaseURL })},
	{Name: "BENCH_HISTORY", Default: "branch", Uses: History,
		Doc: "where bench:trend reads the runs: branch (the history branch) or database (BENCH_DATABASE_URL)",
		set: func(s string, v *Values) error {
			switch strings.ToLower(s) {
			case "branch":
				v.History.FromDatabase = false
			case "database":
				v.History.FromDatabase = true
			default:
				return errors.New("use branch or database")
			}
			return nil
		}},
	{Name: "BENCH_GOOD", Default: "the last comparison's base", InWords: true, Uses: Bisect,
		Doc: "bench:bisect: the good end, a git revision (default: the regressed comparison.json's base, else the open change point's last good commit)",
		set: text(func(v *Values) *string { return &v.Bisect.Good })},
	{Name: "BENCH_BAD", Default: "the last comparison's current", InWords: true, Uses: Bisect,
		Doc: "bench:bisect: the bad end, a descendant of BENCH_GOOD on its first-parent line (with BENCH_GOOD alone: HEAD)",
		set: text(func(v *Values) *string { return &v.Bisect.Bad })},
	{Name: "BENCH_BISECT_SHARE", Default: "25", Uses: Bisect,
		Doc: "smallest share of the whole change, in percent, that bench:bisect names as a culprit",
		set: func(s string, v *Values) error {
			f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
			if err != nil || !(f >= 1 && f <= 100) {
				return errors.New("use a percentage from 1 to 100, such as 25")
			}
			v.Bisect.MinSharePct = f
			return nil
		}},
	{Name: "BENCH_BISECT_AGAIN", Default: "2", Uses: Bisect,
		Doc: "how many times a bisection step that cannot decide measures its commit again (BENCH_COUNT more rounds each)",
		set: func(s string, v *Values) error {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > 10 {
				return errors.New("use a whole number from 0 to 10, such as 2")
			}
			v.Bisect.Again = n
			return nil
		}},
	{Name: "GITHUB_STEP_SUMMARY", Default: "set by GitHub Actions", InWords: true, Advanced: true, Uses: Run | Merge | History | Bisect,
		Doc: "the Markdown report is appended to this file",
		set: text(func(v *Values) *string { return &v.Config.StepSummary })},

	// Alerts.
	{Name: "SLACK_WEBHOOK_URL", Default: "unset", InWords: true, Uses: Alert, Secret: true,
		Doc: "Slack incoming webhook",
		set: text(func(v *Values) *string { return &v.Alert.Slack.WebhookURL })},
	{Name: "SLACK_BOT_TOKEN", Default: "unset", InWords: true, Uses: Alert, Secret: true,
		Doc: "or a bot token, with SLACK_CHANNEL (chat.postMessage)",
		set: text(func(v *Values) *string { return &v.Alert.Slack.Token })},
	{Name: "SLACK_CHANNEL", Default: "unset", InWords: true, Uses: Alert,
		Doc: "the bot's channel",
		set: text(func(v *Values) *string { return &v.Alert.Slack.Channel })},
	{Name: "GITHUB_TOKEN", Default: "unset", InWords: true, Uses: Alert, Secret: true,
		Doc: "token for the PR comment and the issue",
		set: text(func(v *Values) *string { return &v.Alert.GitHub.Token })},
	{Name: "GITHUB_REPOSITORY", Default: "set by GitHub Actions", InWords: true, Uses: Alert | History,
		Doc: "owner/name (the repository's name in BENCH_DATABASE_URL too; default there: the module path)",
		set: func(s string, v *Values) error {
			v.Alert.Run.Repo, v.History.Repository = s, s
			return nil
		}},
	{Name: "GITHUB_API_URL", Default: alert.DefaultAPIURL, Uses: Alert,
		Doc: "REST API base; GitHub Enterprise: https://HOST/api/v3",
		set: text(func(v *Values) *string { return &v.Alert.GitHub.APIURL })},
	{Name: "GITHUB_SERVER_URL", Default: "set by GitHub Actions", InWords: true, Uses: Alert,
		Doc: "with GITHUB_RUN_ID, builds the link to the run and its artifacts",
		set: text(func(v *Values) *string { return &v.serverURL })},
	{Name: "GITHUB_ACTIONS", Default: "set by GitHub Actions", InWords: true, Advanced: true, Uses: Run,
		Doc: "true: the gate also prints workflow-command annotations: an error at each confirmed regression's benchmark function and at the module function its profile blames, warnings for undecided rows and gaps",
		set: func(s string, v *Values) error {
			v.Config.Annotate = s == "true"
			return nil
		}},
	{Name: "GITHUB_RUN_ID", Default: "set by GitHub Actions", InWords: true, Uses: Alert | History,
		Doc: "the run's ID, for that link and to name a recorded run",
		set: text(func(v *Values) *string { return &v.runID })},
	{Name: "GITHUB_EVENT_NAME", Default: "set by GitHub Actions", InWords: true, Uses: Alert,
		Doc: "schedule, or push to the main branch, opens the regression issue",
		set: text(func(v *Values) *string { return &v.Alert.Run.Event })},
	{Name: "GITHUB_REF", Default: "set by GitHub Actions", InWords: true, Uses: Alert,
		Doc: "the run's ref (refs/heads/main)",
		set: text(func(v *Values) *string { return &v.Alert.Run.Ref })},
	{Name: "GITHUB_EVENT_PATH", Default: "set by GitHub Actions", Uses: Alert,
		Doc: "the event file: the PR number of a pull_request event",
		set: func(s string, v *Values) (err error) {
			v.Alert.GitHub.PR, err = alert.PRFromEvent(s)
			return err
		}},
	{Name: "BENCH_PR", Default: "unset", Uses: Alert,
		Doc: "PR number to comment on outside a pull_request event",
		set: func(s string, v *Values) error {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return errors.New("use a pull request number, such as 42")
			}
			v.Alert.GitHub.PR = n
			return nil
		}},
	{Name: "BENCH_ISSUE", Default: "0", Uses: Alert,
		Doc: "1: open the regression issue whatever the event",
		set: onOff(func(v *Values) *bool { return &v.issue })},
	{Name: "BENCH_ISSUE_LABELS", Default: strings.Join(alert.DefaultLabels, ","), Uses: Alert,
		Doc: "labels of the issue",
		set: list(func(v *Values) *[]string { return &v.Alert.GitHub.Labels })},
	{Name: "BENCH_ISSUE_ASSIGNEES", Default: "none", InWords: true, Uses: Alert,
		Doc: "comma list of logins to assign the issue to",
		set: list(func(v *Values) *[]string { return &v.Alert.GitHub.Assignees })},
	{Name: "BENCH_BOT_LOGIN", Default: alert.DefaultBotLogin, Uses: Alert,
		Doc: "login of GITHUB_TOKEN's identity: only its own marked comment and issue are edited (another user's copy of the marker is ignored)",
		set: text(func(v *Values) *string { return &v.Alert.GitHub.BotLogin })},
	{Name: "BENCH_ALERT_ALWAYS", Default: "0", Uses: Alert,
		Doc: "1: also send a short all-clear when nothing regressed",
		set: onOff(func(v *Values) *bool { return &v.Alert.Always })},
	{Name: "BENCH_ALERT_STRICT", Default: "0", Uses: Alert,
		Doc: "1: a failed channel fails bench:alert (by default the exit status is the verdict's alone)",
		set: onOff(func(v *Values) *bool { return &v.Alert.Strict })},
}
