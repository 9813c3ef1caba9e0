package badge

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Spec defaults, as documented for --reader.
const (
	DefaultFormat    = FormatEM4100
	DefaultBaud      = 9600
	DefaultGate      = "main"
	DefaultDirection = "in"
	DefaultRole      = "entrance"
)

// Reader roles.
const (
	RoleEntrance = "entrance" // taps check delegates in or out
	RoleDesk     = "desk"     // taps go to the registration desk, no decision
	RoleRoom     = "room"     // taps check delegates into the session in room=NAME
)

// ErrBadSpec is wrapped by every ParseSpec error.
var ErrBadSpec = errors.New("bad reader spec")

// FormatOSDP is an OSDP reader on RS-485: the kiosk is the control panel
// and polls it (badge/osdp); there is no byte-stream Decoder for it.
const FormatOSDP = "osdp"

// SCBKInstall is the scbk= value that sets a fresh key on a reader in
// install mode.
const SCBKInstall = "install"

// Spec is one parsed --reader value:
// PORT[,format=F][,baud=N][,gate=NAME][,direction=in|out][,role=entrance|desk|room][,room=NAME]
// and, for format=osdp, [,address=N][,scbk=HEX32|install][,secure=off].
type Spec struct {
	// Port is a device path or "usb:VID:PID[:SERIAL]" as given; with the
	// OSDP address it names the reader in states, reads and logs (Name).
	Port      string
	Format    string // FormatEM4100, FormatLine, FormatLineDec, FormatWiegand, FormatQR or FormatOSDP
	Baud      int
	Gate      string
	Direction string // "in" or "out"
	Role      string // RoleEntrance, RoleDesk or RoleRoom
	Room      string // role=room: the room whose door the reader is at

	// OSDP options.
	Address   int    // 0–126
	SCBK      string // "" (use the stored key), SCBKInstall, or 32 upper-case hex digits
	SecureOff bool   // secure=off: plain OSDP
}

// Name names the reader: its PORT, and for OSDP "PORT@ADDRESS", since
// several OSDP readers may share a port.
func (s Spec) Name() string {
	if s.Format == FormatOSDP {
		return s.Port + "@" + strconv.Itoa(s.Address)
	}
	return s.Port
}

// USBID is the USB identity of a "usb:VID:PID[:SERIAL]" port: VID and
// PID are four upper-case hex digits, Serial is empty when not given.
type USBID struct {
	VID, PID, Serial string
}

// Matches reports whether a USB device has this identity. VID and PID
// compare case-insensitively; the serial number, when given, exactly.
func (u USBID) Matches(vid, pid, serial string) bool {
	return strings.EqualFold(u.VID, vid) && strings.EqualFold(u.PID, pid) &&
		(u.Serial == "" || u.Serial == serial)
}

// String returns the port form "usb:VID:PID[:SERIAL]".
func (u USBID) String() string {
	if u.Serial == "" {
		return "usb:" + u.VID + ":" + u.PID
	}
	return "usb:" + u.VID + ":" + u.PID + ":" + u.Serial
}

// USB returns the USB identity of a "usb:" port, and false for a path.
func (s Spec) USB() (USBID, bool) {
	id, err := parseUSBPort(s.Port)
	return id, err == nil && strings.HasPrefix(s.Port, "usb:")
}

// Source returns the read source of the spec's format (SourceRFID or SourceQR).
func (s Spec) Source() string {
	return FormatSource(s.Format)
}

// String returns the spec in --reader form with every option spelled out.
// It carries an scbk= key: log Name, not String.
func (s Spec) String() string {
	out := fmt.Sprintf("%s,format=%s,baud=%d,gate=%s,direction=%s,role=%s",
		s.Port, s.Format, s.Baud, s.Gate, s.Direction, s.Role)
	if s.Room != "" {
		out += ",room=" + s.Room
	}
	if s.Format == FormatOSDP {
		out += ",address=" + strconv.Itoa(s.Address)
		if s.SCBK != "" {
			out += ",scbk=" + s.SCBK
		}
		if s.SecureOff {
			out += ",secure=off"
		}
	}
	return out
}

// ParseSpec parses a --reader value. Options may come in any order, each
// at most once; spaces around items are ignored. Errors wrap ErrBadSpec
// and name the offending key or value.
func ParseSpec(v string) (Spec, error) {
	s := Spec{
		Format:    DefaultFormat,
		Baud:      DefaultBaud,
		Gate:      DefaultGate,
		Direction: DefaultDirection,
		Role:      DefaultRole,
	}
	items := strings.Split(v, ",")
	s.Port = strings.TrimSpace(items[0])
	if s.Port == "" {
		return Spec{}, specErrorf(v, "missing PORT (a device path or usb:VID:PID[:SERIAL])")
	}
	if strings.HasPrefix(s.Port, "usb:") {
		if _, err := parseUSBPort(s.Port); err != nil {
			return Spec{}, specErrorf(v, "port %q: %v", s.Port, err)
		}
	}
	seen := make(map[string]bool)
	for _, item := range items[1:] {
		item = strings.TrimSpace(item)
		key, val, ok := strings.Cut(item, "=")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if !ok || key == "" {
			return Spec{}, specErrorf(v, "option %q: want key=value", item)
		}
		if seen[key] {
			return Spec{}, specErrorf(v, "option %q given twice", key)
		}
		seen[key] = true
		if err := s.set(key, val); err != nil {
			return Spec{}, specErrorf(v, "%v", err)
		}
	}
	if s.Format != FormatOSDP {
		for _, k := range []string{"address", "scbk", "secure"} {
			if seen[k] {
				return Spec{}, specErrorf(v, "option %q is for format=osdp only", k)
			}
		}
	}
	if s.SecureOff && s.SCBK != "" {
		return Spec{}, specErrorf(v, "secure=off and scbk= contradict each other: give one")
	}
	switch {
	case s.Role == RoleRoom && s.Room == "":
		return Spec{}, specErrorf(v, "role=room needs room=NAME, the room whose door the reader is at")
	case s.Role != RoleRoom && s.Room != "":
		return Spec{}, specErrorf(v, "room= is for role=room only")
	}
	return s, nil
}

func (s *Spec) set(key, val string) error {
	switch key {
	case "format":
		for _, f := range append(Formats(), FormatOSDP) {
			if val == f {
				s.Format = val
				return nil
			}
		}
		return fmt.Errorf("format=%q: want one of %s, %s", val, strings.Join(Formats(), ", "), FormatOSDP)
	case "address":
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 || n > 126 {
			return fmt.Errorf("address=%q: want an OSDP address from 0 to 126", val)
		}
		s.Address = n
	case "scbk":
		if val == SCBKInstall {
			s.SCBK = val
			return nil
		}
		if len(val) != 32 || !isHex(val) {
			return fmt.Errorf("scbk=…: want 32 hex digits (a 128-bit key) or install")
		}
		s.SCBK = strings.ToUpper(val)
	case "secure":
		if val != "off" {
			return fmt.Errorf("secure=%q: the only value is off (secure channel is the default)", val)
		}
		s.SecureOff = true
	case "baud":
		n, err := strconv.Atoi(val)
		if err != nil || n < 50 || n > 4000000 {
			return fmt.Errorf("baud=%q: want a rate between 50 and 4000000", val)
		}
		s.Baud = n
	case "gate":
		if !validGate(val) {
			return fmt.Errorf("gate=%q: want 1 to 64 letters, digits, '-', '_' or '.'", val)
		}
		s.Gate = val
	case "direction":
		if val != "in" && val != "out" {
			return fmt.Errorf("direction=%q: want in or out", val)
		}
		s.Direction = val
	case "role":
		if val != RoleEntrance && val != RoleDesk && val != RoleRoom {
			return fmt.Errorf("role=%q: want entrance, desk or room", val)
		}
		s.Role = val
	case "room":
		if !validRoom(val) {
			return fmt.Errorf("room=%q: want 1 to 64 printable characters (no comma)", val)
		}
		s.Room = val
	default:
		return fmt.Errorf("unknown option %q (want format, baud, gate, direction, role, room, or for format=osdp address, scbk, secure)", key)
	}
	return nil
}

// specErrorf wraps ErrBadSpec, quoting the value with any key hidden.
func specErrorf(v, format string, args ...any) error {
	items := strings.Split(v, ",")
	for i, item := range items {
		if k, val, ok := strings.Cut(item, "="); ok && strings.TrimSpace(k) == "scbk" && strings.TrimSpace(val) != SCBKInstall {
			items[i] = k + "=…"
		}
	}
	return fmt.Errorf("%w %q: %s", ErrBadSpec, strings.Join(items, ","), fmt.Sprintf(format, args...))
}

// parseUSBPort parses "usb:VID:PID[:SERIAL]".
func parseUSBPort(port string) (USBID, error) {
	rest, ok := strings.CutPrefix(port, "usb:")
	if !ok {
		return USBID{}, errors.New("not a usb: port")
	}
	parts := strings.SplitN(rest, ":", 3)
	if len(parts) < 2 {
		return USBID{}, errors.New("want usb:VID:PID[:SERIAL]")
	}
	if !isHex4(parts[0]) {
		return USBID{}, fmt.Errorf("VID %q: want 4 hex digits", parts[0])
	}
	if !isHex4(parts[1]) {
		return USBID{}, fmt.Errorf("PID %q: want 4 hex digits", parts[1])
	}
	id := USBID{VID: strings.ToUpper(parts[0]), PID: strings.ToUpper(parts[1])}
	if len(parts) == 3 {
		if parts[2] == "" {
			return USBID{}, errors.New("empty SERIAL after usb:VID:PID:")
		}
		id.Serial = parts[2]
	}
	return id, nil
}

func isHex4(s string) bool {
	return len(s) == 4 && isHex(s)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if hexValue(s[i]) < 0 {
			return false
		}
	}
	return true
}

// validRoom reports whether s can be a room's name: 1 to 64 printable
// characters, as the schedule's rooms are names of up to kiosk.MaxLabel.
func validRoom(s string) bool {
	if s == "" || len(s) > 64 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

func validGate(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '-' || r == '_' || r == '.':
		default:
			return false
		}
	}
	return true
}
