package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"checkin/badge/serialreader/ptytest"
	"checkin/kiosk/web/browsertest"
)

// roomOf returns a room of a kiosk's GET /api/rooms.
func roomOf(t testing.TB, base, name string) map[string]any {
	t.Helper()
	var body struct{ Rooms []map[string]any }
	if err := json.Unmarshal([]byte(get(t, base+"/api/rooms")), &body); err != nil {
		t.Fatal(err)
	}
	for _, r := range body.Rooms {
		if r["name"] == name {
			return r
		}
	}
	return nil
}

// inside is a room's people inside at a kiosk, -1 when it has no such room.
func inside(t testing.TB, base, name string) int {
	r := roomOf(t, base, name)
	if r == nil {
		return -1
	}
	return int(r["inside"].(float64))
}

// doorVenue is a registry with five delegates of group Q9/12, a session of
// Q9/12 in "Salle K 會議室" (capacity 3, overflow "Popov") all day today,
// and kiosks north (door readers in and out) and south (door reader in).
type doorVenue struct {
	*venue
	north, south         *process
	northIn, northOut    *os.File
	southIn              *os.File
	northEvents, southEv *events
}

const doorRoom = "Salle K 會議室"

func newDoorVenue(t testing.TB) *doorVenue {
	t.Helper()
	ptytest.NeedSocat(t)
	roster := "id,family_name,given_name,groups,badge_uid\n"
	for i := 1; i <= 5; i++ {
		roster += fmt.Sprintf("Q%d,Nkosi,Thandi %d,Q9/12,AA000000%02d\n", i, i, i)
	}
	v := prepareVenue(t, roster, "north", "south")
	// The meeting's zone is one where it is about noon now, so that the
	// all-day session runs for hours before and after whenever the test runs.
	zone := noonZone(time.Now())
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(loc).Format("2006-01-02")
	schedule := writeFile(t, v.dir, "schedule.csv", "date,start,end,room,title,groups,building\n"+
		today+",00:00,23:59,"+doorRoom+",Q9/12 rapporteur group,Q9/12,Tower\n")
	rooms := writeFile(t, v.dir, "rooms.csv", "room,building,capacity,overflow\n"+doorRoom+",Tower,3,Popov\nPopov,Tower,,\n")
	for _, args := range [][]string{
		{"import", "schedule", "--data", v.regDir, "--tz", zone, schedule},
		{"import", "rooms", "--data", v.regDir, rooms},
	} {
		if out, err := runBin(v.bin, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	v.startRegistry()
	d := &doorVenue{venue: v}
	pty := func(name string) *ptytest.Socat {
		dir := filepath.Join(v.dir, name)
		os.Mkdir(dir, 0o755)
		return ptytest.Start(t, dir)
	}
	nIn, nOut, sIn := pty("north-in"), pty("north-out"), pty("south-in")
	door := func(p *ptytest.Socat, gate, dir string) string {
		return p.A + ",format=line,role=room,room=" + doorRoom + ",gate=" + gate + ",direction=" + dir
	}
	d.north = startKiosk(t, v.bin, "--data", filepath.Join(v.dir, "north"), "--kiosk-id", "north",
		"--registry", v.registryURL(), "--token-file", v.tokenFile("north"),
		"--reader", door(nIn, "k-east", "in"), "--reader", door(nOut, "k-east", "out"))
	d.south = startKiosk(t, v.bin, "--data", filepath.Join(v.dir, "south"), "--kiosk-id", "south",
		"--registry", v.registryURL(), "--token-file", v.tokenFile("south"),
		"--reader", door(sIn, "k-west", "in"))
	waitReaders(t, d.north.url, "open", nIn.A, nOut.A)
	waitReaders(t, d.south.url, "open", sIn.A)
	d.northIn, d.northOut, d.southIn = nIn.OpenPeer(t), nOut.OpenPeer(t), sIn.OpenPeer(t)
	eventually(t, 15*time.Second, "roster, schedule and rooms reach both kiosks", func() bool {
		for _, k := range []*process{d.north, d.south} {
			r := roomOf(t, k.url, doorRoom)
			if getHealth(t, k.url).Delegates != 5 || r == nil || r["capacity"] != 3.0 || r["session"] == nil {
				return false
			}
		}
		return true
	})
	d.northEvents, d.southEv = subscribe(t, d.north.url), subscribe(t, d.south.url)
	return d
}

// noonZone names a fixed-offset zone in which it is between 11:00 and
// 13:00 at now (Etc/GMT-N is N hours ahead of UTC).
func noonZone(now time.Time) string {
	off := 12 - now.UTC().Hour()
	switch {
	case off > 0:
		return fmt.Sprintf("Etc/GMT-%d", off)
	case off < 0:
		return fmt.Sprintf("Etc/GMT+%d", -off)
	}
	return "UTC"
}

// badge presents a badge at a door reader and returns the kiosk's decision.
func (d *doorVenue) badge(t testing.TB, reader *os.File, ev *events, uid string) map[string]any {
	t.Helper()
	if _, err := reader.Write([]byte(uid + "\r\n")); err != nil {
		t.Fatal(err)
	}
	return ev.nextTap(t, 10*time.Second)
}

func wantTap(t testing.TB, res map[string]any, result, reason string) {
	t.Helper()
	if res["result"] != result || res["reason"] != reason || res["room"] != doorRoom {
		t.Fatalf("tap %v: want %s %q at %s", res, result, reason, doorRoom)
	}
	if s, _ := res["session"].(map[string]any); s == nil || s["room"] != doorRoom {
		t.Fatalf("tap %v: no session of the room", res)
	}
}

// TestRoomDoorsTwoKiosks: two kiosks each with a door reader of the same
// room, capacity 3, under one registry: three in at either door, the 4th
// is refused at both, one out lets the next in; the count is the same at
// both kiosks.
func TestRoomDoorsTwoKiosks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	d := newDoorVenue(t)
	both := func(n int, why string) {
		t.Helper()
		eventually(t, 10*time.Second, why, func() bool {
			return inside(t, d.north.url, doorRoom) == n && inside(t, d.south.url, doorRoom) == n
		})
	}
	// The lobby TV on south's network, in a real browser: the chip beside
	// the room's session.
	lobby := browsertest.New(t, 1920, 1080)
	if err := chromedp.Do(lobby, chromedp.Navigate(d.south.url+"/lobby")); err != nil {
		t.Fatal(err)
	}
	chip := `((document.querySelector(".row .chip.seats, .row .chip.full") || {}).textContent || "")`
	browsertest.WaitJS(t, lobby, "3 seats left on the lobby", chip+` === "3 seats left"`)

	wantTap(t, d.badge(t, d.northIn, d.northEvents, "AA00000001"), "accepted", "")
	wantTap(t, d.badge(t, d.southIn, d.southEv, "AA00000002"), "accepted", "")
	wantTap(t, d.badge(t, d.northIn, d.northEvents, "AA00000003"), "accepted", "")
	both(3, "three inside at both kiosks")
	if r := roomOf(t, d.south.url, doorRoom); r["full"] != true || r["seats_left"] != 0.0 {
		t.Fatalf("south's room after three in: %v", r)
	}
	browsertest.WaitJS(t, lobby, "Full on the lobby", chip+`.includes("Full")`)
	browsertest.Screenshot(t, lobby, "e2e-lobby-full")

	for _, door := range []struct {
		reader *os.File
		ev     *events
	}{{d.southIn, d.southEv}, {d.northIn, d.northEvents}} {
		res := d.badge(t, door.reader, door.ev, "AA00000004")
		wantTap(t, res, "rejected", "room_full")
		if in, _ := res["instead"].(map[string]any); in == nil || in["overflow"] != "Popov" {
			t.Errorf("room_full without the overflow room: %v", res)
		}
	}

	wantTap(t, d.badge(t, d.northOut, d.northEvents, "AA00000001"), "accepted", "")
	both(2, "one out seen at both kiosks")
	if r := roomOf(t, d.south.url, doorRoom); r["full"] != false || r["seats_left"] != 1.0 {
		t.Fatalf("south's room after one out: %v", r)
	}
	browsertest.WaitJS(t, lobby, "1 seat left on the lobby", chip+` === "1 seat left"`)
	browsertest.Screenshot(t, lobby, "e2e-lobby-1-seat-left")
	wantTap(t, d.badge(t, d.southIn, d.southEv, "AA00000005"), "accepted", "")
	both(3, "the next one in seen at both kiosks")

	// The registry keeps every door tap with its room and session; none
	// of them is an arrival at the venue.
	eventually(t, 10*time.Second, "taps delivered", func() bool {
		return getHealth(t, d.north.url).Registry.Outbox == 0 && getHealth(t, d.south.url).Registry.Outbox == 0
	})
	out, err := runBin(d.bin, "export", "checkins", "--data", d.regDir)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "room_full"); n != 2 {
		t.Errorf("registry export has %d room_full taps, want 2:\n%s", n, out)
	}
	// One entry at the entrance: the one arrival of the day.
	if res := postTap(t, d.north.url, `{"uid":"AA00000002"}`); res["result"] != "accepted" || res["first_today"] != true {
		t.Fatalf("entrance tap after room doors: %v", res)
	}
	d.northEvents.nextTap(t, 5*time.Second) // its event
	eventually(t, 10*time.Second, "the entrance tap reaches the registry", func() bool { return registryArrivals(t, d.venue) == 1 })

	// Staff at south empty the room (an evacuation): both kiosks count
	// nobody inside, and the next badge is admitted at north (one that
	// north's door reader has not read yet: it holds a card off for a
	// while).
	// dana, the registry's login (registryArrivals), reaches every kiosk.
	desk, csrf := signIn(t, d.south.url, "dana", "correct horse battery")
	if code, body := staffCall(t, desk, csrf, "POST", d.south.url+"/api/rooms/"+url.PathEscape(doorRoom)+"/reset", ""); code != 200 || body["inside"] != 0.0 {
		t.Fatalf("reset: %d %v", code, body)
	}
	both(0, "the reset reaches both kiosks")
	wantTap(t, d.badge(t, d.northIn, d.northEvents, "AA00000002"), "accepted", "")
	both(1, "an entry after the reset")
}

// nextRoom returns the next `room` event's data for room, or fails after d.
func (e *events) nextRoom(t testing.TB, room string, d time.Duration) map[string]any {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev := <-e.ch:
			var m map[string]any
			if ev[0] != "room" || json.Unmarshal([]byte(ev[1]), &m) != nil || m["name"] != room {
				continue
			}
			return m
		case <-deadline:
			t.Fatalf("no room event for %s within %v", room, d)
			return nil
		}
	}
}

// BenchmarkRoomOccupancyPropagation reports p50 and p99 of a room-door
// tap at one kiosk (POST /api/taps with a room) → the changed count at
// another kiosk under the same registry (its `room` event, sent once the
// count that GET /api/rooms answers has changed). Goal: p99 < 1 s.
func BenchmarkRoomOccupancyPropagation(b *testing.B) {
	d := newDoorVenue(b)
	south := subscribe(b, d.south.url)
	var lat []time.Duration
	i := 0
	for b.Loop() {
		dir, want := "in", 1.0
		if i%2 == 1 {
			dir, want = "out", 0.0
		}
		i++
		t0 := time.Now()
		res := postTap(b, d.north.url, `{"uid":"AA00000005","room":"`+doorRoom+`","direction":"`+dir+`"}`)
		if res["result"] != "accepted" {
			b.Fatalf("tap: %v", res)
		}
		for {
			if r := south.nextRoom(b, doorRoom, 10*time.Second); r["inside"] == want {
				break
			}
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
