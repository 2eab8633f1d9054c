package flow

import (
	"os"
	"testing"
)

// TestScratchPathIsStable: one module's runs get the same scratch path,
// one after another (so Go's build cache serves the base side), and a run
// that finds it in use gets its own; both are removed on release.
func TestScratchPathIsStable(t *testing.T) {
	root, key := t.TempDir(), scratchKey(".")
	first, release, err := newScratch(root, key)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if _, err := os.Stat(first); !os.IsNotExist(err) {
		t.Errorf("%s not removed on release: %v", first, err)
	}
	again, releaseAgain, err := newScratch(root, key)
	if err != nil {
		t.Fatal(err)
	}
	defer releaseAgain()
	if again != first {
		t.Errorf("second run's scratch %s, want the first's path %s", again, first)
	}
	other, releaseOther, err := newScratch(root, key)
	if err != nil {
		t.Fatal(err)
	}
	releaseOther()
	if other == again {
		t.Errorf("a concurrent run got the path in use, %s", other)
	}
	if scratchKey("a") == scratchKey("b") {
		t.Error("two modules share a scratch key")
	}
}
