// Command benchcmp compares two Go benchmark result files and exits 1 when
// the current results regressed against the baseline.
//
// Usage:
//
//	benchcmp -baseline=base.txt -current=current.txt [-output=file] [-json]
//	         [-format=text|markdown|json|html] [-throughput-threshold=10]
//	         [-latency-threshold=20] [-memory-threshold=15]
//	         [-improvement-threshold=10] [-alpha=0.05] [-correction=none]
//
//	         [-allow-missing=regexp]
//
// Exit status: 0 no regression, 1 regression or a benchmark missing from
// the current results (unless -allow-missing names it), 2 usage or input
// error.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/benchgate/benchgate/internal/atomicfile"
	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/verdict"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchcmp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := verdict.DefaultOptions
	baseline := fs.String("baseline", "", "baseline results `file` (Go benchmark format)")
	current := fs.String("current", "", "current results `file` (Go benchmark format)")
	output := fs.String("output", "", "write the report to `file` instead of standard output")
	asJSON := fs.Bool("json", false, "same as -format=json")
	format := fs.String("format", "text", "report `format`: text, markdown, json or html")
	tp := fs.Float64("throughput-threshold", def.Thresholds.Throughput, "allowed throughput decrease, `percent`")
	lat := fs.Float64("latency-threshold", def.Thresholds.Latency, "allowed latency increase, `percent`")
	mem := fs.Float64("memory-threshold", def.Thresholds.Memory, "allowed B/op and allocs/op increase, `percent`")
	imp := fs.Float64("improvement-threshold", def.Thresholds.Improvement, "smallest change reported as an improvement, `percent`")
	ins := fs.Float64("instructions-threshold", def.Thresholds.Instructions, "allowed instructions/op increase (counted instructions), `percent`")
	cyc := fs.Float64("cycles-threshold", def.Thresholds.Cycles, "allowed estimated-cycles/op increase (simulated cache), `percent`")
	alpha := fs.Float64("alpha", def.Alpha, "significance `level` of the Mann-Whitney U test")
	correction := fs.String("correction", string(def.Correction), "multiple-comparison `control`: none, holm or bh")
	allowMissing := fs.String("allow-missing", "", "benchmarks (a `regexp`) allowed to be missing from the current results")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: benchcmp -baseline=base.txt -current=current.txt [flags]")
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "exit status: 0 no regression, 1 regression or a benchmark missing from -current, 2 usage or input error")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exit.Code(nil)
		}
		return exit.Code(err)
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "benchcmp: %v\n", err)
		return exit.Code(err) // bad input: no verdict
	}
	if fs.NArg() > 0 {
		return fail(fmt.Errorf("unexpected argument %q: name the files with -baseline and -current", fs.Arg(0)))
	}
	if *baseline == "" || *current == "" {
		return fail(errors.New("both -baseline and -current are required"))
	}
	if *asJSON {
		*format = "json"
	}
	render, ok := renderers[*format]
	if !ok {
		return fail(fmt.Errorf("unknown -format %q: use text, markdown, json or html", *format))
	}
	opts := def
	opts.Thresholds = verdict.Thresholds{Throughput: *tp, Latency: *lat, Memory: *mem, Improvement: *imp, Instructions: *ins, Cycles: *cyc}
	opts.Alpha = *alpha
	opts.Correction = verdict.Correction(*correction)
	opts.AllowMissing = *allowMissing

	cmp, err := verdict.CompareFiles(*baseline, *current, opts)
	if err != nil {
		return fail(err)
	}
	var buf bytes.Buffer
	if err := render(&buf, cmp); err != nil {
		return fail(err)
	}
	if *output != "" {
		err = atomicfile.WriteBytes(*output, buf.Bytes())
	} else {
		_, err = stdout.Write(buf.Bytes())
	}
	if err != nil {
		return fail(err)
	}
	return int(cmp.Outcome()) // what exit.Code gives for this comparison
}

var renderers = map[string]func(io.Writer, *verdict.Comparison) error{
	"text": report.Text,
	"json": verdict.WriteJSON,
	"markdown": func(w io.Writer, c *verdict.Comparison) error {
		return report.Markdown(w, c, report.DefaultMarkdownOptions)
	},
	"html": func(w io.Writer, c *verdict.Comparison) error {
		return report.HTML(w, c, report.DefaultHTMLOptions)
	},
}
