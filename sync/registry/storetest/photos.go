package storetest

import (
	"bytes"
	"context"
	"testing"

	"checkin/kiosk"
	"checkin/kiosk/phototest"
	"checkin/sync/registry"
)

// photo is the photo of a seed for a delegate, checked as an import
// checks it.
func photo(t *testing.T, delegateID string, seed int) kiosk.Photo {
	t.Helper()
	p, err := kiosk.NewPhoto(delegateID, phototest.JPEG(seed, 60, 80))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// photoFeed returns the photo entries of the feed after since, as a kiosk
// holds them once applied: delegate id → hash ("" for deleted).
func photoFeed(t *testing.T, s registry.Admin, since int64) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range apply(feed(t, s, since)) {
		if c.Kind != kiosk.ChangePhoto {
			continue
		}
		p := c.Value.(*kiosk.Photo)
		if c.Op == kiosk.OpUpsert {
			out[p.DelegateID] = p.SHA256
		} else {
			out[p.DelegateID] = ""
		}
	}
	return out
}

// testPhotos: an import counts what it adds, changes and leaves; the feed
// carries each delegate's hash, not the bytes; the bytes are served by
// hash; a photo shared by two delegates is stored once and stays while
// one of them has it.
func testPhotos(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	importRoster(t, s)
	h := head(t, s)
	p1, p2, p3 := photo(t, "D1", 1), photo(t, "D2", 2), photo(t, "D3", 3)
	res, err := s.ImportPhotos(ctx, []kiosk.Photo{p1, p2})
	if err != nil {
		t.Fatal(err)
	}
	if want := (kiosk.PhotoImport{Added: 2}); res != want {
		t.Errorf("first import = %+v, want %+v", res, want)
	}
	if got := photoFeed(t, s, h); len(got) != 2 || got["D1"] != p1.SHA256 || got["D2"] != p2.SHA256 {
		t.Errorf("feed after the import: %v, want D1 and D2 by hash", got)
	}
	for _, c := range feed(t, s, h) {
		if v, ok := c.Value.(*kiosk.Photo); ok && v.Data != nil {
			t.Errorf("feed entry %d carries the photo's bytes", c.Seq)
		}
	}

	// D2 gets D1's picture (one blob for both), D3 a new one, D1 the same.
	h = head(t, s)
	same := p1
	same.DelegateID = "D2"
	res, err = s.ImportPhotos(ctx, []kiosk.Photo{p1, same, p3})
	if err != nil {
		t.Fatal(err)
	}
	if want := (kiosk.PhotoImport{Added: 1, Changed: 1, Unchanged: 1}); res != want {
		t.Errorf("second import = %+v, want %+v", res, want)
	}
	if got := photoFeed(t, s, h); len(got) != 2 || got["D2"] != p1.SHA256 || got["D3"] != p3.SHA256 {
		t.Errorf("feed after the second import: %v, want D2 (D1's hash) and D3 only", got)
	}
	if _, err := s.PhotoBlob(ctx, p2.SHA256); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("D2's old photo, which no one has now: %v, want ENOTFOUND", err)
	}
	got, err := s.Photo(ctx, "D2")
	if err != nil {
		t.Fatal(err)
	}
	if got.SHA256 != p1.SHA256 || got.ContentType != kiosk.PhotoJPEG || got.Size != len(p1.Data) || !bytes.Equal(got.Data, p1.Data) {
		t.Errorf("photo of D2 = %s %s %d bytes, want D1's", got.SHA256, got.ContentType, got.Size)
	}
	h = head(t, s)
	if _, err := s.ImportPhotos(ctx, []kiosk.Photo{p1, same, p3}); err != nil {
		t.Fatal(err)
	}
	unchanged(t, s, h, "the same photos again")

	// Removing D1's keeps the bytes: D2 has them too.
	if err := s.SetPhoto(ctx, kiosk.Photo{DelegateID: "D1"}); err != nil {
		t.Fatal(err)
	}
	if b, err := s.PhotoBlob(ctx, p1.SHA256); err != nil || !bytes.Equal(b.Data, p1.Data) || b.ContentType != kiosk.PhotoJPEG {
		t.Errorf("blob still named by D2: %v", err)
	}
	if _, err := s.Photo(ctx, "D1"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("photo of D1 after removal: %v, want ENOTFOUND", err)
	}
	if got := photoFeed(t, s, h); got["D1"] != "" || len(got) != 1 {
		t.Errorf("feed after removing D1's photo: %v, want a delete of D1", got)
	}
	hashes, err := s.PhotoHashes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"D1": "", "D2": p1.SHA256, "D3": p3.SHA256, "D4": ""}; len(hashes) != 4 ||
		hashes["D1"] != "" || hashes["D2"] != want["D2"] || hashes["D3"] != want["D3"] || hashes["D4"] != "" {
		t.Errorf("photo hashes = %v, want %v", hashes, want)
	}
	errCode(t, "photo of someone not on the roster", s.SetPhoto(ctx, photo(t, "D9", 9)), kiosk.ENOTFOUND)
}

// testPhotosAllOrNothing: an import naming a delegate not on the roster
// writes nothing, and says which.
func testPhotosAllOrNothing(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	importRoster(t, s)
	h := head(t, s)
	_, err := s.ImportPhotos(ctx, []kiosk.Photo{photo(t, "D1", 1), photo(t, "X7", 7)})
	errCode(t, "import with an unknown delegate", err, kiosk.EINVALID)
	if err == nil || !bytes.Contains([]byte(kiosk.ErrorMessage(err)), []byte("X7")) {
		t.Errorf("error %v does not name X7", err)
	}
	unchanged(t, s, h, "a refused import")
	if _, err := s.Photo(ctx, "D1"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("D1 has a photo after a refused import: %v", err)
	}
}

// testPhotosSurviveRoster: a roster re-import keeps the photos of the
// delegates still on it and drops those of the ones it removes.
func testPhotosSurviveRoster(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	ctx := context.Background()
	importRoster(t, s)
	p1, p3 := photo(t, "D1", 1), photo(t, "D3", 3)
	if _, err := s.ImportPhotos(ctx, []kiosk.Photo{p1, p3}); err != nil {
		t.Fatal(err)
	}
	h := head(t, s)
	r := roster()
	r[0].Organization = "Office fédéral de la communication" // D1 changes, D3 leaves
	if _, err := s.ReplaceRoster(ctx, []kiosk.Delegate{r[0], r[1], r[3]}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Photo(ctx, "D1"); err != nil || got.SHA256 != p1.SHA256 {
		t.Errorf("D1's photo after the re-import: %v, %v", got.SHA256, err)
	}
	if _, err := s.PhotoBlob(ctx, p3.SHA256); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
		t.Errorf("removed D3's photo bytes: %v, want ENOTFOUND", err)
	}
	if got := photoFeed(t, s, h); len(got) != 1 || got["D3"] != "" {
		t.Errorf("photo entries after the re-import: %v, want only D3's delete", got)
	}
}
