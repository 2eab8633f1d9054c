// Package profile says why a benchmark got slower: it merges the CPU and
// memory profiles of the two sides of a regressed benchmark, run with the
// same iteration count, and diffs them the way go tool pprof -diff_base
// does (the base's samples labelled pprof::base and scaled by -1, merged
// with the current's), ranking functions by their change per operation.
package profile

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	pprof "github.com/google/pprof/profile"
)

// A Delta is how much one function, or one allocation site, changed per
// operation from the base to the current side.
type Delta struct {
	Function string `json:"function"`
	// File and Line name an allocation site, or for CPU rows the
	// function's file and first line (as the binary records it: with
	// -trimpath, module path and file).
	File string `json:"file,omitempty"`
	Line int64  `json:"line,omitempty"`
	// Base and Current are per operation: ns for CPU, bytes for memory.
	Base    float64 `json:"base"`
	Current float64 `json:"current"`
	Delta   float64 `json:"delta"`
	// DeltaPct is Delta as a percentage of the base side's total per op.
	DeltaPct float64 `json:"delta_pct"`
	// Objects is the change of allocated objects per op (memory only).
	Objects float64 `json:"objects,omitempty"`
}

// Load reads and merges profiles.
func Load(paths ...string) (*pprof.Profile, error) {
	var ps []*pprof.Profile
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		prof, err := pprof.Parse(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading profile %s: %w", p, err)
		}
		ps = append(ps, prof)
	}
	if len(ps) == 1 {
		return ps[0], nil
	}
	return pprof.Merge(ps)
}

// diffBase merges base, labelled pprof::base and scaled by -1, with cur,
// as go tool pprof -diff_base does.
func diffBase(base, cur *pprof.Profile) (*pprof.Profile, error) {
	b := base.Copy()
	for _, s := range b.Sample {
		if s.Label == nil {
			s.Label = map[string][]string{}
		}
		s.Label["pprof::base"] = []string{"true"}
	}
	b.Scale(-1)
	return pprof.Merge([]*pprof.Profile{b, cur.Copy()})
}

func isBase(s *pprof.Sample) bool { return len(s.Label["pprof::base"]) > 0 }

// index returns the index of the sample type named typ, or -1.
func index(p *pprof.Profile, typ string) int {
	for i, st := range p.SampleType {
		if st.Type == typ {
			return i
		}
	}
	return -1
}

// CPU diffs two CPU profiles of ops operations each (the iteration count
// times the runs merged) and returns the top functions by change of flat
// and of cumulative time per op, largest increase first.
func CPU(base, cur *pprof.Profile, ops float64, top int, module string) (flat, cum, inModule []Delta, err error) {
	d, err := diffBase(base, cur)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("diffing CPU profiles: %w", err)
	}
	vi := index(d, "cpu")
	if vi < 0 {
		return nil, nil, nil, fmt.Errorf("diffing CPU profiles: no cpu samples")
	}
	type acc struct{ base, cur float64 }
	flatBy, cumBy, moduleBy := map[string]*acc{}, map[string]*acc{}, map[string]*acc{}
	ofModule := func(fn string) bool {
		return module != "" && (strings.HasPrefix(fn, module+".") || strings.HasPrefix(fn, module+"/"))
	}
	type at struct {
		file string
		line int64
	}
	where := map[string]at{}
	var baseTotal float64
	add := func(m map[string]*acc, fn string, v float64, base bool) {
		a := m[fn]
		if a == nil {
			a = &acc{}
			m[fn] = a
		}
		if base {
			a.base -= v
		} else {
			a.cur += v
		}
	}
	for _, s := range d.Sample {
		v, base := float64(s.Value[vi]), isBase(s)
		if base {
			baseTotal -= v
		}
		if len(s.Location) == 0 || len(s.Location[0].Line) == 0 {
			continue
		}
		add(flatBy, funcName(s.Location[0].Line[0]), v, base)
	nearest:
		for _, loc := range s.Location {
			for _, ln := range loc.Line {
				if fn := funcName(ln); ofModule(fn) {
					add(moduleBy, fn, v, base)
					break nearest
				}
			}
		}
		seen := map[string]bool{}
		for _, loc := range s.Location {
			for _, ln := range loc.Line {
				if fn := funcName(ln); ln.Function != nil && where[fn].file == "" {
					where[fn] = at{ln.Function.Filename, ln.Function.StartLine}
				}
				if fn := funcName(ln); !seen[fn] {
					seen[fn] = true
					add(cumBy, fn, v, base)
				}
			}
		}
	}
	rank := func(m map[string]*acc) []Delta {
		var out []Delta
		for fn, a := range m {
			d := delta(fn, a.base/ops, a.cur/ops, baseTotal/ops)
			d.File, d.Line = where[fn].file, where[fn].line
			out = append(out, d)
		}
		return topN(out, top)
	}
	if module == "" {
		return rank(flatBy), rank(cumBy), nil, nil
	}
	return rank(flatBy), rank(cumBy), rank(moduleBy), nil
}

// Memory diffs two heap profiles (allocations, -test.memprofilerate=1) of
// ops operations each and returns the top allocation sites (function and
// file:line) by change of bytes per op, with the change of objects.
func Memory(base, cur *pprof.Profile, ops float64, top int) ([]Delta, error) {
	d, err := diffBase(base, cur)
	if err != nil {
		return nil, fmt.Errorf("diffing memory profiles: %w", err)
	}
	bi, oi := index(d, "alloc_space"), index(d, "alloc_objects")
	if bi < 0 || oi < 0 {
		return nil, fmt.Errorf("diffing memory profiles: no allocation samples")
	}
	type acc struct {
		fn, file            string
		line                int64
		base, cur, objDelta float64
	}
	by := map[string]*acc{}
	var baseTotal float64
	for _, s := range d.Sample {
		v, objs, base := float64(s.Value[bi]), float64(s.Value[oi]), isBase(s)
		if base {
			baseTotal -= v
		}
		if len(s.Location) == 0 || len(s.Location[0].Line) == 0 {
			continue
		}
		ln := s.Location[0].Line[0]
		key := fmt.Sprintf("%s\x00%d", funcName(ln), ln.Line)
		a := by[key]
		if a == nil {
			a = &acc{fn: funcName(ln), line: ln.Line}
			if ln.Function != nil {
				a.file = ln.Function.Filename
			}
			by[key] = a
		}
		if base {
			a.base -= v
		} else {
			a.cur += v
		}
		a.objDelta += objs
	}
	var out []Delta
	for _, a := range by {
		dl := delta(a.fn, a.base/ops, a.cur/ops, baseTotal/ops)
		dl.File, dl.Line, dl.Objects = a.file, a.line, a.objDelta/ops
		out = append(out, dl)
	}
	return topN(out, top), nil
}

func funcName(ln pprof.Line) string {
	if ln.Function == nil {
		return "?"
	}
	return ln.Function.Name
}

func delta(fn string, base, cur, baseTotal float64) Delta {
	d := Delta{Function: fn, Base: base, Current: cur, Delta: cur - base}
	if baseTotal > 0 {
		d.DeltaPct = 100 * d.Delta / baseTotal
	}
	return d
}

// topN keeps the top deltas, largest increase first; changes that round
// to nothing are dropped.
func topN(ds []Delta, n int) []Delta {
	ds = slices.DeleteFunc(ds, func(d Delta) bool { return math.Abs(d.Delta) < 1e-9 })
	slices.SortFunc(ds, func(a, b Delta) int {
		if c := cmp.Compare(b.Delta, a.Delta); c != 0 {
			return c
		}
		return cmp.Compare(a.Function, b.Function)
	})
	if len(ds) > n {
		ds = ds[:n]
	}
	return ds
}

// A Diff is why one benchmark changed: its profiles' top changes per
// operation and where the profiles are.
type Diff struct {
	Pkg       string `json:"pkg,omitempty"`
	Benchmark string `json:"benchmark"`
	// Dir holds base.cpu.pb.gz, current.cpu.pb.gz and, for a memory
	// regression, base.mem.pb.gz and current.mem.pb.gz.
	Dir string `json:"dir"`
	// Commands open the diffs interactively.
	Commands []string `json:"commands"`
	// CPUFlat and CPUCum rank functions by change of flat and cumulative
	// ns/op; Memory ranks allocation sites by change of B/op.
	CPUFlat []Delta `json:"cpu_flat,omitempty"`
	CPUCum  []Delta `json:"cpu_cum,omitempty"`
	// CPUModule ranks the measured module's functions by the change of
	// the time spent in them or below them in code outside the module
	// (runtime, syscalls, the standard library, dependencies): each
	// sample's time goes to the nearest module function on its stack,
	// so a regression in a syscall is named by the module code that
	// makes it. Empty when the module is not known.
	CPUModule []Delta `json:"cpu_module,omitempty"`
	Memory    []Delta `json:"memory,omitempty"`
}

// Merge merges the profiles in paths into out (gzip'd protobuf).
func Merge(out string, paths []string) (*pprof.Profile, error) {
	p, err := Load(paths...)
	if err != nil {
		return nil, err
	}
	f, err := os.Create(out)
	if err != nil {
		return nil, err
	}
	if err := p.Write(f); err != nil {
		f.Close()
		return nil, err
	}
	return p, f.Close()
}

// CPUFiles is CPU on two profile files.
func CPUFiles(base, cur string, ops float64, top int, module string) (flat, cum, inModule []Delta, err error) {
	b, err := Load(base)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := Load(cur)
	if err != nil {
		return nil, nil, nil, err
	}
	return CPU(b, c, ops, top, module)
}

// MemoryFiles is Memory on two profile files.
func MemoryFiles(base, cur string, ops float64, top int) ([]Delta, error) {
	b, err := Load(base)
	if err != nil {
		return nil, err
	}
	c, err := Load(cur)
	if err != nil {
		return nil, err
	}
	return Memory(b, c, ops, top)
}
