package client_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/phototest"
	ksqlite "checkin/kiosk/sqlite"
)

// photosOf returns n distinct JPEG photos of about size bytes for the
// venue's delegates D000000…: one real picture, each copy made distinct
// by a trailer after its end-of-image marker (decoders ignore it), so that
// each has a hash of its own without encoding n pictures.
func photosOf(tb testing.TB, n, size int) []kiosk.Photo {
	tb.Helper()
	side := 300
	base := phototest.JPEG(7, side, side*4/3)
	for len(base) < size*9/10 && side < 1200 {
		side += 60
		base = phototest.JPEG(7, side, side*4/3)
	}
	out := make([]kiosk.Photo, n)
	for i := range out {
		data := append(append([]byte(nil), base...), fmt.Sprintf("checkin test photo %06d", i)...)
		out[i] = kiosk.Photo{DelegateID: fmt.Sprintf("D%06d", i), SHA256: kiosk.PhotoHash(data), ContentType: kiosk.PhotoJPEG,
			Size: len(data), Data: data}
	}
	return out
}

// waitPhotos waits until the kiosk holds every photo, failing after limit.
func waitPhotos(tb testing.TB, db *ksqlite.DB, photos []kiosk.Photo, limit time.Duration) {
	tb.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(limit)
	for {
		missing, err := db.MissingPhotos(ctx, 1)
		if err != nil {
			tb.Fatal(err)
		}
		hashes, err := db.PhotoHashes(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		named := 0
		for _, p := range photos {
			if hashes[p.DelegateID] == p.SHA256 {
				named++
			}
		}
		if named == len(photos) && len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("after %v the kiosk names %d of %d photos and misses bytes of %v", limit, named, len(photos), missing)
		}
		time.Sleep(20 * time.Millisecond) // often enough to time seconds, not so often as to slow the sync
	}
}

// TestPhotosReachKiosks: photos imported at the registry reach a fresh
// kiosk (the feed names them, the bytes follow by hash); a photo taken at
// one kiosk's desk reaches the registry through the outbox and another
// kiosk through the feed; a removal too.
func TestPhotosReachKiosks(t *testing.T) {
	v := newVenue(t, 20)
	ctx := context.Background()
	photos := photosOf(t, 5, 20_000)
	if _, err := v.admin.ImportPhotos(ctx, photos); err != nil {
		t.Fatal(err)
	}
	north, south := newKiosk(t), newKiosk(t)
	runClient(t, v, north, nil)
	runClient(t, v, south, nil)
	waitPhotos(t, north, photos, 20*time.Second)
	got, err := north.Photo(ctx, "D000003")
	if err != nil || !bytes.Equal(got.Data, photos[3].Data) || got.ContentType != kiosk.PhotoJPEG {
		t.Fatalf("north's photo of D000003: %v (%d bytes, %s)", err, len(got.Data), got.ContentType)
	}

	// North's desk takes a PNG of D000010 and removes D000001's photo.
	taken, err := kiosk.NewPhoto("D000010", phototest.PNG(3, 64, 80))
	if err != nil {
		t.Fatal(err)
	}
	if err := north.DeskPhoto(ctx, "clerk", taken); err != nil {
		t.Fatal(err)
	}
	if err := north.DeskPhoto(ctx, "clerk", kiosk.Photo{DelegateID: "D000001"}); err != nil {
		t.Fatal(err)
	}
	want := append([]kiosk.Photo{taken}, photos[0])
	want = append(want, photos[2:]...)
	waitPhotos(t, south, want, 20*time.Second)
	if p, err := v.admin.Photo(ctx, "D000010"); err != nil || p.SHA256 != taken.SHA256 || p.ContentType != kiosk.PhotoPNG {
		t.Errorf("registry's photo of D000010: %v %s %s", err, p.SHA256, p.ContentType)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		_, err := south.Photo(ctx, "D000001")
		if kiosk.ErrorCode(err) == kiosk.ENOTFOUND {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("south still has D000001's removed photo: %v", err)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		out, err := north.Outbox(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if out.Photos == 0 && out.Refused == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("north's outbox after delivery: %+v", out)
		}
	}
}

// BenchmarkPhotoSync2000: 2,000 photos of about 50 KB reach a fresh
// kiosk from a registry on loopback (goal: under 10 s): the feed names
// them, and the kiosk fetches and stores the bytes.
func BenchmarkPhotoSync2000(b *testing.B) {
	v := newVenue(b, 2000)
	photos := photosOf(b, 2000, 50_000)
	if _, err := v.admin.ImportPhotos(context.Background(), photos); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		db := newKiosk(b)
		start := time.Now()
		runClient(b, v, db, nil)
		waitPhotos(b, db, photos, 5*time.Minute)
		b.ReportMetric(time.Since(start).Seconds(), "s/sync")
	}
	b.ReportMetric(float64(photos[0].Size)/1000, "kB/photo")
}
