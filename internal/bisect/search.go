package bisect

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/lines"
)

// A Measurer measures a commit against the good end, with the same
// iteration counts and statistics every time. again > 0 asks for more
// rounds, pooled with the commit's earlier ones.
type Measurer interface {
	Measure(ctx context.Context, c Commit, again int) (Measurement, error)
}

// Options configure Run.
type Options struct {
	// MinShare is the smallest part of the whole change (good to bad, in
	// log terms) a commit must carry to be named. Default 0.25.
	MinShare float64
	// Again is how many times a commit whose comparison is Unknown is
	// measured again before the point estimate decides. Default 2.
	Again int
	// Log receives progress lines. Default: none.
	Log io.Writer
	// Now is the clock (tests). Default time.Now.
	Now func() time.Time
}

// DefaultOptions are Options' defaults.
var DefaultOptions = Options{MinShare: 0.25, Again: 2}

// ErrBadEnd is returned when the bad end cannot be measured.
var ErrBadEnd = errors.New("the bad end cannot be measured")

// search is one bisection in progress.
type search struct {
	o        Options
	line     []Commit // line[0] is the good end, the last the bad one
	m        Measurer
	meas     map[int]*Measurement
	again    map[int]int
	steps    []Step
	stepAt   map[int]int // position -> index in steps
	follow   []Level     // at the bad end
	res      *Result
	pending  []int // spans of the segments waiting, for the estimate
	measured int
	spent    time.Duration
}

// Run bisects line, whose first commit is the good end and last the bad
// one (oldest first, a first-parent line), and returns its answer.
func Run(ctx context.Context, line []Commit, m Measurer, o Options) (*Result, error) {
	if len(line) < 2 {
		return nil, fmt.Errorf("bisecting: the good and bad ends are the same commit: nothing to search")
	}
	if o.MinShare <= 0 || o.MinShare > 1 {
		o.MinShare = DefaultOptions.MinShare
	}
	if o.Again < 0 {
		o.Again = 0
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &search{o: o, line: line, m: m, meas: map[int]*Measurement{}, again: map[int]int{}, stepAt: map[int]int{}}
	n := len(line) - 1
	s.res = &Result{Schema: Schema, Generated: o.Now().UTC(), Good: line[0], Bad: line[n], Commits: n, MinSharePct: 100 * o.MinShare, Culprits: []Culprit{}}
	if err := s.measureBad(ctx); err != nil {
		return s.finish(), err
	}
	if !s.res.Regressed {
		return s.finish(), nil
	}
	_, err := s.segment(ctx, 0, n)
	return s.finish(), err
}

// finish fills the steps' verdicts and returns the result.
func (s *search) finish() *Result {
	for i := range s.steps {
		st := &s.steps[i]
		if st.Skip == "" && len(s.follow) > 0 {
			st.Verdict = s.decide(0, st.Position, false)
			st.Levels = nil
			for _, f := range s.follow {
				l, _ := s.meas[st.Position].level(f.Key())
				st.Levels = append(st.Levels, l)
			}
		}
	}
	if len(s.res.Culprits) > 0 {
		held := 0.0
		for _, c := range s.res.Culprits {
			held += c.Changes[0].SharePct
		}
		if held < 100*(1-s.o.MinShare) {
			s.res.Notes = append(s.res.Notes, fmt.Sprintf("the culprits hold %.0f%% of the change in %s; no culprit holds the rest, spread over commits in parts under %.0f%% each", held, s.follow[0].Benchmark, 100*s.o.MinShare))
		}
	}
	s.res.Steps = s.steps
	s.res.Measured = s.measured
	s.res.Followed = s.follow
	return s.res
}

// measureBad measures the bad end and chooses the followed metrics: those
// it regressed in. Undecided metrics measure it again, up to Again times.
func (s *search) measureBad(ctx context.Context) error {
	n := len(s.line) - 1
	for {
		m, err := s.measure(ctx, n)
		if err != nil {
			return err
		}
		if m.Skip != "" {
			return fmt.Errorf("%w: %s: %s", ErrBadEnd, s.line[n].Short(), m.Skip)
		}
		undecided := false
		s.follow = nil
		for _, l := range m.Levels {
			if l.Regressed {
				s.follow = append(s.follow, l)
			}
			undecided = undecided || l.Undecided
		}
		if len(s.follow) > 0 || !undecided || s.again[n] >= s.o.Again {
			break
		}
		fmt.Fprintf(s.o.Log, "bisect: the bad end is undecided against the good end: measuring it again (%d of %d)\n", s.again[n]+1, s.o.Again)
		s.again[n]++
	}
	s.res.Regressed = len(s.follow) > 0
	s.report(n, s.meas[n])
	if !s.res.Regressed {
		var seen []string
		for _, l := range s.meas[n].Levels {
			seen = append(seen, fmt.Sprintf("%s %s %+.1f%% [%+.1f%%, %+.1f%%]", l.Benchmark, l.Unit, l.DeltaPct, l.LoPct, l.HiPct))
		}
		fmt.Fprintf(s.o.Log, "bisect: no regression between good %s and bad %s (the gate's thresholds and test); the bad end measured %s\n", s.line[0].Short(), s.line[n].Short(), lines.Capped(seen, 5))
	}
	return nil
}

// measure measures the commit at position i (again: s.again[i]) and keeps
// the step. A followed metric absent from a measured commit skips it.
func (s *search) measure(ctx context.Context, i int) (*Measurement, error) {
	c := s.line[i]
	again := s.again[i]
	if m, ok := s.meas[i]; ok && (m.Skip != "" || s.steps[s.stepAt[i]].Again == again) {
		return m, nil // measured already: a skipped commit stays skipped
	}
	s.progress(i, again)
	start := s.o.Now()
	m, err := s.m.Measure(ctx, c, again)
	if err != nil {
		return nil, fmt.Errorf("measuring %s: %w", c.Short(), err)
	}
	took := s.o.Now().Sub(start)
	if m.Skip == "" && len(s.follow) > 0 {
		var missing []string
		for _, f := range s.follow {
			if _, ok := m.level(f.Key()); !ok {
				missing = append(missing, f.Benchmark+" "+f.Unit)
			}
		}
		if len(missing) > 0 {
			m = Measurement{Skip: "no result for " + strings.Join(missing, ", ") + " (the benchmark does not exist or failed there)", Rounds: m.Rounds}
		}
	}
	if !m.Reused {
		s.measured++
		s.spent += took
	} else if _, seen := s.stepAt[i]; !seen {
		s.res.Reused++
	}
	s.meas[i] = &m
	s.report(i, &m)
	st := Step{Commit: c, Position: i, Rounds: m.Rounds, Again: again, Skip: m.Skip, Reused: m.Reused, Seconds: took.Seconds()}
	if j, ok := s.stepAt[i]; ok {
		st.Seconds += s.steps[j].Seconds
		s.steps[j] = st
	} else {
		s.stepAt[i] = len(s.steps)
		s.steps = append(s.steps, st)
	}
	return &m, nil
}

// report prints what a measurement found for the followed metrics.
func (s *search) report(i int, m *Measurement) {
	if m.Skip != "" || len(s.follow) == 0 {
		return
	}
	var parts []string
	for _, f := range s.follow {
		l, _ := m.level(f.Key())
		parts = append(parts, fmt.Sprintf("%s %s %+.1f%% [%+.1f%%, %+.1f%%]", l.Benchmark, l.Unit, l.DeltaPct, l.LoPct, l.HiPct))
	}
	fmt.Fprintf(s.o.Log, "bisect: %s against the good end (%d rounds): %s\n", s.line[i].Short(), m.Rounds, lines.Capped(parts, 3))
}

// progress says which commit is measured, how many steps are likely
// left and when they may end.
func (s *search) progress(i, again int) {
	what := fmt.Sprintf("commit %d of %d", i, len(s.line)-1)
	if i == len(s.line)-1 {
		what = "the bad end"
	}
	left := 0
	for _, span := range s.pending {
		left += int(math.Ceil(math.Log2(float64(span))))
	}
	eta := ""
	if s.measured > 0 && left > 0 {
		eta = fmt.Sprintf(", about %d more, ETA %s", left, (s.spent / time.Duration(s.measured) * time.Duration(left)).Round(time.Second))
	}
	again1 := ""
	if again > 0 {
		again1 = fmt.Sprintf(" again (%d of %d: not decided yet)", again, s.o.Again)
	}
	n := len(s.steps) + 1
	if j, ok := s.stepAt[i]; ok {
		n = j + 1
	}
	fmt.Fprintf(s.o.Log, "bisect: step %d%s: measuring %s (%s) %q against the good end%s\n", n, eta, s.line[i].Short(), what, s.line[i].Subject, again1)
}

// segment searches the commits after a up to b, both measured (a may be
// the good end) and returns whether it named a culprit.
func (s *search) segment(ctx context.Context, a, b int) (bool, error) {
	v, err := s.settle(ctx, a, b)
	if err != nil || v == Same {
		return false, err
	}
	if b == a+1 {
		s.name(a, b, "")
		return true, nil
	}
	mid, ok, err := s.middle(ctx, a, b)
	if err != nil {
		return false, err
	}
	if !ok {
		s.name(a, b, "skipped")
		return true, nil
	}
	s.pending = append(s.pending, b-mid)
	left, err := s.segment(ctx, a, mid)
	s.pending = s.pending[:len(s.pending)-1]
	if err != nil {
		return left, err
	}
	right, err := s.segment(ctx, mid, b)
	if err != nil {
		return left || right, err
	}
	if !left && !right {
		// The change is there, but no part of it is worth naming alone.
		s.name(a, b, "spread")
	}
	return true, nil
}

// settle decides a against b, measuring again while Unknown and allowed;
// then the point estimate decides, and a note says so.
func (s *search) settle(ctx context.Context, a, b int) (Verdict, error) {
	for {
		v := s.decide(a, b, false)
		if v != Unknown {
			return v, nil
		}
		i, ok := s.wider(a, b)
		if !ok {
			v = s.decide(a, b, true)
			s.res.Notes = append(s.res.Notes, fmt.Sprintf("%s against %s was still undecided after %d more measurements: the point estimate decided %s", s.line[b].Short(), s.line[a].Short(), s.o.Again, v))
			return v, nil
		}
		s.again[i]++
		if _, err := s.measure(ctx, i); err != nil {
			return Unknown, err
		}
		if s.meas[i].Skip != "" {
			return Unknown, fmt.Errorf("measuring %s again: %s", s.line[i].Short(), s.meas[i].Skip)
		}
	}
}

// wider returns the end of a..b (never the good end) with the widest
// interval that may still be measured again.
func (s *search) wider(a, b int) (int, bool) {
	best, width := -1, -1.0
	for _, i := range []int{a, b} {
		if i == 0 || s.again[i] >= s.o.Again {
			continue
		}
		for _, f := range s.follow {
			l, _ := s.meas[i].level(f.Key())
			if w := l.HiPct - l.LoPct; w > width {
				best, width = i, w
			}
		}
	}
	return best, best >= 0
}

// decide compares the measured commits a and b over the followed
// metrics: Different when one is, Same when all are.
func (s *search) decide(a, b int, point bool) Verdict {
	out := Same
	for _, f := range s.follow {
		d, total := s.change(a, b, f.Key())
		v := judge(d, total, s.o.MinShare)
		if point {
			v = byPoint(d, total, s.o.MinShare)
		}
		if v == Different {
			return Different
		}
		if v == Unknown {
			out = Unknown
		}
	}
	return out
}

// change is the metric's change from a to b and the whole change.
func (s *search) change(a, b int, key string) (span, float64) {
	var la *Level
	if a > 0 {
		l, _ := s.meas[a].level(key)
		la = &l
	}
	lb, _ := s.meas[b].level(key)
	bad, _ := s.meas[len(s.line)-1].level(key)
	return between(la, lb), math.Max(signed(bad).mid, 1e-12)
}

// middle measures the commit nearest the middle of a..b that can be
// measured, skipping those that cannot; false when none can.
func (s *search) middle(ctx context.Context, a, b int) (int, bool, error) {
	var order []int
	for i := a + 1; i < b; i++ {
		order = append(order, i)
	}
	mid := float64(a+b) / 2
	slices.SortFunc(order, func(x, y int) int {
		if dx, dy := math.Abs(float64(x)-mid), math.Abs(float64(y)-mid); dx != dy {
			return cmp.Compare(dx, dy)
		}
		return cmp.Compare(x, y)
	})
	for _, i := range order {
		m, err := s.measure(ctx, i)
		if err != nil {
			return 0, false, err
		}
		if m.Skip == "" {
			return i, true, nil
		}
		fmt.Fprintf(s.o.Log, "bisect: skipping %s: %s\n", s.line[i].Short(), m.Skip)
	}
	return 0, false, nil
}

// name records the commits after a up to b as a culprit: one commit, or
// a range with why.
func (s *search) name(a, b int, why string) {
	c := Culprit{Why: why}
	if b == a+1 {
		cm := s.line[b]
		c.Commit, c.Subject, c.Author, c.Date, c.Why = cm.Hash, cm.Subject, cm.Author, cm.Date, ""
	} else {
		for i := a + 1; i <= b; i++ {
			c.Range = append(c.Range, s.line[i].Hash)
		}
	}
	for _, f := range s.follow {
		d, total := s.change(a, b, f.Key())
		lo, hi := signedPct(f, d.lo), signedPct(f, d.hi)
		c.Changes = append(c.Changes, Change{Pkg: f.Pkg, Benchmark: f.Benchmark, Unit: f.Unit,
			DeltaPct: signedPct(f, d.mid), LoPct: min(lo, hi), HiPct: max(lo, hi), SharePct: 100 * d.mid / total})
	}
	s.res.Culprits = append(s.res.Culprits, c)
}

// signedPct turns a change in the regression direction back into the
// metric's own percent.
func signedPct(f Level, l float64) float64 {
	if f.Better > 0 {
		return pct(-l)
	}
	return pct(l)
}
