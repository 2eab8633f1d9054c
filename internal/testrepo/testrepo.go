// Package testrepo builds throwaway git repositories for tests with the git
// command line, so that tests exercise repositories exactly as users make
// them.
package testrepo

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A Repo is a git repository in a temporary directory.
type Repo struct {
	T   testing.TB
	Dir string
}

// New creates an empty repository with branch main in a new temporary
// directory.
func New(t testing.TB) *Repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	r := &Repo{T: t, Dir: t.TempDir()}
	r.Git("init", "-q", "-b", "main")
	return r
}

// Git runs git in the repository and returns its trimmed output; a
// failure ends the test.
func (r *Repo) Git(args ...string) string {
	r.T.Helper()
	return GitIn(r.T, r.Dir, args...)
}

// GitIn runs git in dir with a fixed identity and dates.
func GitIn(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=benchgate test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=benchgate test", "GIT_COMMITTER_EMAIL=test@example.com",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// Write writes files (path -> content) relative to the repository root.
func (r *Repo) Write(files map[string]string) {
	r.T.Helper()
	for name, content := range files {
		path := filepath.Join(r.Dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			r.T.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			r.T.Fatal(err)
		}
	}
}

// Commit writes files, stages everything and commits; it returns the
// commit hash.
func (r *Repo) Commit(msg string, files map[string]string) string {
	r.T.Helper()
	r.Write(files)
	r.Git("add", "-A")
	r.Git("commit", "-q", "-m", msg)
	return r.Git("rev-parse", "HEAD")
}

// State is everything a tool must not change in a repository: HEAD, the
// refs, the index and the status of the working tree.
func (r *Repo) State() string {
	r.T.Helper()
	gitDir := r.Git("rev-parse", "--git-dir")
	if !filepath.IsAbs(gitDir) {
		gitDir = filepath.Join(r.Dir, gitDir)
	}
	index, err := os.ReadFile(filepath.Join(gitDir, "index"))
	if err != nil && !os.IsNotExist(err) {
		r.T.Fatal(err)
	}
	return strings.Join([]string{
		"HEAD " + r.Git("rev-parse", "HEAD"),
		"symbolic " + r.Git("rev-parse", "--symbolic-full-name", "HEAD"),
		"refs\n" + r.Git("for-each-ref"),
		"status\n" + r.Git("status", "--porcelain=v1", "--untracked-files=all", "--ignored"),
		"index " + string(index),
	}, "\n")
}
