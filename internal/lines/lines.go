// Package lines shortens text for messages of one line: the first lines
// of a program's output or an error, and a list capped at a few names.
package lines

import (
	"fmt"
	"strings"
)

// First is the first n lines of s, trimmed, joined with " | ".
func First(s string, n int) string {
	ls := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(ls) > n {
		ls = ls[:n]
	}
	return strings.Join(ls, " | ")
}

// Cut returns the first n items (all of them when there are no more)
// and how many it left out.
func Cut[T any](items []T, n int) ([]T, int) {
	if len(items) <= n {
		return items, 0
	}
	return items[:n], len(items) - n
}

// Capped lists names, comma separated, at most n of them, and says how
// many more there are.
func Capped(names []string, n int) string {
	shown, more := Cut(names, n)
	if more == 0 {
		return strings.Join(shown, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(shown, ", "), more)
}
