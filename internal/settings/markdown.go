package settings

import (
	"fmt"
	"io"
	"strings"
)

// Markdown writes the settings table of README.md: every setting with its
// default and doc, in table order.
func Markdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| variable | default | meaning |\n|---|---|---|\n")
	for _, s := range Table {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.Name, mdCell(s.Default), mdCell(s.Doc))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
