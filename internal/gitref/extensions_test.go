package gitref_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/testrepo"
)

// TestWorktreeConfig: repositories that git sparse-checkout or per-worktree
// configuration left with extensions.worktreeConfig (in the main checkout
// and in a linked worktree) open, resolve and materialize as git reads
// them; the repository is not changed.
func TestWorktreeConfig(t *testing.T) {
	r, h := fixture(t)
	r.Git("config", "core.repositoryformatversion", "1")
	r.Git("config", "extensions.worktreeConfig", "true")
	linked := filepath.Join(t.TempDir(), "linked")
	r.Git("worktree", "add", "-q", linked, "feature")
	testrepo.GitIn(t, linked, "config", "--worktree", "user.name", "someone else")
	before := r.State()
	for _, dir := range []string{r.Dir, linked, filepath.Join(r.Dir, ".")} {
		repo, err := gitref.Open(dir)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		c, err := repo.Resolve("HEAD~1")
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		want := h["c2"]
		if dir == linked {
			want = h["c1"]
		}
		if c.Hash.String() != want {
			t.Errorf("%s: HEAD~1 = %s, want %s", dir, c.Hash, want)
		}
		out := t.TempDir()
		if _, err := repo.Materialize(context.Background(), c, out); err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if _, err := os.Stat(filepath.Join(out, "a.txt")); err != nil {
			t.Errorf("%s: the tree was not written: %v", dir, err)
		}
	}
	if after := r.State(); after != before {
		t.Errorf("the repository changed:\n%s\n%s", before, after)
	}
}
