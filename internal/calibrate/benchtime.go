package calibrate

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/verdict"
)

// A TimeTrial summarizes a calibration at one benchtime.
type TimeTrial struct {
	Time string `json:"benchtime"`
	// Wall is how long the A/A run took.
	Wall time.Duration `json:"wall_ns"`
	// MedianMDEPct is the median over the metrics that vary of the
	// smallest detectable change at the calibration's count.
	MedianMDEPct verdict.Number `json:"median_mde_pct"`
	Noisy        int            `json:"noisy"`
	Rows         int            `json:"rows"`
}

// Trial summarizes a calibration for the benchtime comparison.
func (c *Calibration) Trial(wall time.Duration) TimeTrial {
	t := TimeTrial{Time: c.Time, Wall: wall, Rows: len(c.Rows)}
	var m []float64
	for _, r := range c.Rows {
		if r.Noisy {
			t.Noisy++
		}
		if zeroSpread(r) {
			continue
		}
		v := float64(r.MDEPct)
		if !r.MDEPct.Finite() {
			v = 400 // beyond the grid
		}
		m = append(m, v)
	}
	t.MedianMDEPct = verdict.Number(math.NaN())
	if len(m) > 0 {
		slices.Sort(m)
		t.MedianMDEPct = verdict.Number(m[len(m)/2])
	}
	return t
}

// RecommendTime picks the shortest benchtime whose median smallest
// detectable change is within 10% of the best: a longer benchtime costs
// time in proportion, so it must buy sensitivity to be worth it.
func RecommendTime(trials []TimeTrial) (string, string) {
	if len(trials) == 0 {
		return "", ""
	}
	best := math.Inf(1)
	for _, t := range trials {
		if t.MedianMDEPct.Finite() {
			best = math.Min(best, float64(t.MedianMDEPct))
		}
	}
	for _, t := range trials { // in order of increasing benchtime
		if t.MedianMDEPct.Finite() && float64(t.MedianMDEPct) <= 1.1*best {
			var parts []string
			for _, o := range trials {
				parts = append(parts, fmt.Sprintf("%s: median smallest detectable change %s, %d noisy, run %s", o.Time, pct(o.MedianMDEPct), o.Noisy, o.Wall.Round(time.Second)))
			}
			return t.Time, "benchtime " + t.Time + " is the shortest benchtime within 10% of the best sensitivity (" + strings.Join(parts, "; ") + ")"
		}
	}
	return trials[0].Time, "no benchtime gave a bounded sensitivity"
}

// Double returns a benchtime twice as long ("100ms" -> "200ms",
// "50x" -> "100x"), or "" when it cannot be read.
func Double(benchtime string) string {
	if n, ok := strings.CutSuffix(benchtime, "x"); ok {
		if i, err := strconv.Atoi(n); err == nil {
			return fmt.Sprintf("%dx", 2*i)
		}
		return ""
	}
	d, err := time.ParseDuration(benchtime)
	if err != nil {
		return ""
	}
	return (2 * d).String()
}
