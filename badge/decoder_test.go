package badge_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"checkin/badge"
)

// decode feeds chunks to a fresh decoder of format; a chunk equal to
// idle calls Idle instead. Each result is the UID, or "!" and the reject
// reason.
func decode(t testing.TB, format string, chunks ...string) []string {
	t.Helper()
	d, err := badge.NewDecoder(format)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	emit := func(f badge.Frame) { got = append(got, frameString(f)) }
	for _, c := range chunks {
		if c == idle {
			d.Idle(emit)
			continue
		}
		d.Feed([]byte(c), emit)
	}
	return got
}

// idle in a chunk list stands for an idle gap.
const idle = "\x00IDLE\x00"

func frameString(f badge.Frame) string {
	if f.Err != nil {
		return "!" + badge.RejectReason(f.Err)
	}
	return string(f.UID)
}

type decodeTest struct {
	name   string
	chunks []string
	want   []string
}

func runDecodeTests(t *testing.T, format string, tests []decodeTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decode(t, format, tt.chunks...)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("%s %q: got %q, want %q", format, tt.chunks, got, tt.want)
			}
		})
	}
}

func TestNewDecoderUnknownFormat(t *testing.T) {
	if _, err := badge.NewDecoder("morse"); err == nil {
		t.Errorf("NewDecoder(morse): got nil error, want one")
	}
	for _, f := range badge.Formats() {
		if _, err := badge.NewDecoder(f); err != nil {
			t.Errorf("NewDecoder(%s): %v", f, err)
		}
	}
}

func TestRejectReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{badge.ErrChecksum, badge.ReasonChecksum},
		{badge.ErrParity, badge.ReasonParity},
		{badge.ErrGarbage, badge.ReasonGarbage},
		{badge.ErrOverlong, badge.ReasonOverlong},
		{badge.ErrLength, badge.ReasonLength},
		{badge.ErrBadHex, badge.ReasonBadHex},
		{badge.ErrBadNumber, badge.ReasonBadNumber},
		{os.ErrNotExist, badge.ReasonOther},
	}
	for _, tt := range tests {
		if got := badge.RejectReason(tt.err); got != tt.want {
			t.Errorf("RejectReason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestCaptures decodes the captured streams in testdata, whole, byte by
// byte and in odd-sized chunks: the result must not depend on how the
// bytes were split across reads.
func TestCaptures(t *testing.T) {
	for _, format := range badge.Formats() {
		t.Run(format, func(t *testing.T) {
			data, want, idles := readCapture(t, format)
			for _, size := range []int{len(data), 1, 2, 3, 7, 13, 64} {
				got := decodeCapture(t, format, data, idles, size)
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("chunk size %d: got\n%s\nwant\n%s", size,
						strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}
		})
	}
}

// readCapture loads testdata/FORMAT.bin, its expected frames (.want) and
// the offsets at which the reader saw an idle gap (.idle, optional).
func readCapture(t testing.TB, format string) (data []byte, want []string, idles []int) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", format+".bin"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.ReadFile(filepath.Join("testdata", format+".want"))
	if err != nil {
		t.Fatal(err)
	}
	want = strings.Split(strings.TrimSuffix(string(w), "\n"), "\n")
	if b, err := os.ReadFile(filepath.Join("testdata", format+".idle")); err == nil {
		for _, f := range strings.Fields(string(b)) {
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatal(err)
			}
			idles = append(idles, n)
		}
	}
	return data, want, idles
}

// decodeCapture feeds data in chunks of size, breaking chunks at the
// idle offsets and calling Idle there.
func decodeCapture(t testing.TB, format string, data []byte, idles []int, size int) []string {
	var chunks []string
	start := 0
	for _, end := range append(idles, len(data)) {
		for i := start; i < end; i += size {
			chunks = append(chunks, string(data[i:min(i+size, end)]))
		}
		if end < len(data) {
			chunks = append(chunks, idle)
		}
		start = end
	}
	return decode(t, format, chunks...)
}

// checkFrames is the fuzz invariant: no empty UID, rfid UIDs canonical,
// rejects carry a known reason, and the result does not depend on how
// the input is split.
func checkFrames(t *testing.T, format string, data []byte, split int) {
	whole := decode(t, format, string(data))
	split = split % (len(data) + 1)
	parts := decode(t, format, string(data[:split]), string(data[split:]))
	var bytewise []string
	d, _ := badge.NewDecoder(format)
	for i := range data {
		d.Feed(data[i:i+1], func(f badge.Frame) {
			if f.Err != nil {
				if f.UID != nil {
					t.Fatalf("reject %v with UID %q", f.Err, f.UID)
				}
				if badge.RejectReason(f.Err) == badge.ReasonOther {
					t.Fatalf("reject with unknown reason: %v", f.Err)
				}
			} else {
				checkUID(t, format, f.UID)
			}
			bytewise = append(bytewise, frameString(f))
		})
	}
	if strings.Join(whole, "\n") != strings.Join(parts, "\n") ||
		strings.Join(whole, "\n") != strings.Join(bytewise, "\n") {
		t.Fatalf("split-dependent: whole %q, split at %d %q, bytewise %q", whole, split, parts, bytewise)
	}
}

func checkUID(t *testing.T, format string, uid []byte) {
	t.Helper()
	if len(uid) == 0 {
		t.Fatalf("%s: empty UID", format)
	}
	if format == badge.FormatQR {
		if len(uid) > badge.MaxLine {
			t.Fatalf("qr: %d bytes, more than %d", len(uid), badge.MaxLine)
		}
		return
	}
	canon, err := badge.CanonicalUID(string(uid))
	if err != nil || canon != string(uid) {
		t.Fatalf("%s: UID %q not canonical: %q, %v", format, uid, canon, err)
	}
}
