// Command largehistory writes the large history bench:trend's speed is
// measured on: a git repository in DIR whose main branch has 10,000
// commits and whose benchgate-history branch holds 100,000 runs (5
// benchmarks x 3 units x 10 samples each; one benchmark's ns/op steps up
// 20% at the middle commit).
//
// Usage:
//
//	go run ./cmd/largehistory DIR
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/benchgate/benchgate/internal/historygen"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: largehistory DIR")
		os.Exit(2)
	}
	if err := historygen.History(context.Background(), os.Args[1], historygen.LargeHistory); err != nil {
		fmt.Fprintf(os.Stderr, "largehistory: %v\n", err)
		os.Exit(2)
	}
}
