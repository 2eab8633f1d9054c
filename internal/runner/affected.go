package runner

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Affected: a package whose test binary is byte for byte the same on
// both sides, and whose own directory (its testdata, the files its
// benchmarks may read) holds the same files, cannot measure differently:
// the change does not reach it. Builds are reproducible (-trimpath), so
// the binary stands for every file the package's build depends on, Go or
// embedded, its own and its dependencies', and the go.mod versions.

// dropUnaffected removes from the plan the packages the change does not
// reach, when there are exactly two sides, and returns them.
func (p *Plan) dropUnaffected(present map[string]map[string]string) []string {
	if len(p.Trees) != 2 {
		return nil
	}
	base, cur := p.Trees[0].Name, p.Trees[1].Name
	var kept []Package
	var same []string
	for _, pk := range p.Packages {
		b, c := p.bins[base][pk.ImportPath], p.bins[cur][pk.ImportPath]
		if b != "" && c != "" && sameFile(b, c) && sameDir(present[base][pk.ImportPath], present[cur][pk.ImportPath], p.ignore) {
			same = append(same, pk.ImportPath)
			delete(p.bins[base], pk.ImportPath)
			delete(p.bins[cur], pk.ImportPath)
			continue
		}
		kept = append(kept, pk)
	}
	p.Packages = kept
	return same
}

// sameFile reports whether two files have the same content; files of
// different sizes are not read.
func sameFile(a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	if errA != nil || errB != nil || ia.Size() != ib.Size() {
		return false
	}
	ha, errA := fileHash(a)
	hb, errB := fileHash(b)
	return errA == nil && errB == nil && ha == hb
}

func fileHash(path string) ([32]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return [32]byte{}, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return [32]byte{}, err
	}
	return [32]byte(h.Sum(nil)), nil
}

// sameDir reports whether two package directories hold the same files
// (names, modes and contents), testdata and other subdirectories included
// except those that are packages of their own (a go file in them).
func sameDir(a, b string, ignore []string) bool {
	da, errA := dirDigest(a, ignore)
	db, errB := dirDigest(b, ignore)
	return errA == nil && errB == nil && da == db
}

// dirDigest digests a package directory's files, leaving out the
// directories in ignore (absolute paths: the results directory, which a
// run writes into, may lie in the package directory of a module's root
// package).
func dirDigest(root string, ignore []string) (string, error) {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs // the ignored directories are absolute
	}
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() && slices.Contains(ignore, p) {
			return filepath.SkipDir
		}
		if d.IsDir() {
			if rel != "." && d.Name() != "testdata" && hasGoFile(p) {
				return filepath.SkipDir // another package: its own binary says
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fh, err := fileHashOrLink(p, d)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%v\x00%x\x00", filepath.ToSlash(rel), info.Mode().Perm(), fh)
		return nil
	})
	return fmt.Sprintf("%x", h.Sum(nil)), err
}

// fileHashOrLink hashes a regular file's contents, a symlink's target,
// and of anything else (a FIFO, a socket, a device) only its kind: opening
// a FIFO blocks until someone writes to it, for ever.
func fileHashOrLink(p string, d fs.DirEntry) ([32]byte, error) {
	switch t := d.Type(); {
	case t&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		return sha256.Sum256([]byte("link:" + target)), err
	case !t.IsRegular():
		return sha256.Sum256([]byte("special:" + t.String())), nil
	}
	return fileHash(p)
}

func hasGoFile(dir string) bool {
	entries, _ := os.ReadDir(dir)
	return slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return !e.IsDir() && strings.HasSuffix(e.Name(), ".go") })
}
