package flow_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/atomicfile"
	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/status"
	"github.com/benchgate/benchgate/internal/suite"
	"github.com/benchgate/benchgate/internal/verdict"
)

var allSuites = []suite.Suite{{Name: "storage"}, {Name: "kafka"}, {Name: "grpc"}, {Name: "throttle"}, {Name: "mempool"}}

// shard writes a shard folder as a CI job leaves it: status.json and,
// unless the shard died, a comparison of suite's benchmark, slowed by
// factor on the current side.
func shard(t *testing.T, dir, suite string, state status.State, exit int, errText string, factor float64) {
	t.Helper()
	sd := filepath.Join(dir, "bench-"+suite)
	compared := state != status.Running && errText == ""
	if compared {
		sides := map[string]float64{"base": 1, "current": factor}
		for side, f := range sides {
			var b strings.Builder
			fmt.Fprintf(&b, "pkg: example.com/%s\nsuite: %s\n", suite, suite)
			for i := range 6 {
				fmt.Fprintf(&b, "BenchmarkOp-2\t1000\t%g ns/op\n", (100+float64(i))*f)
			}
			if err := os.MkdirAll(sd, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(sd, side+".txt"), []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		c, err := verdict.CompareFiles(filepath.Join(sd, "base.txt"), filepath.Join(sd, "current.txt"), verdict.DefaultOptions)
		if err != nil {
			t.Fatal(err)
		}
		if err := atomicfile.Write(filepath.Join(sd, flow.ComparisonFile), func(w io.Writer) error { return verdict.WriteJSON(w, c) }); err != nil {
			t.Fatal(err)
		}
	}
	record := fmt.Sprintf(`{"suites": [%q], "state": %q, "exit": %d, "error": %q, "compared": %v}`, suite, state, exit, errText, compared)
	if err := os.MkdirAll(sd, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sd, status.File), []byte(record), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestMergeFailsClosed(t *testing.T) {
	type sh struct {
		suite  string
		state  status.State
		exit   int
		err    string
		factor float64
	}
	ok := func(s string) sh { return sh{s, status.OK, 0, "", 1} }
	tests := []struct {
		name   string
		shards []sh
		exit   int
		want   []string // in the error and in report.md
	}{
		{"all five pass", []sh{ok("storage"), ok("kafka"), ok("grpc"), ok("throttle"), ok("mempool")}, 0, nil},
		{"only mempool", []sh{ok("mempool")}, 2, []string{"shard storage is absent", "shard kafka is absent", "shard grpc is absent", "shard throttle is absent"}},
		{"a shard ended in an error", []sh{ok("storage"), {"kafka", status.Error, 2, "base commit 1a2b3c4 is not in this clone", 1}, ok("grpc"), ok("throttle"), ok("mempool")}, 2,
			[]string{"shard kafka failed: base commit 1a2b3c4 is not in this clone"}},
		{"a shard died", []sh{ok("storage"), ok("kafka"), {"grpc", status.Running, 0, "", 1}, ok("throttle"), ok("mempool")}, 2, []string{"shard grpc died before it finished"}},
		{"a regression wins over an absent shard", []sh{ok("storage"), {"mempool", status.Regressed, 1, "", 3}}, 1, []string{"regressed", "shard kafka is absent"}},
		{"no shard at all", nil, 2, []string{"shard storage is absent", "no shard comparison"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := flow.DefaultConfig()
			cfg.ResultsDir = t.TempDir()
			cfg.Suites = allSuites
			cfg.Stdout, cfg.Stderr = io.Discard, io.Discard
			dir := filepath.Join(cfg.ResultsDir, flow.ShardsDir)
			os.MkdirAll(dir, 0o755)
			for _, s := range tt.shards {
				shard(t, dir, s.suite, s.state, s.exit, s.err, s.factor)
			}
			err := flow.Merge(cfg, "")
			if code := exit.Code(err); code != tt.exit {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.exit)
			}
			md, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, flow.MarkdownFile))
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error does not say %q: %v", w, err)
				}
				if !strings.Contains(string(md), w) && w != "regressed" {
					t.Errorf("report.md does not say %q:\n%s", w, md)
				}
			}
			if tt.exit == 2 && !strings.Contains(string(md), "No verdict") {
				t.Errorf("report.md does not say there is no verdict:\n%s", md)
			}
		})
	}
}

// TestMergeTrustsNoShard: what a shard says about itself does not decide
// the merged verdict: a status.json that claims success without a
// comparison is a gap; a row whose status was edited to ok in a shard's
// comparison.json is judged again from its samples (a regression); two
// shards claiming one suite are refused whatever BENCH_SHARDS says.
func TestMergeTrustsNoShard(t *testing.T) {
	suites := []suite.Suite{{Name: "storage"}, {Name: "kafka"}}
	t.Run("success without a comparison", func(t *testing.T) {
		dir := t.TempDir()
		shard(t, dir, "storage", status.OK, 0, "", 1)
		sd := filepath.Join(dir, "bench-kafka")
		os.MkdirAll(sd, 0o755)
		os.WriteFile(filepath.Join(sd, status.File), []byte(`{"suites": ["kafka"], "state": "ok", "compared": false}`), 0o644)
		err := merge(t, suites, dir)
		if code := exit.Code(err); code != 2 || !strings.Contains(fmt.Sprint(err), "shard kafka says it ended ok but left no comparison") {
			t.Errorf("exit %d, err %v; want 2 naming the shard", code, err)
		}
	})
	t.Run("a row's status edited", func(t *testing.T) {
		dir := t.TempDir()
		shard(t, dir, "storage", status.OK, 0, "", 1)
		shard(t, dir, "kafka", status.Regressed, 1, "", 4.47)
		path := filepath.Join(dir, "bench-kafka", flow.ComparisonFile)
		c, err := verdict.ReadComparison(path)
		if err != nil {
			t.Fatal(err)
		}
		for i := range c.Rows {
			c.Rows[i].Status = verdict.StatusOK
		}
		c.Summary = verdict.Summary{Benchmarks: 1, Rows: len(c.Rows), Unchanged: 1}
		if err := atomicfile.Write(path, func(w io.Writer) error { return verdict.WriteJSON(w, c) }); err != nil {
			t.Fatal(err)
		}
		if err := merge(t, suites, dir); exit.Code(err) != 1 {
			t.Errorf("exit %d (%v), want 1: the +347%% change judged again", exit.Code(err), err)
		}
	})
	t.Run("two shards claim one suite", func(t *testing.T) {
		dir := t.TempDir()
		shard(t, dir, "storage", status.OK, 0, "", 1)
		shard(t, dir, "kafka", status.OK, 0, "", 1)
		if err := os.CopyFS(filepath.Join(dir, "bench-kafka-again"), os.DirFS(filepath.Join(dir, "bench-kafka"))); err != nil {
			t.Fatal(err)
		}
		err := merge(t, suites, dir)
		if code := exit.Code(err); code != 2 || !strings.Contains(fmt.Sprint(err), "claims suite kafka, which another shard already covered") {
			t.Errorf("exit %d, err %v; want 2 naming the duplicate", code, err)
		}
	})
}

// merge merges the shards under dir, expecting suites.
func merge(t *testing.T, suites []suite.Suite, dir string) error {
	t.Helper()
	cfg := flow.DefaultConfig()
	cfg.ResultsDir = t.TempDir()
	cfg.Suites = suites
	cfg.Stdout, cfg.Stderr = io.Discard, io.Discard
	return flow.Merge(cfg, dir)
}
