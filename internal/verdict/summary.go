package verdict

import "math"

// count fills the summary counts and the per-suite geomeans.
func (c *Comparison) count() {
	type bkey struct{ pkg, name string }
	worst := map[bkey]Status{}
	var order []bkey
	suites := map[string]*SuiteSum{}
	var suiteOrder []string
	type acc struct {
		logSum float64
		n      int
	}
	geo := map[string]map[string]*acc{}
	var s Summary
	for _, r := range c.Rows {
		s.Rows++
		switch {
		case r.Status == StatusRegression:
			s.RegressedRows++
		case r.Status == StatusMissing && !r.AllowedMissing:
			s.MissingRows++
		}
		k := bkey{r.Pkg, r.Benchmark}
		if w, ok := worst[k]; !ok {
			order = append(order, k)
			worst[k] = r.Status
		} else if r.Status.Rank() < w.Rank() {
			worst[k] = r.Status
		}
		ss := suites[r.Suite]
		if ss == nil {
			ss = &SuiteSum{Name: r.Suite, GeomeanPct: map[string]Number{}}
			suites[r.Suite] = ss
			suiteOrder = append(suiteOrder, r.Suite)
			geo[r.Suite] = map[string]*acc{}
		}
		ss.Rows++
		switch r.Status {
		case StatusRegression:
			ss.Regressions++
		case StatusImprovement:
			ss.Improvements++
		}
		if r.Base != nil && r.Current != nil && r.Base.Center > 0 && r.Current.Center > 0 {
			a := geo[r.Suite][r.Unit]
			if a == nil {
				a = &acc{}
				geo[r.Suite][r.Unit] = a
			}
			a.logSum += math.Log(float64(r.Current.Center / r.Base.Center))
			a.n++
		}
	}
	for _, k := range order {
		s.Benchmarks++
		switch worst[k] {
		case StatusRegression:
			s.Regressions++
		case StatusImprovement:
			s.Improvements++
		case StatusUndecided:
			s.Undecided++
		case StatusMissing:
			s.Missing++
		case StatusNew:
			s.New++
		case StatusNotCounted:
			s.NotCounted++
		default:
			s.Unchanged++
		}
	}
	c.Summary = s
	c.Suites = c.Suites[:0]
	for _, name := range suiteOrder {
		ss := suites[name]
		for unit, a := range geo[name] {
			ss.GeomeanPct[unit] = Number((math.Exp(a.logSum/float64(a.n)) - 1) * 100)
		}
		c.Suites = append(c.Suites, *ss)
	}
}

// Recount counts the summary and the suites' figures again from the
// rows, after a caller changed them.
func (c *Comparison) Recount() { c.count() }
