package runner

import (
	"bytes"
	"context"
	"fmt"
	"github.com/benchgate/benchgate/internal/profile"
	"hash/fnv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Profile runs the benchmarks Select names again with profiling, after
// the confirmation: a CPU profile per run, and for a memory regression an
// allocation profile (-test.memprofilerate=1) in a run of its own, on both
// sides, with the main rounds' iteration count.
type Profile struct {
	// Select gets the main rounds' results and the confirmation rounds'
	// (tree name -> Go benchmark format; nil when nothing was confirmed)
	// and names, per import path, the benchmarks to profile.
	Select func(main, fresh map[string][]byte) (map[string][]Target, error)
	// Runs is the number of CPU-profiled runs per side, merged. Default 3.
	Runs int
	// Dir receives a folder per benchmark. Required.
	Dir string
}

// A Target is a benchmark to profile (its name without -N).
type Target struct {
	Name string
	// Memory asks for an allocation profile too.
	Memory bool
}

// A Profiled is a profiled benchmark's raw profiles, as profile.DiffRuns
// takes them: the files per side and kind and the ops they cover.
type Profiled = profile.Runs

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._=-]+`)

// ProfileDir is a benchmark's folder under dir: its short package and
// name, made safe for a file name, and a hash of the whole import path
// and name, so that svc1/internal/store and svc2/internal/store (or
// names that differ only in unsafe characters) never share one.
func ProfileDir(dir, pkg, name string) string {
	h := fnv.New32a()
	h.Write([]byte(pkg + "\x00" + name))
	return filepath.Join(dir, fmt.Sprintf("%s-%08x", unsafeName.ReplaceAllString(shortPkg(pkg)+"."+name, "_"), h.Sum32()))
}

// profile runs the profiling rounds.
func (p *Plan) profile(ctx context.Context, opts Options, units []unit, main, fresh map[string]*bytes.Buffer, res *Result, prog Progress) error {
	snap := func(m map[string]*bytes.Buffer) map[string][]byte {
		if m == nil {
			return nil
		}
		out := map[string][]byte{}
		for k, b := range m {
			out[k] = b.Bytes()
		}
		return out
	}
	targets, err := opts.Profile.Select(snap(main), snap(fresh))
	if err != nil {
		return fmt.Errorf("choosing what to profile: %w", err)
	}
	runs := opts.Profile.Runs
	if runs <= 0 {
		runs = 3
	}
	type job struct {
		u   unit
		mem bool
	}
	var jobs []job
	for _, u := range units {
		if u.leaf == "" {
			continue
		}
		for _, t := range targets[p.Packages[u.pkg].ImportPath] {
			if t.Name == u.leaf {
				jobs = append(jobs, job{u, t.Memory})
			}
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	prog.Note(fmt.Sprintf("profile: %d benchmark(s), %d CPU-profiled runs a side", len(jobs), runs))
	start := time.Now()
	defer func() { p.Stats.Profile += time.Since(start) }()
	for _, j := range jobs {
		pk := p.Packages[j.u.pkg]
		n, _ := strconv.ParseInt(strings.TrimSuffix(j.u.Time, "x"), 10, 64)
		pr := Profiled{Pkg: pk.ImportPath, Module: pk.Module, Benchmark: j.u.leaf, Dir: ProfileDir(opts.Profile.Dir, pk.ImportPath, j.u.leaf), Ops: n * int64(runs), Files: map[string][]string{}}
		if err := os.MkdirAll(pr.Dir, 0o755); err != nil {
			return fmt.Errorf("creating the profile folder: %w", err)
		}
		for r := 1; r <= runs; r++ {
			for _, tr := range p.Trees {
				f := filepath.Join(pr.Dir, fmt.Sprintf("%s.cpu.%d.pb.gz", tr.Name, r))
				if err := p.profiledRun(ctx, tr, pk, j.u, []string{"-test.cpuprofile=" + abs(f)}, res, prog); err != nil {
					return err
				}
				pr.Files[tr.Name+".cpu"] = append(pr.Files[tr.Name+".cpu"], f)
			}
		}
		if j.mem {
			pr.MemOps = n
			for _, tr := range p.Trees {
				f := filepath.Join(pr.Dir, tr.Name+".mem.1.pb.gz")
				if err := p.profiledRun(ctx, tr, pk, j.u, []string{"-test.memprofile=" + abs(f), "-test.memprofilerate=1"}, res, prog); err != nil {
					return err
				}
				pr.Files[tr.Name+".mem"] = []string{f}
			}
		}
		res.Profiles = append(res.Profiles, pr)
	}
	return nil
}

// profiledRun runs one side's binary of a unit with extra flags; its
// results are not samples.
func (p *Plan) profiledRun(ctx context.Context, tr *Tree, pk Package, u unit, extra []string, res *Result, prog Progress) error {
	bin := p.bins[tr.Name][pk.ImportPath]
	if bin == "" {
		return nil
	}
	prog.Note(fmt.Sprintf("profile %s %s %s", shortPkg(pk.ImportPath), u.leaf, tr.Name))
	u.Extra = extra
	var discard bytes.Buffer
	var stats Stats
	r, err := runBinary(ctx, bin, pkgDir(tr, pk), u, pk, &discard, &stats)
	if ctx.Err() != nil {
		return fmt.Errorf("profiling interrupted: %w", ctx.Err())
	}
	if err != nil {
		return err
	}
	res.fail(tr, pk, "profiling: ", r.messages(), prog)
	return nil
}

// abs is path made absolute: a test binary runs in its package's
// directory, where a relative path would land.
func abs(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return path
}
