package flow_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/testrepo"
	"github.com/benchgate/benchgate/internal/verdict"
)

// affectedModule: lib is imported by b and c; a is a leaf; d reads
// testdata/input.txt when it runs; e embeds data.txt.
func affectedModule() map[string]string {
	bench := func(pkg, body string) string {
		return fmt.Sprintf("package %s\n\nimport \"testing\"\n\nvar sink int\n\nfunc Benchmark%s(b *testing.B) {\n\tfor range b.N {\n\t\t%s\n\t}\n}\n", pkg, strings.ToUpper(pkg), body)
	}
	return map[string]string{
		"go.mod":               "module example.com/affected\n\ngo 1.22\n",
		"lib/lib.go":           "package lib\n\n// Sum is the work the importers do.\nfunc Sum(n int) int {\n\ts := 0\n\tfor i := 0; i < n; i++ {\n\t\ts += i\n\t}\n\treturn s\n}\n",
		"a/a_test.go":          bench("a", "sink += len(b.Name())"),
		"b/b_test.go":          strings.Replace(bench("b", "sink += lib.Sum(100)"), `import "testing"`, "import (\n\t\"testing\"\n\n\t\"example.com/affected/lib\"\n)", 1),
		"c/c_test.go":          strings.Replace(bench("c", "sink += lib.Sum(200)"), `import "testing"`, "import (\n\t\"testing\"\n\n\t\"example.com/affected/lib\"\n)", 1),
		"d/d_test.go":          strings.NewReplacer(`import "testing"`, "import (\n\t\"os\"\n\t\"testing\"\n)", "var sink int", "var sink int\n\nvar input, _ = os.ReadFile(\"testdata/input.txt\")").Replace(bench("d", "sink += len(input)")),
		"d/testdata/input.txt": "hello\n",
		"e/e.go":               "package e\n\nimport _ \"embed\"\n\n//go:embed data.txt\nvar Data string\n",
		"e/data.txt":           "data\n",
		"e/e_test.go":          bench("e", "sink += len(Data)"),
	}
}

// TestAffectedPackagesOnly: with BENCH_AFFECTED=1 only the packages a
// change reaches are measured, and the comparison names the others.
func TestAffectedPackagesOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	all := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		name     string
		change   map[string]string
		measured []string
	}{
		{"a leaf package", map[string]string{"a/a_test.go": "package a\n\nimport \"testing\"\n\nvar sink int\n\nfunc BenchmarkA(b *testing.B) {\n\tfor range b.N {\n\t\tsink += 2 * len(b.Name())\n\t}\n}\n"}, []string{"a"}},
		{"a package two others import", map[string]string{"lib/lib.go": "package lib\n\n// Sum is the work the importers do.\nfunc Sum(n int) int {\n\ts := 1\n\tfor i := 0; i < n; i++ {\n\t\ts += i\n\t}\n\treturn s\n}\n"}, []string{"b", "c"}},
		{"go.mod", map[string]string{"go.mod": "module example.com/affected\n\ngo 1.23\n"}, all},
		{"an embedded file", map[string]string{"e/data.txt": "other data\n"}, []string{"e"}},
		{"a file read at run time", map[string]string{"d/testdata/input.txt": "hello, world\n"}, []string{"d"}},
		{"a comment", map[string]string{"lib/lib.go": "package lib\n\n// Sum is what the importers compute.\nfunc Sum(n int) int {\n\ts := 0\n\tfor i := 0; i < n; i++ {\n\t\ts += i\n\t}\n\treturn s\n}\n"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testrepo.New(t)
			base := r.Commit("base", affectedModule())
			r.Commit("change", tt.change)
			cfg, out := config(t, r.Dir)
			cfg.Base, cfg.Affected = base, true
			cfg.Run.Count = 3
			if err := flow.Regression(context.Background(), cfg); exit.Code(err) == 2 {
				t.Fatalf("%v\n%s\n%s", err, out, cfg.Stderr)
			}
			cmp, err := verdict.ReadComparison(cfg.ResultsDir + "/" + flow.ComparisonFile)
			if err != nil {
				t.Fatal(err)
			}
			var measured []string
			for _, row := range cmp.Rows {
				p := strings.TrimPrefix(row.Pkg, "example.com/affected/")
				if !slices.Contains(measured, p) {
					measured = append(measured, p)
				}
			}
			slices.Sort(measured)
			var notAffected []string
			for _, p := range cmp.NotAffected {
				notAffected = append(notAffected, strings.TrimPrefix(p, "example.com/affected/"))
			}
			slices.Sort(notAffected)
			if fmt.Sprint(measured) != fmt.Sprint(tt.measured) {
				t.Errorf("measured %v, want %v", measured, tt.measured)
			}
			if want := len(all) - len(tt.measured); len(notAffected) != want || len(slices.Concat(measured, notAffected)) != len(all) {
				t.Errorf("not affected %v: want the other %d", notAffected, want)
			}
		})
	}
}
