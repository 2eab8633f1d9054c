package lines

import (
	"bytes"
	"strings"
	"testing"
)

// TestHeadTail: 9 MB of log and then a panic keep the log's head and the
// panic, in at most about three times Max.
func TestHeadTail(t *testing.T) {
	e := HeadTail{Max: 256 << 10}
	for range 100 {
		e.Write(bytes.Repeat([]byte("log line\n"), 10000))
	}
	e.Write([]byte("panic: boom\n\ngoroutine 1 [running]:\n"))
	if n := len(e.Bytes()); n > 600<<10 {
		t.Errorf("kept %d bytes", n)
	}
	if !strings.Contains(e.String(), "panic: boom") || !strings.HasPrefix(e.String(), "log line") || !strings.Contains(e.String(), " bytes ...") {
		t.Error("lost the head, the panic, or the note of what was dropped")
	}
}
