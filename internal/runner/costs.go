package runner

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/benchgate/benchgate/internal/atomicfile"
)

// CostsFile is the file, in the binaries' directory, that remembers what
// each benchmark of each test binary cost per op.
const CostsFile = "costs.json"

// A cost is one benchmark's measured ns/op and B/op.
type cost struct {
	Name string  `json:"name"`
	NS   float64 `json:"ns_per_op"`
	// Bytes is the B/op (0 when the run did not say).
	Bytes float64 `json:"b_per_op,omitempty"`
	// Untimed is the wall time per op the benchmark spent with its timer
	// stopped inside its loop, in ns (0 when none or not known).
	Untimed float64 `json:"untimed_ns_per_op,omitempty"`
}

// costCache remembers, per test binary (its Go build ID, so a binary
// linked again from changed code is a new entry) and -test.bench pattern,
// what its pilot measured: the benchmarks it ran and what each cost per
// op. The pilot of an unchanged binary is then skipped and its iteration
// counts are the ones the last run used. (Not refreshed from the rounds:
// their longer runs cost more per op than the pilot's, about 1.45x on
// this repository's suites, so counts taken from them would shorten every
// run from one run to the next.) Machine-specific: it lives with the
// binaries.
type costCache struct {
	path    string
	Entries map[string][]cost `json:"entries"`
	changed bool
}

// loadCosts reads the cache at path; a missing or unreadable one is empty.
func loadCosts(path string) *costCache {
	c := &costCache{path: path}
	if b, err := os.ReadFile(path); err == nil {
		json.Unmarshal(b, c)
	}
	if c.Entries == nil {
		c.Entries = map[string][]cost{}
	}
	return c
}

// costKey is the cache key of bin run with -test.bench=bench: the
// binary's place (side and file name), its Go build ID, the CPUs and the
// pattern; "" when the binary has no Go build ID.
func costKey(bin, bench string) string {
	id := buildID(bin)
	if id == "" {
		return ""
	}
	// "l": entries kept before B/op and the untimed time were, and
	// before a pilot checked the names it read against the binary's list
	// (a forged name could be kept as a benchmark), are measured again.
	return fmt.Sprintf("%s|%s|%d|l|%s", binPlace(bin), id, runtime.NumCPU(), bench)
}

func binPlace(bin string) string {
	return filepath.Base(filepath.Dir(bin)) + "/" + filepath.Base(bin)
}

func (c *costCache) get(key string) ([]cost, bool) {
	e, ok := c.Entries[key]
	for _, x := range e {
		if !(x.NS > 0 && x.NS < 1e15) || x.Name == "" || x.Bytes < 0 || !(x.Untimed >= 0 && x.Untimed < 1e15) { // NaN, negative, absurd: a damaged file
			return nil, false
		}
	}
	return e, ok && key != "" && len(e) > 0
}

// earlier returns the costs an earlier build of the binary keyed so left
// (the same place, CPUs and pattern, another build ID): a guess of what
// its benchmarks cost now.
func (c *costCache) earlier(key string) []cost {
	place, rest, ok := strings.Cut(key, "|")
	_, rest, ok2 := strings.Cut(rest, "|")
	if !ok || !ok2 {
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(c.Entries)) {
		kp, kr, _ := strings.Cut(k, "|")
		_, kr, _ = strings.Cut(kr, "|")
		if kp == place && kr == rest && k != key {
			if e, ok := c.get(k); ok {
				return e
			}
		}
	}
	return nil
}

// put records the costs of a whole pilot run.
func (c *costCache) put(key string, costs []cost) {
	if key == "" || len(costs) == 0 {
		return
	}
	c.Entries[key] = costs
	c.changed = true
}

// save writes the cache if it changed. The keys of this run's binaries
// replace every other entry of the same binary (built from other code, or
// run with another pattern); other binaries' entries stay.
func (c *costCache) save(keep map[string]bool) error {
	c.changed = prune(c.Entries, keep, "") || c.changed
	return saveIf(c.changed, c.path, c)
}

// prune deletes the entries (keyed "place|...") of the places that keep
// names and that keep lacks, and those whose key starts with drop (when
// not ""); it reports whether it deleted any.
func prune[V any](entries map[string]V, keep map[string]bool, drop string) bool {
	places := map[string]bool{}
	for k := range keep {
		place, _, _ := strings.Cut(k, "|")
		places[place] = true
	}
	deleted := false
	for k := range entries {
		if place, _, _ := strings.Cut(k, "|"); drop != "" && strings.HasPrefix(k, drop) || places[place] && !keep[k] {
			delete(entries, k)
			deleted = true
		}
	}
	return deleted
}

// saveIf writes v as JSON to path when it changed and there is a path.
func saveIf(changed bool, path string, v any) error {
	if !changed || path == "" {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(path, b)
}

// buildID reads the Go build ID of an executable, as cmd/go does: in an
// ELF binary from its .note.go.buildid note, otherwise after the
// "\xff Go build ID: \"" marker in the first 32 KiB. "" when there is none.
func buildID(bin string) string {
	if f, err := elf.Open(bin); err == nil {
		defer f.Close()
		if sec := f.Section(".note.go.buildid"); sec != nil {
			if b, err := sec.Data(); err == nil && len(b) >= 16 {
				namesz, descsz := binary.LittleEndian.Uint32(b[0:]), binary.LittleEndian.Uint32(b[4:])
				off := 12 + (int(namesz)+3)&^3
				if string(b[12:12+min(int(namesz), 2)]) == "Go" && off+int(descsz) <= len(b) {
					return string(b[off : off+int(descsz)])
				}
			}
		}
		return ""
	}
	f, err := os.Open(bin)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 32<<10)
	n, _ := io.ReadFull(f, buf)
	buf = buf[:n]
	marker := []byte("\xff Go build ID: \"")
	i := bytes.Index(buf, marker)
	if i < 0 {
		return ""
	}
	rest := buf[i+len(marker):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}
