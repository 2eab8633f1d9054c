package profile

import (
	"math"
	"strings"
	"testing"

	pprof "github.com/google/pprof/profile"
)

// build makes a profile of the given sample types from stacks: "a;b;c"
// (root first) -> values; a function's line is its position in funcs.
func build(types []string, stacks map[string][]int64) *pprof.Profile {
	p := &pprof.Profile{}
	for _, t := range types {
		typ, unit, _ := strings.Cut(t, "/")
		p.SampleType = append(p.SampleType, &pprof.ValueType{Type: typ, Unit: unit})
	}
	fns := map[string]*pprof.Function{}
	locs := map[string]*pprof.Location{}
	for stack, vals := range stacks {
		names := strings.Split(stack, ";")
		var loc []*pprof.Location
		for i := len(names) - 1; i >= 0; i-- { // leaf first
			name, line := names[i], int64(10*(i+1))
			fn := fns[name]
			if fn == nil {
				fn = &pprof.Function{ID: uint64(len(fns) + 1), Name: name, Filename: strings.Split(name, ".")[0] + "/x.go"}
				fns[name] = fn
				p.Function = append(p.Function, fn)
			}
			key := name + string(rune(line))
			l := locs[key]
			if l == nil {
				l = &pprof.Location{ID: uint64(len(locs) + 1), Line: []pprof.Line{{Function: fn, Line: line}}}
				locs[key] = l
				p.Location = append(p.Location, l)
			}
			loc = append(loc, l)
		}
		p.Sample = append(p.Sample, &pprof.Sample{Location: loc, Value: vals})
	}
	return p
}

// TestCPUNamesTheSlowerFunction: work.Hash takes 4x the time per op; the
// top flat and cumulative increases are it and its callers.
func TestCPUNamesTheSlowerFunction(t *testing.T) {
	types := []string{"samples/count", "cpu/nanoseconds"}
	base := build(types, map[string][]int64{
		"main.Bench;work.Process;work.Hash":  {10, 1000_000},
		"main.Bench;work.Process;work.Parse": {20, 2000_000},
	})
	cur := build(types, map[string][]int64{
		"main.Bench;work.Process;work.Hash":  {40, 4000_000},
		"main.Bench;work.Process;work.Parse": {20, 2000_000},
	})
	flat, cum, _, err := CPU(base, cur, 1000, 5, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(flat) != 1 || flat[0].Function != "work.Hash" || flat[0].Base != 1000 || flat[0].Current != 4000 || math.Abs(flat[0].DeltaPct-100) > 1e-9 {
		t.Errorf("flat %+v, want work.Hash 1000 -> 4000 ns/op, +100%% of the base's 3000 ns/op", flat)
	}
	if len(cum) != 3 || cum[0].Delta != 3000 || cum[2].Function != "work.Hash" && cum[0].Function != "main.Bench" {
		t.Errorf("cum %+v, want the three functions on Hash's stack, +3000 ns/op each", cum)
	}
}

// TestCPUNamesTheModulesCaller: the change is all in a syscall and the
// runtime; the module view names the measured module's function that
// makes them (the nearest on each stack), the flat view the syscall.
func TestCPUNamesTheModulesCaller(t *testing.T) {
	types := []string{"samples/count", "cpu/nanoseconds"}
	base := build(types, map[string][]int64{
		"example.com/m/store.BenchmarkAppend;example.com/m/store.(*Log).Append;example.com/m/store.encode": {10, 1000_000},
	})
	cur := build(types, map[string][]int64{
		"example.com/m/store.BenchmarkAppend;example.com/m/store.(*Log).Append;example.com/m/store.encode":                    {10, 1000_000},
		"example.com/m/store.BenchmarkAppend;example.com/m/store.(*Log).Append;os.(*File).Sync;syscall.Syscall;runtime.futex": {30, 3000_000},
	})
	flat, _, mod, err := CPU(base, cur, 1000, 5, "example.com/m")
	if err != nil {
		t.Fatal(err)
	}
	if len(flat) == 0 || flat[0].Function != "runtime.futex" {
		t.Errorf("flat %+v, want runtime.futex first", flat)
	}
	if len(mod) == 0 || mod[0].Function != "example.com/m/store.(*Log).Append" || mod[0].Delta != 3000 {
		t.Errorf("module view %+v, want (*Log).Append +3000 ns/op", mod)
	}
	if _, _, none, _ := CPU(base, cur, 1000, 5, ""); none != nil {
		t.Errorf("without a module: %+v", none)
	}
}

// TestMemoryNamesTheNewAllocationSite: one allocation site appears on the
// current side; it leads by bytes and objects per op, with its file:line.
func TestMemoryNamesTheNewAllocationSite(t *testing.T) {
	types := []string{"alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes"}
	base := build(types, map[string][]int64{"main.Bench;work.Decode": {1000, 64_000, 0, 0}})
	cur := build(types, map[string][]int64{"main.Bench;work.Decode": {1000, 64_000, 0, 0}, "main.Bench;work.Encode": {1000, 128_000, 0, 0}})
	mem, err := Memory(base, cur, 1000, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(mem) != 1 || mem[0].Function != "work.Encode" || mem[0].File != "work/x.go" || mem[0].Line != 20 || mem[0].Delta != 128 || mem[0].Objects != 1 {
		t.Errorf("memory %+v, want work.Encode at work/x.go:20, +128 B and +1 object per op", mem)
	}
}
