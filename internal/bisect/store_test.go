package bisect

import (
	"os"
	"path/filepath"
	"testing"
)

func TestStore(t *testing.T) {
	dir := t.TempDir()
	s := Store{Dir: dir, Key: "k1"}
	m := Measurement{Rounds: 6, Levels: []Level{{Benchmark: "BenchmarkA", Unit: "sec/op"}}}
	if _, ok := s.Reuse("c1", 0); ok {
		t.Fatal("a step never measured is reused")
	}
	d, n, err := s.Begin("c1", 0)
	if err != nil || n != 0 || d != filepath.Join(dir, "c1") {
		t.Fatalf("Begin = %s, %d, %v", d, n, err)
	}
	if err := os.WriteFile(filepath.Join(d, "commit.txt"), []byte("round 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Save("c1", 0, m); err != nil {
		t.Fatal(err)
	}
	got, ok := s.Reuse("c1", 0)
	if !ok || !got.Reused || got.Rounds != 6 || len(got.Levels) != 1 {
		t.Fatalf("Reuse after Save = %+v, %v", got, ok)
	}
	if _, ok := s.Reuse("c1", 1); ok {
		t.Error("a step measured once is reused for its second measurement")
	}
	if _, ok := (Store{Dir: dir, Key: "k2"}).Reuse("c1", 0); ok {
		t.Error("a step measured with other settings is reused")
	}
	// The second measurement pools with the first: the folder stays.
	if _, n, err := s.Begin("c1", 1); err != nil || n != 1 {
		t.Fatalf("Begin(again 1) = %d, %v", n, err)
	}
	if _, err := os.Stat(filepath.Join(d, "commit.txt")); err != nil {
		t.Errorf("the first measurement's results are gone: %v", err)
	}
	// A third measurement without the second one saved, or other
	// settings: measured from nothing.
	for _, st := range []Store{s, {Dir: dir, Key: "k2"}} {
		if _, n, err := st.Begin("c1", 2); err != nil || n != 0 {
			t.Errorf("Begin(again 2) with key %s = %d, %v; want 0", st.Key, n, err)
		}
		if _, err := os.Stat(filepath.Join(d, "commit.txt")); err == nil {
			t.Errorf("key %s: results that cannot be pooled were kept", st.Key)
		}
	}
}

func TestPool(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "new"), filepath.Join(dir, "all")
	for i, text := range []string{"a\n", "b\n"} {
		if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := Pool(src, dst); err != nil {
			t.Fatalf("pool %d: %v", i, err)
		}
		if _, err := os.Stat(src); err == nil {
			t.Errorf("pool %d: the new file is still there", i)
		}
	}
	if err := Pool(src, dst); err != nil {
		t.Errorf("pooling nothing: %v", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "a\nb\n" {
		t.Errorf("pooled %q, want both", b)
	}
}

// TestAgree: a stored step agrees with one judged again from its samples
// only when it says the same of every metric.
func TestAgree(t *testing.T) {
	m := Measurement{Rounds: 6, Levels: []Level{{Pkg: "p", Benchmark: "BenchmarkA", Unit: "sec/op", DeltaPct: 31.5, Regressed: true}, {Pkg: "p", Benchmark: "BenchmarkB", Unit: "sec/op", DeltaPct: -0.4}}}
	edit := func(f func(*Measurement)) Measurement {
		c := m
		c.Levels = append([]Level(nil), m.Levels...)
		f(&c)
		return c
	}
	for name, tt := range map[string]struct {
		other Measurement
		want  bool
	}{
		"the same":             {edit(func(*Measurement) {}), true},
		"a change edited":      {edit(func(c *Measurement) { c.Levels[0].DeltaPct = 0 }), false},
		"a verdict edited":     {edit(func(c *Measurement) { c.Levels[0].Regressed = false }), false},
		"a metric dropped":     {edit(func(c *Measurement) { c.Levels = c.Levels[:1] }), false},
		"rounds edited":        {edit(func(c *Measurement) { c.Rounds = 12 }), false},
		"a skip added":         {edit(func(c *Measurement) { c.Skip = "does not build" }), false},
		"metrics in new order": {edit(func(c *Measurement) { c.Levels[0], c.Levels[1] = c.Levels[1], c.Levels[0] }), true},
	} {
		if got := Agree(tt.other, m); got != tt.want {
			t.Errorf("%s: Agree = %v, want %v", name, got, tt.want)
		}
	}
}
