package profile

import (
	"fmt"
	"os"
	"path/filepath"
)

// A Runs is what the runner kept of one benchmark's profiled runs: the
// raw files per side and kind ("base.cpu", "current.mem", ...) and the
// ops each kind covers, so that diffs are per op.
type Runs struct {
	Pkg, Benchmark, Dir string
	// Module is the measured module's path: CPU time of runtime and
	// standard library frames is also named by the nearest function of
	// the module that called them (Diff.CPUModule).
	Module      string
	Files       map[string][]string
	Ops, MemOps int64
}

// DiffRuns merges each side's and kind's runs into one profile in r.Dir
// (removing the raw files) and diffs base against current, ranking the
// top functions and allocation sites, with the pprof commands that open
// each diff.
func DiffRuns(r Runs, top int) (Diff, error) {
	d := Diff{Pkg: r.Pkg, Benchmark: r.Benchmark, Dir: r.Dir}
	merged := map[string]string{}
	for key, files := range r.Files {
		out := filepath.Join(r.Dir, key+".pb.gz")
		if _, err := Merge(out, files); err != nil {
			return d, fmt.Errorf("profiles of %s: %w", r.Benchmark, err)
		}
		for _, f := range files {
			os.Remove(f)
		}
		merged[key] = out
	}
	var err error
	if merged["base.cpu"] != "" && merged["current.cpu"] != "" {
		if d.CPUFlat, d.CPUCum, d.CPUModule, err = CPUFiles(merged["base.cpu"], merged["current.cpu"], float64(r.Ops), top, r.Module); err != nil {
			return d, err
		}
		d.Commands = append(d.Commands, fmt.Sprintf("go tool pprof -http=: -diff_base %s %s", merged["base.cpu"], merged["current.cpu"]))
	}
	if merged["base.mem"] != "" && merged["current.mem"] != "" {
		if d.Memory, err = MemoryFiles(merged["base.mem"], merged["current.mem"], float64(r.MemOps), top); err != nil {
			return d, err
		}
		d.Commands = append(d.Commands, fmt.Sprintf("go tool pprof -http=: -sample_index=alloc_space -diff_base %s %s", merged["base.mem"], merged["current.mem"]))
	}
	return d, nil
}

// DiffAll diffs each benchmark's runs (DiffRuns), in order.
func DiffAll(runs []Runs, top int) ([]Diff, error) {
	var diffs []Diff
	for _, r := range runs {
		d, err := DiffRuns(r, top)
		if err != nil {
			return nil, err
		}
		diffs = append(diffs, d)
	}
	return diffs, nil
}
