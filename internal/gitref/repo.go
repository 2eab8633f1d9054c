// Package gitref reads a git repository with go-git: it resolves the
// revisions a user types, finds merge bases and writes a commit's tree to a
// directory. It never changes the repository: not HEAD, the index, refs or
// the working tree.
package gitref

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/benchgate/benchgate/internal/lines"
)

// A Repo is an open repository.
type Repo struct {
	git  *git.Repository
	root string
}

// Open opens the repository that contains dir: dir may be a subdirectory
// of the working tree or a linked worktree.
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("opening git repository at %s: %w", dir, err)
	}
	r, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if refusedExtension(err) {
		r, err = openIgnoringExtensions(abs)
	}
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, fmt.Errorf("opening git repository at %s: %w: run benchgate inside a git checkout, or compare against a saved baseline file", abs, err)
		}
		return nil, fmt.Errorf("opening git repository at %s: %w", abs, err)
	}
	wt, err := r.Worktree()
	if err != nil {
		return nil, fmt.Errorf("opening git repository at %s: %w", abs, err)
	}
	return &Repo{git: r, root: wt.Filesystem.Root()}, nil
}

// Root is the top directory of the working tree.
func (r *Repo) Root() string { return r.root }

// A Commit is a resolved revision.
type Commit struct {
	// Rev is what the user typed ("main", "v1.2.0", "HEAD~3").
	Rev string
	// Hash is the full commit hash.
	Hash plumbing.Hash
}

// Short is the abbreviated hash.
func (c Commit) Short() string { return c.Hash.String()[:7] }

// Resolve resolves a revision as git rev-parse would: a branch,
// origin/branch, a tag (annotated tags are peeled), a full or short hash,
// HEAD~N.
func (r *Repo) Resolve(rev string) (Commit, error) {
	h, err := r.git.ResolveRevision(plumbing.Revision(rev))
	if errors.Is(err, io.EOF) {
		// go-git's word for walking past the first commit (HEAD~999).
		if start, _, ok := strings.Cut(rev, "~"); ok && start != "" {
			if n, derr := r.depth(start); derr == nil {
				return Commit{}, fmt.Errorf("resolving %q: it goes back further than the history: %s has %d first-parent ancestors (a shallow clone has fewer: fetch more with fetch-depth: 0)", rev, start, n)
			}
		}
		return Commit{}, fmt.Errorf("resolving %q: it goes back further than the history (a shallow clone? fetch more with fetch-depth: 0)", rev)
	}
	if err != nil {
		return Commit{}, r.explain(fmt.Sprintf("resolving %q", rev), err)
	}
	if _, err := r.git.CommitObject(*h); err != nil {
		return Commit{}, r.explain(fmt.Sprintf("resolving %q (%s)", rev, h.String()[:7]), err)
	}
	return Commit{Rev: rev, Hash: *h}, nil
}

// depth counts the first-parent ancestors of rev.
func (r *Repo) depth(rev string) (int, error) {
	h, err := r.git.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return 0, err
	}
	c, err := r.git.CommitObject(*h)
	n := 0
	for err == nil && c.NumParents() > 0 {
		if c, err = c.Parent(0); err == nil {
			n++
		}
	}
	return n, nil
}

// MergeBase returns the best common ancestor of two revisions.
func (r *Repo) MergeBase(a, b string) (Commit, error) {
	ca, err := r.Resolve(a)
	if err != nil {
		return Commit{}, err
	}
	cb, err := r.Resolve(b)
	if err != nil {
		return Commit{}, err
	}
	oa, err := r.git.CommitObject(ca.Hash)
	if err != nil {
		return Commit{}, r.explain("merge base", err)
	}
	ob, err := r.git.CommitObject(cb.Hash)
	if err != nil {
		return Commit{}, r.explain("merge base", err)
	}
	bases, err := oa.MergeBase(ob)
	if err != nil {
		return Commit{}, r.explain(fmt.Sprintf("merge base of %s and %s", a, b), err)
	}
	if len(bases) == 0 {
		return Commit{}, r.explain(fmt.Sprintf("merge base of %s and %s", a, b), errors.New("no common ancestor"))
	}
	return Commit{Rev: fmt.Sprintf("merge-base(%s, %s)", a, b), Hash: bases[0].Hash}, nil
}

// Head returns the commit HEAD points to and the branch name ("" when
// detached).
func (r *Repo) Head() (Commit, string, error) {
	ref, err := r.git.Head()
	if err != nil {
		return Commit{}, "", fmt.Errorf("reading HEAD: %w (a repository without commits has no base to compare with)", err)
	}
	branch := ""
	if ref.Name().IsBranch() {
		branch = ref.Name().Short()
	}
	return Commit{Rev: "HEAD", Hash: ref.Hash()}, branch, nil
}

// FirstExisting returns the first of the revisions that resolves, or "".
func (r *Repo) FirstExisting(revs ...string) string {
	for _, rev := range revs {
		if _, err := r.git.ResolveRevision(plumbing.Revision(rev)); err == nil {
			return rev
		}
	}
	return ""
}

// explain wraps err, adding the fix when the clone is shallow and the
// commit may simply not have been fetched.
func (r *Repo) explain(what string, err error) error {
	shallow, _ := r.git.Storer.Shallow()
	notFound := errors.Is(err, plumbing.ErrReferenceNotFound) || errors.Is(err, plumbing.ErrObjectNotFound) || errors.Is(err, object.ErrParentNotFound)
	if len(shallow) > 0 && notFound {
		return fmt.Errorf("%s: %w: this is a shallow clone and the commit is not in it; fetch the history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)", what, err)
	}
	if notFound {
		return fmt.Errorf("%s: %w: check the name, or fetch it (git fetch origin)", what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Repository is the go-git repository, for packages that write objects of
// their own (the history branch); they must not touch HEAD, the index or
// the working tree either.
func (r *Repo) Repository() *git.Repository { return r.git }

// A Change is a commit on a first-parent line.
type Change struct {
	Commit
	// Parent is the first parent's hash; zero for a root commit.
	Parent plumbing.Hash
	// When is the committer date.
	When time.Time
	// Subject is the first line of the message.
	Subject string
	// Author is the author's name.
	Author string
}

// FirstParents returns up to n commits of the first-parent line that ends
// at from, newest first (n <= 0: all).
func (r *Repo) FirstParents(from Commit, n int) ([]Change, error) {
	var out []Change
	h := from.Hash
	for n <= 0 || len(out) < n {
		c, err := r.git.CommitObject(h)
		if err != nil {
			if len(out) > 0 && errors.Is(err, plumbing.ErrObjectNotFound) {
				break // a shallow clone ends here
			}
			return out, r.explain(fmt.Sprintf("reading the history of %s", from.Rev), err)
		}
		ch := Change{Commit: Commit{Rev: c.Hash.String()[:7], Hash: c.Hash}, When: c.Committer.When, Subject: lines.First(c.Message, 1), Author: c.Author.Name}
		if len(c.ParentHashes) > 0 {
			ch.Parent = c.ParentHashes[0]
		}
		out = append(out, ch)
		if ch.Parent.IsZero() {
			break
		}
		h = ch.Parent
	}
	return out, nil
}
