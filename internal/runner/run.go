package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/atomicfile"
	"github.com/benchgate/benchgate/internal/counter"
	"github.com/benchgate/benchgate/internal/lines"
	"github.com/benchgate/benchgate/internal/verdict"
)

// Options configure Run. Start from DefaultOptions.
type Options struct {
	// Bench is the -test.bench regular expression. Default ".".
	Bench string
	// Skip is the -test.skip regular expression: benchmarks left out
	// (BENCH_SKIP and the quarantine file). Default "": none.
	Skip string
	// Time is the -test.benchtime per benchmark and run. Default "100ms".
	Time string
	// Count is the number of rounds; each round runs every benchmark once
	// per side. Default 6, the fewest at which the U test can reach
	// p < 0.05 with room to spare.
	Count int
	// Date is written as the date: config line. Default: the start time.
	Date time.Time
	// Adaptive, when set, spends extra rounds on the benchmarks whose
	// verdict is not settled after Count rounds. Default nil: exactly
	// Count rounds.
	Adaptive *Adaptive
	// Confirm, when set, measures the benchmarks it selects again in
	// fresh rounds. Default nil: no confirmation.
	Confirm *Confirm
	// Profile, when set, profiles the benchmarks it selects, after the
	// confirmation. Default nil: no profiles.
	Profile *Profile
	// Counter, when set, counts every benchmark's instructions per op in
	// the first CountRounds rounds (and as many confirmation rounds),
	// besides timing it. Counting needs the pilot's per-benchmark
	// iteration counts, so a -benchtime of Nx counts nothing. Default
	// nil: time only.
	Counter counter.Counter
	// CountRounds is how many rounds count. Default DefaultCountRounds.
	CountRounds int
	// Recount counts every run afresh. Default false: the main rounds of
	// an unchanged binary reuse what an earlier run counted (see
	// countCache); repetitions that must be independent set it.
	Recount bool
	// NoTime, with a Counter, measures instructions only: the rounds run
	// the counter and no timed runs, and B/op and allocs/op come from the
	// counted runs. Default false.
	NoTime bool
	// Separate runs every benchmark in a process of its own. Default
	// false: benchmarks of one binary whose counts are close share a
	// process per side and round (see batches), paying process start,
	// init, TestMain and a parent benchmark's setup once.
	Separate bool
}

// DefaultOptions are the defaults of BENCH_FILTER, BENCH_TIME and BENCH_COUNT.
var DefaultOptions = Options{Bench: ".", Time: "100ms", Count: 6}

// A Result says what a run produced.
type Result struct {
	// Fails are the benchmarks or binaries that failed, per side, each
	// once (Failures gives them as lines).
	Fails []Failure
	// failed holds, per tree and import path, the benchmarks whose run
	// failed ("" for a run of the whole package).
	failed map[string]map[string][]string
	// Profiles are the benchmarks profiled, with their raw profiles.
	Profiles []Profiled
	// Unaffected are the packages not measured because the change does
	// not reach them (Plan.Unaffected); Measured counts those measured.
	Unaffected []string
	Measured   int
}

// A unit is what one run of a test binary measures: the benchmarks of a
// package that Bench selects, run for Time.
type unit struct {
	pkg int // index in Plan.Packages
	// leaf is the one benchmark the unit runs, with a fixed iteration
	// count; "" for a whole package.
	leaf string
	// Bench is the -test.bench pattern, Time the -test.benchtime.
	Bench, Time string
	// Label names the unit in progress lines.
	Label string
	// Timeout is the -test.timeout of a run: a hanging benchmark fails
	// after it. Default PackageTimeout.
	Timeout time.Duration
	// Extra are more flags for the test binary (profiling).
	Extra []string
	// Trees, when set, are the only sides that run it (a benchmark that
	// one side lacks).
	Trees []string
	// ns is the pilot's cost of the benchmark per op (0 when unknown),
	// bytes what it allocated per op, untimed the wall time per op it
	// spent with its timer stopped in its loop.
	ns, bytes, untimed float64
	// leaves are the benchmarks of a batch (see batches); nil otherwise.
	leaves []string
	// Skip is the -test.skip pattern: what BENCH_SKIP leaves out and,
	// after a crash, what ran or died already. Default "": nothing.
	Skip string
	// direct runs each expected benchmark once at the unit's count
	// (counter.BenchTimeEnv) instead of Go's b.N=1 run and then the
	// count: its setup is paid once per run. Only for binaries built
	// with the marks.
	direct bool
	// counts, when set, are the benchmarks (by full name) that run once
	// at their own count (counter.BenchTimeEnv); the others run as Time
	// says. Only for binaries built with the marks (the pilot's).
	counts map[string]int64
	// wall, when set, is the file the marks note each run's wall, setup
	// and timed time in (counter.WallEnv): the pilot's.
	wall string
}

// expected are the benchmarks a run of u must give results for, in the
// order they run: a batch's leaves, or its one benchmark; nil for a whole
// package (what it has is learnt from its output).
func (u unit) expected() []string {
	if len(u.leaves) > 0 {
		return u.leaves
	}
	if u.leaf != "" {
		return []string{u.leaf}
	}
	return nil
}

// round runs every unit once per side, base and current back to back, in
// ABBA order: the order alternates from unit to unit and from round to
// round. It returns the context's error when interrupted, and a fatal
// error when a binary could not be started.
func (p *Plan) round(ctx context.Context, round int, label string, units []unit, bufs map[string]*bytes.Buffer, res *Result, prog Progress) (interrupted, fatal error) {
	if p.counts(round, units) {
		defer func() {
			if interrupted == nil && fatal == nil {
				interrupted = p.countRound(ctx, round, label, units, bufs, res, prog)
			}
		}()
	}
	if p.noTime {
		return nil, nil
	}
	for i, u := range p.batches(units) {
		order := slices.Clone(p.Trees)
		if (round+i)%2 == 1 {
			slices.Reverse(order)
		}
		first := true
		for j, tr := range order {
			if !p.runs(tr, u) {
				continue
			}
			prog.Step(fmt.Sprintf("%s %s %s", label, u.Label, tr.Name))
			watch := first && len(p.Trees) > 1 && p.mainRounds && p.target > 0 && fixedN(u) > 0
			first = false
			out := bufs[tr.Name]
			var held bytes.Buffer
			if watch {
				out = &held
			}
			interrupted, fatal = p.runOn(ctx, tr, u, out, res, prog)
			// Runs that overran on the side that ran first: the other
			// sides run them at the count their cost gives, not at one
			// that takes as long again (see overrun.go).
			var over map[unitID]bool
			if watch && interrupted == nil && fatal == nil {
				over = p.shorten(units, p.target, &u, prog)
			}
			if watch {
				bufs[tr.Name].Write(withoutResults(held.Bytes(), u.pkg, over))
			}
			if interrupted != nil || fatal != nil {
				return interrupted, fatal
			}
			if len(over) > 0 {
				if interrupted, fatal = p.rerunOverran(ctx, label, units, u, over, order[j:], bufs, res, prog); interrupted != nil || fatal != nil {
					return interrupted, fatal
				}
				break
			}
		}
	}
	return nil, nil
}

// runs reports whether unit u runs on side tr: its package has a binary
// there, and the unit is not limited to other sides.
func (p *Plan) runs(tr *Tree, u unit) bool {
	return p.bins[tr.Name][p.Packages[u.pkg].ImportPath] != "" && (u.Trees == nil || slices.Contains(u.Trees, tr.Name))
}

// runOn runs unit u on side tr into out: the context's error when
// interrupted, a fatal error when the binary could not be started.
func (p *Plan) runOn(ctx context.Context, tr *Tree, u unit, out *bytes.Buffer, res *Result, prog Progress) (interrupted, fatal error) {
	if err := ctx.Err(); err != nil {
		return err, nil
	}
	pk := p.Packages[u.pkg]
	if _, rerr := p.runUnit(ctx, tr, pk, p.bins[tr.Name][pk.ImportPath], u, out, &p.Stats, res, "", prog); rerr != nil {
		if err := ctx.Err(); err != nil {
			return err, nil
		}
		return nil, rerr
	}
	return nil, nil
}

// counts reports whether round r of units counts instructions: the
// first countRounds rounds of benchmark units, when there is a counter.
func (p *Plan) counts(r int, units []unit) bool {
	return p.counter != nil && r < p.countRounds && len(units) > 0 && units[0].leaf != ""
}

// steps counts the binary runs of one round of units.
func (p *Plan) steps(units []unit) int {
	n := 0
	for _, u := range units {
		for _, tr := range p.Trees {
			if p.bins[tr.Name][p.Packages[u.pkg].ImportPath] != "" && (u.Trees == nil || slices.Contains(u.Trees, tr.Name)) {
				n++
			}
		}
	}
	return n
}

// roundSteps counts the progress steps of rounds from to to (exclusive):
// per round, a timed run of each batch and side unless only counting, and
// a counted one of each unit (or group counted together) and side in the
// rounds that count.
func (p *Plan) roundSteps(units []unit, from, to int) int {
	var firsts []unit // a counted run of each group (countGroups)
	for _, g := range p.countGroups(units) {
		firsts = append(firsts, g[0])
	}
	n, timed, counted := 0, p.steps(p.batches(units)), p.steps(firsts)
	for r := from; r < to; r++ {
		if !p.noTime {
			n += timed
		}
		if p.counts(r, units) {
			n += counted
		}
	}
	return n
}

// PackageTimeout bounds a run of a whole package's benchmarks (and the
// pilot); a run of one benchmark gets BenchmarkTimeout times the
// benchtime, at least a minute.
const (
	PackageTimeout   = 10 * time.Minute
	BenchmarkTimeout = 50
)

// A Failure is a benchmark (or a package) that failed on one side.
type Failure = verdict.Failure

// fail records what failed in a run of tree's binary of pk, each once,
// and says so; the failures name no benchmark.
func (r *Result) fail(tr *Tree, pk Package, what string, fails []string, prog Progress) {
	for _, f := range fails {
		r.failBench(tr, pk, what, failure{msg: f}, prog)
	}
}

// failBench records one failure of a run of tree's binary of pk, once,
// says so, and marks its benchmark (or, unnamed, the package) failed.
func (r *Result) failBench(tr *Tree, pk Package, what string, f failure, prog Progress) {
	fl := Failure{Side: tr.Name, Pkg: pk.ImportPath, Benchmark: f.leaf, Msg: what + f.msg, Unreadable: f.unreadable}
	if !slices.Contains(r.Fails, fl) {
		r.Fails = append(r.Fails, fl)
		prog.Note("FAIL " + fl.String())
	}
	if what == "" {
		r.markFailed(tr.Name, pk.ImportPath, f.leaf)
	}
}

// Failures are the failures as lines: "current: pkg: BenchmarkX: msg".
func (r *Result) Failures() []string {
	out := make([]string, len(r.Fails))
	for i, f := range r.Fails {
		out[i] = f.String()
	}
	return out
}

func (r *Result) markFailed(tree, pkg, leaf string) {
	if r.failed == nil {
		r.failed = map[string]map[string][]string{}
	}
	if r.failed[tree] == nil {
		r.failed[tree] = map[string][]string{}
	}
	if !slices.Contains(r.failed[tree][pkg], leaf) {
		r.failed[tree][pkg] = append(r.failed[tree][pkg], leaf)
	}
}

// Failed reports whether a run that could have measured benchmark name
// (without its -N suffix) of package pkg failed on tree: a run of that
// benchmark, or of its whole package (a crash ends the benchmarks after
// it too). Such a benchmark is absent from the tree's results for want
// of evidence, not because it is gone.
func (r *Result) Failed(tree, pkg, name string) bool {
	if r == nil {
		return false
	}
	for _, leaf := range r.failed[tree][pkg] {
		if leaf == "" || leaf == name || strings.HasPrefix(name, leaf+"/") {
			return true
		}
	}
	return false
}

// ErrBenchmarkFailed is wrapped by Run's error when a benchmark failed or a
// binary crashed; the results of the others were still written.
var ErrBenchmarkFailed = errors.New("benchmarks failed")

// ErrNoMatch is wrapped by Run's error when the filter (and skip)
// selected no benchmark on any side.
var ErrNoMatch = errors.New("no benchmark matched the filter")

// ErrNoPackages is wrapped by Prepare's error when the suites select no
// package with tests.
var ErrNoPackages = errors.New("no package with tests")

// Run runs opts.Count rounds. With two sides and a -benchtime given as a
// duration, a short pilot run first measures every benchmark on both
// sides, and every round then runs each benchmark on its own with one
// fixed iteration count (-test.benchtime=Nx) shared by both sides, N
// chosen so that a run takes about opts.Time: b.N cannot differ between
// the sides, and Go's b.N ramp-up is paid once instead of every round.
// Base and current run back to back per benchmark, the order alternating
// (ABBA), so that drift of the machine hits both sides alike. With one
// side, or a -benchtime of Nx, each round runs each package once.
//
// Each side's results are written to its Out file at the end; when ctx is
// cancelled, what was measured is kept in Out+".partial" and Out is not
// touched. Confirmation rounds, if any, run after Out is written, into
// ConfirmFile(Out).
func (p *Plan) Run(ctx context.Context, opts Options, prog Progress) (*Result, error) {
	if opts.Bench == "" {
		opts.Bench = DefaultOptions.Bench
	}
	if opts.Time == "" {
		opts.Time = DefaultOptions.Time
	}
	if opts.Count <= 0 {
		opts.Count = DefaultOptions.Count
	}
	if opts.Date.IsZero() {
		opts.Date = time.Now()
	}
	if opts.CountRounds <= 0 {
		opts.CountRounds = DefaultCountRounds
	}
	p.counter, p.noTime, p.countRounds = opts.Counter, opts.NoTime && opts.Counter != nil, opts.CountRounds
	if c := p.Counting(p.counter); c != p.counter {
		p.counter, p.marks = c, true
	}
	if p.counter != nil {
		p.countCache.counter = counterID(p.counter)
	}
	p.separate, p.skip = opts.Separate, opts.Skip
	p.direct = len(p.Trees) > 0
	for _, tr := range p.Trees {
		p.direct = p.direct && p.marked[tr.Name]
	}
	if p.noTime {
		opts.Count = opts.CountRounds
	}
	for _, tr := range p.Trees {
		os.Remove(ConfirmFile(tr.Out))
	}
	bufs := p.buffers(opts)
	start := time.Now()
	defer func() { p.Stats.Total = p.Stats.Build + time.Since(start) }()
	res := &Result{Unaffected: p.Unaffected, Measured: len(p.Packages)}
	for _, f := range p.Fails {
		res.Fails = append(res.Fails, f)
		res.markFailed(f.Side, f.Pkg, f.Benchmark)
	}
	if len(p.Packages) == 0 { // every package left out as unaffected
		return res, p.write(bufs, func(tr *Tree) string { return tr.Out }, nil)
	}
	units, err := p.units(ctx, opts, res, prog)
	if err != nil {
		return nil, err
	}
	if len(units) == 0 && len(res.Fails) == 0 && len(p.Fails) == 0 {
		return nil, p.noMatch(ctx, opts)
	}
	// Benchmarks start at their count only in runs of fixed counts (the
	// pilot's); a whole package run for a duration or an Nx benchtime
	// goes Go's own way.
	p.Stats.SetupOnce = p.direct && len(units) > 0 && units[0].leaf != ""
	if d, err := time.ParseDuration(opts.Time); err == nil && len(units) > 0 && units[0].leaf != "" && !p.noTime {
		runs := p.steps(units) * opts.Count
		procs := p.steps(p.batches(units))
		prog.Note(fmt.Sprintf("%d rounds of %d benchmark runs of about %s in %d processes: at least %s", opts.Count, p.steps(units), d, procs, (time.Duration(runs) * d).Round(time.Second)))
	}
	prog.Start(p.roundSteps(units, 0, opts.Count))
	var interrupted error
	p.mainRounds, p.recount = true, opts.Recount
	target, _ := time.ParseDuration(opts.Time)
	p.target = target
	for round := 0; round < opts.Count && interrupted == nil; round++ {
		var fatal error
		p.took.clear()
		if interrupted, fatal = p.round(ctx, round, fmt.Sprintf("round %d/%d", round+1, opts.Count), units, bufs, res, prog); fatal != nil {
			return nil, fatal
		}
		if interrupted == nil && round+1 < opts.Count {
			p.shorten(units, target, nil, prog)
		}
	}
	p.mainRounds = false
	if interrupted == nil && len(res.Fails) == 0 && !p.measured(bufs) {
		return nil, p.noMatch(ctx, opts)
	}
	if interrupted == nil && opts.Adaptive != nil && opts.Adaptive.Undecided != nil && len(p.Trees) > 1 {
		var fatal error
		if interrupted, fatal = p.adapt(ctx, "adaptive", opts, units, time.Since(start), bufs, res, prog); fatal != nil {
			// What the rounds measured stays.
			if err := p.write(bufs, func(tr *Tree) string { return tr.Out }, nil); err != nil {
				return nil, errors.Join(fatal, err)
			}
			return nil, fmt.Errorf("%w (what the rounds measured is kept in the results files)", fatal)
		}
	}
	prog.Finish()
	return p.afterRounds(ctx, opts, units, bufs, res, interrupted, prog)
}

// afterRounds writes the rounds' results (or, interrupted, keeps them as
// partial files), saves the pilot's costs, then runs the confirmation
// and the profiles.
func (p *Plan) afterRounds(ctx context.Context, opts Options, units []unit, bufs map[string]*bytes.Buffer, res *Result, interrupted error, prog Progress) (*Result, error) {
	if err := p.write(bufs, func(tr *Tree) string { return tr.Out }, interrupted); err != nil {
		return nil, err
	}
	if interrupted == nil {
		keep := map[string]bool{}
		for _, k := range p.costKeys {
			keep[k] = true
		}
		if err := p.costs.save(keep); err != nil {
			prog.Note(fmt.Sprintf("note: the benchmarks' costs were not saved for the next run: %v", err))
		}
		if p.counter != nil {
			p.noteCounts(prog)
		}
	}
	var fresh map[string]*bytes.Buffer
	if opts.Confirm != nil && opts.Confirm.Select != nil && len(p.Trees) > 1 {
		var err error
		if fresh, err = p.confirm(ctx, opts, units, bufs, res, prog); err != nil {
			return nil, err
		}
	}
	if opts.Profile != nil && opts.Profile.Select != nil && len(p.Trees) > 1 {
		if err := p.profile(ctx, opts, units, bufs, fresh, res, prog); err != nil {
			return nil, err
		}
	}
	if len(res.Fails) > 0 {
		return res, fmt.Errorf("%w: %s", ErrBenchmarkFailed, strings.Join(res.Failures(), "; "))
	}
	return res, nil
}

// Counting is the counter Run counts with when given c: the one that
// reads the marks (counter.WithMarks) when every side's binaries have
// them, else c.
func (p *Plan) Counting(c counter.Counter) counter.Counter {
	m, ok := counter.WithMarks(c)
	if !ok || len(p.Trees) == 0 {
		return c
	}
	for _, tr := range p.Trees {
		if !p.marked[tr.Name] {
			return c
		}
	}
	return m
}

// measured reports whether any side has a result.
func (p *Plan) measured(bufs map[string]*bytes.Buffer) bool {
	for _, b := range bufs {
		if bytes.Contains(b.Bytes(), []byte("\nBenchmark")) {
			return true
		}
	}
	return false
}

// buffers starts each side's results with the config lines that identify
// it.
func (p *Plan) buffers(opts Options) map[string]*bytes.Buffer {
	bufs := map[string]*bytes.Buffer{}
	for _, tr := range p.Trees {
		b := &bytes.Buffer{}
		counted := ""
		if p.counter != nil {
			counted = p.counter.Name()
		}
		for _, kv := range [][2]string{{"commit", tr.Commit}, {"ref", tr.Ref}, {"date", opts.Date.UTC().Format(time.RFC3339)}, {"go", p.goVersion[tr.Name]}, {"benchtime", opts.Time}, {"counter", counted}} {
			if kv[1] != "" {
				fmt.Fprintf(b, "%s: %s\n", kv[0], oneLine(kv[1]))
			}
		}
		bufs[tr.Name] = b
	}
	return bufs
}

// write writes each side's results to the file out names; after an
// interrupt, to that file + ".partial", returning the interrupt.
func (p *Plan) write(bufs map[string]*bytes.Buffer, out func(*Tree) string, interrupted error) error {
	if interrupted != nil {
		var kept []string
		for _, tr := range p.Trees {
			partial := out(tr) + ".partial"
			if werr := atomicfile.WriteBytes(partial, bufs[tr.Name].Bytes()); werr == nil {
				kept = append(kept, partial)
			}
		}
		return fmt.Errorf("benchmark run interrupted: %w (what was measured is in %s)", interrupted, strings.Join(kept, ", "))
	}
	for _, tr := range p.Trees {
		if err := atomicfile.WriteBytes(out(tr), bufs[tr.Name].Bytes()); err != nil {
			return err
		}
		os.Remove(out(tr) + ".partial")
	}
	return nil
}

// A ran is what one run of a test binary gave.
type ran struct {
	// fails are what failed, each naming its benchmark ("" when none
	// can be named: the whole run is in doubt).
	fails []failure
	// done names the benchmarks (without -N) whose results were kept.
	done []string
	// rest are the unit's benchmarks that had not run when the process
	// died (a panic, os.Exit, a timeout): a fresh process runs them.
	rest []string
	// died is set when the process did not end normally.
	died bool
	// took are the ns/op of the benchmarks in done.
	took map[string]float64
}

// A failure is one benchmark that failed in a run, and how.
type failure struct {
	leaf string // the benchmark without -N; "" when it cannot be named
	msg  string
	// unreadable is set when the benchmark ran and its numbers could
	// not be read: the gate's reading failed, not the benchmark.
	unreadable bool
}

// messages are the failures as "Name: what happened" lines.
func (r ran) messages() []string {
	var out []string
	for _, f := range r.fails {
		if f.leaf == "" {
			out = append(out, f.msg)
		} else {
			out = append(out, f.leaf+": "+f.msg)
		}
	}
	return out
}

// runBinary runs one test binary once and appends its config and result
// lines to out. It says what failed and, when the process died, which
// benchmark was running (named with the panic's first line and where in
// the module it happened) and which of the unit's benchmarks did not run
// yet. Every benchmark the unit expects that ran with no result that can
// be read is a failure: a benchmark is never silently absent. The error
// is for a binary that could not be started at all.
func runBinary(ctx context.Context, bin, dir string, u unit, pk Package, out *bytes.Buffer, stats *Stats) (ran, error) {
	timeout := u.Timeout
	if timeout <= 0 {
		timeout = PackageTimeout
	}
	benchtime := u.Time
	env := os.Environ()
	if u.wall != "" {
		env = append(env, counter.WallEnv+"="+u.wall)
		// A setup longer than the pilot's run is paid twice, not at
		// every step of Go's ramp.
		if d, err := time.ParseDuration(u.Time); err == nil && d > 0 {
			env = append(env, fmt.Sprintf("%s=%d", counter.RampEnv, d.Nanoseconds()))
		}
	}
	counts := u.counts
	if n := fixedN(u); len(counts) == 0 && u.direct && n > 0 {
		counts = map[string]int64{}
		for _, e := range u.expected() {
			counts[e] = n
		}
		benchtime = "1x" // each expected benchmark's one run is at its count
	}
	if len(counts) > 0 {
		var lines []string
		for _, name := range slices.Sorted(maps.Keys(counts)) {
			lines = append(lines, fmt.Sprintf("%s=%d", name, counts[name]))
		}
		env = append(env, counter.BenchTimeEnv+"="+strings.Join(lines, "\n"))
	}
	args := append([]string{"-test.run=^$", "-test.bench=" + u.Bench, "-test.benchmem", "-test.count=1",
		"-test.benchtime=" + benchtime, "-test.timeout=" + timeout.String()}, u.Extra...)
	if u.Skip != "" {
		args = append(args, "-test.skip="+u.Skip)
	}
	// Go's -test.timeout does not cover benchmarks: the run's own
	// deadline stops a hanging one (interrupt, then kill).
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(rctx, bin, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 3 * time.Second
	// What a run prints is read as it comes, and only what it needs is
	// kept: a benchmark may print gigabytes.
	stdout := lineWriter{o: output{listed: listedCheck(ctx, bin, dir, u.expected())}}
	stderr := lines.HeadTail{Max: 256 << 10}
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	runErr := cmd.Run()
	stats.Exec += time.Since(start)
	timedOut := ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded)
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) && !timedOut {
		return ran{}, fmt.Errorf("running %s: %w", bin, runErr)
	}
	fmt.Fprintf(out, "suite: %s\n", pk.Suite)
	// A line over maxLine is passed over: a benchmark whose numbers were
	// in it has no result, which the accounting below names.
	o, _ := stdout.done()
	for _, line := range o.config {
		out.WriteString(line)
		out.WriteByte('\n')
	}
	var r ran
	failed := map[string]bool{}
	for _, f := range o.failed {
		if !failed[f] && u.keeps(f) {
			failed[f] = true
			r.fails = append(r.fails, failure{leaf: f, msg: o.failMsg(f)})
		}
	}
	for _, f := range o.foreign {
		if !failed[f.by] && (f.by == "" || u.keeps(f.by)) {
			failed[f.by] = true
			r.fails = append(r.fails, failure{leaf: f.by, msg: foreignMsg(f.name), unreadable: true})
		}
	}
	expected := u.expected()
	var died crash
	if runErr != nil { // a run that ended well has no panic to read
		died = crashOf(stderr.Bytes(), pk.Module)
	}
	// A benchmark that failed (b.Fatal) makes the binary exit 1 after
	// the others ran; a panic, os.Exit or the deadline ends it at once.
	r.died = timedOut || (runErr != nil && (died.what != "" || o.pending != "" || len(failed) == 0))
	culprit := ""
	if r.died {
		culprit = o.culprit(died.bench, expected, failed)
		var msg string
		switch {
		case timedOut:
			msg = fmt.Sprintf("timed out after %s and was stopped", timeout)
			if culprit == "" {
				msg = "the run of -test.bench=" + u.Bench + " " + msg
			}
		case died.what != "":
			msg = died.what
		default:
			msg = fmt.Sprintf("test binary exited with %v: %s", runErr, lines.First(strings.TrimSpace(stderr.String()), 3))
		}
		if culprit == "" {
			msg = "the run died before a benchmark could be named: " + msg
		}
		if !failed[culprit] || culprit == "" {
			failed[culprit] = true
			r.fails = append(r.fails, failure{leaf: culprit, msg: msg})
		}
	}
	for _, line := range o.results {
		name := resultName(line)
		// The benchmark that died may have printed numbers as its
		// goroutine panicked: they measure nothing.
		if !u.keeps(name) || name == culprit || o.doubted(name) {
			continue
		}
		r.done = append(r.done, name)
		if ns := nsPerOp(line); ns > 0 {
			if r.took == nil {
				r.took = map[string]float64{}
			}
			r.took[name] = ns
		}
		stats.Timed += timed(line)
		out.WriteString(line)
		out.WriteByte('\n')
	}
	if r.died {
		if culprit != "" {
			for _, e := range expected {
				if !slices.Contains(r.done, e) && !failed[e] {
					r.rest = append(r.rest, e)
				}
			}
		}
		return r, nil
	}
	// The run ended: every benchmark it started or was expected to run
	// has a result or a failure.
	for _, e := range append(slices.Clone(expected), o.started...) {
		if !slices.Contains(r.done, e) && !failed[e] && u.keeps(e) {
			failed[e] = true
			if slices.Contains(o.started, e) {
				// Its name was printed: the numbers are what could not
				// be read.
				r.fails = append(r.fails, failure{leaf: e, msg: unreadable, unreadable: true})
			} else {
				r.fails = append(r.fails, failure{leaf: e, msg: noResult})
			}
		}
	}
	return r, nil
}

func shortPkg(importPath string) string {
	parts := strings.Split(importPath, "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	return strings.Join(parts, "/")
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// timed returns iterations x ns/op of a result line.
func timed(line string) time.Duration {
	f := strings.Fields(line)
	if len(f) < 4 {
		return 0
	}
	n, err := strconv.ParseFloat(f[1], 64)
	if err != nil {
		return 0
	}
	return time.Duration(n * nsPerOp(line))
}

// nsPerOp is the ns/op of a result line; 0 when it has none.
func nsPerOp(line string) float64 {
	f := strings.Fields(line)
	for i := 2; i+1 < len(f); i += 2 {
		if f[i+1] == "ns/op" {
			if ns, err := strconv.ParseFloat(f[i], 64); err == nil && ns >= 0 && !math.IsInf(ns, 0) {
				return ns
			}
		}
	}
	return 0
}
