package profile

// A Mode says which benchmarks a gate run profiles.
type Mode string

// The modes.
const (
	// Auto profiles confirmed regressions only (every regression when
	// confirmation is off). The default.
	Auto Mode = "auto"
	// On profiles every regressed or undecided benchmark.
	On Mode = "1"
	// Off profiles nothing.
	Off Mode = "0"
	// All profiles every benchmark measured.
	All Mode = "all"
)
