package runner

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Runs that overran: a benchmark whose cost per op grows with N (a rate
// limiter past its burst: 0.2µs an op within it, 79µs past it, on the
// user's suites) is cheap in the pilot's short runs and takes far longer
// than the benchtime at the count the pilot gives (8.4s a run at 100ms).
// No pilot shorter than a round sees it; the rounds do. A benchmark
// whose run took over Overrun times the benchtime on the side that ran it
// first in a main round runs, from then on, the count that run's cost
// gives, on every side: the round's run that overran is left out and run
// again at the new count, so a round holds one count per benchmark and
// the other side does not take as long again. After each main round, one
// that overran on the side that ran second (a regression of that size)
// runs the count its cost gives in the rounds after it.

// Overrun is how many times the benchtime a benchmark's timed loop must
// take in a round for the next rounds to run it at a count from that
// round's cost: far beyond what a loaded machine does to a run (two busy
// loops on two cores made runs 2-4x slower) times what a regression does
// (at the sides' geometric mean cost, a side k times costlier runs √k
// times the benchtime: 2x for 4x), so that only a cost that grows with N,
// or a pilot that was wrong by as much, changes a count. The rate
// limiter above ran 84x.
const Overrun = 20

// tookNs are the ns/op each benchmark (package, name) took in the round
// under way, the most of the sides.
type tookNs struct {
	mu sync.Mutex
	ns map[unitID]float64
}

// note records that benchmark name of package pkg took ns an op.
func (t *tookNs) note(pkg int, name string, ns float64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ns == nil {
		t.ns = map[unitID]float64{}
	}
	id := unitID{pkg, name}
	t.ns[id] = max(t.ns[id], ns)
}

// of is what benchmark name of package pkg took an op; 0 when not known.
func (t *tookNs) of(pkg int, name string) float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ns[unitID{pkg, name}]
}

// clear forgets what was noted.
func (t *tookNs) clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.ns)
}

// shorten gives each benchmark unit whose run overran (its timed loop
// over Overrun x target at the cost per op the round took so far) the
// count that cost gives for target, says so, and returns them. A count
// only ever shrinks. With only set, the round is under way and just the
// benchmarks of the batch only, which one side ran, are looked at: the
// other sides run the new count too.
func (p *Plan) shorten(units []unit, target time.Duration, only *unit, prog Progress) map[unitID]bool {
	if target <= 0 {
		return nil
	}
	var over map[unitID]bool
	for i, u := range units {
		if only != nil && !only.holds(u) {
			continue
		}
		n := fixedN(u)
		ns := p.took.of(u.pkg, u.leaf)
		if u.leaf == "" || n <= 0 || ns <= 0 || float64(n)*ns <= float64(Overrun*target) {
			continue
		}
		m := iterationsFor(target, ns, u.untimed)
		if m >= n {
			continue
		}
		units[i].Time = fmt.Sprintf("%dx", m)
		units[i].ns = ns
		if over == nil {
			over = map[unitID]bool{}
		}
		over[unitID{u.pkg, u.leaf}] = true
		when := "the next rounds run"
		if only != nil {
			when = "that run is left out, and this round's runs and the next rounds' run"
		}
		prog.Note(fmt.Sprintf("%s: a run of %d iterations took %s, %.0fx the pilot's cost per op (a cost that grows with N?); %s %d on both sides",
			u.Label, n, time.Duration(float64(n)*ns).Round(time.Millisecond), ns/max(u.ns, 1e-9), when, m))
	}
	return over
}

// rerunOverran ends a round's run of batch u after the side that ran it
// first, sides[0], overran on the benchmarks over (given their new counts
// in units; its results of them left out): the other sides run u's other
// benchmarks, then the overran ones run on every side at their new
// counts, so that a round holds one count per benchmark on every side.
func (p *Plan) rerunOverran(ctx context.Context, label string, units []unit, u unit, over map[unitID]bool, sides []*Tree, bufs map[string]*bytes.Buffer, res *Result, prog Progress) (interrupted, fatal error) {
	var rest, again []unit
	for _, v := range units {
		if !u.holds(v) {
			continue
		}
		if over[unitID{v.pkg, v.leaf}] {
			again = append(again, v)
		} else {
			rest = append(rest, v)
		}
	}
	for _, tr := range sides[1:] {
		if !p.runs(tr, u) {
			continue
		}
		prog.Step(fmt.Sprintf("%s %s %s", label, u.Label, tr.Name))
		for _, b := range p.batches(rest) {
			if p.runs(tr, b) {
				if interrupted, fatal = p.runOn(ctx, tr, b, bufs[tr.Name], res, prog); interrupted != nil || fatal != nil {
					return interrupted, fatal
				}
			}
		}
	}
	for _, b := range p.batches(again) {
		for _, tr := range sides {
			if p.runs(tr, b) {
				if interrupted, fatal = p.runOn(ctx, tr, b, bufs[tr.Name], res, prog); interrupted != nil || fatal != nil {
					return interrupted, fatal
				}
			}
		}
	}
	return nil, nil
}

// withoutResults is a run's output without the result lines of the
// benchmarks of package pkg in over.
func withoutResults(out []byte, pkg int, over map[unitID]bool) []byte {
	if len(over) == 0 {
		return out
	}
	var kept []byte
	for _, line := range strings.SplitAfter(string(out), "\n") {
		if strings.HasPrefix(line, "Benchmark") && over[unitID{pkg, resultName(strings.TrimSuffix(line, "\n"))}] {
			continue
		}
		kept = append(kept, line...)
	}
	return kept
}
