// Package suite is the team's table of benchmark suites: named groups of
// packages with their own thresholds. It selects suites by name and
// splits them into what the runner runs and what the verdict judges.
package suite

import (
	"fmt"
	"strings"

	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

// A Suite is a named group of packages with optional threshold overrides.
type Suite struct {
	// Name is how BENCH_SUITES and CI shards select the suite.
	Name string
	// Packages are go list patterns relative to the module root.
	Packages []string
	// Thresholds override the defaults for the whole suite; zero fields
	// inherit.
	Thresholds verdict.Thresholds
	// Overrides adjust thresholds for benchmarks matching a pattern;
	// their Suite field is filled in with this suite's name.
	Overrides []verdict.Override
}

// Custom is the name of the one suite that packages given instead of
// suites make.
const Custom = "custom"

// Split returns the runner's suites and the verdict's overrides of
// suites, or of one suite named Custom when packages are given (they
// replace the suites).
func Split(suites []Suite, packages []string) ([]runner.Suite, []verdict.Override) {
	if len(packages) > 0 {
		return []runner.Suite{{Name: Custom, Patterns: packages}}, nil
	}
	var rs []runner.Suite
	var ovs []verdict.Override
	for _, s := range suites {
		rs = append(rs, runner.Suite{Name: s.Name, Patterns: s.Packages})
		if s.Thresholds != (verdict.Thresholds{}) {
			ovs = append(ovs, verdict.Override{Suite: s.Name, Thresholds: s.Thresholds})
		}
		for _, o := range s.Overrides {
			o.Suite = s.Name
			ovs = append(ovs, o)
		}
	}
	return rs, ovs
}

// Names are the suites' names, in order.
func Names(suites []Suite) []string {
	names := make([]string, len(suites))
	for i, s := range suites {
		names[i] = s.Name
	}
	return names
}

// Select returns the suites named in names (all when names is empty), or
// an error naming the unknown ones and the choices; what names (setting)
// is for the message.
func Select(all []Suite, names []string, setting string) ([]Suite, error) {
	if len(names) == 0 {
		return all, nil
	}
	var out []Suite
	var unknown []string
	for _, n := range names {
		found := false
		for _, s := range all {
			if s.Name == n {
				out = append(out, s)
				found = true
			}
		}
		if !found {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown suite %s in %s: choose from %s", strings.Join(unknown, ", "), setting, strings.Join(Names(all), ", "))
	}
	return out, nil
}
