package verdict

import (
	"fmt"
	"strconv"
	"strings"
)

// Rejudge judges a comparison made elsewhere (a CI shard's) again from
// the samples it carries, with opts: the thresholds in force where it is
// read. Nothing the comparison says about itself is trusted, neither a
// row's status, change, p-value or noise flag, nor its confirmation's
// verdict (the fresh rounds' samples are judged again too), nor its gaps
// and broken benchmarks (decided again from its failures). What holds no
// samples (warnings, profiles, packages not affected) is kept.
func Rejudge(c *Comparison, opts Options) (*Comparison, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if c.ResultsOnly || len(c.Rows) == 0 {
		return c, nil
	}
	main, err := compareRows(c.Rows, opts, func(r Row) (*Stats, *Stats) { return r.Base, r.Current })
	if err != nil {
		return nil, err
	}
	if main == nil { // no row has samples on both sides
		main = Empty(opts)
		for _, r := range c.Rows {
			r.Confirmed, r.Confirmation, r.Noisy, r.AllowedMissing, r.Reason = nil, nil, false, false, ""
			switch {
			case r.Base != nil && r.Current == nil:
				name, _ := SplitProcs([]byte(r.Benchmark))
				r.Status, r.AllowedMissing = StatusMissing, opts.missingAllowed(r.Pkg, name)
			case r.Current != nil:
				r.Status = StatusNew
			default:
				continue
			}
			main.Rows = append(main.Rows, r)
		}
		main.count()
	}
	var confirmed []Row
	for _, r := range c.Rows {
		if r.Confirmation != nil && r.Confirmation.Base != nil && r.Confirmation.Current != nil {
			confirmed = append(confirmed, r)
		}
	}
	if len(confirmed) > 0 {
		fresh, err := compareRows(confirmed, opts, func(r Row) (*Stats, *Stats) { return r.Confirmation.Base, r.Confirmation.Current })
		if err != nil {
			return nil, err
		}
		if fresh != nil {
			Confirm(main, fresh)
		}
	}
	out := *c
	out.Rows, out.Settings, out.Summary, out.Suites = main.Rows, main.Settings, main.Summary, main.Suites
	out.Warnings = append(append([]string(nil), c.Warnings...), main.Warnings...)
	out.Gaps, out.Broken = nil, nil
	for _, g := range c.Gaps {
		if !c.isFailureGap(g) {
			out.Gaps = append(out.Gaps, g)
		}
	}
	out.Account(c.Failures)
	return &out, nil
}

// isFailureGap reports whether gap g is one that Account made from the
// comparison's failures (and makes again).
func (c *Comparison) isFailureGap(g string) bool {
	for _, f := range c.Failures {
		if strings.HasPrefix(g, f.Side+": "+f.Pkg+": ") {
			return true
		}
	}
	return false
}

// compareRows compares the samples side(r) gives for each row, written
// out and read back as Go benchmark results with each row's package,
// suite and counting note, so that units, classes and directions are
// found as for any results file. It returns nil when no row has samples
// on both sides.
func compareRows(rows []Row, opts Options, side func(Row) (*Stats, *Stats)) (*Comparison, error) {
	var base, cur strings.Builder
	for _, r := range rows {
		b, c := side(r)
		for _, s := range []struct {
			w  *strings.Builder
			st *Stats
		}{{&base, b}, {&cur, c}} {
			if s.st == nil {
				continue
			}
			fmt.Fprintf(s.w, "pkg: %s\nsuite: %s\nuncounted: %s\n", oneLine(r.Pkg), oneLine(r.Suite), uncountedOf(r))
			if r.Better != 0 && r.Class == Other {
				better := "higher"
				if r.Better < 0 {
					better = "lower"
				}
				fmt.Fprintf(s.w, "Unit %s better=%s\n", r.Unit, better)
			}
			for _, v := range s.st.Samples {
				fmt.Fprintf(s.w, "%s 1 %s %s\n", r.Benchmark, strconv.FormatFloat(v, 'g', -1, 64), r.Unit)
			}
			if len(s.st.Samples) == 0 { // every sample was left out: the side is there, unjudged
				fmt.Fprintf(s.w, "%s 1 NaN %s\n", r.Benchmark, r.Unit)
			}
		}
	}
	bs, err := Read(strings.NewReader(base.String()), "base samples")
	if err != nil {
		return nil, nil
	}
	cs, err := Read(strings.NewReader(cur.String()), "current samples")
	if err != nil {
		return nil, nil
	}
	cmp, err := Compare(bs, cs, opts)
	if err != nil {
		return nil, nil
	}
	return cmp, nil
}

// uncountedOf is why a counted row's count means nothing, from its
// reason ("not counted: uses b.RunParallel; only time can judge it").
func uncountedOf(r Row) string {
	why, ok := strings.CutPrefix(r.Reason, "not counted: ")
	if !ok || r.Class != Instructions {
		return ""
	}
	why, _, _ = strings.Cut(why, "; only time can judge it")
	return oneLine(why)
}

func oneLine(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }
