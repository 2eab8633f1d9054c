// Package runner builds the test binaries of both sides once and runs them
// interleaved, round by round, writing Go benchmark format result files.
package runner

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/benchgate/benchgate/internal/counter"
	"github.com/benchgate/benchgate/internal/lines"
)

// A Suite names a group of packages, given as go list patterns relative to
// the module root ("./benchmarks/storage/...").
type Suite struct {
	Name     string
	Patterns []string
}

// A Tree is one side of a comparison: a module root and its identity.
type Tree struct {
	// Name is "base" or "current".
	Name string
	// Dir is the module root of this side's source tree.
	Dir string
	// Ref and Commit identify the tree in the results' config lines.
	Ref, Commit string
	// Out is the results file this side writes.
	Out string
	// Toolchain, when set, is the Go toolchain that builds this side
	// (GOTOOLCHAIN, such as go1.27.3): comparing Go versions. Default:
	// the go command's own.
	Toolchain string
	// Strip builds the binaries without symbol table and DWARF (the
	// runtime's own tables stay, so profiles keep their names): valgrind
	// starts such a binary in half the time. Default false.
	Strip bool
	// Marks builds the binaries with the counting marks in package
	// testing (counter.Overlay): one callgrind process then counts each
	// benchmark of a binary apart. A toolchain the marks do not fit
	// builds without them (with a note). Default false.
	Marks bool
	// Strict makes a package of this side that fails to load or build an
	// error instead of a note: the current side is strict, since a
	// benchmark that cannot run there gives no evidence. Default false:
	// such a package runs on the other side only.
	Strict bool
}

// A Package is a package to benchmark.
type Package struct {
	ImportPath string
	Suite      string
	// Rel is the package directory relative to the module root.
	Rel string
	// Module is the path of the module it belongs to.
	Module string
}

// listed is one line of go list output.
type listed struct {
	importPath, dir string
	tests           int
	err             string
	module          string
}

// list runs go list -e in dir over patterns.
func list(ctx context.Context, tr *Tree, patterns []string) ([]listed, error) {
	args := append([]string{"list", "-e", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}\t{{with .Module}}{{.Path}}{{end}}\t{{with .Error}}{{.Err}}{{end}}"}, patterns...)
	cmd := goCommand(ctx, tr, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("listing packages %s in %s: %w\n%s", strings.Join(patterns, " "), tr.Dir, err, strings.TrimSpace(stderr.String()))
	}
	var ps []listed
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), "\t", 6)
		if len(f) < 6 {
			continue
		}
		var t, x int
		fmt.Sscan(f[2], &t)
		fmt.Sscan(f[3], &x)
		ps = append(ps, listed{importPath: f[0], dir: f[1], tests: t + x, module: f[4], err: f[5]})
	}
	return ps, nil
}

// A Plan is the packages to run on each side, with their built binaries.
type Plan struct {
	Trees    []*Tree
	Packages []Package
	// Notes say what was skipped and why.
	Notes []string
	// Unaffected are the packages a Selection with Affected left out:
	// the change does not reach them.
	Unaffected []string
	// Fails are the packages that do not load or build on a side: on
	// the base side only, or (left out of Packages) on both.
	Fails []Failure

	// Stats accumulate where the time went.
	Stats Stats

	bins      map[string]map[string]string // tree name -> import path -> binary
	startCost map[string]time.Duration     // binary -> its run time without benchmarks
	costs     *costCache                   // what each binary's benchmarks cost, from run to run
	costKeys  map[string]string            // binary -> its key in costs
	goVersion map[string]string            // tree name -> the Go that built it
	marked    map[string]bool              // tree name -> its binaries have the counting marks
	leaves    map[int][]string             // package -> its benchmarks, as the pilot found them
	twins     map[string]string            // binary -> the first side's of its package, when the same (see twin)
	dropped   []string                     // packages left out: broken on both sides
	ignore    []string                     // directories left out of package digests (Selection.Ignore)

	counter      counter.Counter // counts instructions, when set
	noTime       bool            // only count
	countRounds  int             // the rounds that count
	marks        bool            // the counter reads the marks: a binary's benchmarks are counted together
	separate     bool            // no batches
	direct       bool            // every side's binaries have the marks: timed runs start each benchmark at its count
	skip         string          // -test.skip of every whole-package run
	took         tookNs          // what each benchmark took an op in the round under way (see shorten)
	target       time.Duration   // the benchtime of the main rounds as a duration (0 for Nx)
	parallelOnce sync.Once
	parallelMu   sync.Mutex
	parallel     map[string]map[string]bool // package dir -> benchmarks that use RunParallel
	countCache   *countCache                // counted runs of unchanged binaries, from run to run
	mainRounds   bool                       // the main rounds are running (their counts are kept)
	recount      bool                       // nothing counted before is reused
	countCostMu  sync.Mutex
	countCost    map[unitID]float64 // instructions per op a unit was counted at in earlier rounds, the most of its sides
	countNext    map[unitID]float64 // the same, this round's (countRound moves them into countCost before the next)
}

// Stats say where a run's time went, to tell the runner's own overhead
// from the benchmarks' work.
type Stats struct {
	// Materialize is the time spent writing the base tree (and any
	// other side's) from git before anything was built.
	Materialize time.Duration
	// Build is the time spent listing packages and building binaries.
	Build time.Duration
	// Pilot is the wall time of the pilot runs; PilotKnown of
	// PilotBinaries binaries were unchanged since an earlier run, whose
	// costs it reused instead of running them.
	Pilot                     time.Duration
	PilotKnown, PilotBinaries int
	// PilotGuided binaries' pilots ran each benchmark known before once,
	// at a count from its cost (an earlier build's, or the other side's;
	// see pilotRun).
	PilotGuided int
	// PilotTwins binaries took the costs the first side's pilot measured:
	// the same binary and package files (see twin).
	PilotTwins int
	// Exec is the wall time of the test binaries, start to exit.
	Exec time.Duration
	// Timed is the time the benchmarks' timed loops took, as their
	// results report it (iterations x ns/op of the final runs).
	Timed time.Duration
	// Starts estimates the part of Exec spent starting and stopping
	// processes: per run, the time its binary takes to run no benchmark
	// (measured once per binary after the build).
	Starts time.Duration
	// Untimed is, per unit (package and benchmark), the part of Exec that
	// is neither timed loops nor process starts: mostly the benchmark's
	// setup, which Go's testing runs twice per run (b.N=1 first).
	Untimed map[string]time.Duration
	// Confirm is the wall time of the confirmation rounds, Profile that
	// of the profiled runs (parts of Total).
	Confirm, Profile time.Duration
	// Counted is the wall time of the counted runs (part of Total).
	Counted time.Duration
	// Total is the wall time of Prepare and Run together.
	Total time.Duration
	// SetupOnce is set when timed runs started each benchmark at its
	// count (the marks): its setup ran once per run, not twice.
	SetupOnce bool
}

func (s *Stats) addUntimed(label string, d time.Duration) {
	if d <= 0 {
		return
	}
	if s.Untimed == nil {
		s.Untimed = map[string]time.Duration{}
	}
	s.Untimed[label] += d
}

// untimedHint names the benchmarks with the most untimed work when it is
// a sizable part of the run, and how to cut it.
func (s Stats) untimedHint(untimed time.Duration) string {
	if len(s.Untimed) == 0 || untimed < s.Total/20 {
		return ""
	}
	labels := slices.SortedFunc(maps.Keys(s.Untimed), func(a, b string) int { return cmp.Compare(s.Untimed[b], s.Untimed[a]) })
	var top []string
	for _, l := range labels[:min(3, len(labels))] {
		top = append(top, fmt.Sprintf("%s %s", l, s.Untimed[l].Round(100*time.Millisecond)))
	}
	if s.SetupOnce {
		return "; most untimed work: " + strings.Join(top, ", ") + " (setup before b.ResetTimer, paid once per run: share it across sub-benchmarks in their parent to pay it once per process)"
	}
	return "; most untimed work: " + strings.Join(top, ", ") + " (a benchmark written with b.Loop, Go 1.24+, runs its setup once per run instead of twice)"
}

// String summarizes the stats as fractions of the total.
func (s Stats) String() string {
	pct := func(d time.Duration) float64 { return 100 * d.Seconds() / max(s.Total.Seconds(), 1e-9) }
	confirm := ""
	if s.Confirm > 0 {
		confirm = fmt.Sprintf("; the confirmation rounds took %s (%.0f%%)", s.Confirm.Round(100*time.Millisecond), pct(s.Confirm))
	}
	if s.Profile > 0 {
		confirm += fmt.Sprintf("; profiling took %s (%.0f%%)", s.Profile.Round(100*time.Millisecond), pct(s.Profile))
	}
	if s.Counted > 0 {
		confirm += fmt.Sprintf("; counting instructions took %s (%.0f%%)", s.Counted.Round(100*time.Millisecond), pct(s.Counted))
	}
	d := func(d time.Duration) string { return fmt.Sprintf("%s (%.0f%%)", d.Round(100*time.Millisecond), pct(d)) }
	building := "building " + d(s.Build)
	if s.Materialize > 0 {
		building = "writing the base tree " + d(s.Materialize) + ", " + building
	}
	pilot := ""
	if s.Pilot > 0 {
		pilot = ", the pilot " + d(s.Pilot)
	}
	var how []string
	if s.PilotKnown > 0 {
		how = append(how, fmt.Sprintf("%d of %d binaries' costs known from an earlier run", s.PilotKnown, s.PilotBinaries))
	}
	if s.PilotGuided > 0 {
		how = append(how, fmt.Sprintf("%d run once at counts from known costs", s.PilotGuided))
	}
	if s.PilotTwins > 0 {
		how = append(how, fmt.Sprintf("%d the same on both sides, measured on one", s.PilotTwins))
	}
	if len(how) > 0 {
		pilot += " (" + strings.Join(how, ", ") + ")"
	}
	if s.Exec == 0 && s.Counted > 0 { // instructions only: no timed runs to account for
		rest := ""
		if s.Confirm > 0 {
			rest += fmt.Sprintf("; the confirmation rounds took %s (%.0f%%)", s.Confirm.Round(100*time.Millisecond), pct(s.Confirm))
		}
		if s.Profile > 0 { // profiles are timed runs, even here
			rest += fmt.Sprintf("; profiling took %s (%.0f%%)", s.Profile.Round(100*time.Millisecond), pct(s.Profile))
		}
		return fmt.Sprintf("%s total: %s%s, counting instructions %s", s.Total.Round(100*time.Millisecond), building, pilot, d(s.Counted)) + rest
	}
	untimed := max(s.Exec-s.Timed-s.Starts, 0)
	setup := "their setup, which Go's testing runs twice per run, and Go's b.N calibration where there is no pilot"
	if s.SetupOnce {
		setup = "their setup, once per run: each benchmark started at its count, with no b.N=1 run before it"
	}
	return fmt.Sprintf("%s total: %s%s, benchmark runs %s: timed loops %s, process starts %s, the benchmarks' untimed work %s (%s)",
		s.Total.Round(100*time.Millisecond), building, pilot, d(s.Exec), d(s.Timed), d(s.Starts), d(untimed), setup) + confirm + s.untimedHint(untimed)
}

// Prepare lists the suites' packages in every tree and builds one test
// binary per package and tree into binDir. A package that does not exist
// or does not build on one side is run on the other only (its benchmarks
// become new or missing); a package with no tests is skipped with a note.
func Prepare(ctx context.Context, trees []*Tree, suites []Suite, binDir string, prog Progress) (*Plan, error) {
	return PrepareWith(ctx, trees, suites, binDir, Selection{}, prog)
}

// A Selection narrows what a Plan measures of the suites' packages.
type Selection struct {
	// Shard, when set, keeps one shard of the packages. Default: all.
	Shard Shard
	// Affected keeps only the packages the change reaches (see
	// dropUnaffected); the others are named in Plan.Unaffected. Default
	// false: every package.
	Affected bool
	// Ignore are directories (absolute paths) whose files change nothing
	// a benchmark measures: the results directory, which may lie in a
	// package directory (a module's root package). They are left out of
	// the digests that key the counts cache and BENCH_AFFECTED. Default:
	// none.
	Ignore []string
}

// PrepareWith is Prepare with a selection of the suites' packages.
func PrepareWith(ctx context.Context, trees []*Tree, suites []Suite, binDir string, sel Selection, prog Progress) (*Plan, error) {
	shard := sel.Shard
	start := time.Now()
	p := &Plan{Trees: trees, ignore: sel.Ignore, bins: map[string]map[string]string{}, goVersion: map[string]string{}, marked: map[string]bool{}, startCost: map[string]time.Duration{},
		costs: loadCosts(filepath.Join(binDir, CostsFile)), costKeys: map[string]string{}, countCache: loadCounts(filepath.Join(binDir, CountsFile))}
	defer func() { p.Stats.Build = time.Since(start); p.Stats.Total = p.Stats.Build }()
	lists, err := listAll(ctx, trees, suites)
	if err != nil {
		return nil, err
	}
	present, err := p.selectPackages(lists, suites)
	if err != nil {
		return nil, err
	}
	if len(p.Packages) == 0 {
		return nil, fmt.Errorf("%w in suites %s", ErrNoPackages, suiteNames(suites))
	}
	if shard.Total > 1 {
		note, err := p.keepShard(shard, present)
		if err != nil {
			return nil, err
		}
		prog.Note(note)
	}
	if err := p.buildAll(ctx, present, binDir, prog); err != nil {
		return nil, err
	}
	if sel.Affected {
		all := len(p.Packages)
		p.Unaffected = p.dropUnaffected(present)
		prog.Note(fmt.Sprintf("affected: %d of %d packages differ between the sides; %d not affected (identical test binaries and package files) are not measured", len(p.Packages), all, len(p.Unaffected)))
	}
	return p, nil
}

// listAll lists every tree's suites at once: lists[i*len(suites)+j] is
// tree i's suite j.
func listAll(ctx context.Context, trees []*Tree, suites []Suite) ([][]listed, error) {
	lists := make([][]listed, len(trees)*len(suites))
	errs := make([]error, len(lists))
	var wg sync.WaitGroup
	for i, tr := range trees {
		for j, s := range suites {
			k := i*len(suites) + j
			wg.Go(func() { lists[k], errs[k] = list(ctx, tr, s.Patterns) })
		}
	}
	wg.Wait()
	return lists, errors.Join(errs...)
}

// selectPackages takes the listed packages in order, so that the first
// suite that lists a package owns it, into p.Packages, and notes the ones
// skipped. It returns, per tree, the import paths it has and their
// directories.
func (p *Plan) selectPackages(lists [][]listed, suites []Suite) (present map[string]map[string]string, err error) {
	seen := map[string]bool{}
	present = map[string]map[string]string{}
	for i, tr := range p.Trees {
		present[tr.Name] = map[string]string{}
		for j, s := range suites {
			for _, l := range lists[i*len(suites)+j] {
				switch {
				case l.err != "" && strings.Contains(l.err, "no Go files"):
					p.note(tr, fmt.Sprintf("%s: no Go files", l.importPath))
				case l.err != "" && tr.Strict:
					other, msg := p.loadError(lists, suites, tr, l.importPath)
					if other == nil {
						return nil, fmt.Errorf("%s: package %s does not load: %s", tr.Name, l.importPath, strings.TrimSpace(l.err))
					}
					p.note(tr, fmt.Sprintf("%s does not load on either side: broken before this change, not measured: %s", l.importPath, lines.First(l.err, 1)))
					p.Fails = append(p.Fails, Failure{Side: tr.Name, Pkg: l.importPath, Msg: "does not load: " + lines.First(l.err, 1)})
					if !slices.ContainsFunc(p.Fails, func(f Failure) bool { return f.Side == other.Name && f.Pkg == l.importPath }) {
						p.Fails = append(p.Fails, Failure{Side: other.Name, Pkg: l.importPath, Msg: "does not load: " + lines.First(msg, 1)})
					}
				case l.err != "":
					p.note(tr, fmt.Sprintf("%s: %s", l.importPath, lines.First(l.err, 1)))
					if len(p.Trees) > 1 {
						p.Fails = append(p.Fails, Failure{Side: tr.Name, Pkg: l.importPath, Msg: "does not load: " + lines.First(l.err, 1)})
					}
				case l.tests == 0:
					p.note(tr, fmt.Sprintf("%s: no test files, skipped", l.importPath))
				default:
					present[tr.Name][l.importPath] = l.dir
					if !seen[l.importPath] {
						seen[l.importPath] = true
						rel, err := filepath.Rel(tr.Dir, l.dir)
						if err != nil {
							return nil, fmt.Errorf("package %s: %w", l.importPath, err)
						}
						p.Packages = append(p.Packages, Package{ImportPath: l.importPath, Suite: s.Name, Rel: rel, Module: l.module})
					}
				}
			}
		}
	}
	return present, nil
}

// loadError is another tree whose listing has package pkg with an error
// too, and that error; nil when none has.
func (p *Plan) loadError(lists [][]listed, suites []Suite, tr *Tree, pkg string) (*Tree, string) {
	for i, other := range p.Trees {
		if other == tr {
			continue
		}
		for j := range suites {
			for _, l := range lists[i*len(suites)+j] {
				if l.importPath == pkg && l.err != "" && !strings.Contains(l.err, "no Go files") {
					return other, l.err
				}
			}
		}
	}
	return nil, ""
}

// oneSideFirst builds the last side (the current one) before the others:
// with -trimpath what the sides share (the standard library, the
// dependencies, unchanged packages) is then compiled once and found in
// the build cache by the other sides, where two builds at once on a cold
// cache each compile all of it. A variable for BenchmarkColdBuild.
var oneSideFirst = true

// A built side is what building one tree's test binaries gave.
type built struct {
	bins, failed map[string]string
	goVersion    string
	marksNote    string
	marked       bool
	err          error
}

// buildSide builds tree tr's test binaries of pkgs into binDir.
func buildSide(ctx context.Context, tr *Tree, pkgs []string, binDir string) built {
	var r built
	dir := filepath.Join(binDir, tr.Name+flavour(tr))
	overlay, note := marksOverlay(ctx, tr, dir)
	r.marked, r.marksNote = overlay != "", note
	r.bins, r.failed, r.err = build(ctx, tr, pkgs, dir, overlay)
	if v, err := goCommand(ctx, tr, "env", "GOVERSION").Output(); err == nil {
		r.goVersion = strings.TrimSpace(string(v))
	}
	return r
}

// buildAll builds the sides (the current one first, see oneSideFirst),
// then measures each binary's start cost. A package of the current
// (Strict) side that does not build is told apart at once, before the
// base is built and anything measured: the base's copy of it is built
// alone, and when that fails too the package is broken before this
// change (skipped on both sides, named in p.Fails), else the change broke
// it (an error). A package of another side that does not build is noted
// and runs on the current side only.
func (p *Plan) buildAll(ctx context.Context, present map[string]map[string]string, binDir string, prog Progress) error {
	results := make([]built, len(p.Trees))
	pkgsOf := func(tr *Tree) []string {
		var pkgs []string
		for _, pk := range p.Packages {
			if _, ok := present[tr.Name][pk.ImportPath]; ok {
				pkgs = append(pkgs, pk.ImportPath)
			}
		}
		return pkgs
	}
	var wg sync.WaitGroup
	for k := range p.Trees {
		i := len(p.Trees) - 1 - k // the current side first
		tr := p.Trees[i]
		pkgs := pkgsOf(tr)
		prog.Note(fmt.Sprintf("building %d test binaries of %s", len(pkgs), tr.Name))
		wg.Go(func() { results[i] = buildSide(ctx, tr, pkgs, binDir) })
		if oneSideFirst && k == 0 {
			wg.Wait() // the others find what it compiled in the cache
			if err := p.triage(ctx, tr, &results[i], present, binDir, prog); err != nil {
				return err
			}
		}
	}
	wg.Wait()
	for i, tr := range p.Trees {
		if err := results[i].err; err != nil {
			return err
		}
		if !oneSideFirst && i == len(p.Trees)-1 {
			if err := p.triage(ctx, tr, &results[i], present, binDir, prog); err != nil {
				return err
			}
		}
	}
	for i, tr := range p.Trees {
		bins, failed := results[i].bins, results[i].failed
		for pkg, msg := range failed {
			if p.skipped(pkg) {
				continue
			}
			p.Notes = append(p.Notes, fmt.Sprintf("%s: %s does not build, so it runs on the other side only:\n%s", tr.Name, pkg, indent(msg)))
			p.Fails = append(p.Fails, Failure{Side: tr.Name, Pkg: pkg, Msg: "does not build: " + compileError(msg)})
		}
		p.bins[tr.Name] = bins
		p.marked[tr.Name] = results[i].marked
		if n := results[i].marksNote; n != "" {
			p.Notes = append(p.Notes, n)
		}
		for pkg, bin := range bins {
			p.startCost[bin] = startCost(ctx, bin, present[tr.Name][pkg])
		}
		if v := results[i].goVersion; v != "" {
			p.goVersion[tr.Name] = v
		}
	}
	return nil
}

// triage decides, for each package of the Strict side cur that does not
// build (in r), whether the change broke it: the base's copy (built here
// alone unless another side has built it) builds, or the base lacks the
// package, and that is an error; else it is broken on both sides, left
// out of the plan and named in p.Fails.
func (p *Plan) triage(ctx context.Context, cur *Tree, r *built, present map[string]map[string]string, binDir string, prog Progress) error {
	if !cur.Strict || len(r.failed) == 0 {
		return nil
	}
	var msgs []string
	for _, pkg := range slices.Sorted(maps.Keys(r.failed)) {
		msg := r.failed[pkg]
		base := p.other(cur, pkg, present)
		if base == nil {
			msgs = append(msgs, fmt.Sprintf("%s does not build:\n%s", pkg, indent(msg)))
			continue
		}
		prog.Note(fmt.Sprintf("%s: %s does not build; building the %s's copy of it to tell whether the change broke it", cur.Name, pkg, base.Name))
		b := buildSide(ctx, base, []string{pkg}, binDir)
		if b.err != nil {
			return b.err
		}
		if _, failed := b.failed[pkg]; !failed {
			msgs = append(msgs, fmt.Sprintf("%s does not build, and the %s's copy does: the change broke it:\n%s", pkg, base.Name, indent(msg)))
			continue
		}
		p.Notes = append(p.Notes, fmt.Sprintf("%s does not build on either side: broken before this change, not measured:\n%s", pkg, indent(msg)))
		p.Fails = append(p.Fails,
			Failure{Side: base.Name, Pkg: pkg, Msg: "does not build: " + compileError(b.failed[pkg])},
			Failure{Side: cur.Name, Pkg: pkg, Msg: "does not build: " + compileError(msg)})
		p.drop(pkg)
		delete(r.failed, pkg)
	}
	if len(msgs) > 0 {
		return fmt.Errorf("%s: %s", cur.Name, strings.Join(msgs, "\n"))
	}
	return nil
}

// other is the first other side that has package pkg, nil when none has.
func (p *Plan) other(cur *Tree, pkg string, present map[string]map[string]string) *Tree {
	for _, tr := range p.Trees {
		if _, ok := present[tr.Name][pkg]; ok && tr != cur {
			return tr
		}
	}
	return nil
}

// drop leaves package pkg out of the plan.
func (p *Plan) drop(pkg string) {
	p.Packages = slices.DeleteFunc(p.Packages, func(pk Package) bool { return pk.ImportPath == pkg })
	p.dropped = append(p.dropped, pkg)
}

// skipped reports whether package pkg was left out of the plan.
func (p *Plan) skipped(pkg string) bool { return slices.Contains(p.dropped, pkg) }

// compileError is the first line of the go command's output that says
// what is wrong (a file:line: message), else its first line.
func compileError(out string) string {
	var first string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if first == "" {
			first = l
		}
		if strings.Contains(l, ".go:") {
			return lines.First(l, 1)
		}
	}
	return lines.First(first, 1)
}

func (p *Plan) note(tr *Tree, msg string) {
	if len(p.Trees) > 1 {
		msg = tr.Name + ": " + msg
	}
	for _, n := range p.Notes {
		if n == msg {
			return
		}
	}
	p.Notes = append(p.Notes, msg)
}

func suiteNames(ss []Suite) string {
	var n []string
	for _, s := range ss {
		n = append(n, s.Name)
	}
	return strings.Join(n, ", ")
}

func indent(s string) string {
	s = strings.TrimSpace(s)
	lines := strings.Split(s, "\n")
	if len(lines) > 15 {
		lines = append(lines[:15], "...")
	}
	return "    " + strings.Join(lines, "\n    ")
}

// startCost is the time bin takes to start, run no test and no benchmark,
// and exit: the part of every run that is the process, not the benchmark.
// A TestMain's work counts: every run pays it. A binary that takes over
// a minute counts as 0 (and its runs will show the time as untimed work).
func startCost(ctx context.Context, bin, dir string) time.Duration {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.run=^$", "-test.bench=^$")
	cmd.Dir = dir
	cmd.WaitDelay = time.Second
	start := time.Now()
	if cmd.Run() != nil {
		return 0
	}
	return time.Since(start)
}
