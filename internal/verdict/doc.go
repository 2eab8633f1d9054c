// Package verdict decides whether a change is a regression: it reads Go
// benchmark results (base and current), pairs their series, judges each
// metric by its class's rule (a Mann-Whitney U test and a threshold for
// timings, the spread rule for counted instructions), confirms findings
// on fresh rounds and owns the gate's one decision, Comparison.Outcome,
// which every gate command turns into its exit status.
package verdict
