package verdict

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/profile"
	"github.com/benchgate/benchgate/internal/quarantine"
)

// Schema is the version of the comparison.json format. It changes when a
// field is removed or changes meaning; added fields keep it.
const Schema = 1

// A Status is the verdict on one benchmark metric.
type Status string

// The statuses, from most to least urgent.
const (
	StatusRegression  Status = "regression"  // significant (or unverified) change beyond the threshold, bad direction
	StatusUndecided   Status = "undecided"   // beyond the threshold but not significant: more samples needed
	StatusMissing     Status = "missing"     // only in the base results
	StatusImprovement Status = "improvement" // significant change beyond the improvement threshold, good direction
	StatusNew         Status = "new"         // only in the current results
	StatusNotCounted  Status = "not counted" // counted instructions that vary between runs: shown, not judged
	StatusOK          Status = "ok"          // within the threshold or within noise
)

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusRegression, StatusUndecided, StatusMissing, StatusImprovement, StatusNew, StatusOK, StatusNotCounted:
		return true
	}
	return false
}

// Rank orders statuses for reports: regressions first.
func (s Status) Rank() int {
	switch s {
	case StatusRegression:
		return 0
	case StatusImprovement:
		return 1
	case StatusUndecided:
		return 2
	case StatusMissing:
		return 3
	case StatusNew:
		return 4
	case StatusNotCounted:
		return 5
	}
	return 6
}

// A Comparison is everything known about base versus current: the single
// input of every report and alert, serialized as comparison.json.
type Comparison struct {
	Schema    int       `json:"schema"`
	Generated time.Time `json:"generated"`
	// ResultsOnly is set when there is no base: rows have Current only.
	ResultsOnly bool       `json:"results_only,omitempty"`
	Base        Side       `json:"base"`
	Current     Side       `json:"current"`
	Settings    Settings   `json:"settings"`
	Summary     Summary    `json:"summary"`
	Suites      []SuiteSum `json:"suites"`
	Rows        []Row      `json:"rows"`
	Warnings    []string   `json:"warnings,omitempty"`
	// Profiles say why benchmarks changed: their profile diffs.
	Profiles []profile.Diff `json:"profiles,omitempty"`
	// Gaps say what evidence is missing: a benchmark that failed, a CI
	// shard that is absent or died. A comparison with gaps and no failing
	// row gives no verdict.
	Gaps []string `json:"gaps,omitempty"`
	// Broken are the benchmarks and packages that fail on the base side
	// too (broken before this change) or only there: listed, not judged.
	Broken []Broken `json:"broken,omitempty"`
	// Failures are what failed on each side, as the run found it: gaps
	// and broken are decided from them (Account), again where the
	// comparison is merged.
	Failures []Failure `json:"failures,omitempty"`
	// Quarantined are the quarantine file's entries: the benchmarks they
	// name were not run and are not gated (an expired entry no longer
	// holds).
	Quarantined []quarantine.Entry `json:"quarantined,omitempty"`
	// NotAffected are the packages left out because the change does not
	// reach them (identical test binaries and package files on both
	// sides): not measured, which the dependency graph, not a
	// measurement, justifies.
	NotAffected []string `json:"not_affected,omitempty"`
}

// A Side identifies one side of a comparison.
type Side struct {
	File   string `json:"file,omitempty"`
	Ref    string `json:"ref,omitempty"`
	Commit string `json:"commit,omitempty"`
	Date   string `json:"date,omitempty"`
	Go     string `json:"go,omitempty"`
	GOOS   string `json:"goos,omitempty"`
	GOARCH string `json:"goarch,omitempty"`
	CPU    string `json:"cpu,omitempty"`
	// Counter is what counted instructions, when they were: "perf"
	// (hardware counters), "callgrind" (valgrind reading the marks: one
	// process per binary) or "cachegrind" (valgrind).
	Counter string `json:"counter,omitempty"`
}

// Settings are the statistical settings a comparison was made with.
type Settings struct {
	Thresholds Thresholds `json:"thresholds"`
	Overrides  []Override `json:"overrides,omitempty"`
	Alpha      float64    `json:"alpha"`
	Confidence float64    `json:"confidence"`
	Correction Correction `json:"correction"`
	// AllowMissing is the pattern of benchmarks allowed to be missing on
	// the current side.
	AllowMissing string `json:"allow_missing,omitempty"`
	// Counted is set when a row is counted instructions, Cycles when one
	// is estimated cycles: String names their thresholds too.
	Counted bool `json:"counted,omitempty"`
	Cycles  bool `json:"cycles,omitempty"`
}

// String is the thresholds and test a comparison was judged with:
// "throughput -10%, latency +20%, memory +15%, improvement 10%; alpha
// 0.05, correction none".
func (s Settings) String() string {
	t := s.Thresholds
	counted := ""
	if s.Counted {
		counted = fmt.Sprintf(", instructions +%g%%", t.Instructions)
	}
	if s.Cycles {
		counted += fmt.Sprintf(", estimated cycles +%g%%", t.Cycles)
	}
	return fmt.Sprintf("throughput -%g%%, latency +%g%%, memory +%g%%%s, improvement %g%%; alpha %g, correction %s",
		t.Throughput, t.Latency, t.Memory, counted, t.Improvement, s.Alpha, s.Correction)
}

// Stats summarize the samples of one side of a row, in the display unit.
type Stats struct {
	Center  Number    `json:"center"`
	Lo      Number    `json:"lo"`
	Hi      Number    `json:"hi"`
	N       int       `json:"n"`
	Samples []float64 `json:"samples"`
}

// RangePct is the half-width of the confidence interval as a percentage of
// the center, as benchstat prints it after "±"; NaN when unbounded.
func (s *Stats) RangePct() float64 {
	if !s.Lo.Finite() || !s.Hi.Finite() {
		return math.NaN()
	}
	c, lo, hi := float64(s.Center), float64(s.Lo), float64(s.Hi)
	if sign(c) != sign(lo) || sign(c) != sign(hi) {
		return math.NaN()
	}
	if c == 0 {
		return 0
	}
	return 100 * max(hi/c-1, 1-lo/c)
}

func sign(f float64) int {
	switch {
	case f > 0:
		return 1
	case f < 0:
		return -1
	}
	return 0
}

// A Row is the verdict on one benchmark metric.
type Row struct {
	Suite     string `json:"suite,omitempty"`
	Pkg       string `json:"pkg,omitempty"`
	Benchmark string `json:"benchmark"` // full name with its -N suffix, as go test prints it
	Unit      string `json:"unit"`      // display unit (ns/op, MB/s, ...)
	Class     Class  `json:"class"`
	Better    int    `json:"better"` // +1 higher is better, -1 lower is better, 0 unknown
	Base      *Stats `json:"base,omitempty"`
	Current   *Stats `json:"current,omitempty"`
	// DeltaPct is the change of the centers, current/base-1, in percent;
	// null when base is zero.
	DeltaPct Number `json:"delta_pct"`
	// P is the p-value of the Mann-Whitney U test (after Correction);
	// null when the test could not run.
	P Number `json:"p"`
	// ThresholdPct is the regression threshold that applied.
	ThresholdPct float64 `json:"threshold_pct"`
	// ImprovementPct is the improvement threshold that applied.
	ImprovementPct float64 `json:"improvement_pct"`
	Status         Status  `json:"status"`
	// Unverified is set when the samples are too few for the test to ever
	// reach alpha: the threshold alone decided the status.
	Unverified bool `json:"unverified,omitempty"`
	// Noisy is set when a calibration marked this benchmark too noisy
	// to gate on.
	Noisy bool `json:"noisy,omitempty"`
	// AllowedMissing is set on a missing row that the allowed-missing
	// pattern names: it does not fail the comparison.
	AllowedMissing bool `json:"allowed_missing,omitempty"`
	// Confirmed is set on a row that needed confirmation: whether fresh
	// rounds reproduced its status. Confirmation is their verdict.
	Confirmed    *bool         `json:"confirmed,omitempty"`
	Confirmation *Confirmation `json:"confirmation,omitempty"`
	// SpreadPct is, for counted instructions, the larger side's spread:
	// half its range in percent of its median.
	SpreadPct Number `json:"spread_pct,omitempty"`
	// Reason says why a row has its status when the numbers alone do not
	// ("did not reproduce").
	Reason   string   `json:"reason,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// Summary counts benchmarks and rows. A benchmark takes the most urgent
// status of its metrics.
type Summary struct {
	Benchmarks   int `json:"benchmarks"`
	Rows         int `json:"rows"`
	Regressions  int `json:"regressions"`
	Improvements int `json:"improvements"`
	Unchanged    int `json:"unchanged"`
	Undecided    int `json:"undecided"`
	Missing      int `json:"missing"`
	New          int `json:"new"`
	// NotCounted counts benchmarks whose worst row is not counted.
	NotCounted int `json:"not_counted,omitempty"`
	// RegressedRows counts rows with status regression.
	RegressedRows int `json:"regressed_rows"`
	// MissingRows counts rows missing on the current side that no
	// allowed-missing pattern names: each fails the comparison.
	MissingRows int `json:"missing_rows"`
}

// A SuiteSum summarizes one suite: its counts and, per unit, the geometric
// mean of the current/base ratios of its rows, as a percent change.
type SuiteSum struct {
	Name         string            `json:"name"`
	Rows         int               `json:"rows"`
	Regressions  int               `json:"regressions"`
	Improvements int               `json:"improvements"`
	GeomeanPct   map[string]Number `json:"geomean_pct"`
}

// Regressed reports whether any row regressed.
func (c *Comparison) Regressed() bool { return c.Summary.RegressedRows > 0 }

// An Outcome is the gate's decision on a comparison. Its value is the
// exit status every gate command returns.
type Outcome int

// The outcomes.
const (
	// Pass: complete evidence, nothing regressed or went missing.
	Pass Outcome = 0
	// Fail: a row regressed, or a benchmark is missing on the current
	// side without being allowed to. A definite failure wins over gaps.
	Fail Outcome = 1
	// NoVerdict: nothing failed, but the evidence has gaps.
	NoVerdict Outcome = 2
)

// Outcome decides the comparison: Fail, else NoVerdict when it has gaps,
// else Pass.
func (c *Comparison) Outcome() Outcome {
	switch {
	case c.Summary.RegressedRows > 0 || c.Summary.MissingRows > 0:
		return Fail
	case len(c.Gaps) > 0:
		return NoVerdict
	}
	return Pass
}

// ReasonFailed is the reason of a row missing on the current side because
// the benchmark's run failed there (a panic, os.Exit, a timeout).
const ReasonFailed = "failed on the current side: no evidence either way"

// MarkFailed turns every row missing on the current side whose benchmark
// failed there (failed(pkg, name without -N) is true) into an undecided
// row with ReasonFailed: a crash is a gap in the evidence, not a removed
// benchmark. The summary is counted again.
func (c *Comparison) MarkFailed(failed func(pkg, name string) bool) {
	for i := range c.Rows {
		r := &c.Rows[i]
		if r.Status != StatusMissing {
			continue
		}
		if name, _ := SplitProcs([]byte(r.Benchmark)); failed(r.Pkg, name) {
			r.Status, r.Reason, r.AllowedMissing = StatusUndecided, ReasonFailed, false
		}
	}
	c.count()
}

// MissingBenchmarks names the benchmarks missing on the current side that
// fail the comparison, each once, as "pkg.Name" when the package is known.
func (c *Comparison) MissingBenchmarks() []string {
	var out []string
	for _, r := range c.Rows {
		if r.Status != StatusMissing || r.AllowedMissing {
			continue
		}
		name, _ := SplitProcs([]byte(r.Benchmark))
		if r.Pkg != "" {
			name = r.Pkg + "." + name
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// ChangeInterval is the range of the change, in percent, that the two
// sides' confidence intervals allow: from current.Lo/base.Hi-1 to
// current.Hi/base.Lo-1. ok is false when a side is missing or an interval
// is unbounded or not positive.
func (r *Row) ChangeInterval() (lo, hi float64, ok bool) {
	b, c := r.Base, r.Current
	if b == nil || c == nil || !b.Lo.Finite() || !b.Hi.Finite() || !c.Lo.Finite() || !c.Hi.Finite() || b.Lo <= 0 || b.Hi <= 0 {
		return 0, 0, false
	}
	return (float64(c.Lo)/float64(b.Hi) - 1) * 100, (float64(c.Hi)/float64(b.Lo) - 1) * 100, true
}

// ShortCommit abbreviates a commit hash to 7 characters; anything that is
// not a hex hash stays as it is.
func ShortCommit(c string) string {
	if len(c) > 7 && strings.Trim(c, "0123456789abcdef") == "" {
		return c[:7]
	}
	return c
}
