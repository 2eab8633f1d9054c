package bisectflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/benchgate/benchgate/internal/bisect"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
	"github.com/go-git/go-git/v5/plumbing"
)

// stepMeasurer measures a bisection's steps: one commit against the
// good end, interleaved, both materialized from git (the good end once,
// under scratch, for every step). Each step's results are kept in the
// store (good.txt and commit.txt pooling every measurement of it), so
// that a second run with the same settings reuses the steps the first
// one finished.
type stepMeasurer struct {
	cfg      flow.Config
	repo     *gitref.Repo
	good     gitref.Commit
	store    bisect.Store
	scratch  string
	goodTree *runner.Tree
}

// newStepMeasurer measures against good with cfg, keeping steps in dir
// and the good end's tree in scratch.
func newStepMeasurer(cfg flow.Config, repo *gitref.Repo, good gitref.Commit, dir, scratch string) *stepMeasurer {
	m := &stepMeasurer{cfg: forSteps(cfg), repo: repo, good: good, scratch: scratch}
	m.store = bisect.Store{Dir: dir, Key: m.settingsKey()}
	return m
}

// settingsKey names what a step's numbers depend on: the good end and
// every measuring setting (flow.Config.MeasuringKey). A step measured
// otherwise is not reused.
func (m *stepMeasurer) settingsKey() string {
	sum := sha256.Sum256([]byte(m.good.Hash.String() + "\x00" + m.cfg.MeasuringKey()))
	return hex.EncodeToString(sum[:12])
}

// Measure implements bisect.Measurer.
func (m *stepMeasurer) Measure(ctx context.Context, c bisect.Commit, again int) (bisect.Measurement, error) {
	if meas, ok := m.store.Reuse(c.Hash, again); ok {
		// A stored step is reused only when its own samples say what it
		// says: its verdict is judged again from them.
		if fresh, err := m.judge(filepath.Join(m.store.Dir, c.Hash), func(string, string) bool { return false }); err == nil && bisect.Agree(fresh, meas) {
			fmt.Fprintf(m.cfg.Stderr, "bisect: reusing the earlier measurement of %s (%s)\n", c.Short(), filepath.Join(m.store.Dir, c.Hash))
			return meas, nil
		}
		fmt.Fprintf(m.cfg.Stderr, "bisect: the stored step of %s does not agree with its samples (edited?): measuring it again\n", c.Short())
		again = 0
	}
	dir, again, err := m.store.Begin(c.Hash, again)
	if err != nil {
		return bisect.Measurement{}, err
	}
	meas, err := m.run(ctx, c, dir, again > 0)
	if err != nil {
		return bisect.Measurement{}, err
	}
	return meas, m.store.Save(c.Hash, again, meas)
}

// run measures the commit against the good end once more, pools the
// results with the step's earlier ones and judges them. The first
// measurement of a step reuses the instruction counts of unchanged
// binaries (the good end's, counted by the first step); a step measured
// again counts both sides afresh, so that pooling adds samples rather
// than copies.
func (m *stepMeasurer) run(ctx context.Context, c bisect.Commit, dir string, again bool) (bisect.Measurement, error) {
	cfg := m.cfg
	cfg.Recount = cfg.Recount || again
	commit := gitref.Commit{Rev: c.Short(), Hash: plumbing.NewHash(c.Hash)}
	goodNew, commitNew := filepath.Join(dir, "good.new"), filepath.Join(dir, "commit.new")
	if m.goodTree == nil {
		t, err := cfg.MaterializeBase(ctx, m.repo, m.good, m.scratch, "")
		if err != nil {
			return bisect.Measurement{}, err
		}
		m.goodTree = t
	}
	good := *m.goodTree
	good.Out = goodNew
	res, runErr := cfg.RunTrees(ctx, func(ctx context.Context, scratch string) ([]*runner.Tree, error) {
		cur, err := cfg.Materialize(ctx, m.repo, commit, filepath.Join(scratch, "commit"), commitNew)
		if err != nil {
			return nil, err
		}
		cur.Name, cur.Toolchain = "current", cfg.CurrentGo
		return []*runner.Tree{&good, cur}, nil
	})
	if runErr != nil && !errors.Is(runErr, runner.ErrBenchmarkFailed) && !errors.Is(runErr, runner.ErrNoPackages) {
		return bisect.Measurement{}, runErr
	}
	for _, p := range [][2]string{{goodNew, filepath.Join(dir, goodFile)}, {commitNew, filepath.Join(dir, commitFile)}} {
		if err := bisect.Pool(p[0], p[1]); err != nil {
			return bisect.Measurement{}, err
		}
	}
	return m.judge(dir, func(pkg, name string) bool { return res.Failed("current", pkg, name) })
}

// The files of a step's pooled results, in its folder.
const goodFile, commitFile = "good.txt", "commit.txt"

// judge compares a step's pooled results in dir, failed naming the
// benchmarks that failed on the commit's side.
func (m *stepMeasurer) judge(dir string, failed func(pkg, name string) bool) (bisect.Measurement, error) {
	cfg := m.cfg
	goodSet, err := verdict.ReadFile(filepath.Join(dir, goodFile))
	if err != nil || len(goodSet.Series) == 0 {
		return bisect.Measurement{}, fmt.Errorf("the good end %s gave no benchmark results (it does not build, or BENCH_FILTER %s selects nothing there): choose another BENCH_GOOD", m.good.Short(), cfg.Run.Bench)
	}
	commitSet, err := verdict.ReadFile(filepath.Join(dir, commitFile))
	var cmp *verdict.Comparison
	if err == nil {
		cmp, err = verdict.Compare(goodSet, commitSet, cfg.VerdictOptions())
	}
	if err != nil {
		return bisect.Measurement{Skip: "no benchmark results (it does not build, or the benchmarks do not exist there)"}, nil
	}
	return bisect.Levels(cmp, failed), nil
}
