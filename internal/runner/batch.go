package runner

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Batches: the benchmarks of one binary whose iteration counts are close
// run in one process per side and round, with one shared count, so that
// process start, package init, TestMain and a parent benchmark's setup
// are paid once per batch instead of once per benchmark. Both sides run
// the same batches with the same count, in the same ABBA order, so the
// identical-counts and interleaving guarantees hold batch by batch.

// batchable reports whether units are benchmark units with fixed counts
// that can share processes.
func batchable(units []unit) bool {
	return len(units) > 1 && units[0].leaf != ""
}

// MaxBatchRatio is how far apart the counts of one batch's benchmarks
// may be: run at the geometric middle count, each benchmark's run takes
// between half and twice the benchtime.
const MaxBatchRatio = 4

// batches groups benchmark units into runs: units of one package and the
// same sides, of the same name depth, whose counts are within
// MaxBatchRatio of each other (counts under 8 only with their equals), as
// long as a -test.bench pattern selects exactly them among the package's
// benchmarks; else per parent benchmark. Other units (whole packages,
// profiled runs) stay as they are. Runs are in the order of their first
// unit.
func (p *Plan) batches(units []unit) []unit {
	if p.separate || !batchable(units) {
		return units
	}
	type key struct {
		pkg   int
		trees string
		depth int
		alone int // a unit that never shares: its index + 1
	}
	var order []key
	groups := map[key][]int{}
	for i, u := range units {
		k := key{pkg: u.pkg, trees: strings.Join(u.Trees, ","), depth: strings.Count(u.leaf, "/")}
		if fixedN(u) == 0 || len(u.Extra) > 0 {
			k.alone = i + 1
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	first := map[int][]int{} // index of a run's first unit -> the run's units
	for _, k := range order {
		idx := groups[k]
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(fixedN(units[a]), fixedN(units[b])) })
		for len(idx) > 0 {
			lo := fixedN(units[idx[0]])
			n := 1
			for n < len(idx) && k.alone == 0 && fits(lo, fixedN(units[idx[n]])) {
				n++
			}
			window := idx[:n]
			idx = idx[n:]
			slices.Sort(window)
			for _, run := range p.split(units, window) {
				first[run[0]] = run
			}
		}
	}
	var out []unit
	for i := range units {
		run, ok := first[i]
		switch {
		case !ok:
		case len(run) == 1:
			out = append(out, units[i])
		default:
			g := make([]unit, len(run))
			for j, r := range run {
				g[j] = units[r]
			}
			out = append(out, p.batch(g))
		}
	}
	return out
}

// fixedN is a unit's fixed count (-test.benchtime=Nx), 0 for a
// duration.
func fixedN(u unit) int64 {
	if !strings.HasSuffix(u.Time, "x") {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(u.Time, "x"), 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// fits reports whether count n can share a run with counts from lo up.
func fits(lo, n int64) bool {
	if lo < 8 || n < 8 {
		return n == lo
	}
	return n <= MaxBatchRatio*lo
}

// split returns the units of window (indexes in units) as one run when a
// pattern can select exactly their benchmarks among the package's, else
// as one run per parent benchmark (the last level alone varies, so that
// pattern is exact).
func (p *Plan) split(units []unit, window []int) [][]int {
	g := make([]unit, len(window))
	for j, w := range window {
		g[j] = units[w]
	}
	if exact(g, p.leaves[g[0].pkg]) {
		return [][]int{window}
	}
	var parents []string
	byParent := map[string][]int{}
	for _, w := range window {
		par := parent(units[w].leaf)
		if _, ok := byParent[par]; !ok {
			parents = append(parents, par)
		}
		byParent[par] = append(byParent[par], w)
	}
	var runs [][]int
	for _, par := range parents {
		runs = append(runs, byParent[par])
	}
	return runs
}

// parent is a benchmark name without its last level ("" at the top).
func parent(leaf string) string {
	if i := strings.LastIndexByte(leaf, '/'); i >= 0 {
		return leaf[:i]
	}
	return ""
}

// exact reports whether the pattern of levels built from g's names
// selects no other benchmark of known (the package's benchmarks): Go
// matches each level on its own, so P/x and Q/y would also run P/y.
func exact(g []unit, known []string) bool {
	levels := levelSets(g)
	in := map[string]bool{}
	for _, u := range g {
		in[u.leaf] = true
	}
	for _, k := range known {
		if in[k] {
			continue
		}
		parts := strings.Split(k, "/")
		if len(parts) != len(levels) {
			continue
		}
		match := true
		for i, part := range parts {
			match = match && slices.Contains(levels[i], part)
		}
		if match {
			return false
		}
	}
	return true
}

// levelSets are the distinct names at each level of g's benchmarks.
func levelSets(g []unit) [][]string {
	var levels [][]string
	for _, u := range g {
		for i, part := range strings.Split(u.leaf, "/") {
			if i == len(levels) {
				levels = append(levels, nil)
			}
			if !slices.Contains(levels[i], part) {
				levels[i] = append(levels[i], part)
			}
		}
	}
	return levels
}

// batch is the one run of g's benchmarks: their pattern, the geometric
// middle of their counts, the sum of their timeouts.
func (p *Plan) batch(g []unit) unit {
	levels := levelSets(g)
	lo, hi := fixedN(g[0]), fixedN(g[0])
	for _, u := range g {
		lo, hi = min(lo, fixedN(u)), max(hi, fixedN(u))
	}
	count := int64(math.Round(math.Sqrt(float64(lo) * float64(hi))))
	b := unit{pkg: g[0].pkg, Bench: pattern(g), Time: fmt.Sprintf("%dx", count), Trees: g[0].Trees}
	var timeout time.Duration
	for _, u := range g {
		b.leaves = append(b.leaves, u.leaf)
		timeout += max(u.Timeout, time.Minute)
	}
	b.Timeout = min(timeout, PackageTimeout)
	b.Label = fmt.Sprintf("%s %d benchmarks (%s, ...)", shortPkg(p.Packages[b.pkg].ImportPath), len(g), g[0].leaf)
	if par := parent(g[0].leaf); par != "" && len(levels[len(levels)-1]) == len(g) {
		b.Label = fmt.Sprintf("%s %s/{%s}", shortPkg(p.Packages[b.pkg].ImportPath), par, strings.Join(levels[len(levels)-1], ","))
	}
	return b
}

// pattern is the -test.bench pattern of g's benchmarks: each level's
// names. It may select more of the package's benchmarks (see exact).
func pattern(g []unit) string {
	levels := levelSets(g)
	pat := make([]string, len(levels))
	for i, names := range levels {
		q := make([]string, len(names))
		for j, n := range names {
			q[j] = regexp.QuoteMeta(n)
		}
		pat[i] = "^(?:" + strings.Join(q, "|") + ")$"
	}
	return strings.Join(pat, "/")
}

// keeps reports whether a result line of benchmark name (without its -N
// suffix) belongs to u's results: a batch keeps only its own benchmarks
// (its pattern may select more, which ran for nothing).
func (u unit) keeps(name string) bool {
	return len(u.leaves) == 0 || slices.Contains(u.leaves, name)
}

// holds reports whether the benchmark unit v is one a run of u runs: u's
// one benchmark, or one of its batch.
func (u unit) holds(v unit) bool {
	return v.pkg == u.pkg && slices.Contains(u.expected(), v.leaf)
}
