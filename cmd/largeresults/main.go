// Command largeresults writes the large inputs benchgate's speed is
// measured on: DIR/base.txt and DIR/current.txt, 100,000 result lines each
// (2,000 benchmarks x 50 samples x 4 units), the current 5% slower.
//
// Usage:
//
//	go run ./cmd/largeresults DIR
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/benchgate/benchgate/internal/benchgen"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: largeresults DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "largeresults: %v\n", err)
		os.Exit(2)
	}
	for name, f := range map[string][]byte{
		"base.txt":    benchgen.Results(100_000, 2000, 1, 1),
		"current.txt": benchgen.Results(100_000, 2000, 2, 1.05),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), f, 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "largeresults: %v\n", err)
			os.Exit(2)
		}
	}
}
