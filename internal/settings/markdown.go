package settings

import (
	"fmt"
	"io"
	"strings"
)

// Markdown writes a settings table: every setting of the groups in uses
// with its default and doc, in table order, the Advanced ones only with
// advanced. README.md has the gate's (Run and Verdict) that are not
// advanced, docs/settings.md all of them.
func Markdown(w io.Writer, uses Use, advanced bool) error {
	var b strings.Builder
	b.WriteString("| variable | default | meaning |\n|---|---|---|\n")
	for _, s := range Table {
		if s.Uses&uses == 0 || (s.Advanced && !advanced) {
			continue
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.Name, mdCell(s.Default), mdCell(s.Doc))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
