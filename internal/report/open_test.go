package report

import (
	"runtime"
	"strings"
	"testing"
)

func TestOpenWithoutDesktop(t *testing.T) {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("a desktop is always there")
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if err := Open("/nonexistent/report.html"); err == nil || !strings.Contains(err.Error(), "no desktop session") {
		t.Errorf("Open without a desktop = %v, want it to say there is none", err)
	}
}
