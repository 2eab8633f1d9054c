package runner

import (
	"fmt"
	"sync"
	"time"
)

// Runs that overran: a benchmark whose cost per op grows with N (a rate
// limiter past its burst: 0.2µs an op within it, 79µs past it, on the
// user's suites) is cheap in the pilot's short runs and takes far longer
// than the benchtime at the count the pilot gives (8.4s a run at 100ms).
// No pilot shorter than a round sees it; the rounds do. After each main
// round a benchmark whose run took over Overrun times the benchtime, on
// the side that took longer, runs the count its cost in that round gives
// in the rounds after it, on both sides alike.

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
// over Overrun x target at the cost per op the round just ended took)
// the count that cost gives for target, and says so. A count only ever
// shrinks.
func (p *Plan) shorten(units []unit, target time.Duration, prog Progress) {
	if target <= 0 {
		return
	}
	for i, u := range units {
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
		prog.Note(fmt.Sprintf("%s: a run of %d iterations took %s, %.0fx the pilot's cost per op (a cost that grows with N?); the next rounds run %d on both sides",
			u.Label, n, time.Duration(float64(n)*ns).Round(time.Millisecond), ns/max(u.ns, 1e-9), m))
	}
}
