package verdict

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Thresholds are the smallest changes, in percent, that count. A zero field
// in an Override inherits the value it overrides.
type Thresholds struct {
	// Throughput is the largest allowed decrease of a higher-is-better
	// unit (B/s, msgs/s, ...). Default 10.
	Throughput float64 `json:"throughput_pct"`
	// Latency is the largest allowed increase of a time unit (sec/op,
	// p99-ns/op, ...). Default 20.
	Latency float64 `json:"latency_pct"`
	// Memory is the largest allowed increase of B/op or allocs/op. Default 15.
	Memory float64 `json:"memory_pct"`
	// Improvement is the smallest significant change in the good
	// direction that is reported as an improvement. Default 10.
	Improvement float64 `json:"improvement_pct"`
	// Instructions is the largest allowed increase of instructions/op.
	// Default 2.
	Instructions float64 `json:"instructions_pct,omitempty"`
	// Cycles is the largest allowed increase of estimated-cycles/op.
	// Default 3.
	Cycles float64 `json:"cycles_pct,omitempty"`
}

// AllAt returns thresholds with every field, improvement included, at pct
// percent.
func AllAt(pct float64) Thresholds {
	return Thresholds{Throughput: pct, Latency: pct, Memory: pct, Improvement: pct, Instructions: pct, Cycles: pct}
}

// DefaultThresholds are the thresholds of the original Taskfile version,
// and 2% for counted instructions.
var DefaultThresholds = Thresholds{Throughput: 10, Latency: 20, Memory: 15, Improvement: 10, Instructions: 2, Cycles: 3}

// For returns the regression threshold of a class and direction. A custom
// unit ("other") uses the throughput threshold when higher is better and the
// latency threshold when lower is better.
func (t Thresholds) For(c Class, better int) float64 {
	switch c {
	case Throughput:
		return t.Throughput
	case Latency:
		return t.Latency
	case Memory:
		return t.Memory
	case Instructions:
		return t.Instructions
	case Cycles:
		return t.Cycles
	case Other:
		if better > 0 {
			return t.Throughput
		}
		return t.Latency
	}
	return 0
}

func (t Thresholds) merge(o Thresholds) Thresholds {
	if o.Throughput != 0 {
		t.Throughput = o.Throughput
	}
	if o.Latency != 0 {
		t.Latency = o.Latency
	}
	if o.Memory != 0 {
		t.Memory = o.Memory
	}
	if o.Improvement != 0 {
		t.Improvement = o.Improvement
	}
	if o.Cycles != 0 {
		t.Cycles = o.Cycles
	}
	if o.Instructions != 0 {
		t.Instructions = o.Instructions
	}
	return t
}

// Validate reports a threshold that is not a positive percentage.
func (t Thresholds) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"throughput", t.Throughput}, {"latency", t.Latency}, {"memory", t.Memory}, {"improvement", t.Improvement}, {"instructions", t.Instructions}, {"cycles", t.Cycles}} {
		if !(f.v > 0 && f.v < 1000) {
			return fmt.Errorf("%s threshold %v%% is out of range: use a percentage above 0 and below 1000", f.name, f.v)
		}
	}
	return nil
}

// An Override changes thresholds for one suite, for benchmarks whose name
// matches a pattern, or both. Later overrides win over earlier ones.
type Override struct {
	// Suite is the suite name ("storage"); empty matches every suite.
	Suite string `json:"suite,omitempty"`
	// Benchmark is a regular expression matched against the full
	// benchmark name without its -N suffix; empty matches every benchmark.
	Benchmark string `json:"benchmark,omitempty"`
	// Thresholds holds the overriding values; zero fields inherit.
	Thresholds Thresholds `json:"thresholds"`

	re *regexp.Regexp
}

// Correction is a multiple-comparison control over all tests of a comparison.
type Correction string

// The supported corrections.
const (
	// CorrectionNone tests each row at alpha. Most sensitive; with many
	// rows, expect about alpha x rows rows that pass the p test by chance
	// (the thresholds still stop most of them from becoming regressions).
	CorrectionNone Correction = "none"
	// CorrectionHolm controls the family-wise error rate (Holm-Bonferroni).
	// Fewest false alarms; needs more samples (count) to detect anything
	// when there are many rows.
	CorrectionHolm Correction = "holm"
	// CorrectionBH controls the false discovery rate (Benjamini-Hochberg):
	// between the two.
	CorrectionBH Correction = "bh"
)

// Options configure Compare. Start from DefaultOptions.
type Options struct {
	// Thresholds are the defaults for every row. Default DefaultThresholds.
	Thresholds Thresholds
	// Overrides adjust thresholds per suite or benchmark pattern.
	Overrides []Override
	// Alpha is the significance level of the Mann-Whitney U test. Default 0.05.
	Alpha float64
	// Confidence is the level of the median's confidence interval. Default 0.95.
	Confidence float64
	// Correction is the multiple-comparison control. Default CorrectionNone.
	Correction Correction
	// Noisy holds the MetricKey of metrics known to be too noisy to gate
	// on, from a calibration; their rows are marked noisy. Default none.
	Noisy map[string]bool
	// AllowMissing is a regular expression naming benchmarks that may be
	// missing on the current side (BENCH_ALLOW_MISSING), matched as
	// Override.Benchmark is, and also against "pkg.Name". Any other
	// benchmark missing on the current side fails the comparison.
	// Default "": none may be missing.
	AllowMissing string

	allowMissing *regexp.Regexp
}

// DefaultOptions are the options benchgate uses unless told otherwise.
var DefaultOptions = Options{
	Thresholds: DefaultThresholds,
	Alpha:      0.05,
	Confidence: 0.95,
	Correction: CorrectionNone,
}

// validate checks the options and compiles the override patterns.
// CheckAlpha says what is wrong with a significance level: it must lie
// strictly between 0 and 1.
func CheckAlpha(alpha float64) error {
	if !(alpha > 0 && alpha < 1) {
		return errors.New("use a level between 0 and 1, such as 0.05")
	}
	return nil
}

// ParseCorrection reads a multiple-comparison correction by name, in any
// case; "" is CorrectionNone.
func ParseCorrection(s string) (Correction, error) {
	switch c := Correction(strings.ToLower(s)); c {
	case "":
		return CorrectionNone, nil
	case CorrectionNone, CorrectionHolm, CorrectionBH:
		return c, nil
	}
	return "", errors.New("use none, holm or bh")
}

func (o *Options) validate() error {
	if err := o.Thresholds.Validate(); err != nil {
		return err
	}
	if err := CheckAlpha(o.Alpha); err != nil {
		return fmt.Errorf("alpha %v is out of range: %w", o.Alpha, err)
	}
	if !(o.Confidence > 0 && o.Confidence < 1) {
		return fmt.Errorf("confidence %v is out of range: use a value between 0 and 1, such as 0.95", o.Confidence)
	}
	c, err := ParseCorrection(string(o.Correction))
	if err != nil {
		return fmt.Errorf("unknown correction %q: %w", o.Correction, err)
	}
	o.Correction = c
	if o.AllowMissing != "" {
		re, err := regexp.Compile(o.AllowMissing)
		if err != nil {
			return fmt.Errorf("allowed-missing pattern %q: %w", o.AllowMissing, err)
		}
		o.allowMissing = re
	}
	ovs := make([]Override, len(o.Overrides))
	for i, ov := range o.Overrides {
		if ov.Benchmark != "" {
			re, err := regexp.Compile(ov.Benchmark)
			if err != nil {
				return fmt.Errorf("override %d: benchmark pattern %q: %w", i+1, ov.Benchmark, err)
			}
			ov.re = re
		}
		ovs[i] = ov
	}
	o.Overrides = ovs
	return nil
}

// thresholdsFor returns the thresholds that apply to a benchmark.
func (o *Options) thresholdsFor(suite, name string) Thresholds {
	t := o.Thresholds
	for _, ov := range o.Overrides {
		if ov.Suite != "" && ov.Suite != suite {
			continue
		}
		if ov.re != nil && !ov.re.MatchString(name) {
			continue
		}
		t = t.merge(ov.Thresholds)
	}
	return t
}

// missingAllowed reports whether a benchmark of pkg may be missing on the
// current side.
func (o *Options) missingAllowed(pkg, name string) bool {
	return o.allowMissing != nil && (o.allowMissing.MatchString(name) || o.allowMissing.MatchString(pkg+"."+name))
}
