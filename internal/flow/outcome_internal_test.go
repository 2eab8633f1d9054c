package flow

import (
	"errors"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/verdict"
)

// TestOutcomeError: the error a flow returns says in words what the
// comparison's Outcome decided, and maps back to the same exit status.
func TestOutcomeError(t *testing.T) {
	row := func(status verdict.Status, allowed bool) verdict.Row {
		return verdict.Row{Pkg: "example.com/p", Benchmark: "BenchmarkA-2", Unit: "sec/op", Status: status, AllowedMissing: allowed}
	}
	runErr := errors.New("benchmarks failed: current: example.com/p: BenchmarkB failed")
	tests := []struct {
		name   string
		c      verdict.Comparison
		runErr error
		exit   int
		says   string
	}{
		{"pass", verdict.Comparison{Summary: verdict.Summary{}}, nil, 0, ""},
		{"regression", verdict.Comparison{Rows: []verdict.Row{row(verdict.StatusRegression, false)}, Summary: verdict.Summary{RegressedRows: 1}}, nil, 1, "1 benchmark metrics regressed"},
		{"missing", verdict.Comparison{Rows: []verdict.Row{row(verdict.StatusMissing, false)}, Summary: verdict.Summary{MissingRows: 1}}, nil, 1, "example.com/p.BenchmarkA"},
		{"allowed missing", verdict.Comparison{Rows: []verdict.Row{row(verdict.StatusMissing, true)}}, nil, 0, ""},
		{"gaps", verdict.Comparison{Gaps: []string{"shard kafka is absent"}}, nil, 2, "shard kafka is absent"},
		{"gaps from the run", verdict.Comparison{Gaps: []string{"BenchmarkB failed"}}, runErr, 2, "BenchmarkB failed"},
		{"regression wins over a failed run", verdict.Comparison{Rows: []verdict.Row{row(verdict.StatusRegression, false)}, Summary: verdict.Summary{RegressedRows: 1}, Gaps: []string{"x"}}, runErr, 1, "regressed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := outcomeError(&tc.c, "report.md", tc.runErr)
			if got := exit.Code(err); got != tc.exit || got != int(tc.c.Outcome()) {
				t.Errorf("exit %d, want %d (outcome %d): %v", got, tc.exit, tc.c.Outcome(), err)
			}
			if tc.says != "" && (err == nil || !strings.Contains(err.Error(), tc.says)) {
				t.Errorf("err %v does not say %q", err, tc.says)
			}
		})
	}
}
