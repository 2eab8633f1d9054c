package bench_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/fixture"
	"github.com/benchgate/benchgate/internal/testrepo"
)

// example writes the fixture module with BenchmarkWork, costing rounds
// per op, into a throwaway git repository, with testdata/example's go.mod
// (this checkout as benchgate) and magefile, which is only the import
// line.
func example(t *testing.T, rounds int) *testrepo.Repo {
	return exampleFrom(t, "testdata/example", rounds, ".")
}

// exampleFrom is example with the files of template (BENCHGATE in them
// is this checkout), tidied in the directory tidy.
func exampleFrom(t *testing.T, template string, rounds int, tidy string) *testrepo.Repo {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	r := testrepo.New(t)
	files := fixture.Spec{Benches: []fixture.Bench{{Name: "Work", Work: rounds}}}.Files()
	err = filepath.WalkDir(template, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(template, p)
		s := strings.ReplaceAll(string(b), "BENCHGATE", root)
		files[strings.TrimSuffix(filepath.ToSlash(rel), ".tmpl")] = s
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r.Write(files)
	goIn(t, filepath.Join(r.Dir, tidy), "mod", "tidy")
	return r
}

func goIn(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "BENCH_COUNT=6", "BENCH_TIME=20ms")
	out, err := cmd.CombinedOutput()
	if err != nil && args[0] == "mod" {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), err
}

// TestImportIntoAnotherModule: a module with only the import line lists
// the targets, benchmarks ./... by default and exits 1 on a 4x slowdown
// against its baseline commit.
func TestImportIntoAnotherModule(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a magefile in another module, builds and runs benchmarks")
	}
	r := example(t, 1000)
	r.Write(map[string]string{".gitignore": "benchmark_results/\n"})
	base := r.Commit("baseline", nil)
	out, err := goIn(t, r.Dir, "tool", "mage", "-l")
	if err != nil || !strings.Contains(out, "bench:regression") || !strings.Contains(out, "bench:saveBaseline") {
		t.Fatalf("go tool mage -l: %v\n%s", err, out)
	}
	r.Write(map[string]string{"work/work_test.go": strings.Replace(readFile(t, filepath.Join(r.Dir, "work/work_test.go")), "Work(1000)", "Work(4000)", 1)})
	r.Commit("4x slower", nil)
	cmd := exec.Command("go", "tool", "mage", "bench:regression")
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(), "BENCH_BASE="+base, "BENCH_COUNT=6", "BENCH_TIME=20ms")
	b, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("bench:regression: %v, want exit status 1\n%s", err, b)
	}
	var cmp struct {
		Rows []struct{ Pkg, Benchmark, Unit, Status string }
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(r.Dir, "benchmark_results", "comparison.json"))), &cmp); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range cmp.Rows {
		if row.Pkg == fixture.Package && strings.HasPrefix(row.Benchmark, "BenchmarkWork") && row.Unit == "ns/op" && row.Status == "regression" {
			found = true
		}
	}
	if !found {
		t.Errorf("no regression of %s BenchmarkWork ns/op: %+v", fixture.Package, cmp.Rows)
	}
}

// TestMagefilesInTheirOwnModule: with magefiles/ a module of its own, the
// import line costs the measured module nothing: go -C magefiles tool
// mage -w .. runs the targets on the parent module, whose go.mod stays
// byte for byte as it was (no go.sum appears), and a 4x slowdown exits 1.
func TestMagefilesInTheirOwnModule(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a magefile in another module, builds and runs benchmarks")
	}
	r := exampleFrom(t, "testdata/separate", 1000, "magefiles")
	r.Write(map[string]string{".gitignore": "benchmark_results/\n"})
	base := r.Commit("baseline", nil)
	gomod := readFile(t, filepath.Join(r.Dir, "go.mod"))
	r.Write(map[string]string{"work/work_test.go": strings.Replace(readFile(t, filepath.Join(r.Dir, "work/work_test.go")), "Work(1000)", "Work(4000)", 1)})
	r.Commit("4x slower", nil)
	cmd := exec.Command("go", "-C", "magefiles", "tool", "mage", "-w", "..", "bench:regression")
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(), "BENCH_BASE="+base, "BENCH_COUNT=6", "BENCH_TIME=20ms")
	b, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(b), "regress") {
		t.Fatalf("bench:regression: %v, want exit status 1 for a regression\n%s", err, b)
	}
	if got := readFile(t, filepath.Join(r.Dir, "go.mod")); got != gomod {
		t.Errorf("the measured module's go.mod changed:\n%s\nwas:\n%s", got, gomod)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, "go.sum")); err == nil {
		t.Errorf("the measured module got a go.sum")
	}
	if _, err := os.Stat(filepath.Join(r.Dir, "benchmark_results", "report.md")); err != nil {
		t.Errorf("no report in the measured module: %v", err)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCIJudgesAsMageDoes: a module whose suite table gives its suite a
// latency threshold of 400% and a 2x slowdown (150% failed once: a loaded
// machine timed the 2x at +152%): go -C magefiles tool mage
// bench:regression passes (exit 0), and so does the CI path as gate.yml
// runs it (the measuring job's Mage targets as shard 1/1, then the pinned
// benchgate's merge of that shard, which holds no suite table); the
// command without the table fails (exit 1).
func TestCIJudgesAsMageDoes(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a magefile in another module, builds and runs benchmarks")
	}
	r := exampleFrom(t, "testdata/separate", 1000, "magefiles")
	r.Write(map[string]string{
		".gitignore": "benchmark_results/\n",
		"magefiles/suites.go": `//go:build mage

package main

import "github.com/benchgate/benchgate/bench"

func init() {
	bench.Suites = []bench.Suite{{Name: "work", Packages: []string{"./work"}, Thresholds: bench.Thresholds{Latency: 400}}}
}
`,
	})
	goIn(t, filepath.Join(r.Dir, "magefiles"), "mod", "tidy")
	base := r.Commit("baseline", nil)
	r.Write(map[string]string{"work/work_test.go": strings.Replace(readFile(t, filepath.Join(r.Dir, "work/work_test.go")), "Work(1000)", "Work(2000)", 1)})
	r.Commit("2x slower", nil)
	root, _ := filepath.Abs("..")
	benchgate := filepath.Join(t.TempDir(), "benchgate")
	if out, err := goIn(t, root, "build", "-o", benchgate, "./cmd/benchgate"); err != nil {
		t.Fatalf("building benchgate: %v\n%s", err, out)
	}
	run := func(env []string, name string, args ...string) (int, string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = r.Dir
		cmd.Env = append(append(os.Environ(), "BENCH_BASE="+base, "BENCH_COUNT=6", "BENCH_TIME=20ms", "BENCH_PROFILE=0"), env...)
		b, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), string(b)
		}
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, b)
		}
		return 0, string(b)
	}
	if code, out := run(nil, "go", "-C", "magefiles", "tool", "mage", "-w", "..", "bench:regression"); code != 0 {
		t.Fatalf("go tool mage bench:regression: exit %d, want 0 (the suite's 400%% latency threshold)\n%s", code, out)
	}
	// CI: the measuring job's Mage targets as shard 1/1, then the merge.
	shard := filepath.Join(t.TempDir(), "shard")
	if code, out := run([]string{"BENCH_SHARD=1/1", "BENCH_RESULTS_DIR=" + shard}, "go", "-C", "magefiles", "tool", "mage", "-w", "..", "bench:regression"); code != 0 {
		t.Fatalf("the measuring job: exit %d, want 0\n%s", code, out)
	}
	merged := t.TempDir()
	if err := os.CopyFS(filepath.Join(merged, "shards", "bench-1"), os.DirFS(shard)); err != nil {
		t.Fatal(err)
	}
	if code, out := run([]string{"BENCH_SHARDS=1", "BENCH_RESULTS_DIR=" + merged}, benchgate, "merge"); code != 0 {
		t.Errorf("the merge of the shard: exit %d, want 0 as with Mage\n%s", code, out)
	}
	if code, out := run([]string{"BENCH_RESULTS_DIR=" + t.TempDir()}, benchgate, "regression"); code != 1 {
		t.Errorf("benchgate regression without the suite table: exit %d, want 1\n%s", code, out)
	}
}
