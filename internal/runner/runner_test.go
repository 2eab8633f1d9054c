package runner

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/fixture"
)

func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := fixture.Write(dir, files); err != nil {
		t.Fatal(err)
	}
	return dir
}

const benchFile = `package %s

import "testing"

var sink int

func Benchmark%s(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for j := 0; j < 100; j++ {
			sink += j
		}
	}
}
`

func pkgFiles(name, bench string) string {
	return strings.Replace(strings.Replace(benchFile, "%s", name, 1), "%s", bench, 1)
}

// TestFailuresAreReportedNotFatal runs a current tree with a failing
// benchmark, a crashing package, a package without tests, and a package
// that the base side lacks or cannot build.
func TestFailuresAreReportedNotFatal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	common := map[string]string{
		"go.mod":             "module example.com/m\n\ngo 1.21\n",
		"ok/ok_test.go":      pkgFiles("ok", "Steady"),
		"notests/notests.go": "package notests\n",
		"fails/fails_test.go": `package fails

import "testing"

func BenchmarkBoom(b *testing.B) { b.Fatal("boom") }
func BenchmarkFine(b *testing.B) {
	for i := 0; i < b.N; i++ {
	}
}
`,
		"crash/crash_test.go": `package crash

import "testing"

func BenchmarkCrash(b *testing.B) { panic("kaboom") }
`,
	}
	current := map[string]string{"fresh/fresh_test.go": pkgFiles("fresh", "Fresh"), "broken/broken_test.go": pkgFiles("broken", "Fixed")}
	base := map[string]string{"broken/broken_test.go": "package broken\n\nthis does not compile\n"}
	for k, v := range common {
		current[k], base[k] = v, v
	}
	out := t.TempDir()
	trees := []*Tree{
		{Name: "base", Dir: writeTree(t, base), Out: filepath.Join(out, "base.txt")},
		{Name: "current", Dir: writeTree(t, current), Out: filepath.Join(out, "current.txt")},
	}
	var log bytes.Buffer
	prog := NewProgress(&log)
	plan, err := Prepare(context.Background(), trees, []Suite{{Name: "all", Patterns: []string{"./..."}}}, t.TempDir(), prog)
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(plan.Notes, "\n")
	for _, want := range []string{"example.com/m/notests: no test files, skipped", "base: example.com/m/broken does not build"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	res, err := plan.Run(context.Background(), Options{Bench: ".", Time: "10ms", Count: 2}, prog)
	if !errors.Is(err, ErrBenchmarkFailed) {
		t.Fatalf("err = %v, want ErrBenchmarkFailed", err)
	}
	failures := strings.Join(res.Failures(), "\n")
	for _, want := range []string{"base: example.com/m/fails: BenchmarkBoom: failed", "current: example.com/m/fails: BenchmarkBoom: failed", "example.com/m/crash: BenchmarkCrash: panic: kaboom at crash/crash_test.go:5"} {
		if !strings.Contains(failures, want) {
			t.Errorf("failures lack %q:\n%s", want, failures)
		}
	}
	cur, _ := os.ReadFile(trees[1].Out)
	bas, _ := os.ReadFile(trees[0].Out)
	for _, want := range []string{"BenchmarkSteady", "BenchmarkFine", "BenchmarkFresh", "BenchmarkFixed", "suite: all", "pkg: example.com/m/ok"} {
		if !bytes.Contains(cur, []byte(want)) {
			t.Errorf("current results lack %s:\n%s", want, cur)
		}
	}
	if bytes.Contains(bas, []byte("BenchmarkFresh")) || bytes.Contains(bas, []byte("BenchmarkFixed")) || !bytes.Contains(bas, []byte("BenchmarkSteady")) {
		t.Errorf("base results:\n%s", bas)
	}
	if n := bytes.Count(cur, []byte("BenchmarkSteady-")); n != 2 {
		t.Errorf("%d samples of BenchmarkSteady in current, want 2 (one per round)", n)
	}
}

func TestPrepareWithoutPackages(t *testing.T) {
	dir := writeTree(t, map[string]string{"go.mod": "module example.com/m\n", "a/a.go": "package a\n"})
	_, err := Prepare(context.Background(), []*Tree{{Name: "current", Dir: dir}}, []Suite{{Name: "s", Patterns: []string{"./..."}}}, t.TempDir(), NewProgress(nil))
	if err == nil || !strings.Contains(err.Error(), "no package with tests in suites s") {
		t.Errorf("err = %v", err)
	}
}

func TestABBAOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	files := map[string]string{"go.mod": "module example.com/m\n\ngo 1.21\n", "ok/ok_test.go": pkgFiles("ok", "Steady")}
	trees := []*Tree{
		{Name: "base", Dir: writeTree(t, files), Out: filepath.Join(t.TempDir(), "b.txt")},
		{Name: "current", Dir: writeTree(t, files), Out: filepath.Join(t.TempDir(), "c.txt")},
	}
	var log bytes.Buffer
	plan, err := Prepare(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, t.TempDir(), NewProgress(&log))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.Run(context.Background(), Options{Time: "1x", Count: 4}, NewProgress(&log)); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, line := range strings.Split(log.String(), "\n") {
		if i := strings.Index(line, "ok "); i >= 0 && strings.Contains(line, "round") {
			order = append(order, strings.TrimSuffix(strings.Fields(line[i+3:])[0], ","))
		}
	}
	want := "base current current base base current current base"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("order %q, want %q", got, want)
	}
}

func TestAdaptiveRunsOnlyUndecided(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	files := map[string]string{
		"go.mod":        "module example.com/m\n\ngo 1.21\n",
		"ok/ok_test.go": pkgFiles("ok", "Settled") + strings.Replace(strings.Replace(benchFile, "package %s\n\nimport \"testing\"\n\nvar sink int\n", "", 1), "%s", "Wobbly", 1),
	}
	trees := []*Tree{
		{Name: "base", Dir: writeTree(t, files), Out: filepath.Join(t.TempDir(), "b.txt")},
		{Name: "current", Dir: writeTree(t, files), Out: filepath.Join(t.TempDir(), "c.txt")},
	}
	plan, err := Prepare(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, t.TempDir(), NewProgress(nil))
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	undecided := func(results map[string][]byte) (map[string][]string, error) {
		calls++
		if n := bytes.Count(results["current"], []byte("BenchmarkWobbly-")); n != 2+calls-1 {
			t.Errorf("call %d saw %d Wobbly samples", calls, n)
		}
		if calls > 2 {
			return nil, nil // settled after two extra rounds
		}
		return map[string][]string{"example.com/m/ok": {"BenchmarkWobbly"}}, nil
	}
	opts := Options{Bench: ".", Time: "1x", Count: 2, Adaptive: &Adaptive{Undecided: undecided, Budget: time.Hour}}
	if _, err := plan.Run(context.Background(), opts, NewProgress(nil)); err != nil {
		t.Fatal(err)
	}
	for _, tr := range trees {
		out, _ := os.ReadFile(tr.Out)
		if s, w := bytes.Count(out, []byte("BenchmarkSettled-")), bytes.Count(out, []byte("BenchmarkWobbly-")); s != 2 || w != 4 {
			t.Errorf("%s: %d Settled and %d Wobbly samples, want 2 and 4", tr.Name, s, w)
		}
	}
	if calls != 3 {
		t.Errorf("Undecided called %d times, want 3", calls)
	}
}

func TestPattern(t *testing.T) {
	got := Pattern([]string{"BenchmarkRead/size=1KiB", "BenchmarkRead/size=16KiB", "BenchmarkA.b"})
	if want := `^(BenchmarkA\.b|BenchmarkRead)$`; got != want {
		t.Errorf("Pattern = %q, want %q", got, want)
	}
}

// TestStatsString: the time line accounts for the whole run: build,
// pilot, and the runs split into timed loops, process starts and the rest.
func TestStatsString(t *testing.T) {
	s := Stats{Total: 100 * time.Second, Build: 5 * time.Second, Pilot: 3 * time.Second, Exec: 90 * time.Second, Timed: 78 * time.Second, Starts: 3 * time.Second,
		Untimed: map[string]time.Duration{"a BenchmarkSetup": 5 * time.Second, "b BenchmarkLight": time.Second, "c BenchmarkMid": 2 * time.Second, "d BenchmarkTiny": time.Millisecond}}
	got := s.String()
	for _, want := range []string{"1m40s total", "building 5s (5%)", "the pilot 3s (3%)", "benchmark runs 1m30s (90%)", "timed loops 1m18s (78%)", "process starts 3s (3%)", "untimed work 9s (9%)",
		"most untimed work: a BenchmarkSetup 5s, c BenchmarkMid 2s, b BenchmarkLight 1s (", "b.Loop"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	s.Timed, s.Untimed = 84*time.Second, map[string]time.Duration{"a BenchmarkSetup": 3 * time.Second}
	if got := s.String(); strings.Contains(got, "most untimed") {
		t.Errorf("untimed work 3%% of the run is named: %q", got)
	}
}

// TestBinName follows the go command's naming of go test -c -o dir/.
func TestBinName(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"example.com/fixture/work", "work.test"},
		{"github.com/cespare/xxhash/v2", "xxhash.test"},
		{"example.com/m/v10/sub", "sub.test"},
		{"example.com/m/v1", "v1.test"},
		{"example.com/m/v0", "v0.test"},
		{"example.com/m/v2x", "v2x.test"},
		{"v2", "v2.test"},
		{"gopkg.in/yaml.v3", "yaml.v3.test"},
	} {
		if got := binName(tc.path); got != tc.want {
			t.Errorf("binName(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

// TestFlavoursAreKeptApart: timed (plain) and counted (stripped) binaries
// of one side live in their own places under the kept directory, so a
// counted build does not replace the timed binary (switching
// BENCH_MEASURE would rebuild and re-pilot every time).
func TestFlavoursAreKeptApart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds test binaries")
	}
	dir := writeTree(t, map[string]string{"go.mod": "module example.com/m\n\ngo 1.21\n", "ok/ok_test.go": pkgFiles("ok", "Steady")})
	binDir := t.TempDir()
	build := func(strip bool) string {
		t.Helper()
		plan, err := Prepare(context.Background(), []*Tree{{Name: "current", Dir: dir, Strip: strip}}, []Suite{{Name: "s", Patterns: []string{"./..."}}}, binDir, NewProgress(nil))
		if err != nil {
			t.Fatal(err)
		}
		return plan.bins["current"]["example.com/m/ok"]
	}
	symbols := func(bin string) bool {
		t.Helper()
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return f.Section(".symtab") != nil
	}
	plain := build(false)
	stripped := build(true)
	if plain == stripped {
		t.Fatalf("plain and stripped binaries share %s", plain)
	}
	if !symbols(plain) || symbols(stripped) {
		t.Errorf("after both builds, %s has symbols: %v (want true), %s: %v (want false)", plain, symbols(plain), stripped, symbols(stripped))
	}
}
