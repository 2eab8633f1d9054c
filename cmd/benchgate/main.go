// Command benchgate runs benchgate's targets in any Go module as it is:
// nothing is added to the module's go.mod or go.sum, so both sides are
// built with exactly the dependencies the module chose.
//
// Usage:
//
//	go run github.com/benchgate/benchgate/cmd/benchgate@latest <target>
//	benchgate help
//
// The targets are the Mage targets' (benchgate regression is
// bench:regression), with the same settings (environment variables;
// benchgate env lists them) and exit statuses: 0 pass, 1 regression or
// missing benchmark, 2 no verdict or bad input.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/lines"
	"github.com/benchgate/benchgate/internal/targets"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills at once
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		usage(stdout)
		return 0
	}
	if len(args) != 1 {
		usage(stderr)
		return 2
	}
	t, ok := targets.Find(args[0])
	if !ok {
		fmt.Fprintf(stderr, "benchgate: no target %q: use one of %s (benchgate help)\n", args[0], targets.Names())
		return 2
	}
	err := t.Run(ctx, nil)
	if err != nil {
		fmt.Fprintf(stderr, "benchgate %s: %s\n", t.Name, lines.Printable(err.Error()))
	}
	return exit.Code(err)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: benchgate <target>")
	fmt.Fprintln(w, "\nTargets (the Mage targets bench:<target>, same settings and exit statuses):")
	for _, t := range targets.All {
		_, what, _ := strings.Cut(t.Synopsis, " ") // "Regression benchmarks ..."
		fmt.Fprintf(w, "  %-13s %s\n", t.Name, what)
	}
	fmt.Fprintln(w, "\nSettings are environment variables: benchgate env lists them with their values.")
	fmt.Fprintln(w, "Exit status: 0 pass, 1 regression or missing benchmark, 2 no verdict or bad input.")
}
