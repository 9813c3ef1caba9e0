package photoimport_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"checkin/kiosk"
	"checkin/kiosk/photoimport"
	"checkin/kiosk/phototest"
)

func zipOf(t testing.TB, files ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func problems(r photoimport.Result) string {
	var out []string
	for _, p := range r.Problems {
		out = append(out, p.String())
	}
	return strings.Join(out, "\n")
}

// TestZipBomb: an entry that unpacks past a photo's size is refused from
// its header, and one that lies about its size is cut off while read.
func TestZipBomb(t *testing.T) {
	zeros := strings.Repeat("\x00", kiosk.MaxPhotoBytes+1)
	data := zipOf(t, [2]string{"D1.jpg", zeros}, [2]string{"D2.jpg", string(phototest.JPEG(1, 64, 64))})
	if len(data) > 64<<10 {
		t.Fatalf("the bomb is %d bytes; it should compress", len(data))
	}
	r, err := photoimport.ReadZip(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if got := problems(r); !strings.Contains(got, "D1.jpg: 5242881 bytes") || len(r.Photos) != 1 || r.Photos[0].DelegateID != "D2" {
		t.Errorf("problems %q, photos %d", got, len(r.Photos))
	}

	// The same entry with its header claiming 100 bytes.
	lying := bytes.Replace(data, le32(kiosk.MaxPhotoBytes+1), le32(100), -1)
	r, err = photoimport.ReadZip(bytes.NewReader(lying), int64(len(lying)))
	if err != nil {
		t.Fatal(err)
	}
	if got := problems(r); !strings.HasPrefix(got, "D1.jpg: ") {
		t.Errorf("a zip entry lying about its size: problems %q", got)
	}
}

func le32(n int) []byte { return []byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)} }

func TestReadFS(t *testing.T) {
	jpeg := phototest.JPEG(2, 64, 80)
	fsys := fstest.MapFS{
		"D1.JPG":     {Data: jpeg},
		"d1.jpg":     {Data: jpeg}, // ids are case-sensitive: another delegate
		"D2.jpeg":    {Data: jpeg},
		"D2.png":     {Data: phototest.PNG(3, 64, 80)},
		".hidden":    {Data: []byte("x")},
		"sub/D3.jpg": {Data: jpeg},
		"D 4.png":    {Data: phototest.PNG(4, 64, 80)},
	}
	r, err := photoimport.ReadFS(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range r.Photos {
		ids = append(ids, p.DelegateID)
	}
	if strings.Join(ids, " ") != "D 4 D1 d1" {
		t.Errorf("photos of %q, want D 4, D1, d1", ids)
	}
	if got := problems(r); strings.Count(got, "several photos") != 2 {
		t.Errorf("problems %q, want D2's two files", got)
	}
	if strings.Join(r.Skipped, " ") != ".hidden sub/" {
		t.Errorf("skipped %q", r.Skipped)
	}
}

// FuzzReadZip: any bytes as a zip archive give problems or photos, never
// a panic, and every photo is a checked one named by a valid id.
func FuzzReadZip(f *testing.F) {
	f.Add(zipOf(f, [2]string{"D1.jpg", string(phototest.JPEG(1, 40, 40))}))
	f.Add(zipOf(f, [2]string{"../x.png", "x"}, [2]string{"a/", ""}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := photoimport.ReadZip(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for _, p := range r.Photos {
			if !kiosk.ValidLabel(p.DelegateID) || p.SHA256 != kiosk.PhotoHash(p.Data) {
				t.Fatalf("photo %q %s", p.DelegateID, p.SHA256)
			}
			if _, err := kiosk.CheckPhoto(p.Data); err != nil {
				t.Fatalf("unchecked photo of %q: %v", p.DelegateID, err)
			}
		}
	})
}
