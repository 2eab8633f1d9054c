package runner

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCountCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), CountsFile)
	c := loadCounts(path)
	c.put("base/a.test|k1|BenchmarkA|short", &counted{N: 2, Instructions: 100})
	c.put("base/a.test|k1|BenchmarkA|round=0", &counted{N: 10, Instructions: 900, Fields: []string{"BenchmarkA-2", "10"}})
	c.put("base/b.test|k2|BenchmarkB|short", &counted{N: 2, Instructions: 50})
	c.put(noKeep+"bin|BenchmarkC|short", &counted{N: 2, Instructions: 7})
	if err := c.save(); err != nil {
		t.Fatal(err)
	}

	// The next run uses a's long run only, and b not at all.
	c = loadCounts(path)
	if _, ok := c.get(noKeep + "bin|BenchmarkC|short"); ok {
		t.Error("a count kept for one run only came back from the file")
	}
	e, ok := c.get("base/a.test|k1|BenchmarkA|round=0")
	if !ok || e.Instructions != 900 || len(e.Fields) != 2 {
		t.Fatalf("a's long run: %+v, %v", e, ok)
	}
	if _, ok := c.get("base/a.test|k1|BenchmarkA|round=1"); ok {
		t.Error("another round's run was found")
	}
	if len(c.used) != 1 || !c.loaded["base/a.test|k1|BenchmarkA|round=0"] || c.counts != 0 {
		t.Errorf("used %v, counted %d; want a's long run reused and nothing counted", c.used, c.counts)
	}
	if err := c.save(); err != nil {
		t.Fatal(err)
	}
	c = loadCounts(path)
	if _, ok := c.get("base/a.test|k1|BenchmarkA|short"); ok {
		t.Error("a's short run, unused by the last run of a, was kept")
	}
	if _, ok := c.get("base/b.test|k2|BenchmarkB|short"); !ok {
		t.Error("b's count, another binary's, was dropped")
	}

	// A damaged file is an empty cache.
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := loadCounts(path); len(c.Entries) != 0 {
		t.Errorf("a damaged file gave %d entries", len(c.Entries))
	}
}

func TestCountCachePrefix(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "base", "x.test")
	os.MkdirAll(filepath.Dir(bin), 0o755)
	if err := os.WriteFile(bin, []byte("\xff Go build ID: \"abc/def\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(dir, "pkg")
	os.MkdirAll(filepath.Join(pkg, "testdata"), 0o755)
	os.WriteFile(filepath.Join(pkg, "testdata", "in.txt"), []byte("one"), 0o644)
	p1 := countsFor("cachegrind").prefix(bin, pkg, nil)
	if p1 == "" || p1[:len("base/x.test|")] != "base/x.test|" {
		t.Fatalf("prefix %q, want it to start with the binary's place", p1)
	}
	if p := countsFor("perf").prefix(bin, pkg, nil); p == p1 {
		t.Error("another counter has the same key")
	}
	gogc := os.Getenv("GOGC")
	t.Setenv("GOGC", "50")
	if p := countsFor("cachegrind").prefix(bin, pkg, nil); p == p1 {
		t.Error("another GOGC has the same key")
	}
	t.Setenv("GOGC", gogc)
	os.WriteFile(filepath.Join(pkg, "testdata", "in.txt"), []byte("two"), 0o644)
	if p := countsFor("cachegrind").prefix(bin, pkg, nil); p == p1 {
		t.Error("a changed testdata file has the same key")
	}
	os.WriteFile(bin, []byte("no build id"), 0o755)
	if p := countsFor("cachegrind").prefix(bin, pkg, nil); p != "" {
		t.Errorf("a binary without a build ID has key %q, want none", p)
	}
}

// countsFor is an empty cache for the named counter.
func countsFor(counter string) *countCache {
	c := loadCounts("")
	c.counter = counter
	return c
}

// TestCountCacheDigest: an entry edited by hand, truncated, or copied
// under another key (the base's counts given to the current side) does
// not match its digest and is counted again, never used.
func TestCountCacheDigest(t *testing.T) {
	path := filepath.Join(t.TempDir(), CountsFile)
	c := loadCounts(path)
	c.put("base/a.test|k1|BenchmarkA|round=0", &counted{N: 10, Instructions: 900})
	c.put("current/a.test|k2|BenchmarkA|round=0", &counted{N: 10, Instructions: 990})
	if err := c.save(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	for name, edit := range map[string]func(string) string{
		"a value edited": func(s string) string { return strings.Replace(s, `"instructions":990`, `"instructions":900`, 1) },
		"an entry moved": func(s string) string {
			var f struct{ Entries map[string]*counted }
			json.Unmarshal([]byte(s), &f)
			f.Entries["current/a.test|k2|BenchmarkA|round=0"] = f.Entries["base/a.test|k1|BenchmarkA|round=0"]
			out, _ := json.Marshal(f)
			return string(out)
		},
		"its digest dropped": func(s string) string { return regexp.MustCompile(`"sum":"[0-9a-f]+"`).ReplaceAllString(s, `"sum":""`) },
	} {
		t.Run(name, func(t *testing.T) {
			edited := edit(string(b))
			if edited == string(b) {
				t.Fatalf("the edit changed nothing:\n%s", b)
			}
			os.WriteFile(path, []byte(edited), 0o644)
			c := loadCounts(path)
			if e, ok := c.get("current/a.test|k2|BenchmarkA|round=0"); ok {
				t.Errorf("the edited entry was used: %+v", e)
			}
			if c.tampered != 1 {
				t.Errorf("%d entries seen tampered, want 1", c.tampered)
			}
		})
	}
	os.WriteFile(path, b, 0o644)
	if _, ok := loadCounts(path).get("current/a.test|k2|BenchmarkA|round=0"); !ok {
		t.Error("an entry as written is not used")
	}
}

// TestResultsDirLeftOut: the results directory, inside a module's root
// package directory, is left out of the package's digest, so a run's
// own outputs do not change the key of its counts.
func TestResultsDirLeftOut(t *testing.T) {
	pkg := t.TempDir()
	os.WriteFile(filepath.Join(pkg, "x_test.go"), []byte("package x\n"), 0o644)
	results := filepath.Join(pkg, "benchmark_results")
	os.MkdirAll(results, 0o755)
	before, _ := dirDigest(pkg, []string{results})
	os.WriteFile(filepath.Join(results, "current.txt"), []byte("BenchmarkX 1 1 ns/op\n"), 0o644)
	after, _ := dirDigest(pkg, []string{results})
	if before != after {
		t.Error("a file in the results directory changed the package's digest")
	}
	if with, _ := dirDigest(pkg, nil); with == after {
		t.Error("the results directory is left out without being named")
	}
}
