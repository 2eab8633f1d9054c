package history

// MinRuns is how many runs the longest series needs before a change can
// be found in it: two segments of at least MinSegment (and 2) runs each.
func (o TrendOptions) MinRuns() int { return 2 * max(o.MinSegment, 2) }

// Longest is the number of points of the longest series.
func Longest(series []*Series) int {
	n := 0
	for _, s := range series {
		n = max(n, len(s.Points))
	}
	return n
}

// Unrecorded returns the commits (newest first, as a first-parent walk
// gives them) that no run records, oldest first: what a backfill
// measures.
func Unrecorded(commits []string, runs []*Run) []string {
	have := map[string]bool{}
	for _, r := range runs {
		have[r.Commit] = true
	}
	var todo []string
	for i := len(commits) - 1; i >= 0; i-- {
		if !have[commits[i]] {
			todo = append(todo, commits[i])
		}
	}
	return todo
}
