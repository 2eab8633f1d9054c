package bisect

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// Schema is the version of the bisect.json format. It changes when a
// field is removed or changes meaning; added fields keep it.
const Schema = 1

// A Commit is one commit of the searched line.
type Commit struct {
	Hash    string    `json:"commit"`
	Subject string    `json:"subject,omitempty"`
	Author  string    `json:"author,omitempty"`
	Date    time.Time `json:"date,omitzero"`
}

// Short is the abbreviated hash.
func (c Commit) Short() string {
	if len(c.Hash) > 7 {
		return c.Hash[:7]
	}
	return c.Hash
}

// A Result is a bisection's answer, serialized as bisect.json.
type Result struct {
	Schema    int       `json:"schema"`
	Generated time.Time `json:"generated"`
	Good      Commit    `json:"good"`
	Bad       Commit    `json:"bad"`
	// Commits is how many commits follow the good end up to the bad one.
	Commits int `json:"commits"`
	// Followed are the metrics the bad end regressed in, with the whole
	// change; the bisection looks for the commits that made it.
	Followed []Level `json:"followed"`
	// Regressed is false when the bad end does not regress against the
	// good end: there is nothing to find, and no culprit.
	Regressed bool `json:"regressed"`
	// Culprits are the commits (or ranges) that made the change, oldest
	// first.
	Culprits []Culprit `json:"culprits"`
	// Steps are the commits measured, in the order they were.
	Steps []Step `json:"steps"`
	// Measured counts the measurements this run made (a step measured
	// again counts again); Reused the steps an earlier run in the same
	// results directory measured.
	Measured int `json:"measured"`
	Reused   int `json:"reused"`
	// MinSharePct is the smallest share of the change a culprit carries.
	MinSharePct float64 `json:"min_share_pct"`
	// Note says what the answer needs read with it ("decided by the
	// point estimate ...").
	Notes []string `json:"notes,omitempty"`
}

// A Culprit is a commit that made part of the change, or a range of
// commits when skipped commits hide which one, or when the change is
// spread over them in parts too small to name one.
type Culprit struct {
	// Commit is the culprit's full commit id; empty for a range.
	Commit string `json:"commit,omitempty"`
	// Range is every commit of a range, oldest first; empty for one
	// commit.
	Range []string `json:"range,omitempty"`
	// Why is, for a range, "skipped" or "spread".
	Why     string    `json:"why,omitempty"`
	Subject string    `json:"subject,omitempty"`
	Author  string    `json:"author,omitempty"`
	Date    time.Time `json:"date,omitzero"`
	// Changes are the metrics' change at the culprit (from the commit
	// before it to it).
	Changes []Change `json:"changes"`
}

// A Change is one metric's change across a culprit.
type Change struct {
	Pkg       string  `json:"pkg,omitempty"`
	Benchmark string  `json:"benchmark"`
	Unit      string  `json:"unit"`
	DeltaPct  float64 `json:"delta_pct"`
	LoPct     float64 `json:"lo_pct"`
	HiPct     float64 `json:"hi_pct"`
	// SharePct is the part of the whole change (good to bad) it is.
	SharePct float64 `json:"share_pct"`
}

// A Step is one commit measured against the good end.
type Step struct {
	Commit
	// Position is the commit's place on the line: 1 is the first commit
	// after the good end, Commits the bad end.
	Position int `json:"position"`
	// Verdict compares the commit with the good end.
	Verdict Verdict `json:"verdict"`
	// Levels are its followed metrics against the good end.
	Levels []Level `json:"levels,omitempty"`
	// Rounds is how many rounds each side ran; Again how many times an
	// Unknown made it measure again.
	Rounds int `json:"rounds"`
	Again  int `json:"again,omitempty"`
	// Skip says why the commit was skipped.
	Skip string `json:"skip,omitempty"`
	// Reused is set when an earlier run measured it.
	Reused bool `json:"reused,omitempty"`
	// Seconds is how long this run spent measuring it.
	Seconds float64 `json:"seconds"`
}

// ReadFile reads a bisect.json.
func ReadFile(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if r.Schema > Schema {
		return nil, fmt.Errorf("reading %s: schema %d is newer than this benchgate's %d: update benchgate", path, r.Schema, Schema)
	}
	return &r, nil
}
