package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/benchgate/benchgate/internal/verdict"
)

// Results writes a readable table of results without a baseline (see
// verdict.Describe): per package, one line per benchmark with the median
// and ± range of each metric.
func Results(w io.Writer, c *verdict.Comparison) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	pkg := "\x00"
	for _, rows := range benchmarks(c) {
		if rows[0].Pkg != pkg {
			if pkg != "\x00" {
				fmt.Fprintln(tw, "\t")
			}
			pkg = rows[0].Pkg
			tw.Flush()
			fmt.Fprintf(w, "pkg: %s\n", pkg)
		}
		fmt.Fprintf(tw, "%s\t", Clean(BenchName(rows[0])))
		for _, r := range rows {
			st := r.Current
			if st == nil {
				st = r.Base
			}
			if rg := Range(st); rg != "±∞" {
				fmt.Fprintf(tw, "%s %s %s\t", Value(float64(st.Center)), r.Unit, rg)
			} else {
				fmt.Fprintf(tw, "%s %s\t", Value(float64(st.Center)), r.Unit)
			}
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, warn := range c.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	return nil
}
