package markdown

import (
	"strings"
	"testing"
)

func TestCode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"BenchmarkX/size=1KiB", "BenchmarkX/size=1KiB"},
		{"a`b", "a'b"},
		{"a\nb\tc\rd", "a b c d"},
		{"a\x1b[31mb\x07", "a[31mb"},
	} {
		if got := Code(tc.in); got != tc.want {
			t.Errorf("Code(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCommentSafe: whatever the name, the comment it goes into stays
// closed until its own end, and common names do not change.
func TestCommentSafe(t *testing.T) {
	for _, in := range []string{"BenchmarkX-8", "pkg.BenchmarkY/a-b", "Benchmark-->[x](https://evil)", "a--!>b", "a%2D-b", "x\n-->"} {
		got := CommentSafe(in)
		if strings.Contains(got, "--") || strings.Contains(got, ">") || strings.Contains(got, "\n") {
			t.Errorf("CommentSafe(%q) = %q could close a comment", in, got)
		}
		if !strings.ContainsAny(in, "%<>\n") && !strings.Contains(in, "--") && got != in {
			t.Errorf("CommentSafe(%q) = %q changed a plain name", in, got)
		}
	}
	if CommentSafe("a%2D-b") == CommentSafe("a--b") {
		t.Error("two different names collide")
	}
}
