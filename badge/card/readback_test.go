package card_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"checkin/badge/card"
)

// portrait makes a photo of w × h pixels: a head and shoulders on a plain
// background, as a desk camera takes them, in JPEG or PNG.
func portrait(t testing.TB, w, h int, asPNG bool) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{0x9F, 0xB8, 0xD0, 0xFF} // background
			dx, dy := float64(x-w/2)/(float64(h)*0.17), float64(y-h*2/5)/(float64(h)*0.22)
			switch {
			case dx*dx+dy*dy <= 1:
				c = color.RGBA{0xE0, 0xB0, 0x8C, 0xFF} // face
			case y > h*7/10 && abs(float64(x-w/2)) < float64(h)*0.45-float64(h-y)*0.3:
				c = color.RGBA{0x2B, 0x3A, 0x55, 0xFF} // jacket
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	var err error
	if asPNG {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readBack is a badge for the acceptance test and what must read back.
type readBack struct {
	file  string // artifacts/badge-<file>.png, or "" for none
	badge card.Badge
	want  []string
}

// readBacks are names in the five scripts the issue names, new to these
// tests, each with its meeting and a pass.
func readBacks(t testing.TB) []readBack {
	return []readBack{
		{"ar", meetingBadge(card.Badge{FamilyName: "بن علي", GivenName: "فاطمة الزهراء", Name: "فاطمة الزهراء بن علي",
			Organization: "الهيئة الوطنية للاتصالات", Country: "TN", CountryName: "Tunisia", Role: "head", Language: "ar", DelegateID: "T0107"}),
			[]string{"فاطمة الزهراء بن علي", "الهيئة الوطنية للاتصالات", "Tunisia (TN)", "HEAD OF DELEGATION", "T0107"}},
		{"", meetingBadge(card.Badge{FamilyName: "欧阳", GivenName: "娜娜", Name: "欧阳娜娜",
			Organization: "中国信息通信研究院", Country: "CN", CountryName: "China", Role: "delegate", Language: "zh", DelegateID: "C0311"}),
			[]string{"欧阳娜娜", "Ouyang Nana", "中国信息通信研究院", "China (CN)", "C0311"}},
		{"ja", meetingBadge(card.Badge{FamilyName: "渡辺", GivenName: "さくら", Name: "渡辺 さくら",
			LatinFamilyName: "Watanabe", LatinGivenName: "Sakura",
			Organization: "総務省 国際戦略局", Country: "JP", CountryName: "Japan", Role: "deputy_head", Language: "ja", DelegateID: "J0420",
			Photo: portrait(t, 640, 480, false)}),
			[]string{"渡辺 さくら", "Watanabe Sakura", "総務省 国際戦略局", "Japan (JP)", "DEPUTY HEAD OF DELEGATION", "J0420"}},
		{"hi", meetingBadge(card.Badge{FamilyName: "द्विवेदी", GivenName: "अनन्या", Name: "अनन्या द्विवेदी",
			Organization: "दूरसंचार विभाग", Country: "IN", CountryName: "India", Role: "delegate", Language: "en", DelegateID: "I0093",
			Photo: portrait(t, 360, 520, true)}),
			[]string{"अनन्या द्विवेदी", "दूरसंचार विभाग", "India (IN)", "DELEGATE", "I0093"}},
		{"", meetingBadge(card.Badge{FamilyName: "Ёлкина", GivenName: "Ксения", Name: "Ёлкина Ксения",
			Organization: "Минцифры России", Country: "RU", CountryName: "Russian Federation", Role: "press", Language: "ru", DelegateID: "R0555"}),
			[]string{"Ёлкина Ксения", "Yolkina Kseniya", "Минцифры России", "Russian Federation (RU)", "PRESS", "R0555"}},
	}
}

// TestReadBack renders badges for Arabic, Chinese, Japanese, Hindi and
// Russian names in both layouts, with and without photos, and reads them
// back as a person and a scanner would: the text with pdftotext (copy and
// search give the names as typed, shaped Devanagari included), the QR code
// with zbarimg from a 300 dpi raster. With CHECKIN_ARTIFACTS set, three of
// them are written there as PNG to be looked at.
func TestReadBack(t *testing.T) {
	pdftotext := lookTool(t, "pdftotext")
	pdftoppm := lookTool(t, "pdftoppm")
	zbarimg := lookTool(t, "zbarimg")
	r := newRenderer(t)
	dir := t.TempDir()
	artifacts := os.Getenv("CHECKIN_ARTIFACTS")
	for _, rb := range readBacks(t) {
		for _, l := range []card.Layout{card.CR80, card.A6} {
			t.Run(rb.badge.DelegateID+"/"+string(l), func(t *testing.T) {
				var buf bytes.Buffer
				if err := r.Render(&buf, rb.badge, l); err != nil {
					t.Fatal(err)
				}
				base := filepath.Join(dir, rb.badge.DelegateID+"-"+string(l))
				if err := os.WriteFile(base+".pdf", buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				text := pdfText(t, pdftotext, base+".pdf")
				for _, w := range rb.want {
					if !strings.Contains(text, w) {
						t.Errorf("text has no %q; got:\n%s", w, text)
					}
				}
				if strings.ContainsFunc(text, func(r rune) bool { return r >= 0xE000 && r <= 0xF8FF }) {
					t.Errorf("text has Private Use Area code points: %q", text)
				}
				if hasPhoto := bytes.Contains(buf.Bytes(), []byte("/Subtype /Image")); hasPhoto != (rb.badge.Photo != nil) {
					t.Errorf("image in the PDF: %v, want %v", hasPhoto, rb.badge.Photo != nil)
				}
				if out, err := exec.Command(pdftoppm, "-png", "-r", "300", "-singlefile", base+".pdf", base).CombinedOutput(); err != nil {
					t.Fatalf("pdftoppm: %v\n%s", err, out)
				}
				out, err := exec.Command(zbarimg, "--raw", "-q", "-Sbinary", base+".png").Output()
				if err != nil {
					t.Fatalf("zbarimg found no code: %v", err)
				}
				if got := strings.TrimSuffix(string(out), "\n"); got != pass {
					t.Errorf("QR code reads %q, want the pass", got)
				}
				// A6 for the photo of the Japanese badge, CR80 for the others.
				if artifacts != "" && rb.file != "" && (l == card.A6) == (rb.file == "ja") {
					if err := os.MkdirAll(artifacts, 0o755); err != nil {
						t.Fatal(err)
					}
					dst := filepath.Join(artifacts, "badge-"+rb.file)
					if out, err := exec.Command(pdftoppm, "-png", "-r", "200", "-singlefile", base+".pdf", dst).CombinedOutput(); err != nil {
						t.Fatalf("pdftoppm: %v\n%s", err, out)
					}
					t.Logf("wrote %s.png", dst)
				}
			})
		}
	}
}

// TestPhotoBadBytes: bytes that are no JPEG or PNG leave the photo out,
// with no error, and the badge is otherwise whole.
func TestPhotoBadBytes(t *testing.T) {
	r := newRenderer(t)
	good := portrait(t, 300, 400, false)
	for name, photo := range map[string][]byte{
		"garbage":        []byte("not a photo at all"),
		"truncated JPEG": good[:len(good)/3],
		"GIF header":     []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"PNG signature":  []byte("\x89PNG\r\n\x1a\n"),
		"empty":          {},
	} {
		for _, l := range []card.Layout{card.CR80, card.A6} {
			b := meetingBadge(card.Badge{Name: "Ingrid Solberg", Role: "delegate", Photo: photo})
			var buf bytes.Buffer
			if err := r.Render(&buf, b, l); err != nil {
				t.Errorf("%s %s: %v", name, l, err)
				continue
			}
			if bytes.Contains(buf.Bytes(), []byte("/Subtype /Image")) {
				t.Errorf("%s %s: the PDF has an image", name, l)
			}
		}
	}
}

func FuzzPhoto(f *testing.F) {
	f.Add(portrait(f, 40, 30, false))
	f.Add(portrait(f, 30, 40, true))
	f.Add([]byte("\xff\xd8\xff\xe0"))
	r := newRenderer(f)
	f.Fuzz(func(t *testing.T, photo []byte) {
		var buf bytes.Buffer
		if err := r.Render(&buf, card.Badge{Name: "A", Photo: photo}, card.CR80); err != nil {
			t.Fatal(err)
		}
	})
}
