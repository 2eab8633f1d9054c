//go:build mage

package main

import (
	//mage:import
	_ "github.com/benchgate/benchgate/bench"
)
