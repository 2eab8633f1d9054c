package verdict

import "math"

// Settled reports whether more samples cannot change the row's verdict much:
// it has no verdict to reach (one side only, no direction), it is already
// a significant regression or improvement, or the interval its two
// medians' confidence intervals allow for the change lies entirely inside
// the threshold in the bad direction.
func (r *Row) Settled() bool {
	if r.Base == nil || r.Current == nil || r.Better == 0 {
		return true
	}
	if (r.Status == StatusRegression || r.Status == StatusImprovement) && !r.Unverified {
		return true
	}
	lo, hi, ok := r.ChangeInterval()
	if !ok {
		b, cur := r.Base, r.Current
		return b.Lo == b.Hi && cur.Lo == cur.Hi && b.Lo.Finite() && cur.Lo.Finite() // constant sides
	}
	worst := math.Max(lo*float64(-r.Better), hi*float64(-r.Better)) // the change in the bad direction at its worst
	return worst < r.ThresholdPct
}
