package osdp

import (
	"fmt"
	"strconv"
)

// Command codes (OSDP 2.2 §6) the panel sends.
const (
	CmdPOLL   = 0x60
	CmdID     = 0x61
	CmdCAP    = 0x62
	CmdLSTAT  = 0x64
	CmdLED    = 0x69
	CmdBUZ    = 0x6A
	CmdKEYSET = 0x75
	CmdCHLNG  = 0x76
	CmdSCRYPT = 0x77
)

// Reply codes (§7) it understands; ReplyRAW and ReplyFMT are in card.go.
const (
	ReplyACK    = 0x40
	ReplyNAK    = 0x41
	ReplyPDID   = 0x45
	ReplyPDCAP  = 0x46
	ReplyLSTATR = 0x48
	ReplyCCRYPT = 0x76
	ReplyRMACI  = 0x78
	ReplyBUSY   = 0x79
)

// NAK error codes (§7.3).
const (
	NakCheck      = 1 // message check character(s) error
	NakLength     = 2 // command length error
	NakUnknown    = 3 // unknown command code
	NakSequence   = 4 // unexpected sequence number
	NakSCUnsup    = 5 // security block not supported, or cryptogram refused
	NakSCRequired = 6 // encrypted communication required / secure channel condition not met
	NakRecord     = 9 // unable to process command record
)

// NakText says what a NAK error code means, for a technician.
func NakText(code byte) string {
	switch code {
	case NakCheck:
		return "NAK 1: the reader saw a bad CRC or checksum"
	case NakLength:
		return "NAK 2: command length error"
	case NakUnknown:
		return "NAK 3: the reader does not know the command"
	case NakSequence:
		return "NAK 4: unexpected sequence number"
	case NakSCUnsup:
		return "NAK 5: secure channel not supported or refused"
	case NakSCRequired:
		return "NAK 6: the reader requires a secure channel"
	case 7:
		return "NAK 7: biometric type not supported"
	case 8:
		return "NAK 8: biometric format not supported"
	case NakRecord:
		return "NAK 9: the reader could not process the command"
	}
	return "NAK " + strconv.Itoa(int(code))
}

// LED colours (§6.10).
const (
	ColorBlack = 0
	ColorRed   = 1
	ColorGreen = 2
	ColorAmber = 3
)

// LED is one osdp_LED record that sets a temporary state only: the colour
// for OnTenths tenths of a second (steady), after which the reader goes
// back to its permanent state, which is left as it is.
type LED struct {
	Reader, Number byte
	Color          byte
	Tenths         uint16
}

// Data returns the 14 bytes of the record (§6.10): reader, LED number,
// temporary control 2 (set and start the timer), on and off times,
// on and off colours, timer (least significant byte first), then the
// permanent part with control 0 (leave it).
func (l LED) Data() []byte {
	return []byte{l.Reader, l.Number,
		2, 1, 0, l.Color, l.Color, byte(l.Tenths), byte(l.Tenths >> 8),
		0, 0, 0, 0, 0}
}

// Buzzer is one osdp_BUZ command: the default tone on for OnTenths and off
// for OffTenths tenths of a second, Count times.
type Buzzer struct {
	Reader              byte
	OnTenths, OffTenths byte
	Count               byte
}

// Data returns the 5 bytes of the command (§6.11); tone code 2 is the
// reader's default tone.
func (b Buzzer) Data() []byte {
	return []byte{b.Reader, 2, b.OnTenths, b.OffTenths, b.Count}
}

// Feedback is what a reader shows after a decided tap (docs/readers.md,
// "What the reader shows"): green about 1 s and one short beep for accepted, red about 2 s
// and a longer beep for rejected.
func Feedback(accepted bool) (LED, Buzzer) {
	if accepted {
		return LED{Color: ColorGreen, Tenths: 10}, Buzzer{OnTenths: 1, OffTenths: 1, Count: 1}
	}
	return LED{Color: ColorRed, Tenths: 20}, Buzzer{OnTenths: 8, OffTenths: 1, Count: 1}
}

// PDID is the data of osdp_PDID (§7.4).
type PDID struct {
	Vendor   [3]byte
	Model    byte
	Version  byte
	Serial   uint32
	Firmware [3]byte
}

// ParsePDID reads the 12 bytes of osdp_PDID.
func ParsePDID(d []byte) (PDID, error) {
	if len(d) != 12 {
		return PDID{}, fmt.Errorf("osdp_PDID: %d bytes, want 12", len(d))
	}
	var id PDID
	copy(id.Vendor[:], d[0:3])
	id.Model, id.Version = d[3], d[4]
	id.Serial = uint32(d[5]) | uint32(d[6])<<8 | uint32(d[7])<<16 | uint32(d[8])<<24
	copy(id.Firmware[:], d[9:12])
	return id, nil
}

// String names the reader for logs: vendor code (the IEEE OUI, sent least
// significant byte first), model, serial, firmware.
func (id PDID) String() string {
	return fmt.Sprintf("vendor %02X%02X%02X model %d serial %d firmware %d.%d.%d",
		id.Vendor[2], id.Vendor[1], id.Vendor[0], id.Model, id.Serial, id.Firmware[0], id.Firmware[1], id.Firmware[2])
}

// Capability function codes (§7.5) the panel looks at.
const (
	CapCheckCharacter = 8 // compliance bit 0: the reader does CRC-16
	CapSecurity       = 9 // compliance bit 0: AES-128 secure channel
)

// Capabilities are the function code → compliance level pairs of
// osdp_PDCAP.
type Capabilities map[byte]byte

// ParsePDCAP reads osdp_PDCAP: records of function code, compliance
// level and number of items.
func ParsePDCAP(d []byte) (Capabilities, error) {
	if len(d)%3 != 0 {
		return nil, fmt.Errorf("osdp_PDCAP: %d bytes, want records of 3", len(d))
	}
	caps := make(Capabilities)
	for i := 0; i < len(d); i += 3 {
		caps[d[i]] = d[i+1]
	}
	return caps, nil
}

// SecureChannel reports whether the reader offers AES-128 Secure Channel.
func (c Capabilities) SecureChannel() bool { return c[CapSecurity]&1 != 0 }

// CRC reports whether the reader checks CRC-16 (else only the checksum).
// A reader that does not say is assumed to: OSDP 2.2 requires it.
func (c Capabilities) CRC() bool {
	v, ok := c[CapCheckCharacter]
	return !ok || v&1 != 0
}

// LocalStatus is osdp_LSTATR (§7.6): the reader's tamper switch and its
// power.
type LocalStatus struct {
	Tamper       bool
	PowerFailure bool
}

// ParseLSTATR reads the two bytes of osdp_LSTATR.
func ParseLSTATR(d []byte) (LocalStatus, error) {
	if len(d) != 2 {
		return LocalStatus{}, fmt.Errorf("osdp_LSTATR: %d bytes, want 2", len(d))
	}
	return LocalStatus{Tamper: d[0] != 0, PowerFailure: d[1] != 0}, nil
}
