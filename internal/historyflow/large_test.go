package historyflow_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/flowtest"
	"github.com/benchgate/benchgate/internal/historyflow"
	"github.com/benchgate/benchgate/internal/historygen"
)

// BenchmarkTrendLarge times bench:trend over historygen.LargeHistory
// (100,000 runs of 10,000 commits), generated once into
// $BENCHGATE_LARGE_HISTORY when set (kept between runs), else into a
// temporary directory. Its figure is in docs/measurements.md.
func BenchmarkTrendLarge(b *testing.B) {
	dir := os.Getenv("BENCHGATE_LARGE_HISTORY")
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "large")
	}
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		if err := historygen.History(context.Background(), dir, historygen.LargeHistory); err != nil {
			b.Fatal(err)
		}
	}
	cfg, _ := flowtest.Config(b, dir)
	cfg.ResultsDir = b.TempDir()
	b.ResetTimer()
	for range b.N {
		err := historyflow.Trend(context.Background(), cfg, historyflow.DefaultOptions)
		if exit.Code(err) != 1 {
			b.Fatalf("trend: %v, want the step of BenchmarkLarge/case=0", err)
		}
	}
}
