package busy

import "syscall"

// dieWithParent has the kernel kill a loop when the thread that started
// it ends: with the process, even one that ends without running its
// cleanups (Go keeps its threads until then, but for one a goroutine
// locked and left, which these callers do not do).
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
