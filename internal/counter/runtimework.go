package counter

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// The runtime's time-driven memory work: instructions a count leaves out.
//
// An allocating benchmark's instruction count varied by ±3-4% from run to
// run of the same binary (make([]byte, 64<<10), 7 runs under callgrind),
// against ±0.05% for code that does not allocate. Attributed by function,
// nearly all of the variation is in the page allocator (runtime's
// mpagealloc.go: pageAlloc.find, update, mergeSummaries) and in sweeping
// (mgcsweep.go, mheap.reclaim): how much of the sweeping the allocating
// goroutine does itself, rather than the background sweeper, and so in
// which order pages come back and how long the allocator searches, is
// decided by the scheduler's clock, which a loaded machine moves. The
// marking itself (mgcmark*.go) varied by under 1%. Left out of the count,
// the same runs vary by ±0.85%.
//
// What this hides: a change that makes the page allocator or the sweeper
// work harder per op (more, or larger, allocations; a fragmenting
// pattern). Those show in B/op and allocs/op, which are gated beside the
// count, and in time.
var runtimeWorkFiles = map[string]bool{
	"mpagealloc.go":       true,
	"mpagealloc_64bit.go": true,
	"mpagecache.go":       true,
	"mpallocbits.go":      true,
	"mranges.go":          true,
	"mgcsweep.go":         true,
	"mgcscavenge.go":      true,
}

// runtimeWorkFuncs are the functions, in files with other work, that the
// count also leaves out.
var runtimeWorkFuncs = map[string]bool{
	"runtime.(*mheap).reclaim":      true,
	"runtime.(*mheap).reclaimChunk": true,
}

// Method names how counts are taken, for caches of counts: it changes
// when what a count includes does.
const Method = "without the runtime's page allocator and sweeper; GODEBUG=gcstoptheworld=1; from the first ResetTimer"

// runtimeWork sums, per event, the costs that a callgrind dump or a
// cachegrind output file puts in the runtime's time-driven memory work:
// code of runtimeWorkFiles (wherever it was inlined) and of
// runtimeWorkFuncs. A file of another toolchain's runtime is matched by
// its name under a runtime directory.
func runtimeWork(b []byte) (map[string]uint64, error) {
	var (
		events    []string
		positions = 1
		files     = map[string]string{} // callgrind's name compression
		funcs     = map[string]string{}
		fnFile    string
		file      string
		fn        string
		skipNext  bool
		inWork    bool // the cost lines that follow are the runtime's work
		out       = map[string]uint64{}
	)
	// name reads a possibly compressed name: "(id) name" defines id,
	// "(id)" refers to it, anything else is the name itself.
	name := func(table map[string]string, v string) string {
		if !strings.HasPrefix(v, "(") {
			return v
		}
		id, rest, ok := strings.Cut(v, ")")
		if !ok {
			return v
		}
		rest = strings.TrimSpace(rest)
		if rest != "" {
			table[id] = rest
			return rest
		}
		return table[id]
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		c := line[0]
		if c >= '0' && c <= '9' || c == '+' || c == '-' || c == '*' {
			if skipNext { // the inclusive cost of a call, not this function's
				skipNext = false
				continue
			}
			if !inWork {
				continue
			}
			f := strings.Fields(line)
			if len(f) <= positions {
				continue
			}
			for i, v := range f[positions:] {
				if i >= len(events) {
					break
				}
				n, err := strconv.ParseUint(v, 10, 64)
				if err != nil {
					return nil, fmt.Errorf("cost line %q: %w", line, err)
				}
				out[events[i]] += n
			}
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			key, val, ok = strings.Cut(line, ": ")
			switch {
			case ok && key == "events":
				events = strings.Fields(val)
			case ok && key == "positions":
				positions = len(strings.Fields(val))
			}
			continue
		}
		switch key {
		case "fl":
			fnFile = name(files, val)
			file = fnFile
		case "fi", "fe":
			file = name(files, val)
		case "fn":
			fn = name(funcs, val)
			file = fnFile
		case "cfi", "cfl":
			name(files, val)
		case "cfn":
			name(funcs, val)
		case "calls":
			skipNext = true
		}
		inWork = isRuntimeWork(file, fn)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(events) == 0 {
		return nil, fmt.Errorf("no events line")
	}
	return out, nil
}

// isRuntimeWork reports whether code of file, in function fn, is the
// runtime's time-driven memory work.
func isRuntimeWork(file, fn string) bool {
	return runtimeWorkFiles[path.Base(file)] && strings.Contains(file, "runtime") || runtimeWorkFuncs[fn]
}

// without subtracts the runtime's work from a run's events.
func without(ev, work map[string]uint64) map[string]uint64 {
	out := make(map[string]uint64, len(ev))
	for k, v := range ev {
		out[k] = v - min(work[k], v)
	}
	return out
}
