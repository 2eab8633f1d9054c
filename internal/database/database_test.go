package database

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/pgtest"
)

// synthetic is a history of n runs of three metrics: BenchmarkAppend
// sec/op steps up 30% at run step, its B/op is always 0, and an A/B run's
// change on every other run.
func synthetic(n, step int) []*history.Run {
	start := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	var runs []*history.Run
	for i := range n {
		level := 1000.0
		if i >= step {
			level = 1300
		}
		r := &history.Run{Schema: history.Schema, Commit: fmt.Sprintf("%040x", i+1), Parent: fmt.Sprintf("%040x", i), ID: fmt.Sprint(9000 + i),
			Date: start.Add(time.Duration(i) * time.Hour), Recorded: start.Add(time.Duration(i)*time.Hour + time.Minute),
			Machine: history.Machine{GOOS: "linux", GOARCH: "amd64", CPU: "Oxide Virtual", Go: "go1.26.0"}, Time: "100ms", Count: 6}
		var samples []float64
		for s := range 6 {
			samples = append(samples, level*(1+0.001*float64((i+s)%5)))
		}
		r.Metrics = []history.Metric{
			{Pkg: "example.com/m/log", Benchmark: "BenchmarkAppend-2", Unit: "B/op", Samples: []float64{0, 0, 0, 0, 0, 0}},
			{Pkg: "example.com/m/log", Benchmark: "BenchmarkAppend-2", Unit: "sec/op", Samples: samples},
			{Pkg: "example.com/m/log", Benchmark: "BenchmarkRead-2", Unit: "sec/op", Samples: []float64{5, 5.1, 5, 5.2, 5, 5.1}},
		}
		if i%2 == 1 {
			r.Metrics[1].Versus = &history.Versus{Base: fmt.Sprintf("%040x", i), DeltaPct: 1.5, LoPct: -0.5, HiPct: 3.25}
		}
		runs = append(runs, r)
	}
	return runs
}

func open(t *testing.T, url string) *DB {
	t.Helper()
	db, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestExportRoundTrip: the runs read back are the runs written; a second
// export writes nothing; a second repository with the same commits sits
// beside the first without touching it.
func TestExportRoundTrip(t *testing.T) {
	srv := pgtest.Start(t)
	db := open(t, srv.DefaultURL())
	ctx := context.Background()
	runs := synthetic(30, 20)
	n, err := db.Export(ctx, "acme/streamer", runs, nil)
	if err != nil || n != 30 {
		t.Fatalf("export: %d, %v; want 30 runs", n, err)
	}
	if n, err := db.Export(ctx, "acme/streamer", runs, nil); err != nil || n != 0 {
		t.Fatalf("re-export: %d, %v; want nothing written", n, err)
	}
	got, err := db.Runs(ctx, "acme/streamer")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, runs) {
		t.Errorf("read back differs:\n got %+v\nwant %+v", got[0], runs[0])
	}
	other := synthetic(10, 100)
	if n, err := db.Export(ctx, "acme/other", other, nil); err != nil || n != 10 {
		t.Fatalf("second repository: %d, %v; want its 10 runs", n, err)
	}
	if got, _ := db.Runs(ctx, "acme/streamer"); len(got) != 30 {
		t.Errorf("the first repository has %d runs after the second's export, want 30", len(got))
	}
	if got, _ := db.Runs(ctx, "acme/other"); len(got) != 10 {
		t.Errorf("the second repository has %d runs, want 10", len(got))
	}
	if out := srv.SQL(t, `SELECT count(*), sum(cardinality(samples)) FROM metrics`); out != "120|720" {
		t.Errorf("metrics rows|samples = %s, want 120|720", out)
	}
	if out := srv.SQL(t, `SELECT delta_pct, lo_pct, hi_pct, base FROM metrics m JOIN runs r ON r.id = m.run_id JOIN repositories p ON p.id = r.repository_id WHERE p.name = 'acme/streamer' AND r.run_key = '9001' AND m.unit = 'sec/op' AND m.benchmark = 'BenchmarkAppend-2'`); out != "1.5|-0.5|3.25|"+fmt.Sprintf("%040x", 1) {
		t.Errorf("the A/B change: %s", out)
	}
}

// TestInterruptedExportLeavesNoPartialRun: a run that fails midway
// (its metrics' COPY) is not there at all, the runs before it are whole,
// and Ctrl-C after some runs leaves only whole runs; a second export
// completes the rest.
func TestInterruptedExportLeavesNoPartialRun(t *testing.T) {
	srv := pgtest.Start(t)
	db := open(t, srv.DefaultURL())
	ctx := context.Background()
	runs := synthetic(12, 6)
	bad := *runs[4]
	bad.Metrics = append(append([]history.Metric(nil), bad.Metrics...), bad.Metrics[0]) // a duplicate key: COPY fails
	broken := append(append(append([]*history.Run(nil), runs[:4]...), &bad), runs[5:]...)
	n, err := db.Export(ctx, "acme/streamer", broken, nil)
	if err == nil || n != 4 || !strings.Contains(err.Error(), "run again to resume") {
		t.Fatalf("export with a broken run: %d, %v; want 4 written and an error", n, err)
	}
	if out := srv.SQL(t, `SELECT count(*) FROM runs`); out != "4" {
		t.Errorf("%s runs after the failure, want 4 (no part of the broken one)", out)
	}
	if out := srv.SQL(t, `SELECT count(*) FROM metrics`); out != "12" {
		t.Errorf("%s metrics after the failure, want 12: only whole runs", out)
	}
	cctx, cancel := context.WithCancel(ctx)
	n, err = db.Export(cctx, "acme/streamer", runs, func(done, total int) {
		if done == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || n != 3 {
		t.Fatalf("cancelled export: %d, %v; want 3 and context.Canceled", n, err)
	}
	db = open(t, srv.DefaultURL()) // a cancelled query closes pgx's connection
	if out := srv.SQL(t, `SELECT count(*), (SELECT count(*) FROM metrics) FROM runs`); out != "7|21" {
		t.Errorf("runs|metrics after Ctrl-C = %s, want 7|21", out)
	}
	if n, err := db.Export(ctx, "acme/streamer", runs, nil); err != nil || n != 5 {
		t.Fatalf("resumed export: %d, %v; want the 5 left", n, err)
	}
}

// TestOpenErrors: a bad URL, an unreachable server, a wrong password and
// a schema from a newer benchgate are each a clear error, the password
// never shown.
func TestOpenErrors(t *testing.T) {
	srv := pgtest.Start(t)
	open(t, srv.DefaultURL()) // creates the schema
	newer := pgtest.Start(t)
	open(t, newer.DefaultURL())
	newer.SQL(t, `UPDATE benchgate_schema SET version = 99`)
	tests := []struct{ name, url, want string }{
		{"bad URL", "postgres://a b@:x/", "not a PostgreSQL URL"},
		{"not a URL", "mysql://root@localhost/db", "not a PostgreSQL URL"},
		{"unreachable", fmt.Sprintf("postgres://benchgate:pw@127.0.0.1:%d/benchgate?connect_timeout=5", freePort(t)), "cannot be reached"},
		{"wrong password", srv.URL(srv.User, "not-the-password"), `wrong password for user "benchgate"`},
		{"no database", strings.Replace(srv.DefaultURL(), "/benchgate?", "/nosuchdb?", 1), "the database does not exist"},
		{"newer schema", newer.DefaultURL(), "version 99, this benchgate writes version 1: update benchgate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(context.Background(), tt.url)
			if err == nil {
				db.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "not-the-password") || strings.Contains(err.Error(), srv.Password) {
				t.Errorf("the error shows a password: %v", err)
			}
		})
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestUnencodedPasswordNeverShown: a password written into the URL
// without percent-encoding, holding any of @:/?#%&$, shows no piece of
// itself in Open's error, whether the URL parses or not.
func TestUnencodedPasswordNeverShown(t *testing.T) {
	for _, c := range "@:/?#%&$" {
		pw := "qx7" + string(c) + "zk4" + string(c) + "wv2"
		url := fmt.Sprintf("postgres://u:%s@127.0.0.1:%d/db?connect_timeout=2", pw, freePort(t))
		_, err := Open(context.Background(), url)
		if err == nil {
			t.Fatalf("%q: no error", c)
		}
		for _, piece := range []string{"qx7", "zk4", "wv2"} {
			if strings.Contains(err.Error(), piece) {
				t.Errorf("%q: the error shows %q of the password: %v", c, piece, err)
			}
		}
	}
}
