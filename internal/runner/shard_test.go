package runner

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestParseShard(t *testing.T) {
	good := map[string]Shard{"1/1": {1, 1}, "2/4": {2, 4}, " 3 / 3 ": {3, 3}, "256/256": {256, 256}}
	for in, want := range good {
		if got, err := ParseShard(in); err != nil || got != want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2", "0/4", "5/4", "1/0", "a/b", "1/257", "-1/2"} {
		if _, err := ParseShard(in); err == nil {
			t.Errorf("ParseShard(%q): no error", in)
		}
	}
}

// TestSplit: every package in exactly one shard, the same split from the
// same input, and shards within a package's weight of each other.
func TestSplit(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tt := range []struct{ pkgs, shards int }{{40, 4}, {7, 3}, {3, 5}, {100, 8}, {1, 1}} {
		t.Run(fmt.Sprintf("%d packages in %d shards", tt.pkgs, tt.shards), func(t *testing.T) {
			pkgs := make([]Package, tt.pkgs)
			weight := make([]int, tt.pkgs)
			heaviest := 0
			for i := range pkgs {
				pkgs[i] = Package{ImportPath: fmt.Sprintf("example.com/m/p%03d", i)}
				weight[i] = 1 + r.IntN(10)
				heaviest = max(heaviest, weight[i])
			}
			shards := split(pkgs, weight, tt.shards)
			if again := split(pkgs, weight, tt.shards); fmt.Sprint(again) != fmt.Sprint(shards) {
				t.Fatalf("two splits of the same packages differ: %v, %v", shards, again)
			}
			var all []int
			lo, hi := 1<<30, 0
			for _, s := range shards {
				all = append(all, s...)
				w := 0
				for _, i := range s {
					w += weight[i]
				}
				lo, hi = min(lo, w), max(hi, w)
			}
			slices.Sort(all)
			for i, p := range all {
				if p != i {
					t.Fatalf("packages %v: not each exactly once", all)
				}
			}
			if len(all) != tt.pkgs {
				t.Fatalf("%d packages in the shards, want %d", len(all), tt.pkgs)
			}
			if tt.pkgs >= tt.shards && hi-lo > heaviest {
				t.Errorf("shard weights from %d to %d: more apart than the heaviest package (%d)", lo, hi, heaviest)
			}
		})
	}
}
