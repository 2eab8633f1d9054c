package gitref_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/testrepo"
)

// crafted writes, with go-git's plumbing, a commit whose root tree holds
// entries (several may share a name, which git's object format allows)
// and points refs/heads/crafted at it.
func crafted(t *testing.T, dir string, entries []object.TreeEntry) {
	t.Helper()
	g, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	tree := &object.Tree{Entries: entries}
	obj := g.Storer.NewEncodedObject()
	if err := tree.Encode(obj); err != nil {
		t.Fatal(err)
	}
	th, err := g.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	sig := object.Signature{Name: "mallory", Email: "m@example.com", When: time.Unix(1e9, 0)}
	c := &object.Commit{Author: sig, Committer: sig, Message: "crafted", TreeHash: th}
	obj = g.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		t.Fatal(err)
	}
	ch, err := g.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Storer.SetReference(plumbing.NewHashReference("refs/heads/crafted", ch)); err != nil {
		t.Fatal(err)
	}
}

func blob(t *testing.T, dir, content string) plumbing.Hash {
	t.Helper()
	g, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	obj := g.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, _ := obj.Writer()
	w.Write([]byte(content))
	w.Close()
	h, err := g.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func subtree(t *testing.T, dir string, entries []object.TreeEntry) plumbing.Hash {
	t.Helper()
	g, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	obj := g.Storer.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		t.Fatal(err)
	}
	h, err := g.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestMaterializeCraftedTrees: no crafted tree writes outside the
// directory; each is refused with an error or skipped with a warning that
// names the entry.
func TestMaterializeCraftedTrees(t *testing.T) {
	outside := t.TempDir()
	tests := []struct {
		name    string
		entries func(t *testing.T, dir string) []object.TreeEntry
		err     string // in the error, or
		warning string // in a warning
	}{
		{"symlink to an outside directory, then a directory of the same name", func(t *testing.T, dir string) []object.TreeEntry {
			sub := subtree(t, dir, []object.TreeEntry{{Name: "planted", Mode: filemode.Regular, Hash: blob(t, dir, "owned\n")}})
			return []object.TreeEntry{{Name: "a", Mode: filemode.Symlink, Hash: blob(t, dir, outside)}, {Name: "a", Mode: filemode.Dir, Hash: sub}}
		}, "", `symlink a -> "` + outside},
		{"relative symlink out of the tree, then a file through it", func(t *testing.T, dir string) []object.TreeEntry {
			sub := subtree(t, dir, []object.TreeEntry{{Name: "planted", Mode: filemode.Regular, Hash: blob(t, dir, "owned\n")}})
			return []object.TreeEntry{{Name: "b", Mode: filemode.Symlink, Hash: blob(t, dir, "../../../../../../../../"+outside)}, {Name: "b", Mode: filemode.Dir, Hash: sub}}
		}, "", "symlink b -> "},
		{".git directory", func(t *testing.T, dir string) []object.TreeEntry {
			sub := subtree(t, dir, []object.TreeEntry{{Name: "config", Mode: filemode.Regular, Hash: blob(t, dir, "[core]\n")}})
			return []object.TreeEntry{{Name: ".GiT", Mode: filemode.Dir, Hash: sub}}
		}, `".GiT"`, ""},
		{"control character in a name", func(t *testing.T, dir string) []object.TreeEntry {
			return []object.TreeEntry{{Name: "evil\x1b[2Jname.go", Mode: filemode.Regular, Hash: blob(t, dir, "package x\n")}}
		}, "control character", ""},
		{"symlink target over 4 KiB", func(t *testing.T, dir string) []object.TreeEntry {
			return []object.TreeEntry{{Name: "long", Mode: filemode.Symlink, Hash: blob(t, dir, strings.Repeat("x/", 3000))}}
		}, "long: 6000 bytes, more than the 4096 allowed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testrepo.New(t)
			r.Commit("first", map[string]string{"go.mod": "module x\n"})
			crafted(t, r.Dir, tt.entries(t, r.Dir))
			repo, err := gitref.Open(r.Dir)
			if err != nil {
				t.Fatal(err)
			}
			c, err := repo.Resolve("crafted")
			if err != nil {
				t.Fatal(err)
			}
			dst := t.TempDir()
			warnings, err := repo.Materialize(context.Background(), c, dst)
			switch {
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("err = %v, want one saying %q", err, tt.err)
			case tt.warning != "" && !strings.Contains(strings.Join(warnings, "\n"), tt.warning):
				t.Errorf("warnings %q (err %v), want one naming %q", warnings, err, tt.warning)
			}
			if entries, _ := os.ReadDir(outside); len(entries) > 0 {
				t.Errorf("written outside the directory: %v", entries)
				os.RemoveAll(filepath.Join(outside, entries[0].Name()))
			}
		})
	}
}

// TestSymlinkChainStaysInside: a chain of symlinks whose every target
// looks local by its text (a/up -> .., l1 -> a/up/.., l2 -> l1/.., ...,
// out -> l12/<outside>, p/evil_test.go -> ../out/evil_test.go.txt) leads
// out of the tree; no link of it that passes through another is made, so
// no path of the written tree leads to the outside file.
func TestSymlinkChainStaysInside(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "evil_test.go.txt"), []byte("package p\n"), 0o644)
	r := testrepo.New(t)
	r.Commit("first", map[string]string{"go.mod": "module x\n"})
	dir := r.Dir
	link := func(name, target string) object.TreeEntry {
		return object.TreeEntry{Name: name, Mode: filemode.Symlink, Hash: blob(t, dir, target)}
	}
	entries := []object.TreeEntry{
		{Name: "a", Mode: filemode.Dir, Hash: subtree(t, dir, []object.TreeEntry{link("up", "..")})},
		link("l1", "a/up/.."),
	}
	for i := 2; i <= 12; i++ {
		entries = append(entries, link(fmt.Sprintf("l%d", i), fmt.Sprintf("l%d/..", i-1)))
	}
	entries = append(entries, link("out", "l12"+outside),
		object.TreeEntry{Name: "p", Mode: filemode.Dir, Hash: subtree(t, dir, []object.TreeEntry{link("evil_test.go", "../out/evil_test.go.txt")})})
	slices.SortFunc(entries, func(a, b object.TreeEntry) int { return strings.Compare(a.Name, b.Name) })
	crafted(t, dir, entries)
	repo, err := gitref.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := repo.Resolve("crafted")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	warnings, err := repo.Materialize(context.Background(), c, dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.ReadFile(filepath.Join(dst, "p", "evil_test.go")); err == nil {
		t.Error("p/evil_test.go reads the file outside the tree")
	}
	if _, err := os.Lstat(filepath.Join(dst, "out")); err == nil {
		t.Error("the link out was made")
	}
	if w := strings.Join(warnings, "\n"); !strings.Contains(w, "symlink l1 -> \"a/up/..\" skipped: its target passes through the symlink a/up") || !strings.Contains(w, "symlink p/evil_test.go") {
		t.Errorf("warnings:\n%s", w)
	}
	if fi, err := os.Lstat(filepath.Join(dst, "a", "up")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("a/up, a link to the tree's root, should stay: %v", err)
	}
}
