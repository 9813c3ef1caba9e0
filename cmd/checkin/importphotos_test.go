package main

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"checkin/kiosk"
	"checkin/kiosk/phototest"
	"checkin/kiosk/sqlite"
	regsqlite "checkin/sync/registry/sqlite"
)

// photoRoster is a roster of four delegates, names in four scripts.
const photoRoster = `id,family_name,given_name,country
P1,Okonkwo,Chidinma,NG
P2,Σταυρίδου,Ελένη,GR
P3,서,지훈,KR
P4,Pérez Quispe,Wilmer,PE
`

// photoDir makes a data directory with the roster imported.
func photoDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	roster := writeFile(t, t.TempDir(), "roster.csv", photoRoster)
	if code, _, stderr := run(t, nil, "", "import", "roster", "--data", dir, roster); code != 0 {
		t.Fatalf("import roster: %d %s", code, stderr)
	}
	return dir
}

func writeBytes(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// kioskPhotos returns the photos a data directory holds, by delegate.
func kioskPhotos(t *testing.T, dir string) map[string]string {
	t.Helper()
	db := sqlite.NewDB(filepath.Join(dir, dbFile))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h, err := db.PhotoHashes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for id, sha := range h {
		if sha == "" {
			delete(h, id)
		}
	}
	return h
}

// TestImportPhotosFolder: a folder of good photos is imported whole, counted,
// and a second run with one changed counts that.
func TestImportPhotosFolder(t *testing.T) {
	dir := photoDir(t)
	photos := t.TempDir()
	p1, p2, p3 := phototest.JPEG(11, 300, 400), phototest.PNG(12, 90, 120), phototest.JPEG(13, 240, 320)
	writeBytes(t, photos, "P1.jpg", p1)
	writeBytes(t, photos, "P2.PNG", p2)
	writeBytes(t, photos, "P3.JPEG", p3)
	writeBytes(t, photos, ".DS_Store", []byte("junk"))

	code, stdout, stderr := run(t, nil, "", "import", "photos", "--data", dir, "--dry-run", photos)
	if code != 0 || !strings.Contains(stdout, "3 added, 0 changed, 0 unchanged (dry run") || !strings.Contains(stdout, "would add: P1 P2 P3") {
		t.Fatalf("dry run: %d %q %q", code, stdout, stderr)
	}
	if got := kioskPhotos(t, dir); len(got) != 0 {
		t.Fatalf("a dry run wrote %v", got)
	}
	code, stdout, stderr = run(t, nil, "", "import", "photos", "--data", dir, photos)
	if code != 0 || !strings.Contains(stdout, "3 photos (3 added, 0 changed, 0 unchanged)") || !strings.Contains(stderr, ".DS_Store: skipped") {
		t.Fatalf("import: %d %q %q", code, stdout, stderr)
	}
	want := map[string]string{"P1": kiosk.PhotoHash(p1), "P2": kiosk.PhotoHash(p2), "P3": kiosk.PhotoHash(p3)}
	if got := kioskPhotos(t, dir); len(got) != 3 || got["P1"] != want["P1"] || got["P2"] != want["P2"] || got["P3"] != want["P3"] {
		t.Errorf("photos after the import: %v, want %v", got, want)
	}
	writeBytes(t, photos, "P1.jpg", phototest.JPEG(21, 300, 400))
	code, stdout, _ = run(t, nil, "", "import", "photos", "--data", dir, photos)
	if code != 0 || !strings.Contains(stdout, "(0 added, 1 changed, 2 unchanged)") {
		t.Errorf("second import: %d %q", code, stdout)
	}
}

// TestImportPhotosAllOrNothing: one run lists every bad file, one line
// each naming it, exits 2 and writes nothing, also the good files.
func TestImportPhotosAllOrNothing(t *testing.T) {
	dir := photoDir(t)
	photos := t.TempDir()
	good := phototest.JPEG(31, 200, 260)
	writeBytes(t, photos, "P1.jpg", good)                                                // good
	writeBytes(t, photos, "P9.jpg", good)                                                // unknown delegate
	writeBytes(t, photos, "P2.png", good)                                                // a JPEG named .png: fine, the bytes decide
	writeBytes(t, photos, "P3.jpg", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))       // another type
	writeBytes(t, photos, "P4.jpg", good[:len(good)/3])                                  // damaged
	writeBytes(t, photos, "P4.png", phototest.PNG(32, 64, 64))                           // second photo of P4
	writeBytes(t, photos, "notes.txt", []byte("hello"))                                  // not a photo's name
	writeBytes(t, photos, "big.jpeg", bytes.Repeat([]byte{0xff}, kiosk.MaxPhotoBytes+1)) // too large (and no delegate)
	code, stdout, stderr := run(t, nil, "", "import", "photos", "--data", dir, photos)
	if code != 2 {
		t.Fatalf("exit %d, want 2; stdout %q", code, stdout)
	}
	var lines []string // the problem lines; not the data directory's warning
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.HasPrefix(l, photos+": ") {
			lines = append(lines, l)
		}
	}
	for _, want := range []string{"big.jpeg: 5242881 bytes", "notes.txt: not named <delegate id>", "P3.jpg: is image/gif",
		"P4.jpg: delegate P4 has several photos", "P4.png: delegate P4 has several photos", `P9.jpg: no delegate with id "P9"`} {
		found := false
		for _, l := range lines {
			if strings.Contains(l, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no line naming %q in:\n%s", want, stderr)
		}
	}
	if len(lines) != 7 { // one per problem: P4.jpg is damaged and a second photo of P4
		t.Errorf("%d lines, want 7 (one per problem):\n%s", len(lines), stderr)
	}
	if got := kioskPhotos(t, dir); len(got) != 0 {
		t.Errorf("a refused import wrote %v", got)
	}
}

// TestImportPhotosZip: a zipped folder imports by base name into a
// registry's data directory (the feed gets the photos); a zip with a path
// that climbs out, or an entry larger than it says, is refused.
func TestImportPhotosZip(t *testing.T) {
	dir := photoDir(t)
	reg, err := regsqlite.Open(filepath.Join(dir, dbFile), nil) // the directory becomes a registry's
	if err != nil {
		t.Fatal(err)
	}
	reg.Close()
	p4 := phototest.JPEG(41, 300, 400)
	zipFile := func(files map[string][]byte) string {
		t.Helper()
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, data := range files {
			w, err := zw.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(data)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "photos.zip")
		writeBytes(t, filepath.Dir(p), "photos.zip", buf.Bytes())
		return p
	}
	good := zipFile(map[string][]byte{"photos/P4.jpg": p4, "__MACOSX/photos/._P4.jpg": []byte("x"), "photos/": nil})
	code, stdout, stderr := run(t, nil, "", "import", "photos", "--data", dir, good)
	if code != 0 || !strings.Contains(stdout, "1 photos (1 added") {
		t.Fatalf("zip import: %d %q %q", code, stdout, stderr)
	}
	reg, err = regsqlite.Open(filepath.Join(dir, dbFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if p, err := reg.Photo(context.Background(), "P4"); err != nil || p.SHA256 != kiosk.PhotoHash(p4) {
		t.Errorf("registry's photo of P4: %v", err)
	}
	page, err := reg.Changes(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	fed := false
	for _, c := range page.Changes {
		fed = fed || c.Kind == kiosk.ChangePhoto && strings.Contains(string(c.Data), kiosk.PhotoHash(p4))
	}
	if !fed {
		t.Errorf("the registry's feed has no photo of P4")
	}

	bad := zipFile(map[string][]byte{"../P1.jpg": p4, "P2.jpg": p4})
	code, _, stderr = run(t, nil, "", "import", "photos", "--data", dir, bad)
	if code != 2 || !strings.Contains(stderr, "../P1.jpg: unsafe path") {
		t.Errorf("zip with ../: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, nil, "", "import", "photos", "--data", dir, writeFile(t, t.TempDir(), "x.zip", "not a zip")); code != 2 || !strings.Contains(stderr, "not a zip archive") {
		t.Errorf("not a zip: %d %q", code, stderr)
	}
	if code, stdout, stderr := run(t, nil, "", "import", "photos", "--help"); code != 0 || !strings.Contains(stdout+stderr, "D0042.jpg") ||
		!strings.Contains(stdout+stderr, "-dry-run") {
		t.Errorf("--help: %d %q %q", code, stdout, stderr)
	}
}
