package bisect

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/benchgate/benchgate/internal/atomicfile"
)

// A Store keeps a bisection's steps under Dir/<commit>/: the results of
// every measurement of the step pooled (the caller's files) and
// step.json, the last verdict with Key, what the numbers depend on
// besides the commit. A second bisection with the same Key reuses the
// steps the first one finished; a step measured with another key is
// measured again from nothing.
type Store struct {
	Dir string
	Key string
}

// saved is a step's step.json.
type saved struct {
	Key         string      `json:"key"`
	Again       int         `json:"again"`
	Measurement Measurement `json:"measurement"`
}

// Reuse returns the step's saved measurement, marked Reused, when it was
// measured with this key at least again+1 times.
func (s Store) Reuse(hash string, again int) (Measurement, bool) {
	sv, ok := s.read(hash)
	if !ok || sv.Again < again {
		return Measurement{}, false
	}
	sv.Measurement.Reused = true
	return sv.Measurement, true
}

// Begin prepares the step's folder for its measurement number again and
// returns it with the number: again, or 0 with the folder emptied when
// what is there cannot be pooled with it (measured with another key, or a
// measurement that did not finish).
func (s Store) Begin(hash string, again int) (dir string, n int, err error) {
	dir = filepath.Join(s.Dir, hash)
	if sv, ok := s.read(hash); again == 0 || !ok || sv.Again != again-1 {
		if err := os.RemoveAll(dir); err != nil {
			return dir, 0, fmt.Errorf("clearing %s: %w", dir, err)
		}
		again = 0
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return dir, 0, fmt.Errorf("creating %s: %w", dir, err)
	}
	return dir, again, nil
}

// read reads the step's step.json when it was written with this key.
func (s Store) read(hash string) (saved, bool) {
	var sv saved
	b, err := os.ReadFile(filepath.Join(s.Dir, hash, "step.json"))
	if err != nil || json.Unmarshal(b, &sv) != nil || sv.Key != s.Key {
		return saved{}, false
	}
	return sv, true
}

// Save records the step's measurement number again.
func (s Store) Save(hash string, again int, m Measurement) error {
	b, err := json.Marshal(saved{Key: s.Key, Again: again, Measurement: m})
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(s.Dir, hash, "step.json"), b)
}

// Pool appends src (when it exists) to dst and removes src: a step's new
// results join its earlier ones.
func Pool(src, dst string) error {
	in, err := os.Open(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("pooling %s into %s: %w", src, dst, err)
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Remove(src)
}
