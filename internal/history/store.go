package history

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/benchgate/benchgate/internal/lock"
)

// DefaultBranch is the history branch (BENCH_HISTORY_BRANCH).
const DefaultBranch = "benchgate-history"

// A Store is the history branch of a repository.
type Store struct {
	// Skipped names the run files the last Runs could not read.
	Skipped []string

	repo *git.Repository
	// blobs reads run files: the repository's storage with a small object
	// cache, as each run is read once (go-git's default cache kept 96 MB
	// of them alive).
	blobs storer.EncodedObjectStorer
	ref   plumbing.ReferenceName
	// beforeSwap, when set, runs between building a commit and moving the
	// branch to it: tests use it to lose the race.
	beforeSwap func()
	// lockPath serializes the writers of one repository on this machine
	// (creating the branch cannot be compared-and-swapped).
	lockPath string
}

// Open returns the store on branch (default DefaultBranch) of repo.
func Open(repo *git.Repository, branch string) *Store {
	if branch == "" {
		branch = DefaultBranch
	}
	s := &Store{repo: repo, blobs: repo.Storer, ref: plumbing.NewBranchReferenceName(branch)}
	if fs, ok := repo.Storer.(*filesystem.Storage); ok {
		s.lockPath = filepath.Join(fs.Filesystem().Root(), "benchgate-history.lock")
		s.blobs = filesystem.NewStorage(fs.Filesystem(), cache.NewObjectLRU(4*cache.MiByte))
	}
	return s
}

// Branch is the store's branch name.
func (s *Store) Branch() string { return s.ref.Short() }

var signature = object.Signature{Name: "benchgate", Email: "benchgate@users.noreply.github.com"}

// Append stores run as a new file in a new commit on the branch and
// returns its path. When another writer moved the branch meanwhile, it
// builds its commit again on the new tip (the files never conflict).
func (s *Store) Append(run *Run) (string, error) {
	if run.Recorded.IsZero() {
		run.Recorded = time.Now().UTC()
	}
	if run.ID == "" {
		run.ID = fmt.Sprintf("t%d", run.Recorded.UnixNano())
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(run); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	blob, err := s.putBlob(buf.Bytes())
	if err != nil {
		return "", err
	}
	p := run.Path()
	msg := fmt.Sprintf("benchgate: record %s (run %s)", run.Commit, run.ID)
	return p, s.update(msg, func(files map[string]plumbing.Hash) bool {
		files[p] = blob
		return true
	})
}

// Prune removes the runs whose commit date is before cutoff, in one
// commit, and returns how many.
func (s *Store) Prune(cutoff time.Time) (int, error) {
	n := 0
	err := s.update("benchgate: prune runs before "+cutoff.UTC().Format("2006-01-02"), func(files map[string]plumbing.Hash) bool {
		n = 0
		for p := range files {
			if d, ok := fileDate(p); ok && d.Before(cutoff) {
				delete(files, p)
				n++
			}
		}
		return n > 0
	})
	return n, err
}

// fileDate reads the date in a run file's name.
func fileDate(p string) (time.Time, bool) {
	base := path.Base(p)
	if len(base) < 10 {
		return time.Time{}, false
	}
	d, err := time.Parse("2006-01-02", base[:10])
	return d, err == nil
}

// update applies change to the branch's files and commits the result on
// the tip, retrying when the tip moved. change returns false when there is
// nothing to commit.
func (s *Store) update(msg string, change func(map[string]plumbing.Hash) bool) error {
	if s.lockPath != "" {
		var l *lock.Lock
		var err error
		for i := 0; ; i++ {
			if l, err = lock.Acquire(s.lockPath, "writing "+s.ref.Short()); err == nil || !errors.Is(err, lock.ErrHeld) || i == 600 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			return err
		}
		defer l.Release()
	}
	for attempt := 1; ; attempt++ {
		old, err := s.repo.Reference(s.ref, true)
		if err != nil && !errors.Is(err, plumbing.ErrReferenceNotFound) {
			return fmt.Errorf("reading %s: %w", s.ref.Short(), err)
		}
		files := map[string]plumbing.Hash{}
		var parents []plumbing.Hash
		if old != nil {
			if files, err = s.files(old.Hash()); err != nil {
				return err
			}
			parents = []plumbing.Hash{old.Hash()}
		}
		if !change(files) {
			return nil
		}
		root, err := s.buildTree(files)
		if err != nil {
			return err
		}
		sig := signature
		sig.When = time.Now()
		c := &object.Commit{Author: sig, Committer: sig, Message: msg + "\n", TreeHash: root, ParentHashes: parents}
		obj := s.repo.Storer.NewEncodedObject()
		if err := c.Encode(obj); err != nil {
			return err
		}
		h, err := s.repo.Storer.SetEncodedObject(obj)
		if err != nil {
			return fmt.Errorf("writing a commit on %s: %w", s.ref.Short(), err)
		}
		if s.beforeSwap != nil {
			s.beforeSwap()
		}
		err = s.repo.Storer.CheckAndSetReference(plumbing.NewHashReference(s.ref, h), old)
		if err == nil {
			return nil
		}
		if !errors.Is(err, storage.ErrReferenceHasChanged) || attempt >= 10 {
			return fmt.Errorf("moving %s: %w", s.ref.Short(), err)
		}
	}
}

// files lists every file of the commit's tree with its blob.
func (s *Store) files(commit plumbing.Hash) (map[string]plumbing.Hash, error) {
	c, err := s.repo.CommitObject(commit)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.ref.Short(), err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.ref.Short(), err)
	}
	// A tree walker, not Files(): that reads every blob just to list it.
	files := map[string]plumbing.Hash{}
	w := object.NewTreeWalker(t, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", s.ref.Short(), err)
		}
		if e.Mode.IsFile() {
			files[name] = e.Hash
		}
	}
}

func (s *Store) putBlob(b []byte) (plumbing.Hash, error) {
	obj := s.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(b); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.repo.Storer.SetEncodedObject(obj)
}

// buildTree writes the trees of files (path -> blob) and returns the root.
func (s *Store) buildTree(files map[string]plumbing.Hash) (plumbing.Hash, error) {
	type dir struct {
		files map[string]plumbing.Hash
		dirs  map[string]*dir
	}
	root := &dir{files: map[string]plumbing.Hash{}, dirs: map[string]*dir{}}
	for p, h := range files {
		parts := strings.Split(p, "/")
		d := root
		for _, el := range parts[:len(parts)-1] {
			sub := d.dirs[el]
			if sub == nil {
				sub = &dir{files: map[string]plumbing.Hash{}, dirs: map[string]*dir{}}
				d.dirs[el] = sub
			}
			d = sub
		}
		d.files[parts[len(parts)-1]] = h
	}
	var write func(d *dir) (plumbing.Hash, error)
	write = func(d *dir) (plumbing.Hash, error) {
		var entries []object.TreeEntry
		for name, h := range d.files {
			entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h})
		}
		for name, sub := range d.dirs {
			h, err := write(sub)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
		}
		// Git's order: names compared with a directory's as "name/".
		key := func(e object.TreeEntry) string {
			if e.Mode == filemode.Dir {
				return e.Name + "/"
			}
			return e.Name
		}
		slices.SortFunc(entries, func(a, b object.TreeEntry) int { return strings.Compare(key(a), key(b)) })
		obj := s.repo.Storer.NewEncodedObject()
		if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
			return plumbing.ZeroHash, err
		}
		return s.repo.Storer.SetEncodedObject(obj)
	}
	return write(root)
}

// Runs reads every run on the branch; none when the branch does not
// exist. A run file that cannot be read (garbage, a broken gzip, another
// schema) is skipped and named in Skipped: one bad file must not hide the
// rest of the history.
func (s *Store) Runs() ([]*Run, error) {
	var runs []*Run
	err := s.Each(func(r *Run) error {
		runs = append(runs, r)
		return nil
	})
	return runs, err
}

// Each calls fn with every run on the branch, in the order of their paths,
// one at a time, so that a long history need not be held whole; bad files
// are skipped as Runs does. An error of fn stops it and is returned.
func (s *Store) Each(fn func(*Run) error) error {
	s.Skipped = nil
	ref, err := s.repo.Reference(s.ref, true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", s.ref.Short(), err)
	}
	files, err := s.files(ref.Hash())
	if err != nil {
		return err
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		if strings.HasSuffix(p, ".json.gz") {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	for _, p := range paths {
		r, err := s.read(files[p])
		if err != nil {
			s.Skipped = append(s.Skipped, fmt.Sprintf("skipped %s on %s: %v", p, s.ref.Short(), err))
			continue
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) read(h plumbing.Hash) (*Run, error) {
	obj, err := s.blobs.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, err
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	zr, err := gzip.NewReader(rd)
	if err != nil {
		return nil, err
	}
	var r Run
	if err := json.NewDecoder(io.LimitReader(zr, 64<<20)).Decode(&r); err != nil {
		return nil, err
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("schema %d, this benchgate reads %d", r.Schema, Schema)
	}
	return &r, nil
}
