package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/counter"
)

// Counted together: binaries built with the marks (counter.Overlay) are
// counted under callgrind, which the marks start at a benchmark's first
// ResetTimer (its setup before it runs uninstrumented) and dump after
// each run of a benchmark function (named after it and its b.N), so one
// process per binary, side and round counts all its benchmarks, each run
// once with its own iteration count (counter.BenchTimeEnv: no b.N=1 run
// before it, so its setup runs once a process). A benchmark's
// instructions per op are the difference of a run of N and one of 2
// iterations over N-2, as with a process per benchmark: each run is the
// first of the benchmark in its process, so lazy work on first use is in
// both and cancels, and so does its setup. Process start, package setup
// and the other benchmarks are outside its dumps. The runs of 2 are
// counted once per binary, in a process of their own.

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

// countMarked counts g's units together: the short runs not kept from
// before in one process, the round's long runs in another (and those far
// short of CountFloor again, in a third: refloor), and writes
// the results of the units both counted to out. It returns the units a
// run failed to count (left), with what failed (runErrs), and the units
// whose counts give no count per op (failed), with why (errs).
func (p *Plan) countMarked(ctx context.Context, bin, dir string, g []unit, pk Package, round int, out *bytes.Buffer) (left []unit, runErrs, failed, errs []string) {
	shorts, longs := make([]*counted, len(g)), make([]*counted, len(g))
	shortKeys, longKeys := make([]string, len(g)), make([]string, len(g))
	var needShort, needLong []int
	for i, u := range g {
		key := p.countKey(bin, dir, u)
		shortKeys[i], longKeys[i] = key+"|short", p.longKey(key, round)
		var ok bool
		if shorts[i], ok = p.countCache.get(shortKeys[i]); !ok {
			needShort = append(needShort, i)
		}
		if longKeys[i] != "" {
			longs[i], ok = p.countCache.get(longKeys[i])
		}
		if !ok || longKeys[i] == "" {
			needLong = append(needLong, i)
		}
	}
	// run counts the units at idx (their short runs, or their long ones
	// at n's iterations) and keeps what it counted.
	run := func(idx []int, runs []*counted, keys []string, n func(unit) int64, long bool) (interrupted bool) {
		// Only units whose short run counted go on to their long one.
		idx = slices.DeleteFunc(slices.Clone(idx), func(i int) bool { return long && shorts[i] == nil })
		if len(idx) == 0 {
			return false
		}
		// A long run instruments from the start the benchmarks whose
		// short run showed a short setup and a ResetTimer. Not with the
		// simulated cache: starting the instrumentation empties it, so a
		// run's misses depend on whether it started cold, which the run
		// of 2 and the run of N (and the two sides, whose setups are
		// timed apart) must agree on.
		var eager []string
		for _, i := range idx {
			if s := shorts[i]; long && !counter.SimulatesCache(p.counter) && !s.Again && s.Setup < LazySetup {
				eager = append(eager, g[i].leaf)
			}
		}
		runErrs = append(runErrs, p.markedRun(ctx, bin, dir, g, pk, idx, n, runs, eager)...)
		if ctx.Err() != nil {
			return true
		}
		for _, i := range idx {
			if runs[i] != nil && keys[i] != "" {
				p.countCache.put(keys[i], runs[i])
			}
		}
		return false
	}
	if run(needShort, shorts, shortKeys, func(unit) int64 { return 2 }, false) ||
		run(needLong, longs, longKeys, p.countNFor, true) {
		return g, []string{"interrupted"}, nil, nil
	}
	// A long run far short of CountFloor (its count from a pilot whose
	// time a loaded machine inflated) is counted again, at CountFloor.
	again := map[string]int64{}
	var low []int
	for i, u := range g {
		if n := refloor(shorts[i], longs[i], u.ns); n > 0 {
			again[u.leaf] = n
			low = append(low, i)
		}
	}
	if run(low, longs, longKeys, func(u unit) int64 { return again[u.leaf] }, true) {
		return g, []string{"interrupted"}, nil, nil
	}
	for i, u := range g {
		if shorts[i] == nil || longs[i] == nil {
			left = append(left, u)
			continue
		}
		if e := p.writeCount(out, pk, dir, u, shorts[i], longs[i]); e != nil {
			failed, errs = append(failed, u.leaf), append(errs, e...)
		}
	}
	return left, runErrs, failed, errs
}

// markedRun counts the units of g at indexes todo in one process, each
// with the iteration count n gives, and sets the runs of those it
// counted, also when the process failed after them (a panic, a failed
// benchmark). It returns what failed; nothing when the context ended.
func (p *Plan) markedRun(ctx context.Context, bin, dir string, g []unit, pk Package, todo []int, n func(unit) int64, runs []*counted, eager []string) []string {
	var counts []string
	var run []unit
	timeout := time.Duration(0)
	for _, i := range todo {
		run = append(run, g[i])
		counts = append(counts, fmt.Sprintf("%s=%d", g[i].leaf, n(g[i])))
		timeout += max(g[i].Timeout, time.Minute)
	}
	args := []string{"-test.run=^$", "-test.bench=" + pattern(run), "-test.benchmem", "-test.count=1", "-test.benchtime=1x", "-test.timeout=" + max(timeout, PackageTimeout).String()}
	setups, err := os.CreateTemp("", "benchgate-setups-*")
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", run[0].leaf, err)}
	}
	setups.Close()
	defer os.Remove(setups.Name())
	env := []string{counter.BenchTimeEnv + "=" + strings.Join(counts, "\n"), counter.EagerEnv + "=" + strings.Join(eager, "\n"), counter.SetupsEnv + "=" + setups.Name()}
	var leaves []string
	for _, u := range run {
		leaves = append(leaves, u.leaf)
	}
	stdout := lineWriter{o: output{listed: listedCheck(ctx, bin, dir, leaves)}}
	r, err := p.counter.Run(ctx, bin, args, dir, env, &stdout)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", run[0].leaf, err)}
	}
	o, _ := stdout.done()
	fields, config := resultsOf(o)
	var fails []string
	for _, f := range o.foreign {
		if f.by == "" {
			fails = append(fails, fmt.Sprintf("%s: %s", run[0].leaf, foreignMsg(f.name)))
		}
	}
	for _, i := range todo {
		u, want := g[i], n(g[i])
		if j := slices.IndexFunc(o.foreign, func(f foreignLine) bool { return f.by == u.leaf }); j >= 0 {
			fails = append(fails, fmt.Sprintf("%s: %s", u.leaf, foreignMsg(o.foreign[j].name)))
			continue
		}
		m := lastMark(r.Marks[u.leaf], want)
		if m == nil || len(r.Marks[u.leaf]) != 1 || fields[u.leaf] == nil {
			fails = append(fails, fmt.Sprintf("%s: the counted run has not one run of it of %d iterations but %v", u.leaf, want, r.Marks[u.leaf]))
			continue
		}
		runs[i] = &counted{N: want, Instructions: m.Instructions, CacheCounts: m.CacheCounts, Fields: fields[u.leaf], Config: config}
	}
	readSetups(setups.Name(), g, todo, runs)
	if r.Exit != nil {
		// Benchmarks that failed (b.Fatal, b.Error) say why on stdout.
		var failed []string
		for _, name := range o.failed {
			failed = append(failed, name+": "+o.failMsg(name))
		}
		if len(failed) > 0 {
			return failed
		}
		what := run[0].leaf
		if len(run) > 1 {
			what = fmt.Sprintf("%s and %d more", what, len(run)-1)
		}
		return []string{fmt.Sprintf("%s: the counted run exited with %v: %s", what, r.Exit, exitReason(r.Stderr, pk.Module))}
	}
	return fails
}

// LazySetup is the setup, timed not instrumented under valgrind, from
// which a benchmark's long counted runs leave the instrumentation off
// until its ResetTimer: instrumented, it would take about ten times as
// long, where stopping and starting the instrumentation costs 50-90ms.
const LazySetup = 20 * time.Millisecond

// readSetups sets the Setup and Again of the runs at todo from the marks'
// file (counter.SetupsEnv: a benchmark, its setup in ns, 1 when it had no
// ResetTimer); a run it does not name keeps zero.
func readSetups(path string, g []unit, todo []int, runs []*counted) {
	notes := readNotes(path, 2)
	for _, i := range todo {
		f, ok := notes[g[i].leaf]
		if !ok || runs[i] == nil {
			continue
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		runs[i].Setup, runs[i].Again = time.Duration(ns), f[1] == "1"
	}
}

// readNotes reads a file the marks write, one line per run of a
// benchmark: its name, then n tab-separated fields. It returns each
// benchmark's fields from its last line of that shape; other lines (a
// run cut short, a damaged file) are passed over. A file that cannot be
// read has none.
func readNotes(path string, n int) map[string][]string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	out := map[string][]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Split(l, "\t"); len(f) == n+1 {
			out[f[0]] = f[1:]
		}
	}
	return out
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
func resultsOf(o output) (fields map[string][]string, config []string) {
	fields = map[string][]string{}
	for _, line := range o.results {
		fields[resultName(line)] = strings.Fields(line)
	}
	return fields, o.config
}
