package busy

import "syscall"

// dieWithParent has the kernel kill a loop when the thread that started
// it ends: with the process, even one that ends without running its
// cleanups.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
