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
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	r := testrepo.New(t)
	files := fixture.Spec{Benches: []fixture.Bench{{Name: "Work", Work: rounds}}}.Files()
	err = filepath.WalkDir("testdata/example", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata/example", p)
		s := strings.ReplaceAll(string(b), "BENCHGATE", root)
		files[strings.TrimSuffix(filepath.ToSlash(rel), ".tmpl")] = s
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r.Write(files)
	goIn(t, r.Dir, "mod", "tidy")
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

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
