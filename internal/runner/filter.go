package runner

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/benchgate/benchgate/internal/lines"
)

// SplitPattern splits a -test.bench pattern into its levels at the
// slashes outside brackets and parentheses, as the testing package does.
func SplitPattern(s string) []string { return splitOutside(s, '/') }

// splitOutside splits s at sep where it stands outside brackets and
// parentheses (and is not escaped), as the testing package splits a
// pattern into levels (/) and alternatives (|).
func splitOutside(s string, sep byte) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[', '(':
			depth++
		case ']', ')':
			if depth > 0 {
				depth--
			}
		case '\\':
			i++
		case sep:
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// unselected names the top-level benchmarks of bin that the first level
// of a pattern of several levels matches but that ran nothing (ran: the
// benchmarks that did, without -N): Go drops a benchmark with fewer
// levels than the pattern without a word, and one whose sub-benchmarks
// match none of the deeper levels. Nil for a one-level pattern.
func unselected(ctx context.Context, bin, dir, pattern string, ran []string) []string {
	levels := SplitPattern(pattern)
	if len(levels) < 2 {
		return nil
	}
	top, err := regexp.Compile(levels[0])
	if err != nil {
		return nil
	}
	var missed []string
	for _, name := range benchmarksOf(ctx, bin, dir) {
		if !top.MatchString(name) {
			continue
		}
		if !slices.ContainsFunc(ran, func(r string) bool { return r == name || strings.HasPrefix(r, name+"/") }) {
			missed = append(missed, name)
		}
	}
	return missed
}

// unselectedNote says which benchmarks a pattern's depth left out.
func unselectedNote(pkg, pattern string, missed []string) string {
	return fmt.Sprintf("note: %s: the filter %q matches %s at its first level, but it ran nothing: a benchmark with fewer /-levels than the filter, or whose sub-benchmarks match none of its deeper levels, is skipped by Go without a word (use a filter of fewer levels, such as %q, to include it)",
		pkg, pattern, lines.Capped(missed, 5), SplitPattern(pattern)[0])
}

// listBenchmarks are the top-level benchmarks of bin, in the order they
// run (-test.list); nil when the binary cannot list them.
func listBenchmarks(ctx context.Context, bin, dir string) []string {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.list=^Benchmark")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return nil
	}
	var names []string
	for _, name := range strings.Fields(string(out)) {
		if strings.HasPrefix(name, "Benchmark") {
			names = append(names, name)
		}
	}
	return names
}

// listedCheck reports whether a top-level benchmark name is one of
// bin's, for reading its output (output.listed). The tops of expected
// (full names) are taken as listed; another name makes bin list its
// benchmarks, once. With nothing expected (a whole package's run) the
// list is taken now, before the run, so that listing does not run beside
// a measured run. A binary that cannot list has every name taken.
func listedCheck(ctx context.Context, bin, dir string, expected []string) func(top string) bool {
	known := map[string]bool{}
	for _, e := range expected {
		top, _, _ := strings.Cut(e, "/")
		known[top] = true
	}
	if len(expected) == 0 {
		benchmarksOf(ctx, bin, dir)
	}
	return func(top string) bool {
		if known[top] {
			return true
		}
		names := benchmarksOf(ctx, bin, dir)
		return names == nil || slices.Contains(names, top)
	}
}

// benchmarksOf is listBenchmarks once per binary (its path, size and time: a
// rebuilt binary is listed again) and directory: a listing runs the
// package's TestMain, which may be costly.
func benchmarksOf(ctx context.Context, bin, dir string) []string {
	fi, err := os.Stat(bin)
	if err != nil {
		return nil
	}
	key := fmt.Sprintf("%s\x00%d\x00%d\x00%s", bin, fi.Size(), fi.ModTime().UnixNano(), dir)
	lists.Lock()
	defer lists.Unlock()
	if names, ok := lists.of[key]; ok {
		return names
	}
	names := listBenchmarks(ctx, bin, dir)
	if names == nil {
		return nil // not kept: a listing cut short by ctx is tried again
	}
	if lists.of == nil {
		lists.of = map[string][]string{}
	}
	lists.of[key] = names
	return names
}

// lists are benchmarksOf's answers.
var lists struct {
	sync.Mutex
	of map[string][]string
}

// vanished names the top-level benchmarks of bin that a one-level
// pattern selects, skip does not leave out, and that left no trace in a
// run (seen: the benchmarks with a result or a failure, without -N): Go
// prints nothing for a benchmark that skips itself, and nothing can be
// read of one whose output hid its name. A pattern of several levels
// names none (see unselected).
func vanished(ctx context.Context, bin, dir, pattern, skip string, seen []string) []string {
	if len(SplitPattern(pattern)) > 1 {
		return nil
	}
	sel, err := regexp.Compile(pattern)
	if err != nil {
		return nil
	}
	skipped := topSkipped(skip)
	var out []string
	for _, name := range benchmarksOf(ctx, bin, dir) {
		if !sel.MatchString(name) || skipped(name) {
			continue
		}
		if !slices.ContainsFunc(seen, func(s string) bool { return s == name || strings.HasPrefix(s, name+"/") }) {
			out = append(out, name)
		}
	}
	return out
}

// topSkipped reports whether a -test.skip pattern leaves out a
// top-level benchmark: one of its |-alternatives (at the top level) is
// of one level and matches it, as Go's testing decides.
func topSkipped(skip string) func(string) bool {
	if skip == "" {
		return func(string) bool { return false }
	}
	var alts []*regexp.Regexp
	for _, alt := range splitAlternatives(skip) {
		if len(SplitPattern(alt)) != 1 {
			continue
		}
		if re, err := regexp.Compile(alt); err == nil {
			alts = append(alts, re)
		}
	}
	return func(name string) bool {
		return slices.ContainsFunc(alts, func(re *regexp.Regexp) bool { return re.MatchString(name) })
	}
}

// splitAlternatives splits a pattern at the | outside brackets and
// parentheses, as the testing package does.
func splitAlternatives(s string) []string { return splitOutside(s, '|') }

// noMatch is the error of a filter that selected no benchmark on any
// side: it says how Go matches the first level, suggests the filter
// with the Benchmark prefix where it lacks one, and names the
// benchmarks there are.
func (p *Plan) noMatch(ctx context.Context, opts Options) error {
	var names []string
	for _, tr := range p.Trees {
		for _, pk := range p.Packages {
			if bin := p.bins[tr.Name][pk.ImportPath]; bin != "" {
				for _, n := range benchmarksOf(ctx, bin, pkgDir(tr, pk)) {
					if !slices.Contains(names, n) {
						names = append(names, n)
					}
				}
			}
		}
	}
	msg := fmt.Sprintf("-test.bench=%q", opts.Bench)
	if opts.Skip != "" {
		msg += fmt.Sprintf(" with -test.skip=%q", opts.Skip)
	}
	msg += ". Go matches each /-separated level of the filter against that level of a benchmark's name, the first against the whole function name with its Benchmark prefix (BenchmarkSum64String, not Sum64String)"
	if s := withPrefix(opts.Bench); s != opts.Bench {
		msg += fmt.Sprintf(": did you mean %q?", s)
	}
	if len(names) == 0 {
		return fmt.Errorf("%w on either side: %s; the packages have no benchmarks", ErrNoMatch, msg)
	}
	return fmt.Errorf("%w on either side: %s; the benchmarks are %s", ErrNoMatch, msg, lines.Capped(names, 20))
}

// withPrefix is a filter whose anchored first level lacks the Benchmark
// prefix with it added: ^(Sum64|Digest)$ -> ^Benchmark(Sum64|Digest)$.
func withPrefix(filter string) string {
	levels := SplitPattern(filter)
	first := levels[0]
	if !strings.HasPrefix(first, "^") || strings.HasPrefix(first, "^Benchmark") {
		return filter
	}
	levels[0] = "^Benchmark" + first[1:]
	return strings.Join(levels, "/")
}
