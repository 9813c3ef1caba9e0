package storetest

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"checkin/kiosk"
	wire "checkin/sync"
)

// testAttendance: the per-delegate report has every delegate of the roster
// (absentees too) in id order, with the first accepted entry of each day
// across kiosks as HH:MM in the meeting's zone, a column per day of the
// meeting and the days present; it is UTF-8 with a BOM and reads back with
// encoding/csv once the BOM is stripped.
func testAttendance(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	importRoster(t, s)
	tue := nine.AddDate(0, 0, 2)
	deliver(t, s, "north-1", []wire.CheckinEvent{
		checkin("a1", "D1", nine, kiosk.DirectionIn),
		checkin("a2", "D2", nine.Add(75*time.Minute), kiosk.DirectionIn),
		checkin("a3", "D1", nine.Add(3*time.Hour), kiosk.DirectionOut),
		rejected("a4", "D3", "0102030405", kiosk.ReasonNotValidToday, nine),
		checkin("a5", "D2", tue.Add(-47*time.Minute), kiosk.DirectionIn),
	}, 5, 0)
	// Another kiosk saw D1 earlier that morning; its delivery comes later.
	deliver(t, s, "south-1", []wire.CheckinEvent{
		checkin("b1", "D1", nine.Add(-20*time.Minute), kiosk.DirectionIn),
		checkin("b2", "D1", tue.Add(5*time.Hour+7*time.Minute), kiosk.DirectionIn),
	}, 2, 0)

	var buf bytes.Buffer
	if err := kiosk.WriteAttendanceCSV(context.Background(), &buf, s, meeting); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte(kiosk.BOM)) {
		t.Fatalf("report does not start with a BOM: %q", buf.String()[:min(20, buf.Len())])
	}
	rows, err := csv.NewReader(kiosk.StripBOM(&buf)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	days := "2026-11-21,2026-11-22,2026-11-23,2026-11-24,2026-11-25,2026-11-26,2026-11-27,2026-11-28"
	want := []string{
		strings.Join(kiosk.AttendanceHeader, ",") + "," + days + ",days_present",
		"D1,Müller,Jürgen,,,Département fédéral de l'environnement,CH,head,registered,,08:40,,14:07,,,,,2",
		"D2,王,伟,Wang,Wei,中国信息通信研究院,CN,delegate,registered,,10:15,,08:13,,,,,2",
		"D3,Иванова,Анна,,,Минцифры России,RU,delegate,registered,,,,,,,,,0",
		"D4,الهاشمي,فاطمة,Al-Hashimi,Fatima,هيئة تنظيم قطاع الاتصالات,JO,delegate,registered,,,,,,,,,0",
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d:\n%q", len(rows), len(want), rows)
	}
	for i, w := range want {
		if got := strings.Join(rows[i], ","); got != w {
			t.Errorf("row %d:\ngot  %s\nwant %s", i, got, w)
		}
	}
}
