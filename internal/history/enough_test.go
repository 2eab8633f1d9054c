package history

import (
	"slices"
	"testing"
)

func TestUnrecorded(t *testing.T) {
	runs := []*Run{{Commit: "c3"}, {Commit: "c1"}, {Commit: "zz"}}
	got := Unrecorded([]string{"c4", "c3", "c2", "c1", "c0"}, runs)
	if want := []string{"c0", "c2", "c4"}; !slices.Equal(got, want) {
		t.Errorf("Unrecorded = %q, want %q (oldest first)", got, want)
	}
	if got := Unrecorded(nil, runs); len(got) != 0 {
		t.Errorf("no commits: %q", got)
	}
}

func TestEnough(t *testing.T) {
	o := DefaultTrendOptions
	for _, tt := range []struct{ minSegment, want int }{{1, 4}, {2, 4}, {5, 10}} {
		o.MinSegment = tt.minSegment
		if got := o.MinRuns(); got != tt.want {
			t.Errorf("MinSegment %d: MinRuns = %d, want %d", tt.minSegment, got, tt.want)
		}
	}
	series := []*Series{{Points: make([]Point, 3)}, {Points: make([]Point, 7)}, {}}
	if got := Longest(series); got != 7 {
		t.Errorf("Longest = %d, want 7", got)
	}
	if Longest(nil) != 0 {
		t.Error("Longest(nil) is not 0")
	}
}
