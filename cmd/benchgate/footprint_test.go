package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/fixture"
	"github.com/benchgate/benchgate/internal/testrepo"
)

// oldSys is the golang.org/x/sys the fixture requires: older than
// benchgate's own, so a build that saw benchgate's module graph would
// link a newer one.
const oldSys = "v0.20.0"

// TestZeroFootprint runs the built command in a module that knows nothing
// of benchgate and requires an old golang.org/x/sys: a 4x slowdown exits 1
// with a full report, go.mod and go.sum stay byte for byte as they were,
// the module graph is the same, and both sides' test binaries were linked
// with the module's x/sys, not benchgate's (go version -m lists no
// dependencies of a test binary: the file names in it say which).
func TestZeroFootprint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and a module's benchmarks")
	}
	bin := filepath.Join(t.TempDir(), "benchgate")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	r := testrepo.New(t)
	files := fixture.Spec{Benches: []fixture.Bench{{Name: "Work", Work: 1000}}}.Files()
	files["go.mod"] = "module " + fixture.Module + "\n\ngo 1.21\n\nrequire golang.org/x/sys " + oldSys + "\n"
	files["work/sys_test.go"] = "package work\n\nimport \"golang.org/x/sys/unix\"\n\nvar pageSize = unix.Getpagesize()\n"
	files[".gitignore"] = "benchmark_results/\n"
	r.Write(files)
	goIn(t, r.Dir, "mod", "download", "golang.org/x/sys")
	goIn(t, r.Dir, "mod", "tidy")
	base := r.Commit("baseline", nil)
	r.Commit("4x slower", map[string]string{"work/work_test.go": strings.Replace(files["work/work_test.go"], "Work(1000)", "Work(4000)", 1)})
	gomod, gosum := readFile(t, filepath.Join(r.Dir, "go.mod")), readFile(t, filepath.Join(r.Dir, "go.sum"))
	graph := goIn(t, r.Dir, "list", "-m", "all")

	cache := t.TempDir()
	cmd := exec.Command(bin, "regression")
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(), "BENCH_BASE="+base, "BENCH_COUNT=6", "BENCH_TIME=20ms",
		"XDG_CACHE_HOME="+cache, "GOCACHE="+strings.TrimSpace(goIn(t, r.Dir, "env", "GOCACHE")))
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("benchgate regression: %v, want exit status 1\n%s", err, out)
	}
	var cmp struct {
		Rows []struct{ Benchmark, Unit, Status string }
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(r.Dir, "benchmark_results", "comparison.json"))), &cmp); err != nil {
		t.Fatal(err)
	}
	regressed := false
	for _, row := range cmp.Rows {
		regressed = regressed || strings.HasPrefix(row.Benchmark, "BenchmarkWork") && row.Unit == "ns/op" && row.Status == "regression"
	}
	if !regressed {
		t.Errorf("no ns/op regression of BenchmarkWork: %+v", cmp.Rows)
	}
	for _, f := range []string{"base.txt", "current.txt", "report.md", "report.html", "status.json"} {
		if _, err := os.Stat(filepath.Join(r.Dir, "benchmark_results", f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}

	if got := readFile(t, filepath.Join(r.Dir, "go.mod")); got != gomod {
		t.Errorf("go.mod changed:\n%s\nwas:\n%s", got, gomod)
	}
	if got := readFile(t, filepath.Join(r.Dir, "go.sum")); got != gosum {
		t.Errorf("go.sum changed:\n%s\nwas:\n%s", got, gosum)
	}
	if got := goIn(t, r.Dir, "list", "-m", "all"); got != graph {
		t.Errorf("go list -m all changed:\n%s\nwas:\n%s", got, graph)
	}
	if st := testrepo.GitIn(t, r.Dir, "status", "--porcelain"); st != "" {
		t.Errorf("the checkout changed:\n%s", st)
	}

	// The kept test binaries of both sides (one per tree: the baseline's
	// and the current checkout's).
	var bins []string
	filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".test") {
			bins = append(bins, p)
		}
		return nil
	})
	if len(bins) < 2 {
		t.Fatalf("found %d test binaries under %s, want one per side", len(bins), cache)
	}
	// go version -m shows no dependencies for a test binary, but the
	// -trimpath file names in its line table name each module's version.
	for _, b := range bins {
		got := map[string]bool{}
		for _, m := range sysFile.FindAllSubmatch([]byte(readFile(t, b)), -1) {
			got[string(m[1])] = true
		}
		if len(got) != 1 || !got[oldSys] {
			t.Errorf("%s was built with golang.org/x/sys %v, want only %s", b, slices.Sorted(maps.Keys(got)), oldSys)
		}
	}
}

// sysFile is a source file name of golang.org/x/sys in a -trimpath binary.
var sysFile = regexp.MustCompile(`golang\.org/x/sys@(v[0-9][^/]*)/`)

// goIn runs the go command in dir and returns its output; a failure ends
// the test.
func goIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			out = append(out, ee.Stderr...)
		}
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
