package counter

import (
	"context"
	"errors"
	"fmt"
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
// first use, and four that hash 1 KiB after ResetTimer or in b.Loop,
// with and without a 100M-iteration setup, with the marks (Overlay).
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

// setup is 100M multiply-adds: hundreds of millions of instructions.
//
//go:noinline
func setup() {
	for i := 0; i < 100000000; i++ {
		sink += uint64(i) * sink
	}
}

func hash1K() {
	h := uint64(14695981039346656037)
	for _, c := range data {
		h ^= uint64(c)
		h *= 1099511628211
	}
	sink += h
}

// afterReset and afterLoop run the same code with and without a setup.
//
//go:noinline
func afterReset(b *testing.B, heavy bool) {
	if heavy {
		setup()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		hash1K()
	}
}

//go:noinline
func afterLoop(b *testing.B, heavy bool) {
	if heavy {
		setup()
	}
	for b.Loop() {
		hash1K()
	}
}

func BenchmarkSetup(b *testing.B)       { afterReset(b, true) }
func BenchmarkNoSetup(b *testing.B)     { afterReset(b, false) }
func BenchmarkLoopSetup(b *testing.B)   { afterLoop(b, true) }
func BenchmarkLoopNoSetup(b *testing.B) { afterLoop(b, false) }

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

// TestMarksLeaveOutSetup: a benchmark's count starts at its first
// ResetTimer (b.Loop's first call makes one), so a run after a setup of
// hundreds of millions of instructions counts what the same run without it
// does, and so does the count per op; BenchmarkHash2, which never calls
// ResetTimer, is still counted (run again, instrumented from its start).
func TestMarksLeaveOutSetup(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a binary under valgrind")
	}
	c, _ := WithMarks(Valgrind(t))
	bin := markedBinary(t)
	names := []string{"BenchmarkHash2", "BenchmarkSetup", "BenchmarkNoSetup", "BenchmarkLoopSetup", "BenchmarkLoopNoSetup"}
	setups := filepath.Join(t.TempDir(), "setups")
	marks := func(n int, eager ...string) map[string][]Mark {
		t.Helper()
		var counts []string
		for _, name := range names {
			counts = append(counts, fmt.Sprintf("%s=%d", name, n))
		}
		env := []string{BenchTimeEnv + "=" + strings.Join(counts, "\n"), EagerEnv + "=" + strings.Join(eager, "\n"), SetupsEnv + "=" + setups}
		r, err := c.Run(context.Background(), bin, []string{"-test.run=^$", "-test.bench=Hash2|Setup", "-test.benchtime=1x"}, filepath.Dir(bin), env, nil)
		if err != nil || r.Exit != nil {
			t.Fatalf("counting: %v, exit %v\n%s", err, r.Exit, r.Stderr)
		}
		return r.Marks
	}
	short := marks(2)
	// What the marks said of each setup: the setups are the longest, and
	// only BenchmarkHash2 ran again.
	b, err := os.ReadFile(setups)
	if err != nil {
		t.Fatal(err)
	}
	took := map[string]int64{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var name, again string
		var ns int64
		f := strings.Split(l, "\t")
		if len(f) == 3 {
			name, again = f[0], f[2]
			fmt.Sscan(f[1], &ns)
		}
		took[name] = ns
		if (again == "1") != (name == "BenchmarkHash2") {
			t.Errorf("setups line %q: want again=1 for BenchmarkHash2 only", l)
		}
	}
	if took["BenchmarkSetup"] < 5*took["BenchmarkNoSetup"] || took["BenchmarkLoopSetup"] < 5*took["BenchmarkLoopNoSetup"] {
		t.Errorf("setups %v: want those with a setup five times longer", took)
	}
	long := marks(4002)
	// Instrumented from the start (EagerEnv), the counts are the same.
	eager := marks(4002, "BenchmarkNoSetup", "BenchmarkLoopNoSetup")
	for _, name := range names[1:] {
		if l, e := float64(long[name][0].Instructions), float64(eager[name][0].Instructions); math.Abs(e/l-1) > 0.005 {
			t.Errorf("%s: %.0f instructions eager, %.0f not: want the same", name, e, l)
		}
	}
	perOp := map[string]float64{}
	for _, name := range names {
		s, l := short[name], long[name]
		if len(s) != 1 || len(l) != 1 || l[0].Instructions < s[0].Instructions {
			t.Fatalf("%s: runs %v and %v, want one each, the longer counting more", name, s, l)
		}
		perOp[name] = float64(l[0].Instructions-s[0].Instructions) / 4000
	}
	t.Logf("instructions/op: %v", perOp)
	for _, pair := range [][2]string{{"BenchmarkSetup", "BenchmarkNoSetup"}, {"BenchmarkLoopSetup", "BenchmarkLoopNoSetup"}} {
		with, without := short[pair[0]][0].Instructions, short[pair[1]][0].Instructions
		// The setup is over 300M instructions; a run of 2 is tens of
		// thousands, give or take a few thousand with the scheduler.
		if math.Abs(float64(with)-float64(without)) > 1e6 {
			t.Errorf("%s: a run of 2 counts %d instructions, %s %d: want its setup (over 100M) left out", pair[0], with, pair[1], without)
		}
		if r := perOp[pair[0]] / perOp[pair[1]]; math.Abs(r-1) > 0.005 {
			t.Errorf("%s: %.0f instructions/op, %s %.0f: want the same within 0.5%%", pair[0], perOp[pair[0]], pair[1], perOp[pair[1]])
		}
	}
	if v := perOp["BenchmarkHash2"]; v < 10000 || v > 20000 {
		t.Errorf("BenchmarkHash2: %.0f instructions/op, want about 14,000 (2 KiB of FNV-1a)", v)
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
