package gitref

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
)

// Repositories as they are on disk: `git sparse-checkout` and per-worktree
// configuration (`git worktree` with `git config --worktree`) set
// extensions.worktreeConfig, which go-git refuses to open
// ("core.repositoryformatversion does not support extension"), though
// all it changes is where git reads a worktree's own settings from.
// benchgate reads objects and refs only, which the extension does not
// touch, so such a repository is opened with the extension hidden from
// go-git's check.

// readOnlyExtensions are the extensions that change nothing benchgate
// reads (objects, refs, HEAD), in lower case as go-git compares them.
var readOnlyExtensions = map[string]bool{"worktreeconfig": true}

// openIgnoringExtensions opens the repository that contains abs as
// PlainOpenWithOptions with DetectDotGit and EnableDotGitCommonDir does,
// with the read-only extensions left out of its configuration. It is
// used only when go-git refused one of them.
func openIgnoringExtensions(abs string) (*git.Repository, error) {
	dot, wt, err := findDotGit(abs)
	if err != nil {
		return nil, err
	}
	var fs billy.Filesystem = dot
	if b, err := os.ReadFile(filepath.Join(dot.Root(), "commondir")); err == nil {
		common := strings.TrimSpace(string(b))
		if !filepath.IsAbs(common) {
			common = filepath.Join(dot.Root(), common)
		}
		fs = dotgit.NewRepositoryFilesystem(dot, osfs.New(common))
	}
	return git.Open(hiddenExtensions{filesystem.NewStorage(fs, cache.NewObjectLRUDefault())}, wt)
}

// findDotGit finds the .git directory (or the gitdir a .git file names,
// in a linked worktree) of abs or its nearest parent that has one, and
// the working tree it belongs to.
func findDotGit(abs string) (dot, wt billy.Filesystem, err error) {
	for dir := abs; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, git.GitDirName)
		fi, err := os.Stat(p)
		if err == nil && fi.IsDir() {
			return osfs.New(p), osfs.New(dir), nil
		}
		if err == nil {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, nil, err
			}
			gitdir, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir: ")
			if !ok {
				return nil, nil, fmt.Errorf("%s: not a gitdir file", p)
			}
			if !filepath.IsAbs(gitdir) {
				gitdir = filepath.Join(dir, gitdir)
			}
			return osfs.New(gitdir), osfs.New(dir), nil
		}
		if !os.IsNotExist(err) {
			return nil, nil, err
		}
		if filepath.Dir(dir) == dir {
			return nil, nil, git.ErrRepositoryNotExists
		}
	}
}

// refusedExtension reports whether go-git refused to open a repository
// only for extensions benchgate can read past.
func refusedExtension(err error) bool {
	if !errors.Is(err, git.ErrUnsupportedExtensionRepositoryFormatVersion) && !errors.Is(err, git.ErrUnknownExtension) {
		return false
	}
	_, names, _ := strings.Cut(err.Error(), ": ")
	for _, n := range strings.Split(names, ",") {
		if !readOnlyExtensions[strings.ToLower(strings.Trim(strings.TrimSpace(n), `"`))] {
			return false
		}
	}
	return true
}

// hiddenExtensions is a storer whose configuration leaves out the
// read-only extensions.
type hiddenExtensions struct{ storage.Storer }

func (h hiddenExtensions) Config() (*config.Config, error) {
	cfg, err := h.Storer.Config()
	if err != nil || cfg.Raw == nil || !cfg.Raw.HasSection("extensions") {
		return cfg, err
	}
	sec := cfg.Raw.Section("extensions")
	var hide []string
	for _, o := range sec.Options {
		if readOnlyExtensions[strings.ToLower(o.Key)] {
			hide = append(hide, o.Key)
		}
	}
	for _, k := range hide {
		sec.RemoveOption(k)
	}
	return cfg, nil
}
