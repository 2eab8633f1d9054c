package flow_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/flowtest"
	"github.com/benchgate/benchgate/internal/testrepo"
	"github.com/benchgate/benchgate/internal/verdict"
)

// shapeModule is a module shaped as real ones are where benchgate broke:
// its path ends in /v2 and its root package is named xxhash (not v2), and
// svc1/internal/store and svc2/internal/store both have BenchmarkPut.
// loops is the work of every benchmark; stores adds the two store
// packages (their binaries' names collide, so each is built on its own).
func shapeModule(loops int, stores bool) map[string]string {
	work := fmt.Sprintf(`
//go:noinline
func work() uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < %d; i++ {
		h ^= uint64(i)
		h *= 1099511628211
	}
	return h
}

var sink uint64
`, loops)
	store := func(pkg string) string {
		return "package store\n\nimport \"testing\"\n" + work + "\nfunc BenchmarkPut(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink += work()\n\t}\n}\n"
	}
	files := map[string]string{
		"go.mod":                        "module example.com/xxhash/v2\n\ngo 1.21\n",
		"xxhash.go":                     "// Package xxhash's directory is the module root, v2.\npackage xxhash\n",
		"xxhash_test.go":                "package xxhash\n\nimport \"testing\"\n" + work + "\nfunc BenchmarkSum(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink += work()\n\t}\n}\n",
		"cmd/tool/main.go":              "package main\n\nfunc main() {}\n",
		"internal/name/differs.go":      "// Package other lives in directory name.\npackage other\n",
		"internal/name/differs_test.go": "package other\n\nimport \"testing\"\n" + work + "\nfunc BenchmarkOther(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink += work()\n\t}\n}\n",
	}
	if stores {
		for _, svc := range []string{"svc1", "svc2"} {
			files[svc+"/internal/store/store.go"] = "package store\n"
			files[svc+"/internal/store/store_test.go"] = store(svc)
		}
	}
	return files
}

// TestModuleShapes runs the gate on shapeModule made 4x slower: a /v2
// module whose root package is named otherwise, and two packages whose
// last two path elements agree, each with a regressed BenchmarkPut. Every
// benchmark is measured, the gate fails with exit 1, and each package's
// profiles land in a folder of its own.
func TestModuleShapes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	for _, stores := range []bool{false, true} {
		t.Run(fmt.Sprintf("stores=%v", stores), func(t *testing.T) { testModuleShape(t, stores) })
	}
}

func testModuleShape(t *testing.T, stores bool) {
	r := testrepo.New(t)
	c1 := r.Commit("first", shapeModule(2000, stores))
	r.Commit("slow everything down 4x", shapeModule(8000, stores))

	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	// Counted: what this test checks is structure (names, folders), and
	// a loaded machine cannot make a counted 4x slowdown undecided.
	flowtest.NeedCounter(t)
	cfg.Measure = flow.MeasureInstructions
	cmp := mustRegress(t, cfg, out)
	regressed := map[string]bool{}
	for _, row := range cmp.Rows {
		if row.Status == verdict.StatusRegression && row.Unit == verdict.InstructionsUnit {
			regressed[row.Pkg+"."+strings.TrimSuffix(row.Benchmark, suffix(row.Benchmark))] = true
		}
	}
	want := []string{"example.com/xxhash/v2.BenchmarkSum", "example.com/xxhash/v2/internal/name.BenchmarkOther"}
	if stores {
		want = append(want, "example.com/xxhash/v2/svc1/internal/store.BenchmarkPut", "example.com/xxhash/v2/svc2/internal/store.BenchmarkPut")
	}
	for _, want := range want {
		if !regressed[want] {
			t.Errorf("%s is not a regression; regressed: %v\n%s", want, regressed, out)
		}
	}
	if len(cmp.Profiles) != len(want) {
		t.Errorf("%d profile diffs, want %d (one per regressed benchmark)", len(cmp.Profiles), len(want))
	}
	dirs, _ := filepath.Glob(filepath.Join(cfg.ResultsDir, flow.ProfilesDir, "*"))
	if len(dirs) != len(want) {
		t.Errorf("profile folders %v, want %d", dirs, len(want))
	}
	for _, f := range []string{flow.ComparisonFile, flow.MarkdownFile, flow.HTMLFile} {
		if _, err := os.Stat(filepath.Join(cfg.ResultsDir, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
}
