package database

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/pgtest"
)

// dashboard is the part of docs/grafana/benchgate.json that holds SQL.
type dashboard struct {
	Annotations struct {
		List []struct {
			Name   string `json:"name"`
			Target struct {
				RawSQL string `json:"rawSql"`
			} `json:"target"`
		} `json:"list"`
	} `json:"annotations"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Query string `json:"query"`
			Multi bool   `json:"multi"`
		} `json:"list"`
	} `json:"templating"`
	Panels []struct {
		Title      string `json:"title"`
		Datasource struct {
			Type string `json:"type"`
		} `json:"datasource"`
		Targets []struct {
			RawSQL string `json:"rawSql"`
			Format string `json:"format"`
		} `json:"targets"`
	} `json:"panels"`
}

// expand does what Grafana does to a query before it runs: the time
// filter macro, and the variables: ${name:sqlstring} as each value
// quoted with its single quotes doubled, comma separated; a plain $name
// or ${name} as the value itself, unquoted (a multi-value one as a
// quoted list), which is why the dashboard must not use it.
func expand(sql string, vars map[string][]string) string {
	sql = regexp.MustCompile(`\$__timeFilter\(([^)]+)\)`).ReplaceAllString(sql, "$1 BETWEEN '2026-01-01T00:00:00Z' AND '2027-01-01T00:00:00Z'")
	return regexp.MustCompile(`\$\{(\w+)(?::(\w+))?\}|\$(\w+)`).ReplaceAllStringFunc(sql, func(m string) string {
		sub := regexp.MustCompile(`\$\{(\w+)(?::(\w+))?\}|\$(\w+)`).FindStringSubmatch(m)
		name, format := sub[1]+sub[3], sub[2]
		vals, ok := vars[name]
		if !ok {
			return m
		}
		var quoted []string
		for _, v := range vals {
			quoted = append(quoted, "'"+strings.ReplaceAll(v, "'", "''")+"'")
		}
		if format == "sqlstring" || len(vals) > 1 {
			return strings.Join(quoted, ",")
		}
		return vals[0]
	})
}

// TestDashboardQueries: every SQL query of the dashboard (variables,
// panels, annotations) runs against a database holding a fixture history
// and returns the rows that history implies.
func TestDashboardQueries(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "grafana", "benchgate.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("docs/grafana/benchgate.json: %v", err)
	}
	srv := pgtest.Start(t)
	db := open(t, srv.DefaultURL())
	ctx := context.Background()
	runs := synthetic(30, 20)
	if _, err := db.Export(ctx, "acme/streamer", runs, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Export(ctx, "acme/other", synthetic(5, 100), nil); err != nil {
		t.Fatal(err)
	}
	order := map[string]int{}
	for i, r := range runs {
		order[r.Commit] = i
	}
	_, findings := history.Analyze(runs, order, history.DefaultTrendOptions)
	if err := db.SaveFindings(ctx, "acme/streamer", findings, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	vars := map[string][]string{"repository": {"acme/streamer"}, "unit": {"sec/op"}, "benchmark": {"BenchmarkAppend-2"}}
	query := func(what, sql string) [][]string {
		t.Helper()
		sql = expand(sql, vars)
		if left := regexp.MustCompile(`\$\w+`).FindString(sql); left != "" {
			t.Fatalf("%s: %s is not expanded:\n%s", what, left, sql)
		}
		rows, err := db.conn.Query(ctx, sql)
		if err != nil {
			t.Fatalf("%s: %v\n%s", what, err, sql)
		}
		defer rows.Close()
		var out [][]string
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			var row []string
			for _, v := range vals {
				if tm, ok := v.(time.Time); ok {
					v = tm.UTC().Format(time.RFC3339)
				}
				row = append(row, fmt.Sprint(v))
			}
			out = append(out, row)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return out
	}

	wantVars := map[string]string{"repository": "[[acme/other] [acme/streamer]]", "unit": "[[B/op] [sec/op]]", "benchmark": "[[BenchmarkAppend-2] [BenchmarkRead-2]]"}
	if len(d.Templating.List) != len(wantVars) {
		t.Errorf("%d variables, want %d", len(d.Templating.List), len(wantVars))
	}
	for _, v := range d.Templating.List {
		if got := fmt.Sprint(query("variable "+v.Name, v.Query)); got != wantVars[v.Name] {
			t.Errorf("variable %s lists %s, want %s", v.Name, got, wantVars[v.Name])
		}
	}
	if len(d.Panels) != 3 {
		t.Fatalf("%d panels, want the series, the A/B changes and the findings", len(d.Panels))
	}
	for _, p := range d.Panels {
		if p.Datasource.Type != "grafana-postgresql-datasource" || len(p.Targets) != 1 {
			t.Errorf("panel %q: data source %q, %d queries; want Grafana's PostgreSQL, one", p.Title, p.Datasource.Type, len(p.Targets))
			continue
		}
		rows := query("panel "+p.Title, p.Targets[0].RawSQL)
		switch {
		case strings.HasPrefix(p.Title, "Median"):
			if len(rows) != 30 || rows[0][1] != "BenchmarkAppend-2 sec/op" || !strings.HasPrefix(rows[19][2], "100") || !strings.HasPrefix(rows[20][2], "130") {
				t.Errorf("series rows: %d, first %v, at the step %v %v", len(rows), rows[0], rows[19], rows[20])
			}
		case strings.HasPrefix(p.Title, "A/B"):
			if len(rows) != 15 || rows[0][2] != "1.5" {
				t.Errorf("A/B change rows: %d (want 15), first %v", len(rows), rows[0])
			}
		case strings.HasPrefix(p.Title, "Latest findings"):
			if len(rows) != 1 || rows[0][0] != "change point" || rows[0][1] != "BenchmarkAppend-2" || rows[0][5] != runs[20].Commit[:7] || rows[0][6] != "open" {
				t.Errorf("findings rows: %v, want the change point at run 20 (%s), open", rows, runs[20].Commit[:7])
			}
		default:
			t.Errorf("unexpected panel %q", p.Title)
		}
	}
	if len(d.Annotations.List) != 1 {
		t.Fatalf("%d annotations, want the change points", len(d.Annotations.List))
	}
	rows := query("annotation", d.Annotations.List[0].Target.RawSQL)
	if len(rows) != 1 || rows[0][0] != runs[20].Date.Format(time.RFC3339) || !strings.Contains(rows[0][1], "change point: BenchmarkAppend-2 sec/op +30.0% at "+runs[20].Commit[:7]) {
		t.Errorf("annotations: %v, want one at run 20's date", rows)
	}

	// A unit reported by b.ReportMetric and a repository name are
	// values, never SQL: as Grafana expands them, every query runs and
	// returns nothing of what they inject.
	vars = map[string][]string{
		"repository": {"acme/streamer' OR 'x'='x"},
		"unit":       {"sec/op'UNION(SELECT(now()),'pwned',1)--"},
		"benchmark":  {"BenchmarkAppend-2') OR ('x'='x", "BenchmarkRead-2"},
	}
	all := []string{d.Annotations.List[0].Target.RawSQL}
	for _, v := range d.Templating.List {
		all = append(all, v.Query)
	}
	for _, p := range d.Panels {
		all = append(all, p.Targets[0].RawSQL)
	}
	for i, sql := range all {
		rows := query(fmt.Sprintf("hostile query %d", i), sql)
		for _, row := range rows {
			if strings.Contains(strings.Join(row, " "), "pwned") {
				t.Errorf("query %d ran what a variable injected: %v\n%s", i, row, expand(sql, vars))
			}
		}
		if strings.Contains(sql, "${repository") && len(rows) > 0 {
			t.Errorf("query %d: a repository named %q matched rows: %v\n%s", i, vars["repository"][0], rows, expand(sql, vars))
		}
	}
}
