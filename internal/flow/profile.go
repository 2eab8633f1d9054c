package flow

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/benchgate/benchgate/internal/profile"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

// A ProfileMode says which benchmarks get profiles (BENCH_PROFILE).
type ProfileMode string

// The profiling modes.
const (
	// ProfileAuto profiles confirmed regressions only (every regression
	// when confirmation is off). The default.
	ProfileAuto ProfileMode = "auto"
	// ProfileOn profiles every regressed or undecided benchmark.
	ProfileOn ProfileMode = "1"
	// ProfileOff profiles nothing.
	ProfileOff ProfileMode = "0"
	// ProfileAll profiles every benchmark measured (bench:profile).
	ProfileAll ProfileMode = "all"
)

// ProfilesDir is the folder, under ResultsDir, of the profiles.
const ProfilesDir = "profiles"

// TopFunctions is how many functions a profile diff ranks.
const TopFunctions = 10

// profiling returns the runner's profiling, choosing benchmarks by
// c.Profile; nil when off.
func (c *Config) profiling() *runner.Profile {
	if c.Profile == ProfileOff {
		return nil
	}
	return &runner.Profile{Dir: c.path(ProfilesDir), Select: c.profileTargets}
}

// profileTargets compares the main rounds (and applies the confirmation
// rounds, when there were any) and names the benchmarks to profile.
func (c *Config) profileTargets(main, fresh map[string][]byte) (map[string][]runner.Target, error) {
	cmp, err := c.compareResults(main)
	if err != nil {
		return nil, err
	}
	if fresh != nil {
		f, err := c.compareResults(fresh)
		if err != nil {
			return nil, err
		}
		verdict.Confirm(cmp, f)
	}
	out := map[string][]runner.Target{}
	for i := range cmp.Rows {
		r := &cmp.Rows[i]
		var want bool
		switch c.Profile {
		case ProfileAll:
			want = r.Base != nil && r.Current != nil
		case ProfileOn:
			want = r.Status == verdict.StatusRegression || r.Status == verdict.StatusUndecided
		default:
			want = r.Status == verdict.StatusRegression && (r.Confirmed == nil || *r.Confirmed)
		}
		if !want {
			continue
		}
		name, _ := verdict.SplitProcs([]byte(r.Benchmark))
		mem := r.Class == verdict.Memory && (r.Status == verdict.StatusRegression || c.Profile == ProfileAll)
		k := slices.IndexFunc(out[r.Pkg], func(t runner.Target) bool { return t.Name == name })
		if k < 0 {
			out[r.Pkg] = append(out[r.Pkg], runner.Target{Name: name, Memory: mem})
		} else if mem {
			out[r.Pkg][k].Memory = true
		}
	}
	return out, nil
}

// compareResults compares the runner's results (tree name -> Go
// benchmark format).
func (c *Config) compareResults(results map[string][]byte) (*verdict.Comparison, error) {
	base, err := verdict.Read(bytes.NewReader(results["base"]), "base")
	if err != nil {
		return nil, err
	}
	cur, err := verdict.Read(bytes.NewReader(results["current"]), "current")
	if err != nil {
		return nil, err
	}
	return verdict.Compare(base, cur, c.verdictOptions())
}

// diffProfiles merges each profiled benchmark's runs into one profile per
// side and kind, and diffs them.
func (c *Config) diffProfiles(profs []runner.Profiled) ([]profile.Diff, error) {
	var diffs []profile.Diff
	for _, pr := range profs {
		d := profile.Diff{Pkg: pr.Pkg, Benchmark: pr.Benchmark, Dir: pr.Dir}
		merged := map[string]string{}
		for key, files := range pr.Files {
			out := filepath.Join(pr.Dir, key+".pb.gz")
			if _, err := profile.Merge(out, files); err != nil {
				return nil, fmt.Errorf("profiles of %s: %w", pr.Benchmark, err)
			}
			for _, f := range files {
				os.Remove(f)
			}
			merged[key] = out
		}
		var err error
		if merged["base.cpu"] != "" && merged["current.cpu"] != "" {
			if d.CPUFlat, d.CPUCum, err = profile.CPUFiles(merged["base.cpu"], merged["current.cpu"], float64(pr.Ops), TopFunctions); err != nil {
				return nil, err
			}
			d.Commands = append(d.Commands, fmt.Sprintf("go tool pprof -http=: -diff_base %s %s", merged["base.cpu"], merged["current.cpu"]))
		}
		if merged["base.mem"] != "" && merged["current.mem"] != "" {
			if d.Memory, err = profile.MemoryFiles(merged["base.mem"], merged["current.mem"], float64(pr.MemOps), TopFunctions); err != nil {
				return nil, err
			}
			d.Commands = append(d.Commands, fmt.Sprintf("go tool pprof -http=: -sample_index=alloc_space -diff_base %s %s", merged["base.mem"], merged["current.mem"]))
		}
		diffs = append(diffs, d)
	}
	return diffs, nil
}
