// Package flowtest holds what the tests of the flow packages share: a
// configuration for throwaway modules, fast but with the gate's rounds,
// and a buffer that concurrent progress lines can be written to.
package flowtest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/benchgate/benchgate/internal/counter"
	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/fixture"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/verdict"
)

// Module returns the fixture module with BenchmarkSteady and
// BenchmarkSlowed, whose cost (loops) and allocation are parameters.
func Module(slowedLoops int, slowedAlloc bool) map[string]string {
	alloc := 0
	if slowedAlloc {
		alloc = 64
	}
	return fixture.Spec{Benches: []fixture.Bench{{Name: "Steady", Work: 1000}, {Name: "Slowed", Work: slowedLoops, Alloc: alloc}}}.Files()
}

// Config is the default configuration for the module at dir, every
// package, 20ms runs and 6 rounds, results and scratch space in the
// test's temporary directories; Stdout is the returned buffer, Stderr a
// LockedBuffer.
func Config(t testing.TB, dir string) (flow.Config, *bytes.Buffer) {
	cfg := flow.DefaultConfig()
	cfg.Dir = dir
	cfg.ResultsDir = filepath.Join(t.TempDir(), "results")
	cfg.TempDir = t.TempDir()
	cfg.Packages = []string{"./..."}
	cfg.Run.Time = "20ms"
	cfg.Run.Count = 6
	var out bytes.Buffer
	cfg.Stdout = &out
	cfg.Stderr = &LockedBuffer{}
	return cfg, &out
}

// MustRegress runs the gate, which must find a regression, and returns
// the comparison it wrote.
func MustRegress(t *testing.T, cfg flow.Config, out *bytes.Buffer) *verdict.Comparison {
	t.Helper()
	if err := flow.Regression(context.Background(), cfg); !errors.Is(err, exit.ErrRegression) {
		t.Fatalf("err = %v, want a regression\n%s", err, out)
	}
	cmp, err := verdict.ReadComparison(filepath.Join(cfg.ResultsDir, flow.ComparisonFile))
	if err != nil {
		t.Fatal(err)
	}
	return cmp
}

// A LockedBuffer is a bytes.Buffer that goroutines can write at once.
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// NeedCounter skips a test that counts instructions where no counter
// works, saying why; under CI=true (.ci/run installs valgrind) it fails.
func NeedCounter(t *testing.T) {
	t.Helper()
	if _, err := counter.Detect(counter.Auto); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no instruction counter on this CI machine: .ci/run must install Debian's valgrind: %v", err)
		}
		t.Skipf("skipped: %v", err)
	}
}
