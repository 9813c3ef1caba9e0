// Package csvin opens the CSV files venues hand us (rosters, schedules) the
// same way: UTF-8 with an optional BOM, ',' or ';' detected from the
// header, case-insensitive header names, RFC 4180 quoting.
package csvin

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"checkin/kiosk"
)

// Reader reads the rows of a CSV file after its header, collecting
// problems with line numbers instead of stopping at the first.
type Reader struct {
	Problems kiosk.Problems
	Warnings []kiosk.Problem

	cr     *csv.Reader
	header []string
	col    map[string]int
}

// Open checks the encoding, detects the delimiter and reads the header. It
// warns about unknown columns and fails on missing required ones. When the
// returned Reader has Problems, there are no rows to read.
func Open(data []byte, known, required []string) *Reader {
	r := &Reader{col: map[string]int{}}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		r.Fail(0, "", "file is empty: a header row is required")
		return r
	}
	if line, ok := FirstInvalidUTF8(data); !ok {
		r.Fail(line, "", "not valid UTF-8 (save the file as UTF-8)")
		return r
	}
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.IndexByte(first, '\t') >= 0 && bytes.IndexAny(first, ",;") < 0 {
		r.Fail(1, "", "the header is separated by tabs: save the file as CSV with ',' or ';' between columns")
		return r
	}
	r.cr = csv.NewReader(bytes.NewReader(data))
	r.cr.Comma = detectDelimiter(data)
	r.cr.FieldsPerRecord = -1
	header, err := r.cr.Read()
	if err != nil {
		r.failCSV(err)
		return r
	}
	r.header = header
	line, _ := r.cr.FieldPos(0)
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if _, dup := r.col[name]; dup && name != "" {
			r.Fail(line, name, "column appears twice in the header")
			continue
		}
		if name == "" {
			r.Warnings = append(r.Warnings, kiosk.Problem{Line: line, Msg: fmt.Sprintf("column %d has no name: its values are ignored", i+1)})
			continue
		}
		if !slices.Contains(known, name) {
			r.Warnings = append(r.Warnings, kiosk.Problem{Line: line, Column: h, Msg: "unknown column, ignored"})
			continue
		}
		r.col[name] = i
	}
	for _, c := range required {
		if _, ok := r.col[c]; !ok {
			r.Fail(line, c, "required column is missing from the header")
		}
	}
	return r
}

// Fail records a problem, up to kiosk.MaxProblems.
func (r *Reader) Fail(line int, column, format string, args ...any) {
	if len(r.Problems) < kiosk.MaxProblems {
		r.Problems = append(r.Problems, kiosk.Problem{Line: line, Column: column, Msg: fmt.Sprintf(format, args...)})
	}
}

// Full reports whether the problem list is at its cap.
func (r *Reader) Full() bool { return len(r.Problems) >= kiosk.MaxProblems }

// Row is one data row.
type Row struct {
	r      *Reader
	fields []string
}

// Next returns the next data row, skipping blank lines and reporting
// malformed ones. ok is false at the end of the file.
func (r *Reader) Next() (row Row, ok bool) {
	if r.cr == nil || r.header == nil {
		return Row{}, false
	}
	for !r.Full() {
		rec, err := r.cr.Read()
		if err == io.EOF {
			return Row{}, false
		}
		if err != nil {
			r.failCSV(err)
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return Row{}, false
			}
			continue
		}
		line, _ := r.cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		// Spreadsheets leave trailing empty fields; only real data beyond
		// the header is an error.
		for len(rec) > len(r.header) && strings.TrimSpace(rec[len(rec)-1]) == "" {
			rec = rec[:len(rec)-1]
		}
		if len(rec) != len(r.header) {
			r.Fail(line, "", "row has %d fields, the header has %d", len(rec), len(r.header))
			continue
		}
		return Row{r: r, fields: rec}, true
	}
	return Row{}, false
}

// Get returns a column's value, trimmed with inner white space folded (a
// line break inside a quoted name becomes a space); "" for absent columns.
func (row Row) Get(column string) string {
	i, ok := row.r.col[column]
	if !ok {
		return ""
	}
	return foldSpace(row.fields[i])
}

// Line returns the line a column's field starts on (a quoted field may
// span lines), or the row's first line for absent columns.
func (row Row) Line(column string) int {
	i, ok := row.r.col[column]
	if !ok {
		i = 0
	}
	line, _ := row.r.cr.FieldPos(i)
	return line
}

// Has reports whether the header has the column.
func (r *Reader) Has(column string) bool {
	_, ok := r.col[column]
	return ok
}

func (r *Reader) failCSV(err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		r.Fail(pe.Line, "", "column %d: %v", pe.Column, pe.Err)
		return
	}
	r.Fail(0, "", "%v", err)
}

// SplitList splits a ';'-separated field, trimming and dropping empty items.
func SplitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ";") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// Clip shortens untrusted text before it is quoted in a message.
func Clip(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

func foldSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// detectDelimiter picks ',' or ';' by counting them outside quotes on the
// header line.
func detectDelimiter(data []byte) rune {
	commas, semis, quoted := 0, 0, false
	for _, c := range data {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n' || c == '\r':
			return pick(commas, semis)
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	return pick(commas, semis)
}

func pick(commas, semis int) rune {
	if semis > commas {
		return ';'
	}
	return ','
}

// FirstInvalidUTF8 returns the line of the first invalid UTF-8 sequence;
// ok is true when there is none.
func FirstInvalidUTF8(data []byte) (int, bool) {
	if utf8.Valid(data) {
		return 0, true
	}
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size == 1 {
			return line, false
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line, true
}

// Column describes a column of an import file, for the command's --help
// and docs/imports.md: the parser's list of accepted columns is made from the
// same table, so that the two cannot drift apart.
type Column struct {
	Name     string
	Required bool
	Meaning  string
}

// Names returns the names of cols, and those of the required ones.
func Names(cols []Column) (all, required []string) {
	for _, c := range cols {
		all = append(all, c.Name)
		if c.Required {
			required = append(required, c.Name)
		}
	}
	return all, required
}

// Required and Optional make the Column entries of a format's table.
func Required(name, meaning string) Column {
	return Column{Name: name, Required: true, Meaning: meaning}
}

// Optional is Required for a column a file may leave out.
func Optional(name, meaning string) Column { return Column{Name: name, Meaning: meaning} }
