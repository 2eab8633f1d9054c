package runner

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// setupOnceFile has a leaf benchmark and a parent's sub-benchmarks that
// each note their setup and its b.N in $BENCHGATE_TEST_SETUPS before
// b.ResetTimer.
const setupOnceFile = `package work

import (
	"fmt"
	"os"
	"testing"
)

func note(what string, n int) {
	f, err := os.OpenFile(os.Getenv("BENCHGATE_TEST_SETUPS"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		panic(err)
	}
	fmt.Fprintf(f, "%s %d\n", what, n)
	f.Close()
}

var sink uint64

func spin(n int) {
	for i := 0; i < n; i++ {
		sink = sink*31 + uint64(i)
	}
}

func BenchmarkLeaf(b *testing.B) {
	note("leaf", b.N)
	b.ResetTimer()
	for range b.N {
		spin(3000)
	}
}

func BenchmarkParent(b *testing.B) {
	for _, name := range []string{"a", "b"} {
		b.Run(name, func(b *testing.B) {
			note("sub-"+name, b.N)
			b.ResetTimer()
			for range b.N {
				spin(3000)
			}
		})
	}
}
`

// TestSetupOncePerRun: with the marks, each timed run starts a benchmark
// at its count, so its setup runs once per measured run: no b.N=1 run
// outside the pilot (Go's testing makes one before every run otherwise).
func TestSetupOncePerRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	setups := filepath.Join(t.TempDir(), "setups")
	t.Setenv("BENCHGATE_TEST_SETUPS", setups)
	files := map[string]string{"go.mod": "module example.com/once\n\ngo 1.22\n", "work/work_test.go": setupOnceFile}
	var log bytes.Buffer
	out := t.TempDir()
	trees := []*Tree{
		{Name: "base", Dir: writeTree(t, files), Out: filepath.Join(out, "base.txt"), Marks: true},
		{Name: "current", Dir: writeTree(t, files), Out: filepath.Join(out, "current.txt"), Marks: true},
	}
	plan, err := Prepare(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, t.TempDir(), NewProgress(&log))
	if err != nil {
		t.Fatal(err)
	}
	if !plan.marked["base"] || !plan.marked["current"] {
		t.Skipf("the marks do not fit this toolchain: %s", strings.Join(plan.Notes, "; "))
	}
	const rounds = 3
	if _, err := plan.Run(context.Background(), Options{Bench: ".", Time: "20ms", Count: rounds}, NewProgress(&log)); err != nil {
		t.Fatalf("%v\n%s", err, &log)
	}
	b, _ := os.ReadFile(setups)
	for _, what := range []string{"leaf", "sub-a", "sub-b"} {
		first, counted := 0, 0
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) == 2 && f[0] == what {
				if f[1] == "1" {
					first++
				} else {
					counted++
				}
			}
		}
		// The pilot's ramp makes one b.N=1 run per side; the rounds none.
		if first != 2 {
			t.Errorf("%s: %d setups at b.N=1, want 2 (the pilot's, one per side)", what, first)
		}
		if counted < 2*rounds {
			t.Errorf("%s: %d setups at a count, want at least %d", what, counted, 2*rounds)
		}
	}
	if line := plan.Stats.String(); !strings.Contains(line, "once per run") {
		t.Errorf("the last line does not say setup ran once per run: %s", line)
	}
	base, cur := iterations(t, trees[0].Out), iterations(t, trees[1].Out)
	for name, ns := range cur {
		if len(ns) != rounds || strings.Join(ns, ",") != strings.Join(base[name], ",") {
			t.Errorf("%s: counts %v on the current side, %v on the base, want %d the same", name, ns, base[name], rounds)
		}
	}
}
