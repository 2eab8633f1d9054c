// Package busy keeps every core busy, as on a loaded shared CI runner, for
// the studies and tests whose results must hold under load. The loops die
// with the process that started them (on Linux), so a test stopped by
// its timeout, or a study by a panic, leaves none behind to load the
// machine for whatever runs next.
package busy

import (
	"fmt"
	"os/exec"
	"runtime"
)

// Loops starts one busy loop per core; stop ends them.
func Loops() (stop func(), err error) {
	var cmds []*exec.Cmd
	stop = func() {
		for _, c := range cmds {
			c.Process.Kill()
			c.Wait()
		}
	}
	for range runtime.NumCPU() {
		c := exec.Command("sh", "-c", "while :; do :; done")
		c.SysProcAttr = dieWithParent()
		if err := c.Start(); err != nil {
			stop()
			return nil, fmt.Errorf("starting a busy loop: %w", err)
		}
		cmds = append(cmds, c)
	}
	return stop, nil
}
