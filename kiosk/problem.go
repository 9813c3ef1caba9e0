package kiosk

import "fmt"

// MaxProblems caps how many problems one parse reports; a file with more is
// wrong throughout and a longer list helps nobody.
const MaxProblems = 200

// Problem is one error or warning about an input file, at a line (1-based;
// 0 for the whole file) and a column name where there is one.
type Problem struct {
	Line   int
	Column string
	Msg    string
}

// String renders the problem as "LINE: column: why"; callers prefix the file.
func (p Problem) String() string {
	switch {
	case p.Line == 0:
		return p.Msg
	case p.Column == "":
		return fmt.Sprintf("%d: %s", p.Line, p.Msg)
	}
	return fmt.Sprintf("%d: %s: %s", p.Line, p.Column, p.Msg)
}

// Problems is every problem that made an input unacceptable.
type Problems []Problem

// Error implements error with the first problem and a count.
func (e Problems) Error() string {
	if len(e) == 1 {
		return e[0].String()
	}
	return fmt.Sprintf("%s (and %d more)", e[0], len(e)-1)
}

// Unwrap makes bad input an EINVALID domain error.
func (e Problems) Unwrap() error {
	return &Error{Code: EINVALID, Message: e.Error()}
}
