// Package bisect names the commits that changed a benchmark. Given the
// first-parent line from a good commit to a bad one, it measures one
// commit at a time against the good end (with the gate's runner and
// statistics, through a Measurer), and splits the line where the change
// happened until each part of it sits on one commit: a regression made of
// two smaller steps names both, each with its share. A commit that does
// not build or lacks the benchmark is skipped, as git bisect skip does;
// when skips hide the culprit, the answer is the range they cover.
//
// A step compares two measured commits by their change against the good
// end: Different when the change between them is significant and at least
// MinShare of the whole change, Same when it cannot be that large, and
// Unknown otherwise, which measures a commit again (more rounds) before
// deciding, up to Options.Again times.
package bisect
