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

// Printable is s made safe to print to a terminal or a CI log: control
// characters other than newline and tab are shown escaped (ESC as
// \x1b, so no escape sequence reaches the terminal), and "::" is broken
// by a zero-width space, so that no line of it can start a GitHub
// Actions workflow command (::error, ::add-mask, ...). Text from
// measured code (benchmark names, units, output) and from stored history
// goes through it.
func Printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, "\\x%02x", r)
		case r == '\u2028' || r == '\u2029' || r == '\ufeff':
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return strings.ReplaceAll(b.String(), "::", ":\u200b:")
}
