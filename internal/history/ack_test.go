package history

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/benchgate/benchgate/internal/changepoint"
)

// TestAcknowledge: an accepted worsening is marked and not open; an
// unaccepted worsening is open; an improvement is never open.
func TestAcknowledge(t *testing.T) {
	findings := []Finding{
		{Kind: changepoint.Step, Benchmark: "BenchmarkA", Unit: "sec/op", FirstBad: "aaaaaaaa11", Worse: true},
		{Kind: changepoint.Step, Benchmark: "BenchmarkB", Unit: "sec/op", FirstBad: "bbbbbbbb22", Worse: true},
		{Kind: changepoint.Step, Benchmark: "BenchmarkC", Unit: "sec/op", FirstBad: "cccccccc33"},
	}
	open := Acknowledge(findings, ParseAcks("# intended\naaaaaaaa BenchmarkA sec/op\n"))
	if !findings[0].Acknowledged || findings[1].Acknowledged || len(open) != 1 || open[0].Benchmark != "BenchmarkB" {
		t.Errorf("acknowledged %v %v %v, open %v", findings[0].Acknowledged, findings[1].Acknowledged, findings[2].Acknowledged, open)
	}
}

func TestReadAcks(t *testing.T) {
	dir := t.TempDir()
	if acks, err := ReadAcks(filepath.Join(dir, "none")); err != nil || acks != nil {
		t.Errorf("a missing file: %v, %v; want none and no error", acks, err)
	}
	p := filepath.Join(dir, "acks")
	os.WriteFile(p, []byte("abc1234 BenchmarkX B/op\n"), 0o644)
	if acks, err := ReadAcks(p); err != nil || len(acks) != 1 || acks[0].Benchmark != "BenchmarkX" {
		t.Errorf("ReadAcks = %v, %v", acks, err)
	}
	if _, err := ReadAcks(dir); err == nil {
		t.Error("a directory: no error")
	}
}
