//go:build mage

package main

import (
	// The Bench targets: bench:regression, bench:saveBaseline, ... (the
	// same one line works in any repository).
	//mage:import
	_ "github.com/benchgate/benchgate/bench"
)
