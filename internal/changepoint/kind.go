package changepoint

// A Kind is what a finding in a series is.
type Kind string

// The kinds.
const (
	// Step is a change of level at one point: a change point.
	Step Kind = "change point"
	// Slide is a drift: a slow slide from the best segment to the latest.
	Slide Kind = "drift"
)
