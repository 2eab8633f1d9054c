package busy

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestLoopsDieWithTheirProcess: a process that starts the loops and ends
// without stopping them (as a test stopped by its timeout) leaves none
// running. The process is this test binary run again, as its helper.
func TestLoopsDieWithTheirProcess(t *testing.T) {
	if os.Getenv("BUSY_HELPER") == "1" {
		if _, err := Loops(); err != nil {
			os.Exit(2)
		}
		// Say which loops run, then end without stopping them.
		out, _ := exec.Command("pgrep", "-P", strconv.Itoa(os.Getpid())).Output()
		os.Stdout.Write(out)
		os.Exit(0)
	}
	if runtime.GOOS != "linux" {
		t.Skip("the loops die with their process on Linux only")
	}
	if _, err := exec.LookPath("pgrep"); err != nil {
		t.Skip("needs pgrep")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoopsDieWithTheirProcess$")
	cmd.Env = append(os.Environ(), "BUSY_HELPER=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	pids := strings.Fields(string(out))
	t.Cleanup(func() {
		for _, pid := range pids {
			exec.Command("kill", pid).Run() // what this test failed on
		}
	})
	if len(pids) != runtime.NumCPU() {
		t.Fatalf("the helper ran %d loops (%q), want %d", len(pids), out, runtime.NumCPU())
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, pid := range pids {
		for {
			b, err := os.ReadFile("/proc/" + pid + "/stat")
			// Gone, or a zombie waiting for init to reap it: not running.
			if err != nil || strings.Contains(string(b), ") Z ") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("loop %s still runs after its process ended", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
