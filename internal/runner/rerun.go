package runner

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
)

// A dead process costs only the benchmark that killed it. Benchmarks of
// one binary share a process (a batch, or the pilot's run of the whole
// package), so a panic, an os.Exit or a hang would otherwise take every
// benchmark after it down too, and they would show as failed (or, on
// the base side, the current side's as new) though they run fine. When a
// run dies, runUnit names the benchmark that was running and runs the
// ones that had not run yet again in a fresh process, with the same
// iteration count, until none is left.

// maxReruns bounds the fresh processes one unit may take after crashes.
const maxReruns = 1000

// runUnit runs u on one side, appending its results to out, its time to
// stats and recording what failed in res (what prefixes the messages:
// "profiling: "). When the process dies, the rest runs again in fresh
// processes. It returns the benchmarks with results; its error is the
// context's or a binary that could not be started.
func (p *Plan) runUnit(ctx context.Context, tr *Tree, pk Package, bin string, u unit, out *bytes.Buffer, stats *Stats, res *Result, what string, prog Progress) ([]string, error) {
	var done []string
	u.direct = p.direct && fixedN(u) > 0 && u.expected() != nil
	for range maxReruns {
		before := *stats
		r, err := runBinary(ctx, bin, pkgDir(tr, pk), u, pk, out, stats)
		stats.Starts += p.startCost[bin]
		stats.addUntimed(u.Label, stats.Exec-before.Exec-(stats.Timed-before.Timed)-p.startCost[bin])
		if cerr := ctx.Err(); cerr != nil {
			return done, cerr
		}
		if err != nil {
			return done, err
		}
		for _, f := range r.fails {
			res.failBench(tr, pk, what, f, prog)
		}
		done = append(done, r.done...)
		for name, ns := range r.took {
			p.took.note(u.pkg, name, ns)
		}
		next, ok := u.rest(r)
		if !ok {
			return done, nil
		}
		prog.Note(fmt.Sprintf("%s: %s: %s died; the benchmarks after it run again in a fresh process", tr.Name, pk.ImportPath, r.fails[len(r.fails)-1].leaf))
		u = next
	}
	return done, nil
}

// rest is the unit that runs what a dead run r of u left: for benchmark
// units the benchmarks it had not reached, for a whole package the same
// pattern skipping what ran and what died. ok is false when nothing is
// left or the benchmark that died cannot be named (running again would
// die again).
func (u unit) rest(r ran) (unit, bool) {
	if !r.died || len(r.fails) == 0 {
		return u, false
	}
	culprit := r.fails[len(r.fails)-1].leaf
	if culprit == "" {
		return u, false
	}
	if u.expected() != nil {
		if len(r.rest) == 0 {
			return u, false
		}
		next := u
		next.leaves, next.leaf = nil, r.rest[0]
		if len(r.rest) > 1 {
			next.leaves, next.leaf = r.rest, ""
		}
		next.Bench = ExactPattern(r.rest)
		next.Label = fmt.Sprintf("%s (after %s died)", u.Label, culprit)
		return next, true
	}
	skip := append(slices.Clone(r.done), culprit)
	next := u
	next.Skip = strings.Join(append(nonEmpty(u.Skip), ExactPattern(skip)), "|")
	if next.Skip == u.Skip {
		return u, false
	}
	return next, true
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
