package verdict_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/perf/benchunit"

	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/verdict"
)

// TestMatchesBenchstat checks that medians, ± ranges and p-values equal
// what benchstat (the version pinned in go.mod, run as go tool benchstat)
// prints for the same files.
func TestMatchesBenchstat(t *testing.T) {
	if testing.Short() {
		t.Skip("builds benchstat")
	}
	cases, _ := filepath.Glob("../../cmd/benchcmp/testdata/*/base.txt")
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	checked := 0
	for _, basePath := range cases {
		dir := filepath.Dir(basePath)
		curPath := filepath.Join(dir, "current.txt")
		t.Run(filepath.Base(dir), func(t *testing.T) {
			if filepath.Base(dir) == "badnumbers" {
				// benchstat itself grows without bound on a NaN sample.
				t.Skip("non-finite samples, which benchstat cannot read")
			}
			base, err := verdict.ReadFile(basePath)
			if err != nil {
				t.Fatal(err)
			}
			cur, err := verdict.ReadFile(curPath)
			if err != nil {
				t.Fatal(err)
			}
			c, err := verdict.Compare(base, cur, verdict.DefaultOptions)
			if err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			cmd := exec.Command("go", "tool", "benchstat", "-format", "csv", basePath, curPath)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("benchstat: %v\n%s", err, stderr.String())
			}
			for _, bs := range parseBenchstatCSV(t, stdout.String()) {
				r := find(c, bs.name, bs.unit)
				if r == nil || r.Base == nil || r.Current == nil {
					continue // a row benchstat pairs by exact name, such as across GOMAXPROCS
				}
				for side, st := range map[string]*verdict.Stats{"base": r.Base, "current": r.Current} {
					want := bs.center[side]
					got, _ := benchunit.Tidy(float64(st.Center), r.Unit)
					if math.Abs(got-want) > 1e-9*math.Abs(want) {
						t.Errorf("%s %s %s: center %v, benchstat %v", bs.name, bs.unit, side, got, want)
					}
					if gotCI := strings.TrimPrefix(report.Range(st), "±"); gotCI != bs.ci[side] {
						t.Errorf("%s %s %s: range %s, benchstat %s", bs.name, bs.unit, side, gotCI, bs.ci[side])
					}
				}
				if !r.Unverified {
					if got := report.Evidence(r); got != bs.p {
						t.Errorf("%s %s: %q, benchstat %q", bs.name, bs.unit, got, bs.p)
					}
				}
				checked++
			}
		})
	}
	if checked < 20 {
		t.Errorf("only %d rows checked against benchstat", checked)
	}
}

type benchstatRow struct {
	name, unit string
	center     map[string]float64
	ci         map[string]string
	p          string
}

func parseBenchstatCSV(t *testing.T, out string) []benchstatRow {
	var rows []benchstatRow
	var unit string
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, ",") {
			continue
		}
		rec, err := csv.NewReader(strings.NewReader(line)).Read()
		if err != nil || len(rec) < 7 {
			continue
		}
		switch {
		case rec[0] == "" && rec[2] == "CI":
			unit = rec[1]
		case rec[0] == "" || rec[0] == "geomean" || rec[1] == "" || rec[3] == "":
		default:
			b, err1 := strconv.ParseFloat(rec[1], 64)
			c, err2 := strconv.ParseFloat(rec[3], 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("benchstat csv line %q", line)
			}
			rows = append(rows, benchstatRow{
				name:   "Benchmark" + rec[0],
				unit:   unit,
				center: map[string]float64{"base": b, "current": c},
				ci:     map[string]string{"base": rec[2], "current": rec[4]},
				p:      rec[6],
			})
		}
	}
	return rows
}

func find(c *verdict.Comparison, name, tidyUnit string) *verdict.Row {
	for i, r := range c.Rows {
		if _, u := benchunit.Tidy(1, r.Unit); r.Benchmark == name && u == tidyUnit {
			return &c.Rows[i]
		}
	}
	return nil
}
