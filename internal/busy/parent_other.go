//go:build !linux

package busy

import "syscall"

// dieWithParent: elsewhere the loops end only when stopped.
func dieWithParent() *syscall.SysProcAttr { return nil }
