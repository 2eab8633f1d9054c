package runner

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/benchgate/benchgate/internal/counter"
)

// Counting: besides (or instead of) timing, each benchmark runs under an
// instruction counter twice, with 2 and with N iterations; the difference
// of the two counts over N-2 is its instructions per op, free of process
// start, package setup and the benchmark's own setup (both runs do it
// twice: Go's b.N=1 run, then the real one). Counts do not depend on the
// machine's load, so counted runs of both sides run at once, one per core.

// CountTarget is the instructions the difference of a benchmark's two
// counted runs should cover: large enough that the counter's noise
// (±5k instructions a run, rarely 100k) stays under 0.2%.
const CountTarget = 30e6

// InstructionsUnit is the unit counted runs report.
const InstructionsUnit = "instructions/op"

// CyclesUnit is the unit of estimated cycles (counter.EstimatedCycles),
// written beside instructions/op when the counter simulates the cache.
const CyclesUnit = "estimated-cycles/op"

// L1MissesUnit and LLMissesUnit are the simulated cache's misses per op
// that the estimate weighs: shown beside it, not gated.
const (
	L1MissesUnit = "l1-misses/op"
	LLMissesUnit = "ll-misses/op"
)

// DefaultCountRounds is how many rounds count instructions: three samples
// a side, enough for near-deterministic counts.
const DefaultCountRounds = 3

// CountHeap is what a long counted run of an allocating benchmark
// allocates at least: two collections at the runtime's smallest heap
// goal (4 MiB), so that its count per op holds the collector's share
// steadily. 32 MiB cost a first count of this repository's suites
// 1.9-2.2x a timed run (docs/measurements.md). The pilot's short runs of an allocating
// benchmark pay a fresh heap's page faults, so its cost per op said 15-20x
// too much (make([]byte, 64<<10): 230-307µs against 15.7µs), and a count
// of 38 iterations had no collection in some runs and one in others
// (instructions per op ±6-21% between runs; ±0.27% at 512 iterations).
const CountHeap = 8 << 20

// CountLargeAlloc is the B/op from which CountHeap applies: below it an
// op's own work outweighs what it allocates, its count per op varied by
// under 0.2% at the pilot's iteration count, and allocating CountHeap
// would take up to 60x longer (WriteThroughput/size=100B: 2.1 million
// iterations).
const CountLargeAlloc = 1 << 10

// countN is the iteration count of a unit's long counted run: enough ops
// for CountTarget instructions at the instructions per nanosecond of the
// pilot's cost that perNs guesses, at most the timed runs' count, at
// least 10; for a benchmark allocating CountLargeAlloc or more per op,
// enough to allocate CountHeap (at most 20x CountTarget's iterations).
func countN(u unit) int64 {
	n := fixedN(u)
	if n <= 0 {
		return 10
	}
	if u.ns > 0 {
		n = min(n, int64(CountTarget/(perNs(u.ns)*u.ns))+1)
		if u.bytes >= CountLargeAlloc {
			n = max(n, min(int64(math.Ceil(CountHeap/u.bytes)), int64(20*CountTarget/(perNs(u.ns)*u.ns))+1))
		}
	}
	return max(n, 10)
}

// perNs guesses the instructions per nanosecond of an op that the pilot
// timed at ns: 10 for an op under 200ns, 3 for a longer one. Counted, this
// repository's suites on an AMD EPYC host ran 4.1-18.7 instructions per
// ns below 200ns (tight loops), 0.2-8.2 above (allocation, I/O, cache
// misses). A guess below the real figure makes the first round count up
// to 6x CountTarget (later rounds take N from its counts, countNFor); one
// above it counts less than CountTarget in every round (12M at the least
// here, where the counter's noise of ±5k a run is 0.04%).
func perNs(ns float64) float64 {
	if ns < 200 {
		return 10
	}
	return 3
}

// A unitID names a benchmark unit across rounds: its package and leaf.
type unitID struct {
	pkg  int
	leaf string
}

// CountFloor is the instructions a long counted run covers at the least.
// countN takes its iterations from the pilot's time, which a loaded
// machine can inflate by orders of magnitude: one op of about 1µs that
// took a time slice of 10ms gave countN 10 iterations. A run of 2 is
// counted once per binary, so what disturbed it is in every round's count
// per op, divided by N-2: under two busy loops a logging benchmark's
// runs of 2 differed by about 30k instructions, and at 10 iterations its
// 6,015 instructions per op counted 2,242 on one side and 4,952 on the
// other (a false alarm, confirmed). 3M instructions hold such a
// disturbance to 1% of a count per op, half the default threshold.
const CountFloor = CountTarget / 10

// MaxCountGrowth is how many times its iterations a long counted run
// is raised to at most to reach CountFloor: a benchmark whose ops grow
// costlier with N is not run for ever.
const MaxCountGrowth = 1000

// MaxFloorWall bounds a raised long counted run at the pilot's time per
// op: a benchmark that waits (a sleep, a rate limiter, the network) does
// few instructions in a long time, and its wait is not made shorter by
// the counter. 5s lets an op of 6,000 instructions that a loaded pilot
// timed at 10ms reach CountFloor.
const MaxFloorWall = 5 * time.Second

// refloor is the iterations a long counted run is counted again at, when
// it covered under a quarter of CountFloor at the instructions per op it
// and the run of 2 (short) give: enough for CountFloor, at most
// MaxCountGrowth times its own and MaxFloorWall at the pilot's ns per
// op. 0 when it covered enough (every run whose count came from a pilot
// that timed it right, unless its ops wait: countN asks for CountTarget
// at 3-10 instructions per ns, where CPU-bound ops run 0.2 or more) or
// would not be longer.
func refloor(short, long *counted, ns float64) int64 {
	if short == nil || long == nil || long.N <= short.N {
		return 0
	}
	perOp := perOpOf(short, long)
	if !(perOp >= 1) || float64(long.N)*perOp >= CountFloor/4 {
		return 0
	}
	return raise(long.N, perOp, ns)
}

// perOpOf is the instructions per op of a long counted run and the run
// of 2: their difference over the difference of their iterations (which
// the caller makes sure is positive).
func perOpOf(short, long *counted) float64 {
	return (float64(long.Instructions) - float64(short.Instructions)) / float64(long.N-short.N)
}

// raise is n raised to CountFloor's iterations at perOp instructions,
// within MaxCountGrowth and MaxFloorWall at ns; 0 when that is not more.
func raise(n int64, perOp, ns float64) int64 {
	m := min(int64(CountFloor/perOp)+1, MaxCountGrowth*n)
	if ns > 0 {
		m = min(m, int64(float64(MaxFloorWall)/ns))
	}
	if m <= n {
		return 0
	}
	return m
}

// countNFor is countN(u), shortened once u has been counted: the pilot's
// cost guesses 3 instructions per nanosecond, where counts found 6-60
// (this repository's suites on an AMD EPYC host: 585M instructions
// counted where 30M were asked for), so later rounds run the iterations
// CountTarget asks at the instructions per op counted, the most of the
// sides. A benchmark allocating CountLargeAlloc or more per op still
// allocates CountHeap, or as much as its first count did (as countN
// holds it). Only ever shorter than countN, or than what CountFloor asks
// at the count per op where countN fell short of it (refloor).
func (p *Plan) countNFor(u unit) int64 {
	n := countN(u)
	p.countCostMu.Lock()
	c := p.countCost[unitID{u.pkg, u.leaf}]
	p.countCostMu.Unlock()
	if c < 1 {
		return n
	}
	if float64(n)*c < CountFloor/4 {
		n = max(n, raise(n, c, u.ns))
	}
	m := int64(CountTarget/c) + 1
	if u.bytes >= CountLargeAlloc {
		m = max(m, min(n, int64(math.Ceil(CountHeap/u.bytes))))
	}
	return min(n, max(m, 10))
}

// countedAt notes the instructions per op a unit was counted at in this
// round: the next rounds' countNFor reads it, not this one's, whose
// counts each side must agree on.
func (p *Plan) countedAt(u unit, perOp float64) {
	p.countCostMu.Lock()
	defer p.countCostMu.Unlock()
	if p.countNext == nil {
		p.countNext = map[unitID]float64{}
	}
	id := unitID{u.pkg, u.leaf}
	p.countNext[id] = max(p.countNext[id], perOp)
}

// nextCountRound makes the counts of the rounds so far what countNFor
// reads.
func (p *Plan) nextCountRound() {
	p.countCostMu.Lock()
	defer p.countCostMu.Unlock()
	if p.countCost == nil {
		p.countCost = map[unitID]float64{}
	}
	for id, c := range p.countNext {
		p.countCost[id] = max(p.countCost[id], c)
	}
	clear(p.countNext)
}

// countRound counts every unit on every side once, as many at a time as
// there are cores, and appends the results to each side's buffer in
// unit order. With the marks, the units of a binary are counted together
// (countGroups).
func (p *Plan) countRound(ctx context.Context, round int, label string, units []unit, bufs map[string]*bytes.Buffer, res *Result, prog Progress) error {
	type job struct {
		g      []unit
		tr     *Tree
		out    bytes.Buffer
		err    []string
		failed []string
	}
	var jobs []*job
	for _, g := range p.countGroups(units) {
		for _, tr := range p.Trees {
			if p.bins[tr.Name][p.Packages[g[0].pkg].ImportPath] == "" || (g[0].Trees != nil && !slices.Contains(g[0].Trees, tr.Name)) {
				continue
			}
			jobs = append(jobs, &job{g: g, tr: tr})
		}
	}
	start := time.Now()
	defer func() { p.Stats.Counted += time.Since(start) }()
	p.nextCountRound()
	next := make(chan *job)
	var wg sync.WaitGroup
	for range max(1, runtime.NumCPU()) {
		wg.Go(func() {
			for j := range next {
				pk := p.Packages[j.g[0].pkg]
				what := j.g[0].Label
				if len(j.g) > 1 {
					what = fmt.Sprintf("%s %d benchmarks", shortPkg(pk.ImportPath), len(j.g))
				}
				prog.Step(fmt.Sprintf("%s %s %s", label, what, j.tr.Name))
				j.err, j.failed = p.countGroup(ctx, p.bins[j.tr.Name][pk.ImportPath], pkgDir(j.tr, pk), j.g, pk, round, &j.out)
			}
		})
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		next <- j
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, j := range jobs {
		pk := p.Packages[j.g[0].pkg]
		bufs[j.tr.Name].Write(j.out.Bytes())
		if len(j.failed) == 0 {
			res.fail(j.tr, pk, "counting: ", j.err, prog)
		}
		for _, leaf := range j.failed {
			res.failBench(j.tr, pk, "counting: ", failure{leaf: leaf, msg: leafMessage(j.err, leaf)}, prog)
			res.markFailed(j.tr.Name, pk.ImportPath, leaf)
		}
	}
	return nil
}

// countGroup counts the units of g, one binary's: together when the
// binary has the marks, else (or, when that failed, to find which
// failed) one by one. It returns what failed and the benchmarks that did.
func (p *Plan) countGroup(ctx context.Context, bin, dir string, g []unit, pk Package, round int, out *bytes.Buffer) (errs, failed []string) {
	if p.marks {
		// What a failed process left uncounted is counted together
		// again; when nothing was counted, the first of them (they run
		// in this order) is what fails, and the rest go on without it.
		for rest := g; len(rest) > 0 && ctx.Err() == nil; {
			left, runErrs, f, e := p.countMarked(ctx, bin, dir, rest, pk, round, out)
			failed, errs = append(failed, f...), append(errs, e...)
			if len(left) == len(rest) {
				failed, errs = append(failed, left[0].leaf), append(errs, runErrs...)
				left = left[1:]
			}
			rest = left
		}
		return errs, failed
	}
	for _, u := range g {
		if ctx.Err() != nil {
			return errs, failed
		}
		if e := p.count(ctx, bin, dir, u, pk, round, out); len(e) > 0 {
			errs, failed = append(errs, e...), append(failed, u.leaf)
		}
	}
	return errs, failed
}

// count runs one unit under the counter with 2 and with countN(u)
// iterations and writes its config lines and one result line with
// instructions/op (and, when time is not measured, B/op and allocs/op of
// the long run) to out. It returns what failed. The short run counts
// what does not depend on N (start, package setup, the benchmark's own
// setup): the same every time, so it is counted once per binary and
// benchmark, not every round; an unchanged binary's counts of the main
// rounds come from the cache (see countCache).
func (p *Plan) count(ctx context.Context, bin, dir string, u unit, pk Package, round int, out *bytes.Buffer) []string {
	key := p.countKey(bin, dir, u)
	short, fails := p.countRun(ctx, bin, dir, u, pk, 2, key+"|short")
	if fails != nil || short == nil {
		return fails
	}
	long, fails := p.countRun(ctx, bin, dir, u, pk, p.countNFor(u), p.longKey(key, round))
	if fails != nil || long == nil {
		return fails
	}
	if n := refloor(short, long, u.ns); n > 0 {
		if long, fails = p.countRun(ctx, bin, dir, u, pk, n, ""); fails != nil || long == nil {
			return fails
		}
		if k := p.longKey(key, round); k != "" {
			p.countCache.put(k, long)
		}
	}
	return p.writeCount(out, pk, dir, u, short, long)
}

// countKey is where u's counted runs of bin are kept: under the binary's
// and its data's identity, or for this run only.
func (p *Plan) countKey(bin, dir string, u unit) string {
	if !p.recount {
		if prefix := p.countCache.prefix(bin, dir, p.ignore); prefix != "" {
			return prefix + "|" + u.Bench
		}
	}
	return noKeep + bin + "|" + u.Bench // kept for this run only
}

// longKey is the key of a round's long counted run: only the main rounds'
// are kept; "" (counted afresh) otherwise.
func (p *Plan) longKey(key string, round int) string {
	if p.mainRounds && !p.recount {
		return fmt.Sprintf("%s|round=%d", key, round)
	}
	return ""
}

// writeCount writes u's config lines and its result line with
// instructions/op, from its short and long counted runs (and, when time
// is not measured, B/op and allocs/op of the long run), to out. It
// returns what is wrong with them.
func (p *Plan) writeCount(out *bytes.Buffer, pk Package, dir string, u unit, short, long *counted) []string {
	line, cfg := long.Fields, long.Config
	if line == nil {
		return []string{fmt.Sprintf("%s: the counted run printed no result", u.leaf)}
	}
	n := long.N
	if n <= short.N {
		return []string{fmt.Sprintf("%s: counted runs of %d and %d iterations give no count per op", u.leaf, short.N, n)}
	}
	perOp := perOpOf(short, long)
	p.countedAt(u, perOp)
	fmt.Fprintf(out, "suite: %s\n", pk.Suite)
	for _, c := range cfg {
		out.WriteString(c + "\n")
	}
	why := p.uncounted(pk, dir, u.leaf)
	if why != "" {
		fmt.Fprintf(out, "uncounted: %s\n", why)
	}
	name := trimProcs(line[0])
	if procs := runtime.GOMAXPROCS(0); procs > 1 {
		name = fmt.Sprintf("%s-%d", name, procs)
	}
	fmt.Fprintf(out, "%s\t%d\t%.1f %s", name, n, perOp, InstructionsUnit)
	if counter.SimulatesCache(p.counter) {
		per := func(l, s uint64) float64 { return (float64(l) - float64(s)) / float64(n-short.N) }
		fmt.Fprintf(out, "\t%.1f %s\t%.2f %s\t%.2f %s", per(long.Cycles, short.Cycles), CyclesUnit,
			per(long.L1Misses, short.L1Misses), L1MissesUnit, per(long.LLMisses, short.LLMisses), LLMissesUnit)
	}
	if p.noTime {
		for i := 2; i+1 < len(line); i += 2 {
			if line[i+1] == "B/op" || line[i+1] == "allocs/op" {
				fmt.Fprintf(out, "\t%s %s", line[i], line[i+1])
			}
		}
	}
	out.WriteString("\n")
	if why != "" {
		out.WriteString("uncounted:\n")
	}
	return nil
}

// counterID names the counter and, when it says, its version.
func counterID(c counter.Counter) string {
	if v, ok := c.(interface{ Version() string }); ok {
		return c.Name() + " " + v.Version()
	}
	return c.Name()
}

// countRun is one counted run of u with n iterations: from the cache under
// key when it is there (key "" is never kept), else counted and kept. It
// is nil, with nothing failed, when the context ended.
func (p *Plan) countRun(ctx context.Context, bin, dir string, u unit, pk Package, n int64, key string) (*counted, []string) {
	if key != "" {
		if e, ok := p.countCache.get(key); ok {
			return e, nil
		}
	}
	args := []string{"-test.run=^$", "-test.bench=" + u.Bench, "-test.benchmem", "-test.count=1", fmt.Sprintf("-test.benchtime=%dx", n), "-test.timeout=" + max(u.Timeout, PackageTimeout).String()}
	stdout := lineWriter{o: output{listed: listedCheck(ctx, bin, dir, []string{u.leaf})}}
	r, err := p.counter.Run(ctx, bin, args, dir, nil, &stdout)
	if ctx.Err() != nil {
		return nil, nil
	}
	if err != nil {
		return nil, []string{fmt.Sprintf("%s: %v", u.leaf, err)}
	}
	if r.Exit != nil {
		return nil, []string{fmt.Sprintf("%s: the counted run exited with %v: %s", u.leaf, r.Exit, exitReason(r.Stderr, pk.Module))}
	}
	e := &counted{N: n, Instructions: r.Instructions, CacheCounts: r.CacheCounts}
	o, _ := stdout.done()
	if len(o.foreign) > 0 {
		return nil, []string{fmt.Sprintf("%s: %s", u.leaf, foreignMsg(o.foreign[0].name))}
	}
	e.Fields, e.Config = resultOf(o)
	if key != "" {
		p.countCache.put(key, e)
	}
	return e, nil
}

// resultOf returns the fields of the one result line of a benchmark run's
// output and its config lines.
func resultOf(o output) (fields []string, config []string) {
	if n := len(o.results); n > 0 {
		fields = strings.Fields(o.results[n-1])
	}
	return fields, o.config
}

// uncounted says why a benchmark's count means nothing: its top-level
// function calls b.RunParallel (parallel code's time is not its
// instructions). "" when nothing is known against it.
func (p *Plan) uncounted(pk Package, dir, leaf string) string {
	p.parallelOnce.Do(func() { p.parallel = map[string]map[string]bool{} })
	p.parallelMu.Lock()
	defer p.parallelMu.Unlock()
	if p.parallel[dir] == nil {
		p.parallel[dir] = parallelBenchmarks(dir)
	}
	top, _, _ := strings.Cut(leaf, "/")
	if p.parallel[dir][top] {
		return "uses b.RunParallel"
	}
	return ""
}

// parallelBenchmarks names the Benchmark functions of the test files in
// dir whose body calls RunParallel.
func parallelBenchmarks(dir string) map[string]bool {
	out := map[string]bool{}
	for _, fn := range benchmarkFuncs(dir) {
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "RunParallel" {
				out[fn.Name.Name] = true
			}
			return true
		})
	}
	return out
}

// benchmarkFuncs are the top-level Benchmark functions (with a body) of
// the test files in dir; files that do not parse are skipped.
func benchmarkFuncs(dir string) []*ast.FuncDecl {
	var fns []*ast.FuncDecl
	files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range file.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Body != nil && strings.HasPrefix(fn.Name.Name, "Benchmark") {
				fns = append(fns, fn)
			}
		}
	}
	return fns
}

// leafMessage is the message of errs that names leaf, without its name,
// else all of them.
func leafMessage(errs []string, leaf string) string {
	for _, e := range errs {
		if m, ok := strings.CutPrefix(e, leaf+": "); ok {
			return m
		}
	}
	return strings.Join(errs, "; ")
}
