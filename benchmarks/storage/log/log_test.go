package log

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func record(i int) (key, value []byte) {
	return []byte(fmt.Sprintf("key-%d", i)), bytes.Repeat([]byte{byte(i)}, 10+i%300)
}

// TestAppendReadAcrossRollsAndReopen appends enough to roll many
// segments, reopens the log and checks every record and the next offset.
func TestAppendReadAcrossRollsAndReopen(t *testing.T) {
	dir := t.TempDir()
	opts := Options{SegmentBytes: 8 << 10, IndexIntervalBytes: 512}
	l, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	const n = 1000
	for i := 0; i < n; i++ {
		k, v := record(i)
		off, err := l.Append(k, v, int64(1000+i))
		if err != nil {
			t.Fatal(err)
		}
		if off != int64(i) {
			t.Fatalf("offset %d, want %d", off, i)
		}
	}
	if l.Segments() < 10 {
		t.Fatalf("only %d segments: the test should roll many", l.Segments())
	}
	check := func(l *Log) {
		t.Helper()
		for i := 0; i < n; i++ {
			r, err := l.Read(int64(i))
			if err != nil {
				t.Fatalf("read %d: %v", i, err)
			}
			k, v := record(i)
			if r.Offset != int64(i) || r.Timestamp != int64(1000+i) || !bytes.Equal(r.Key, k) || !bytes.Equal(r.Value, v) {
				t.Fatalf("record %d differs: %+v", i, r)
			}
		}
		if got := l.NextOffset(); got != n {
			t.Fatalf("next offset %d, want %d", got, n)
		}
	}
	check(l)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l2, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	check(l2)
	if off, err := l2.Append([]byte("k"), []byte("v"), 1); err != nil || off != n {
		t.Fatalf("append after reopen: %d %v", off, err)
	}
}

func TestTornTailIsCut(t *testing.T) {
	dir := t.TempDir()
	l, _ := Open(dir, Options{})
	for i := 0; i < 10; i++ {
		k, v := record(i)
		l.Append(k, v, 0)
	}
	l.Close()
	seg := filepath.Join(dir, fmt.Sprintf("%020d.log", 0))
	fi, _ := os.Stat(seg)
	os.Truncate(seg, fi.Size()-5) // a crash in the middle of the last record
	l2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if got := l2.NextOffset(); got != 9 {
		t.Fatalf("next offset after a torn write %d, want 9", got)
	}
	if _, err := l2.Read(9); !errors.Is(err, ErrOffsetOutOfRange) {
		t.Fatalf("read of the torn record: %v", err)
	}
}

func TestScanMaxBytesAndRange(t *testing.T) {
	l, _ := Open(t.TempDir(), Options{SegmentBytes: 4 << 10})
	defer l.Close()
	for i := 0; i < 100; i++ {
		l.Append(nil, make([]byte, 100), 0)
	}
	var got []int64
	if err := l.Scan(10, 1000, func(r Record) bool { got = append(got, r.Offset); return true }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 || got[0] != 10 || got[9] != 19 {
		t.Fatalf("scan of 1000 bytes from 10: %v", got)
	}
	// A first record larger than maxBytes is still returned.
	got = nil
	l.Scan(50, 1, func(r Record) bool { got = append(got, r.Offset); return true })
	if len(got) != 1 {
		t.Fatalf("scan with a tiny budget: %v", got)
	}
	if _, err := l.Read(100); !errors.Is(err, ErrOffsetOutOfRange) {
		t.Fatalf("read past the end: %v", err)
	}
}

func TestRetention(t *testing.T) {
	l, _ := Open(t.TempDir(), Options{SegmentBytes: 1 << 10, MaxSegments: 3})
	defer l.Close()
	for i := 0; i < 200; i++ {
		l.Append(nil, make([]byte, 100), 0)
	}
	if l.Segments() != 3 {
		t.Fatalf("%d segments, want 3", l.Segments())
	}
	if _, err := l.Read(0); !errors.Is(err, ErrOffsetOutOfRange) {
		t.Fatalf("read of a deleted offset: %v", err)
	}
	if _, err := l.Read(l.StartOffset()); err != nil {
		t.Fatal(err)
	}
}
