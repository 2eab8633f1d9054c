package flow

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/benchgate/benchgate/internal/atomicfile"
	"github.com/benchgate/benchgate/internal/report"
)

// SaveBaseline benchmarks the current tree and saves the results as the
// baseline, atomically, plus a dated copy under history/.
func SaveBaseline(ctx context.Context, cfg Config) error {
	unlock, err := cfg.Start("bench:saveBaseline")
	if err != nil {
		return err
	}
	defer unlock()
	// The run writes current.txt; the baseline is replaced only once the
	// whole run succeeded, so an interrupted run never leaves a partial
	// baseline behind.
	if _, err := cfg.run(ctx, cfg.Path(CurrentFile), nil); err != nil {
		return err
	}
	cur := cfg.Path(CurrentFile)
	baseline := cfg.Path(BaselineFile)
	if err := atomicfile.Copy(cur, baseline); err != nil {
		return err
	}
	short := "nogit"
	if t := cfg.currentTree(""); t.Commit != "" {
		short = report.ShortCommit(t.Commit)
	}
	hist := filepath.Join(cfg.ResultsDir, HistoryDir, fmt.Sprintf("%s-%s.txt", time.Now().UTC().Format("2006-01-02"), short))
	if err := atomicfile.Copy(cur, hist); err != nil {
		return err
	}
	fmt.Fprintf(cfg.Stderr, "saved %s and %s\n", baseline, hist)
	return nil
}
