package calibrate

import (
	"path/filepath"
	"testing"
)

func TestWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "calibration.json")
	cal := Calibrate(aa(t, 6), 6, "100ms", DefaultOptions)
	if err := Write(path, cal); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Schema != Schema || len(got.Rows) != len(cal.Rows) || len(got.Rows) == 0 || got.Rows[0].Benchmark != cal.Rows[0].Benchmark || got.Rows[0].Noisy != cal.Rows[0].Noisy || len(got.Noisy()) != len(cal.Noisy()) {
		t.Errorf("read back %+v, wrote %+v", got, cal)
	}
}
