package flow

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestKeptBins: one module's runs build into the same directory, kept
// after the run; a run that finds it in use builds into its fallback; a
// directory unused for binsMaxAge is removed by the next run.
func TestKeptBins(t *testing.T) {
	c := DefaultConfig()
	c.TempDir, c.Dir = t.TempDir(), t.TempDir()
	first, release := c.keptBins("fallback")
	if first == "fallback" || filepath.Dir(first) != c.TempDir {
		t.Fatalf("bins directory %s, want one under %s", first, c.TempDir)
	}
	if err := os.WriteFile(filepath.Join(first, "x.test"), []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	if other, releaseOther := c.keptBins("fallback"); other != "fallback" {
		t.Errorf("a concurrent run got %s, want its fallback", other)
		releaseOther()
	}
	release()
	again, release := c.keptBins("fallback")
	if again != first {
		t.Errorf("next run's bins %s, want %s", again, first)
	}
	if _, err := os.Stat(filepath.Join(again, "x.test")); err != nil {
		t.Errorf("the binary was not kept: %v", err)
	}
	release()
	old := time.Now().Add(-binsMaxAge - time.Hour)
	if err := os.Chtimes(first, old, old); err != nil {
		t.Fatal(err)
	}
	d := DefaultConfig()
	d.TempDir, d.Dir = c.TempDir, t.TempDir() // another module's run
	_, releaseD := d.keptBins("fallback")
	defer releaseD()
	if _, err := os.Stat(first); !os.IsNotExist(err) {
		t.Errorf("a bins directory unused for %s was not removed: %v", binsMaxAge, err)
	}
}
