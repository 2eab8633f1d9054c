package runner

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/counter"
	"github.com/benchgate/benchgate/internal/lines"
)

// Counted together: binaries built with the marks (counter.Overlay) are
// counted under callgrind, which the marks zero before and dump after
// each run of a benchmark function (named after it and its b.N), so one
// process per binary, side and round counts all its benchmarks, each
// with its own iteration counts (counter.BenchTimeEnv). A benchmark's
// instructions per op are the difference of a run of N and one of 2
// iterations over N-2, as with a process per benchmark; process start,
// package setup and the other benchmarks are outside its dumps. The run
// of 2 is counted once per binary (kept as the short run): in the first
// round's process, before the run of N (-test.count=2), so that both
// are warm (Go's b.N=1 run before each, where package-level lazy work
// happens, is not used). A benchmark that uses b.Loop has no b.N=1 run
// before its own, so its runs of 2 and of N are each the first of their
// process, and the lazy work is in both.

// countGroups are the units counted together: with the marks, those of
// one package, the same sides and the same name depth (a -test.bench
// pattern of more levels than a benchmark's name does not run it); else
// each unit alone.
func (p *Plan) countGroups(units []unit) [][]unit {
	if !p.marks {
		gs := make([][]unit, len(units))
		for i, u := range units {
			gs[i] = []unit{u}
		}
		return gs
	}
	type key struct {
		pkg   int
		trees string
		depth int
	}
	var order []key
	groups := map[key][]unit{}
	for _, u := range units {
		k := key{u.pkg, strings.Join(u.Trees, ","), strings.Count(u.leaf, "/")}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], u)
	}
	gs := make([][]unit, len(order))
	for i, k := range order {
		gs[i] = groups[k]
	}
	return gs
}

// countMarked counts g's units together, in one process for those not
// kept from before (and one more for the short runs of those that use
// b.Loop). It writes nothing and returns what failed when a run failed
// (countGroup then counts one by one).
func (p *Plan) countMarked(ctx context.Context, bin, dir string, g []unit, pk Package, round int, out *bytes.Buffer) []string {
	shorts, longs := make([]*counted, len(g)), make([]*counted, len(g))
	shortKeys, longKeys := make([]string, len(g)), make([]string, len(g))
	keptShort, keptLong := make([]bool, len(g)), make([]bool, len(g))
	var loops, together []int // the short runs to count on their own, with the long ones
	var todo []int
	for i, u := range g {
		key := p.countKey(bin, dir, u)
		shortKeys[i], longKeys[i] = key+"|short", p.longKey(key, round)
		shorts[i], keptShort[i] = p.countCache.get(shortKeys[i])
		if longKeys[i] != "" {
			longs[i], keptLong[i] = p.countCache.get(longKeys[i])
		}
		switch {
		case shorts[i] == nil && p.calls(dir, u.leaf)["Loop"]:
			loops = append(loops, i)
		case shorts[i] == nil:
			together = append(together, i)
		}
		if longs[i] == nil || shorts[i] == nil {
			todo = append(todo, i)
		}
	}
	if len(loops) > 0 {
		if fails := p.markedRun(ctx, bin, dir, g, loops, func(int) []int64 { return []int64{2} }, shorts, nil); fails != nil {
			return fails
		}
	}
	if len(todo) > 0 {
		seq := func(i int) []int64 {
			if slices.Contains(together, i) {
				return []int64{2, countN(g[i])}
			}
			return []int64{countN(g[i])}
		}
		if fails := p.markedRun(ctx, bin, dir, g, todo, seq, shorts, longs); fails != nil {
			return fails
		}
	}
	if ctx.Err() != nil {
		return []string{"interrupted"}
	}
	for i, u := range g {
		if !keptShort[i] {
			p.countCache.put(shortKeys[i], shorts[i])
		}
		if longKeys[i] != "" && !keptLong[i] {
			p.countCache.put(longKeys[i], longs[i])
		}
		if e := p.writeCount(out, pk, dir, u, shorts[i], longs[i]); e != nil {
			return e
		}
	}
	return nil
}

// markedRun counts the units of g at indexes todo in one process, each
// with the iteration counts seq gives (-test.count as many), and sets
// the short runs (2 iterations, where shorts[i] is nil) and the long
// ones (countN, where longs is not nil) it counted. It returns what
// failed; nothing when the context ended.
func (p *Plan) markedRun(ctx context.Context, bin, dir string, g []unit, todo []int, seq func(i int) []int64, shorts, longs []*counted) []string {
	var counts []string
	var run []unit
	count := 1
	timeout := time.Duration(0)
	for _, i := range todo {
		u, ns := g[i], seq(i)
		run = append(run, u)
		f := make([]string, len(ns))
		for j, n := range ns {
			f[j] = fmt.Sprint(n)
		}
		counts = append(counts, u.leaf+"="+strings.Join(f, ","))
		count = max(count, len(ns))
		timeout += time.Duration(len(ns)) * max(u.Timeout, time.Minute)
	}
	args := []string{"-test.run=^$", "-test.bench=" + pattern(run), "-test.benchmem", fmt.Sprintf("-test.count=%d", count), "-test.benchtime=1x", "-test.timeout=" + max(timeout, PackageTimeout).String()}
	r, err := p.counter.Run(ctx, bin, args, dir, []string{counter.BenchTimeEnv + "=" + strings.Join(counts, "\n")})
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", run[0].leaf, err)}
	}
	if r.Exit != nil {
		what := run[0].leaf
		if len(run) > 1 {
			what = fmt.Sprintf("%s and %d more", what, len(run)-1)
		}
		return []string{fmt.Sprintf("%s: the counted run exited with %v: %s", what, r.Exit, lines.First(strings.TrimSpace(string(r.Stderr)), 3))}
	}
	fields, config := resultsOf(r.Stdout)
	for _, i := range todo {
		u, n := g[i], countN(g[i])
		if shorts[i] == nil {
			s := lastMark(r.Marks[u.leaf], 2)
			if s == nil {
				return []string{fmt.Sprintf("%s: the counted run has no run of it of 2 iterations", u.leaf)}
			}
			shorts[i] = &counted{N: 2, Instructions: s.Instructions, Config: config}
		}
		if longs != nil {
			l := lastMark(r.Marks[u.leaf], n)
			if l == nil || fields[u.leaf] == nil {
				return []string{fmt.Sprintf("%s: the counted run has no run of it of %d iterations", u.leaf, n)}
			}
			longs[i] = &counted{N: n, Instructions: l.Instructions, Fields: fields[u.leaf], Config: config}
		}
	}
	return nil
}

// lastMark is the last of a benchmark's runs with n iterations, nil when
// there is none.
func lastMark(runs []counter.Mark, n int64) *counter.Mark {
	for i := len(runs) - 1; i >= 0; i-- {
		if runs[i].N == n {
			return &runs[i]
		}
	}
	return nil
}

// resultsOf returns the fields of each result line of a run's output, by
// benchmark name without its -procs suffix, and its config lines.
func resultsOf(stdout []byte) (fields map[string][]string, config []string) {
	fields = map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		switch line := sc.Text(); {
		case resultLine.MatchString(line):
			f := strings.Fields(line)
			fields[trimProcs(f[0])] = f
		case configLine.MatchString(line):
			config = append(config, line)
		}
	}
	return fields, config
}
