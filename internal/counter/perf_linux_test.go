//go:build linux

package counter

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"golang.org/x/sys/unix"
)

// TestPerfCountsTheChild checks perf's plumbing (a counter opened
// disabled on the thread, inherited by the child, enabled at exec) with a
// software event, task-clock, which kernels without hardware counters
// still have: the child's CPU time is counted, benchgate's own is not.
func TestPerfCountsTheChild(t *testing.T) {
	p := &perfCounter{typ: unix.PERF_TYPE_SOFTWARE, config: unix.PERF_COUNT_SW_TASK_CLOCK}
	if fd, err := p.open(); err != nil {
		t.Skipf("skipped: perf_event_open offers not even software events here: %v", err)
	} else {
		unix.Close(fd)
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	run := func(script string) uint64 {
		r, err := p.Run(context.Background(), sh, []string{"-c", script}, os.TempDir(), nil, nil)
		if err != nil || r.Exit != nil {
			t.Fatalf("%v %v", err, r.Exit)
		}
		return r.Instructions
	}
	// Busy work in the parent meanwhile must not count.
	done := make(chan bool)
	go func() {
		x := 0
		for {
			select {
			case <-done:
				return
			default:
				x++
			}
		}
	}()
	idle := run("exit 0")
	busy := run("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done")
	close(done)
	t.Logf("task-clock: idle child %d ns, busy child %d ns", idle, busy)
	if busy < 20_000_000 || busy < 5*idle {
		t.Errorf("the busy child counted %d ns (idle %d): the counter does not follow the child", busy, idle)
	}
}
