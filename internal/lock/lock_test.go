package lock

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAcquireRelease(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".lock")
	l, err := Acquire(path, "bench:regression")
	if err != nil {
		t.Fatal(err)
	}
	if Free(path) {
		t.Error("Free while held")
	}
	_, err = Acquire(path, "another")
	if !errors.Is(err, ErrHeld) || !strings.Contains(err.Error(), "bench:regression") || !strings.Contains(err.Error(), "pid ") {
		t.Errorf("second Acquire: %v; want ErrHeld naming the holder", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if !Free(path) {
		t.Error("not Free after Release")
	}
	l2, err := Acquire(path, "again")
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	l2.Release()
}

// TestHeldByAnotherProcess: a lock held by another process (this test
// binary, run again as a holder) is seen, and is free once that process
// is killed.
func TestHeldByAnotherProcess(t *testing.T) {
	if path := os.Getenv("BENCHGATE_LOCK_HOLD"); path != "" {
		if _, err := Acquire(path, "holder"); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("held\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), ".lock")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHeldByAnotherProcess$")
	cmd.Env = append(os.Environ(), "BENCHGATE_LOCK_HOLD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "held\n" {
		t.Fatalf("holder said %q", line)
	}
	if _, err := Acquire(path, "me"); !errors.Is(err, ErrHeld) || !strings.Contains(err.Error(), "holder") {
		t.Errorf("Acquire while another process holds it: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if !Free(path) {
		t.Error("not free after the holder died")
	}
}

// TestSymlinkIsRefused: a lock file that is a symbolic link to a file
// elsewhere is refused, and that file is not touched.
func TestSymlinkIsRefused(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, ".lock")
	if err := os.Symlink(victim, link); err != nil {
		t.Skip("no symbolic links here")
	}
	if l, err := Acquire(link, "test"); err == nil {
		l.Release()
		t.Fatal("a symbolic link was taken as the lock")
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Errorf("the file behind the link was overwritten: %q", b)
	}
}
