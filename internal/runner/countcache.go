package runner

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/benchgate/benchgate/internal/counter"
)

// CountsFile is the file, in the binaries' directory, that keeps the
// instruction counts of unchanged test binaries from run to run.
const CountsFile = "counts.json"

// A counted is what one counted run gave: its iteration count, its
// instructions and, for a long run, the result line's fields and the
// config lines.
type counted struct {
	N            int64    `json:"n"`
	Instructions uint64   `json:"instructions"`
	Fields       []string `json:"fields,omitempty"`
	Config       []string `json:"config,omitempty"`
	// CacheCounts are the run's estimated cycles and misses, when the
	// counter simulates the cache.
	counter.CacheCounts
	// Setup is, for a run counted with the marks, the wall time of the
	// benchmark's setup before its first ResetTimer (of its first run
	// when it has none, Again), not instrumented (counter.SetupsEnv).
	Setup time.Duration `json:"setup_ns,omitempty"`
	Again bool          `json:"again,omitempty"`
	// Sum is a digest of the entry and the key it is kept under: an
	// entry edited, truncated or moved to another key no longer matches
	// it and is counted again.
	Sum string `json:"sum,omitempty"`
}

// sum is the digest of e kept under key.
func (e *counted) sum(key string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%q\x00%d\x00%d\x00%d\x00%d\x00%d\x00%q\x00%q\x00%d\x00%t", key, e.N, e.Instructions, e.Cycles, e.L1Misses, e.LLMisses, e.Fields, e.Config, e.Setup, e.Again)
	return fmt.Sprintf("%x", h.Sum(nil)[:16])
}

// countCache keeps counted runs from run to run. A count depends on the
// program and its data, not on the machine's load: a binary with the same
// place (side and file name) and Go build ID, run in a package directory
// with the same files (testdata included), by the same counter on the
// same CPU, with the same pattern, counts what it counted before. Its
// short run is kept, and each of the main rounds' long runs under its
// round's number, so that the samples keep their spread; confirmation
// rounds are always counted afresh. A long run is reused whatever
// iteration count this run chose (the pilot's shared count moves when the
// other side changes): its instructions per op, the difference over its
// own count, do not depend on it. Machine-specific:
// it lives with the binaries.
type countCache struct {
	path     string
	mu       sync.Mutex
	Entries  map[string]*counted `json:"entries"`
	counter  string              // the counter and its version (counterID)
	used     map[string]bool     // the entries this run used or counted
	loaded   map[string]bool     // the entries an earlier run counted
	keys     map[string]string   // binary and directory -> their key prefix
	changed  bool
	counts   int // the runs this run counted
	tampered int // the entries whose digest did not match: counted again
}

// noKeep starts the keys of counts that are kept for one run only (a
// binary without a build ID): save skips them.
const noKeep = "\x00"

// loadCounts reads the cache at path; a missing or unreadable one is
// empty.
func loadCounts(path string) *countCache {
	c := &countCache{path: path, used: map[string]bool{}, loaded: map[string]bool{}, keys: map[string]string{}}
	if b, err := os.ReadFile(path); err == nil {
		json.Unmarshal(b, c)
	}
	if c.Entries == nil {
		c.Entries = map[string]*counted{}
	}
	for k := range c.Entries {
		c.loaded[k] = true
	}
	return c
}

// prefix is the key of what a count of bin in dir depends on besides the
// pattern; "" when it cannot be known (no build ID, an unreadable
// directory): such counts are not kept.
func (c *countCache) prefix(bin, dir string, ignore []string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := bin + "\x00" + dir
	if p, ok := c.keys[k]; ok {
		return p
	}
	p := ""
	if id := buildID(bin); id != "" {
		if digest, err := dirDigest(dir, ignore); err == nil {
			// The runtime's settings change what a program does; the
			// counter's version how it counts.
			parts := []string{id, digest, c.counter, counter.Method, runtime.GOARCH, cpuModel()}
			for _, v := range []string{"GOGC", "GOMEMLIMIT", "GODEBUG"} {
				parts = append(parts, v+"="+os.Getenv(v))
			}
			sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
			p = fmt.Sprintf("%s|%x", binPlace(bin), sum[:12])
		}
	}
	c.keys[k] = p
	return p
}

// get returns the counted run kept under key.
func (c *countCache) get(key string) (*counted, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.Entries[key]
	if !ok || e == nil || e.Instructions == 0 || e.N < 2 {
		return nil, false
	}
	if e.Sum != e.sum(key) {
		// Not what this cache wrote under key: count it again.
		c.tampered++
		delete(c.Entries, key)
		return nil, false
	}
	c.used[key] = true
	return e, true
}

// put keeps a counted run under key.
func (c *countCache) put(key string, e *counted) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.Sum = e.sum(key)
	c.Entries[key] = e
	c.used[key] = true
	delete(c.loaded, key)
	c.counts++
	c.changed = c.changed || !strings.HasPrefix(key, noKeep)
}

// save writes the cache if it changed. The entries of this run's
// binaries that the run did not use (built from other code, other
// patterns or counts) go; other binaries' entries stay.
func (c *countCache) save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.changed = prune(c.Entries, c.used, noKeep) || c.changed
	return saveIf(c.changed, c.path, c)
}

// cpuModel names the CPU and its features (a program may take other
// paths on other CPUs), from /proc/cpuinfo; "" where there is none.
var cpuModel = sync.OnceValue(func() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	var model, flags string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() && (model == "" || flags == "") {
		k, v, ok := strings.Cut(sc.Text(), ":")
		switch k = strings.TrimSpace(k); {
		case !ok:
		case k == "model name" && model == "":
			model = strings.TrimSpace(v)
		case k == "flags" && flags == "":
			flags = strings.TrimSpace(v)
		}
	}
	return model + " " + flags
})

// noteCounts saves the counts for the next run and says how many this
// run reused.
func (p *Plan) noteCounts(prog Progress) {
	c := p.countCache
	reused := 0
	for k := range c.used {
		if c.loaded[k] {
			reused++
		}
	}
	if reused > 0 {
		prog.Note(fmt.Sprintf("instruction counts: %d counted runs reused from earlier runs of unchanged binaries, %d counted (delete %s to count everything again)", reused, c.counts, c.path))
	}
	if c.tampered > 0 {
		prog.Note(fmt.Sprintf("warning: %d kept instruction counts in %s did not match their digest (edited, truncated or moved): they were counted again", c.tampered, c.path))
	}
	if err := c.save(); err != nil {
		prog.Note(fmt.Sprintf("note: the instruction counts were not saved for the next run: %v", err))
	}
}
