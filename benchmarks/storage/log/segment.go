package log

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
)

const segmentSuffix = ".log"

// A record on disk: length (uint32, of what follows), CRC-32C of what
// follows the CRC, offset (int64), timestamp (int64), key length (int32),
// key, value.
const headerSize = 4 + 4 + 8 + 8 + 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// An indexEntry maps an offset to its byte position in the segment.
type indexEntry struct {
	offset int64
	pos    int64
}

type segment struct {
	path      string
	base      int64 // first offset
	next      int64 // offset of the next record
	size      int64 // bytes written, buffered included
	flushed   int64 // bytes handed to the file
	f         *os.File
	w         *bufio.Writer
	index     []indexEntry
	lastIndex int64 // position of the last index entry
	interval  int64
	scratch   []byte
}

// openSegment opens or creates the segment with base offset base and
// recovers it: it rebuilds the sparse index and cuts a torn tail record.
func openSegment(dir string, base int64, interval int64) (*segment, error) {
	path := filepath.Join(dir, fmt.Sprintf("%020d%s", base, segmentSuffix))
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	s := &segment{path: path, base: base, next: base, f: f, interval: interval, lastIndex: -interval}
	if err := s.recover(); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(s.size, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	s.w = bufio.NewWriterSize(f, 64<<10)
	return s, nil
}

func (s *segment) recover() error {
	r := bufio.NewReaderSize(io.NewSectionReader(s.f, 0, 1<<62), 64<<10)
	var pos int64
	hdr := make([]byte, headerSize)
	var body []byte
	for {
		if _, err := io.ReadFull(r, hdr); err != nil {
			break // clean end or torn header
		}
		n := int64(binary.BigEndian.Uint32(hdr[0:4]))
		if n < headerSize-4 || n > 1<<30 {
			break
		}
		rest := int(n) - (headerSize - 4)
		if cap(body) < rest {
			body = make([]byte, rest)
		}
		body = body[:rest]
		if _, err := io.ReadFull(r, body); err != nil {
			break // torn record
		}
		crc := crc32.Update(crc32.Checksum(hdr[8:], castagnoli), castagnoli, body)
		if crc != binary.BigEndian.Uint32(hdr[4:8]) {
			break
		}
		off := int64(binary.BigEndian.Uint64(hdr[8:16]))
		s.indexAt(off, pos)
		pos += 4 + n
		s.next = off + 1
	}
	s.size, s.flushed = pos, pos
	return s.f.Truncate(pos)
}

func (s *segment) indexAt(offset, pos int64) {
	if pos-s.lastIndex >= s.interval {
		s.index = append(s.index, indexEntry{offset, pos})
		s.lastIndex = pos
	}
}

func (s *segment) append(key, value []byte, ts int64) (int64, error) {
	n := headerSize + len(key) + len(value)
	if cap(s.scratch) < headerSize {
		s.scratch = make([]byte, headerSize)
	}
	h := s.scratch[:headerSize]
	off := s.next
	binary.BigEndian.PutUint32(h[0:4], uint32(n-4))
	binary.BigEndian.PutUint64(h[8:16], uint64(off))
	binary.BigEndian.PutUint64(h[16:24], uint64(ts))
	binary.BigEndian.PutUint32(h[24:28], uint32(len(key)))
	crc := crc32.Update(crc32.Checksum(h[8:], castagnoli), castagnoli, key)
	crc = crc32.Update(crc, castagnoli, value)
	binary.BigEndian.PutUint32(h[4:8], crc)
	for _, b := range [][]byte{h, key, value} {
		if _, err := s.w.Write(b); err != nil {
			return 0, fmt.Errorf("appending to %s: %w", s.path, err)
		}
	}
	s.indexAt(off, s.size)
	s.size += int64(n)
	s.next++
	return off, nil
}

func (s *segment) flush() error {
	if s.flushed == s.size {
		return nil
	}
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("flushing %s: %w", s.path, err)
	}
	s.flushed = s.size
	return nil
}

// scan passes the records from offset on to fn. It reports whether the
// caller should go on with the next segment.
// r is a reader the caller reuses across scans.
func (s *segment) scan(offset int64, r *reader, fn func(Record) bool) (bool, error) {
	if offset >= s.next {
		return true, nil
	}
	pos := int64(0)
	if i := sort.Search(len(s.index), func(i int) bool { return s.index[i].offset > offset }) - 1; i >= 0 {
		pos = s.index[i].pos
	}
	r.reset(s.f, pos, s.flushed)
	hdr := r.hdr[:]
	var buf []byte
	for {
		if _, err := io.ReadFull(r.buf, hdr); err != nil {
			if errors.Is(err, io.EOF) {
				return true, nil
			}
			return false, fmt.Errorf("reading %s: %w", s.path, err)
		}
		n := int(binary.BigEndian.Uint32(hdr[0:4])) - (headerSize - 4)
		off := int64(binary.BigEndian.Uint64(hdr[8:16]))
		if off < offset {
			if _, err := r.Discard(n); err != nil {
				return false, fmt.Errorf("reading %s: %w", s.path, err)
			}
			continue
		}
		buf = make([]byte, n)
		if _, err := io.ReadFull(r.buf, buf); err != nil {
			return false, fmt.Errorf("reading %s: %w", s.path, err)
		}
		kl := int(binary.BigEndian.Uint32(hdr[24:28]))
		if kl > n {
			return false, fmt.Errorf("reading %s: corrupt record at offset %d", s.path, off)
		}
		rec := Record{Offset: off, Timestamp: int64(binary.BigEndian.Uint64(hdr[16:24])), Key: buf[:kl:kl], Value: buf[kl:]}
		if !fn(rec) {
			return false, nil
		}
	}
}

func (s *segment) close() error {
	err := s.flush()
	return errors.Join(err, s.f.Close())
}

func (s *segment) remove() error {
	s.f.Close()
	return os.Remove(s.path)
}

// A reader reads a segment file from a position through a reused buffer.
type reader struct {
	pos, end int64
	f        *os.File
	buf      *bufio.Reader
	hdr      [headerSize]byte
}

func (r *reader) reset(f *os.File, pos, end int64) {
	r.f, r.pos, r.end = f, pos, end
	if r.buf == nil {
		r.buf = bufio.NewReaderSize(r, 8<<10)
	}
	r.buf.Reset(r)
}

func (r *reader) Read(p []byte) (int, error) {
	if r.pos >= r.end {
		return 0, io.EOF
	}
	if int64(len(p)) > r.end-r.pos {
		p = p[:r.end-r.pos]
	}
	n, err := r.f.ReadAt(p, r.pos)
	r.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (r *reader) Discard(n int) (int, error) { return r.buf.Discard(n) }
