package annotate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/profile"
	"github.com/benchgate/benchgate/internal/verdict"
)

// TestWrite: a regression is annotated at its benchmark's declaration
// and at the module function its profile blames (paths relative to the
// repository root, the module in a subdirectory); an undecided row and a
// gap are warnings; names from measured code cannot end a command or
// start another.
func TestWrite(t *testing.T) {
	repo := t.TempDir()
	mod := filepath.Join(repo, "backend")
	os.MkdirAll(filepath.Join(mod, "store"), 0o755)
	os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/svc/v2\n\ngo 1.21\n"), 0o644)
	os.WriteFile(filepath.Join(mod, "store", "store_test.go"), []byte("package store\n\nimport \"testing\"\n\n// A comment.\nfunc BenchmarkAppend(b *testing.B) {\n}\n\nfunc BenchmarkRead(b *testing.B) {}\n"), 0o644)
	yes := true
	hostile := "BenchmarkRead/x%0A::error file=a.go::forged\r\n::warning::also"
	c := &verdict.Comparison{
		Rows: []verdict.Row{
			{Pkg: "example.com/svc/v2/store", Benchmark: "BenchmarkAppend/size=1KiB-2", Unit: "ns/op", DeltaPct: 312.5, ThresholdPct: 20, Status: verdict.StatusRegression, Confirmed: &yes},
			{Pkg: "example.com/svc/v2/store", Benchmark: hostile + "-2", Unit: "ns/op", DeltaPct: 25, ThresholdPct: 20, Status: verdict.StatusUndecided},
			{Pkg: "example.com/svc/v2/store", Benchmark: "BenchmarkRead-2", Unit: "B/op", Status: verdict.StatusOK},
		},
		Gaps: []string{"current: example.com/svc/v2/store: BenchmarkBoom: panic: boom"},
		Profiles: []profile.Diff{{Pkg: "example.com/svc/v2/store", Benchmark: "BenchmarkAppend/size=1KiB-2",
			CPUFlat: []profile.Delta{
				{Function: "runtime.memmove", File: "runtime/memmove_amd64.s", Line: 30, Delta: 900},
				{Function: "example.com/svc/v2/store.(*Log).append", File: "example.com/svc/v2/store/log.go", Line: 42, Delta: 700, DeltaPct: 280},
			}}},
	}
	var b strings.Builder
	if err := Write(&b, c, Options{ModuleDir: mod, RepoRoot: repo}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []string{
		"::error file=backend/store/store_test.go,line=6,title=performance regression%3A BenchmarkAppend/size=1KiB::BenchmarkAppend/size=1KiB ns/op +312.5%25 (threshold +20%25), confirmed in fresh rounds",
		"::error file=backend/store/log.go,line=42,title=slower here%3A example.com/svc/v2/store.(*Log).append::example.com/svc/v2/store.(*Log).append: +700 ns/op (+280.0%25 of the base) in BenchmarkAppend/size=1KiB",
	}
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4:\n%s", len(lines), b.String())
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d:\n%s\nwant\n%s", i+1, lines[i], w)
		}
	}
	if !strings.HasPrefix(lines[2], "::warning file=backend/store/store_test.go,line=9,title=undecided%3A BenchmarkRead/x%250A%3A%3Aerror file=a.go%3A%3Aforged%0D%0A%3A%3Awarning%3A%3Aalso::") {
		t.Errorf("the hostile name is not escaped: %s", lines[2])
	}
	if !strings.HasPrefix(lines[3], "::warning title=no evidence::current: example.com/svc/v2/store: BenchmarkBoom: panic: boom") {
		t.Errorf("the gap: %s", lines[3])
	}
}

// TestCapped: GitHub shows 10 annotations of a kind per step; the rest
// are counted in one notice.
func TestCapped(t *testing.T) {
	c := &verdict.Comparison{}
	for range 15 {
		c.Rows = append(c.Rows, verdict.Row{Benchmark: "BenchmarkX-2", Unit: "ns/op", Status: verdict.StatusRegression})
	}
	var b strings.Builder
	Write(&b, c, Options{ModuleDir: t.TempDir()})
	if n := strings.Count(b.String(), "::error "); n != 10 || !strings.Contains(b.String(), "::notice title=benchgate::5 more findings") {
		t.Errorf("%d errors:\n%s", n, b.String())
	}
}
