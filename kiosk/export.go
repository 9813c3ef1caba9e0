package kiosk

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"
)

// CheckinsHeader is the attendance report's header.
var CheckinsHeader = []string{"id", "at", "delegate_id", "name", "uid", "source", "gate", "direction", "result", "reason", "kiosk", "first_today"}

// WriteCheckinsCSV writes the attendance report of one local date ("" for
// all) with times in loc: the CLI's export and the desk's download.
func WriteCheckinsCSV(ctx context.Context, w io.Writer, taps TapLister, date string, loc *time.Location) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CheckinsHeader); err != nil {
		return err
	}
	err := taps.Taps(ctx, date, func(t TapRecord) error {
		return cw.Write([]string{t.ID, t.At.In(loc).Format(time.RFC3339Nano), t.DelegateID, t.DelegateName, t.UID,
			t.Source, t.Gate, t.Direction, t.Result, t.Reason, t.Kiosk, strconv.FormatBool(t.FirstToday)})
	})
	if err != nil {
		return fmt.Errorf("export checkins: %w", err)
	}
	cw.Flush()
	return cw.Error()
}
