package flow_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/status"
	"github.com/benchgate/benchgate/internal/testrepo"
	"github.com/benchgate/benchgate/internal/verdict"
)

// crashModule has a package whose BenchmarkBoom panics (when boom), one
// whose BenchmarkQuit calls os.Exit(3) (when boom), and one whose
// BenchmarkOdd reports a NaN metric beside a steady benchmark.
func crashModule(boom bool) map[string]string {
	b := "false"
	if boom {
		b = "true"
	}
	loop := "\tfor i := 0; i < b.N; i++ {\n\t\tsink += uint64(i) * 7\n\t}\n"
	return map[string]string{
		"go.mod":                "module example.com/crash\n\ngo 1.21\n",
		"boom/boom.go":          "package boom\n",
		"boom/boom_test.go":     "package boom\n\nimport \"testing\"\n\nvar sink uint64\n\nfunc BenchmarkBoom(b *testing.B) {\n\tif " + b + " {\n\t\tpanic(\"boom\")\n\t}\n" + loop + "}\n\nfunc BenchmarkAfter(b *testing.B) {\n" + loop + "}\n",
		"quit/quit.go":          "package quit\n",
		"quit/quit_test.go":     "package quit\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nvar sink uint64\n\nfunc BenchmarkQuit(b *testing.B) {\n\tif " + b + " {\n\t\tos.Exit(3)\n\t}\n" + loop + "}\n",
		"metric/metric.go":      "package metric\n",
		"metric/metric_test.go": "package metric\n\nimport (\n\t\"math\"\n\t\"testing\"\n)\n\nvar sink uint64\n\nfunc BenchmarkOdd(b *testing.B) {\n" + loop + "\tb.ReportMetric(math.NaN(), \"nan/op\")\n\tb.ReportMetric(math.Inf(1), \"inf/op\")\n}\n\nfunc BenchmarkSteady(b *testing.B) {\n" + loop + "}\n",
	}
}

// TestFailedBenchmarkGivesNoVerdict: benchmarks that panic or exit on the
// current side only are gaps, not missing benchmarks: exit 2, "no
// verdict", every report written, the failed rows undecided with the
// reason, the benchmark after the panicking one measured; NaN and +Inf
// metrics leave their rows unjudged and the run intact.
func TestFailedBenchmarkGivesNoVerdict(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", crashModule(false))
	r.Commit("boom", crashModule(true))

	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	err := flow.Regression(context.Background(), cfg)
	if code := exit.Code(err); code != 2 || errors.Is(err, exit.ErrMissing) || errors.Is(err, exit.ErrRegression) {
		t.Fatalf("exit %d, err %v; want 2, no verdict\n%s", code, err, out)
	}
	assertStatus(t, cfg.ResultsDir, status.Error, 2)
	cmp, err := verdict.ReadComparison(filepath.Join(cfg.ResultsDir, flow.ComparisonFile))
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Outcome() != verdict.NoVerdict {
		t.Errorf("outcome %d, want no verdict", cmp.Outcome())
	}
	failed := map[string]bool{}
	for _, row := range cmp.Rows {
		name := strings.TrimSuffix(row.Benchmark, suffix(row.Benchmark))
		if row.Status == verdict.StatusMissing {
			t.Errorf("%s %s is missing, want a failure", name, row.Unit)
		}
		if row.Reason == verdict.ReasonFailed {
			failed[name] = true
		}
		// Steady is measured on both sides; whether a loaded machine
		// lets its timed A/A row be ok or undecided is not this test's.
		if name == "BenchmarkSteady" && (row.Base == nil || row.Current == nil || row.Status == verdict.StatusRegression || row.Reason == verdict.ReasonFailed) {
			t.Errorf("BenchmarkSteady %s: %s %q, want measured on both sides and not failed", row.Unit, row.Status, row.Reason)
		}
		if (row.Unit == "nan/op" || row.Unit == "inf/op") && (row.Status != verdict.StatusUndecided || row.Reason != verdict.ReasonNoFinite) {
			t.Errorf("%s %s: %s %q, want undecided: %s", name, row.Unit, row.Status, row.Reason, verdict.ReasonNoFinite)
		}
	}
	for _, want := range []string{"BenchmarkBoom", "BenchmarkQuit"} {
		if !failed[want] {
			t.Errorf("%s is not marked as failed on the current side", want)
		}
	}
	// The panic costs only the benchmark that caused it: the one after
	// it runs again in a fresh process and is measured on both sides.
	if failed["BenchmarkAfter"] {
		t.Error("BenchmarkAfter is marked as failed: the panic before it took it down")
	}
	if g := strings.Join(cmp.Gaps, "\n"); !strings.Contains(g, "current: example.com/crash/boom: BenchmarkBoom: panic: boom at boom/boom_test.go:") {
		t.Errorf("the gaps do not name the panic and where:\n%s", g)
	}
	if len(cmp.Gaps) == 0 {
		t.Error("no gaps recorded")
	}
	for _, f := range []string{flow.MarkdownFile, flow.HTMLFile} {
		if _, err := os.Stat(filepath.Join(cfg.ResultsDir, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
}
