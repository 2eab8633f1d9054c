package gitref

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Materialize writes the tree of commit c into dir, which must exist and
// be empty: directories, regular files, executables (0755) and symlinks.
// Submodules are skipped; each one skipped is named in the returned
// warnings. Nothing in the repository changes.
func (r *Repo) Materialize(ctx context.Context, c Commit, dir string) (warnings []string, err error) {
	commit, err := r.git.CommitObject(c.Hash)
	if err != nil {
		return nil, r.explain(fmt.Sprintf("materializing %s (%s)", c.Rev, c.Short()), err)
	}
	tree, err := commit.Tree()
	if err != nil {
		return nil, r.explain(fmt.Sprintf("materializing %s (%s)", c.Rev, c.Short()), err)
	}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		if err := ctx.Err(); err != nil {
			return warnings, err
		}
		name, entry, err := w.Next()
		if errors.Is(err, io.EOF) {
			return warnings, nil
		}
		if err != nil {
			return warnings, fmt.Errorf("materializing %s (%s): %w", c.Rev, c.Short(), err)
		}
		path := filepath.Join(dir, filepath.FromSlash(name))
		switch entry.Mode {
		case filemode.Dir:
			err = os.MkdirAll(path, 0o755)
		case filemode.Submodule:
			warnings = append(warnings, fmt.Sprintf("submodule %s skipped: benchgate does not check out submodules of the base", name))
		case filemode.Symlink:
			var target []byte
			if target, err = r.blob(entry); err == nil {
				err = os.Symlink(string(target), path)
			}
		case filemode.Executable, filemode.Regular, filemode.Deprecated:
			perm := os.FileMode(0o644)
			if entry.Mode == filemode.Executable {
				perm = 0o755
			}
			err = r.writeBlob(entry, path, perm)
		default:
			warnings = append(warnings, fmt.Sprintf("%s skipped: unknown file mode %v", name, entry.Mode))
		}
		if err != nil {
			return warnings, fmt.Errorf("materializing %s (%s): %s: %w", c.Rev, c.Short(), name, err)
		}
	}
}

func (r *Repo) blob(e object.TreeEntry) ([]byte, error) {
	b, err := r.git.BlobObject(e.Hash)
	if err != nil {
		return nil, err
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

func (r *Repo) writeBlob(e object.TreeEntry, path string, perm os.FileMode) error {
	b, err := r.git.BlobObject(e.Hash)
	if err != nil {
		return err
	}
	rd, err := b.Reader()
	if err != nil {
		return err
	}
	defer rd.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, rd); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
