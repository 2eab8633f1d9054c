//go:build mage

package main

import "github.com/benchgate/benchgate/bench"

// suites are this repository's suites: what bench:regression measures and
// BENCH_SUITES selects from for local runs (CI spreads ./benchmarks/...
// over shards with the reusable gate instead). Packages are go list
// patterns relative to BENCH_DIR; Thresholds and Overrides may tighten or
// loosen the defaults per suite or benchmark pattern.
var suites = []bench.Suite{
	{Name: "storage", Packages: []string{"./benchmarks/storage/log", "./benchmarks/storage/topic"}},
	{Name: "kafka", Packages: []string{"./benchmarks/kafka/handler"}},
	{Name: "grpc", Packages: []string{"./benchmarks/grpcapi"}},
	{Name: "throttle", Packages: []string{"./benchmarks/throttle"}},
	{Name: "mempool", Packages: []string{"./benchmarks/mempool"}},
}

func init() { bench.Suites = suites }
