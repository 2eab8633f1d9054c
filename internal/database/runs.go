package database

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/verdict"
)

// repository returns the id of the repository named name, creating it.
func (db *DB) repository(ctx context.Context, name string) (int64, error) {
	var id int64
	err := db.conn.QueryRow(ctx, `INSERT INTO repositories (name) VALUES ($1)
		ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`, name).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("registering repository %q: %w", name, err)
	}
	return id, nil
}

// Export writes the runs the database lacks for the repository (a run is
// its commit and run id), each in one transaction, and returns how many
// it wrote. Exporting the same history again writes nothing. progress,
// when not nil, is called after each run written.
func (db *DB) Export(ctx context.Context, repo string, runs []*history.Run, progress func(done, total int)) (int, error) {
	id, err := db.repository(ctx, repo)
	if err != nil {
		return 0, err
	}
	have := map[[2]string]bool{}
	rows, err := db.conn.Query(ctx, `SELECT commit, run_key FROM runs WHERE repository_id = $1`, id)
	if err != nil {
		return 0, fmt.Errorf("reading the runs of %q: %w", repo, err)
	}
	for rows.Next() {
		var c, k string
		if err := rows.Scan(&c, &k); err != nil {
			return 0, err
		}
		have[[2]string{c, k}] = true
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("reading the runs of %q: %w", repo, err)
	}
	var todo []*history.Run
	for _, r := range runs {
		if k := [2]string{r.Commit, r.ID}; !have[k] {
			have[k] = true
			todo = append(todo, r)
		}
	}
	for i, r := range todo {
		if err := db.writeRun(ctx, id, r); err != nil {
			return i, fmt.Errorf("exporting run %s of %s (%d of %d written before it; run again to resume): %w", r.ID, verdict.ShortCommit(r.Commit), i, len(todo), err)
		}
		if progress != nil {
			progress(i+1, len(todo))
		}
	}
	return len(todo), nil
}

// writeRun writes one run and its metrics in one transaction.
func (db *DB) writeRun(ctx context.Context, repo int64, r *history.Run) error {
	tx, err := db.conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var runID int64
	m := r.Machine
	err = tx.QueryRow(ctx, `INSERT INTO runs (repository_id, commit, parent, run_key, date, recorded, machine, goos, goarch, cpu, go, benchtime, count)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		repo, r.Commit, r.Parent, r.ID, r.Date, r.Recorded, m.Fingerprint(), m.GOOS, m.GOARCH, m.CPU, m.Go, r.Time, r.Count).Scan(&runID)
	if err != nil {
		return err
	}
	rows := make([][]any, 0, len(r.Metrics))
	for i, mt := range r.Metrics {
		row := []any{runID, i, mt.Pkg, mt.Benchmark, mt.Unit, mt.Samples, median(mt.Samples), nil, nil, nil, nil}
		if v := mt.Versus; v != nil {
			row[7], row[8], row[9], row[10] = v.Base, v.DeltaPct, v.LoPct, v.HiPct
		}
		rows = append(rows, row)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"metrics"}, []string{"run_id", "position", "pkg", "benchmark", "unit", "samples", "median", "base", "delta_pct", "lo_pct", "hi_pct"}, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copying %d metrics: %w", len(rows), err)
	}
	return tx.Commit(ctx)
}

// Runs reads every run of the repository, as history.Store.Runs does
// from the branch.
func (db *DB) Runs(ctx context.Context, repo string) ([]*history.Run, error) {
	rows, err := db.conn.Query(ctx, `SELECT r.id, r.commit, r.parent, r.run_key, r.date, r.recorded, r.goos, r.goarch, r.cpu, r.go, r.benchtime, r.count,
			m.pkg, m.benchmark, m.unit, m.samples, m.base, m.delta_pct, m.lo_pct, m.hi_pct
		FROM runs r JOIN repositories p ON p.id = r.repository_id LEFT JOIN metrics m ON m.run_id = r.id
		WHERE p.name = $1
		ORDER BY r.recorded, r.id, m.position`, repo)
	if err != nil {
		return nil, fmt.Errorf("reading the runs of %q: %w", repo, err)
	}
	defer rows.Close()
	var runs []*history.Run
	var last int64 = -1
	for rows.Next() {
		var id int64
		r := &history.Run{Schema: history.Schema}
		var pkg, bench, unit, base *string
		var samples []float64
		var delta, lo, hi *float64
		if err := rows.Scan(&id, &r.Commit, &r.Parent, &r.ID, &r.Date, &r.Recorded, &r.Machine.GOOS, &r.Machine.GOARCH, &r.Machine.CPU, &r.Machine.Go, &r.Time, &r.Count,
			&pkg, &bench, &unit, &samples, &base, &delta, &lo, &hi); err != nil {
			return nil, fmt.Errorf("reading the runs of %q: %w", repo, err)
		}
		if id != last {
			r.Date, r.Recorded = r.Date.UTC(), r.Recorded.UTC()
			runs = append(runs, r)
			last = id
		}
		if bench == nil {
			continue
		}
		mt := history.Metric{Pkg: *pkg, Benchmark: *bench, Unit: *unit, Samples: samples}
		if base != nil && delta != nil && lo != nil && hi != nil {
			mt.Versus = &history.Versus{Base: *base, DeltaPct: *delta, LoPct: *lo, HiPct: *hi}
		}
		cur := runs[len(runs)-1]
		cur.Metrics = append(cur.Metrics, mt)
	}
	return runs, rows.Err()
}

// SaveFindings replaces the repository's change points and drift with
// findings (bench:trend's, with their acknowledgement), in one
// transaction.
func (db *DB) SaveFindings(ctx context.Context, repo string, findings []history.Finding, found time.Time) error {
	id, err := db.repository(ctx, repo)
	if err != nil {
		return err
	}
	tx, err := db.conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `DELETE FROM findings WHERE repository_id = $1`, id); err != nil {
		return fmt.Errorf("replacing the findings of %q: %w", repo, err)
	}
	rows := make([][]any, 0, len(findings))
	seen := map[string]bool{}
	for _, f := range findings {
		k := fmt.Sprint(f.Kind, f.Pkg, f.Benchmark, f.Unit, f.FirstBad)
		if seen[k] {
			continue
		}
		seen[k] = true
		var p any
		if f.P != 0 {
			p = f.P
		}
		rows = append(rows, []any{id, string(f.Kind), f.Pkg, f.Benchmark, f.Unit, f.Epoch, f.LastGood, f.FirstBad, f.Before, f.After, f.ChangePct, p, f.Worse, f.Acknowledged, found})
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"findings"}, []string{"repository_id", "kind", "pkg", "benchmark", "unit", "epoch", "last_good", "first_bad", "before", "after", "change_pct", "p", "worse", "acknowledged", "found"}, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("writing the findings of %q: %w", repo, err)
	}
	return tx.Commit(ctx)
}

// median is the samples' median.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
