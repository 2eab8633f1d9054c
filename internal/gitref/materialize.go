package gitref

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Limits on what a base tree may hold: a crafted commit must not fill the
// disk or write through a long or escaping symlink.
const (
	// MaxSymlinkTarget is the longest symlink target written, in bytes.
	MaxSymlinkTarget = 4 << 10
	// MaxBlobSize is the largest file written, in bytes.
	MaxBlobSize = 512 << 20
)

// Materialize writes the tree of commit c into dir, which must exist and
// be empty: directories, regular files, executables (0755) and symlinks.
// Every write goes through an os.Root of dir, so no entry can write
// outside it, whatever symlinks the tree holds; a symlink whose target is
// absolute or leaves dir is not created. Submodules are skipped. Each
// entry skipped is named in the returned warnings. A tree with an entry
// named .git (in any case), a name with a control character, or a file or
// symlink target over the limits is refused with an error. Nothing in the
// repository changes.
func (r *Repo) Materialize(ctx context.Context, c Commit, dir string) (warnings []string, err error) {
	what := fmt.Sprintf("materializing %s (%s)", c.Rev, c.Short())
	commit, err := r.git.CommitObject(c.Hash)
	if err != nil {
		return nil, r.explain(what, err)
	}
	tree, err := commit.Tree()
	if err != nil {
		return nil, r.explain(what, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer root.Close()
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	// Symlinks are made last, once every one of them is known: a link
	// whose target passes through another link is not made, since its
	// target cannot be judged by its text (a/up -> .., l1 -> a/up/..).
	links := map[string]string{}
	var linkOrder []string
	for {
		if err := ctx.Err(); err != nil {
			return warnings, err
		}
		name, entry, err := w.Next()
		if errors.Is(err, io.EOF) {
			for _, name := range linkOrder {
				target := links[name]
				switch via := throughLink(name, target, links); {
				case via != "":
					warnings = append(warnings, fmt.Sprintf("symlink %s -> %q skipped: its target passes through the symlink %s (links into links are not made)", name, target, via))
				default:
					if err := root.Symlink(target, filepath.FromSlash(name)); err != nil {
						return warnings, fmt.Errorf("%s: %s: %w", what, name, err)
					}
				}
			}
			return warnings, nil
		}
		if err != nil {
			return warnings, fmt.Errorf("%s: %w", what, err)
		}
		if err := checkName(name); err != nil {
			return warnings, fmt.Errorf("%s: refusing the tree: %w", what, err)
		}
		path := filepath.FromSlash(name)
		switch entry.Mode {
		case filemode.Dir:
			err = root.MkdirAll(path, 0o755)
		case filemode.Submodule:
			warnings = append(warnings, fmt.Sprintf("submodule %s skipped: benchgate does not check out submodules of the base", name))
		case filemode.Symlink:
			var target []byte
			if target, err = r.blob(entry, MaxSymlinkTarget); err != nil {
				break
			}
			if !local(name, string(target)) {
				warnings = append(warnings, fmt.Sprintf("symlink %s -> %q skipped: its target is outside the tree", name, target))
				break
			}
			links[name] = string(target)
			linkOrder = append(linkOrder, name)
		case filemode.Executable, filemode.Regular, filemode.Deprecated:
			perm := os.FileMode(0o644)
			if entry.Mode == filemode.Executable {
				perm = 0o755
			}
			err = r.writeBlob(root, entry, path, perm)
		default:
			warnings = append(warnings, fmt.Sprintf("%s skipped: unknown file mode %v", name, entry.Mode))
		}
		if err != nil {
			return warnings, fmt.Errorf("%s: %s: %w", what, name, err)
		}
	}
}

// checkName refuses a tree path that git itself would not check out: a
// .git component in any case, or a control character.
func checkName(name string) error {
	for _, el := range strings.Split(name, "/") {
		if strings.EqualFold(el, ".git") {
			return fmt.Errorf("entry %q has a .git component", name)
		}
	}
	if i := strings.IndexFunc(name, unicode.IsControl); i >= 0 {
		return fmt.Errorf("entry %q has a control character", name)
	}
	return nil
}

// local reports whether a symlink at name (slash-separated, relative to
// the tree's root) with target stays inside the tree.
func local(name, target string) bool {
	if target == "" || path.IsAbs(target) || filepath.IsAbs(target) || strings.ContainsRune(target, 0) {
		return false
	}
	return filepath.IsLocal(filepath.FromSlash(path.Join(path.Dir(name), target)))
}

// throughLink returns the symlink of links that the target of the link
// name passes through, walking its path component by component from the
// link's directory (so a/up/.. passes through a/up); "" when none.
func throughLink(name, target string, links map[string]string) string {
	var cur []string
	if d := path.Dir(name); d != "." {
		cur = strings.Split(d, "/")
	}
	for _, el := range strings.Split(target, "/") {
		switch el {
		case "", ".":
			continue
		case "..":
			if len(cur) > 0 {
				cur = cur[:len(cur)-1]
			}
			continue
		}
		cur = append(cur, el)
		if p := strings.Join(cur, "/"); links[p] != "" {
			return p
		}
	}
	return ""
}

// blob reads a blob of at most limit bytes.
func (r *Repo) blob(e object.TreeEntry, limit int64) ([]byte, error) {
	b, err := r.blobObject(e.Hash, limit)
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

// maxBlobSize is MaxBlobSize; tests lower it.
var maxBlobSize int64 = MaxBlobSize

// blobObject returns the blob h when it has at most limit bytes. The size
// comes from the object's header where the storage can tell it without
// inflating the object (go-git's filesystem storage can), so a huge blob
// costs nothing to refuse.
func (r *Repo) blobObject(h plumbing.Hash, limit int64) (*object.Blob, error) {
	if sizer, ok := r.git.Storer.(interface {
		EncodedObjectSize(plumbing.Hash) (int64, error)
	}); ok {
		if n, err := sizer.EncodedObjectSize(h); err == nil && n > limit {
			return nil, fmt.Errorf("%d bytes, more than the %d allowed", n, limit)
		}
	}
	b, err := r.git.BlobObject(h)
	if err != nil {
		return nil, err
	}
	if b.Size > limit {
		return nil, fmt.Errorf("%d bytes, more than the %d allowed", b.Size, limit)
	}
	return b, nil
}

// writeBlob writes a blob to a new file under root.
func (r *Repo) writeBlob(root *os.Root, e object.TreeEntry, path string, perm os.FileMode) error {
	b, err := r.blobObject(e.Hash, maxBlobSize)
	if err != nil {
		return fmt.Errorf("file of %w a base tree may hold", err)
	}
	rd, err := b.Reader()
	if err != nil {
		return err
	}
	defer rd.Close()
	f, err := root.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, rd); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
