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
