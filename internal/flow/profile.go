package flow

import (
	"github.com/benchgate/benchgate/internal/profile"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

// ProfilesDir is the folder, under ResultsDir, of the profiles.
const ProfilesDir = "profiles"

// TopFunctions is how many functions a profile diff ranks.
const TopFunctions = 10

// profiling returns the runner's profiling, choosing benchmarks by
// c.Profile; nil when off.
func (c *Config) profiling() *runner.Profile {
	if c.Profile == profile.Off {
		return nil
	}
	return &runner.Profile{Dir: c.Path(ProfilesDir), Select: c.profileTargets}
}

// profileTargets compares the main rounds (and applies the confirmation
// rounds, when there were any) and names the benchmarks to profile.
func (c *Config) profileTargets(main, fresh map[string][]byte) (map[string][]runner.Target, error) {
	cmp, err := verdict.CompareRounds(main, c.VerdictOptions())
	if err != nil {
		return nil, err
	}
	if fresh != nil {
		f, err := verdict.CompareRounds(fresh, c.VerdictOptions())
		if err != nil {
			return nil, err
		}
		verdict.Confirm(cmp, f)
	}
	out := map[string][]runner.Target{}
	for pkg, ts := range cmp.ProfileTargets(c.Profile == profile.All, c.Profile == profile.On) {
		for _, t := range ts {
			out[pkg] = append(out[pkg], runner.Target{Name: t.Name, Memory: t.Memory})
		}
	}
	return out, nil
}
