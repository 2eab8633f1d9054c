package flow_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/status"
	"github.com/benchgate/benchgate/internal/testrepo"
	"github.com/benchgate/benchgate/internal/verdict"
)

// shardedModule has five packages p0..p4 with one benchmark each; slow
// makes p3's 4x as costly.
func shardedModule(slow bool) map[string]string {
	files := map[string]string{"go.mod": "module example.com/sharded\n\ngo 1.22\n"}
	for i := range 5 {
		loops := 2000
		if slow && i == 3 {
			loops = 8000
		}
		files[fmt.Sprintf("p%d/p_test.go", i)] = fmt.Sprintf(`package p%d

import "testing"

var sink uint64

func BenchmarkP%d(b *testing.B) {
	for range b.N {
		for j := 0; j < %d; j++ {
			sink = sink*31 + uint64(j)
		}
	}
}
`, i, i, loops)
	}
	return files
}

// TestShardsCoverEverythingOnce: three BENCH_SHARD runs measure every
// package exactly once, each status.json records its shard, bench:merge
// with BENCH_SHARDS=3 finds the slowed package's regression, and without
// one shard gives no verdict naming it.
func TestShardsCoverEverythingOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r := testrepo.New(t)
	base := r.Commit("five packages", shardedModule(false))
	r.Commit("p3 4x slower", shardedModule(true))
	shards := t.TempDir()
	seen := map[string]int{}
	for i := 1; i <= 3; i++ {
		cfg, out := config(t, r.Dir)
		cfg.Base = base
		cfg.Shard = runner.Shard{Index: i, Total: 3}
		cfg.ResultsDir = filepath.Join(shards, fmt.Sprintf("bench-%d", i))
		err := flow.Regression(context.Background(), cfg)
		if err != nil && !errors.Is(err, exit.ErrRegression) {
			t.Fatalf("shard %d: %v\n%s", i, err, cfg.Stderr)
		}
		cmp, rerr := verdict.ReadComparison(filepath.Join(cfg.ResultsDir, flow.ComparisonFile))
		if rerr != nil {
			t.Fatal(rerr)
		}
		for _, row := range cmp.Rows {
			if row.Unit == "sec/op" || row.Unit == "ns/op" {
				seen[row.Pkg]++
			}
		}
		st, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, status.File))
		if !strings.Contains(string(st), fmt.Sprintf(`"shard": "%d/3"`, i)) {
			t.Errorf("shard %d's status.json does not record it: %s", i, st)
		}
		_ = out
	}
	var pkgs []string
	for p, n := range seen {
		pkgs = append(pkgs, p)
		if n != 1 {
			t.Errorf("%s measured in %d shards, want 1", p, n)
		}
	}
	slices.Sort(pkgs)
	if len(pkgs) != 5 {
		t.Fatalf("the shards measured %v, want the 5 packages", pkgs)
	}

	merge := func() (error, *verdict.Comparison) {
		cfg, _ := config(t, r.Dir)
		cfg.Shards = 3
		err := flow.Merge(cfg, shards)
		cmp, _ := verdict.ReadComparison(filepath.Join(cfg.ResultsDir, flow.ComparisonFile))
		return err, cmp
	}
	err, cmp := merge()
	if !errors.Is(err, exit.ErrRegression) || exit.Code(err) != 1 {
		t.Fatalf("merge of 3 shards: %v, want the regression of p3", err)
	}
	regressed := false
	for _, row := range cmp.Rows {
		regressed = regressed || row.Pkg == "example.com/sharded/p3" && row.Status == verdict.StatusRegression
	}
	if !regressed || len(cmp.Gaps) > 0 {
		t.Errorf("merged: p3 regressed %v, gaps %v", regressed, cmp.Gaps)
	}
	// Without the shard that holds p3 the slowdown is not seen: no verdict,
	// with BENCH_SHARDS and, with no suite table, from the shards' own
	// records too.
	for i := 1; i <= 3; i++ {
		c, _ := verdict.ReadComparison(filepath.Join(shards, fmt.Sprintf("bench-%d", i), flow.ComparisonFile))
		if !c.Regressed() {
			continue
		}
		os.RemoveAll(filepath.Join(shards, fmt.Sprintf("bench-%d", i)))
		for _, n := range []int{3, 0} {
			cfg, _ := config(t, r.Dir)
			cfg.Shards = n
			err := flow.Merge(cfg, shards)
			cmp, _ := verdict.ReadComparison(filepath.Join(cfg.ResultsDir, flow.ComparisonFile))
			if exit.Code(err) != 2 || !strings.Contains(strings.Join(cmp.Gaps, " "), fmt.Sprintf("shard %d/3 is absent", i)) {
				t.Errorf("merge (BENCH_SHARDS %d) without shard %d: exit %d (%v), gaps %v; want 2 naming it", n, i, exit.Code(err), err, cmp.Gaps)
			}
		}
	}
}
