package database

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/pgtest"
)

// BenchmarkExport exports 1,000 runs of 100 metrics (6 samples each) into
// a local PostgreSQL, each op into a repository of its own; it reports
// the seconds per export and what re-exporting the same history costs.
//
//	go test -run '^$' -bench Export -benchtime 3x ./internal/database
func BenchmarkExport(b *testing.B) {
	srv := pgtest.Start(b)
	db, err := Open(context.Background(), srv.DefaultURL())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var runs []*history.Run
	for i := range 1000 {
		r := &history.Run{Schema: history.Schema, Commit: fmt.Sprintf("%040x", i), ID: fmt.Sprint(i), Date: start.Add(time.Duration(i) * time.Hour), Recorded: start.Add(time.Duration(i) * time.Hour),
			Machine: history.Machine{GOOS: "linux", GOARCH: "amd64", CPU: "x", Go: "go1.26.0"}, Count: 6}
		for m := range 100 {
			r.Metrics = append(r.Metrics, history.Metric{Pkg: "example.com/m/p", Benchmark: fmt.Sprintf("BenchmarkM%03d-2", m), Unit: "sec/op", Samples: []float64{1, 2, 3, 4, 5, float64(i)}})
		}
		runs = append(runs, r)
	}
	ctx := context.Background()
	var again time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		repo := fmt.Sprintf("acme/r%d", i)
		if n, err := db.Export(ctx, repo, runs, nil); err != nil || n != 1000 {
			b.Fatalf("export: %d, %v", n, err)
		}
		b.StopTimer()
		t0 := time.Now()
		if n, err := db.Export(ctx, repo, runs, nil); err != nil || n != 0 {
			b.Fatalf("re-export: %d, %v", n, err)
		}
		again += time.Since(t0)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N), "s/export")
	b.ReportMetric(again.Seconds()/float64(b.N), "s/re-export")
}
