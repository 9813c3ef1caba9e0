package badge_test

import (
	"fmt"
	"strings"
	"testing"

	"checkin/badge"
)

// steadyStream returns frames good reads of format, as a reader sends
// them in steady state: different cards, normal line ends.
func steadyStream(format string, frames int) []byte {
	var b strings.Builder
	for i := range frames {
		switch format {
		case badge.FormatEM4100:
			b.WriteString(emFrame(fmt.Sprintf("%010X", 0x0A00B10000+i), 0))
		case badge.FormatLine:
			fmt.Fprintf(&b, "04:A1:B2:%02X:D4:E5:F6\r\n", i%256)
		case badge.FormatLineDec:
			fmt.Fprintf(&b, "%d\r\n", 3000000000+i)
		case badge.FormatWiegand:
			fmt.Fprintf(&b, "W26:%s\r\n", wiegand(uint64(0x1A0000+i), 26, false))
		case badge.FormatQR:
			fmt.Fprintf(&b, "]Q1CK1.eyJkIjoiRDAwMDEyMyIsIm0iOiJTRzEyIiwiaSI6%04d.c2lnbmF0dXJlc2lnbmF0dXJl\r\n", i)
		}
	}
	return []byte(b.String())
}

const benchFrames = 64

// feedChunks feeds data in reads of 32 bytes, like a serial port at speed.
func feedChunks(d badge.Decoder, data []byte, emit func(badge.Frame)) {
	for i := 0; i < len(data); i += 32 {
		d.Feed(data[i:min(i+32, len(data))], emit)
	}
}

func benchmarkDecode(b *testing.B, format string) {
	data := steadyStream(format, benchFrames)
	d, err := badge.NewDecoder(format)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	emit := func(f badge.Frame) {
		if f.Err != nil {
			b.Fatalf("reject: %v", f.Err)
		}
		n++
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		feedChunks(d, data, emit)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/frame")
}

func BenchmarkDecodeEM4100(b *testing.B)  { benchmarkDecode(b, badge.FormatEM4100) }
func BenchmarkDecodeLine(b *testing.B)    { benchmarkDecode(b, badge.FormatLine) }
func BenchmarkDecodeLineDec(b *testing.B) { benchmarkDecode(b, badge.FormatLineDec) }
func BenchmarkDecodeWiegand(b *testing.B) { benchmarkDecode(b, badge.FormatWiegand) }
func BenchmarkDecodeQR(b *testing.B)      { benchmarkDecode(b, badge.FormatQR) }

// TestDecodeZeroAlloc guards the benchmark goal: no allocation per frame
// in steady state, good frames and rejects alike.
func TestDecodeZeroAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	for _, format := range badge.Formats() {
		for name, data := range map[string][]byte{
			"steady":  steadyStream(format, benchFrames),
			"capture": mustCapture(t, format),
		} {
			d, _ := badge.NewDecoder(format)
			emit := func(badge.Frame) {}
			allocs := testing.AllocsPerRun(20, func() {
				feedChunks(d, data, emit)
				d.Idle(emit)
			})
			if allocs != 0 {
				t.Errorf("%s %s: got %v allocs per stream, want 0", format, name, allocs)
			}
		}
	}
}

func mustCapture(t *testing.T, format string) []byte {
	data, _, _ := readCapture(t, format)
	return data
}
