package lines

import "testing"

func TestFirst(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"one", 3, "one"},
		{"\n  a\nb\nc\nd\n", 2, "a | b"},
		{"a\nb", 1, "a"},
		{"", 2, ""},
	}
	for _, tt := range tests {
		if got := First(tt.in, tt.n); got != tt.want {
			t.Errorf("First(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestCapped(t *testing.T) {
	if got := Capped([]string{"a", "b"}, 3); got != "a, b" {
		t.Errorf("Capped = %q", got)
	}
	if got := Capped([]string{"a", "b", "c", "d"}, 2); got != "a, b and 2 more" {
		t.Errorf("Capped = %q", got)
	}
}

func TestCut(t *testing.T) {
	for _, tt := range []struct {
		items      []int
		n          int
		shown, cut int
	}{{nil, 3, 0, 0}, {[]int{1, 2}, 3, 2, 0}, {[]int{1, 2, 3}, 3, 3, 0}, {[]int{1, 2, 3, 4, 5}, 3, 3, 2}, {[]int{1}, 0, 0, 1}} {
		shown, cut := Cut(tt.items, tt.n)
		if len(shown) != tt.shown || cut != tt.cut || len(shown) > 0 && shown[0] != tt.items[0] {
			t.Errorf("Cut(%v, %d) = %v, %d; want %d shown, %d cut", tt.items, tt.n, shown, cut, tt.shown, tt.cut)
		}
	}
}

func TestPrintable(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"BenchmarkX\x1b[2J\x1b]0;pwned\x07", `BenchmarkX\x1b[2J\x1b]0;pwned\x07`},
		{"BenchmarkX\n::error file=a.go::forged", "BenchmarkX\n:\u200b:error file=a.go:\u200b:forged"},
		{"a\r::warning::x", `a\x0d:` + "\u200b" + `:warning:` + "\u200b" + `:x`},
		{"plain\ttext\nok", "plain\ttext\nok"},
	} {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
