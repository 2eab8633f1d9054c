package counter

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Estimated cycles: instructions cannot see memory (a strided walk over a
// large table counts the same instructions as a sequential one), so a
// counter WithCache runs valgrind with its cache simulator, on a cache of
// one fixed geometry whatever the machine (the 32 KiB 8-way first-level
// instruction and data caches and 8 MiB 16-way last level that CodSpeed's
// CPU simulation uses, 64-byte lines), and weighs what it counts the way
// iai-callgrind (now gungraun) does:
//
//	estimated cycles = L1 hits + 5 × LL hits + 35 × RAM hits
//
// where an access is an instruction fetch (Ir) or a data read or write
// (Dr, Dw), an L1 miss is I1mr + D1mr + D1mw and a RAM access is an LL
// miss (ILmr + DLmr + DLmw). It models neither branch prediction, nor
// memory bandwidth, prefetchers or the overlap of out-of-order
// execution: it is a load-immune estimate of what memory costs, not a
// cycle count.

// cacheArgs are valgrind's flags for the simulated cache.
var cacheArgs = []string{"--cache-sim=yes", "--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64"}

// The weights of the estimate (iai-callgrind's).
const (
	llHitCycles  = 5
	ramHitCycles = 35
)

// CacheCounts are what the simulated cache adds to a count.
type CacheCounts struct {
	// Cycles are the estimated cycles (EstimatedCycles).
	Cycles uint64 `json:"cycles,omitempty"`
	// L1Misses are the first-level misses (I1mr + D1mr + D1mw), LLMisses
	// the last-level ones (ILmr + DLmr + DLmw): what the estimate weighs.
	L1Misses uint64 `json:"l1_misses,omitempty"`
	LLMisses uint64 `json:"ll_misses,omitempty"`
}

// cacheCounts reads the cache events of a run.
func cacheCounts(ev map[string]uint64) CacheCounts {
	return CacheCounts{Cycles: EstimatedCycles(ev), L1Misses: ev["I1mr"] + ev["D1mr"] + ev["D1mw"], LLMisses: ev["ILmr"] + ev["DLmr"] + ev["DLmw"]}
}

// EstimatedCycles weighs a run's cache events (valgrind's names: Ir, Dr,
// Dw, I1mr, D1mr, D1mw, ILmr, DLmr, DLmw) into estimated cycles.
func EstimatedCycles(ev map[string]uint64) uint64 {
	accesses := ev["Ir"] + ev["Dr"] + ev["Dw"]
	l1miss := ev["I1mr"] + ev["D1mr"] + ev["D1mw"]
	ram := ev["ILmr"] + ev["DLmr"] + ev["DLmw"]
	l1hits, llhits := accesses-min(l1miss, accesses), l1miss-min(ram, l1miss)
	return l1hits + llHitCycles*llhits + ramHitCycles*ram
}

var (
	eventsLine  = regexp.MustCompile(`(?m)^events: (.*)$`)
	summaryLine = regexp.MustCompile(`(?m)^summary: (.*)$`)
	totalsLine  = regexp.MustCompile(`(?m)^totals: (.*)$`)
)

// readEvents reads the events line and the counts of a callgrind dump or
// a cachegrind output file into counts by event name: a dump's totals
// line (the sum of its cost lines), else the summary. Callgrind computes
// a dump's summary from running totals that its instrumentation's
// stopping and starting put off (by over 50,000 instructions, below zero,
// in a dump that held 35,000), where the totals are what the dump holds.
func readEvents(b []byte) (map[string]uint64, error) {
	e, s := eventsLine.FindSubmatch(b), totalsLine.FindSubmatch(b)
	if s == nil {
		s = summaryLine.FindSubmatch(b)
	}
	if e == nil || s == nil {
		return nil, errors.New("no events and summary lines")
	}
	names, vals := strings.Fields(string(e[1])), strings.Fields(string(s[1]))
	// Callgrind leaves out trailing zero counts ("summary: 15396 3795
	// 3211 453 171 91 2" for nine events): those are 0.
	if len(vals) > len(names) || len(vals) == 0 {
		return nil, fmt.Errorf("events %q and summary %q do not match", e[1], s[1])
	}
	ev := map[string]uint64{}
	for i, n := range names {
		if i >= len(vals) {
			ev[n] = 0
			continue
		}
		v, err := strconv.ParseUint(vals[i], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("summary %q: %w", s[1], err)
		}
		ev[n] = v
	}
	return ev, nil
}

// cacheSuffix is what a counter's name says when it simulates the cache.
func cacheSuffix(cache bool) string {
	if cache {
		return "+cache"
	}
	return ""
}

// ErrNoCache is wrapped by WithCache's error for a counter that cannot
// simulate a cache (hardware counters count, they do not simulate).
var ErrNoCache = errors.New("estimated cycles need valgrind's simulated cache")

// WithCache is c counting on the simulated cache: its runs and marks
// also carry estimated cycles. Only valgrind's counters can.
func WithCache(c Counter) (Counter, error) {
	switch v := c.(type) {
	case *cachegrind:
		w := *v
		w.cache = true
		return &w, nil
	case *callgrind:
		w := *v
		w.cache = true
		return &w, nil
	}
	return nil, fmt.Errorf("%w, not %s: count with valgrind (cachegrind)", ErrNoCache, c.Name())
}

// SimulatesCache reports whether c's runs carry estimated cycles.
func SimulatesCache(c Counter) bool {
	switch v := c.(type) {
	case *cachegrind:
		return v.cache
	case *callgrind:
		return v.cache
	}
	return false
}
