package flow

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/database"
	"github.com/benchgate/benchgate/internal/history"
)

// Export writes the history branch's runs that the database at
// opts.DatabaseURL lacks (bench:export): safe to run after every
// bench:record, a second export of the same history writes nothing. The
// branch is only read.
func Export(ctx context.Context, cfg Config, opts HistoryOptions) error {
	if opts.DatabaseURL == "" {
		return fmt.Errorf("bench:export needs BENCH_DATABASE_URL (postgres://user:password@host:5432/database)")
	}
	unlock, repo, _, err := cfg.startHistory("bench:export", 1)
	if err != nil {
		return err
	}
	defer unlock()
	st := history.Open(repo.Repository(), opts.Branch)
	runs, err := cfg.branchRuns(st)
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, opts.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	name := cfg.repositoryName(opts)
	start, last := time.Now(), time.Now()
	n, err := db.Export(ctx, name, runs, func(done, total int) {
		if time.Since(last) > 5*time.Second {
			fmt.Fprintf(cfg.Stderr, "exported %d of %d runs\n", done, total)
			last = time.Now()
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(cfg.Stderr, "exported %d runs of %s from %s (%d already there) in %s\n", n, name, st.Branch(), len(runs)-n, time.Since(start).Round(time.Millisecond))
	return nil
}

// recordInDatabase writes a run just stored on the branch to the
// database too, when there is one.
func (c *Config) recordInDatabase(ctx context.Context, opts HistoryOptions, run *history.Run) error {
	if opts.DatabaseURL == "" {
		return nil
	}
	db, err := openDatabase(ctx, opts.DatabaseURL)
	if err == nil {
		defer db.Close()
		_, err = db.Export(ctx, c.repositoryName(opts), []*history.Run{run}, nil)
	}
	if err != nil {
		return fmt.Errorf("the run is on the history branch, the database has not got it (bench:export catches up): %w", err)
	}
	fmt.Fprintf(c.Stderr, "recorded %s in the database as %s\n", run.Commit[:min(7, len(run.Commit))], c.repositoryName(opts))
	return nil
}

// historyRuns are the runs Trend analyzes: the branch's, or with
// FromDatabase the database's.
func (c *Config) historyRuns(ctx context.Context, st *history.Store, opts HistoryOptions) ([]*history.Run, string, error) {
	if !opts.FromDatabase {
		runs, err := c.branchRuns(st)
		return runs, st.Branch(), err
	}
	if opts.DatabaseURL == "" {
		return nil, "", fmt.Errorf("BENCH_HISTORY=database needs BENCH_DATABASE_URL")
	}
	db, err := openDatabase(ctx, opts.DatabaseURL)
	if err != nil {
		return nil, "", err
	}
	defer db.Close()
	name := c.repositoryName(opts)
	runs, err := db.Runs(ctx, name)
	return runs, "database " + name, err
}

// branchRuns reads the history branch's runs, warning about the files
// it skipped.
func (c *Config) branchRuns(st *history.Store) ([]*history.Run, error) {
	runs, err := st.Runs()
	for _, w := range st.Skipped {
		fmt.Fprintln(c.Stderr, "warning: "+w)
	}
	return runs, err
}

// saveFindings writes Trend's findings to the database, when there is
// one.
func (c *Config) saveFindings(ctx context.Context, opts HistoryOptions, findings []history.Finding) error {
	if opts.DatabaseURL == "" {
		return nil
	}
	db, err := openDatabase(ctx, opts.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.SaveFindings(ctx, c.repositoryName(opts), findings, time.Now().UTC())
}

// repositoryName is the repository's key in the database: Repository,
// else the module path of Dir.
func (c *Config) repositoryName(opts HistoryOptions) string {
	if opts.Repository != "" {
		return opts.Repository
	}
	f, err := os.Open(filepath.Join(c.Dir, "go.mod"))
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if m, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
				return strings.Trim(strings.TrimSpace(m), `"`)
			}
		}
	}
	return filepath.Base(c.Dir)
}

// openDatabase opens the database at BENCH_DATABASE_URL.
func openDatabase(ctx context.Context, url string) (*database.DB, error) {
	db, err := database.Open(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("BENCH_DATABASE_URL: %w", err)
	}
	return db, nil
}
