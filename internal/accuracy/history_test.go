package accuracy

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/changepoint"
)

// TestHistoryScenario runs the scenario on a Gaussian noise pool of 1.5%
// (about this machine's run-to-run noise of a median): the issue's
// targets hold.
func TestHistoryScenario(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	noise := make([]float64, 500)
	for i := range noise {
		noise[i] = 0.015 * r.NormFloat64()
	}
	h := HistoryScenario(noise, changepoint.DefaultOptions, 5)
	if h.FlatFalse != 0 {
		t.Errorf("%d of %d flat series had a false finding", h.FlatFalse, h.FlatSeries)
	}
	for _, s := range h.Steps {
		if s.InTime < 9 {
			t.Errorf("+%g%% step: found within %d commits in %d/10, want 9 or more", s.Pct, s.Within, s.InTime)
		}
	}
	if h.RampFound < 9 {
		t.Errorf("ramp reported before +10%% in %d/10 (at %v)", h.RampFound, h.RampAt)
	}
	var b bytes.Buffer
	h.Print(&b)
	if !strings.Contains(b.String(), "flat series with a false change point or drift: 0/100") {
		t.Errorf("report:\n%s", b.String())
	}
}
