package status

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/atomicfile"
	"github.com/benchgate/benchgate/internal/verdict"
)

// put writes a shard folder: its status and, when st.Compared, an empty
// comparison beside it.
func put(t *testing.T, dir, name string, st Status) {
	t.Helper()
	sd := filepath.Join(dir, name)
	if err := os.MkdirAll(sd, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(sd, File), st); err != nil {
		t.Fatal(err)
	}
	if st.Compared {
		c := verdict.Empty(verdict.DefaultOptions)
		if err := atomicfile.Write(filepath.Join(sd, "comparison.json"), func(w io.Writer) error { return verdict.WriteJSON(w, c) }); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCollect(t *testing.T) {
	ok := func(suite, shard string) Status {
		return Status{Suites: []string{suite}, State: OK, Compared: true, Shard: shard}
	}
	tests := []struct {
		name   string
		shards map[string]Status
		broken []string // folders with an unreadable status.json
		want   Expected
		merged int
		gaps   []string // each a substring of one gap, in order
	}{
		{"every suite", map[string]Status{"a": ok("storage", ""), "b": ok("kafka", "")}, nil, Expected{Suites: []string{"storage", "kafka"}}, 2, nil},
		{"a suite absent", map[string]Status{"a": ok("storage", "")}, nil, Expected{Suites: []string{"storage", "kafka"}}, 1, []string{"shard kafka is absent"}},
		{"a shard died", map[string]Status{"a": ok("storage", ""), "b": {Suites: []string{"kafka"}, State: Running}}, nil, Expected{Suites: []string{"storage", "kafka"}}, 1, []string{"shard kafka died"}},
		{"a shard failed after comparing", map[string]Status{"a": {Suites: []string{"storage"}, State: Error, Error: "boom", Compared: true}}, nil, Expected{Suites: []string{"storage"}}, 1, []string{"shard storage failed: boom"}},
		{"a shard failed before comparing", map[string]Status{"a": {Suites: []string{"storage"}, State: Error, Error: "no go.mod"}}, nil, Expected{Suites: []string{"storage"}}, 0, []string{"shard storage failed: no go.mod"}},
		{"numbered shards", map[string]Status{"a": ok("custom", "1/2"), "b": ok("custom", "2/2")}, nil, Expected{Total: 2}, 2, nil},
		{"a numbered shard twice", map[string]Status{"a": ok("custom", "1/2"), "b": ok("custom", "1/2")}, nil, Expected{Total: 2}, 1, []string{"shard 1/2 appears twice", "shard 2/2 is absent"}},
		{"a foreign shard", map[string]Status{"a": ok("custom", "1/3"), "b": ok("custom", "2/2")}, nil, Expected{Total: 2}, 1, []string{`shard "1/3", where shards of 2`, "shard 1/2 is absent"}},
		{"no shard recorded", map[string]Status{"a": ok("custom", "")}, nil, Expected{Total: 2}, 0, []string{"records no shard", "shard 1/2 is absent", "shard 2/2 is absent"}},
		{"the total from the records", map[string]Status{"a": ok("custom", "2/3")}, nil, Expected{}, 1, []string{"shard 1/3 is absent", "shard 3/3 is absent"}},
		{"an unreadable status", map[string]Status{"b": ok("storage", "")}, []string{"a"}, Expected{Suites: []string{"storage"}}, 1, []string{"reading"}},
		{"nothing there", nil, nil, Expected{Suites: []string{"storage"}}, 0, []string{"shard storage is absent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, st := range tt.shards {
				put(t, dir, name, st)
			}
			for _, name := range tt.broken {
				if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, name, File), []byte("{not json"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			shards, gaps, err := Collect(dir, "comparison.json", tt.want)
			if err != nil {
				t.Fatal(err)
			}
			if len(shards) != tt.merged {
				t.Errorf("%d comparisons, want %d", len(shards), tt.merged)
			}
			if len(gaps) != len(tt.gaps) {
				t.Fatalf("gaps %q, want %d matching %q", gaps, len(tt.gaps), tt.gaps)
			}
			for i, g := range tt.gaps {
				if !strings.Contains(gaps[i], g) {
					t.Errorf("gap %d is %q, want it to say %q", i, gaps[i], g)
				}
			}
		})
	}
}

func TestStatusRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), File)
	for code, want := range map[int]State{0: OK, 1: Regressed, 2: Error} {
		st := Status{Suites: []string{"storage", "kafka"}, State: StateOf(code), Exit: code, Error: "x", Compared: true, Shard: "1/2"}
		if st.State != want {
			t.Errorf("StateOf(%d) = %s, want %s", code, st.State, want)
		}
		if err := Write(path, st); err != nil {
			t.Fatal(err)
		}
		got, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Suites, st.Suites) || got.State != st.State || got.Exit != code || got.Error != st.Error || !got.Compared || got.Shard != st.Shard {
			t.Errorf("read %+v, wrote %+v", got, st)
		}
	}
	if _, err := Read(filepath.Join(t.TempDir(), File)); err == nil {
		t.Error("reading a missing status file: no error")
	}
}
