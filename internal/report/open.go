package report

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
)

// Open opens a written report (path) in the desktop browser, when there
// is a desktop; it does not wait for the browser.
func Open(path string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", path)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", path)
	default:
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			return errors.New("no desktop session (DISPLAY is not set)")
		}
		cmd = exec.Command("xdg-open", path)
	}
	return cmd.Start()
}
