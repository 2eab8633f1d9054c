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

// Capped lists names, comma separated, at most n of them, and says how
// many more there are.
func Capped(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}
