// Package calibrate measures the noise of benchmarks on this machine from
// an A/A comparison (the same tree on both sides, interleaved as usual):
// per benchmark metric, the spread of its samples, the apparent change
// between two identical sides, and the smallest change the sample count
// and alpha detect reliably. It recommends a count and thresholds and
// names the benchmarks too noisy to gate on.
package calibrate

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"golang.org/x/perf/benchmath"

	"github.com/benchgate/benchgate/internal/verdict"
)

// Schema is the version of calibration.json.
const Schema = 1

// Options configure Calibrate. Start from DefaultOptions.
type Options struct {
	// Power is the probability with which a change must be detected to
	// count as detectable. Default 0.9.
	Power float64
	// Trials is the number of resamplings per effect size. Default 200.
	Trials int
	// Counts are the sample counts the recommendation chooses from.
	// Default 6, 8, 10, 15, 20.
	Counts []int
	// Seed makes the resampling repeatable. Default 1.
	Seed uint64
}

// DefaultOptions are the defaults of Options.
var DefaultOptions = Options{Power: 0.9, Trials: 200, Counts: []int{6, 8, 10, 15, 20}, Seed: 1}

// effects is the grid of relative changes, in percent, searched for the
// smallest detectable one.
var effects = []float64{1, 2, 3, 4, 5, 7.5, 10, 12.5, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200}

// A Row is the noise of one benchmark metric.
type Row struct {
	Suite     string        `json:"suite,omitempty"`
	Pkg       string        `json:"pkg"`
	Benchmark string        `json:"benchmark"`
	Unit      string        `json:"unit"`
	Class     verdict.Class `json:"class"`
	// ThresholdPct is the regression threshold that applies.
	ThresholdPct float64 `json:"threshold_pct"`
	// SpreadPct is the wider of the two sides' ± ranges (95% CI of the
	// median, as benchstat prints it).
	SpreadPct verdict.Number `json:"spread_pct"`
	// AADeltaPct and AAP are the apparent change and its p-value between
	// the two identical sides.
	AADeltaPct verdict.Number `json:"aa_delta_pct"`
	AAP        verdict.Number `json:"aa_p"`
	// MDEPct is the smallest change detected with probability Power at
	// the calibration's count (null when none up to 200% is); MDEByCount
	// gives it for each candidate count.
	MDEPct     verdict.Number         `json:"mde_pct"`
	MDEByCount map[int]verdict.Number `json:"mde_by_count"`
	// Noisy is set when the metric cannot be gated reliably: its smallest
	// detectable change is more than twice its threshold, or the A/A
	// comparison called it a regression.
	Noisy  bool   `json:"noisy,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// A Recommendation is what calibration suggests for this machine.
type Recommendation struct {
	// Benchtime is the recommended benchtime, when several were
	// calibrated (see ByBenchtime).
	Benchtime string `json:"benchtime,omitempty"`
	// Count is the smallest candidate count at which at least 90% of the
	// gated metrics detect a change of their threshold.
	Count int `json:"count"`
	// Thresholds are, per class, the 90th percentile of the smallest
	// detectable change at Count, rounded up: thresholds below these
	// cannot be confirmed by the samples.
	Thresholds verdict.Thresholds `json:"thresholds"`
	Notes      []string           `json:"notes"`
}

// A Calibration is the content of calibration.json.
type Calibration struct {
	Schema    int       `json:"schema"`
	Generated time.Time `json:"generated"`
	// Count, Time and Alpha are the settings measured.
	Count          int            `json:"count"`
	Time           string         `json:"benchtime"`
	Alpha          float64        `json:"alpha"`
	Machine        verdict.Side   `json:"machine"`
	Rows           []Row          `json:"rows"`
	Recommendation Recommendation `json:"recommendation"`
	// ByBenchtime compares the benchtimes calibrated, shortest first.
	ByBenchtime []TimeTrial `json:"by_benchtime,omitempty"`
}

// Calibrate computes the calibration from an A/A comparison made with
// count samples per side at benchtime.
func Calibrate(aa *verdict.Comparison, count int, benchtime string, opts Options) *Calibration {
	if opts.Power <= 0 {
		opts = DefaultOptions
	}
	cal := &Calibration{Schema: Schema, Generated: time.Now().UTC(), Count: count, Time: benchtime, Alpha: aa.Settings.Alpha, Machine: aa.Current}
	rng := rand.New(rand.NewPCG(opts.Seed, 7))
	for _, r := range aa.Rows {
		if r.Base == nil || r.Current == nil || r.Class == verdict.Info {
			continue
		}
		row := Row{Suite: r.Suite, Pkg: r.Pkg, Benchmark: r.Benchmark, Unit: r.Unit, Class: r.Class, ThresholdPct: r.ThresholdPct,
			SpreadPct: verdict.Number(max(r.Base.RangePct(), r.Current.RangePct())), AADeltaPct: r.DeltaPct, AAP: r.P,
			MDEByCount: map[int]verdict.Number{}}
		pooled := relative(append(slices.Clone(r.Base.Samples), r.Current.Samples...))
		counts := slices.Clone(opts.Counts)
		if !slices.Contains(counts, count) {
			counts = append(counts, count)
		}
		for _, n := range counts {
			row.MDEByCount[n] = verdict.Number(mde(pooled, n, cal.Alpha, opts, rng))
		}
		row.MDEPct = row.MDEByCount[count]
		switch {
		case r.Status == verdict.StatusRegression:
			row.Noisy, row.Reason = true, "the A/A comparison called it a regression"
		case !row.MDEPct.Finite() || float64(row.MDEPct) > 2*row.ThresholdPct:
			row.Noisy, row.Reason = true, fmt.Sprintf("smallest detectable change %s is more than twice the %g%% threshold", pct(row.MDEPct), row.ThresholdPct)
		}
		cal.Rows = append(cal.Rows, row)
	}
	cal.Recommendation = recommend(cal, opts)
	return cal
}

// relative divides samples by their median, so that effects are relative.
func relative(v []float64) []float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	if med == 0 {
		return s
	}
	for i := range s {
		s[i] /= med
	}
	return s
}

// mde returns the smallest effect (percent) that n samples per side
// detect (U test p < alpha) with probability opts.Power, resampling the
// observed noise; +Inf when none in the grid is.
func mde(pooled []float64, n int, alpha float64, opts Options, rng *rand.Rand) float64 {
	if slices.Min(pooled) == slices.Max(pooled) {
		// Constant samples (B/op, allocs/op): any change separates the
		// sides completely, so the test detects it once n can reach alpha.
		if verdict.CanReach(n, n, alpha) {
			return effects[0]
		}
		return math.Inf(1)
	}
	th := &benchmath.Thresholds{CompareAlpha: alpha}
	a, b := make([]float64, n), make([]float64, n)
	detects := func(e float64) bool {
		hits := 0
		for t := 0; t < opts.Trials; t++ {
			for i := range n {
				a[i] = pooled[rng.IntN(len(pooled))]
				b[i] = pooled[rng.IntN(len(pooled))] * (1 + e/100)
			}
			cmp := benchmath.AssumeNothing.Compare(benchmath.NewSample(slices.Clone(a), th), benchmath.NewSample(slices.Clone(b), th))
			if cmp.P < alpha {
				hits++
			}
		}
		return float64(hits) >= opts.Power*float64(opts.Trials)
	}
	// Power grows with the effect: binary search for the smallest effect
	// of the grid that is detected.
	lo, hi := 0, len(effects)
	for lo < hi {
		mid := (lo + hi) / 2
		if detects(effects[mid]) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo < len(effects) {
		return effects[lo]
	}
	return math.Inf(1)
}

func recommend(cal *Calibration, opts Options) Recommendation {
	rec := Recommendation{Count: opts.Counts[len(opts.Counts)-1]}
	gated := 0
	for _, r := range cal.Rows {
		if !zeroSpread(r) {
			gated++
		}
	}
	if gated == 0 {
		rec.Count = cal.Count
		rec.Notes = append(rec.Notes, "every metric was constant on both sides: any count detects any change")
		return rec
	}
	for _, n := range opts.Counts {
		ok := 0
		for _, r := range cal.Rows {
			if zeroSpread(r) {
				continue
			}
			if m := r.MDEByCount[n]; m.Finite() && float64(m) <= r.ThresholdPct {
				ok++
			}
		}
		if float64(ok) >= 0.9*float64(gated) {
			rec.Count = n
			break
		}
	}
	p90 := func(c verdict.Class) float64 {
		var v []float64
		for _, r := range cal.Rows {
			if r.Class == c && !zeroSpread(r) {
				m := float64(r.MDEByCount[rec.Count])
				if math.IsInf(m, 1) || math.IsNaN(m) {
					m = 200
				}
				v = append(v, m)
			}
		}
		if len(v) == 0 {
			return 0
		}
		slices.Sort(v)
		return math.Ceil(v[min(len(v)-1, int(math.Ceil(0.9*float64(len(v))))-1)])
	}
	rec.Thresholds = verdict.Thresholds{Throughput: p90(verdict.Throughput), Latency: p90(verdict.Latency), Memory: p90(verdict.Memory), Improvement: 0}
	noisy := 0
	for _, r := range cal.Rows {
		if r.Noisy {
			noisy++
		}
	}
	rec.Notes = append(rec.Notes,
		fmt.Sprintf("%d rounds detect a change of its threshold in at least 90%% of the %d metrics that vary", rec.Count, gated),
		fmt.Sprintf("%d of %d metrics are too noisy to gate on at %d rounds; their verdicts are marked (noisy)", noisy, len(cal.Rows), cal.Count),
	)
	return rec
}

func zeroSpread(r Row) bool { return r.SpreadPct.Finite() && r.SpreadPct == 0 }

func pct(n verdict.Number) string {
	if !n.Finite() {
		return "over 200%"
	}
	return fmt.Sprintf("%g%%", float64(n))
}

// Noisy returns the verdict.MetricKey of the noisy metrics, for
// verdict.Options.Noisy.
func (c *Calibration) Noisy() map[string]bool {
	m := map[string]bool{}
	for _, r := range c.Rows {
		if r.Noisy {
			m[verdict.MetricKey(r.Pkg, r.Benchmark, r.Unit)] = true
		}
	}
	return m
}

// Read reads calibration.json.
func Read(path string) (*Calibration, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading calibration: %w", err)
	}
	var c Calibration
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("reading calibration %s: %w", path, err)
	}
	if c.Schema != Schema {
		return nil, fmt.Errorf("reading calibration %s: schema %d, want %d: calibrate again", path, c.Schema, Schema)
	}
	return &c, nil
}
