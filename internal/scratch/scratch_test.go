package scratch

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestKeptBins: one module's runs build into the same directory, kept
// after the run; a run that finds it in use builds into its fallback; a
// directory unused for BinsMaxAge is removed by the next run.
func TestKeptBins(t *testing.T) {
	root, module := t.TempDir(), t.TempDir()
	first, release := KeptBins(root, module, "fallback")
	if first == "fallback" || filepath.Dir(first) != root {
		t.Fatalf("bins directory %s, want one under %s", first, root)
	}
	if err := os.WriteFile(filepath.Join(first, "x.test"), []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	if other, releaseOther := KeptBins(root, module, "fallback"); other != "fallback" {
		t.Errorf("a concurrent run got %s, want its fallback", other)
		releaseOther()
	}
	release()
	again, release := KeptBins(root, module, "fallback")
	if again != first {
		t.Errorf("next run's bins %s, want %s", again, first)
	}
	if _, err := os.Stat(filepath.Join(again, "x.test")); err != nil {
		t.Errorf("the binary was not kept: %v", err)
	}
	release()
	old := time.Now().Add(-BinsMaxAge - time.Hour)
	if err := os.Chtimes(first, old, old); err != nil {
		t.Fatal(err)
	}
	_, releaseD := KeptBins(root, t.TempDir(), "fallback") // another module's run
	defer releaseD()
	if _, err := os.Stat(first); !os.IsNotExist(err) {
		t.Errorf("a bins directory unused for %s was not removed: %v", BinsMaxAge, err)
	}
}
