package historyflow

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/database"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/verdict"
)

// Export writes the history branch's runs that the database at
// opts.DatabaseURL lacks (bench:export): safe to run after every
// bench:record, a second export of the same history writes nothing. The
// branch is only read.
func Export(ctx context.Context, cfg flow.Config, opts Options) error {
	if opts.DatabaseURL == "" {
		return fmt.Errorf("bench:export needs BENCH_DATABASE_URL (postgres://user:password@host:5432/database)")
	}
	unlock, repo, _, err := startHistory(&cfg, "bench:export", 1)
	if err != nil {
		return err
	}
	defer unlock()
	var runs []*history.Run
	st, err := eachBranchRun(ctx, &cfg, repo, opts.Branch, func(r *history.Run) { runs = append(runs, r) })
	if err != nil {
		return err
	}
	h := newHistoryDB(&cfg, opts)
	defer h.close()
	db, err := h.open(ctx)
	if err != nil {
		return err
	}
	name := h.repo
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

// historyDB is a history flow's database (BENCH_DATABASE_URL), opened
// on first use, once per flow, and closed with it; an empty url: none.
type historyDB struct {
	url, repo string
	db        *database.DB
}

// historyDB is the flow's database, for the repository named as
// repositoryName says.
func newHistoryDB(c *flow.Config, opts Options) *historyDB {
	return &historyDB{url: opts.DatabaseURL, repo: repositoryName(c, opts)}
}

// open connects, the first time.
func (h *historyDB) open(ctx context.Context) (*database.DB, error) {
	if h.db == nil {
		db, err := database.Open(ctx, h.url)
		if err != nil {
			return nil, fmt.Errorf("BENCH_DATABASE_URL: %w", err)
		}
		h.db = db
	}
	return h.db, nil
}

// close closes the connection, if open.
func (h *historyDB) close() {
	if h != nil && h.db != nil {
		h.db.Close()
	}
}

// recordInDatabase writes a run just stored on the branch to the
// database too, when there is one (h nil or without a url: none).
func recordInDatabase(ctx context.Context, c *flow.Config, h *historyDB, run *history.Run) error {
	if h == nil || h.url == "" {
		return nil
	}
	db, err := h.open(ctx)
	if err == nil {
		_, err = db.Export(ctx, h.repo, []*history.Run{run}, nil)
	}
	if err != nil {
		return fmt.Errorf("the run is on the history branch, the database has not got it (bench:export catches up): %w", err)
	}
	fmt.Fprintf(c.Stderr, "recorded %s in the database as %s\n", verdict.ShortCommit(run.Commit), h.repo)
	return nil
}

// eachRun calls fn with each run Trend analyzes, one at a time, and says
// where they came from: the history branch, or the database with
// FromDatabase. It stops when ctx is done.
func eachRun(ctx context.Context, c *flow.Config, repo *gitref.Repo, opts Options, h *historyDB, fn func(*history.Run)) (string, error) {
	if !opts.FromDatabase {
		st, err := eachBranchRun(ctx, c, repo, opts.Branch, fn)
		return st.Branch(), err
	}
	if h.url == "" {
		return "", fmt.Errorf("BENCH_HISTORY=database needs BENCH_DATABASE_URL")
	}
	db, err := h.open(ctx)
	if err != nil {
		return "", err
	}
	runs, err := db.Runs(ctx, h.repo)
	for _, r := range runs {
		fn(r)
	}
	return "database " + h.repo, err
}

// eachBranchRun opens the history branch and calls fn with each of its
// runs, one at a time, warning about the files it skipped; it stops when
// ctx is done.
func eachBranchRun(ctx context.Context, c *flow.Config, repo *gitref.Repo, branch string, fn func(*history.Run)) (*history.Store, error) {
	st := history.Open(repo.Repository(), branch)
	err := st.Each(func(r *history.Run) error {
		fn(r)
		return ctx.Err()
	})
	for _, w := range st.Skipped {
		fmt.Fprintln(c.Stderr, "warning: "+w)
	}
	return st, err
}

// saveFindings writes Trend's findings to the database, when there is
// one.
func (h *historyDB) saveFindings(ctx context.Context, findings []history.Finding) error {
	if h.url == "" {
		return nil
	}
	db, err := h.open(ctx)
	if err != nil {
		return err
	}
	return db.SaveFindings(ctx, h.repo, findings, time.Now().UTC())
}

// repositoryName is the repository's key in the database: Repository,
// else the module path of Dir.
func repositoryName(c *flow.Config, opts Options) string {
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
