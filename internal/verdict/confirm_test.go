package verdict

import (
	"cmp"
	"testing"
)

// TestConfirm: a finding stands only when fresh rounds alone reach the
// same verdict.
func TestConfirm(t *testing.T) {
	n := 6
	compare := func(base, cur float64) *Comparison {
		t.Helper()
		c, err := Compare(read(t, "b", file("p", map[string][]float64{"BenchmarkX": spread(base, n)})),
			read(t, "c", file("p", map[string][]float64{"BenchmarkX": spread(cur, n)})), DefaultOptions)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name        string
		main, fresh float64 // current/base of the main and the fresh rounds
		status      Status
		confirmed   *bool
		reason      string
		outcome     Outcome
		samples     int // per side; default 6
	}{
		{"regression reproduced", 2, 2, StatusRegression, ptr(true), "", Fail, 0},
		{"regression not reproduced", 2, 1, StatusUndecided, ptr(false), ReasonNotReproduced, Pass, 0},
		{"regression reproduced only within the threshold", 2, 1.1, StatusUndecided, ptr(false), ReasonNotReproduced, Pass, 0},
		{"improvement reproduced", 0.5, 0.5, StatusImprovement, ptr(true), "", Pass, 0},
		{"improvement not reproduced", 0.5, 1, StatusUndecided, ptr(false), ReasonNotReproduced, Pass, 0},
		{"unchanged needs no confirmation", 1, 2, StatusOK, nil, "", Pass, 0},
		{"unverified regression (2 samples) reproduced", 2, 2, StatusRegression, ptr(true), "", Fail, 2},
		{"unverified regression (3 samples) not reproduced", 2, 1, StatusUndecided, ptr(false), ReasonNotReproduced, Pass, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n = cmp.Or(tt.samples, 6)
			c := compare(100, 100*tt.main)
			Confirm(c, compare(100, 100*tt.fresh))
			r := c.Rows[0]
			if r.Status != tt.status || r.Reason != tt.reason || (r.Confirmed == nil) != (tt.confirmed == nil) || (r.Confirmed != nil && *r.Confirmed != *tt.confirmed) {
				t.Errorf("status %s, reason %q, confirmed %v; want %s, %q, %v", r.Status, r.Reason, deref(r.Confirmed), tt.status, tt.reason, deref(tt.confirmed))
			}
			if tt.confirmed != nil && (r.Confirmation == nil || r.Confirmation.Current == nil || r.Confirmation.Current.N != n) {
				t.Errorf("the fresh sample is not recorded: %+v", r.Confirmation)
			}
			if got := c.Outcome(); got != tt.outcome {
				t.Errorf("outcome %d, want %d (summary counted again?)", got, tt.outcome)
			}
		})
	}
}

// TestConfirmWithoutFreshRow: a finding whose benchmark the fresh rounds
// did not measure is not confirmed.
func TestConfirmWithoutFreshRow(t *testing.T) {
	c, err := Compare(read(t, "b", file("p", map[string][]float64{"BenchmarkX": spread(100, 6)})),
		read(t, "c", file("p", map[string][]float64{"BenchmarkX": spread(300, 6)})), DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := Compare(read(t, "b", file("p", map[string][]float64{"BenchmarkY": spread(100, 6)})),
		read(t, "c", file("p", map[string][]float64{"BenchmarkY": spread(100, 6)})), DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	Confirm(c, fresh)
	if r := c.Rows[0]; r.Status != StatusUndecided || r.Confirmed == nil || *r.Confirmed || c.Summary.RegressedRows != 0 {
		t.Errorf("status %s confirmed %v regressed rows %d; want undecided, false, 0", r.Status, deref(r.Confirmed), c.Summary.RegressedRows)
	}
}

func ptr(b bool) *bool { return &b }

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
