package flow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/benchgate/benchgate/internal/atomicfile"
	"github.com/benchgate/benchgate/internal/bisect"
	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
	"github.com/go-git/go-git/v5/plumbing"
)

// stepMeasurer measures a bisection's steps: one commit against the
// good end, interleaved, both materialized from git (the good end once,
// under scratch, for every step). Each step's results are kept under
// dir/<commit>/ (good.txt and commit.txt pooling every measurement of it,
// step.json the last verdict), so that a second run with the same
// settings (key) reuses the steps the first one finished.
type stepMeasurer struct {
	cfg      Config
	repo     *gitref.Repo
	good     gitref.Commit
	dir      string
	scratch  string
	key      string
	goodTree *runner.Tree
}

// newStepMeasurer measures against good with cfg, keeping steps in dir
// and the good end's tree in scratch.
func newStepMeasurer(cfg Config, repo *gitref.Repo, good gitref.Commit, dir, scratch string) *stepMeasurer {
	m := &stepMeasurer{cfg: cfg.forSteps(), repo: repo, good: good, dir: dir, scratch: scratch}
	m.key = m.settingsKey()
	return m
}

// savedStep is a step's step.json.
type savedStep struct {
	// Key is what the measurement depends on besides the commit.
	Key         string             `json:"key"`
	Again       int                `json:"again"`
	Measurement bisect.Measurement `json:"measurement"`
}

// settingsKey names what a step's numbers depend on: the good end, what
// runs, how, and how it is judged. A step measured otherwise is not
// reused.
func (m *stepMeasurer) settingsKey() string {
	c := m.cfg
	suites, _ := c.suites()
	v, _ := json.Marshal([]any{m.good.Hash.String(), suites, c.Run.Bench, c.Run.Time, c.Run.Count, c.Run.Separate, c.Measure, c.Counter, c.CountRounds, c.BaseGo, c.CurrentGo, c.verdictOptions()})
	sum := sha256.Sum256(v)
	return hex.EncodeToString(sum[:12])
}

// Measure implements bisect.Measurer.
func (m *stepMeasurer) Measure(ctx context.Context, c bisect.Commit, again int) (bisect.Measurement, error) {
	dir, key := filepath.Join(m.dir, c.Hash), m.key
	var saved savedStep
	if b, err := os.ReadFile(filepath.Join(dir, "step.json")); err == nil && json.Unmarshal(b, &saved) == nil && saved.Key == key && saved.Again >= again {
		fmt.Fprintf(m.cfg.Stderr, "bisect: reusing the earlier measurement of %s (%s)\n", c.Short(), filepath.Join(dir, "step.json"))
		saved.Measurement.Reused = true
		return saved.Measurement, nil
	}
	if again == 0 || saved.Key != key || saved.Again != again-1 {
		// A fresh step: nothing pooled from other settings or from a
		// measurement that did not finish.
		if err := os.RemoveAll(dir); err != nil {
			return bisect.Measurement{}, fmt.Errorf("clearing %s: %w", dir, err)
		}
		again = 0
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return bisect.Measurement{}, fmt.Errorf("creating %s: %w", dir, err)
	}
	meas, err := m.run(ctx, c, dir)
	if err != nil {
		return bisect.Measurement{}, err
	}
	b, _ := json.Marshal(savedStep{Key: key, Again: again, Measurement: meas})
	if err := atomicfile.WriteBytes(filepath.Join(dir, "step.json"), b); err != nil {
		return bisect.Measurement{}, err
	}
	return meas, nil
}

// run measures the commit against the good end once more, pools the
// results with the step's earlier ones and judges them.
func (m *stepMeasurer) run(ctx context.Context, c bisect.Commit, dir string) (bisect.Measurement, error) {
	commit := gitref.Commit{Rev: c.Short(), Hash: plumbing.NewHash(c.Hash)}
	goodNew, commitNew := filepath.Join(dir, "good.new"), filepath.Join(dir, "commit.new")
	if m.goodTree == nil {
		t, err := m.cfg.materializeBase(ctx, m.repo, m.good, m.scratch, "")
		if err != nil {
			return bisect.Measurement{}, err
		}
		m.goodTree = t
	}
	good := *m.goodTree
	good.Out = goodNew
	res, runErr := m.cfg.runTrees(ctx, func(ctx context.Context, scratch string) ([]*runner.Tree, error) {
		cur, err := m.cfg.materialize(ctx, m.repo, commit, filepath.Join(scratch, "commit"), commitNew)
		if err != nil {
			return nil, err
		}
		cur.Name, cur.Toolchain = "current", m.cfg.CurrentGo
		return []*runner.Tree{&good, cur}, nil
	})
	if runErr != nil && !errors.Is(runErr, runner.ErrBenchmarkFailed) && !errors.Is(runErr, runner.ErrNoPackages) {
		return bisect.Measurement{}, runErr
	}
	goodFile, commitFile := filepath.Join(dir, "good.txt"), filepath.Join(dir, "commit.txt")
	for _, p := range [][2]string{{goodNew, goodFile}, {commitNew, commitFile}} {
		if err := appendFile(p[0], p[1]); err != nil {
			return bisect.Measurement{}, err
		}
	}
	goodSet, err := verdict.ReadFile(goodFile)
	if err != nil || len(goodSet.Series) == 0 {
		return bisect.Measurement{}, fmt.Errorf("the good end %s gave no benchmark results (it does not build, or BENCH_FILTER %s selects nothing there): choose another BENCH_GOOD", m.good.Short(), m.cfg.Run.Bench)
	}
	commitSet, err := verdict.ReadFile(commitFile)
	var cmp *verdict.Comparison
	if err == nil {
		cmp, err = verdict.Compare(goodSet, commitSet, m.cfg.verdictOptions())
	}
	if err != nil {
		return bisect.Measurement{Skip: "no benchmark results (it does not build, or the benchmarks do not exist there)"}, nil
	}
	return bisect.Levels(cmp, func(pkg, name string) bool { return res.Failed("current", pkg, name) }), nil
}

// appendFile appends src (when it exists) to dst and removes src.
func appendFile(src, dst string) error {
	in, err := os.Open(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("pooling %s into %s: %w", src, dst, err)
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Remove(src)
}
