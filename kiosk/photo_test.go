package kiosk_test

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"strings"
	"testing"

	"checkin/kiosk"
	"checkin/kiosk/phototest"
)

func TestCheckPhoto(t *testing.T) {
	jpeg, png := phototest.JPEG(1, 120, 160), phototest.PNG(2, 64, 64)
	var gifBuf bytes.Buffer
	img := image.NewPaletted(image.Rect(0, 0, 64, 64), []color.Color{color.Black, color.White})
	if err := gif.Encode(&gifBuf, img, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string // content type, or a word of the error
	}{
		{"jpeg", jpeg, "image/jpeg"},
		{"png", png, "image/png"},
		{"empty", nil, "empty"},
		{"gif", gifBuf.Bytes(), "not JPEG or PNG"},
		{"text", []byte("<html>hello</html>"), "not JPEG or PNG"},
		{"truncated jpeg", jpeg[:len(jpeg)-200], "damaged"},
		{"jpeg header only", jpeg[:20], "cannot be read"},
		{"too small", phototest.PNG(3, 16, 64), "16×64 pixels"},
		{"too large", append(append([]byte(nil), jpeg...), make([]byte, kiosk.MaxPhotoBytes)...), "at most"},
		{"png with a jpeg's name is a png", png, "image/png"},
	} {
		got, err := kiosk.CheckPhoto(tc.data)
		switch {
		case strings.HasPrefix(tc.want, "image/"):
			if err != nil || got != tc.want {
				t.Errorf("%s: %q, %v; want %s", tc.name, got, err, tc.want)
			}
		case err == nil || kiosk.ErrorCode(err) != kiosk.EINVALID || !strings.Contains(kiosk.ErrorMessage(err), tc.want):
			t.Errorf("%s: %q, %v; want EINVALID saying %q", tc.name, got, err, tc.want)
		}
	}
}

func TestPhotoHash(t *testing.T) {
	if h := kiosk.PhotoHash([]byte("abc")); h != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" || !kiosk.ValidPhotoHash(h) {
		t.Errorf("hash %s", h)
	}
	for _, bad := range []string{"", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", "ba78", strings.Repeat("g", 64)} {
		if kiosk.ValidPhotoHash(bad) {
			t.Errorf("%q passes as a hash", bad)
		}
	}
}

// FuzzCheckPhoto: any bytes are either a photo (JPEG or PNG that decodes,
// of sane size) or refused with EINVALID; never a panic, never another type.
func FuzzCheckPhoto(f *testing.F) {
	f.Add(phototest.JPEG(1, 40, 40))
	f.Add(phototest.PNG(2, 40, 40))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("\xff\xd8\xff\xe0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ct, err := kiosk.CheckPhoto(data)
		if err != nil {
			if kiosk.ErrorCode(err) != kiosk.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if ct != kiosk.PhotoJPEG && ct != kiosk.PhotoPNG {
			t.Fatalf("accepted as %q", ct)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width < kiosk.MinPhotoSide || cfg.Height > kiosk.MaxPhotoSide {
			t.Fatalf("accepted %d×%d (%v)", cfg.Width, cfg.Height, err)
		}
	})
}
