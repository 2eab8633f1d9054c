package flow

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/runner"
)

// currentTree describes the working tree, uncommitted changes included.
// Outside a git checkout it has no ref or commit.
func (c *Config) currentTree(out string) *runner.Tree {
	t := &runner.Tree{Name: "current", Dir: c.Dir, Out: out, Strict: true, Toolchain: c.CurrentGo}
	if repo, err := gitref.Open(c.Dir); err == nil {
		if head, branch, err := repo.Head(); err == nil {
			t.Commit = head.Hash.String()
			t.Ref = branch
			if t.Ref == "" {
				t.Ref = "HEAD"
			}
		}
	}
	return t
}

// baseCommit decides what to compare with when no baseline file is used:
// Base when set, else the merge base of HEAD and the main branch, else HEAD
// (which compares the uncommitted changes).
func (c *Config) baseCommit(repo *gitref.Repo) (gitref.Commit, error) {
	if c.Base != "" {
		return repo.Resolve(c.Base)
	}
	if mainRef := repo.FirstExisting(c.MainBranches...); mainRef != "" {
		if mb, err := repo.MergeBase("HEAD", mainRef); err == nil {
			return mb, nil
		}
	}
	return repo.Resolve("HEAD")
}

// MaterializeBase writes the base commit's tree under scratch and returns
// the base side, whose module root sits where Dir sits in the checkout.
func (c *Config) MaterializeBase(ctx context.Context, repo *gitref.Repo, base gitref.Commit, scratch, out string) (*runner.Tree, error) {
	t, err := c.Materialize(ctx, repo, base, filepath.Join(scratch, "base"), out)
	if err != nil {
		return nil, err
	}
	t.Name, t.Toolchain = "base", c.BaseGo
	return t, nil
}

// Materialize writes a commit's tree into root (a new directory) and
// returns it as a side, its module root where Dir sits in the checkout.
func (c *Config) Materialize(ctx context.Context, repo *gitref.Repo, commit gitref.Commit, root, out string) (*runner.Tree, error) {
	if err := os.Mkdir(root, 0o755); err != nil {
		return nil, fmt.Errorf("materializing %s: %w", commit.Short(), err)
	}
	warnings, err := repo.Materialize(ctx, commit, root)
	for _, w := range warnings {
		fmt.Fprintf(c.Stderr, "warning: %s\n", w)
	}
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(repo.Root(), c.Dir)
	if err != nil {
		return nil, fmt.Errorf("locating BENCH_DIR in the repository: %w", err)
	}
	return &runner.Tree{Dir: filepath.Join(root, rel), Ref: commit.Rev, Commit: commit.Hash.String(), Out: out}, nil
}

// MeasureCommit benchmarks the tree of commit alone, materialized like a
// base, and writes its results to out.
func (c *Config) MeasureCommit(ctx context.Context, repo *gitref.Repo, commit gitref.Commit, out string) error {
	_, err := c.RunTrees(ctx, func(ctx context.Context, scratch string) ([]*runner.Tree, error) {
		t, err := c.MaterializeBase(ctx, repo, commit, scratch, out)
		if err != nil {
			return nil, err
		}
		t.Name, t.Strict, t.Toolchain = "current", true, c.CurrentGo
		return []*runner.Tree{t}, nil
	})
	return err
}
