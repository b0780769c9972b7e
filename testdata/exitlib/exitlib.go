// Package exitlib is a project's way of giving up: // want package:"has functions that never return"
// a package that selects no BPF feature, whose functions that never
// return are facts all the same.
package exitlib

import (
	"fmt"
	"os"
)

// Die never returns: it ends in os.Exit.
func Die(msg string) { // want Die:"noReturn"
	fmt.Fprintln(os.Stderr, msg)
	os.Exit(1)
}

// Fatalf never returns either: it calls Die on every path.
func Fatalf(format string, args ...any) { // want Fatalf:"noReturn"
	Die(fmt.Sprintf(format, args...))
}

// Warn returns.
func Warn(msg string) {
	fmt.Fprintln(os.Stderr, msg)
}

// DieIf returns when there is nothing to die of.
func DieIf(err error) {
	if err != nil {
		Die(err.Error())
	}
}

// A logger whose Fatal method never returns.
type Logger struct{ prefix string }

func (l *Logger) Fatal(msg string) { // want Fatal:"noReturn"
	Die(l.prefix + msg)
}
