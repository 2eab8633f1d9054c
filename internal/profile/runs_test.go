package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffRuns: two CPU runs per side are merged into one file per side,
// the raw files go, the slower function leads the diff, and the command
// opens the merged files.
func TestDiffRuns(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, hash int64) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		prof := build([]string{"samples/count", "cpu/nanoseconds"}, map[string][]int64{
			"main.main;work.Run;work.Hash": {hash, hash * 1e6},
			"main.main;work.Run;work.Copy": {10, 10e6},
		})
		if err := prof.Write(f); err != nil {
			t.Fatal(err)
		}
		return p
	}
	r := Runs{Pkg: "example.com/m/work", Benchmark: "BenchmarkRun", Dir: dir, Ops: 100, Files: map[string][]string{
		"base.cpu":    {write("b1", 10), write("b2", 10)},
		"current.cpu": {write("c1", 40), write("c2", 40)},
	}}
	d, err := DiffRuns(r, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.CPUFlat) == 0 || d.CPUFlat[0].Function != "work.Hash" {
		t.Errorf("flat diff %+v, want work.Hash first", d.CPUFlat)
	}
	for _, raw := range []string{"b1", "b2", "c1", "c2"} {
		if _, err := os.Stat(filepath.Join(dir, raw)); err == nil {
			t.Errorf("raw profile %s was kept", raw)
		}
	}
	want := "-diff_base " + filepath.Join(dir, "base.cpu.pb.gz") + " " + filepath.Join(dir, "current.cpu.pb.gz")
	if len(d.Commands) != 1 || !strings.Contains(d.Commands[0], want) || d.Memory != nil {
		t.Errorf("commands %v (want one with %q), memory %v", d.Commands, want, d.Memory)
	}
}

func TestDiffAll(t *testing.T) {
	if d, err := DiffAll(nil, 5); err != nil || len(d) != 0 {
		t.Errorf("DiffAll(nil) = %v, %v", d, err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "b1")
	if err := os.WriteFile(bad, []byte("not a profile"), 0o644); err != nil {
		t.Fatal(err)
	}
	runs := []Runs{{Benchmark: "BenchmarkOK", Dir: dir}, {Benchmark: "BenchmarkBroken", Dir: dir, Files: map[string][]string{"base.cpu": {bad}}}}
	if _, err := DiffAll(runs, 5); err == nil || !strings.Contains(err.Error(), "BenchmarkBroken") {
		t.Errorf("a broken profile: %v, want an error naming its benchmark", err)
	}
	d, err := DiffAll(runs[:1], 5)
	if err != nil || len(d) != 1 || d[0].Benchmark != "BenchmarkOK" {
		t.Errorf("DiffAll = %+v, %v; want one diff of BenchmarkOK", d, err)
	}
}
