// Package log is an append-only, segmented log on disk, the storage under a
// topic partition: records (key, value, timestamp) get consecutive offsets,
// segments roll at a size limit, a sparse in-memory index per segment finds
// an offset's position, and reopening recovers every record and the next
// offset (a torn record at the tail is cut off).
package log

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Options configure a Log. Zero fields take the defaults.
type Options struct {
	// SegmentBytes is the size at which the active segment rolls.
	// Default 16 MiB.
	SegmentBytes int64
	// IndexIntervalBytes is the distance between two sparse index
	// entries. Default 4 KiB.
	IndexIntervalBytes int64
	// MaxSegments, when > 0, deletes the oldest segments beyond this
	// count at each roll (retention). Default 0: keep everything.
	MaxSegments int
}

// DefaultOptions are the defaults of Options.
var DefaultOptions = Options{SegmentBytes: 16 << 20, IndexIntervalBytes: 4 << 10}

// A Record is one entry of the log.
type Record struct {
	Offset    int64
	Timestamp int64
	Key       []byte
	Value     []byte
}

// ErrOffsetOutOfRange is returned for an offset before the first retained
// record or at or after the next offset.
var ErrOffsetOutOfRange = errors.New("offset out of range")

// A Log is safe for concurrent use; operations are serialized.
type Log struct {
	mu       sync.Mutex
	dir      string
	opts     Options
	segments []*segment // ascending base offsets; the last is active
	closed   bool
	rd       reader // reused by scans, which are serialized
}

// Open opens the log in dir, creating dir if needed, and recovers its
// segments.
func Open(dir string, opts Options) (*Log, error) {
	if opts.SegmentBytes <= 0 {
		opts.SegmentBytes = DefaultOptions.SegmentBytes
	}
	if opts.IndexIntervalBytes <= 0 {
		opts.IndexIntervalBytes = DefaultOptions.IndexIntervalBytes
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("opening log: %w", err)
	}
	l := &Log{dir: dir, opts: opts}
	names, err := filepath.Glob(filepath.Join(dir, "*"+segmentSuffix))
	if err != nil {
		return nil, err
	}
	var bases []int64
	for _, n := range names {
		b, err := strconv.ParseInt(strings.TrimSuffix(filepath.Base(n), segmentSuffix), 10, 64)
		if err == nil {
			bases = append(bases, b)
		}
	}
	sort.Slice(bases, func(i, j int) bool { return bases[i] < bases[j] })
	for _, b := range bases {
		s, err := openSegment(dir, b, opts.IndexIntervalBytes)
		if err != nil {
			l.closeSegments()
			return nil, fmt.Errorf("opening log %s: %w", dir, err)
		}
		l.segments = append(l.segments, s)
	}
	if len(l.segments) == 0 {
		s, err := openSegment(dir, 0, opts.IndexIntervalBytes)
		if err != nil {
			return nil, fmt.Errorf("opening log %s: %w", dir, err)
		}
		l.segments = append(l.segments, s)
	}
	return l, nil
}

// Append appends a record and returns its offset.
func (l *Log) Append(key, value []byte, timestamp int64) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0, errors.New("append: log is closed")
	}
	active := l.segments[len(l.segments)-1]
	if active.size >= l.opts.SegmentBytes {
		if err := l.roll(); err != nil {
			return 0, err
		}
		active = l.segments[len(l.segments)-1]
	}
	return active.append(key, value, timestamp)
}

// roll starts a new active segment at the next offset and applies
// retention.
func (l *Log) roll() error {
	active := l.segments[len(l.segments)-1]
	if err := active.flush(); err != nil {
		return err
	}
	s, err := openSegment(l.dir, active.next, l.opts.IndexIntervalBytes)
	if err != nil {
		return fmt.Errorf("rolling segment: %w", err)
	}
	l.segments = append(l.segments, s)
	for l.opts.MaxSegments > 0 && len(l.segments) > l.opts.MaxSegments {
		if err := l.segments[0].remove(); err != nil {
			return fmt.Errorf("retention: %w", err)
		}
		l.segments = l.segments[1:]
	}
	return nil
}

// Read returns the record at offset.
func (l *Log) Read(offset int64) (Record, error) {
	var rec Record
	err := l.Scan(offset, 1, func(r Record) bool { rec = r; return false })
	if err != nil {
		return Record{}, err
	}
	return rec, nil
}

// Scan calls fn for the records from offset on, in order, until fn returns
// false, maxBytes of record data (keys and values) have been passed, or the
// log ends. At least one record is passed when offset is in range. Each
// record's Key and Value are freshly allocated: fn may keep them.
func (l *Log) Scan(offset int64, maxBytes int, fn func(Record) bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return errors.New("scan: log is closed")
	}
	i := sort.Search(len(l.segments), func(i int) bool { return l.segments[i].base > offset }) - 1
	if i < 0 || offset >= l.segments[len(l.segments)-1].next {
		return fmt.Errorf("reading offset %d: %w (log holds %d to %d)", offset, ErrOffsetOutOfRange, l.segments[0].base, l.segments[len(l.segments)-1].next-1)
	}
	if err := l.segments[len(l.segments)-1].flush(); err != nil {
		return err
	}
	budget := maxBytes
	first := true
	for ; i < len(l.segments); i++ {
		more, err := l.segments[i].scan(offset, &l.rd, func(r Record) bool {
			n := len(r.Key) + len(r.Value)
			if !first && n > budget {
				return false
			}
			first = false
			budget -= n
			return fn(r) && budget > 0
		})
		if err != nil || !more {
			return err
		}
		offset = l.segments[i].next
	}
	return nil
}

// NextOffset is the offset the next Append returns.
func (l *Log) NextOffset() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.segments[len(l.segments)-1].next
}

// StartOffset is the first retained offset.
func (l *Log) StartOffset() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.segments[0].base
}

// Segments is the number of segments on disk.
func (l *Log) Segments() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.segments)
}

// Flush writes buffered records to the operating system.
func (l *Log) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.segments[len(l.segments)-1].flush()
}

// Close flushes and closes the log.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	return l.closeSegments()
}

func (l *Log) closeSegments() error {
	var errs []error
	for _, s := range l.segments {
		errs = append(errs, s.close())
	}
	return errors.Join(errs...)
}
