package verdict

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/aclements/go-moremath/stats"
	"golang.org/x/perf/benchmath"
)

// ErrNothingInCommon is returned when base and current share no benchmark.
var ErrNothingInCommon = errors.New("base and current have no benchmark in common")

// CompareFiles reads two results files and compares them (Compare).
func CompareFiles(basePath, currentPath string, opts Options) (*Comparison, error) {
	base, err := ReadFile(basePath)
	if err != nil {
		return nil, err
	}
	cur, err := ReadFile(currentPath)
	if err != nil {
		return nil, err
	}
	return Compare(base, cur, opts)
}

// Compare decides, for every benchmark metric in base and current, whether
// it regressed, improved or stayed within noise. A regression needs both a
// significant Mann-Whitney U test (p < alpha) and a change of the median
// beyond the class threshold in the bad direction.
func Compare(base, current *Set, opts Options) (*Comparison, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	c := Empty(opts)
	c.Base, c.Current = sideOf(base), sideOf(current)
	c.Warnings = append(c.Warnings, base.Warnings...)
	c.Warnings = append(c.Warnings, current.Warnings...)
	c.Warnings = append(c.Warnings, environmentWarnings(c.Base, c.Current)...)

	pairs, common := pair(base, current, &c.Warnings)
	if common == 0 {
		return nil, fmt.Errorf("comparing %s with %s: %w: check that both files come from the same packages and benchmarks", base.File, current.File, ErrNothingInCommon)
	}
	th := &benchmath.Thresholds{CompareAlpha: opts.Alpha}
	for _, p := range pairs {
		c.Rows = append(c.Rows, row(p, base, current, &opts, th))
		c.Settings.Counted = c.Settings.Counted || c.Rows[len(c.Rows)-1].Class.Counted()
		c.Settings.Cycles = c.Settings.Cycles || c.Rows[len(c.Rows)-1].Class == Cycles
	}
	correct(c.Rows, opts.Correction)
	for i := range c.Rows {
		decide(&c.Rows[i], &opts)
	}
	c.count()
	return c, nil
}

// Empty is a comparison of nothing, made with opts: what a report shows
// when there is no evidence at all (its gaps say why).
func Empty(opts Options) *Comparison {
	return &Comparison{
		Schema:    Schema,
		Generated: time.Now().UTC(),
		Settings: Settings{
			Thresholds:   opts.Thresholds,
			Overrides:    opts.Overrides,
			Alpha:        opts.Alpha,
			Confidence:   opts.Confidence,
			Correction:   opts.Correction,
			AllowMissing: opts.AllowMissing,
		},
	}
}

type seriesPair struct{ base, cur *Series }

// pair matches base and current series by key. A benchmark that ran with
// a different GOMAXPROCS on the two sides (BenchmarkX-8 vs BenchmarkX-4) is
// still paired when each side has only one, with a warning.
func pair(base, current *Set, warnings *[]string) ([]seriesPair, int) {
	type loose struct{ pkg, name, unit string }
	byLoose := func(s *Set) map[loose][]*Series {
		m := map[loose][]*Series{}
		for _, ser := range s.Series {
			k := loose{ser.Pkg, ser.Name, ser.Unit}
			m[k] = append(m[k], ser)
		}
		return m
	}
	bl, cl := byLoose(base), byLoose(current)
	used := map[*Series]bool{}
	var pairs []seriesPair
	common := 0
	for _, cs := range current.Series {
		bs := base.Lookup(cs.Key)
		if bs == nil {
			k := loose{cs.Pkg, cs.Name, cs.Unit}
			if b, c := bl[k], cl[k]; len(b) == 1 && len(c) == 1 {
				bs = b[0]
				if w := fmt.Sprintf("%s: compared across GOMAXPROCS %d (base) and %d (current)", cs.Name, bs.Procs, cs.Procs); !slices.Contains(*warnings, w) {
					*warnings = append(*warnings, w)
				}
			}
		}
		if bs != nil {
			used[bs] = true
			common++
		}
		pairs = append(pairs, seriesPair{bs, cs})
	}
	for _, bs := range base.Series {
		if !used[bs] {
			pairs = append(pairs, seriesPair{bs, nil})
		}
	}
	return pairs, common
}

func sideOf(s *Set) Side {
	return Side{
		File:    s.File,
		Ref:     s.Config["ref"],
		Commit:  s.Config["commit"],
		Date:    s.Config["date"],
		Go:      s.Config["go"],
		GOOS:    s.Config["goos"],
		GOARCH:  s.Config["goarch"],
		CPU:     s.Config["cpu"],
		Counter: s.Config["counter"],
	}
}

// environmentWarnings says when the two sides ran on different machines or
// toolchains: their difference then measures the machines, not the code.
func environmentWarnings(b, c Side) []string {
	var ws []string
	for _, f := range []struct{ name, b, c string }{
		{"goos", b.GOOS, c.GOOS}, {"goarch", b.GOARCH, c.GOARCH}, {"cpu", b.CPU, c.CPU}, {"go", b.Go, c.Go},
	} {
		if f.b != "" && f.c != "" && f.b != f.c {
			ws = append(ws, fmt.Sprintf("base and current differ in %s (%q vs %q): the comparison measures the environment too", f.name, f.b, f.c))
		}
	}
	return ws
}

func row(p seriesPair, base, current *Set, opts *Options, th *benchmath.Thresholds) Row {
	ref, units := p.cur, current.Units
	if ref == nil {
		ref, units = p.base, base.Units
	}
	class, better := Classify(ref.Unit, units.GetBetter(ref.Unit))
	suite := ref.Suite
	if suite == "" && p.base != nil {
		suite = p.base.Suite
	}
	t := opts.thresholdsFor(suite, ref.Name)
	r := Row{
		Suite:          suite,
		Pkg:            ref.Pkg,
		Benchmark:      fullName(ref),
		Unit:           ref.DisplayUnit,
		Class:          class,
		Better:         better,
		DeltaPct:       Number(math.NaN()),
		P:              Number(math.NaN()),
		ThresholdPct:   t.For(class, better),
		ImprovementPct: t.Improvement,
		Noisy:          opts.Noisy[MetricKey(ref.Pkg, ref.Name, ref.DisplayUnit)],
	}
	if reason := invalid(p, class); reason != "" {
		unjudged(&r, p, reason)
		return r
	}
	judge(&r, p, units.GetAssumption(ref.Unit), opts, th)
	return r
}

// unjudged fills a row that is shown with its samples, never judged, for
// reason: the rest of the comparison stays intact.
func unjudged(r *Row, p seriesPair, reason string) {
	r.Reason = reason
	addWarning(&r.Warnings, r.Benchmark+" "+r.Unit+": "+reason)
	for _, side := range []struct {
		ser *Series
		st  **Stats
	}{{p.base, &r.Base}, {p.cur, &r.Current}} {
		if side.ser != nil {
			*side.st = &Stats{Center: Number(math.NaN()), Lo: Number(math.NaN()), Hi: Number(math.NaN()), N: len(side.ser.Values), Samples: scaled(side.ser)}
		}
	}
}

// judge summarizes both sides of a row and, when both have samples, its
// change and the test's p-value (counted instructions: the samples
// themselves, for decideCounted).
func judge(r *Row, p seriesPair, assume benchmath.Assumption, opts *Options, th *benchmath.Thresholds) {
	class := r.Class
	var bs, cs *benchmath.Sample
	if p.base != nil {
		bs = benchmath.NewSample(slices.Clone(p.base.Values), th)
		r.Base = summarize(bs, p.base, assume, opts.Confidence, &r.Warnings)
	}
	if p.cur != nil {
		cs = benchmath.NewSample(slices.Clone(p.cur.Values), th)
		r.Current = summarize(cs, p.cur, assume, opts.Confidence, &r.Warnings)
	}
	if bs == nil || cs == nil {
		return
	}
	b, cur := float64(r.Base.Center), float64(r.Current.Center)
	switch {
	case b == cur:
		r.DeltaPct = 0
	case b != 0:
		// Relative to |base|: from -100 to -200 is -100%, a decrease.
		r.DeltaPct = Number((cur - b) / math.Abs(b) * 100)
	default:
		r.DeltaPct = Number(math.Inf(sign(cur - b)))
	}
	if class.Counted() {
		for _, ser := range []*Series{p.base, p.cur} {
			if ser.Uncounted != "" {
				r.Status, r.Reason = StatusNotCounted, "not counted: "+ser.Uncounted+"; only time can judge it"
			}
		}
		// Judged by decideCounted, on the samples themselves: a U test
		// of 3+3 near-identical counts means nothing either way.
		r.ImprovementPct = r.ThresholdPct
		r.Unverified = len(bs.Values) < 2 || len(cs.Values) < 2
		return
	}
	if underpowered(len(bs.Values), len(cs.Values), opts.Alpha) {
		r.Unverified = true
		return
	}
	cmp := assume.Compare(bs, cs)
	r.P = Number(cmp.P)
	for _, w := range cmp.Warnings {
		if !errors.Is(w, stats.ErrSamplesEqual) {
			addWarning(&r.Warnings, w.Error())
		}
	}
}

// The reasons a row is shown but not judged.
const (
	ReasonNoFinite = "no finite samples on one side (NaN or ±Inf were left out): not judged"
	ReasonNegative = "negative samples, which a time, memory or throughput cannot be: not judged"
)

// invalid says why a pair of series cannot be judged: a side whose every
// sample was non-finite, or negative samples of a unit that cannot be
// negative. "" when it can be.
func invalid(p seriesPair, class Class) string {
	for _, ser := range []*Series{p.base, p.cur} {
		if ser != nil && len(ser.Values) == 0 {
			return ReasonNoFinite
		}
	}
	if class != Latency && class != Memory && class != Throughput {
		return ""
	}
	for _, ser := range []*Series{p.base, p.cur} {
		if ser != nil && slices.ContainsFunc(ser.Values, func(v float64) bool { return v < 0 }) {
			return ReasonNegative
		}
	}
	return ""
}

func scaled(ser *Series) []float64 {
	out := make([]float64, len(ser.Values))
	for i, v := range ser.Values {
		out[i] = v * ser.DisplayFactor
	}
	return out
}

func summarize(s *benchmath.Sample, ser *Series, assume benchmath.Assumption, confidence float64, warnings *[]string) *Stats {
	sum := assume.Summary(s, confidence)
	f := ser.DisplayFactor
	st := &Stats{Center: Number(sum.Center * f), Lo: Number(sum.Lo * f), Hi: Number(sum.Hi * f), N: len(s.Values)}
	st.Samples = scaled(ser)
	for _, w := range sum.Warnings {
		addWarning(warnings, w.Error())
	}
	return st
}

func addWarning(ws *[]string, w string) {
	if !slices.Contains(*ws, w) {
		*ws = append(*ws, w)
	}
}

// CanReach reports whether a Mann-Whitney U test of n1 and n2 samples
// can give p < alpha at all (when the samples are fully separated).
func CanReach(n1, n2 int, alpha float64) bool { return !underpowered(n1, n2, alpha) }

// underpowered reports whether the U test cannot reach alpha with samples
// of n1 and n2 values however far apart they are: its smallest two-sided
// p-value, 2/C(n1+n2, n1), is not below alpha.
func underpowered(n1, n2 int, alpha float64) bool {
	if n1 < 1 || n2 < 1 {
		return true
	}
	lc, _ := math.Lgamma(float64(n1 + n2 + 1))
	l1, _ := math.Lgamma(float64(n1 + 1))
	l2, _ := math.Lgamma(float64(n2 + 1))
	minP := 2 / math.Exp(lc-l1-l2)
	return minP >= alpha
}

// decide sets the row's status from its change, p-value and thresholds.
func decide(r *Row, opts *Options) {
	switch {
	case r.Base == nil:
		r.Status = StatusNew
		return
	case r.Current == nil:
		r.Status = StatusMissing
		name, _ := SplitProcs([]byte(r.Benchmark))
		r.AllowedMissing = opts.missingAllowed(r.Pkg, name)
		return
	}
	if r.Reason == ReasonNoFinite || r.Reason == ReasonNegative {
		r.Status = StatusUndecided
		return
	}
	if r.Class.Counted() {
		decideCounted(r)
		return
	}
	r.Status = StatusOK
	if r.Class == Info || r.Better == 0 || math.IsNaN(float64(r.DeltaPct)) {
		return
	}
	change := float64(r.DeltaPct) * float64(r.Better) // > 0 is good
	significant := r.Unverified || float64(r.P) < opts.Alpha
	switch {
	case -change > r.ThresholdPct && significant:
		r.Status = StatusRegression
	case -change > r.ThresholdPct:
		r.Status = StatusUndecided
	case change > r.ImprovementPct && significant:
		r.Status = StatusImprovement
	}
}

// CountedSpreadFactor is how many times the larger side's spread a
// change of counted instructions must exceed, besides the threshold.
const CountedSpreadFactor = 3

// MaxCountedThresholdPct is the widest threshold a counted row's spread
// may make (see decideCounted): a count that varies more than a third of
// it between runs of the same binary is not counted.
const MaxCountedThresholdPct = 100

// decideCounted judges a row of counted instructions, whose samples
// barely vary: a regression (improvement) is a change of the medians
// beyond the threshold in the bad (good) direction, with every sample of
// one side beyond every sample of the other, and beyond
// CountedSpreadFactor times the larger side's spread (half its range, in
// percent of its median). A side whose spread exceeds half the threshold
// is not counted: its instructions vary between runs of the same binary,
// so they are not what the benchmark's time depends on (parallel,
// sleeping, waiting or contended code). Confirmation then asks fresh runs
// for the same verdict, as for timed rows.
func decideCounted(r *Row) {
	if r.Status == StatusNotCounted {
		return
	}
	r.Status = StatusOK
	if !r.DeltaPct.Finite() {
		return
	}
	sb, sc := halfRange(r.Base.Samples), halfRange(r.Current.Samples)
	spread := max(sb, sc)
	r.SpreadPct = Number(spread)
	if spread > r.ThresholdPct/2 {
		// A noisy count is a wider threshold, not a blind spot: the
		// row is judged at CountedSpreadFactor times its own spread
		// (a change far beyond what its runs vary by is still a
		// change), unless that bound is no use.
		wide := CountedSpreadFactor * spread
		if wide > MaxCountedThresholdPct {
			r.Status = StatusNotCounted
			r.Reason = fmt.Sprintf("instructions/op vary by ±%.1f%% between runs: no useful bound (not CPU-bound or not deterministic: b.RunParallel, sleeps, I/O, locks?); only time can judge it", spread)
			return
		}
		r.Reason = fmt.Sprintf("threshold widened to %.1f%%: %gx the count's own spread of ±%.2f%% between runs", wide, float64(CountedSpreadFactor), spread)
		r.ThresholdPct = wide
		r.ImprovementPct = max(r.ImprovementPct, wide)
	}
	change := float64(r.DeltaPct) * float64(r.Better) // > 0 is good
	lo := func(s []float64) float64 { return slices.Min(s) * float64(-r.Better) }
	hi := func(s []float64) float64 { return slices.Max(s) * float64(-r.Better) }
	// In "badness" terms (higher is worse): current entirely above
	// base, or entirely below.
	worse := min(lo(r.Current.Samples), hi(r.Current.Samples)) > max(lo(r.Base.Samples), hi(r.Base.Samples))
	better := max(lo(r.Current.Samples), hi(r.Current.Samples)) < min(lo(r.Base.Samples), hi(r.Base.Samples))
	beyondNoise := math.Abs(change) > CountedSpreadFactor*max(sb, sc)
	switch {
	case -change > r.ThresholdPct && (r.Unverified || worse && beyondNoise):
		r.Status = StatusRegression
	case -change > r.ThresholdPct:
		r.Status = StatusUndecided
	case change > r.ImprovementPct && (r.Unverified || better && beyondNoise):
		r.Status = StatusImprovement
	}
}

// halfRange is half the range of samples in percent of their median.
func halfRange(s []float64) float64 {
	if len(s) < 2 {
		return 0
	}
	sorted := slices.Sorted(slices.Values(s))
	med := sorted[len(sorted)/2]
	if len(sorted)%2 == 0 {
		med = (sorted[len(sorted)/2-1] + med) / 2
	}
	if med == 0 {
		return 0
	}
	return 50 * (sorted[len(sorted)-1] - sorted[0]) / math.Abs(med)
}

// correct adjusts the p-values of the tested rows for multiple comparisons.
func correct(rows []Row, c Correction) {
	if c == CorrectionNone {
		return
	}
	var idx []int
	for i, r := range rows {
		if r.P.Finite() && r.Class != Info {
			idx = append(idx, i)
		}
	}
	m := float64(len(idx))
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmp.Compare(float64(rows[a].P), float64(rows[b].P))
	})
	adj := make([]float64, len(idx))
	switch c {
	case CorrectionHolm:
		running := 0.0
		for k, i := range idx {
			running = max(running, min(1, (m-float64(k))*float64(rows[i].P)))
			adj[k] = running
		}
	case CorrectionBH:
		running := 1.0
		for k := len(idx) - 1; k >= 0; k-- {
			running = min(running, m/float64(k+1)*float64(rows[idx[k]].P))
			adj[k] = running
		}
	}
	for k, i := range idx {
		rows[i].P = Number(adj[k])
	}
}

// fullName is the benchmark name as go test prints it, with its -N suffix.
func fullName(s *Series) string {
	if s.Procs > 0 {
		return fmt.Sprintf("%s-%d", s.Name, s.Procs)
	}
	return s.Name
}
