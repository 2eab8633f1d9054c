package counter

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Valgrind returns the cachegrind counter, or skips the test saying why;
// under CI=true, where .ci/run installs valgrind, it fails instead.
func Valgrind(t testing.TB) Counter {
	t.Helper()
	c, err := Detect(Cachegrind)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no valgrind on this CI machine: .ci/run must install Debian's valgrind: %v", err)
		}
		t.Skipf("skipped: %v", err)
	}
	return c
}

// hashBinary builds a test binary whose BenchmarkHash hashes 1 KiB with
// FNV-1a per op, inline and without allocating: CPU-bound, a few
// thousand instructions.
func hashBinary(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/h\n\ngo 1.21\n",
		"h_test.go": `package h

import "testing"

var data = make([]byte, 1024)
var sink uint64

func BenchmarkHash(b *testing.B) {
	for i := 0; i < b.N; i++ {
		h := uint64(14695981039346656037)
		for _, c := range data {
			h ^= uint64(c)
			h *= 1099511628211
		}
		sink += h
	}
}
`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "h.test")
	cmd := exec.Command("go", "test", "-c", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the fixture: %v\n%s", err, out)
	}
	return bin
}

// TestCachegrindReproduces: the per-op count (difference of two
// iteration counts over the difference of N, as the runner counts: 2 and
// N with about 30M instructions between them, where the marks do not fit)
// of a CPU-bound benchmark reproduces within 1% and is about what one op
// costs. Whole processes are counted, so the runtime's start-up varies in
// it: 0.88% was seen once in eight runs (the marks, which count only the
// benchmark's runs, reproduce within 0.5%: TestMarksCountEachBenchmark).
func TestCachegrindReproduces(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a binary under valgrind")
	}
	c := Valgrind(t)
	bin := hashBinary(t)
	count := func(n int) uint64 {
		r, err := c.Run(context.Background(), bin, []string{"-test.run=^$", "-test.bench=^BenchmarkHash$", fmt.Sprintf("-test.benchtime=%dx", n)}, filepath.Dir(bin), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Exit != nil || r.Instructions == 0 {
			t.Fatalf("exit %v, %d instructions\n%s", r.Exit, r.Instructions, r.Stderr)
		}
		return r.Instructions
	}
	var perOp []float64
	for range 3 {
		perOp = append(perOp, float64(count(4002)-count(2))/4000)
	}
	lo, hi := math.Min(perOp[0], math.Min(perOp[1], perOp[2])), math.Max(perOp[0], math.Max(perOp[1], perOp[2]))
	t.Logf("instructions/op: %.1f", perOp)
	if (hi-lo)/lo > 0.01 {
		t.Errorf("per-op counts %v vary by %.2f%%, want under 1%%", perOp, 100*(hi-lo)/lo)
	}
	if lo < 2000 || hi > 50000 {
		t.Errorf("per-op count %v is not that of hashing 1 KiB (a few thousand instructions)", perOp)
	}
}

// TestCachegrindCannotRun: a program valgrind cannot start is an error,
// for cachegrind and for callgrind with the marks, that says so with valgrind's words, not a count of zero.
func TestCachegrindCannotRun(t *testing.T) {
	c := Valgrind(t)
	marked, ok := WithMarks(c)
	if !ok {
		t.Fatal("cachegrind has no marks counter")
	}
	for _, c := range []Counter{c, marked} {
		t.Run(c.Name(), func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "gone.test")
			_, err := c.Run(context.Background(), bad, nil, t.TempDir(), nil, nil)
			if err == nil || !strings.Contains(err.Error(), "valgrind could not run "+bad) || !strings.Contains(err.Error(), "No such file") {
				t.Fatalf("err = %v, want valgrind's reason", err)
			}
		})
	}
}

// TestDetectWithoutValgrind: with no valgrind on PATH (and no hardware
// counters) the error wraps ErrUnavailable and names the install.
func TestDetectWithoutValgrind(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := newPerf(); err == nil {
		t.Skip("this machine has hardware counters: perf needs no valgrind")
	}
	_, err := Detect(Auto)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "apt-get install valgrind") {
		t.Fatalf("err = %v, want ErrUnavailable naming apt-get install valgrind", err)
	}
}

// TestCachegrindVersion: the counter says which valgrind counts (the
// count cache keys on it).
func TestCachegrindVersion(t *testing.T) {
	c := Valgrind(t)
	v, ok := c.(interface{ Version() string })
	if !ok || !strings.HasPrefix(v.Version(), "valgrind-") {
		t.Errorf("cachegrind's version: %v, want valgrind's own line", c)
	}
}

// TestEstimatedCycles: a callgrind dump's (or cachegrind output's) events
// and summary lines, weighed L1 hits + 5 x LL hits + 35 x RAM hits.
func TestEstimatedCycles(t *testing.T) {
	dump := []byte("desc: Trigger: Client Request: BenchmarkX\t10\nevents: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw\nsummary: 824595 327134 211393 1068 930 566 1054 742 537\n")
	ev, err := readEvents(dump)
	if err != nil {
		t.Fatal(err)
	}
	// accesses 1,363,122; L1 misses 2,564, of which 2,333 went to RAM.
	if got, want := EstimatedCycles(ev), uint64(1363122-2564+5*(2564-2333)+35*2333); got != want || ev["Ir"] != 824595 {
		t.Errorf("EstimatedCycles = %d, want %d (Ir %d)", got, want, ev["Ir"])
	}
	// Callgrind leaves trailing zero counts out (seen on a benchmark
	// with no last-level misses).
	short, err := readEvents([]byte("events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw\nsummary: 15396 3795 3211 453 171 91 2\n"))
	if err != nil || short["ILmr"] != 2 || short["DLmr"] != 0 || short["DLmw"] != 0 || len(short) != 9 {
		t.Errorf("a summary without its trailing zeros: %v, %v", short, err)
	}
	if _, err := readEvents([]byte("events: Ir\nsummary: 1 2\n")); err == nil {
		t.Error("more counts than events read without an error")
	}
	if _, err := WithCache(&perfCounter{}); !errors.Is(err, ErrNoCache) {
		t.Errorf("hardware counters with a simulated cache: %v", err)
	}
}

// countingWriter counts what is written to it and keeps nothing.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// TestOutputIsNotHeld: a counted program printing 20 MB to each of
// stdout and stderr is still counted; its stdout goes to the writer as
// it comes, and of its stderr only the ends are kept (the summary the
// count is read from is at the end).
func TestOutputIsNotHeld(t *testing.T) {
	c := Valgrind(t)
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	script := "head -c 20000000 /dev/zero | tr '\\0' x; head -c 20000000 /dev/zero | tr '\\0' y >&2; echo done"
	var out countingWriter
	r, err := c.Run(context.Background(), sh, []string{"-c", script}, t.TempDir(), nil, &out)
	if err != nil {
		t.Fatal(err)
	}
	if r.Instructions == 0 || out.n != 20_000_005 || r.Stdout != nil {
		t.Errorf("count %d, %d bytes to the writer, %d kept: want a count, all 20,000,005 bytes passed on, none kept", r.Instructions, out.n, len(r.Stdout))
	}
	if n := len(r.Stderr); n > 600<<10 {
		t.Errorf("%d bytes of stderr kept", n)
	}
}
