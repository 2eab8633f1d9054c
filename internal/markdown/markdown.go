// Package markdown makes text from data (benchmark names, units, commit
// subjects) safe inside the Markdown that benchgate writes for GitHub:
// report.md, PR comments and issues. One sanitizer for every writer, so a
// name that is defused in the report is defused in the alert too.
package markdown

import (
	"strings"
	"unicode"
)

// Code is s fit for a Markdown code span: a backtick (which would end
// the span) becomes a quote, line breaks and tabs become spaces, and
// other control characters (escapes, bells) are dropped.
func Code(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '`':
			return '\''
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// CommentSafe is s fit for the inside of an HTML comment (<!-- ... -->,
// the hidden markers of benchgate's issues and comments): "--" and ">"
// could close the comment early and let the rest render, so they are
// percent-encoded, as is "%" itself. Most names pass unchanged; any two
// different names stay different.
func CommentSafe(s string) string {
	return strings.NewReplacer("%", "%25", "--", "-%2D", ">", "%3E", "<", "%3C", "\n", "%0A", "\r", "%0D").Replace(s)
}
