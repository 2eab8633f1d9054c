package flow

import (
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
	return &runner.Profile{Dir: c.Path(ProfilesDir), Select: c.profileTargets}
}

// profileTargets compares the main rounds (and applies the confirmation
// rounds, when there were any) and names the benchmarks to profile.
func (c *Config) profileTargets(main, fresh map[string][]byte) (map[string][]runner.Target, error) {
	cmp, err := verdict.CompareRounds(main, c.verdictOptions())
	if err != nil {
		return nil, err
	}
	if fresh != nil {
		f, err := verdict.CompareRounds(fresh, c.verdictOptions())
		if err != nil {
			return nil, err
		}
		verdict.Confirm(cmp, f)
	}
	out := map[string][]runner.Target{}
	for pkg, ts := range cmp.ProfileTargets(c.Profile == ProfileAll, c.Profile == ProfileOn) {
		for _, t := range ts {
			out[pkg] = append(out[pkg], runner.Target{Name: t.Name, Memory: t.Memory})
		}
	}
	return out, nil
}

// diffProfiles merges each profiled benchmark's runs into one profile per
// side and kind, and diffs them.
func (c *Config) diffProfiles(profs []runner.Profiled) ([]profile.Diff, error) {
	var diffs []profile.Diff
	for _, pr := range profs {
		d, err := profile.DiffRuns(pr, TopFunctions)
		if err != nil {
			return nil, err
		}
		diffs = append(diffs, d)
	}
	return diffs, nil
}
