package gitref_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/testrepo"
)

// fixture is a repository with history, branches, tags and a remote ref.
func fixture(t *testing.T) (*testrepo.Repo, map[string]string) {
	r := testrepo.New(t)
	h := map[string]string{}
	h["c1"] = r.Commit("one", map[string]string{"a.txt": "one\n"})
	r.Git("tag", "v1.0.0")
	r.Git("tag", "-a", "-m", "annotated", "v1.1.0")
	h["c2"] = r.Commit("two", map[string]string{"a.txt": "two\n"})
	r.Git("branch", "feature")
	r.Git("update-ref", "refs/remotes/origin/release", h["c1"])
	h["c3"] = r.Commit("three", map[string]string{"a.txt": "three\n"})
	return r, h
}

func TestResolve(t *testing.T) {
	r, h := fixture(t)
	repo, err := gitref.Open(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ rev, want string }{
		{"main", h["c3"]},
		{"HEAD", h["c3"]},
		{"HEAD~1", h["c2"]},
		{"HEAD~2", h["c1"]},
		{"feature", h["c2"]},
		{"origin/release", h["c1"]},
		{"v1.0.0", h["c1"]},
		{"v1.1.0", h["c1"]}, // annotated: peeled to its commit
		{h["c2"], h["c2"]},
		{h["c2"][:7], h["c2"]},
	}
	for _, tt := range tests {
		t.Run(tt.rev, func(t *testing.T) {
			c, err := repo.Resolve(tt.rev)
			if err != nil {
				t.Fatal(err)
			}
			if c.Hash.String() != tt.want {
				t.Errorf("Resolve(%q) = %s, want %s", tt.rev, c.Hash, tt.want)
			}
		})
	}
	if _, err := repo.Resolve("no-such-branch"); err == nil || !strings.Contains(err.Error(), `resolving "no-such-branch"`) {
		t.Errorf("unknown revision: err = %v", err)
	}
	if _, err := repo.Resolve("HEAD~999"); err == nil || !strings.Contains(err.Error(), `resolving "HEAD~999": it goes back further than the history: HEAD has 2 first-parent ancestors`) {
		t.Errorf("HEAD~999 in a history of 3 commits: err = %v", err)
	}
}

func TestMergeBase(t *testing.T) {
	r := testrepo.New(t)
	base := r.Commit("base", map[string]string{"a": "1"})
	r.Git("checkout", "-q", "-b", "topic")
	r.Commit("topic", map[string]string{"b": "1"})
	r.Git("checkout", "-q", "main")
	r.Commit("main moves on", map[string]string{"c": "1"})
	r.Git("checkout", "-q", "topic")
	repo, err := gitref.Open(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := repo.MergeBase("HEAD", "main")
	if err != nil {
		t.Fatal(err)
	}
	if c.Hash.String() != base {
		t.Errorf("merge base %s, want %s", c.Hash, base)
	}
}

func TestMaterialize(t *testing.T) {
	r := testrepo.New(t)
	r.Write(map[string]string{"go.mod": "module x\n", "sub/dir/file.go": "package dir\n", "run.sh": "#!/bin/sh\necho hi\n"})
	os.Chmod(filepath.Join(r.Dir, "run.sh"), 0o755)
	os.Symlink("sub/dir/file.go", filepath.Join(r.Dir, "link.go"))
	r.Git("add", "-A")
	// A submodule entry (gitlink) pointing at some commit.
	r.Git("update-index", "--add", "--cacheinfo", "160000,1111111111111111111111111111111111111111,vendor/mod")
	r.Git("commit", "-q", "-m", "tree")
	r.Write(map[string]string{"sub/dir/file.go": "package dir // uncommitted\n", "untracked.txt": "x"})
	before := r.State()

	repo, err := gitref.Open(filepath.Join(r.Dir, "sub")) // from a subdirectory
	if err != nil {
		t.Fatal(err)
	}
	if repo.Root() != r.Dir {
		t.Errorf("Root() = %s, want %s", repo.Root(), r.Dir)
	}
	c, err := repo.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	warnings, err := repo.Materialize(context.Background(), c, dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "submodule vendor/mod skipped") {
		t.Errorf("warnings = %q, want one about the submodule", warnings)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "sub/dir/file.go")); string(b) != "package dir\n" {
		t.Errorf("file content %q: want the committed content", b)
	}
	if fi, err := os.Stat(filepath.Join(dst, "run.sh")); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("run.sh should be executable: %v %v", fi, err)
	}
	if target, err := os.Readlink(filepath.Join(dst, "link.go")); err != nil || target != "sub/dir/file.go" {
		t.Errorf("link.go: %q %v", target, err)
	}
	if _, err := os.Stat(filepath.Join(dst, "untracked.txt")); !os.IsNotExist(err) {
		t.Errorf("untracked file should not be materialized")
	}
	if after := r.State(); after != before {
		t.Errorf("repository changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestLinkedWorktree(t *testing.T) {
	r, h := fixture(t)
	wt := filepath.Join(t.TempDir(), "wt")
	r.Git("worktree", "add", "-q", wt, "feature")
	wtRepo := &testrepo.Repo{T: t, Dir: wt}
	before := wtRepo.State()
	repo, err := gitref.Open(wt)
	if err != nil {
		t.Fatal(err)
	}
	head, branch, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	if head.Hash.String() != h["c2"] || branch != "feature" {
		t.Errorf("HEAD = %s on %q, want %s on feature", head.Hash, branch, h["c2"])
	}
	c, err := repo.Resolve("main~2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Materialize(context.Background(), c, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if after := wtRepo.State(); after != before {
		t.Errorf("worktree changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestShallowCloneNamesFetchDepth(t *testing.T) {
	r, h := fixture(t)
	clone := filepath.Join(t.TempDir(), "clone")
	testrepo.GitIn(t, t.TempDir(), "clone", "-q", "--depth", "1", "file://"+r.Dir, clone)
	repo, err := gitref.Open(clone)
	if err != nil {
		t.Fatal(err)
	}
	for _, rev := range []string{h["c1"], "HEAD~2"} {
		_, err = repo.Resolve(rev)
		if err == nil || !strings.Contains(err.Error(), "fetch-depth: 0") {
			t.Errorf("Resolve(%s) in a shallow clone: err = %v, want advice naming fetch-depth: 0", rev, err)
		}
	}
}

func TestOpenOutsideRepository(t *testing.T) {
	_, err := gitref.Open(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "run benchgate inside a git checkout") {
		t.Errorf("err = %v", err)
	}
}
