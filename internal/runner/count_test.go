package runner

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCountN: the long counted run covers about CountTarget instructions
// at perNs instructions per nanosecond of the pilot's cost, never more iterations than the
// timed runs, never fewer than 10.
func TestCountN(t *testing.T) {
	for _, tc := range []struct {
		time  string
		ns    float64
		bytes float64
		want  int64
	}{
		{"100000x", 1000, 0, 10001},  // 30M / 3,000 instructions per op
		{"100x", 1000, 0, 100},       // capped by the timed runs' count
		{"5x", 1e6, 0, 10},           // at least 10
		{"1000000x", 0, 0, 1000000},  // no pilot cost: the timed count
		{"garbage", 100, 0, 10},      // no count at all: the least
		{"20000000x", 10, 0, 300001}, // an op under 200ns: 10 instructions per ns
		{"20000000x", 200, 0, 50001}, // 3 from 200ns
		// An allocating op: enough to allocate CountHeap, beyond the
		// timed runs' count (the pilot's cost of 270µs is a fresh heap's).
		{"370x", 270e3, 65536, 128},
		{"370x", 27e3, 4096, 2048},
		{"370x", 100e3, 1024, 2001},  // at most 20x CountTarget's at the pilot's cost
		{"1000000x", 100, 16, 30001}, // a small allocation: as any op
		{"1000000x", 1000, 1 << 20, 10001},
	} {
		if got := countN(unit{Time: tc.time, ns: tc.ns, bytes: tc.bytes}); got != tc.want {
			t.Errorf("countN(%s, %gns) = %d, want %d", tc.time, tc.ns, got, tc.want)
		}
	}
}

// TestCountNFor: once counted, a unit's later rounds run the iterations
// CountTarget asks at the instructions per op counted (the most of its
// sides, the rounds before this one), never more than countN unless
// that fell short of CountFloor, and an
// allocating one still allocates CountHeap or what its first count did.
func TestCountNFor(t *testing.T) {
	for _, tc := range []struct {
		name   string
		u      unit
		counts []float64 // counted per op, by side, in earlier rounds
		want   int64
	}{
		{"not counted yet", unit{Time: "1000000x", ns: 1000}, nil, 10001},
		{"the pilot guessed 3 per ns, counts say 10", unit{Time: "1000000x", ns: 1000}, []float64{10000, 9000}, 3001},
		{"the most of the sides", unit{Time: "1000000x", ns: 1000}, []float64{9000, 30000}, 1001},
		{"never more than countN", unit{Time: "1000000x", ns: 1000}, []float64{1000}, 10001},
		{"at least 10", unit{Time: "1000000x", ns: 1e6}, []float64{1e9}, 10},
		{"a small allocation shortens as any op", unit{Time: "1000000x", ns: 1000, bytes: 16}, []float64{1e5}, 301},
		{"a large allocation keeps CountHeap", unit{Time: "1000000x", ns: 1000, bytes: 1024}, []float64{1e5}, 8192},
		{"an allocation past CountHeap shortens to it", unit{Time: "1000000x", ns: 100, bytes: 1024}, []float64{10000}, 8192},
		// A pilot fooled by a loaded machine (1µs timed at 10ms) gave
		// countN 10: later rounds run what CountFloor asks.
		{"raised to CountFloor", unit{Time: "2x", ns: 10e6}, []float64{6000, 6015}, 499},
		{"raised at most MaxFloorWall at the pilot's time", unit{Time: "2x", ns: 10e6}, []float64{2}, 500},
		{"raised at most MaxCountGrowth times", unit{Time: "2x", ns: 1e5}, []float64{2}, 10 * MaxCountGrowth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Plan{}
			for _, c := range tc.counts {
				p.countedAt(tc.u, c)
			}
			if got := p.countNFor(tc.u); tc.counts != nil && got != countN(tc.u) {
				t.Errorf("within the round it was counted in: %d, want countN's %d", got, countN(tc.u))
			}
			p.nextCountRound()
			if got := p.countNFor(tc.u); got != tc.want {
				t.Errorf("countNFor = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestRefloor: a long counted run under a quarter of CountFloor is
// counted again at CountFloor's iterations (at most MaxCountGrowth times
// its own, and MaxFloorWall at the pilot's time per op); one that covered
// enough, or gives no count per op, is not.
func TestRefloor(t *testing.T) {
	for _, tc := range []struct {
		name        string
		short, long *counted
		ns          float64 // the pilot's time per op
		want        int64
	}{
		{"10 iterations of 6,000", &counted{N: 2, Instructions: 1e6}, &counted{N: 10, Instructions: 1e6 + 8*6000}, 10e6, 500},
		{"disturbed run of 2: counted low, raised further", &counted{N: 2, Instructions: 1e6 + 30000}, &counted{N: 10, Instructions: 1e6 + 8*6000}, 0, 1334},
		{"enough", &counted{N: 2, Instructions: 1e6}, &counted{N: 200, Instructions: 1e6 + 198*6000}, 0, 0},
		{"a cheap op: at most MaxCountGrowth times", &counted{N: 2, Instructions: 1e6}, &counted{N: 10, Instructions: 1e6 + 8*10}, 0, 10 * MaxCountGrowth},
		{"an op that waits: at most MaxFloorWall at the pilot's time", &counted{N: 2, Instructions: 1e6}, &counted{N: 10, Instructions: 1e6 + 8*2000}, 100e6, 50},
		{"an op that waits longer than MaxFloorWall: not again", &counted{N: 2, Instructions: 1e6}, &counted{N: 10, Instructions: 1e6 + 8*2000}, 1e9, 0},
		{"no count per op", &counted{N: 2, Instructions: 1e6}, &counted{N: 10, Instructions: 1e6 - 1}, 0, 0},
		{"not longer than the run of 2", &counted{N: 2, Instructions: 1e6}, &counted{N: 2, Instructions: 1e6}, 0, 0},
		{"no run", nil, &counted{N: 10}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := refloor(tc.short, tc.long, tc.ns); got != tc.want {
				t.Errorf("refloor = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestParallelBenchmarks finds the benchmark functions that call
// RunParallel, and no other.
func TestParallelBenchmarks(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p_test.go"), []byte(`package p

import "testing"

func BenchmarkSerial(b *testing.B) { for i := 0; i < b.N; i++ {} }

func BenchmarkParallel(b *testing.B) {
	b.Run("sub", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) { for pb.Next() {} })
	})
}

func helper(b *testing.B) { b.RunParallel(func(pb *testing.PB) {}) }
`), 0o644)
	got := parallelBenchmarks(dir)
	if !got["BenchmarkParallel"] || got["BenchmarkSerial"] || len(got) != 1 {
		t.Errorf("parallel benchmarks %v, want only BenchmarkParallel", got)
	}
}

// TestResultOf takes the one result line and the config lines of a
// counted run's output.
func TestResultOf(t *testing.T) {
	o, _ := readOutput([]byte("goos: linux\npkg: example.com/p\nBenchmarkA \t 10002\t 123 ns/op\t 64 B/op\t 1 allocs/op\nPASS\n"))
	f, cfg := resultOf(o)
	if len(f) != 8 || f[0] != "BenchmarkA" || f[5] != "B/op" || len(cfg) != 2 {
		t.Errorf("fields %q config %q", f, cfg)
	}
}

// TestReadSetups: the marks' setups file sets each named run's Setup and
// Again; lines that cannot be read and benchmarks it does not name leave
// zero.
func TestReadSetups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "setups")
	text := "BenchmarkA\t25000000\t0\nBenchmarkB/x=1\t1200\t1\nBenchmarkC\tlots\t0\nnot a line\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	g := []unit{{leaf: "BenchmarkA"}, {leaf: "BenchmarkB/x=1"}, {leaf: "BenchmarkC"}, {leaf: "BenchmarkD"}}
	runs := []*counted{{}, {}, {}, {}}
	readSetups(path, g, []int{0, 1, 2, 3}, runs)
	want := []counted{{Setup: 25 * time.Millisecond}, {Setup: 1200, Again: true}, {}, {}}
	for i, r := range runs {
		if r.Setup != want[i].Setup || r.Again != want[i].Again {
			t.Errorf("%s: setup %v again %v, want %v %v", g[i].leaf, r.Setup, r.Again, want[i].Setup, want[i].Again)
		}
	}
}
