package verdict

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteLargeFiles writes the large benchmark inputs for timing other
// tools on them: BENCHGATE_LARGE_DIR=/tmp/large go test -run WriteLarge.
func TestWriteLargeFiles(t *testing.T) {
	dir := os.Getenv("BENCHGATE_LARGE_DIR")
	if dir == "" {
		t.Skip("set BENCHGATE_LARGE_DIR to write the large inputs")
	}
	if err := os.WriteFile(filepath.Join(dir, "base.txt"), LargeResults(100_000, 2000, 1, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "current.txt"), LargeResults(100_000, 2000, 2, 1.05), 0o644); err != nil {
		t.Fatal(err)
	}
}
