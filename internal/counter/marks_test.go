package counter

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// markedBinary builds hashBinary's package, with a second benchmark
// (BenchmarkHash2 hashes 2 KiB) and a lazy million-iteration setup on
// first use, with the marks (Overlay).
func markedBinary(t *testing.T) string {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("the marks are written for amd64")
	}
	dir := filepath.Dir(hashBinary(t))
	extra := `package h

import (
	"sync"
	"testing"
)

var once sync.Once

func BenchmarkHash2(b *testing.B) {
	once.Do(func() {
		for i := 0; i < 1000000; i++ {
			sink += uint64(i) * sink
		}
	})
	for i := 0; i < b.N; i++ {
		h := uint64(14695981039346656037)
		for j := 0; j < 2; j++ {
			for _, c := range data {
				h ^= uint64(c)
				h *= 1099511628211
			}
		}
		sink += h
	}
}
`
	if err := os.WriteFile(filepath.Join(dir, "h2_test.go"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	overlay, err := Overlay(strings.TrimSpace(string(goroot)), runtime.GOARCH, filepath.Join(t.TempDir(), "marks"))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "marked.test")
	cmd := exec.Command("go", "test", "-c", "-overlay="+overlay, "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the fixture with the marks: %v\n%s", err, out)
	}
	return bin
}

// TestMarksCountEachBenchmark: one callgrind process counts two
// benchmarks apart, each run once with its own iteration count; the
// difference of the runs of 2 and of N (each the first of its process)
// over N-2 reproduces within 0.5% and is what one op costs (the second
// hashes twice the bytes), and the lazy setup of the second is in both
// runs, so in neither's per-op count. Without the marks' environment the
// binary runs as any other.
func TestMarksCountEachBenchmark(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a binary under valgrind")
	}
	c, ok := WithMarks(Valgrind(t))
	if !ok || c.Name() != "callgrind" {
		t.Fatalf("WithMarks(cachegrind) = %v, %v; want callgrind", c, ok)
	}
	bin := markedBinary(t)
	perOp := map[string][]float64{}
	marks := func(counts string) map[string][]Mark {
		t.Helper()
		r, err := c.Run(context.Background(), bin, []string{"-test.run=^$", "-test.bench=^BenchmarkHash2?$", "-test.benchtime=1x"}, filepath.Dir(bin), []string{BenchTimeEnv + "=" + counts}, nil)
		if err != nil || r.Exit != nil {
			t.Fatalf("counting: %v, exit %v\n%s", err, r.Exit, r.Stderr)
		}
		return r.Marks
	}
	long := map[string]int64{"BenchmarkHash": 4002, "BenchmarkHash2": 2002}
	for range 3 {
		short, longRuns := marks("BenchmarkHash=2\nBenchmarkHash2=2"), marks("BenchmarkHash=4002\nBenchmarkHash2=2002")
		for name, n := range long {
			// Each benchmark runs once a process, with its own count.
			s, l := short[name], longRuns[name]
			if len(s) != 1 || len(l) != 1 || s[0].N != 2 || l[0].N != n {
				t.Fatalf("%s: runs %v and %v, want one of 2 and one of %d", name, s, l, n)
			}
			perOp[name] = append(perOp[name], float64(l[0].Instructions-s[0].Instructions)/float64(n-2))
		}
	}
	t.Logf("instructions/op: %v", perOp)
	spread := func(v []float64) float64 {
		lo, hi := math.Min(v[0], math.Min(v[1], v[2])), math.Max(v[0], math.Max(v[1], v[2]))
		return (hi - lo) / lo
	}
	for name, v := range perOp {
		if spread(v) > 0.005 {
			t.Errorf("%s: per-op counts %v vary by %.2f%%, want under 0.5%%", name, v, 100*spread(v))
		}
	}
	one, two := perOp["BenchmarkHash"][0], perOp["BenchmarkHash2"][0]
	if one < 2000 || one > 50000 || math.Abs(two/one-2) > 0.05 {
		t.Errorf("per op %.0f and %.0f: want a few thousand, the second twice the first", one, two)
	}
	out, err := exec.Command(bin, "-test.run=^$", "-test.bench=^BenchmarkHash$", "-test.benchtime=3x").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "\t       3\t") {
		t.Errorf("the marked binary outside valgrind: %v\n%s", err, out)
	}
}

// TestOverlayRefusesOtherCode: a testing package without the code the
// marks go into, or another architecture, is ErrNoMarks, and nothing is
// written.
func TestOverlayRefusesOtherCode(t *testing.T) {
	goroot := t.TempDir()
	os.MkdirAll(filepath.Join(goroot, "src", "testing"), 0o755)
	os.WriteFile(filepath.Join(goroot, "src", "testing", "benchmark.go"), []byte("package testing\n\nfunc (b *B) runN(n int) {\n\tb.benchFunc(b)\n}\n"), 0o644)
	for _, arch := range []string{"amd64", "arm64"} {
		dir := filepath.Join(t.TempDir(), "marks")
		if _, err := Overlay(goroot, arch, dir); !errors.Is(err, ErrNoMarks) {
			t.Errorf("%s: %v, want ErrNoMarks", arch, err)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%s: the overlay directory was written", arch)
		}
	}
}
