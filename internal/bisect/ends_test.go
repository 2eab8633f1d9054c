package bisect

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/verdict"
)

func TestFound(t *testing.T) {
	comparison := func(status string) string {
		return fmt.Sprintf(`{"schema": %d, "base": {"commit": "aaa"}, "current": {"commit": "bbb"}, "rows": [{"benchmark": "BenchmarkA/x-2", "unit": "sec/op", "status": %q}, {"benchmark": "BenchmarkB-2", "unit": "sec/op", "status": "ok"}]}`, verdict.Schema, status)
	}
	trend := `{"findings": [
		{"kind": "change point", "benchmark": "BenchmarkOld", "last_good": "c1", "first_bad": "c2", "worse": true},
		{"kind": "change point", "benchmark": "BenchmarkAcked", "last_good": "c3", "first_bad": "c4", "worse": true, "acknowledged": true},
		{"kind": "change point", "benchmark": "BenchmarkBetter", "last_good": "c5", "first_bad": "c6"},
		{"kind": "drift", "note": "", "benchmark": "BenchmarkDrift", "last_good": "c7", "first_bad": "c8", "worse": true}]}`
	tests := []struct {
		name, cmp, trend string
		want             Ends
		err              string
	}{
		{"a regression", comparison("regression"), trend, Ends{Good: "aaa", Bad: "bbb", Benchmarks: []string{"BenchmarkA/x"}, From: "the regression in"}, ""},
		{"no regression: the open change point", comparison("ok"), trend, Ends{Good: "c1", Bad: "c2", Benchmarks: []string{"BenchmarkOld"}, From: "the open change point in"}, ""},
		{"no comparison", "", trend, Ends{Good: "c1", Bad: "c2", Benchmarks: []string{"BenchmarkOld"}, From: "the open change point in"}, ""},
		{"nothing", comparison("ok"), `{"findings": []}`, Ends{}, "nothing to bisect"},
		{"an unreadable trend", "", `{"findings": [`, Ends{}, "reading"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cp, tp := filepath.Join(dir, "comparison.json"), filepath.Join(dir, "changepoints.json")
			for p, text := range map[string]string{cp: tt.cmp, tp: tt.trend} {
				if text != "" {
					if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			got, err := Found(cp, tp)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Good != tt.want.Good || got.Bad != tt.want.Bad || fmt.Sprint(got.Benchmarks) != fmt.Sprint(tt.want.Benchmarks) || !strings.HasPrefix(got.From, tt.want.From) {
				t.Errorf("Found = %+v, want %+v", got, tt.want)
			}
		})
	}
}
