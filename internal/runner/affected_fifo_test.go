//go:build unix

package runner

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestDigestPassesFIFOs: a FIFO in a package directory (as a test's init
// may create in testdata) is hashed by its kind, never opened: the digest
// behind the counts cache and BENCH_AFFECTED returns at once.
func TestDigestPassesFIFOs(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "testdata"), 0o755)
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644)
	if err := syscall.Mkfifo(filepath.Join(dir, "testdata", "fifo"), 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := dirDigest(dir, nil); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the digest blocked on a FIFO")
	}
}
