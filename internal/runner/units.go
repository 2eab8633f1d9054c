package runner

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// PilotFraction is the share of the benchtime the pilot run gives each
// benchmark to estimate its cost: 100ms rounds get a 5ms pilot.
const PilotFraction = 20

// units plans the binary runs of one round. With two sides and a
// duration benchtime, a pilot run of every package on every side measures
// each benchmark's cost, and each benchmark becomes a unit of its own with
// the iteration count that makes a run take about opts.Time on the two
// sides' average (their geometric mean). Otherwise each package is a unit
// run for opts.Time.
func (p *Plan) units(ctx context.Context, opts Options, res *Result, prog Progress) ([]unit, error) {
	if (len(p.Trees) < 2 && opts.Counter == nil) || strings.HasSuffix(opts.Time, "x") {
		return p.packageUnits(opts.Bench, opts.Time, nil), nil
	}
	target, err := time.ParseDuration(opts.Time)
	if err != nil || target <= 0 {
		return nil, fmt.Errorf("benchtime %q: use a duration such as 100ms, or an iteration count such as 1000x", opts.Time)
	}
	pilot := max(target/PilotFraction, time.Millisecond)
	start := time.Now()
	defer func() { p.Stats.Pilot += time.Since(start) }()
	pkgUnits := p.packageUnits(opts.Bench, pilot.String(), nil)
	// A binary unchanged since the last run (same Go build ID) needs no
	// pilot: its costs are remembered.
	known, twins := 0, 0
	for _, u := range pkgUnits {
		pk := p.Packages[u.pkg]
		for _, tr := range p.Trees {
			if bin := p.bins[tr.Name][pk.ImportPath]; bin != "" {
				p.costKeys[bin] = costKey(bin, opts.Bench)
				if _, ok := p.costs.get(p.costKeys[bin]); ok {
					known++
				} else if p.twin(tr, pk) != "" {
					twins++
				}
			}
		}
	}
	note := fmt.Sprintf("pilot: measuring each benchmark's cost for %s on each side, to give both sides the same iteration counts", pilot)
	p.Stats.PilotKnown, p.Stats.PilotBinaries = known, len(p.costKeys)
	if known > 0 {
		note += fmt.Sprintf(" (%d of %d binaries unchanged since the last run: their costs are known)", known, len(p.costKeys))
	}
	if twins > 0 {
		note += fmt.Sprintf(" (%d binaries the same on both sides: measured on one)", twins)
	}
	prog.Note(note)
	prog.Start(p.steps(pkgUnits) - known - twins)
	costs, err := p.pilot(ctx, opts.Bench, pkgUnits, pilot, res, prog)
	if err != nil {
		return nil, err
	}
	prog.Finish()
	return p.leafUnits(costs, target), nil
}

// A pilotCost is one benchmark's cost as the pilot measured it, over the
// sides that have it.
type pilotCost struct {
	pkg     int
	name    string
	trees   []string
	nsLog   float64 // sum of log(ns/op) over trees
	bytes   float64 // the largest B/op over trees
	untimed float64 // the largest untimed ns/op over trees (see cost)
}

// pilot runs (or, for an unchanged binary, remembers) each package's
// benchmarks once per side for about dur each and returns their costs in
// first-seen order. A filter of several levels also says which of the
// base's benchmarks it left out.
func (p *Plan) pilot(ctx context.Context, bench string, pkgUnits []unit, dur time.Duration, res *Result, prog Progress) ([]*pilotCost, error) {
	var order []*pilotCost
	for _, u := range pkgUnits {
		pk := p.Packages[u.pkg]
		byName := map[string]*pilotCost{}
		var before []cost        // the package's costs as an earlier side measured them
		var firstFails []Failure // what failed in the first side's pilot of it
		for _, tr := range p.Trees {
			bin := p.bins[tr.Name][pk.ImportPath]
			if bin == "" {
				continue
			}
			at := len(res.Fails)
			measured, err := p.sidePilot(ctx, tr, pk, bin, u, before, firstFails, dur, res, prog)
			if err != nil {
				return nil, err
			}
			before = measured
			if tr == p.Trees[0] {
				for _, f := range res.Fails[at:] {
					if f.Side == tr.Name && f.Pkg == pk.ImportPath {
						firstFails = append(firstFails, f)
					}
				}
				var ran []string
				for _, m := range measured {
					ran = append(ran, m.Name)
				}
				if missed := unselected(ctx, bin, pkgDir(tr, pk), bench, ran); len(missed) > 0 {
					prog.Note(unselectedNote(pk.ImportPath, bench, missed))
				}
			}
			for _, m := range measured {
				c := byName[m.Name]
				if c == nil {
					c = &pilotCost{pkg: u.pkg, name: m.Name}
					byName[m.Name] = c
					order = append(order, c)
				}
				if !slices.Contains(c.trees, tr.Name) {
					c.trees = append(c.trees, tr.Name)
					c.nsLog += math.Log(max(m.NS, 1e-3))
					c.bytes = max(c.bytes, m.Bytes)
					c.untimed = max(c.untimed, m.Untimed)
				}
			}
		}
	}
	return order, nil
}

// sidePilot gives one side's costs of a package's benchmarks: those an
// earlier run measured for the same binary, or those of the first side
// when the binaries are twins (see twinPilot), or else its pilot's, with
// before (the side measured before) as the guess of a first run.
func (p *Plan) sidePilot(ctx context.Context, tr *Tree, pk Package, bin string, u unit, before []cost, firstFails []Failure, dur time.Duration, res *Result, prog Progress) ([]cost, error) {
	if measured, ok := p.costs.get(p.costKeys[bin]); ok {
		return measured, nil
	}
	if twin := p.twin(tr, pk); twin != "" {
		return p.twinPilot(ctx, tr, pk, bin, u, twin, before, firstFails, dur, res, prog)
	}
	prog.Step(fmt.Sprintf("pilot %s %s", u.Label, tr.Name))
	guess := p.costs.earlier(p.costKeys[bin])
	if guess == nil {
		guess = before
	}
	return p.pilotRun(ctx, tr, pk, bin, u, guess, dur, res, prog)
}

// twinPilot gives the costs of a side whose binary is the first side's
// twin: the first side's. Where the first side's pilot failed somewhere,
// the benchmarks that failed run again here, since a failure is each
// side's own (a flaky benchmark may pass here, and the report tells
// broken on both sides from broken on the base only); a package that
// failed as a whole runs again whole.
func (p *Plan) twinPilot(ctx context.Context, tr *Tree, pk Package, bin string, u unit, twin string, before []cost, firstFails []Failure, dur time.Duration, res *Result, prog Progress) ([]cost, error) {
	if measured, ok := p.costs.get(p.costKeys[twin]); ok {
		p.costs.put(p.costKeys[bin], measured)
		p.Stats.PilotTwins++
		return measured, nil
	}
	var failed []string
	for _, f := range firstFails {
		if f.Benchmark == "" { // the package failed as a whole
			failed = nil
			break
		}
		if !slices.Contains(failed, f.Benchmark) {
			failed = append(failed, f.Benchmark)
		}
	}
	if len(failed) == 0 {
		prog.Note(fmt.Sprintf("pilot %s %s: the same binary as on %s, whose pilot failed as a whole: measured again", u.Label, tr.Name, p.Trees[0].Name))
		return p.pilotRun(ctx, tr, pk, bin, u, before, dur, res, prog)
	}
	prog.Note(fmt.Sprintf("pilot %s %s: the same binary as on %s: its costs, and the %d benchmarks that failed there run here", u.Label, tr.Name, p.Trees[0].Name, len(failed)))
	v := u
	v.Bench = ExactPattern(failed)
	again, clean, err := p.pilotPass(ctx, tr, pk, bin, v, res, prog)
	if err != nil {
		return nil, err
	}
	measured := append(slices.Clone(before), again...)
	if clean {
		p.costs.put(p.costKeys[bin], measured)
	}
	p.Stats.PilotTwins++
	return measured, nil
}

// twin returns the binary of pk on the first side when tr is another side
// whose binary has the same Go build ID (the same content: builds are
// reproducible) and whose package directory holds the same files: its
// benchmarks cost the same, so one pilot serves both. "" otherwise.
func (p *Plan) twin(tr *Tree, pk Package) string {
	first := p.Trees[0]
	if tr == first {
		return ""
	}
	a, b := p.bins[first.Name][pk.ImportPath], p.bins[tr.Name][pk.ImportPath]
	if a == "" || b == "" {
		return ""
	}
	if t, ok := p.twins[b]; ok {
		return t
	}
	if p.twins == nil {
		p.twins = map[string]string{}
	}
	p.twins[b] = ""
	if id := buildID(a); id != "" && id == buildID(b) && sameDir(pkgDir(first, pk), pkgDir(tr, pk), p.ignore) {
		p.twins[b] = a
	}
	return p.twins[b]
}

// pilotRun measures what each of one side's benchmarks of a package costs
// per op, over about dur, and remembers it for the next run if nothing
// failed. Go's testing finds the iteration count for dur by running each
// benchmark function again and again (b.N=1, then up to 100x more each
// time), paying its setup each time. Where the marks are in every side's
// binaries (p.direct), the benchmarks whose cost a guess gives (an earlier
// build's, or the side measured before) run once instead, at the count
// that takes dur at that cost; the others go through Go's ramp, except
// that one whose setup took longer than dur runs once more at the count
// its b.N=1 run predicts, if that is 100 or more (counter.RampEnv). (A first
// pass at b.N=1 for the benchmarks with no guess was tried and left: one
// op under load can take a scheduler's time slice, and a benchmark's own
// output printed before its name, as b.N=1 runs it, reads as a result.)
func (p *Plan) pilotRun(ctx context.Context, tr *Tree, pk Package, bin string, u unit, guess []cost, dur time.Duration, res *Result, prog Progress) ([]cost, error) {
	if p.direct && len(guess) > 0 {
		u.counts = pilotCounts(guess, dur)
		p.Stats.PilotGuided++
	}
	measured, clean, err := p.pilotPass(ctx, tr, pk, bin, u, res, prog)
	if err != nil {
		return nil, err
	}
	if clean {
		p.costs.put(p.costKeys[bin], measured)
	}
	return measured, nil
}

// pilotPass runs one side's package once for the pilot and returns what
// each benchmark cost, and whether nothing failed.
func (p *Plan) pilotPass(ctx context.Context, tr *Tree, pk Package, bin string, u unit, res *Result, prog Progress) ([]cost, bool, error) {
	var out bytes.Buffer
	var discard Stats // the pilot's runs are not the rounds'
	failures := len(res.Fails)
	if p.direct {
		f, err := os.CreateTemp("", "benchgate-wall-*")
		if err != nil {
			return nil, false, fmt.Errorf("pilot: %w", err)
		}
		f.Close()
		defer os.Remove(f.Name())
		u.wall = f.Name()
	}
	done, err := p.runUnit(ctx, tr, pk, bin, u, &out, &discard, res, "", prog)
	if ctx.Err() != nil {
		return nil, false, fmt.Errorf("benchmark run interrupted: %w", ctx.Err())
	}
	if err != nil {
		return nil, false, err
	}
	if u.expected() == nil { // a whole package: what did not run is named
		seen := done // with a result, or (below) a failure
		for _, f := range res.Fails[failures:] {
			seen = append(seen, f.Benchmark)
		}
		for _, name := range vanished(ctx, bin, pkgDir(tr, pk), u.Bench, u.Skip, seen) {
			res.failBench(tr, pk, "", failure{leaf: name, msg: noResult}, prog)
		}
	}
	measured := costsOf(out.Bytes())
	if u.wall != "" {
		untimed := untimedOf(u.wall)
		for i := range measured {
			measured[i].Untimed = untimed[measured[i].Name]
		}
	}
	return measured, len(res.Fails) == failures, nil
}

// untimedOf reads the marks' file of wall times (counter.WallEnv): per
// benchmark, from its last run, the wall time per op it spent neither in
// setup nor timed: what it does with its timer stopped in its loop.
func untimedOf(path string) map[string]float64 {
	notes := readNotes(path, 4)
	if notes == nil {
		return nil
	}
	out := map[string]float64{}
	for name, f := range notes {
		var v [4]int64
		ok := true
		for i := range v {
			var err error
			v[i], err = strconv.ParseInt(f[i], 10, 64)
			ok = ok && err == nil && v[i] >= 0
		}
		if !ok || v[0] <= 0 {
			continue
		}
		out[name] = float64(max(v[1]-v[2]-v[3], 0)) / float64(v[0])
	}
	return out
}

// pilotCounts gives each benchmark of costs the iteration count that takes
// about dur at its cost per op (MaxWall x dur in all, with its untimed
// time): at least 1, at most 1e9.
func pilotCounts(costs []cost, dur time.Duration) map[string]int64 {
	counts := map[string]int64{}
	for _, c := range costs {
		counts[c.Name] = iterationsFor(dur, c.NS, c.Untimed)
	}
	return counts
}

// iterationsFor is the iteration count that makes a run take about d at
// ns per op timed, or MaxWall x d in all with untimed ns per op spent with
// the timer stopped in the loop: at least 1, at most 1e9.
func iterationsFor(d time.Duration, ns, untimed float64) int64 {
	n := math.Max(1, math.Min(1e9, math.Round(float64(d.Nanoseconds())/ns)))
	if untimed > 0 {
		n = math.Max(1, math.Min(n, math.Round(MaxWall*float64(d.Nanoseconds())/(ns+untimed))))
	}
	return int64(n)
}

// MaxWall bounds the wall time of a run of a benchmark that stops its
// timer inside its loop (b.StopTimer around work each iteration): its
// iteration count keeps the run's timed and untimed time within MaxWall
// times the benchtime. Go's testing counts only the timed time, so such
// a run took up to 11x the benchtime on the user's suites.
const MaxWall = 3

// leafUnits makes a unit of each benchmark, with the iteration count that
// makes a run take about target at the sides' geometric mean cost, or
// MaxWall x target in all for one that stops its timer in its loop.
func (p *Plan) leafUnits(costs []*pilotCost, target time.Duration) []unit {
	var units []unit
	for _, c := range costs {
		ns := math.Exp(c.nsLog / float64(len(c.trees)))
		n := iterationsFor(target, ns, c.untimed)
		u := unit{pkg: c.pkg, leaf: c.name, Bench: LeafPattern(c.name), Time: fmt.Sprintf("%dx", n), Label: shortPkg(p.Packages[c.pkg].ImportPath) + " " + c.name,
			Timeout: max(time.Minute, BenchmarkTimeout*target), ns: ns, bytes: c.bytes, untimed: c.untimed}
		if len(c.trees) < len(p.Trees) {
			u.Trees = c.trees
		}
		units = append(units, u)
		if p.leaves == nil {
			p.leaves = map[int][]string{}
		}
		p.leaves[c.pkg] = append(p.leaves[c.pkg], c.name)
	}
	return units
}

// packageUnits makes one unit per package, running the benchmarks that
// bench selects for benchtime; with only set, only those packages
// (import path -> pattern) run, each with its own pattern.
func (p *Plan) packageUnits(bench, benchtime string, only map[string]string) []unit {
	var units []unit
	for i, pk := range p.Packages {
		b := bench
		if only != nil {
			var ok bool
			if b, ok = only[pk.ImportPath]; !ok {
				continue
			}
		}
		units = append(units, unit{pkg: i, Bench: b, Time: benchtime, Label: shortPkg(pk.ImportPath), Skip: p.skip})
	}
	return units
}

// subset returns the units that run the benchmarks of names (import path
// -> benchmark names without their -N suffix): the benchmark units among
// units whose benchmark is named, or, when units are whole packages, a
// unit per package running the named benchmarks.
func (p *Plan) subset(units []unit, names map[string][]string) []unit {
	if len(units) == 0 || units[0].leaf == "" {
		only := map[string]string{}
		for pkg, ns := range names {
			only[pkg] = Pattern(ns)
		}
		benchtime := ""
		if len(units) > 0 {
			benchtime = units[0].Time
		}
		return p.packageUnits("", benchtime, only)
	}
	var out []unit
	for _, u := range units {
		if slices.Contains(names[p.Packages[u.pkg].ImportPath], u.leaf) {
			out = append(out, u)
		}
	}
	return out
}

// LeafPattern is the -test.bench pattern that runs exactly the benchmark
// name (a sub-benchmark path such as BenchmarkRead/size=1KiB, without
// the -N suffix): each /-separated element anchored and quoted.
func LeafPattern(name string) string {
	elems := strings.Split(name, "/")
	for i, e := range elems {
		elems[i] = "^" + regexp.QuoteMeta(e) + "$"
	}
	return strings.Join(elems, "/")
}

// ExactPattern is the -test.bench (or -test.skip) pattern that selects
// exactly the benchmarks names (full names without -N): their leaf
// patterns as alternatives, which Go's testing matches one by one.
func ExactPattern(names []string) string {
	pats := make([]string, len(names))
	for i, n := range names {
		pats[i] = LeafPattern(n)
	}
	return strings.Join(pats, "|")
}

// costsOf returns the ns/op and B/op of each benchmark (name without its
// -N suffix) in Go benchmark output, in the order they ran; with several
// lines of one benchmark, the last.
func costsOf(out []byte) []cost {
	var costs []cost
	at := map[string]int{}
	o, _ := readOutput(out)
	for _, line := range o.results {
		f := strings.Split(line, "\t")
		c := cost{Name: resultName(line)}
		for _, pair := range f[2:] {
			v, unit, ok := strings.Cut(strings.TrimSpace(pair), " ")
			x, err := strconv.ParseFloat(v, 64)
			if !ok || err != nil || !(x >= 0) || math.IsInf(x, 0) {
				continue
			}
			switch unit {
			case "ns/op":
				c.NS = x
			case "B/op":
				c.Bytes = x
			}
		}
		if c.NS <= 0 {
			continue
		}
		if j, ok := at[c.Name]; ok {
			costs[j] = c
		} else {
			at[c.Name] = len(costs)
			costs = append(costs, c)
		}
	}
	return costs
}

// trimProcs removes the -N GOMAXPROCS suffix go test appends to a
// benchmark's name.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || strings.Contains(name[i:], "/") {
		return name
	}
	if n, err := strconv.Atoi(name[i+1:]); err != nil || n <= 0 {
		return name
	}
	return name[:i]
}

func pkgDir(tr *Tree, pk Package) string { return filepath.Join(tr.Dir, pk.Rel) }
