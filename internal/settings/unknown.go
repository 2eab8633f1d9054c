package settings

import (
	"fmt"
	"strings"
)

// Unknown returns a warning for every variable of environ (KEY=value
// lines, as os.Environ gives) that looks like a setting (BENCH_*, a name
// ending in _THRESHOLD, or two edits from a setting) but is none: a typo such as BENCH_COUNTT
// would otherwise be ignored without a word. Each names the closest real
// setting.
func Unknown(environ []string) []string {
	known := map[string]bool{}
	for _, s := range Table {
		known[s.Name] = true
	}
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if known[name] {
			continue
		}
		best, dist := "", 1<<30
		for _, s := range Table {
			if d := editDistance(name, s.Name); d < dist {
				best, dist = s.Name, d
			}
		}
		if !strings.HasPrefix(name, "BENCH_") && !strings.HasSuffix(name, "_THRESHOLD") && dist > 2 {
			continue
		}
		out = append(out, fmt.Sprintf("%s is not a setting and is ignored; did you mean %s? (bench:env lists them all)", name, best))
	}
	return out
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
