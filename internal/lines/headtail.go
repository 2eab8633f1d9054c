package lines

import "fmt"

// A HeadTail keeps the first and the last max bytes written to it (a
// run's stderr: the panic and its stack are at the end, whatever was
// logged before). The tail is trimmed once it holds twice max, so a
// benchmark that logs line by line costs no copy per line.
type HeadTail struct {
	head, tail []byte
	// Max is how many bytes of each end are kept.
	Max     int
	dropped int64
}

func (w *HeadTail) Write(p []byte) (int, error) {
	n := len(p)
	if room := w.Max - len(w.head); room > 0 {
		k := min(room, len(p))
		w.head = append(w.head, p[:k]...)
		p = p[k:]
	}
	w.tail = append(w.tail, p...)
	if over := len(w.tail) - w.Max; over > w.Max {
		w.dropped += int64(over)
		w.tail = append(w.tail[:0:0], w.tail[over:]...)
	}
	return n, nil
}

// Bytes is what was kept: the head, then the last max bytes.
func (w *HeadTail) Bytes() []byte {
	tail, dropped := w.tail, w.dropped
	if over := len(tail) - w.Max; over > 0 {
		tail, dropped = tail[over:], dropped+int64(over)
	}
	if dropped == 0 {
		return append(append([]byte(nil), w.head...), tail...)
	}
	return append(append(append([]byte(nil), w.head...), fmt.Sprintf("\n... %d bytes ...\n", dropped)...), tail...)
}

// String is Bytes as a string.
func (w *HeadTail) String() string { return string(w.Bytes()) }
