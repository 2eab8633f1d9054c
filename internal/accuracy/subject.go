// Package accuracy measures how well benchgate and the usual alternatives
// tell real regressions from noise. It builds a throwaway git repository
// whose benchmarks cost exactly what their loop counts say, a commit that
// changes nothing measurable (A/A) and a commit that injects known
// effects, and runs each method on both comparisons several times.
package accuracy

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/benchgate/benchgate/internal/fixture"
	"github.com/benchgate/benchgate/internal/verdict"
)

// An Effect is a change injected into one benchmark.
type Effect struct {
	// Benchmark is the benchmark's name without the -N suffix.
	Benchmark string
	// Unit is the metric the effect shows in: ns/op, MB/s or allocs/op.
	Unit string
	// Pct is the injected change in the bad direction, in percent
	// (negative for an improvement; 0 for none; 100 for 0 -> 1 allocs).
	Pct float64
}

type spec struct {
	name        string
	loops, next int  // loop count at the base and at the effect commit
	alloc       bool // the effect commit allocates once per op
	bytes       int  // SetBytes, for MB/s
	allocs      int  // bytes both commits allocate per op
}

const baseLoops = 2000

// specs are the fixture's benchmarks: steady ones, slowdowns from below to
// far above the 20% latency threshold, an allocation, a throughput drop
// twice the 10% threshold, +10% work in a benchmark that allocates 4 KiB
// per op (its count holds the collector's work), and two improvements.
var specs = []spec{
	{name: "Steady1", loops: baseLoops, next: baseLoops},
	{name: "Steady2", loops: baseLoops, next: baseLoops},
	{name: "Steady3", loops: baseLoops, next: baseLoops},
	{name: "Steady4", loops: baseLoops, next: baseLoops},
	{name: "Slow2", loops: baseLoops, next: baseLoops * 102 / 100},
	{name: "Slow3", loops: baseLoops, next: baseLoops * 103 / 100},
	{name: "Slow5", loops: baseLoops, next: baseLoops * 105 / 100},
	{name: "Slow10", loops: baseLoops, next: baseLoops * 110 / 100},
	{name: "Slow15", loops: baseLoops, next: baseLoops * 115 / 100},
	{name: "Slow20", loops: baseLoops, next: baseLoops * 120 / 100},
	{name: "Slow30", loops: baseLoops, next: baseLoops * 130 / 100},
	{name: "Slow50", loops: baseLoops, next: baseLoops * 150 / 100},
	{name: "Slow100", loops: baseLoops, next: baseLoops * 2},
	{name: "Alloc", loops: baseLoops, next: baseLoops, alloc: true},
	{name: "Throughput", loops: baseLoops, next: baseLoops * 125 / 100, bytes: 4096},
	{name: "AllocWork10", loops: baseLoops, next: baseLoops * 110 / 100, allocs: 4096},
	{name: "Fast30", loops: baseLoops, next: baseLoops * 70 / 100},
	{name: "Fast50", loops: baseLoops, next: baseLoops / 2},
}

// Effects lists what the effect commit injects, per benchmark metric.
func Effects() []Effect {
	var out []Effect
	for _, s := range specs {
		name := "Benchmark" + s.name
		switch {
		case s.alloc:
			out = append(out, Effect{name, "allocs/op", 100})
		case s.bytes > 0:
			out = append(out, Effect{name, "MB/s", 100 * (1 - float64(s.loops)/float64(s.next))})
			fallthrough
		case s.next != s.loops:
			// The loop is the op's work: counted instructions change as
			// the loop count does, time about as much.
			pct := 100 * (float64(s.next)/float64(s.loops) - 1)
			out = append(out, Effect{name, "ns/op", pct}, Effect{name, verdict.InstructionsUnit, pct})
		}
	}
	return out
}

func source(effect bool, comment string) map[string]string {
	spec := fixture.Spec{Comment: comment}
	for _, s := range specs {
		b := fixture.Bench{Name: s.name, Work: s.loops, SetBytes: int64(s.bytes), Alloc: s.allocs}
		if effect {
			b.Work = s.next
			if s.alloc {
				b.Alloc = 64
			}
		}
		spec.Benches = append(spec.Benches, b)
	}
	return spec.Files()
}

// A subject is the throwaway repository: base, an A/A commit and an effect
// commit, each also checked out in a worktree.
type subject struct {
	dir                string
	base, same, effect string // commit hashes
	sameDir, effectDir string // worktrees
	baseDir            string
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=accuracy", "GIT_AUTHOR_EMAIL=a@example.com",
		"GIT_COMMITTER_NAME=accuracy", "GIT_COMMITTER_EMAIL=a@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

func commit(dir string, files map[string]string, msg string) (string, error) {
	if err := fixture.Write(dir, files); err != nil {
		return "", err
	}
	if _, err := git(dir, "add", "-A"); err != nil {
		return "", err
	}
	if _, err := git(dir, "commit", "-q", "-m", msg); err != nil {
		return "", err
	}
	return git(dir, "rev-parse", "HEAD")
}

func newSubject(root string) (*subject, error) {
	f := &subject{dir: filepath.Join(root, "repo")}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return nil, err
	}
	if _, err := git(f.dir, "init", "-q", "-b", "main"); err != nil {
		return nil, err
	}
	var err error
	if f.base, err = commit(f.dir, source(false, "base"), "base"); err != nil {
		return nil, err
	}
	if f.same, err = commit(f.dir, source(false, "a comment changes, nothing else"), "A/A: no measurable change"); err != nil {
		return nil, err
	}
	if _, err = git(f.dir, "checkout", "-q", "-b", "effects", f.base); err != nil {
		return nil, err
	}
	if f.effect, err = commit(f.dir, source(true, "effects"), "inject effects"); err != nil {
		return nil, err
	}
	for _, wt := range []struct {
		dir *string
		rev string
	}{{&f.baseDir, f.base}, {&f.sameDir, f.same}, {&f.effectDir, f.effect}} {
		*wt.dir = filepath.Join(root, "wt-"+wt.rev[:7])
		if _, err := git(f.dir, "worktree", "add", "-q", "--detach", *wt.dir, wt.rev); err != nil {
			return nil, err
		}
	}
	return f, nil
}
