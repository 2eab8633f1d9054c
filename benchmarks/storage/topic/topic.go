// Package topic keeps topics of N partitions, each partition a storage/log
// Log. Records with a key go to the partition the key hashes to (FNV-1a);
// records without one are spread round-robin. Fetch reads a partition from
// an offset up to a byte limit.
package topic

import (
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/benchgate/benchgate/benchmarks/storage/log"
)

// ErrUnknownTopic and ErrUnknownPartition are returned for names and
// partitions that do not exist.
var (
	ErrUnknownTopic     = errors.New("unknown topic")
	ErrUnknownPartition = errors.New("unknown partition")
)

// A Topic is a named set of partitions.
type Topic struct {
	Name       string
	partitions []*log.Log
	rr         atomic.Uint32
}

// Partitions is the number of partitions.
func (t *Topic) Partitions() int { return len(t.partitions) }

// PartitionFor returns the partition of a key: its FNV-1a hash modulo the
// partition count, or the next partition round-robin for a nil key.
func (t *Topic) PartitionFor(key []byte) int {
	if key == nil {
		return int(t.rr.Add(1)-1) % len(t.partitions)
	}
	h := fnv.New32a()
	h.Write(key)
	return int(h.Sum32() % uint32(len(t.partitions)))
}

// Produce appends a record to the partition of its key and returns the
// partition and offset.
func (t *Topic) Produce(key, value []byte, timestamp int64) (int, int64, error) {
	p := t.PartitionFor(key)
	off, err := t.partitions[p].Append(key, value, timestamp)
	return p, off, err
}

// ProduceTo appends records to one partition and returns the first offset.
func (t *Topic) ProduceTo(partition int, recs []log.Record) (int64, error) {
	l, err := t.partition(partition)
	if err != nil {
		return 0, err
	}
	first := int64(-1)
	for _, r := range recs {
		off, err := l.Append(r.Key, r.Value, r.Timestamp)
		if err != nil {
			return first, err
		}
		if first < 0 {
			first = off
		}
	}
	return first, nil
}

// Fetch returns records of a partition from offset on, up to maxBytes of
// keys and values (at least one record when offset is in range), and the
// high watermark (the partition's next offset).
func (t *Topic) Fetch(partition int, offset int64, maxBytes int) ([]log.Record, int64, error) {
	l, err := t.partition(partition)
	if err != nil {
		return nil, 0, err
	}
	hw := l.NextOffset()
	if offset == hw {
		return nil, hw, nil
	}
	var recs []log.Record
	err = l.Scan(offset, maxBytes, func(r log.Record) bool {
		recs = append(recs, r)
		return true
	})
	return recs, hw, err
}

// HighWatermark is the next offset of a partition.
func (t *Topic) HighWatermark(partition int) (int64, error) {
	l, err := t.partition(partition)
	if err != nil {
		return 0, err
	}
	return l.NextOffset(), nil
}

func (t *Topic) partition(p int) (*log.Log, error) {
	if p < 0 || p >= len(t.partitions) {
		return nil, fmt.Errorf("topic %s partition %d: %w", t.Name, p, ErrUnknownPartition)
	}
	return t.partitions[p], nil
}

// A Store holds the topics under one directory.
type Store struct {
	dir    string
	opts   log.Options
	mu     sync.RWMutex
	topics map[string]*Topic
}

// NewStore returns a store keeping its topics under dir.
func NewStore(dir string, opts log.Options) *Store {
	return &Store{dir: dir, opts: opts, topics: map[string]*Topic{}}
}

// Create creates a topic, or opens it if its directories exist.
func (s *Store) Create(name string, partitions int) (*Topic, error) {
	if name == "" || filepath.Base(name) != name || name == "." || name == ".." {
		return nil, fmt.Errorf("creating topic %q: invalid name", name)
	}
	if partitions < 1 {
		return nil, fmt.Errorf("creating topic %s: %d partitions: need at least 1", name, partitions)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.topics[name]; ok {
		return t, nil
	}
	t := &Topic{Name: name}
	for p := 0; p < partitions; p++ {
		l, err := log.Open(filepath.Join(s.dir, fmt.Sprintf("%s-%d", name, p)), s.opts)
		if err != nil {
			for _, l := range t.partitions {
				l.Close()
			}
			return nil, fmt.Errorf("creating topic %s: %w", name, err)
		}
		t.partitions = append(t.partitions, l)
	}
	s.topics[name] = t
	return t, nil
}

// Topic returns a topic by name.
func (s *Store) Topic(name string) (*Topic, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.topics[name]
	if !ok {
		return nil, fmt.Errorf("topic %q: %w", name, ErrUnknownTopic)
	}
	return t, nil
}

// Close closes every partition.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, t := range s.topics {
		for _, l := range t.partitions {
			errs = append(errs, l.Close())
		}
	}
	s.topics = map[string]*Topic{}
	return errors.Join(errs...)
}

// Remove closes the store and deletes its directory.
func (s *Store) Remove() error {
	return errors.Join(s.Close(), os.RemoveAll(s.dir))
}
