package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReplacesOrLeavesAlone(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "baseline.txt")
	if err := WriteBytes(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteBytes(path, []byte("two")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("interrupted")
	err := Write(path, func(w io.Writer) error {
		w.Write([]byte("half of thr"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two" {
		t.Errorf("content %q after a failed write, want the previous one", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestCopy(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	if err := os.WriteFile(src, []byte("BenchmarkA-2 1 5 ns/op\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Copy(src, dst); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "BenchmarkA-2 1 5 ns/op\n" {
		t.Errorf("copied %q", b)
	}
	if err := Copy(filepath.Join(dir, "missing"), dst); err == nil || !strings.Contains(err.Error(), "copying") {
		t.Errorf("copying a missing file: %v", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "BenchmarkA-2 1 5 ns/op\n" {
		t.Errorf("a failed copy changed the destination: %q", b)
	}
}
