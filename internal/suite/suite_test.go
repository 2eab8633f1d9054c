package suite

import (
	"reflect"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

var table = []Suite{
	{Name: "storage", Packages: []string{"./storage/..."}, Thresholds: verdict.Thresholds{Latency: 30}},
	{Name: "kafka", Packages: []string{"./kafka/..."}, Overrides: []verdict.Override{{Benchmark: "Fetch", Thresholds: verdict.Thresholds{Memory: 50}}}},
	{Name: "grpc", Packages: []string{"./grpcapi/..."}},
}

func TestSelect(t *testing.T) {
	tests := []struct {
		names []string
		want  []string
		err   string
	}{
		{nil, []string{"storage", "kafka", "grpc"}, ""},
		{[]string{"grpc", "storage"}, []string{"grpc", "storage"}, ""},
		{[]string{"kafka", "nope", "zz"}, nil, "unknown suite nope, zz in BENCH_SUITES: choose from storage, kafka, grpc"},
	}
	for _, tt := range tests {
		got, err := Select(table, tt.names, "BENCH_SUITES")
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("Select(%q) error %v, want %q", tt.names, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(Names(got), tt.want) {
			t.Errorf("Select(%q) = %q, %v; want %q", tt.names, Names(got), err, tt.want)
		}
	}
}

func TestSplit(t *testing.T) {
	rs, ovs := Split(table, nil)
	wantRS := []runner.Suite{{Name: "storage", Patterns: []string{"./storage/..."}}, {Name: "kafka", Patterns: []string{"./kafka/..."}}, {Name: "grpc", Patterns: []string{"./grpcapi/..."}}}
	if !reflect.DeepEqual(rs, wantRS) {
		t.Errorf("runner suites %+v, want %+v", rs, wantRS)
	}
	wantOvs := []verdict.Override{{Suite: "storage", Thresholds: verdict.Thresholds{Latency: 30}}, {Suite: "kafka", Benchmark: "Fetch", Thresholds: verdict.Thresholds{Memory: 50}}}
	if !reflect.DeepEqual(ovs, wantOvs) {
		t.Errorf("overrides %+v, want %+v", ovs, wantOvs)
	}
	if table[1].Overrides[0].Suite != "" {
		t.Error("Split wrote the suite name into the caller's table")
	}
	rs, ovs = Split(table, []string{"./x", "./y"})
	if len(rs) != 1 || rs[0].Name != Custom || strings.Join(rs[0].Patterns, " ") != "./x ./y" || ovs != nil {
		t.Errorf("with packages: %+v %+v, want one custom suite and no overrides", rs, ovs)
	}
}
