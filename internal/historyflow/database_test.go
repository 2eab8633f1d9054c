package historyflow_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/flowtest"
	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/historyflow"
	"github.com/benchgate/benchgate/internal/pgtest"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/testrepo"
)

// historyOf commits n commits and stores a synthetic run of each on the
// history branch: BenchmarkAppend sec/op 40% slower from commit step on.
func historyOf(t *testing.T, n, step int) (*testrepo.Repo, []string) {
	r := testrepo.New(t)
	var commits []string
	for i := range n {
		commits = append(commits, r.Commit(fmt.Sprintf("commit %d", i), map[string]string{"go.mod": "module example.com/streamer/v2\n\ngo 1.21\n", "n.txt": fmt.Sprint(i)}))
	}
	repo, err := gitref.Open(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	st := history.Open(repo.Repository(), history.DefaultBranch)
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i, c := range commits {
		level := 1e-6
		if i >= step {
			level = 1.4e-6
		}
		var s []float64
		for k := range 6 {
			s = append(s, level*(1+0.002*float64((i*7+k)%5)))
		}
		run := &history.Run{Schema: history.Schema, Commit: c, ID: fmt.Sprint(100 + i), Date: start.Add(time.Duration(i) * time.Hour), Recorded: start.Add(time.Duration(i)*time.Hour + time.Minute),
			Machine: history.Machine{GOOS: "linux", GOARCH: "amd64", CPU: "test", Go: "go1.26.0"}, Count: 6,
			Metrics: []history.Metric{{Pkg: "example.com/streamer/v2/log", Benchmark: "BenchmarkAppend-2", Unit: "sec/op", Samples: s},
				{Pkg: "example.com/streamer/v2/log", Benchmark: "BenchmarkAppend-2", Unit: "B/op", Samples: []float64{0, 0, 0, 0, 0, 0}}}}
		if _, err := st.Append(run); err != nil {
			t.Fatal(err)
		}
	}
	return r, commits
}

// TestHistoryInDatabase: bench:export writes the branch's runs (again:
// nothing), bench:trend from the database finds what it finds from the
// branch and stores its findings there, and bad databases are exit 2
// with the branch untouched.
func TestHistoryInDatabase(t *testing.T) {
	srv := pgtest.Start(t)
	r, commits := historyOf(t, 24, 16)
	cfg, _ := flowtest.Config(t, r.Dir)
	opts := historyflow.DefaultOptions
	opts.DatabaseURL = srv.DefaultURL()
	ctx := context.Background()
	for _, want := range []string{"exported 24 runs of example.com/streamer/v2", "exported 0 runs of example.com/streamer/v2 from benchgate-history (24 already there)"} {
		cfg.Stderr = &flowtest.LockedBuffer{}
		if err := historyflow.Export(ctx, cfg, opts); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(fmt.Sprint(cfg.Stderr), want) {
			t.Errorf("export says %q, want %q", cfg.Stderr, want)
		}
	}

	trend := func(fromDB bool) report.Trend {
		t.Helper()
		o := opts
		o.FromDatabase = fromDB
		err := historyflow.Trend(ctx, cfg, o)
		if exit.Code(err) != 1 {
			t.Fatalf("trend (database %v): %v, want the worsening (exit 1)", fromDB, err)
		}
		tr := readTrend(t, cfg)
		tr.Generated, tr.Branch = time.Time{}, ""
		return tr
	}
	branch, db := trend(false), trend(true)
	if a, b := fmt.Sprintf("%+v", branch.Findings), fmt.Sprintf("%+v", db.Findings); a != b || len(branch.Findings) == 0 {
		t.Errorf("findings differ, or none:\nbranch:   %s\ndatabase: %s", a, b)
	}
	if a, b := jsonOf(t, branch.Series), jsonOf(t, db.Series); a != b {
		t.Errorf("series differ:\nbranch:   %s\ndatabase: %s", a, b)
	}
	if got := srv.SQL(t, `SELECT kind, benchmark, unit, first_bad, worse, acknowledged FROM findings`); got != "change point|BenchmarkAppend-2|sec/op|"+commits[16]+"|t|f" {
		t.Errorf("findings in the database:\n%s", got)
	}

	before := r.Git("rev-parse", history.DefaultBranch)
	for _, tt := range []struct{ name, url, want string }{
		{"bad URL", "postgres://x y@/", "not a PostgreSQL URL"},
		{"wrong password", srv.URL(srv.User, "wrong"), "wrong password"},
	} {
		o := opts
		o.DatabaseURL = tt.url
		for name, run := range map[string]func() error{
			"export": func() error { return historyflow.Export(ctx, cfg, o) },
			"trend":  func() error { o.FromDatabase = true; return historyflow.Trend(ctx, cfg, o) },
		} {
			if err := run(); exit.Code(err) != 2 || !strings.Contains(fmt.Sprint(err), tt.want) {
				t.Errorf("%s with %s: %v (exit %d), want exit 2 saying %q", name, tt.name, err, exit.Code(err), tt.want)
			}
		}
	}
	if after := r.Git("rev-parse", history.DefaultBranch); after != before {
		t.Errorf("the history branch moved from %s to %s", before, after)
	}
}

func readTrend(t *testing.T, cfg flow.Config) report.Trend {
	t.Helper()
	var tr report.Trend
	b, err := os.ReadFile(filepath.Join(cfg.ResultsDir, flow.ChangePointsFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := jsonUnmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	return tr
}

func jsonOf(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// TestRecordWritesTheDatabase: with BENCH_DATABASE_URL, bench:record
// stores the run on the branch and in the database; an export afterwards
// finds nothing to add.
func TestRecordWritesTheDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	srv := pgtest.Start(t)
	r := testrepo.New(t)
	head := r.Commit("first", flowtest.Module(1000, false))
	cfg, _ := flowtest.Config(t, r.Dir)
	cfg.Run.Count, cfg.Run.Time = 2, "10ms"
	opts := historyflow.DefaultOptions
	opts.DatabaseURL, opts.Repository = srv.DefaultURL(), "acme/fixture"
	if err := historyflow.Record(context.Background(), cfg, opts); err != nil {
		t.Fatalf("record: %v\n%s", err, cfg.Stderr)
	}
	if got := srv.SQL(t, `SELECT p.name, r.commit, count(m.*) > 0 FROM runs r JOIN repositories p ON p.id = r.repository_id JOIN metrics m ON m.run_id = r.id GROUP BY 1, 2`); got != "acme/fixture|"+head+"|t" {
		t.Errorf("the database after bench:record: %q", got)
	}
	cfg.Stderr = &flowtest.LockedBuffer{}
	if err := historyflow.Export(context.Background(), cfg, opts); err != nil || !strings.Contains(fmt.Sprint(cfg.Stderr), "exported 0 runs") {
		t.Errorf("export after record: %v, %s", err, cfg.Stderr)
	}
}
