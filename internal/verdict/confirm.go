package verdict

// ReasonNotReproduced is the reason of a row whose regression or
// improvement the fresh rounds did not reproduce.
const ReasonNotReproduced = "did not reproduce"

// A Confirmation is the verdict of the fresh rounds alone on a row.
type Confirmation struct {
	Base     *Stats `json:"base,omitempty"`
	Current  *Stats `json:"current,omitempty"`
	DeltaPct Number `json:"delta_pct"`
	P        Number `json:"p"`
	Status   Status `json:"status"`
}

// NeedsConfirmation reports whether a row's status would fail or praise
// someone and so must be reproduced: a regression or improvement, also an
// unverified one (too few samples for the test: fresh rounds must then
// show the same change beyond the threshold).
func NeedsConfirmation(r *Row) bool {
	return r.Status == StatusRegression || r.Status == StatusImprovement
}

// Confirm applies fresh evidence to c: fresh compares the same
// benchmarks, measured again in rounds of their own, with the same
// options. A row that needs confirmation stays as it is only if its fresh
// row reaches the same status; otherwise it becomes undecided, with
// ReasonNotReproduced. Either way it records the fresh verdict and
// whether it was confirmed. The summary is counted again.
func Confirm(c, fresh *Comparison) {
	type key struct{ pkg, bench, unit string }
	byKey := map[key]*Row{}
	for i := range fresh.Rows {
		r := &fresh.Rows[i]
		byKey[key{r.Pkg, r.Benchmark, r.Unit}] = r
	}
	for i := range c.Rows {
		r := &c.Rows[i]
		if !NeedsConfirmation(r) {
			continue
		}
		confirmed := false
		if f := byKey[key{r.Pkg, r.Benchmark, r.Unit}]; f != nil {
			r.Confirmation = &Confirmation{Base: f.Base, Current: f.Current, DeltaPct: f.DeltaPct, P: f.P, Status: f.Status}
			confirmed = f.Status == r.Status
		}
		r.Confirmed = &confirmed
		if !confirmed {
			r.Status = StatusUndecided
			r.Reason = ReasonNotReproduced
		}
	}
	c.count()
}
