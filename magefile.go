//go:build ignore

// The zero-install bootstrap: go run magefile.go bench:regression runs a
// target without the mage tool (every failure exits 1; use go tool mage to
// keep mage's exit codes).
package main

import (
	"os"

	"github.com/magefile/mage/mage"
)

func main() { os.Exit(mage.Main()) }
