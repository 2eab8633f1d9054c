package runner

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A Shard is one of Total parts of the selected packages (Index from 1),
// so that CI can spread a module's benchmarks over runners. The zero
// Shard is everything.
type Shard struct{ Index, Total int }

// String is "i/N", "" for the zero Shard.
func (s Shard) String() string {
	if s.Total == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Total)
}

// MaxShards bounds a Shard's Total.
const MaxShards = 256

// ParseShard reads "i/N" (1 <= i <= N <= MaxShards).
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	a, errA := strconv.Atoi(strings.TrimSpace(i))
	b, errB := strconv.Atoi(strings.TrimSpace(n))
	if !ok || errA != nil || errB != nil || b < 1 || b > MaxShards || a < 1 || a > b {
		return Shard{}, fmt.Errorf("use i/N with 1 <= i <= N <= %d, such as 2/4", MaxShards)
	}
	return Shard{Index: a, Total: b}, nil
}

// split returns the packages (indexes into pkgs) of each of total shards:
// every package in exactly one, the shards balanced by weight (the
// heaviest first, each to the lightest shard so far, ties to the lower
// shard and the import path order), the same on every machine that lists
// the same packages and reads the same files.
func split(pkgs []Package, weight []int, total int) [][]int {
	order := make([]int, len(pkgs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(weight[b], weight[a]), cmp.Compare(pkgs[a].ImportPath, pkgs[b].ImportPath))
	})
	shards := make([][]int, total)
	load := make([]int, total)
	for _, i := range order {
		lightest := 0
		for s := range total {
			if load[s] < load[lightest] {
				lightest = s
			}
		}
		shards[lightest] = append(shards[lightest], i)
		load[lightest] += weight[i]
	}
	for _, s := range shards {
		slices.Sort(s)
	}
	return shards
}

// benchmarkCount is the weight of the package in dir: the Benchmark
// functions of its test files, at least 1. It is read from the source,
// not measured, so that every CI runner computes the same split.
func benchmarkCount(dir string) int {
	return max(len(benchmarkFuncs(dir)), 1)
}

// keepShard narrows p.Packages (and present) to the shard's packages and
// says which they are.
func (p *Plan) keepShard(shard Shard, present map[string]map[string]string) (string, error) {
	weight := make([]int, len(p.Packages))
	total := 0
	for i, pk := range p.Packages {
		for j := len(p.Trees) - 1; j >= 0; j-- { // the current side's files, else the base's
			if dir, ok := present[p.Trees[j].Name][pk.ImportPath]; ok {
				weight[i] = benchmarkCount(dir)
				break
			}
		}
		total += weight[i]
	}
	mine := split(p.Packages, weight, shard.Total)[shard.Index-1]
	if len(mine) == 0 {
		return "", fmt.Errorf("%w: shard %s has no package: the suites have %d, so use at most %d shards", ErrNoPackages, shard, len(p.Packages), len(p.Packages))
	}
	var kept []Package
	keep := map[string]bool{}
	w := 0
	for _, i := range mine {
		kept = append(kept, p.Packages[i])
		keep[p.Packages[i].ImportPath] = true
		w += weight[i]
	}
	for _, m := range present {
		for path := range m {
			if !keep[path] {
				delete(m, path)
			}
		}
	}
	note := fmt.Sprintf("shard %s: %d of %d packages, %d of %d benchmark functions", shard, len(kept), len(p.Packages), w, total)
	p.Packages = kept
	return note, nil
}
