package kiosk

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// CSVContentType is the one media type of every CSV the kiosk and the
// registry serve: one charset, whatever the system's mime.types says
// (Go adds a charset to text/* types read from it, and Fiber's Type adds
// another).
const CSVContentType = "text/csv; charset=utf-8"

// BOM starts every exported CSV: without it, spreadsheets (Excel above
// all) read UTF-8 as the machine's legacy code page and show "JÃ¼rgen"
// for Jürgen and mojibake for 王芳. Readers of the file strip it first.
const BOM = "\ufeff"

// StripBOM returns r without a leading UTF-8 byte order mark, for
// programs that read an exported CSV back.
func StripBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(BOM)); err == nil && string(b) == BOM {
		br.Discard(len(BOM))
	}
	return br
}

// CheckinsHeader is the tap log's header.
var CheckinsHeader = []string{"id", "at", "delegate_id", "name", "uid", "source", "gate", "direction", "result", "reason", "kiosk", "first_today"}

// WriteCheckinsCSV writes the tap log of one local date ("" for all) with
// times in loc, BOM first: the CLI's export and the desk's download.
func WriteCheckinsCSV(ctx context.Context, w io.Writer, taps TapLister, date string, loc *time.Location) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return fmt.Errorf("export checkins: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CheckinsHeader); err != nil {
		return err
	}
	err := taps.Taps(ctx, date, func(t TapRecord) error {
		return cw.Write(SafeCells([]string{t.ID, t.At.In(loc).Format(time.RFC3339Nano), t.DelegateID, t.DelegateName, t.UID,
			t.Source, t.Gate, t.Direction, t.Result, t.Reason, t.Kiosk, strconv.FormatBool(t.FirstToday)}))
	})
	if err != nil {
		return fmt.Errorf("export checkins: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

// SafeCells neutralises, in place, the cells of a CSV row that a
// spreadsheet would take for a formula (=HYPERLINK(…), +cmd|…, @SUM(…)):
// a cell beginning with =, +, -, @, tab or carriage return gets a leading
// ', which spreadsheets show as text and do not display. Every cell of
// every export goes through it: names, organisations and gates come from
// imports and desks, and an attacker chooses them.
func SafeCells(row []string) []string {
	for i, cell := range row {
		if cell != "" && strings.IndexByte("=+-@\t\r", cell[0]) >= 0 {
			row[i] = "'" + cell
		}
	}
	return row
}
